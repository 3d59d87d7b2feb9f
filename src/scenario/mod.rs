//! The TOML scenario of a simulated campaign: every field, its default and its allowed range.
//!
//! A scenario is read from TOML text, `--set key=value` overrides are merged into the parsed table, and the
//! result is deserialised with unknown keys rejected; then every value is checked against its range. Errors
//! name the file and line (or the `--set` that caused them). The embedded `data/scenarios/default.toml` is a
//! Czech random-digit survey day.

use serde::{Deserialize, Serialize};

use crate::foundation::error::{Error, Result};

mod frame;
mod population;
mod profile;
mod referrals;
mod schema;
mod setting;
mod source;
mod text;
mod time;
mod typo;
mod unused;
mod validate;

pub(crate) use crate::foundation::clock::days_from_civil;
pub use frame::FrameSection;
pub(crate) use population::check_mix;
pub use population::{CostsSection, LinePrices, PopulationSection, Rates, ScreeningSection, StratumRates, parse_mix};
pub(crate) use profile::LawAbroad;
pub use profile::{Profile, RegisterSource};
pub use referrals::ReferralsSection;
pub use schema::{
    Bound as KeyBound, Key as ScenarioKey, KeyValue, Kind as KeyKind, find as scenario_key, keys as scenario_keys,
    nearest_keys, settable as settable_keys, values as scenario_values,
};
pub use setting::Setting;
pub use source::ScenarioSource;
use text::find_key;
pub(crate) use text::parse_hhmm;
pub use time::{AnswerCurveSection, CalendarSection, CallbacksSection, Shift, WEEKDAYS, parse_end_hhmm};
pub use typo::closest_names;

/// The embedded default scenario (a Czech random-digit survey day, held to the law in force on its date).
pub const DEFAULT_SCENARIO: &str = include_str!("../../data/scenarios/default.toml");

/// A distribution of durations in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Dist {
    /// Exponential with the given mean.
    Exponential {
        /// Mean, seconds.
        mean: f64,
    },
    /// Lognormal with the given mean and coefficient of variation (sd / mean).
    Lognormal {
        /// Mean, seconds.
        mean: f64,
        /// Coefficient of variation.
        cv: f64,
    },
    /// Always the same value.
    Fixed {
        /// Seconds.
        value: f64,
    },
}

impl Dist {
    /// The mean, seconds.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Exponential { mean } | Dist::Lognormal { mean, .. } => mean,
            Dist::Fixed { value } => value,
        }
    }
}

/// `[run]`: how long and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunSection {
    /// Name shown in reports.
    pub name: String,
    /// Days simulated (1 to 366).
    pub days: u32,
    /// Start of the calling window each day, `HH:MM` (quoted, or a TOML time `09:00`).
    #[serde(deserialize_with = "text::date_or_text")]
    pub day_start: String,
    /// Length of the calling window, hours (0.1 to 24).
    pub day_hours: f64,
    /// Statistics ignore calls dialled in the first minutes (0 to 1440), for steady-state studies.
    pub warmup_minutes: f64,
    /// Calendar date of day 0, `YYYY-MM-DD` (timestamps of receipts and suppression entries), quoted or a TOML
    /// date.
    #[serde(deserialize_with = "text::date_or_text")]
    pub start_date: String,
    /// IANA time zone of the calling floor (`Europe/Prague`): the day's clock is local time in it, and every
    /// timestamp is written with the zone's true offset on that date (daylight saving time included).
    pub time_zone: String,
}

impl Default for RunSection {
    fn default() -> RunSection {
        RunSection {
            name: "scenario".into(),
            days: 1,
            day_start: "09:00".into(),
            day_hours: 8.0,
            warmup_minutes: 0.0,
            start_date: "2026-01-05".into(),
            time_zone: "Europe/Prague".into(),
        }
    }
}

