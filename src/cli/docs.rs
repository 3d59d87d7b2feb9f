//! `dialsim completions SHELL` and `dialsim man`: the command line describing itself (`dialsim keys` is keys.rs).

use super::completion;
use anyhow::Result;
use clap::{Args, ValueEnum};
use dialsim::jobs::DocsJob;

// `dialsim keys` lives in keys.rs; the command list names it here.
pub use super::keys::{KeysArgs, keys};

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
        anyhow::bail!(dialsim::Error::Request(format!("--dir {}: no such folder", dir.display()).into()));
    }
    let written = DocsJob { dir: dir.clone(), files: pages }.run()?;
    note!("dialsim: wrote {written} man pages into {}", dir.display());
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

/// Writes bytes to stdout (a closed pipe ends the command quietly).
pub(super) fn write_stdout(bytes: &[u8]) -> Result<i32> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes).and_then(|()| stdout.flush()).map_err(dialsim::Error::Output)?;
    Ok(0)
}
