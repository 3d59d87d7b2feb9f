//! `[population]` with its strata (`[population.TYPE]`, `[population.prefix."DIGITS"]`), `[screening]` (HLR
//! pre-screening) and `[costs]`: who is behind a number of each stratum, whether numbers are looked up before
//! they are dialled, and what a campaign costs.
//!
//! A stratum section overrides the base values key by key: the base is `[population]` (and, for `object`,
//! `give_name` and `consent`, `[compliance]`, where those keys have always been); `[population.TYPE]` overrides
//! it for numbers of that type; `[population.prefix."DIGITS"]` overrides both for numbers whose national number
//! starts with DIGITS (shorter prefixes first, so the longest prefix wins).

use serde::{Deserialize, Serialize};

use super::{ComplianceSection, Dist};

/// Rates of one stratum; every key left out keeps the value of the level below.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    /// Per number: not in service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_in_service: Option<f64>,
    /// Per attempt on a working number: busy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busy: Option<f64>,
    /// Per attempt on a working number: a person answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<f64>,
    /// Per attempt on a working number: a machine answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine: Option<f64>,
    /// Per number: a connected person cooperates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cooperate: Option<f64>,
    /// Per number: objects when offered (base: `compliance.object`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<f64>,
    /// Per number: a cooperating person gives their name (base: `compliance.give_name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub give_name: Option<f64>,
    /// Per number: consents to keeping the name (base: `compliance.consent`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent: Option<f64>,
}

impl Rates {
    /// Whether no key is set.
    pub fn is_empty(&self) -> bool {
        *self == Rates::default()
    }

    /// `base` with every key set here replacing its value.
    pub fn over(&self, base: &StratumRates) -> StratumRates {
        StratumRates {
            not_in_service: self.not_in_service.unwrap_or(base.not_in_service),
            busy: self.busy.unwrap_or(base.busy),
            person: self.person.unwrap_or(base.person),
            machine: self.machine.unwrap_or(base.machine),
            cooperate: self.cooperate.unwrap_or(base.cooperate),
            object: self.object.unwrap_or(base.object),
            give_name: self.give_name.unwrap_or(base.give_name),
            consent: self.consent.unwrap_or(base.consent),
        }
    }

    /// The keys set, as (name, value).
    pub fn entries(&self) -> Vec<(&'static str, f64)> {
        [
            ("not_in_service", self.not_in_service),
            ("busy", self.busy),
            ("person", self.person),
            ("machine", self.machine),
            ("cooperate", self.cooperate),
            ("object", self.object),
            ("give_name", self.give_name),
            ("consent", self.consent),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }
}

/// The resolved rates of one stratum (every key has a value).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StratumRates {
    /// Per number: not in service.
    pub not_in_service: f64,
    /// Per attempt on a working number: busy.
    pub busy: f64,
    /// Per attempt on a working number: a person answers.
    pub person: f64,
    /// Per attempt on a working number: a machine answers.
    pub machine: f64,
    /// Per number: a connected person cooperates.
    pub cooperate: f64,
    /// Per number: objects when offered.
    pub object: f64,
    /// Per number: a cooperating person gives their name.
    pub give_name: f64,
    /// Per number: consents to keeping the name.
    pub consent: f64,
}

/// `[population]`: who is behind the numbers. Probabilities are per attempt unless said otherwise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PopulationSection {
    /// Share of numbers not in service (special information tones), per number.
    pub not_in_service: f64,
    /// Per attempt on a working number: the line is busy.
    pub busy: f64,
    /// Per attempt on a working number: a person answers.
    pub person: f64,
    /// Per attempt on a working number: an answering machine or voicemail answers.
    pub machine: f64,
    /// Share of persons who cooperate once connected (the rest refuse), per number.
    pub cooperate: f64,
    /// Time from the first ring to pick-up (persons and machines).
    pub answer_delay: Dist,
    /// How long an answered person waits for an agent before hanging up; absent: until the dialer drops.
    pub patience: Option<Dist>,
    /// `[population.mobile]`: overrides for mobile numbers.
    #[serde(skip_serializing_if = "Rates::is_empty")]
    pub mobile: Rates,
    /// `[population.fixedLine]`: overrides for fixed-line numbers.
    #[serde(rename = "fixedLine", skip_serializing_if = "Rates::is_empty")]
    pub fixed_line: Rates,
    /// `[population.fixedLineOrMobile]`: overrides for numbers the plan cannot tell apart.
    #[serde(rename = "fixedLineOrMobile", skip_serializing_if = "Rates::is_empty")]
    pub fixed_line_or_mobile: Rates,
    /// `[population.voip]`: overrides for VoIP numbers.
    #[serde(skip_serializing_if = "Rates::is_empty")]
    pub voip: Rates,
    /// `[population.personalNumber]`: overrides for personal numbers.
    #[serde(rename = "personalNumber", skip_serializing_if = "Rates::is_empty")]
    pub personal_number: Rates,
    /// `[population.prefix."DIGITS"]`: overrides for numbers whose national number starts with DIGITS.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub prefix: std::collections::BTreeMap<String, Rates>,
}

