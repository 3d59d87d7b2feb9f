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
pub mod calendar;
mod processing;
mod records;

pub(crate) use audit::dialled_countries;
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
