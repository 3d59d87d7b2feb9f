//! VICIdial's statuses and what each says about an attempt: the statuses a default install creates
//! (`vicidial_statuses` inserts of `extras/MySQL_AST_CREATE_tables.sql`, with their `human_answered` flag),
//! the carrier call-progress statuses (`extras/cpd_statuses.sql`, written by `AST_VDauto_dial.pl` from the
//! Sangoma CPD result) and the other statuses `docs/VICIDIAL_statuses.txt` lists. A status that says a
//! person answered (`human_answered` Y) is never read as no answer or a machine, and one that says nobody did
//! is never read as a person.

use super::read::Disposition;

/// What a VICIdial status says about the row it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StatusReading {
    /// An attempt that ended this way.
    Attempt(Disposition),
    /// Not read as an attempt (not dialled, a failure before the number, or an outcome the status does not
    /// tell): left out of the fit and counted, with the reason.
    LeftOut(&'static str),
}

use Disposition as D;
use StatusReading::{Attempt, LeftOut};

const NOT_DIALLED: &str = "not dialled (a lead's status, or a do-not-call match in the hopper)";
const NOT_A_CALL: &str = "not a call's outcome (a quality-control or lead-merge mark)";
const FAILURE: &str = "a carrier or dialer failure, not an answer of the number";
const UNDETERMINED: &str = "answered or with an agent, but the status does not say by whom or how it ended";
const UNCLASSIFIED: &str = "a carrier result of unknown kind";