/// `[numbers]`: where the numbers to dial come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NumbersSection {
    /// Numbering plan: embedded name or plan CSV.
    pub plan: String,
    /// Number types to draw.
    pub types: Vec<String>,
    /// National prefixes to keep (empty: all).
    pub prefixes: Vec<String>,
    /// Bloom filter files of known databases to exclude.
    pub exclude: Vec<String>,
    /// CSV files of numbers to exclude exactly (known databases, objectors, do-not-call registers).
    pub suppress: Vec<String>,
    /// A CSV of numbers to dial in file order instead of generated numbers (empty: generate): each number once,
    /// where it first appears.
    pub list: String,
    /// The lawful basis of the numbers of `list` (none, research, opt-in, consent, customer): why they may be
    /// called. Generated and referred numbers have none (a research campaign's: research).
    pub basis: crate::jurisdiction::Basis,
    /// Shares of number types on the list, e.g. `{ mobile = 0.7, fixedLine = 0.3 }` (empty: every number of
    /// `types` equally likely); when set, it replaces `types`.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub mix: std::collections::BTreeMap<String, f64>,
    /// `[numbers.read]`: how the CSV files of `suppress` and `list` are read (left out: detected).
    #[serde(skip_serializing_if = "ReadSection::is_detected")]
    pub read: ReadSection,
    /// `[numbers.frame]`: the bank frame — the sampling design, and who works in listed banks (left out:
    /// uniform sampling, a population blind to banks).
    #[serde(skip_serializing_if = "FrameSection::is_default")]
    pub frame: FrameSection,
}

/// `[numbers.read]`: how the CSV files of numbers are read; every key left out is detected per file.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReadSection {
    /// Columns holding numbers: header names or 1-based positions (every number in any of them is read).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// Field delimiter: one character or `tab`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Text encoding: `utf-8`, `utf-16`, `windows-1250`, `windows-1252`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Whether the first row is a header: `yes`, `no` or `auto`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// Largest share of a file's values that may be rejected as not phone numbers [default: 0.01].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_rejected: Option<f64>,
}

impl ReadSection {
    /// Whether every setting is left to detection.
    pub fn is_detected(&self) -> bool {
        *self == ReadSection::default()
    }
}

impl Default for NumbersSection {
    fn default() -> NumbersSection {
        NumbersSection {
            plan: "cz".into(),
            types: vec!["mobile".into(), "fixedLine".into(), "fixedLineOrMobile".into()],
            prefixes: Vec::new(),
            exclude: Vec::new(),
            suppress: Vec::new(),
            list: String::new(),
            basis: crate::jurisdiction::Basis::None,
            mix: Default::default(),
            read: ReadSection::default(),
            frame: FrameSection::default(),
        }
    }
}

/// Pacing mode of the dialer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DialerMode {
    /// An agent reviews a record, then dials it; the agent waits for the outcome (no drops).
    Preview,
    /// One call per free agent.
    Progressive,
    /// Several calls per free agent, the dial level adapted toward the drop-rate target.
    Predictive,
    /// Poisson dialling at a fixed rate (capacity studies, queueing validation).
    Rate,
}

/// Predictive mode's pacing algorithm (`dialer.pacer`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pacer {
    /// VICIdial-like adaptive pacing with a hard limit: back to one call per free agent once the day's drop
    /// rate reaches the target.
    #[default]
    AdaptiveHardLimit,
    /// VICIdial-like adaptive pacing that tapers the level as the drop rate nears the target.
    AdaptiveTapered,
    /// VICIdial-like adaptive pacing on the average drop rate.
    AdaptiveAverage,
    /// A model-based pacer: launches from the state of agents and ringing calls within the abandonment budget.
    Model,
}

impl Pacer {
    /// Every pacer, in the order reports list them.
    pub const ALL: [Pacer; 4] =
        [Pacer::AdaptiveHardLimit, Pacer::AdaptiveTapered, Pacer::AdaptiveAverage, Pacer::Model];

    /// The name used in scenarios, `--set dialer.pacer=` and frontier.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            Pacer::AdaptiveHardLimit => "adaptive-hard-limit",
            Pacer::AdaptiveTapered => "adaptive-tapered",
            Pacer::AdaptiveAverage => "adaptive-average",
            Pacer::Model => "model",
        }
    }
}

