//! The range check of every scenario value, naming the file line or the override that set it.

use super::*;

/// 2999-12-31 in days since 1970-01-01: the last start date a scenario may have.
const LAST_START_DAY: i64 = 376_199;

impl Scenario {
    /// Checks every value against its range.
    pub(super) fn validate(&self, name: &str, text: &str, overrides: &[String]) -> Result<()> {
        let fail = |path: &str, value: String, range: &str| {
            let message = format!("{path} = {value} is out of range ({range})");
            // A check over a whole section (its path a prefix of the key set) counts keys set inside it; a key
            // set whole (`--set shifts=[...]`) is where its fields' values came from too.
            let set = overrides.iter().rev().find(|o| {
                o.split('=').next().is_some_and(|k| {
                    let k = k.trim();
                    k == path || k.starts_with(&format!("{path}.")) || path.starts_with(&format!("{k}."))
                })
            });
            match set {
                Some(o) => Err(Error::scenario_override(o, message)),
                // A value nobody typed: say it is the default.
                None if !file_sets(text, path) => Err(Error::scenario_file(
                    name,
                    find_key(text, path),
                    format!("{message}; that value is the default (not set in {name})"),
                )),
                None => Err(Error::scenario_file(name, find_key(text, path), message)),
            }
        };
        let range = |path: &str, v: f64, lo: f64, hi: f64| {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                fail(path, crate::foundation::text::number_text(v), &format!("{lo} to {hi}"))
            }
        };
        // The bounds of every key come from the key table (`schema`); a key checked here that the table gives no
        // range is a programming error, told as such rather than let through.
        let limit = |path: &str, v: f64| {
            let (lo, hi) = bounds(path)?;
            range(path, v, lo, hi)
        };
        let dist = |path: &str, d: &Dist| match *d {
            Dist::Exponential { mean } => limit(&format!("{path}.mean"), mean),
            Dist::Lognormal { mean, cv } => {
                limit(&format!("{path}.mean"), mean)?;
                limit(&format!("{path}.cv"), cv)
            }
            Dist::Fixed { value } => limit(&format!("{path}.value"), value),
        };
        let r = &self.run;
        limit("run.days", f64::from(r.days))?;
        limit("run.day_hours", r.day_hours)?;
        limit("run.warmup_minutes", r.warmup_minutes)?;
        if parse_hhmm(&r.day_start).is_none() {
            return fail("run.day_start", format!("\"{}\"", r.day_start), "HH:MM from 00:00 to 23:59");
        }
        // Up to 2999: every record time of the run (its days, then delays of up to decades) stays a date that
        // RFC 3339 and the time-zone rules can write.
        if days_from_civil(&r.start_date).is_none_or(|d| d > LAST_START_DAY) {
            return fail(
                "run.start_date",
                format!("\"{}\"", r.start_date),
                "a calendar date YYYY-MM-DD from 1900 to 2999",
            );
        }
        if crate::foundation::clock::zone(&r.time_zone).is_none() {
            return fail("run.time_zone", format!("\"{}\"", r.time_zone), "an IANA time zone such as Europe/Prague");
        }
        let c = &self.compliance;
        for (k, v) in [
            ("compliance.object", c.object),
            ("compliance.give_name", c.give_name),
            ("compliance.consent", c.consent),
            ("compliance.withdraw", c.withdraw),
            ("compliance.referral", c.referral.unwrap_or(0.0)),
            ("compliance.faults.skip_objection_offer", c.faults.skip_objection_offer),
            ("compliance.faults.store_name_without_consent", c.faults.store_name_without_consent),
            ("compliance.faults.ignore_suppression", c.faults.ignore_suppression),
        ] {
            limit(k, v)?;
        }
        dist("compliance.withdraw_delay", &c.withdraw_delay)?;
        // ISO 3166-1 alpha-2: two capital letters (the receipts' `addressCountry`).
        if c.controller_country.len() != 2 || !c.controller_country.bytes().all(|b| b.is_ascii_uppercase()) {
            return fail(
                "compliance.controller_country",
                format!("\"{}\"", crate::foundation::error::snippet(&c.controller_country)),
                "an ISO 3166-1 alpha-2 code such as \"CZ\"",
            );
        }
        if c.consent_wording.trim().is_empty() || c.consent_wording.chars().count() > 10_000 {
            return fail(
                "compliance.consent_wording",
                format!("\"{}\"", crate::foundation::error::snippet(&c.consent_wording)),
                "the consent question as read out, 1 to 10000 characters",
            );
        }
        let t = &c.retention;
        // Art. 14(3)(a): a referee is told where the number came from within one month, or not kept.
        limit("compliance.retention.referral_link_days", f64::from(t.referral_link_days))?;
        // The run's own audit reads these records at the run's end: a shorter period would erase its evidence.
        let days = f64::from(r.days);
        for (k, v) in [
            ("compliance.retention.withdrawn_receipt_days", t.withdrawn_receipt_days),
            ("compliance.retention.call_record_days", t.call_record_days),
        ] {
            let (lo, hi) = bounds(k)?;
            range(k, f64::from(v), days.max(lo), hi)?;
        }
        population::validate(self, &limit, &|path, v, r| fail(path, v, r))?;
        let p = &self.population;
        dist("population.answer_delay", &p.answer_delay)?;
        let f = &self.referrals;
        for (k, v) in [
            ("referrals.share", f.share),
            ("referrals.busy", f.busy),
            ("referrals.person", f.person),
            ("referrals.machine", f.machine),
            ("referrals.cooperate", f.cooperate),
        ] {
            limit(k, v)?;
        }
        if f.busy + f.person + f.machine > 1.0 + 1e-9 {
            return fail(
                "referrals.machine",
                format!("{} (busy + person + machine = {})", f.machine, f.busy + f.person + f.machine),
                "busy + person + machine at most 1",
            );
        }
        if let Some(d) = &p.patience {
            dist("population.patience", d)?;
        }
        let d = &self.dialer;
        limit("dialer.agents", f64::from(d.agents))?;
        limit("dialer.lines", f64::from(d.lines))?;
        limit("dialer.drop_target", d.drop_target)?;
        limit("dialer.drop_timeout", d.drop_timeout)?;
        limit("dialer.ring_timeout", d.ring_timeout)?;
        limit("dialer.max_level", d.max_level)?;
        let (lo, _) = bounds("dialer.initial_level")?;
        range("dialer.initial_level", d.initial_level, lo, d.max_level)?;
        limit("dialer.recalc_interval", d.recalc_interval)?;
        limit("dialer.rate_per_hour", d.rate_per_hour)?;
        if d.mode == DialerMode::Rate && d.rate_per_hour <= 0.0 {
            return fail("dialer.rate_per_hour", d.rate_per_hour.to_string(), "above 0 in rate mode");
        }
        dist("dialer.preview", &d.preview)?;
        limit("dialer.max_attempts", f64::from(d.max_attempts))?;
        limit("dialer.redial_busy_minutes", d.redial_busy_minutes)?;
        limit("dialer.redial_no_answer_minutes", d.redial_no_answer_minutes)?;
        limit("dialer.redial_machine_minutes", d.redial_machine_minutes)?;
        limit("dialer.drop_lockout_hours", d.drop_lockout_hours)?;
        let a = &self.amd;
        limit("amd.detect_time", a.detect_time)?;
        limit("amd.machine_detected", a.machine_detected)?;
        limit("amd.person_misdetected", a.person_misdetected)?;
        let g = &self.agents;
        dist("agents.talk", &g.talk)?;
        dist("agents.refusal_talk", &g.refusal_talk)?;
        dist("agents.machine_talk", &g.machine_talk)?;
        dist("agents.wrap", &g.wrap)?;
        time::validate(self, &range, &limit, &fail)
    }
}