/// Every status dialsim reads: (status, `human_answered` of its default row — `N` where the install gives
/// none —, reading).
const STATUSES: &[(&str, bool, StatusReading)] = &[
    // vicidial_statuses inserts of a default install.
    ("NEW", false, LeftOut(NOT_DIALLED)),
    ("QUEUE", false, LeftOut(NOT_DIALLED)),
    ("INCALL", false, LeftOut(UNDETERMINED)),
    ("DROP", true, Attempt(D::PersonDropped)),
    ("XDROP", true, Attempt(D::PersonDropped)),
    ("NA", false, Attempt(D::NoAnswer)),
    ("CALLBK", true, Attempt(D::Callback)),
    ("CBHOLD", true, Attempt(D::Callback)),
    ("A", false, Attempt(D::MachineMissed)),
    ("AA", false, Attempt(D::MachineDetected)),
    ("AM", false, Attempt(D::MachineDetected)),
    ("AL", false, Attempt(D::MachineDetected)),
    // A fax or data line never reaches a person: counted with the numbers out of service (AAPOR 4.2).
    ("AFAX", false, Attempt(D::NotInService)),
    ("AB", false, Attempt(D::Busy)),
    ("B", false, Attempt(D::Busy)),
    ("DC", false, Attempt(D::NotInService)),
    ("ADC", false, Attempt(D::NotInService)),
    ("DEC", true, Attempt(D::Refused)),
    ("DNC", true, Attempt(D::Objected)),
    ("DNCL", false, LeftOut(NOT_DIALLED)),
    ("DNCC", false, LeftOut(NOT_DIALLED)),
    ("SALE", true, Attempt(D::Completed)),
    ("N", false, Attempt(D::NoAnswer)),
    ("NI", true, Attempt(D::Refused)),
    ("NP", true, Attempt(D::Refused)),
    ("PU", false, LeftOut(UNDETERMINED)),
    ("PM", false, LeftOut(UNDETERMINED)),
    ("XFER", true, Attempt(D::Completed)),
    ("ERI", false, LeftOut(UNDETERMINED)),
    ("SVYEXT", false, LeftOut(UNDETERMINED)),
    ("SVYVM", false, LeftOut(UNDETERMINED)),
    ("SVYHU", false, LeftOut(UNDETERMINED)),
    ("SVYREC", false, LeftOut(UNDETERMINED)),
    ("QVMAIL", false, LeftOut(UNDETERMINED)),
    ("RQXFER", true, Attempt(D::PersonOther)),
    ("TIMEOT", true, Attempt(D::PersonDropped)),
    ("AFTHRS", true, Attempt(D::PersonDropped)),
    ("NANQUE", true, Attempt(D::PersonDropped)),
    ("IQNANQ", true, Attempt(D::PersonDropped)),
    ("PDROP", true, Attempt(D::PersonDropped)),
    ("IVRXFR", true, Attempt(D::PersonDropped)),
    ("SVYCLM", true, Attempt(D::PersonOther)),
    ("MLINAT", true, LeftOut(NOT_DIALLED)),
    ("MAXCAL", true, Attempt(D::PersonDropped)),
    ("LRERR", true, Attempt(D::PersonDropped)),
    ("QCFAIL", true, LeftOut(NOT_A_CALL)),
    ("ADCT", false, LeftOut(FAILURE)),
    ("LSMERG", false, LeftOut(NOT_A_CALL)),
    ("DAIR", false, LeftOut(UNDETERMINED)),
    ("ADAIR", false, LeftOut(UNDETERMINED)),
    // Carrier call-progress detection (extras/cpd_statuses.sql).
    ("CPDATB", false, LeftOut(FAILURE)),
    ("CPDB", false, Attempt(D::Busy)),
    ("CPDNA", false, Attempt(D::NoAnswer)),
    ("CPDREJ", false, LeftOut(FAILURE)),
    ("CPDINV", false, Attempt(D::NotInService)),
    ("CPDSUA", false, LeftOut(FAILURE)),
    ("CPDSI", false, Attempt(D::NotInService)),
    ("CPDSNC", false, LeftOut(FAILURE)),
    ("CPDSR", false, LeftOut(FAILURE)),
    ("CPDSUK", false, LeftOut(UNCLASSIFIED)),
    ("CPDSV", false, Attempt(D::NotInService)),
    ("CPDUK", false, LeftOut(UNCLASSIFIED)),
    ("CPDERR", false, LeftOut(FAILURE)),
    // Further statuses of docs/VICIDIAL_statuses.txt (no default row; the flag follows the description).
    ("AMDXFR", false, Attempt(D::MachineDetected)),
    ("XAMMAD", false, Attempt(D::MachineMissed)),
    ("LTMGAD", false, Attempt(D::MachineMissed)),
    ("ADCCAR", false, Attempt(D::NotInService)),
    ("DNCCAR", false, LeftOut(NOT_DIALLED)),
    ("INBND", false, LeftOut(NOT_DIALLED)),
    ("NVAINS", false, LeftOut(NOT_DIALLED)),
    ("DONEM", false, LeftOut(UNDETERMINED)),
    ("DISPO", false, LeftOut(UNDETERMINED)),
    ("ALTNUM", false, LeftOut(UNDETERMINED)),
    ("PAUSMX", false, LeftOut(UNDETERMINED)),
    ("DISMX", false, LeftOut(UNDETERMINED)),
    ("UNKXFR", false, LeftOut(UNCLASSIFIED)),
    ("UNKAM", false, LeftOut(UNCLASSIFIED)),
    ("UNKAL", false, LeftOut(UNCLASSIFIED)),
    ("HXFER", true, Attempt(D::PersonOther)),
    ("RAXFER", true, Attempt(D::PersonOther)),
    ("HOLDTO", true, Attempt(D::PersonDropped)),
    ("WAITTO", true, Attempt(D::PersonDropped)),
    ("CLOSOP", true, Attempt(D::PersonDropped)),
    ("SRDROP", true, Attempt(D::PersonDropped)),
    ("QCCANC", false, LeftOut(NOT_A_CALL)),
    ("QCPASS", false, LeftOut(NOT_A_CALL)),
];

/// What `status` says, or `None` for a status dialsim does not know (a campaign's own).
pub(crate) fn reading(status: &str) -> Option<StatusReading> {
    if let Some((_, _, r)) = STATUSES.iter().find(|(s, _, _)| *s == status) {
        return Some(*r);
    }
    // Enhanced disconnect logging writes HUC and the hang-up cause (HUC18: no user responding).
    let cause = status.strip_prefix("HUC")?;
    (!cause.is_empty() && cause.bytes().all(|b| b.is_ascii_digit())).then_some(LeftOut(FAILURE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_read_as_an_attempt_agrees_with_its_human_answered_flag() {
        for (status, human, r) in STATUSES {
            if let Attempt(d) = r {
                assert_eq!(d.person(), *human, "{status}: read as {d:?}, human_answered {human}");
            }
        }
    }

    #[test]
    fn each_status_is_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for (status, _, _) in STATUSES {
            assert!(seen.insert(*status), "{status} twice");
        }
    }
}
