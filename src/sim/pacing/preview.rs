//! Preview: each free agent reviews a record, then dials it and waits for its outcome (no drops). The dial level
//! is 1.0 by construction (one call per agent who is free), reported once per day in the summary's series and
//! carried through every interval.

use super::{Floor, Pacing};
use crate::scenario::{DialerSection, Dist};
use crate::sim::draw::sample;

/// Every idle agent starts a preview while there is a number to dial.
pub(crate) struct Preview {
    review: Dist,
}

impl Preview {
    pub(crate) fn new(d: &DialerSection) -> Preview {
        Preview { review: d.preview.clone() }
    }
}

impl Pacing for Preview {
    fn day_start(&mut self, floor: &mut dyn Floor) {
        floor.report_level(self.level());
        self.pace(floor);
    }

    fn pace(&mut self, floor: &mut dyn Floor) {
        while floor.idle_agents() > 0 && floor.has_lead() {
            let (u1, u2) = (floor.random(), floor.random());
            floor.preview(sample(&self.review, u1, u2));
        }
    }

    fn level(&self) -> f64 {
        1.0
    }

    /// The agent who dialled waits on the line: no answering-machine detection.
    fn screens_machines(&self) -> bool {
        false
    }
}