/// What predictive pacing does once the day's abandonment budget (the profile's limit, AMD misdetections
/// included) is spent (`dialer.on_budget_spent`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnBudgetSpent {
    /// Answering-machine detection off first (its misdetections stop), then one call per free agent (the
    /// pacer's own drops stop): keeps the profile's limit.
    #[default]
    AmdOffThenProgressive,
    /// Answering-machine detection off; the pacer keeps pacing.
    AmdOff,
    /// One call per free agent; AMD stays on (its misdetections can still break the limit).
    Progressive,
    /// Nothing: the budget is not kept (frontier studies above the limit).
    Continue,
}

/// `[dialer]`: pacing, lines, timeouts and retries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DialerSection {
    /// Pacing mode.
    pub mode: DialerMode,
    /// Predictive mode: the pacing algorithm.
    pub pacer: Pacer,
    /// Agents staffed (1 to 10000).
    pub agents: u32,
    /// Lines (trunk limit): calls in progress at once (1 to 100000).
    pub lines: u32,
    /// Predictive: target share of live answers dropped (0 to 0.5).
    pub drop_target: f64,
    /// Predictive: what happens once the day's abandonment budget of the profile is spent.
    pub on_budget_spent: OnBudgetSpent,
    /// A live answer not connected to an agent within this many seconds is dropped (0 to 60; absent in
    /// queueing studies: use a large value).
    pub drop_timeout: f64,
    /// Seconds of ringing before giving up as no answer (15 to 600; never below 15 s).
    pub ring_timeout: f64,
    /// Predictive: starting dial level (calls per free agent, 1 to max_level).
    pub initial_level: f64,
    /// Predictive: highest dial level (1 to 20).
    pub max_level: f64,
    /// Predictive: seconds between dial-level recalculations (1 to 3600).
    pub recalc_interval: f64,
    /// Rate mode: calls dialled per hour (Poisson).
    pub rate_per_hour: f64,
    /// Preview mode: time an agent spends reviewing a record before dialling.
    pub preview: Dist,
    /// Attempts per number at most (1 to 20).
    pub max_attempts: u32,
    /// Minutes before redialling a busy number.
    pub redial_busy_minutes: f64,
    /// Minutes before redialling a number that did not answer.
    pub redial_no_answer_minutes: f64,
    /// Minutes before redialling a number answered by a machine.
    pub redial_machine_minutes: f64,
    /// Hours a number is locked after a drop before it may be dialled again (72 in the UK).
    pub drop_lockout_hours: f64,
}

impl Default for DialerSection {
    fn default() -> DialerSection {
        DialerSection {
            mode: DialerMode::Predictive,
            pacer: Pacer::AdaptiveHardLimit,
            agents: 20,
            lines: 200,
            drop_target: 0.03,
            on_budget_spent: OnBudgetSpent::AmdOffThenProgressive,
            drop_timeout: 2.0,
            ring_timeout: 25.0,
            initial_level: 2.0,
            max_level: 6.0,
            recalc_interval: 60.0,
            rate_per_hour: 0.0,
            preview: Dist::Fixed { value: 10.0 },
            max_attempts: 3,
            redial_busy_minutes: 15.0,
            redial_no_answer_minutes: 120.0,
            redial_machine_minutes: 180.0,
            drop_lockout_hours: 72.0,
        }
    }
}

/// `[amd]`: answering-machine detection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AmdSection {
    /// Whether answered calls are screened.
    pub enabled: bool,
    /// Seconds of analysis after pick-up: silence the person hears, counted toward the drop timeout and the
    /// profile's silence limit (default 3 s, inside the vendors' range cited in docs/model.md).
    pub detect_time: f64,
    /// Share of machines recognised (true positives), hung up without an agent.
    pub machine_detected: f64,
    /// Share of persons wrongly taken for machines (false positives), hung up: counted as abandoned calls.
    pub person_misdetected: f64,
}

impl Default for AmdSection {
    fn default() -> AmdSection {
        AmdSection { enabled: true, detect_time: 3.0, machine_detected: 0.85, person_misdetected: 0.02 }
    }
}

/// `[agents]`: how long conversations and wrap-ups take.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AgentsSection {
    /// Talk time with a cooperating person.
    pub talk: Dist,
    /// Talk time with a person who refuses.
    pub refusal_talk: Dist,
    /// Talk time when an undetected machine reaches an agent.
    pub machine_talk: Dist,
    /// After-call work.
    pub wrap: Dist,
}

