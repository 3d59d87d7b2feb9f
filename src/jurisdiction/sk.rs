//! Slovakia: Act 452/2021 Coll. on electronic communications (in force 1 February 2022; §116), the GDPR, and
//! the Slovak public holidays (Act 241/1993 Coll.).
//!
//! Known gap: an amendment effective at the end of 2025 tightens direct marketing further (Rödl & Partner,
//! "Slovak Electronic Communications Act: Changes in direct marketing", 24 February 2026); its date was not
//! verified, so no regime models it yet and `sk` stays on `sk-2022`.

use jiff::civil::Date;

use super::{
    Freshness, HOUSE_ABANDONMENT, Jurisdiction, OBJECTION_OFFER, Regime, Register, Rules, Source, easter_sunday, fixed,
    shift,
};

const NEVOLAJTE: Register = Register {
    name: "nevolajte-mi",
    title: "the list of numbers objecting to marketing calls kept by the regulator (nevyziadanevolania.sk)",
    freshness: Freshness::Semimonthly,
    source: "Act 452/2021 Coll. §116(7)-(8); downloaded on the 1st and 16th of each month (ÚREKPS, TASR \
             29 Nov 2022)",
};

/// Slovakia.
pub(super) static SK: Jurisdiction = Jurisdiction {
    code: "sk",
    iso: "SK",
    name: "Slovakia",
    calling_code: 421,
    language: "sk",
    zone: "Europe/Bratislava",
    holidays,
    regimes: &[
        Regime {
            name: "sk-2011",
            country: "sk",
            from: None,
            summary: "Act 351/2011 Coll.: consent regime that the regulator found unworkable; repealed 1 February 2022",
            rules: Rules { jurisdiction: "SK", opt_in: true, ..Rules::GDPR },
            sources: &[
                OBJECTION_OFFER,
                Source {
                    audit_rule: "marketing-basis",
                    rule: "marketing calls need the subscriber's prior consent",
                    cite: "Act 351/2011 Coll. (repealed by Act 452/2021 Coll.); the prior-consent regime as ÚREKPS described it (TASR, 29 Nov 2022)",
                    law: true,
                },
            ],
        },
        Regime {
            name: "sk-2022",
            country: "sk",
            from: Some((2022, 2, 1)),
            summary: "opt-out: marketing calls allowed except to numbers on the regulator's list (screened on the \
                      1st and 16th) or that objected; marketing calls come from the 0888 prefix",
            rules: Rules {
                jurisdiction: "SK",
                registers: &[NEVOLAJTE],
                caller_id: true,
                marketing_prefix: Some("888"),
                consent_record_years: 4,
                ..Rules::GDPR
            },
            sources: &[
                Source {
                    audit_rule: "objection-offer",
                    rule: "every connected call opens with the offer to object",
                    cite: "GDPR Art. 21; Act 452/2021 Coll. §116(8)",
                    law: true,
                },
                Source {
                    audit_rule: "register-missing / register-stale",
                    rule: "marketing calls are screened against the regulator's list, the copy of the last 1st or 16th",
                    cite: "Act 452/2021 Coll. §116(7)-(8); ÚREKPS (TASR, 29 Nov 2022)",
                    law: true,
                },
                Source {
                    audit_rule: "caller-id",
                    rule: "marketing calls are made from a number of the 0888 prefix",
                    cite: "Act 452/2021 Coll.; ÚREKPS (TASR, 29 Nov 2022)",
                    law: true,
                },
                HOUSE_ABANDONMENT,
            ],
        },
    ],
};

/// Act 241/1993 Coll.: from 2024, 1 September and 17 November are no longer days off.
fn holidays(year: i16) -> Vec<Date> {
    let easter = easter_sunday(year);
    let mut v =
        fixed(year, &[(1, 1), (1, 6), (5, 1), (5, 8), (7, 5), (8, 29), (9, 15), (11, 1), (12, 24), (12, 25), (12, 26)]);
    if year < 2024 {
        v.extend(fixed(year, &[(9, 1), (11, 17)]));
    }
    v.extend([shift(easter, -2), shift(easter, 1)]);
    v
}
