//! Where a scenario's text comes from — the embedded default, standard input, or a file — and the files a
//! scenario reads.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::text::{apply_override, line_of, move_referral_alias, plain_message};
use super::{DEFAULT_SCENARIO, Scenario, validate};
use crate::foundation::error::{Error, Result};

/// Where a scenario's text comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioSource {
    /// The embedded default scenario ([`crate::DEFAULT_SCENARIO`]).
    Embedded,
    /// Standard input, read once however often the scenario is loaded (a sweep loads it per point).
    Stdin,
    /// A scenario file.
    File(String),
    /// A scenario file read once ([`ScenarioSource::read`]): loading it again (each point of a grid) reads
    /// its text from here, not from the file.
    Read {
        /// The file's path.
        path: String,
        /// Its text, as read.
        text: std::sync::Arc<str>,
    },
}

impl ScenarioSource {
    /// The source a name stands for: none or `default` the embedded scenario, `-` standard input, anything
    /// else a file.
    pub fn named(name: Option<&str>) -> ScenarioSource {
        match name {
            None | Some("default") => ScenarioSource::Embedded,
            Some("-") => ScenarioSource::Stdin,
            Some(path) => ScenarioSource::File(path.to_string()),
        }
    }

    /// The scenario with `overrides` (`key=value`) applied. A file that is not there is said in words, with
    /// the embedded scenario's name when the name is close to it (`defualt`).
    ///
    /// ```
    /// use dialsim::ScenarioSource;
    /// let s = ScenarioSource::named(None).load(&["dialer.agents=7".into()]).unwrap();
    /// assert_eq!(s.dialer.agents, 7);
    /// let e = ScenarioSource::named(Some("defualt")).load(&[]).unwrap_err();
    /// assert!(e.to_string().contains("did you mean the embedded scenario `default`"), "{e}");
    /// ```
    pub fn load(&self, overrides: &[String]) -> Result<Scenario> {
        let (name, text) = self.text()?;
        Scenario::parse(&name, &text, overrides)
    }

    /// The same source, with a file's text read now and kept: every later load gives the scenario of this
    /// moment's text, however often it is loaded.
    ///
    /// ```
    /// use dialsim::ScenarioSource;
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("s.toml");
    /// std::fs::write(&path, "[dialer]\nagents = 9\n")?;
    /// let read = ScenarioSource::named(path.to_str()).read()?;
    /// std::fs::remove_file(&path)?;
    /// assert_eq!(read.load(&[])?.dialer.agents, 9);
    /// assert_eq!(read.text()?.0, path.to_str().unwrap());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read(&self) -> Result<ScenarioSource> {
        Ok(match self {
            ScenarioSource::File(path) => {
                let (_, text) = self.text()?;
                ScenarioSource::Read { path: path.clone(), text: text.into() }
            }
            other => other.clone(),
        })
    }

    /// The scenario's name as errors give it, and its text.
    pub fn text(&self) -> Result<(String, std::borrow::Cow<'static, str>)> {
        Ok(match self {
            ScenarioSource::Embedded => ("<default scenario>".into(), crate::DEFAULT_SCENARIO.into()),
            ScenarioSource::Stdin => ("<stdin>".into(), stdin_text()?.into()),
            ScenarioSource::File(path) => {
                let text =
                    crate::foundation::open::read_to_string(Path::new(path), crate::foundation::open::Bound::SCENARIO)
                        .map_err(|e| missing_scenario(path, e))?;
                (path.clone(), text.into())
            }
            ScenarioSource::Read { path, text } => (path.clone(), text.to_string().into()),
        })
    }

    /// The files a run of `scenario` loaded from here reads: the scenario file, the plan, and every file
    /// [`Scenario::input_files`] names (those that exist: embedded names are no files).
    pub fn inputs(&self, scenario: &Scenario) -> Vec<PathBuf> {
        let mut inputs: Vec<PathBuf> = match self {
            ScenarioSource::File(path) | ScenarioSource::Read { path, .. } => vec![PathBuf::from(path)],
            ScenarioSource::Embedded | ScenarioSource::Stdin => Vec::new(),
        };
        inputs.push(PathBuf::from(&scenario.numbers.plan));
        inputs.extend(scenario.input_files().into_iter().map(|(path, _)| PathBuf::from(path)));
        inputs.retain(|p| p.exists());
        inputs
    }
}

