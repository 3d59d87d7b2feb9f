//! The rows of the key table, in the order of the scenario's sections: the only place a key's type, unit,
//! range, allowed values and description are written.

use super::{Key, Kind, number_types};

/// The unit of a probability or share (0 to 1).
const PROBABILITY: &str = "share";

fn dist_kinds() -> Vec<&'static str> {
    vec!["exponential", "lognormal", "fixed"]
}

/// A distribution key and its fields: the mean between `lo` (at least 0.001) and `hi`, the coefficient of
/// variation between 0.01 and 10, a fixed value between `lo` and `hi`.
fn dist(t: &mut Vec<Key>, name: &str, (lo, hi): (f64, f64), description: &str, example: Option<&'static str>) {
    let mut whole = Key::new(name, Kind::Distribution, "s", description);
    whole.example = example;
    t.push(whole);
    t.push(
        Key::new(&format!("{name}.dist"), Kind::Choice, "", "The distribution: exponential, lognormal or fixed")
            .one_of(dist_kinds),
    );
    t.push(
        Key::new(&format!("{name}.mean"), Kind::Number, "s", "Mean (exponential, lognormal)").range(lo.max(1e-3), hi),
    );
    t.push(
        Key::new(&format!("{name}.cv"), Kind::Number, "", "Coefficient of variation, sd / mean (lognormal)")
            .range(0.01, 10.0),
    );
    t.push(Key::new(&format!("{name}.value"), Kind::Number, "s", "The value every draw takes (fixed)").range(lo, hi));
}

/// The keys of one stratum of `[population]`, under `prefix` (`population.<type>`).
fn strata(t: &mut Vec<Key>, prefix: &str, whose: &str) {
    for (field, what) in [
        ("not_in_service", "Per number: not in service"),
        ("busy", "Per attempt on a working number: busy"),
        ("person", "Per attempt on a working number: a person answers"),
        ("machine", "Per attempt on a working number: a machine answers"),
        ("cooperate", "Per number: a connected person cooperates"),
        ("object", "Per number: objects when offered (base: compliance.object)"),
        ("give_name", "Per number: a cooperating person gives their name (base: compliance.give_name)"),
        ("consent", "Per number: consents to keeping the name (base: compliance.consent)"),
    ] {
        t.push(
            Key::new(&format!("{prefix}.{field}"), Kind::Number, PROBABILITY, &format!("{what}, {whose}"))
                .range(0.0, 1.0)
                .example("0.5"),
        );
    }
}

