//! `dialsim completions SHELL`, `dialsim man` and `dialsim keys`: the command line describing itself.

use super::{completion, keys};
use anyhow::Result;
use clap::{Args, ValueEnum};

/// Shells with completions.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// Elvish.
    Elvish,
    /// PowerShell.
    Powershell,
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  dialsim completions bash > ~/.local/share/bash-completion/completions/dialsim
  dialsim completions zsh > ~/.zfunc/_dialsim        # with fpath+=(~/.zfunc) in ~/.zshrc
  dialsim completions fish > ~/.config/fish/completions/dialsim.fish")]
pub struct CompletionsArgs {
    /// The shell.
    shell: Shell,
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  dialsim man > dialsim.1 && man ./dialsim.1
  dialsim man --dir ~/.local/share/man/man1 && man dialsim-generate
  sudo dialsim man --dir /usr/local/share/man/man1")]
pub struct ManArgs {
    /// Write every page into DIR: dialsim.1 and dialsim-COMMAND.1 for each command and subcommand (the pages
    /// the top page refers to), instead of the top page on stdout.
    #[arg(long, value_name = "DIR")]
    dir: Option<std::path::PathBuf>,
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  dialsim keys                  # KPI names, then every scenario key: default, type, unit, range, description
  dialsim keys default          # every value of a scenario, and whether its file set it
  dialsim keys --set | grep dialer
  dialsim keys --json > keys.json
  dialsim keys --kpi")]
pub struct KeysArgs {
    /// Show this scenario's values instead (a file, `default` or `-` for stdin), each marked as set by the
    /// file or left to the built-in value.
    #[arg(value_name = "SCENARIO", conflicts_with_all = ["kpi", "set", "json", "markdown"])]
    scenario: Option<String>,
    /// Only the KPI names (for --for, --kpi and the columns of replications.csv and sweep.csv).
    #[arg(long, conflicts_with_all = ["set", "json", "markdown"])]
    kpi: bool,
    /// Only the scenario keys for --set, --set-a, --set-b and --vary that have a value in the embedded default,
    /// as KEY=DEFAULT.
    #[arg(long, conflicts_with_all = ["json", "markdown"])]
    set: bool,
    /// Every scenario key and every KPI as JSON: {"keys": [{name, type, unit, min, max, min_exclusive,
    /// max_exclusive, allowed, default, if_absent, description}], "kpis": [{name, label, unit, direction}]}.
    #[arg(long, conflicts_with = "markdown")]
    json: bool,
    /// The key reference as Markdown (docs/keys.md is this output).
    #[arg(long)]
    markdown: bool,
}

pub fn completions(args: CompletionsArgs) -> Result<i32> {
    let mut cmd = super::command();
    let mut out = Vec::new();
    let generate =
        |shell, cmd: &mut clap::Command, out: &mut Vec<u8>| clap_complete::generate(shell, cmd, "dialsim", out);
    match args.shell {
        Shell::Bash => generate(clap_complete::Shell::Bash, &mut cmd, &mut out),
        Shell::Zsh => generate(clap_complete::Shell::Zsh, &mut cmd, &mut out),
        Shell::Fish => generate(clap_complete::Shell::Fish, &mut cmd, &mut out),
        Shell::Elvish => generate(clap_complete::Shell::Elvish, &mut cmd, &mut out),
        Shell::Powershell => generate(clap_complete::Shell::PowerShell, &mut cmd, &mut out),
    }
    // Scenario keys and values for --set and --vary, where the shell's script can take a function.
    let with_keys: Option<fn(&str) -> String> = match args.shell {
        Shell::Bash => Some(completion::bash),
        Shell::Zsh => Some(completion::zsh),
        Shell::Fish => Some(completion::fish),
        Shell::Elvish | Shell::Powershell => None,
    };
    if let Some(add) = with_keys {
        out = add(&String::from_utf8_lossy(&out)).into_bytes();
    }
    write_stdout(&out)
}

pub fn man(args: ManArgs) -> Result<i32> {
    let pages = man_pages();
    let Some(dir) = args.dir else {
        return write_stdout(&pages[0].1);
    };
    if !dir.is_dir() {
        anyhow::bail!(dialsim::Error::Request(format!("--dir {}: no such folder", dir.display())));
    }
    let mut files = Vec::new();
    for (name, bytes) in &pages {
        let path = dir.join(name);
        dialsim::output::check_target(&path)?;
        let mut f = dialsim::output::AtomicFile::create(&path, dialsim::output::Privacy::Public)?;
        std::io::Write::write_all(&mut f, bytes).map_err(|e| dialsim::Error::io(&path, e))?;
        files.push(f);
    }
    dialsim::output::commit_together(files)?;
    note!("dialsim: wrote {} man pages into {}", pages.len(), dir.display());
    Ok(0)
}

/// Every man page, the top one first: (file name, roff). Each command and subcommand gets its page (the
/// pages a page's COMMANDS section refers to), each with EXIT STATUS and ENVIRONMENT.
fn man_pages() -> Vec<(String, Vec<u8>)> {
    fn walk(cmd: &clap::Command, parent: Option<&str>, pages: &mut Vec<(String, Vec<u8>)>) {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut roff = Vec::new();
        // Rendering into memory cannot fail.
        let _ = man.render(&mut roff);
        roff.extend_from_slice(common_sections(parent).as_bytes());
        pages.push((man.get_filename(), roff));
        let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name()).to_string();
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, Some(&name), pages);
        }
    }
    // No `help` subcommand in the pages: it would be a page of its own that says less than `--help`.
    let mut cmd = super::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    walk(&cmd, None, &mut pages);
    pages
}