impl Default for PopulationSection {
    fn default() -> PopulationSection {
        PopulationSection {
            not_in_service: 0.30,
            busy: 0.04,
            person: 0.28,
            machine: 0.22,
            cooperate: 0.30,
            answer_delay: Dist::Lognormal { mean: 9.0, cv: 0.5 },
            patience: None,
            mobile: Rates::default(),
            fixed_line: Rates::default(),
            fixed_line_or_mobile: Rates::default(),
            voip: Rates::default(),
            personal_number: Rates::default(),
            prefix: Default::default(),
        }
    }
}

impl PopulationSection {
    /// The base rates: this section's, with `object`, `give_name` and `consent` from `[compliance]`.
    pub fn base(&self, c: &ComplianceSection) -> StratumRates {
        StratumRates {
            not_in_service: self.not_in_service,
            busy: self.busy,
            person: self.person,
            machine: self.machine,
            cooperate: self.cooperate,
            object: c.object,
            give_name: c.give_name,
            consent: c.consent,
        }
    }

    /// The type sections as (type name, overrides), in a fixed order.
    pub fn type_sections(&self) -> [(&'static str, &Rates); 5] {
        [
            ("mobile", &self.mobile),
            ("fixedLine", &self.fixed_line),
            ("fixedLineOrMobile", &self.fixed_line_or_mobile),
            ("voip", &self.voip),
            ("personalNumber", &self.personal_number),
        ]
    }

    /// The overrides of type `name` (none for a type without a section).
    pub fn type_section(&self, name: &str) -> Option<&Rates> {
        self.type_sections().into_iter().find(|(t, _)| *t == name).map(|(_, r)| r)
    }

    /// Whether any stratum section sets a key (when none does, every number has the base rates).
    pub fn has_strata(&self) -> bool {
        self.type_sections().iter().any(|(_, r)| !r.is_empty()) || !self.prefix.is_empty()
    }
}

/// `[screening]`: HLR look-ups before the first attempt (as dialers buy them for mobile numbers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScreeningSection {
    /// Whether numbers are looked up before their first attempt.
    pub enabled: bool,
    /// Number types looked up (libphonenumber names); numbers of other types are dialled unscreened.
    pub types: Vec<String>,
    /// P(the look-up reports the number's true status) (0.5 to 1), the same for working and dead numbers.
    pub accuracy: f64,
    /// Seconds a look-up adds before the first attempt rings (0: looked up ahead, in bulk).
    pub latency_seconds: f64,
}

impl Default for ScreeningSection {
    fn default() -> ScreeningSection {
        ScreeningSection { enabled: false, types: vec!["mobile".into()], accuracy: 0.95, latency_seconds: 1.0 }
    }
}

/// Line prices per minute by number type (`[costs.line_per_minute]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinePrices {
    /// Mobile numbers.
    pub mobile: f64,
    /// Fixed-line numbers.
    #[serde(rename = "fixedLine")]
    pub fixed_line: f64,
    /// Every other type.
    pub other: f64,
}

impl Default for LinePrices {
    fn default() -> LinePrices {
        LinePrices { mobile: 0.60, fixed_line: 0.40, other: 0.60 }
    }
}

impl LinePrices {
    /// The price per minute of a number of type `kind`.
    pub fn of(&self, kind: Option<crate::plan::NumberType>) -> f64 {
        match kind {
            Some(crate::plan::NumberType::Mobile) => self.mobile,
            Some(crate::plan::NumberType::FixedLine) => self.fixed_line,
            _ => self.other,
        }
    }
}

/// `[costs]`: what a campaign costs, in one currency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostsSection {
    /// Currency of every price (ISO 4217 code).
    pub currency: String,
    /// Per attempt dialled (set-up charge).
    pub per_dial: f64,
    /// Per minute of an answered call, from pick-up to hang-up (billed per second), by number type.
    pub line_per_minute: LinePrices,
    /// Per staffed agent-hour (wage with the employer's contributions).
    pub agent_per_hour: f64,
    /// Per HLR look-up (`[screening]`).
    pub hlr_per_lookup: f64,
    /// Value of one consent granted, for `net_value` (0: no value set).
    pub value_per_consent: f64,
}

