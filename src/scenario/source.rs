//! Where a scenario's text comes from — the embedded default, standard input, or a file — and the files a
//! scenario reads.

use std::path::{Path, PathBuf};

use super::Scenario;
use crate::error::{Error, Result};

/// Where a scenario's text comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioSource {
    /// The embedded default scenario ([`crate::DEFAULT_SCENARIO`]).
    Embedded,
    /// Standard input, read once however often the scenario is loaded (a sweep loads it per point).
    Stdin,
    /// A scenario file.
    File(String),
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

    /// The scenario's name as errors give it, and its text.
    pub fn text(&self) -> Result<(String, std::borrow::Cow<'static, str>)> {
        Ok(match self {
            ScenarioSource::Embedded => ("<default scenario>".into(), crate::DEFAULT_SCENARIO.into()),
            ScenarioSource::Stdin => ("<stdin>".into(), stdin_text()?.into()),
            ScenarioSource::File(path) => {
                let text = crate::open::read_to_string(Path::new(path), crate::open::Bound::SCENARIO)
                    .map_err(|e| missing_scenario(path, e))?;
                (path.clone(), text.into())
            }
        })
    }

    /// The files a run of `scenario` loaded from here reads: the scenario file, the plan, and every file
    /// [`Scenario::input_files`] names (those that exist: embedded names are no files).
    pub fn inputs(&self, scenario: &Scenario) -> Vec<PathBuf> {
        let mut inputs: Vec<PathBuf> = match self {
            ScenarioSource::File(path) => vec![PathBuf::from(path)],
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
    let bytes = crate::open::read_stream(name, std::io::stdin().lock(), crate::open::Bound::SCENARIO)?;
    let text =
        String::from_utf8(bytes).map_err(|_| Error::Format { path: name.into(), message: "not UTF-8 text".into() })?;
    Ok(TEXT.get_or_init(|| text))
}