/// EXIT STATUS and ENVIRONMENT (the same for every command), and SEE ALSO the parent page.
fn common_sections(parent: Option<&str>) -> String {
    let text = |s: &str| s.replace('\\', "\\e").replace('-', "\\-");
    let mut roff = String::from(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in super::EXIT_CODES {
        roff.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", text(code), text(meaning)));
    }
    roff.push_str(".SH ENVIRONMENT\n");
    for (name, effect) in super::ENVIRONMENT {
        roff.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", text(name), text(effect)));
    }
    if let Some(parent) = parent {
        roff.push_str(&format!(".SH \"SEE ALSO\"\n\\fB{}\\fR(1)\n", text(parent)));
    }
    roff
}

pub fn keys(args: KeysArgs) -> Result<i32> {
    if let Some(path) = &args.scenario {
        return scenario_values(path);
    }
    if args.json {
        return write_stdout(keys_json().as_bytes());
    }
    if args.markdown {
        return write_stdout(keys::markdown().as_bytes());
    }
    let (kpis, set) = if args.kpi || args.set { (args.kpi, args.set) } else { (true, true) };
    if kpis {
        if !args.kpi {
            out!("# KPIs (--for, --kpi; columns of replications.csv, sweep.csv, compare -o)");
        }
        for k in dialsim::sim::kpi::KPIS {
            out!("{}", k.name);
        }
    }
    if args.set {
        for (k, v) in scenario_keys() {
            out!("{k}={v}");
        }
    } else if set {
        out!("");
        out!(
            "# scenario keys (--set KEY=VALUE, --set-a, --set-b, --vary KEY=V1,V2 or FROM..TO:STEP): KEY = DEFAULT  # \
             type, unit, range: description"
        );
        for k in dialsim::scenario_keys() {
            out!("{}", keys::line(k));
        }
    }
    Ok(0)
}

/// `dialsim keys SCENARIO`: every value, marked by where it came from.
fn scenario_values(path: &str) -> Result<i32> {
    let (name, text) = dialsim::ScenarioSource::named(Some(path)).text()?;
    out!("# {name}: KEY = VALUE  # file (set by the scenario) | default (left out: the built-in value) | not set");
    for v in dialsim::scenario_values(&name, &text)? {
        match &v.value {
            Some(value) => out!("{} = {value}  # {}", v.name, if v.from_file { "file" } else { "default" }),
            None => out!("{}  # not set", v.name),
        }
    }
    Ok(0)
}

/// Every scenario key and every KPI as pretty JSON.
fn keys_json() -> String {
    let bound = |b: Option<dialsim::KeyBound>| b.map(|b| b.value);
    let open = |b: Option<dialsim::KeyBound>| b.is_some_and(|b| b.exclusive);
    let keys: Vec<serde_json::Value> = dialsim::scenario_keys()
        .iter()
        .map(|k| {
            serde_json::json!({
                "name": k.name,
                "type": k.kind.as_str(),
                "unit": k.unit,
                "min": bound(k.min),
                "max": bound(k.max),
                "min_exclusive": open(k.min),
                "max_exclusive": open(k.max),
                "allowed": k.allowed(),
                "default": k.default_value(),
                "if_absent": k.absent_value(),
                "description": k.description,
            })
        })
        .collect();
    let kpis: Vec<serde_json::Value> = dialsim::sim::kpi::KPIS
        .iter()
        .map(|k| serde_json::json!({"name": k.name, "label": k.label, "unit": k.unit, "direction": k.direction}))
        .collect();
    let mut text = serde_json::to_string_pretty(&serde_json::json!({"keys": keys, "kpis": kpis}))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// Every scenario key `--set` takes that has a value in the embedded default scenario, with that value, in the
/// key table's order; keys without a value there (optional fields left out) are not listed (`dialsim keys`
/// lists them all).
pub(crate) fn scenario_keys() -> Vec<(String, String)> {
    let defaults = dialsim::scenario_values("<default scenario>", dialsim::DEFAULT_SCENARIO).unwrap_or_default();
    let value = |name: &str| defaults.iter().find(|v| v.name == name).and_then(|v| v.value.clone());
    dialsim::settable_keys()
        .into_iter()
        .filter_map(|(name, k)| {
            let v = if k.is_pattern() { value(&name) } else { k.default_value() };
            v.map(|v| (name, v))
        })
        .collect()
}

/// Writes bytes to stdout (a closed pipe ends the command quietly).
fn write_stdout(bytes: &[u8]) -> Result<i32> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes).and_then(|()| stdout.flush()).map_err(dialsim::Error::Output)?;
    Ok(0)
}
