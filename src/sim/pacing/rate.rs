//! Rate: Poisson dialling at a fixed rate per hour, whatever the agents do (capacity studies, queueing
//! validation). A dial that finds every line busy is skipped and counted. The mode has no dial level — its
//! rate is per hour, not per agent — so it reports 0 (intervals.csv) and no series (summary.json); the
//! realised dials are in the `dials` column.

use super::{Floor, Pacing};
use crate::scenario::DialerSection;
use crate::sim::queue::{Millis, millis};

/// Dials at exponential gaps of mean 3600 / `per_hour` seconds.
pub(crate) struct Rate {
    per_hour: f64,
}

impl Rate {
    pub(crate) fn new(d: &DialerSection) -> Rate {
        Rate { per_hour: d.rate_per_hour }
    }

    fn schedule(&self, floor: &mut dyn Floor) {
        let gap = -(1.0f64 - floor.random()).ln() * 3600.0 / self.per_hour;
        let at = floor.now() + millis(gap).max(Millis(1));
        floor.wake_at(at);
    }
}

impl Pacing for Rate {
    fn day_start(&mut self, floor: &mut dyn Floor) {
        self.schedule(floor);
    }

    /// Calls are launched by the clock only.
    fn pace(&mut self, _floor: &mut dyn Floor) {}

    fn paces(&self) -> bool {
        false
    }

    fn recalc(&mut self, floor: &mut dyn Floor) {
        if floor.in_progress() < floor.lines() {
            floor.dial();
        } else {
            floor.blocked_dial();
        }
        self.schedule(floor);
    }

    fn level(&self) -> f64 {
        0.0
    }

    fn stops_before_the_close(&self) -> bool {
        false
    }
}
