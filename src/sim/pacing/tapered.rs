//! Adaptive tapered: VICIdial's `ADAPT_TAPERED` — lenient over the target early in the day, tightening as the
//! window's close nears. Over the target, the level is multiplied by the hours left over ten (at most 1), and
//! back to 1.0 once the close has passed (VICIdial: `tapered_rate = (latest_time − now) / 1000` in HHMM, i.e.
//! ten hours; its latest time is the window's close here). The shared core is in adaptive.rs.

/// VICIdial's tapered over-target rule.
pub(super) fn taper(level: f64, hours_left: f64) -> f64 {
    if hours_left < 0.0 { 1.0 } else { level * (hours_left / 10.0).min(1.0) }
}