impl Default for CostsSection {
    fn default() -> CostsSection {
        CostsSection {
            currency: "CZK".into(),
            per_dial: 0.0,
            line_per_minute: LinePrices::default(),
            agent_per_hour: 240.0,
            hlr_per_lookup: 0.15,
            value_per_consent: 0.0,
        }
    }
}

/// Parses a mix `mobile=0.7,fixedLine=0.3` into (type, share) pairs; shares in (0, 1] adding up to 1.
///
/// ```
/// use dialsim::NumberType;
/// let mix = dialsim::parse_mix("mobile=0.7, fixedLine=0.3").unwrap();
/// assert_eq!(mix, vec![(NumberType::Mobile, 0.7), (NumberType::FixedLine, 0.3)]);
/// assert!(dialsim::parse_mix("mobile=0.7,fixedLine=0.2").is_err());
/// ```
pub fn parse_mix(text: &str) -> std::result::Result<Vec<(crate::plan::NumberType, f64)>, String> {
    let mut out: Vec<(crate::plan::NumberType, f64)> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (t, v) = part.split_once('=').ok_or_else(|| format!("'{part}' must be TYPE=SHARE, e.g. mobile=0.7"))?;
        let kind: crate::plan::NumberType = t.trim().parse()?;
        let share: f64 = v.trim().parse().map_err(|_| format!("the share of {kind} '{}' is not a number", v.trim()))?;
        check_mix_entry(&out, kind, share)?;
        out.push((kind, share));
    }
    check_mix_total(&out)?;
    Ok(out)
}

/// One entry of a mix: a share in (0, 1], a type not given before.
pub(crate) fn check_mix_entry(
    before: &[(crate::plan::NumberType, f64)],
    kind: crate::plan::NumberType,
    share: f64,
) -> std::result::Result<(), String> {
    if !(share.is_finite() && share > 0.0 && share <= 1.0) {
        let share = crate::foundation::text::number_text(share);
        return Err(format!("the share of {kind} is {share}: a share is above 0 and at most 1"));
    }
    if before.iter().any(|(k, _)| *k == kind) {
        return Err(format!("{kind} is given twice"));
    }
    Ok(())
}

/// A whole mix: every entry valid, the shares adding up to 1.
pub(crate) fn check_mix(mix: &[(crate::plan::NumberType, f64)]) -> std::result::Result<(), String> {
    for (i, &(kind, share)) in mix.iter().enumerate() {
        check_mix_entry(&mix[..i], kind, share)?;
    }
    check_mix_total(mix)
}

/// The shares of a mix add up to 1.
pub(crate) fn check_mix_total(mix: &[(crate::plan::NumberType, f64)]) -> std::result::Result<(), String> {
    if mix.is_empty() {
        return Err("a mix names at least one type, e.g. mobile=0.7,fixedLine=0.3".into());
    }
    let total: f64 = mix.iter().map(|(_, s)| s).sum();
    if (total - 1.0).abs() > 1e-9 {
        return Err(format!("the shares add up to {total}, not 1"));
    }
    Ok(())
}

/// A range check against the key table's bounds: `(key path, value)`.
type Limit<'a> = &'a dyn Fn(&str, f64) -> crate::foundation::error::Result<()>;
/// A failure: `(key path, value as written, allowed range)`.
type Fail<'a> = &'a dyn Fn(&str, String, &str) -> crate::foundation::error::Result<()>;

/// Most `[population.prefix."DIGITS"]` sections a scenario may hold: a section for every 4-digit prefix of a
/// plan. The strata are built and looked up per prefix, so a scenario of millions of sections would be checked
/// and built for minutes before the first call; it is refused before anything is built.
pub(crate) const MAX_PREFIX_SECTIONS: usize = 10_000;

