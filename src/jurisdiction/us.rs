//! United States: the FTC's Telemarketing Sales Rule (16 CFR 310), the Telephone Consumer Protection Act
//! (47 USC 227, read with *Facebook, Inc. v. Duguid*, 592 U.S. 395 (2021)), and the eleven federal holidays
//! with the observed Friday or Monday.

use jiff::civil::{Date, Weekday};

use super::{AbandonWindow, Freshness, Jurisdiction, Regime, Register, Rules, Source, nth_weekday, shift};

const DNC: Register = Register {
    name: "national-dnc",
    title: "the National Do Not Call Registry",
    freshness: Freshness::Days(31),
    source: "16 CFR 310.4(b)(3)(iv): the registry accessed no more than 31 days before the call",
};

/// The NANP area code table (`data/nanp-zones.csv`): `area_code,zones` with the zones space-separated.
const NANP_ZONES: &str = include_str!("../../data/nanp-zones.csv");

/// Area code → IANA zones, from the embedded table.
fn nanp_table() -> &'static std::collections::HashMap<u16, Vec<&'static str>> {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<u16, Vec<&'static str>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        NANP_ZONES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("area_code"))
            .filter_map(|l| {
                let (code, zones) = l.split_once(',')?;
                Some((code.parse().ok()?, zones.split_whitespace().collect()))
            })
            .collect()
    })
}

/// The zones of a NANP area code (the US spans several; an area code may too), empty when unknown.
pub(super) fn area_zones(area: u16) -> &'static [&'static str] {
    nanp_table().get(&area).map_or(&[], Vec::as_slice)
}

/// The United States.
pub(super) static US: Jurisdiction = Jurisdiction {
    code: "us",
    iso: "US",
    name: "United States",
    calling_code: 1,
    language: "en-US",
    zone: "",
    holidays,
    regimes: &[Regime {
        name: "us-tsr",
        country: "us",
        from: None,
        summary: "the TSR: at most 3 % of live answers abandoned per 30 days, a recorded message within 2 s, 15 s or \
                  4 rings, 08:00-21:00 local, the National DNC screened within 31 days, caller ID; the TCPA: no \
                  call from a random-number dialer to a mobile without prior express consent",
        rules: Rules {
            jurisdiction: "US",
            abandon_limit_is_law: true,
            window: AbandonWindow::ThirtyDays,
            calling_hours: Some((8 * 60, 21 * 60)),
            calling_hours_is_law: true,
            registers: &[DNC],
            caller_id: true,
            info_message: true,
            random_mobile_consent: true,
            ..Rules::GDPR
        },
        sources: &[
            Source {
                audit_rule: "abandonment",
                rule: "at most 3 % of live answers abandoned per 30-day campaign period; not connected within 2 s of \
                       the greeting is abandoned",
                cite: "16 CFR 310.4(b)(1)(iv), (b)(4)(i)",
                law: true,
            },
            Source {
                audit_rule: "information-message",
                rule: "an abandoned call plays a recorded message naming the seller and a number",
                cite: "16 CFR 310.4(b)(4)(iii)",
                law: true,
            },
            Source {
                audit_rule: "ring-time",
                rule: "an unanswered call rings at least 15 s or 4 rings",
                cite: "16 CFR 310.4(b)(4)(ii)",
                law: true,
            },
            Source {
                audit_rule: "calling-hours",
                rule: "no call before 08:00 or after 21:00 at the called person's location",
                cite: "16 CFR 310.4(c)",
                law: true,
            },
            Source {
                audit_rule: "register-missing / register-stale",
                rule: "telemarketing calls are screened against the National DNC Registry within 31 days",
                cite: "16 CFR 310.4(b)(1)(iii)(B), (b)(3)(iv)",
                law: true,
            },
            Source {
                audit_rule: "caller-id",
                rule: "telemarketing calls transmit a caller ID that can be called back",
                cite: "16 CFR 310.4(a)(8)",
                law: true,
            },
            Source {
                audit_rule: "random-mobile",
                rule: "a dialer that calls numbers from a random or sequential number generator needs the callee's \
                       prior express consent to call a mobile, for any purpose",
                cite: "47 USC 227(a)(1), (b)(1)(A)(iii); Facebook, Inc. v. Duguid, 592 U.S. 395 (2021)",
                law: true,
            },
        ],
    }],
};

/// A holiday on a weekend observed on a weekday: Saturday → Friday, Sunday → Monday (5 USC 6103(b)).
fn observed(d: Date) -> Date {
    match d.weekday() {
        Weekday::Saturday => shift(d, -1),
        Weekday::Sunday => shift(d, 1),
        _ => d,
    }
}

/// The eleven federal holidays (5 USC 6103(a)).
fn holidays(year: i16) -> Vec<Date> {
    let mut v: Vec<Date> = [(1, 1), (6, 19), (7, 4), (11, 11), (12, 25)]
        .iter()
        .map(|&(m, d)| observed(jiff::civil::date(year, m, d)))
        .collect();
    v.push(nth_weekday(year, 1, Weekday::Monday, 3));
    v.push(nth_weekday(year, 2, Weekday::Monday, 3));
    v.push(nth_weekday(year, 5, Weekday::Monday, -1));
    v.push(nth_weekday(year, 9, Weekday::Monday, 1));
    v.push(nth_weekday(year, 10, Weekday::Monday, 2));
    v.push(nth_weekday(year, 11, Weekday::Thursday, 4));
    v
}
