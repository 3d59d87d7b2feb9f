//! United Kingdom: the Privacy and Electronic Communications Regulations 2003 (PECR reg. 21: the Telephone
//! Preference Service), Ofcom's statement of policy on the persistent misuse of an electronic communications
//! network or service (abandoned and silent calls, 2016 revision; the AMD rule of 2011), the UK GDPR, and the
//! bank holidays of England and Wales.

use jiff::civil::{Date, Weekday};

use super::{
    AbandonWindow, Freshness, Jurisdiction, Regime, Register, Rules, Source, easter_sunday, nth_weekday, shift,
};

const TPS: Register = Register {
    name: "tps",
    title: "the Telephone Preference Service (and the Corporate TPS)",
    freshness: Freshness::Days(28),
    source: "PECR 2003 reg. 21(1)(b), (5): a registration binds callers 28 days after it is made",
};

/// The Crown dependencies that share +44 and the UK's numbering plan but keep zones of their own (ISO code,
/// IANA zone): plan rows of these regions are called on their own clocks.
pub(super) const DEPENDENCIES: [(&str, &str); 3] =
    [("GG", "Europe/Guernsey"), ("JE", "Europe/Jersey"), ("IM", "Europe/Isle_of_Man")];

/// The United Kingdom.
pub(super) static GB: Jurisdiction = Jurisdiction {
    code: "gb",
    iso: "GB",
    name: "United Kingdom",
    calling_code: 44,
    language: "en-GB",
    zone: "Europe/London",
    holidays,
    regimes: &[Regime {
        name: "uk-ofcom",
        country: "gb",
        from: None,
        summary: "opt-out with the TPS screened every 28 days; Ofcom: at most 3 % of live answers abandoned per 24 h, \
                  an information message within 2 s, 72 h before an abandoned number is called again, 24 h after \
                  an AMD machine unless an agent is guaranteed, a caller ID that can be called back",
        rules: Rules {
            jurisdiction: "GB",
            abandon_limit_is_law: true,
            window: AbandonWindow::Day,
            lockout_h: 72.0,
            calling_hours: Some((8 * 60, 21 * 60)),
            registers: &[TPS],
            amd_redial_h: 24.0,
            caller_id: true,
            info_message: true,
            ..Rules::GDPR
        },
        sources: &[
            Source {
                audit_rule: "abandonment",
                rule: "at most 3 % of live answers abandoned per 24 h; not connected within 2 s is abandoned",
                cite: "Ofcom, persistent misuse statement (2016), A1.11-A1.13",
                law: true,
            },
            Source {
                audit_rule: "information-message",
                rule: "an abandoned call plays a brief message naming the caller and a number to call back",
                cite: "Ofcom, persistent misuse statement (2016), A1.12",
                law: true,
            },
            Source {
                audit_rule: "drop-lockout",
                rule: "an abandoned number is called again only after 72 h unless an agent is guaranteed",
                cite: "Ofcom, persistent misuse statement (2016), A1.14",
                law: true,
            },
            Source {
                audit_rule: "amd-redial",
                rule: "after AMD detected a machine, a repeat call within 24 h only with a live agent guaranteed",
                cite: "Ofcom, revised statement (2010), in force 1 February 2011",
                law: true,
            },
            Source {
                audit_rule: "caller-id",
                rule: "marketing calls present a caller ID that can be called back",
                cite: "PECR reg. 21(2A)-(2B) (2016 amendment); Ofcom persistent misuse statement",
                law: true,
            },
            Source {
                audit_rule: "register-missing / register-stale",
                rule: "marketing calls are screened against the TPS within the last 28 days",
                cite: "PECR 2003 reg. 21",
                law: true,
            },
            Source {
                audit_rule: "calling-hours",
                rule: "calls between 08:00 and 21:00 local time",
                cite: "industry practice (DMA code), not law",
                law: false,
            },
        ],
    }],
};

/// England and Wales: a holiday on a weekend moves to the next weekday not already a holiday.
fn holidays(year: i16) -> Vec<Date> {
    let easter = easter_sunday(year);
    let mut v = vec![shift(easter, -2), shift(easter, 1)];
    v.push(nth_weekday(year, 5, Weekday::Monday, 1));
    v.push(nth_weekday(year, 5, Weekday::Monday, -1));
    v.push(nth_weekday(year, 8, Weekday::Monday, -1));
    for (m, d) in [(1, 1), (12, 25), (12, 26)] {
        let mut day = jiff::civil::date(year, m, d);
        while matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) || v.contains(&day) {
            day = shift(day, 1);
        }
        v.push(day);
    }
    v
}