/// Checks `[population]` and its strata, `[screening]`, `[costs]` and `numbers.mix`.
pub(super) fn validate(s: &super::Scenario, limit: Limit<'_>, fail: Fail<'_>) -> crate::foundation::error::Result<()> {
    let p = &s.population;
    let base = p.base(&s.compliance);
    for (k, v) in [
        ("population.not_in_service", p.not_in_service),
        ("population.busy", p.busy),
        ("population.person", p.person),
        ("population.machine", p.machine),
        ("population.cooperate", p.cooperate),
    ] {
        limit(k, v)?;
    }
    let answered = |path: &str, r: &StratumRates| {
        let sum = r.busy + r.person + r.machine;
        if sum > 1.0 + 1e-9 {
            return fail(
                path,
                format!("busy {} + person {} + machine {} = {sum:.4}", r.busy, r.person, r.machine),
                "busy + person + machine at most 1",
            );
        }
        Ok(())
    };
    answered("population", &base)?;
    for (name, rates) in p.type_sections() {
        for (k, v) in rates.entries() {
            limit(&format!("population.{name}.{k}"), v)?;
        }
        answered(&format!("population.{name}"), &rates.over(&base))?;
    }
    if p.prefix.len() > MAX_PREFIX_SECTIONS {
        return fail(
            "population.prefix",
            format!("{} prefix sections", p.prefix.len()),
            &format!("at most {MAX_PREFIX_SECTIONS}, one per 4-digit prefix; merge prefixes that share their rates"),
        );
    }
    for (digits, rates) in &p.prefix {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return fail(&format!("population.prefix.{digits}"), format!("\"{digits}\""), "a prefix of digits");
        }
        for (k, v) in rates.entries() {
            limit(&format!("population.prefix.{digits}.{k}"), v)?;
        }
        // Checked over the base and over every type section: the prefix may lie in any type's rows.
        for (_, t) in p.type_sections() {
            answered(&format!("population.prefix.{digits}"), &rates.over(&t.over(&base)))?;
        }
    }
    let c = &s.screening;
    limit("screening.accuracy", c.accuracy)?;
    limit("screening.latency_seconds", c.latency_seconds)?;
    for (key, types) in [("numbers.types", &s.numbers.types), ("screening.types", &c.types)] {
        for t in types {
            if super::schema::check_choice(key, t).is_err() {
                return fail(key, format!("\"{t}\""), "libphonenumber type names such as mobile");
            }
        }
    }
    let k = &s.costs;
    for (key, v) in [
        ("costs.per_dial", k.per_dial),
        ("costs.line_per_minute.mobile", k.line_per_minute.mobile),
        ("costs.line_per_minute.fixedLine", k.line_per_minute.fixed_line),
        ("costs.line_per_minute.other", k.line_per_minute.other),
        ("costs.agent_per_hour", k.agent_per_hour),
        ("costs.hlr_per_lookup", k.hlr_per_lookup),
        ("costs.value_per_consent", k.value_per_consent),
    ] {
        limit(key, v)?;
    }
    if k.currency.len() != 3 || !k.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return fail("costs.currency", format!("\"{}\"", k.currency), "an ISO 4217 code such as CZK");
    }
    let mut mix = Vec::new();
    for (t, &share) in &s.numbers.mix {
        let kind = t.parse::<crate::plan::NumberType>();
        let checked = kind.clone().and_then(|kind| check_mix_entry(&mix, kind, share).map(|_| kind));
        match checked {
            Ok(kind) => mix.push((kind, share)),
            Err(e) => return fail(&format!("numbers.mix.{t}"), share.to_string(), &e),
        }
    }
    if !mix.is_empty()
        && let Err(e) = check_mix_total(&mix)
    {
        let (t, share) = s.numbers.mix.iter().last().expect("not empty");
        return fail(&format!("numbers.mix.{t}"), share.to_string(), &e);
    }
    if let Some(m) = s.numbers.read.max_rejected {
        limit("numbers.read.max_rejected", m)?;
    }
    let f = &s.numbers.frame;
    if let Err(allowed) = super::schema::check_choice("numbers.frame.design", &f.design) {
        return fail("numbers.frame.design", format!("\"{}\"", f.design), &allowed);
    }
    if (f.list_assisted() || f.mitofsky_waksberg()) && !s.numbers.mix.is_empty() {
        return fail("numbers.frame.design", format!("\"{}\"", f.design), "no numbers.mix (set numbers.mix = {})");
    }
    limit("numbers.frame.cluster", f64::from(f.cluster))?;
    if let Err(allowed) = super::schema::check_choice("numbers.frame.bank", &f.bank.to_string()) {
        return fail("numbers.frame.bank", f.bank.to_string(), &allowed);
    }
    if f.min_listed == 0 {
        return fail("numbers.frame.min_listed", "0".into(), "at least 1");
    }
    limit("numbers.frame.zero_banks", f.zero_banks)?;
    if let Some(p) = f.in_service_listed {
        limit("numbers.frame.in_service_listed", p)?;
    }
    if f.uses_banks() && f.known.is_empty() && s.numbers.suppress.is_empty() {
        return fail(
            "numbers.frame.known",
            "[]".into(),
            "CSV files of known numbers (or numbers.suppress files) to tell listed banks",
        );
    }
    Ok(())
}

impl super::Scenario {
    /// The scenario's `numbers.mix` as (type, share), in the plan's type order (empty: no mix).
    pub fn mix(&self) -> Vec<(crate::plan::NumberType, f64)> {
        let mut mix: Vec<(crate::plan::NumberType, f64)> =
            self.numbers.mix.iter().filter_map(|(t, &s)| t.parse().ok().map(|k| (k, s))).collect();
        mix.sort_by_key(|(k, _)| crate::plan::NumberType::ALL.iter().position(|t| t == k));
        mix
    }
}
