//! `[numbers.frame]`: the bank frame of list-assisted sampling and the population model over its banks
//! (docs/sampling.md).

use serde::{Deserialize, Serialize};

/// `[numbers.frame]`: banks of 100 or 1,000 numbers, *listed* when a known database holds at least `min_listed`
/// of their numbers (docs/sampling.md). The design says how the list samples them; `in_service_listed` says
/// how many numbers of a listed bank are in service (the population model shared by every design, so that a
/// uniform and a list-assisted list are compared on the same population).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FrameSection {
    /// `uniform`, `list-assisted` (Casady–Lepkowski: listed banks, the zero banks at `zero_banks` times
    /// their rate) or `mitofsky-waksberg` (two stages: one primary number per bank of 100 drawn, then the
    /// banks whose primary is in service dialled until `cluster` of their numbers are). A list-assisted or
    /// Mitofsky–Waksberg design takes no `mix`.
    pub design: String,
    /// Numbers per bank: 100 or 1000.
    pub bank: u64,
    /// Known numbers a bank needs to be listed.
    pub min_listed: u32,
    /// The zero banks' sampling rate relative to the listed banks' (0: left out; 1: as uniform).
    pub zero_banks: f64,
    /// CSV files of known numbers that give the banks' density (empty: the `suppress` files). Their numbers
    /// are excluded too.
    pub known: Vec<String>,
    /// Share of numbers in service in a listed bank, replacing their type's `not_in_service` (absent: banks
    /// do not matter, every number has its type's rates). An assumption, see docs/sampling.md.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_service_listed: Option<f64>,
    /// Mitofsky–Waksberg: working numbers wanted per retained bank, its primary included (1 to 100).
    pub cluster: u32,
}

impl Default for FrameSection {
    fn default() -> FrameSection {
        FrameSection {
            design: "uniform".into(),
            bank: 100,
            min_listed: 1,
            zero_banks: 0.0,
            known: Vec::new(),
            in_service_listed: None,
            cluster: 5,
        }
    }
}

impl FrameSection {
    /// Whether every setting is the default (uniform, banks ignored).
    pub fn is_default(&self) -> bool {
        *self == FrameSection::default()
    }

    /// Whether the design is list-assisted.
    pub fn list_assisted(&self) -> bool {
        self.design == "list-assisted"
    }

    /// Whether the design is Mitofsky–Waksberg two-stage sampling.
    pub fn mitofsky_waksberg(&self) -> bool {
        self.design == "mitofsky-waksberg"
    }

    /// Whether anything needs the banks: a list-assisted design or the bank population model.
    pub fn uses_banks(&self) -> bool {
        self.list_assisted() || self.in_service_listed.is_some()
    }
}