impl Scenario {
    /// The files of numbers the scenario reads, each with its kind as a run folder's manifest records it:
    /// filters, suppression lists, density sources of a list-assisted frame, register snapshots
    /// (`register NAME DATE`), then the number list. The one list of them: the manifest's sources and the
    /// check that no output replaces an input both read it.
    pub fn input_files(&self) -> Vec<(String, String)> {
        let n = &self.numbers;
        let mut out: Vec<(String, String)> = n.exclude.iter().map(|p| (p.clone(), "filter".to_string())).collect();
        out.extend(n.suppress.iter().map(|p| (p.clone(), "suppression".to_string())));
        out.extend(n.frame.known.iter().filter(|k| !n.suppress.contains(k)).map(|p| (p.clone(), "density".into())));
        out.extend(
            self.compliance.registers.iter().map(|r| (r.path.clone(), format!("register {} {}", r.name, r.date))),
        );
        if !n.list.is_empty() {
            out.push((n.list.clone(), "list".to_string()));
        }
        out
    }
}

/// A scenario named that is no file: said in words, with the embedded scenario's name when the name is close
/// to it.
fn missing_scenario(name: &str, e: Error) -> Error {
    match &e {
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            let hint = match super::closest_names(name, ["default"]).first() {
                Some(n) => format!("; did you mean the embedded scenario `{n}`?"),
                None => " (the embedded scenario is `default`; `-` reads one from stdin)".into(),
            };
            let words = format!("no such scenario file{hint}");
            Error::io(name, std::io::Error::new(std::io::ErrorKind::NotFound, words))
        }
        _ => e,
    }
}

/// Standard input, read once: a sweep or a comparison parses its scenario many times.
fn stdin_text() -> Result<&'static str> {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(t) = TEXT.get() {
        return Ok(t);
    }
    let name = Path::new("<stdin>");
    let bytes =
        crate::foundation::open::read_stream(name, std::io::stdin().lock(), crate::foundation::open::Bound::SCENARIO)?;
    let text =
        String::from_utf8(bytes).map_err(|_| Error::Format { path: name.into(), message: "not UTF-8 text".into() })?;
    Ok(TEXT.get_or_init(|| text))
}

impl Scenario {
    /// The embedded default scenario.
    pub fn default_day() -> Scenario {
        Scenario::parse("<default scenario>", DEFAULT_SCENARIO, &[]).expect("the embedded scenario is valid")
    }

    /// Reads a scenario file with `--set` overrides (`key.path=value`, value in TOML syntax or a bare word).
    pub fn load(path: &str, overrides: &[String]) -> Result<Scenario> {
        let text = crate::foundation::open::read_to_string(
            std::path::Path::new(path),
            crate::foundation::open::Bound::SCENARIO,
        )?;
        Scenario::parse(path, &text, overrides)
    }

    /// Parses scenario text; `name` is used in errors.
    ///
    /// ```
    /// let s = dialsim::Scenario::parse("s.toml", "[dialer]\nagents = 5\n", &["dialer.mode=progressive".into()]).unwrap();
    /// assert_eq!(s.dialer.agents, 5);
    /// let err = dialsim::Scenario::parse("s.toml", "[dialer]\nagnets = 5\n", &[]).unwrap_err();
    /// assert!(err.to_string().starts_with("s.toml:2:"));
    /// ```
    pub fn parse(name: &str, text: &str, overrides: &[String]) -> Result<Scenario> {
        Scenario::parse_unblamed(name, text, overrides)
            .map_err(|e| validate::blame_override(e, name, text, overrides, Scenario::parse_unblamed))
    }

    /// [`Scenario::parse`] without blaming an override for a value it did not set.
    fn parse_unblamed(name: &str, text: &str, overrides: &[String]) -> Result<Scenario> {
        let mut table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let line = e.span().map(|s| line_of(text, s.start));
            Error::scenario_file(name, line, e.message().to_string())
        })?;
        // The file alone first: its errors carry a span, hence a line.
        toml::from_str::<Scenario>(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            Error::scenario_file(name, line, plain_message(e.message(), None))
        })?;
        let file_table = table.clone();
        let share_in_file = file_table.get("referrals").and_then(|r| r.get("share")).is_some();
        for o in overrides {
            apply_override(&mut table, o)?;
        }
        let mut scenario: Scenario = match Scenario::deserialize(toml::Value::Table(table)) {
            Ok(s) => s,
            Err(e) => {
                // The file was fine: an override broke it. The first one that does, applied in order, is named.
                let mut t = file_table;
                let culprit = overrides.iter().find(|o| {
                    apply_override(&mut t, o).is_err() || Scenario::deserialize(toml::Value::Table(t.clone())).is_err()
                });
                let text = culprit.cloned().unwrap_or_else(|| overrides.join(" "));
                let key = culprit.and_then(|o| o.split_once('=')).map(|(k, _)| k.trim().to_string());
                return Err(Error::scenario_override(&text, plain_message(e.message(), key.as_deref())));
            }
        };
        scenario.validate(name, text, overrides)?;
        move_referral_alias(&mut scenario, name, text, share_in_file, overrides)?;
        Ok(scenario)
    }

    /// The scenario as TOML text.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a scenario serialises")
    }
}
