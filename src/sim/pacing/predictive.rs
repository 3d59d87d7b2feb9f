//! Predictive: several calls per free agent, the dial level adapted toward the drop-rate target. Modelled on
//! VICIdial's adaptive pacing with a hard limit: back to 1.0 once the day's drop rate reaches the target,
//! otherwise the level rises with idle agents and falls as the drop rate nears the target.

use super::{Floor, Pacing, dial_to_level};
use crate::scenario::DialerSection;
use crate::sim::queue::{Millis, millis};

/// The adaptive hard-limit controller.
pub(crate) struct Predictive {
    level: f64,
    drop_target: f64,
    max_level: f64,
    every: Millis,
}

impl Predictive {
    pub(crate) fn new(d: &DialerSection) -> Predictive {
        Predictive {
            level: d.initial_level,
            drop_target: d.drop_target,
            max_level: d.max_level,
            every: millis(d.recalc_interval),
        }
    }
}

impl Pacing for Predictive {
    fn day_start(&mut self, floor: &mut dyn Floor) {
        floor.report_level(self.level);
        let at = floor.now() + self.every;
        floor.wake_at(at);
        self.pace(floor);
    }

    fn pace(&mut self, floor: &mut dyn Floor) {
        dial_to_level(floor, self.level);
    }

    fn recalc(&mut self, floor: &mut dyn Floor) {
        let idle_share = floor.take_idle_share();
        let drop_rate = floor.day_drop_rate();
        let target = self.drop_target;
        self.level = if drop_rate >= target {
            1.0
        } else {
            let gap = (target - drop_rate) / target.max(1e-9);
            let up = 0.5 * gap * idle_share * self.level;
            let down = 0.5 * (1.0 - gap) * (self.level - 1.0);
            (self.level + up - down).clamp(1.0, self.max_level)
        };
        floor.report_level(self.level);
        floor.report_interval_level(self.level);
        let at = floor.now() + self.every;
        floor.wake_at(at);
        self.pace(floor);
    }

    fn level(&self) -> f64 {
        self.level
    }
}
