//! Number types, named as in libphonenumber.

use std::fmt;
use std::str::FromStr;

/// The type of a phone number, with libphonenumber's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NumberType {
    /// Geographic fixed line.
    FixedLine,
    /// Mobile.
    Mobile,
    /// A number that libphonenumber cannot tell fixed from mobile (e.g. the NANP).
    FixedLineOrMobile,
    /// Free to the caller.
    TollFree,
    /// Premium rate.
    PremiumRate,
    /// Cost shared between caller and callee.
    SharedCost,
    /// Voice over IP.
    Voip,
    /// Personal (follow-me) number.
    PersonalNumber,
    /// Pager.
    Pager,
    /// Universal access number (company number).
    Uan,
    /// Voicemail access.
    Voicemail,
}

impl NumberType {
    /// Every type, in a fixed order.
    pub const ALL: [NumberType; 11] = [
        NumberType::FixedLine,
        NumberType::Mobile,
        NumberType::FixedLineOrMobile,
        NumberType::TollFree,
        NumberType::PremiumRate,
        NumberType::SharedCost,
        NumberType::Voip,
        NumberType::PersonalNumber,
        NumberType::Pager,
        NumberType::Uan,
        NumberType::Voicemail,
    ];

    /// The types people answer, the default of `generate`: mobile, fixedLine, fixedLineOrMobile.
    pub const ANSWERED: [NumberType; 3] = [NumberType::Mobile, NumberType::FixedLine, NumberType::FixedLineOrMobile];

    /// libphonenumber's name, e.g. `fixedLine`.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberType::FixedLine => "fixedLine",
            NumberType::Mobile => "mobile",
            NumberType::FixedLineOrMobile => "fixedLineOrMobile",
            NumberType::TollFree => "tollFree",
            NumberType::PremiumRate => "premiumRate",
            NumberType::SharedCost => "sharedCost",
            NumberType::Voip => "voip",
            NumberType::PersonalNumber => "personalNumber",
            NumberType::Pager => "pager",
            NumberType::Uan => "uan",
            NumberType::Voicemail => "voicemail",
        }
    }
}

impl fmt::Display for NumberType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NumberType {
    type Err = String;

    /// Parses a libphonenumber type name (case-sensitive, as in the plan files).
    fn from_str(s: &str) -> Result<NumberType, String> {
        NumberType::ALL.iter().copied().find(|t| t.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = NumberType::ALL.iter().map(|t| t.as_str()).collect();
            format!(
                "unknown number type '{}' (expected one of: {})",
                crate::foundation::error::snippet(s),
                names.join(", ")
            )
        })
    }
}
