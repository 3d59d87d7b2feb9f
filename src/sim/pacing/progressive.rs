//! Progressive: one call per free agent. Its dial level is 1.0 by construction (calls per free agent), reported
//! once per day in the summary's series and carried through every interval.

use super::{Floor, Pacing, dial_to_level};

/// One call ringing per idle agent, within the lines.
pub(crate) struct Progressive;

impl Pacing for Progressive {
    fn day_start(&mut self, floor: &mut dyn Floor) {
        floor.report_level(self.level());
        self.pace(floor);
    }

    fn pace(&mut self, floor: &mut dyn Floor) {
        dial_to_level(floor, 1.0);
    }

    fn level(&self) -> f64 {
        1.0
    }
}
