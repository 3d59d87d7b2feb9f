//! Adaptive average: VICIdial's `ADAPT_AVERAGE` — the day's drop rate held at the target on average: over the
//! target, the level is halved at each recalculation, and it climbs again with the floor's differential once
//! the rate is back under (it may run over the target for a while). The shared core is in adaptive.rs.

use super::adaptive::Adaptive;
use super::{Floor, Pacing, dial_to_level};
use crate::scenario::DialerSection;

/// VICIdial's averaging over-target rule.
pub(crate) fn halve(level: f64, _hours_left: f64) -> f64 {
    level / 2.0
}

/// The averaging adaptive pacer.
pub(crate) struct AdaptiveAverage(Adaptive);

impl AdaptiveAverage {
    pub(crate) fn new(d: &DialerSection) -> AdaptiveAverage {
        AdaptiveAverage(Adaptive::new(d, halve))
    }
}

impl Pacing for AdaptiveAverage {
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