impl Default for AgentsSection {
    fn default() -> AgentsSection {
        AgentsSection {
            talk: Dist::Lognormal { mean: 150.0, cv: 0.8 },
            refusal_talk: Dist::Lognormal { mean: 25.0, cv: 0.6 },
            machine_talk: Dist::Fixed { value: 12.0 },
            wrap: Dist::Exponential { mean: 20.0 },
        }
    }
}

/// Purpose of the campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Direct marketing.
    Marketing,
    /// Market or social research (exempt from cz-2022's opt-in).
    Research,
}

/// `[compliance.faults]`: deliberate rule breaking, to test the audit (probabilities).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct FaultsSection {
    /// Per connected person: the operator skips the objection offer.
    pub skip_objection_offer: f64,
    /// Per declined consent: the name is stored anyway.
    pub store_name_without_consent: f64,
    /// Per suppressed or known number that comes up: the dialler dials it anyway.
    pub ignore_suppression: f64,
}

/// The default consent question (Czech, the default `compliance.language`): may we keep your name with your
/// number to call you with offers, until you withdraw?
pub const DEFAULT_CONSENT_WORDING: &str = "Souhlasíte, abychom si k Vašemu telefonnímu číslu uložili Vaše jméno a \
     mohli Vás znovu kontaktovat kvůli tomuto výzkumu? Souhlas můžete kdykoli odvolat.";

/// `[compliance.retention]`: how long each kind of record is kept, in days, counted in simulated time. A record
/// whose period ends inside the simulated period is erased by then. Names kept under consent have no period of
/// their own: they are kept until the consent is withdrawn and erased at the withdrawal (Art. 7(3), 17(1)(b)).
/// Suppression entries (objections, withdrawals) have none either: they are kept as long as the objection must
/// be honoured, which is as long as the controller calls anyone (Art. 21(3)); erasing one would make the number
/// callable again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionSection {
    /// The link from a referred number to the call that referred it, while the referee has not been reached:
    /// erased this many days after the referral (at most 30: the Art. 14 notice is due within one month,
    /// Art. 14(3)(a); a number never reached by then cannot be told, so its origin is not kept).
    pub referral_link_days: u32,
    /// A withdrawn consent's receipt, kept without the name (a minimal receipt: id, number, times, wording
    /// hash) to defend legal claims over the consent (Art. 17(3)(e)). At least `run.days`: the run's own audit
    /// reads it.
    pub withdrawn_receipt_days: u32,
    /// The call records (`calls.csv`): proof of the calling rules kept. At least `run.days`: the run's own
    /// audit reads them.
    pub call_record_days: u32,
}

impl Default for RetentionSection {
    fn default() -> RetentionSection {
        // Three years: the general limitation period for claims in Czech law (§629 of the Civil Code).
        RetentionSection { referral_link_days: 30, withdrawn_receipt_days: 1095, call_record_days: 1095 }
    }
}

