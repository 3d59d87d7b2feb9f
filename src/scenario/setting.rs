//! Typed changes to a scenario: a value a grid sets at each of its points travels as itself (a drop target as
//! an `f64`, a pacer as a [`Pacer`]), never as `key=value` text parsed back.

use super::{DialerMode, OnBudgetSpent, Pacer, Scenario, ScenarioSource};
use crate::foundation::error::Result;

/// One typed change to a scenario: the keys a frontier sets at its points, the start of a series' campaign.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Setting {
    /// `dialer.mode`.
    Mode(DialerMode),
    /// `dialer.pacer`.
    Pacer(Pacer),
    /// `dialer.agents`.
    Agents(u32),
    /// `dialer.drop_target`.
    DropTarget(f64),
    /// `dialer.on_budget_spent`.
    OnBudgetSpent(OnBudgetSpent),
    /// `run.start_date`: a series' campaigns start on their own days.
    StartDate(jiff::civil::Date),
}

impl Setting {
    /// The scenario key it sets.
    pub fn key(&self) -> &'static str {
        match self {
            Setting::Mode(_) => "dialer.mode",
            Setting::Pacer(_) => "dialer.pacer",
            Setting::Agents(_) => "dialer.agents",
            Setting::DropTarget(_) => "dialer.drop_target",
            Setting::OnBudgetSpent(_) => "dialer.on_budget_spent",
            Setting::StartDate(_) => "run.start_date",
        }
    }

    /// Sets the value in `scenario` (unchecked: [`ScenarioSource::load_with`] checks the whole scenario after).
    fn apply(&self, scenario: &mut Scenario) {
        let d = &mut scenario.dialer;
        match *self {
            Setting::Mode(m) => d.mode = m,
            Setting::Pacer(p) => d.pacer = p,
            Setting::Agents(a) => d.agents = a,
            Setting::DropTarget(t) => d.drop_target = t,
            Setting::OnBudgetSpent(o) => d.on_budget_spent = o,
            Setting::StartDate(day) => scenario.run.start_date = day.to_string(),
        }
    }
}

/// `key=value` as `--set` writes it: how an error names the setting it blames, never read back.
impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn value(v: impl serde::Serialize) -> String {
            toml::Value::try_from(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
        }
        match self {
            Setting::Mode(m) => write!(f, "{}={}", self.key(), value(m)),
            Setting::Pacer(p) => write!(f, "{}={}", self.key(), p.as_str()),
            Setting::Agents(a) => write!(f, "{}={a}", self.key()),
            Setting::DropTarget(t) => write!(f, "{}={t}", self.key()),
            Setting::OnBudgetSpent(o) => write!(f, "{}={}", self.key(), value(o)),
            Setting::StartDate(d) => write!(f, "{}=\"{d}\"", self.key()),
        }
    }
}

impl ScenarioSource {
    /// The scenario with the text overrides `set` (as [`ScenarioSource::load`]), then the typed `settings`, and
    /// every check of a loaded scenario run again on the result: a value out of range is blamed on its setting,
    /// written `key=value`. The scenario equals the one loaded with the settings written as text overrides.
    ///
    /// ```
    /// use dialsim::{Pacer, ScenarioSource, Setting};
    /// let source = ScenarioSource::named(None);
    /// let s = source.load_with(&[], &[Setting::Pacer(Pacer::Model), Setting::DropTarget(0.02)])?;
    /// assert_eq!((s.dialer.pacer, s.dialer.drop_target), (Pacer::Model, 0.02));
    /// let e = source.load_with(&[], &[Setting::DropTarget(1.5)]).unwrap_err();
    /// assert!(e.to_string().contains("dialer.drop_target=1.5"), "{e}");
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn load_with(&self, set: &[String], settings: &[Setting]) -> Result<Scenario> {
        let (name, text) = self.text()?;
        let mut scenario = Scenario::parse(&name, &text, set)?;
        for s in settings {
            s.apply(&mut scenario);
        }
        let blame: Vec<String> = set.iter().cloned().chain(settings.iter().map(Setting::to_string)).collect();
        scenario.validate(&name, &text, &blame)?;
        Ok(scenario)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_gives_the_scenario_its_text_override_gives() {
        let source = ScenarioSource::named(None);
        let set = ["run.day_hours=2".to_string()];
        for settings in [
            vec![Setting::Mode(DialerMode::Predictive), Setting::Pacer(Pacer::AdaptiveTapered)],
            vec![Setting::Agents(37), Setting::DropTarget(0.017), Setting::OnBudgetSpent(OnBudgetSpent::Continue)],
            vec![Setting::DropTarget(0.1 + 0.2), Setting::OnBudgetSpent(OnBudgetSpent::AmdOff)],
            vec![Setting::StartDate(jiff::civil::date(2027, 2, 28))],
        ] {
            let typed = source.load_with(&set, &settings).unwrap();
            let text: Vec<String> = set.iter().cloned().chain(settings.iter().map(Setting::to_string)).collect();
            let parsed = source.load(&text).unwrap();
            assert_eq!(typed, parsed, "{text:?}");
            assert_eq!(typed.to_toml(), parsed.to_toml());
        }
    }

    #[test]
    fn a_setting_out_of_range_is_blamed_on_itself() {
        let e = ScenarioSource::named(None).load_with(&[], &[Setting::Agents(0)]).unwrap_err();
        assert!(e.to_string().contains("dialer.agents=0"), "{e}");
    }
}