#[rustfmt::skip]
pub(super) fn table() -> Vec<Key> {
    use Kind::*;
    let p = PROBABILITY;
    let mut t = Vec::new();
    let k = Key::new;
    t.push(k("registry", Text, "", "The registry the run reads and writes back to (a path or postgres:// URL), as simulate --registry").example("\"registry.sqlite\""));
    // [run]
    t.push(k("run.name", Text, "", "Name shown in reports"));
    t.push(k("run.days", Integer, "days", "Days simulated").range(1.0, 366.0));
    t.push(k("run.day_start", Time, "", "Start of the calling window each day, HH:MM"));
    t.push(k("run.day_hours", Number, "h", "Length of the calling window").range(0.1, 24.0));
    t.push(k("run.warmup_minutes", Number, "min", "Statistics ignore calls dialled in the first minutes").range(0.0, 1440.0));
    t.push(k("run.start_date", Date, "", "Calendar date of day 0, YYYY-MM-DD, from 1900 to 2999"));
    t.push(k("run.time_zone", Text, "", "IANA time zone of the calling floor (Europe/Prague)"));
    // [numbers]
    t.push(k("numbers.plan", Text, "", "Numbering plan: an embedded plan's name or a plan CSV"));
    t.push(k("numbers.types", ChoiceList, "", "Number types to draw (libphonenumber names)").one_of(number_types));
    t.push(k("numbers.prefixes", TextList, "", "National prefixes to keep (empty: all)"));
    t.push(k("numbers.exclude", TextList, "", "Bloom filter files of known databases to exclude"));
    t.push(k("numbers.suppress", TextList, "", "CSV files of numbers to exclude exactly (known databases, objectors, registers)"));
    t.push(k("numbers.list", Text, "", "A CSV of numbers to dial in file order instead of generated numbers, each once (empty: generate)"));
    t.push(k("numbers.basis", Choice, "", "The lawful basis of the numbers of numbers.list").one_of(|| crate::jurisdiction::Basis::ALL.iter().map(|b| b.as_str()).collect()));
    t.push(k("numbers.mix", NumberTable, p, "Shares of number types on the list, replacing numbers.types (empty: every number of types equally likely)"));
    t.push(k("numbers.mix.<number_type>", Number, p, "The share of this number type on the list (the shares add up to 1)").above(0.0).at_most(1.0).example("1.0"));
    t.push(k("numbers.read.columns", TextList, "", "Columns holding numbers: header names or 1-based positions (left out: detected)").example("[\"phone\"]"));
    t.push(k("numbers.read.delimiter", Text, "", "Field delimiter: one character or tab (left out: detected)").example("\";\""));
    t.push(k("numbers.read.encoding", Choice, "", "Text encoding of the CSV files (left out: detected)").one_of(|| vec!["utf-8", "utf-16", "utf-16le", "utf-16be", "windows-1250", "windows-1252"]).example("\"utf-8\""));
    t.push(k("numbers.read.header", Choice, "", "Whether the first row is a header (left out: auto)").one_of(|| vec!["yes", "no", "auto"]).example("\"auto\""));
    t.push(k("numbers.read.max_rejected", Number, p, "Largest share of a file's values that may be rejected as not phone numbers (left out: 0.01)").range(0.0, 1.0).example("0.01"));
    t.push(k("numbers.frame.design", Choice, "", "Sampling design: uniform, list-assisted (Casady-Lepkowski) or mitofsky-waksberg (two-stage, banks of 100); the last two take no numbers.mix").one_of(|| vec!["uniform", "list-assisted", "mitofsky-waksberg"]));
    t.push(k("numbers.frame.cluster", Integer, "numbers", "Mitofsky-Waksberg: numbers in service sought in each bank kept (k, the primary included)").range(1.0, 100.0));
    t.push(k("numbers.frame.bank", Integer, "numbers", "Numbers per bank").one_of(|| vec!["100", "1000"]));
    t.push(k("numbers.frame.min_listed", Integer, "numbers", "Known numbers a bank needs to be listed").range(1.0, f64::from(u32::MAX)));
    t.push(k("numbers.frame.zero_banks", Number, "", "The zero banks' sampling rate relative to the listed banks' (0: left out; 1: as uniform)").range(0.0, 1.0));
    t.push(k("numbers.frame.known", TextList, "", "CSV files of known numbers that give the banks' density (empty: the suppress files)"));
    t.push(k("numbers.frame.in_service_listed", Number, p, "Share of numbers in service in a listed bank, replacing its type's not_in_service (left out: banks do not matter)").range(0.0, 1.0).example("0.5"));
    // [population]
    t.push(k("population.not_in_service", Number, p, "Per number: not in service (special information tones)").range(0.0, 1.0));
    t.push(k("population.busy", Number, p, "Per attempt on a working number: the line is busy").range(0.0, 1.0));
    t.push(k("population.person", Number, p, "Per attempt on a working number: a person answers").range(0.0, 1.0));
    t.push(k("population.machine", Number, p, "Per attempt on a working number: an answering machine or voicemail answers").range(0.0, 1.0));
    t.push(k("population.cooperate", Number, p, "Per number: a connected person cooperates (the rest refuse)").range(0.0, 1.0));
    dist(&mut t, "population.answer_delay", (0.0, 600.0), "Time from the first ring to pick-up (persons and machines)", None);
    dist(&mut t, "population.patience", (0.0, 1e9), "How long an answered person waits for an agent (left out: until the dialer drops)", Some("{ dist = \"exponential\", mean = 5.0 }"));
    strata(&mut t, "population.<type>", "numbers of this type");
    strata(&mut t, "population.prefix.<digits>", "numbers whose national number starts with these digits");
    // [dialer]
    t.push(k("dialer.mode", Choice, "", "Pacing mode").one_of(|| vec!["preview", "progressive", "predictive", "rate"]));
    t.push(k("dialer.pacer", Choice, "", "Predictive mode: the pacing algorithm").one_of(|| crate::scenario::Pacer::ALL.iter().map(|p| p.as_str()).collect()));
    t.push(k("dialer.agents", Integer, "agents", "Agents staffed").range(1.0, 10_000.0));
    t.push(k("dialer.lines", Integer, "lines", "Lines (trunk limit): calls in progress at once").range(1.0, 100_000.0));
    t.push(k("dialer.drop_target", Number, p, "Predictive: target share of live answers dropped").range(0.0, 0.5));
    t.push(k("dialer.on_budget_spent", Choice, "", "Predictive: what happens once the day's abandonment budget of the profile is spent").one_of(|| vec!["amd-off-then-progressive", "amd-off", "progressive", "continue"]));
    t.push(k("dialer.drop_timeout", Number, "s", "A live answer not connected to an agent within this is dropped").range(0.0, 1e9));
    t.push(k("dialer.ring_timeout", Number, "s", "Ringing before giving up as no answer").range(15.0, 600.0));
    t.push(k("dialer.initial_level", Number, "calls per free agent", "Predictive: starting dial level (at most max_level)").range(1.0, 20.0));
    t.push(k("dialer.max_level", Number, "calls per free agent", "Predictive: highest dial level").range(1.0, 20.0));
    t.push(k("dialer.recalc_interval", Number, "s", "Predictive: time between dial-level recalculations").range(1.0, 3600.0));
    t.push(k("dialer.rate_per_hour", Number, "calls/h", "Rate mode: calls dialled per hour, Poisson (above 0 in rate mode)").range(0.0, 1e7));
    dist(&mut t, "dialer.preview", (0.0, 3600.0), "Preview mode: time an agent reviews a record before dialling", None);
    t.push(k("dialer.max_attempts", Integer, "attempts", "Attempts per number at most").range(1.0, 20.0));
    t.push(k("dialer.redial_busy_minutes", Number, "min", "Time before redialling a busy number").range(0.0, 1e6));
    t.push(k("dialer.redial_no_answer_minutes", Number, "min", "Time before redialling a number that did not answer").range(0.0, 1e6));
    t.push(k("dialer.redial_machine_minutes", Number, "min", "Time before redialling a number answered by a machine").range(0.0, 1e6));
    t.push(k("dialer.drop_lockout_hours", Number, "h", "A number is locked this long after a drop (72 in the UK)").range(0.0, 1e5));
    // [amd]
    t.push(k("amd.enabled", Bool, "", "Whether answered calls are screened by answering-machine detection"));
    t.push(k("amd.detect_time", Number, "s", "Analysis after pick-up: silence the person hears").range(0.0, 30.0));
    t.push(k("amd.machine_detected", Number, p, "Share of machines recognised and hung up").range(0.0, 1.0));
    t.push(k("amd.person_misdetected", Number, p, "Share of persons taken for machines and hung up (abandoned calls)").range(0.0, 1.0));
    // [agents]
    dist(&mut t, "agents.talk", (0.0, 36_000.0), "Talk time with a cooperating person", None);
    dist(&mut t, "agents.refusal_talk", (0.0, 36_000.0), "Talk time with a person who refuses", None);
    dist(&mut t, "agents.machine_talk", (0.0, 36_000.0), "Talk time when an undetected machine reaches an agent", None);
    dist(&mut t, "agents.wrap", (0.0, 36_000.0), "After-call work", None);
    // [compliance]
    t.push(k("compliance.profile", Choice, "", "The law the campaign is held to: plan (the plan's country), a jurisdiction or a named regime").one_of(crate::scenario::Profile::names));
    t.push(k("compliance.purpose", Choice, "", "Campaign purpose").one_of(|| vec!["marketing", "research"]));
    t.push(k("compliance.script_version", Text, "", "Version of the call script, recorded on receipts"));
    t.push(k("compliance.controller", Text, "", "The controller named on receipts"));
    t.push(k("compliance.controller_contact", Text, "", "Controller contact (a person or office) on receipts"));
    t.push(k("compliance.controller_address", Text, "", "Controller postal address on receipts"));
    t.push(k("compliance.controller_country", Text, "", "Country of the controller's address, ISO 3166-1 alpha-2 (CZ)"));
    t.push(k("compliance.controller_email", Text, "", "Controller e-mail on receipts"));
    t.push(k("compliance.controller_phone", Text, "", "Controller telephone on receipts"));
    t.push(k("compliance.policy_url", Text, "", "Privacy policy URL on receipts"));
    t.push(k("compliance.language", Text, "", "Language of the calls, BCP 47 (empty: the jurisdiction's)"));
    t.push(k("compliance.consent_wording", Text, "", "The consent question as read out (1 to 10000 characters); receipts record its SHA-256"));
    t.push(k("compliance.retention.referral_link_days", Integer, "days", "A referee's link to the referring call is erased after this (Art. 14(3)(a))").range(1.0, 30.0));
    t.push(k("compliance.retention.withdrawn_receipt_days", Integer, "days", "A withdrawn consent's receipt is kept this long (at least run.days)").range(1.0, 36_500.0));
    t.push(k("compliance.retention.call_record_days", Integer, "days", "The call records are kept this long (at least run.days)").range(1.0, 36_500.0));
    t.push(k("compliance.object", Number, p, "Per number: a person offered the objection objects").range(0.0, 1.0));
    t.push(k("compliance.give_name", Number, p, "Per number: a cooperating person gives their name").range(0.0, 1.0));
    t.push(k("compliance.consent", Number, p, "Per number: asked, the person consents to keeping the name").range(0.0, 1.0));
    t.push(k("compliance.withdraw", Number, p, "Per consent: withdrawn later").range(0.0, 1.0));
    dist(&mut t, "compliance.withdraw_delay", (0.0, 1e9), "Delay from consent to withdrawal", None);
    t.push(k("compliance.referral", Number, p, "The older name of referrals.share, still read (give only one)").range(0.0, 1.0).example("0.05"));
    t.push(k("compliance.consent_purpose", Choice, "", "What consents are asked for (left out: the campaign's purpose)").one_of(|| vec!["marketing", "research"]).example("\"research\""));
    t.push(k("compliance.caller_id", Text, "", "The caller ID presented on every call (empty: withheld)"));
    t.push(k("compliance.info_message", Bool, "", "Whether an abandoned call plays the information message"));
    t.push(k("compliance.registers", TableList, "", "Register snapshots screened out before dialling, one [[compliance.registers]] each"));
    t.push(k("compliance.registers[].name", Text, "", "The register's name as the regime names it (tps, national-dnc, nevolajte-mi)").example("\"tps\""));
    t.push(k("compliance.registers[].path", Text, "", "The snapshot's CSV file").example("\"tps.csv\""));
    t.push(k("compliance.registers[].date", Date, "", "The snapshot's date, YYYY-MM-DD").example("\"2026-01-01\""));
    t.push(k("compliance.faults.skip_objection_offer", Number, p, "Fault injection, per connected person: the objection offer is skipped").range(0.0, 1.0));
    t.push(k("compliance.faults.store_name_without_consent", Number, p, "Fault injection, per declined consent: the name is stored anyway").range(0.0, 1.0));
    t.push(k("compliance.faults.ignore_suppression", Number, p, "Fault injection, per suppressed number: dialled anyway").range(0.0, 1.0));
    // [referrals]
    t.push(k("referrals.share", Number, p, "Per cooperating person: gives a referral (another person's number)").range(0.0, 1.0));
    t.push(k("referrals.busy", Number, p, "Per attempt on a referee's number: busy").range(0.0, 1.0));
    t.push(k("referrals.person", Number, p, "Per attempt on a referee's number: the referee answers").range(0.0, 1.0));
    t.push(k("referrals.machine", Number, p, "Per attempt on a referee's number: a machine answers (busy + person + machine at most 1)").range(0.0, 1.0));
    t.push(k("referrals.cooperate", Number, p, "Per referee: cooperates once connected").range(0.0, 1.0));
    // [screening]
    t.push(k("screening.enabled", Bool, "", "Whether numbers are looked up (HLR) before their first attempt"));
    t.push(k("screening.types", ChoiceList, "", "Number types looked up").one_of(number_types));
    t.push(k("screening.accuracy", Number, p, "P(the look-up reports the number's true status)").range(0.5, 1.0));
    t.push(k("screening.latency_seconds", Number, "s", "Time a look-up adds before the first attempt rings").range(0.0, 600.0));
    // [costs]
    t.push(k("costs.currency", Text, "", "Currency of every price, ISO 4217 (CZK)"));
    t.push(k("costs.per_dial", Number, "currency", "Per attempt dialled (set-up charge)").range(0.0, 1e9));
    t.push(k("costs.line_per_minute.mobile", Number, "currency/min", "Per minute of an answered call to a mobile number").range(0.0, 1e9));
    t.push(k("costs.line_per_minute.fixedLine", Number, "currency/min", "Per minute of an answered call to a fixed-line number").range(0.0, 1e9));
    t.push(k("costs.line_per_minute.other", Number, "currency/min", "Per minute of an answered call to a number of another type").range(0.0, 1e9));
    t.push(k("costs.agent_per_hour", Number, "currency/h", "Per staffed agent-hour").range(0.0, 1e9));
    t.push(k("costs.hlr_per_lookup", Number, "currency", "Per HLR look-up").range(0.0, 1e9));
    t.push(k("costs.value_per_consent", Number, "currency", "Value of one consent granted, for net_value (0: none)").range(0.0, 1e9));
    // [calendar]
    t.push(k("calendar.days", ChoiceList, "", "Weekdays the campaign calls on").one_of(|| crate::scenario::WEEKDAYS.to_vec()));
    t.push(k("calendar.holidays", Choice, "", "Public holidays that close the floor: plan (the plan's country), none or a country").one_of(holiday_names));
    t.push(k("calendar.extra_closed", DateList, "", "More closed dates, YYYY-MM-DD"));
    t.push(k("calendar.calling_hours", TimeList, "", "Local calling hours at the called person's location, [\"HH:MM\", \"HH:MM\"] (empty: the profile's)"));
    t.push(k("calendar.last_dial_margin_s", Number, "s", "No call is dialled this close to the window's or a shift's end (left out: ring + AMD + drop timeouts)").range(0.0, 7200.0).example("30.0"));
    // [answer_curve]
    for (name, what) in [
        ("person_weekday", "person rate, Monday to Friday"),
        ("person_weekend", "person rate, weekends and holidays"),
        ("machine_weekday", "machine rate, Monday to Friday"),
        ("machine_weekend", "machine rate, weekends and holidays"),
    ] {
        t.push(k(&format!("answer_curve.{name}"), NumberList, "", &format!("24 hourly multipliers (00:00 to 23:00) of the {what} (empty: flat)")).range(0.0, 10.0));
    }
    // [callbacks]
    t.push(k("callbacks.probability", Number, p, "Per connected person (first contact, not objecting): asks to be called back").range(0.0, 1.0));
    dist(&mut t, "callbacks.delay", (1.0, 3e7), "Time from the request to the agreed callback", None);
    // A fixed delay may be 0 (called back at once); a mean may not.
    if let Some(v) = t.iter_mut().find(|k| k.name == "callbacks.delay.value") {
        *v = v.clone().range(0.0, 3e7);
    }
    t.push(k("callbacks.same_agent", Bool, "", "The callback goes to the agent who took the request"));
    t.push(k("callbacks.max_wait_minutes", Number, "min", "A callback not dialled within this of its time is missed").range(0.0, 1440.0));
    t.push(k("callbacks.answer", Number, p, "Per callback dialled: the person answers").range(0.0, 1.0));
    // [[shifts]]
    t.push(k("shifts", TableList, "", "Agent groups with their hours, one [[shifts]] each (none: dialer.agents over the calling window)"));
    t.push(k("shifts[].agents", Integer, "agents", "Agents in the group; left out: dialer.agents (all groups: at most 10000)").range(1.0, 10_000.0).example("10"));
    t.push(k("shifts[].start", Time, "", "Log-in time, HH:MM (left out: the calling window's opening)").example("\"09:00\""));
    t.push(k("shifts[].end", Time, "", "Log-out time, HH:MM, after start, 24:00 allowed (left out: the window's close)").example("\"17:00\""));
    t.push(k("shifts[].breaks", Integer, "breaks", "Breaks per agent and shift, spread over the shift").range(0.0, 20.0));
    t.push(k("shifts[].break_minutes", Number, "min", "Length of each break (the breaks shorter than the shift)").range(0.0, 1440.0));
    t.push(k("shifts[].absence", Number, p, "Shrinkage: share of the group's agents absent on a day").range(0.0, 1.0));
    t
}

fn holiday_names() -> Vec<&'static str> {
    let mut v = vec!["plan", "none"];
    v.extend(crate::jurisdiction::ALL.iter().map(|j| j.code));
    v
}