/// `[compliance]`: the flow inside each call and the rules it is audited against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ComplianceSection {
    /// The law the campaign is held to: `plan` (the plan's country, the regime in force on each day), a
    /// jurisdiction (`cz`, `sk`, `de`, `gb`, `us`) or a named regime (`cz-2018`, `uk-ofcom`, …).
    pub profile: Profile,
    /// Campaign purpose.
    pub purpose: Purpose,
    /// Version of the call script (identification, purpose, objection offer), recorded on receipts.
    pub script_version: String,
    /// The controller named on receipts.
    pub controller: String,
    /// Controller contact (a person or office) on receipts.
    pub controller_contact: String,
    /// Controller postal address on receipts (Kantara CR v1.1 `address`).
    pub controller_address: String,
    /// Country of the controller's address, ISO 3166-1 alpha-2 (`CZ`): the receipts' `addressCountry` and the
    /// record of processing's. The controller's own seat, not the jurisdiction of the people called.
    pub controller_country: String,
    /// Controller e-mail on receipts (Kantara CR v1.1 `email`).
    pub controller_email: String,
    /// Controller telephone on receipts (Kantara CR v1.1 `phone`).
    pub controller_phone: String,
    /// Privacy policy URL on receipts.
    pub policy_url: String,
    /// Language of the calls (BCP 47; empty: the jurisdiction's).
    pub language: String,
    /// The consent question as the agent reads it out; receipts record its SHA-256 (`consentWordingSha256`),
    /// so that the wording a consent was given to can be shown later.
    pub consent_wording: String,
    /// How long each kind of record is kept (`[compliance.retention]`), applied in simulated time.
    pub retention: RetentionSection,
    /// Per number: a person offered the objection objects.
    pub object: f64,
    /// Per number: a cooperating person gives their name.
    pub give_name: f64,
    /// Per number: asked, the person consents to keeping the name with the number.
    pub consent: f64,
    /// Per consent: withdrawn later.
    pub withdraw: f64,
    /// Delay from consent to withdrawal.
    pub withdraw_delay: Dist,
    /// The older name of `referrals.share`, still read (bench-day.toml and older scenarios); moved there when
    /// the scenario is read, so it is never written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral: Option<f64>,
    /// What consents are asked for (absent: the campaign's purpose). A research campaign asking for marketing
    /// consent is a disguised survey (the audit's `disguised-survey`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_purpose: Option<Purpose>,
    /// The caller ID (CLI) presented on every call, as dialled back (empty: withheld).
    pub caller_id: String,
    /// Whether an abandoned call plays the information message (who called, a number to call back).
    pub info_message: bool,
    /// Register snapshots screened out before dialling (`[[compliance.registers]]`: name, path, date).
    pub registers: Vec<RegisterSource>,
    /// Fault injection.
    pub faults: FaultsSection,
}

impl Default for ComplianceSection {
    fn default() -> ComplianceSection {
        ComplianceSection {
            profile: Profile::Plan,
            purpose: Purpose::Research,
            script_version: "script-1".into(),
            controller: "Example Calling s.r.o.".into(),
            controller_contact: "dpo@example.invalid".into(),
            controller_address: "Example street 1, 110 00 Praha 1, CZ".into(),
            controller_country: "CZ".into(),
            controller_email: "dpo@example.invalid".into(),
            controller_phone: "+420 200 000 000".into(),
            policy_url: "https://example.invalid/privacy".into(),
            language: String::new(),
            consent_wording: DEFAULT_CONSENT_WORDING.into(),
            retention: RetentionSection::default(),
            object: 0.10,
            give_name: 0.40,
            consent: 0.60,
            withdraw: 0.05,
            withdraw_delay: Dist::Exponential { mean: 4.0 * 3600.0 },
            referral: None,
            consent_purpose: None,
            caller_id: "+420 200 000 000".into(),
            info_message: true,
            registers: Vec::new(),
            faults: FaultsSection::default(),
        }
    }
}

/// A whole scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// `registry = "PATH|URL"`: the registry the run reads and writes back to, as `simulate --registry` (which
    /// overrides it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// `[run]`.
    pub run: RunSection,
    /// `[numbers]`.
    pub numbers: NumbersSection,
    /// `[population]`.
    pub population: PopulationSection,
    /// `[dialer]`.
    pub dialer: DialerSection,
    /// `[amd]`.
    pub amd: AmdSection,
    /// `[agents]`.
    pub agents: AgentsSection,
    /// `[compliance]`.
    pub compliance: ComplianceSection,
    /// `[referrals]`.
    pub referrals: ReferralsSection,
    /// `[screening]`.
    pub screening: ScreeningSection,
    /// `[costs]`.
    pub costs: CostsSection,
    /// `[calendar]`: calling days, holidays, calling hours.
    pub calendar: CalendarSection,
    /// `[answer_curve]`: hourly multipliers of the answer rates.
    pub answer_curve: AnswerCurveSection,
    /// `[callbacks]`: persons who ask to be called later.
    pub callbacks: CallbacksSection,
    /// `[[shifts]]`: agent groups with their hours, breaks and absence (none: `dialer.agents` over the
    /// calling window).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shifts: Vec<Shift>,
}
