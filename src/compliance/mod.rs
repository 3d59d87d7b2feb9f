//! The compliance flow inside each call, the records a controller keeps, and the rules they are audited
//! against.
//!
//! Every connected call opens with identification, purpose and the offer to object (GDPR Art. 21); an
//! objection puts the number on the suppression list (number, time, call id, scope — never a name). A name is
//! kept with the number only after consent (Art. 7(1): the controller can demonstrate it) and the receipt is
//! written before the name; a declined consent leaves the name nowhere. A referral brings another person's
//! number, never their name; the referee's own call carries the Art. 14 notice of where the number came from.
//! The engine decides (with draws from the seed); this module holds the records, the rules and the audit.

mod audit;
mod processing;
mod records;

pub use audit::{
    AuditCall, AuditInput, AuditName, AuditOptions, AuditReceipt, AuditReport, AuditWithdrawal, Auditor, Detail,
    KnownHit, Position, UNPROVEN_WITHOUT_KEY, Violation, audit, audit_folder, read_run_scenario,
};
pub use processing::{PROCESSING_FILE, PROCESSING_VERSION, processing_record, processing_record_of};
pub use records::{
    LedgerEntry, NameEntry, RECEIPT_VERSION, Receipt, SuppressionEntry, WITHDRAWAL_FIELDS, WITHDRAWAL_VERSION,
    Withdrawal, epoch_seconds, erase_withdrawn, is_uuid, record_uuid, synthetic_name, time_ms_of, timestamp,
    wording_sha256, zone, zoned,
};

use crate::scenario::Profile;

/// Which window abandonment is measured over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbandonWindow {
    /// Per 24 hours (Ofcom).
    Day,
    /// Per 30 days (the FTC's Telemarketing Sales Rule).
    ThirtyDays,
}

/// The limits a jurisdiction profile sets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rules {
    /// ISO jurisdiction on receipts.
    pub jurisdiction: &'static str,
    /// Highest share of live answers abandoned per window.
    pub abandon_limit: f64,
    /// The window.
    pub window: AbandonWindow,
    /// Longest silence before an agent or a message, seconds.
    pub max_silence_s: f64,
    /// Shortest ringing before a call is given up, seconds.
    pub min_ring_s: f64,
    /// Hours a number stays locked after an abandoned call (0: no rule).
    pub lockout_h: f64,
    /// Marketing calls to consumers need prior consent (a cold marketing campaign breaks the rules).
    pub opt_in: bool,
}

impl Profile {
    /// The profile's name as written in scenarios.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Cz2018 => "cz-2018",
            Profile::Cz2022 => "cz-2022",
            Profile::UkOfcom => "uk-ofcom",
            Profile::UsTsr => "us-tsr",
        }
    }

    /// The limits the audit checks.
    pub fn rules(self) -> Rules {
        let base = Rules {
            jurisdiction: "CZ",
            abandon_limit: 0.03,
            window: AbandonWindow::Day,
            max_silence_s: 2.0,
            min_ring_s: 15.0,
            lockout_h: 0.0,
            opt_in: false,
        };
        match self {
            Profile::Cz2018 => base,
            Profile::Cz2022 => Rules { opt_in: true, ..base },
            Profile::UkOfcom => Rules { jurisdiction: "GB", lockout_h: 72.0, ..base },
            Profile::UsTsr => Rules { jurisdiction: "US", window: AbandonWindow::ThirtyDays, ..base },
        }
    }
}
