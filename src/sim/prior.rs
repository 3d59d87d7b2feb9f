//! What a system of record knows before a campaign — numbers never to dial and the lawful bases of numbers —
//! handed to the campaign as plain data (the simulator never reads a registry itself).

use std::collections::HashMap;

use crate::exclude::SuppressionList;
use crate::jurisdiction::Basis;

/// Numbers never to dial and the bases of numbers, from outside the scenario (a registry).
#[derive(Clone, Debug, Default)]
pub struct Prior {
    /// The exclusion source's name in summaries and audits (e.g. `registry:PATH`).
    pub name: String,
    /// Numbers never to dial, held exactly.
    pub suppressed: SuppressionList,
    /// The lawful basis of numbers known to have one (opt-in, consent, customer): it is the basis of every call
    /// to them, whatever the scenario declares for its list.
    pub bases: HashMap<u64, Basis>,
}
