//! Adaptive tapered: VICIdial's `ADAPT_TAPERED` — lenient over the target early in the day, tightening as the
//! window's close nears. Over the target, the level is multiplied by the hours left over ten (at most 1), and
//! back to 1.0 once the close has passed (VICIdial: `tapered_rate = (latest_time − now) / 1000` in HHMM, i.e.
//! ten hours; its latest time is the window's close here). The shared core is in adaptive.rs.

use super::adaptive::Adaptive;
use super::{Floor, Pacing, dial_to_level};
use crate::scenario::DialerSection;

/// VICIdial's tapered over-target rule.
pub(crate) fn taper(level: f64, hours_left: f64) -> f64 {
    if hours_left < 0.0 { 1.0 } else { level * (hours_left / 10.0).min(1.0) }
}

/// The tapered adaptive pacer.
pub(crate) struct AdaptiveTapered(Adaptive);

impl AdaptiveTapered {
    pub(crate) fn new(d: &DialerSection) -> AdaptiveTapered {
        AdaptiveTapered(Adaptive::new(d, taper))
    }
}

impl Pacing for AdaptiveTapered {
    fn day_start(&mut self, floor: &mut dyn Floor) {
        self.0.day_start(floor);
    }

    fn pace(&mut self, floor: &mut dyn Floor) {
        dial_to_level(floor, self.0.level);
    }

    fn recalc(&mut self, floor: &mut dyn Floor) {
        self.0.tick(floor);
    }

    fn level(&self) -> f64 {
        self.0.level
    }
}