/// The inclusive bounds of key `path` in the key table.
fn bounds(path: &str) -> Result<(f64, f64)> {
    schema::find(path)
        .and_then(schema::Key::bounds)
        .ok_or_else(|| Error::Invalid(format!("the scenario key table gives {path} no range").into()))
}

/// A range error on a value the overrides did not set, though they made it fail (the file alone passes): blamed
/// on the first override that does, saying where the value came from (its line, or the default) and which keys
/// to change. `--set run.day_hours=0.1` makes the default 15-minute breaks longer than the shift.
pub(super) fn blame_override(
    e: Error,
    name: &str,
    text: &str,
    overrides: &[String],
    parse: fn(&str, &str, &[String]) -> Result<Scenario>,
) -> Error {
    let Error::Scenario { origin: crate::foundation::error::Origin::File(at), message } = &e else {
        return e;
    };
    if overrides.is_empty() || parse(name, text, &[]).is_err() {
        return e;
    }
    let Some(culprit) = (1..=overrides.len()).find(|&n| parse(name, text, &overrides[..n]).is_err()) else {
        return e;
    };
    let culprit = &overrides[culprit - 1];
    let path = message.split_once(" = ").map_or(message.as_str(), |(p, _)| p);
    let from = if file_sets(text, path) { format!("; that value is set at {at}") } else { String::new() };
    let key = culprit.split_once('=').map_or(culprit.as_str(), |(k, _)| k).trim();
    Error::scenario_override(culprit, format!("{message}{from}; change {key} or {path}"))
}

/// Whether the scenario text itself sets the dotted `path` (in any entry of an array of tables such as
/// `[[shifts]]`).
pub(super) fn file_sets(text: &str, path: &str) -> bool {
    fn walk(v: &toml::Value, keys: &[&str]) -> bool {
        match (v, keys.split_first()) {
            (_, None) => true,
            (toml::Value::Table(t), Some((k, rest))) => t.get(*k).is_some_and(|v| walk(v, rest)),
            (toml::Value::Array(a), Some(_)) => a.iter().any(|v| walk(v, keys)),
            _ => false,
        }
    }
    let keys: Vec<&str> = path.split('.').collect();
    text.parse::<toml::Table>().is_ok_and(|t| walk(&toml::Value::Table(t), &keys))
}
