//! Czech Republic: Act 127/2005 Coll. on electronic communications (§95, §96), the GDPR, and the Czech
//! public holidays (Act 245/2000 Coll.).

use jiff::civil::Date;

use super::{
    AbandonWindow, HOUSE_ABANDONMENT, Jurisdiction, OBJECTION_OFFER, Regime, Rules, Source, easter_sunday, fixed, shift,
};

const GDPR_SOURCES: [Source; 4] = [
    OBJECTION_OFFER,
    Source {
        audit_rule: "name-without-consent",
        rule: "a name is kept with the number only with a demonstrable consent",
        cite: "GDPR Art. 6(1)(a), 7(1)",
        law: true,
    },
    Source {
        audit_rule: "notice-art14",
        rule: "a referred person is told where their number came from",
        cite: "GDPR Art. 14",
        law: true,
    },
    HOUSE_ABANDONMENT,
];

const CZ_2022_SOURCES: [Source; 6] = [
    GDPR_SOURCES[0],
    GDPR_SOURCES[1],
    GDPR_SOURCES[2],
    GDPR_SOURCES[3],
    Source {
        audit_rule: "marketing-basis",
        rule: "a marketing call needs the subscriber's opt-in (or prior consent, or an existing customer); a list \
               of random numbers is treated like a directory",
        cite: "Act 127/2005 Coll. §96 as amended by Act 374/2021 Coll. (calls from 1 July 2022)",
        law: true,
    },
    Source {
        audit_rule: "cold-consent-request",
        rule: "asking for marketing consent inside a cold marketing call is itself a marketing call without basis",
        cite: "Act 127/2005 Coll. §96 as amended by Act 374/2021 Coll.",
        law: true,
    },
];

/// The Czech Republic.
pub(super) static CZ: Jurisdiction = Jurisdiction {
    code: "cz",
    iso: "CZ",
    name: "Czech Republic",
    calling_code: 420,
    language: "cs",
    zone: "Europe/Prague",
    holidays,
    regimes: &[
        Regime {
            name: "cz-2018",
            country: "cz",
            from: None,
            summary: "opt-out: marketing calls to subscribers who have not objected (GDPR Art. 21 objection offered \
                      on every call); repealed for calls from 1 July 2022",
            rules: Rules { jurisdiction: "CZ", window: AbandonWindow::Day, ..Rules::GDPR },
            sources: &GDPR_SOURCES,
        },
        Regime {
            name: "cz-2022",
            country: "cz",
            from: Some((2022, 7, 1)),
            summary: "opt-in: marketing calls only to subscribers who opted in (Act 127/2005 §96 as amended by Act \
                      374/2021); research calls stay lawful under the GDPR",
            rules: Rules { jurisdiction: "CZ", opt_in: true, ..Rules::GDPR },
            sources: &CZ_2022_SOURCES,
        },
    ],
};

/// Act 245/2000 Coll.: fixed holidays, Good Friday (from 2016) and Easter Monday.
fn holidays(year: i16) -> Vec<Date> {
    let easter = easter_sunday(year);
    let mut v = fixed(
        year,
        &[(1, 1), (5, 1), (5, 8), (7, 5), (7, 6), (9, 28), (10, 28), (11, 17), (12, 24), (12, 25), (12, 26)],
    );
    v.extend([shift(easter, -2), shift(easter, 1)]);
    v
}
