//! Adaptive average: VICIdial's `ADAPT_AVERAGE` — the day's drop rate held at the target on average: over the
//! target, the level is halved at each recalculation, and it climbs again with the floor's differential once
//! the rate is back under (it may run over the target for a while). The shared core is in adaptive.rs.

/// VICIdial's averaging over-target rule.
pub(super) fn halve(level: f64, _hours_left: f64) -> f64 {
    level / 2.0
}
