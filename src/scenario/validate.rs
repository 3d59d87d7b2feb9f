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
                fail(path, v.to_string(), &format!("{lo} to {hi}"))
            }
        };
        let dist = |path: &str, d: &Dist, lo: f64, hi: f64| match *d {
            Dist::Exponential { mean } => range(&format!("{path}.mean"), mean, lo.max(1e-3), hi),
            Dist::Lognormal { mean, cv } => {
                range(&format!("{path}.mean"), mean, lo.max(1e-3), hi)?;
                range(&format!("{path}.cv"), cv, 0.01, 10.0)
            }
            Dist::Fixed { value } => range(&format!("{path}.value"), value, lo, hi),
        };
        let r = &self.run;
        range("run.days", f64::from(r.days), 1.0, 366.0)?;
        range("run.day_hours", r.day_hours, 0.1, 24.0)?;
        range("run.warmup_minutes", r.warmup_minutes, 0.0, 1440.0)?;
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
        if crate::clock::zone(&r.time_zone).is_none() {
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
            range(k, v, 0.0, 1.0)?;
        }
        dist("compliance.withdraw_delay", &c.withdraw_delay, 0.0, 1e9)?;
        // ISO 3166-1 alpha-2: two capital letters (the receipts' `addressCountry`).
        if c.controller_country.len() != 2 || !c.controller_country.bytes().all(|b| b.is_ascii_uppercase()) {
            return fail(
                "compliance.controller_country",
                format!("\"{}\"", crate::error::snippet(&c.controller_country)),
                "an ISO 3166-1 alpha-2 code such as \"CZ\"",
            );
        }
        if c.consent_wording.trim().is_empty() || c.consent_wording.chars().count() > 10_000 {
            return fail(
                "compliance.consent_wording",
                format!("\"{}\"", crate::error::snippet(&c.consent_wording)),
                "the consent question as read out, 1 to 10000 characters",
            );
        }
        let t = &c.retention;
        // Art. 14(3)(a): a referee is told where the number came from within one month, or not kept.
        range("compliance.retention.referral_link_days", f64::from(t.referral_link_days), 1.0, 30.0)?;
        // The run's own audit reads these records at the run's end: a shorter period would erase its evidence.
        let days = f64::from(r.days);
        range("compliance.retention.withdrawn_receipt_days", f64::from(t.withdrawn_receipt_days), days, 36_500.0)?;
        range("compliance.retention.call_record_days", f64::from(t.call_record_days), days, 36_500.0)?;
        population::validate(self, &range, &|path, v, r| fail(path, v, r))?;
        let p = &self.population;
        dist("population.answer_delay", &p.answer_delay, 0.0, 600.0)?;
        let f = &self.referrals;
        for (k, v) in [
            ("referrals.share", f.share),
            ("referrals.busy", f.busy),
            ("referrals.person", f.person),
            ("referrals.machine", f.machine),
            ("referrals.cooperate", f.cooperate),
        ] {
            range(k, v, 0.0, 1.0)?;
        }
        if f.busy + f.person + f.machine > 1.0 + 1e-9 {
            return fail(
                "referrals.machine",
                format!("{} (busy + person + machine = {})", f.machine, f.busy + f.person + f.machine),
                "busy + person + machine at most 1",
            );
        }
        if let Some(d) = &p.patience {
            dist("population.patience", d, 0.0, 1e9)?;
        }
        let d = &self.dialer;
        range("dialer.agents", f64::from(d.agents), 1.0, 10_000.0)?;
        range("dialer.lines", f64::from(d.lines), 1.0, 100_000.0)?;
        range("dialer.drop_target", d.drop_target, 0.0, 0.5)?;
        range("dialer.drop_timeout", d.drop_timeout, 0.0, 1e9)?;
        range("dialer.ring_timeout", d.ring_timeout, 15.0, 600.0)?;
        range("dialer.max_level", d.max_level, 1.0, 20.0)?;
        range("dialer.initial_level", d.initial_level, 1.0, d.max_level)?;
        range("dialer.recalc_interval", d.recalc_interval, 1.0, 3600.0)?;
        range("dialer.rate_per_hour", d.rate_per_hour, 0.0, 1e7)?;
        if d.mode == DialerMode::Rate && d.rate_per_hour <= 0.0 {
            return fail("dialer.rate_per_hour", d.rate_per_hour.to_string(), "above 0 in rate mode");
        }
        dist("dialer.preview", &d.preview, 0.0, 3600.0)?;
        range("dialer.max_attempts", f64::from(d.max_attempts), 1.0, 20.0)?;
        range("dialer.redial_busy_minutes", d.redial_busy_minutes, 0.0, 1e6)?;
        range("dialer.redial_no_answer_minutes", d.redial_no_answer_minutes, 0.0, 1e6)?;
        range("dialer.redial_machine_minutes", d.redial_machine_minutes, 0.0, 1e6)?;
        range("dialer.drop_lockout_hours", d.drop_lockout_hours, 0.0, 1e5)?;
        let a = &self.amd;
        range("amd.detect_time", a.detect_time, 0.0, 30.0)?;
        range("amd.machine_detected", a.machine_detected, 0.0, 1.0)?;
        range("amd.person_misdetected", a.person_misdetected, 0.0, 1.0)?;
        let g = &self.agents;
        dist("agents.talk", &g.talk, 0.0, 36_000.0)?;
        dist("agents.refusal_talk", &g.refusal_talk, 0.0, 36_000.0)?;
        dist("agents.machine_talk", &g.machine_talk, 0.0, 36_000.0)?;
        dist("agents.wrap", &g.wrap, 0.0, 36_000.0)?;
        time::validate(self, &range, &fail)
    }
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
    let Error::Scenario { origin: crate::error::Origin::File(at), message } = &e else {
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
fn file_sets(text: &str, path: &str) -> bool {
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
