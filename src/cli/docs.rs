//! `dialsim completions SHELL`, `dialsim man` and `dialsim keys`: the command line describing itself.

use anyhow::Result;
use clap::{Args, ValueEnum};
use dialsim::Scenario;

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
  dialsim keys                  # KPI names, then every --set key with its default
  dialsim keys --set | grep dialer
  dialsim keys --kpi")]
pub struct KeysArgs {
    /// Only the KPI names (for --for, --kpi and the columns of replications.csv and sweep.csv).
    #[arg(long, conflicts_with = "set")]
    kpi: bool,
    /// Only the scenario keys for --set, --set-a, --set-b and --vary, each with the embedded default.
    #[arg(long)]
    set: bool,
}

pub fn completions(args: CompletionsArgs) -> Result<i32> {
    let mut cmd = super::command();
    let mut out = Vec::new();
    match args.shell {
        Shell::Bash => clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, "dialsim", &mut out),
        Shell::Zsh => clap_complete::generate(clap_complete::Shell::Zsh, &mut cmd, "dialsim", &mut out),
        Shell::Fish => clap_complete::generate(clap_complete::Shell::Fish, &mut cmd, "dialsim", &mut out),
        Shell::Elvish => clap_complete::generate(clap_complete::Shell::Elvish, &mut cmd, "dialsim", &mut out),
        Shell::Powershell => clap_complete::generate(clap_complete::Shell::PowerShell, &mut cmd, "dialsim", &mut out),
    }
    write_stdout(&out)
}

pub fn man(args: ManArgs) -> Result<i32> {
    let pages = man_pages();
    let Some(dir) = args.dir else {
        return write_stdout(&pages[0].1);
    };
    if !dir.is_dir() {
        anyhow::bail!(dialsim::Error::Usage(format!("--dir {}: no such folder", dir.display())));
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
    let (kpis, set) = if args.kpi || args.set { (args.kpi, args.set) } else { (true, true) };
    if kpis {
        if !args.kpi {
            out!("# KPIs (--for, --kpi; columns of replications.csv, sweep.csv, compare -o)");
        }
        for k in dialsim::kpi::KPIS {
            out!("{}", k.name);
        }
    }
    if set {
        if !args.set {
            out!("# scenario keys (--set KEY=VALUE, --set-a, --set-b, --vary KEY=V1,V2 or FROM..TO:STEP) = default");
        }
        for (k, v) in scenario_keys() {
            out!("{k}={v}");
        }
    }
    Ok(0)
}

/// Every scenario key (dotted) with its value in the embedded default scenario, sorted by key.
/// Keys without a default value (optional fields left out) are not listed.
pub(crate) fn scenario_keys() -> Vec<(String, String)> {
    let mut keys = Vec::new();
    if let Ok(toml::Value::Table(t)) = toml::Value::try_from(Scenario::default_day()) {
        flatten("", &t, &mut keys);
    }
    keys
}

fn flatten(prefix: &str, table: &toml::Table, keys: &mut Vec<(String, String)>) {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            // A distribution ({dist = ..., mean = ...}) is one value; other tables are sections.
            toml::Value::Table(t) if !t.contains_key("dist") => flatten(&key, t, keys),
            other => keys.push((key, other.to_string())),
        }
    }
}

/// Writes bytes to stdout (a closed pipe ends the command quietly).
fn write_stdout(bytes: &[u8]) -> Result<i32> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes).and_then(|()| stdout.flush()).map_err(dialsim::Error::Output)?;
    Ok(0)
}
