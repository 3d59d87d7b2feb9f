//! Germany: the Act against Unfair Competition (UWG §7(2) no. 1: prior express consent for advertising calls
//! to consumers; §7a: consent documented and kept five years, from 1 October 2021), the GDPR, and the nine
//! nationwide public holidays (the Länder add more).

use jiff::civil::Date;

use super::{HOUSE_ABANDONMENT, Jurisdiction, OBJECTION_OFFER, Regime, Rules, Source, easter_sunday, fixed, shift};

const DE_SOURCES: [Source; 4] = [
    Source {
        audit_rule: "marketing-basis",
        rule: "an advertising call to a consumer needs their prior express consent",
        cite: "UWG §7(2) no. 1",
        law: true,
    },
    Source {
        audit_rule: "caller-id",
        rule: "advertising calls must not suppress the calling number",
        cite: "TKG 2004 §102(2), carried into the TKG of 2021; fines under UWG §20",
        law: true,
    },
    OBJECTION_OFFER,
    HOUSE_ABANDONMENT,
];

/// Germany.
pub(super) static DE: Jurisdiction = Jurisdiction {
    code: "de",
    iso: "DE",
    name: "Germany",
    calling_code: 49,
    language: "de",
    zone: "Europe/Berlin",
    holidays,
    regimes: &[
        Regime {
            name: "de-2009",
            country: "de",
            from: None,
            summary: "prior express consent for advertising calls to consumers (UWG §7(2) no. 2 as amended 2009)",
            rules: Rules { jurisdiction: "DE", opt_in: true, caller_id: true, ..Rules::GDPR },
            sources: &DE_SOURCES,
        },
        Regime {
            name: "de-2021",
            country: "de",
            from: Some((2021, 10, 1)),
            summary: "prior express consent for advertising calls to consumers (UWG §7(2) no. 1), documented and kept \
                      five years (UWG §7a, from 1 October 2021)",
            rules: Rules { jurisdiction: "DE", opt_in: true, caller_id: true, consent_record_years: 5, ..Rules::GDPR },
            sources: &DE_SOURCES,
        },
    ],
};

/// The nine nationwide holidays.
fn holidays(year: i16) -> Vec<Date> {
    let easter = easter_sunday(year);
    let mut v = fixed(year, &[(1, 1), (5, 1), (10, 3), (12, 25), (12, 26)]);
    v.extend([shift(easter, -2), shift(easter, 1), shift(easter, 39), shift(easter, 50)]);
    v
}
