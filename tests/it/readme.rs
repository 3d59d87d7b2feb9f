//! The README's and the guide's commands are tested: every command of every ```sh block runs, in the order of
//! [`PAGES`] and of each page, in one scratch folder (so a command may use what an earlier one wrote, as a
//! reader following the README and then the guide would), with the
//! dialsim under test first on PATH, and must exit 0. A block fenced ```sh notest (REASON) is not run (cargo,
//! schedulers); ```sh needs-parallel runs only where GNU parallel is installed (required under CI). Replication
//! counts and a few durations are scaled down by the rules in [`SCALE`], each of which must still match the
//! README, so the rules cannot outlive the commands they scale. The README's Rust blocks run as doctests
//! (`ReadmeDoctests` in src/lib.rs).

use std::path::Path;
use std::process::Command;

/// The pages whose commands run, in order: the README, then the guide in its own order (docs/README.md).
const PAGES: &[&str] = &[
    "README.md",
    "docs/lists.md",
    "docs/sampling.md",
    "docs/campaigns.md",
    "docs/analysis.md",
    "docs/analysis-ranking.md",
    "docs/registry.md",
    "docs/library.md",
];

/// README text → what the test runs instead, to keep the test short. Every rule must be used.
const SCALE: &[(&str, &str)] = &[
    ("--replications 100 ", "--replications 3 "),
    ("--replications 30 ", "--replications 3 "),
    ("--replications 20 ", "--replications 2 "),
    ("--replications 10 ", "--replications 2 "),
    ("--ci-half-width 0.001 --for abandon_rate", "--ci-half-width 0.001 --for abandon_rate --max-replications 4"),
    ("dialsim bench ", "dialsim bench --seconds 0.05 "),
];

/// A block of the README: its fence's words after `sh`, its first line number, its commands, and the output
/// its last command is shown to print (a ```text output block right after it: its first line and its lines).
struct Block {
    tags: String,
    line: usize,
    commands: Vec<(usize, String)>,
    output: Option<(usize, Vec<String>)>,
}

/// The ```sh blocks of `text`, each command a logical line (`\` continuations joined), comments and blank
/// lines left out.
fn sh_blocks(text: &str) -> Vec<Block> {
    sh_blocks_of("README.md", text)
}

/// [`sh_blocks`] of the page `page` (for messages).
fn sh_blocks_of(page: &str, text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    let mut pending: Option<(usize, String)> = None;
    let mut output: Option<(usize, Vec<String>)> = None;
    let mut blank_since_block = true;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if let Some((_, lines)) = output.as_mut() {
            if line.trim_start().starts_with("```") {
                let last: &mut Block = blocks.last_mut().expect("an output block follows a command block");
                last.output = output.take();
            } else {
                lines.push(line.trim_end().to_string());
            }
            continue;
        }
        if let Some(block) = current.as_mut() {
            if line.trim_start().starts_with("```") {
                assert!(pending.is_none(), "{page}:{n}: a command ends with a line continuation");
                blocks.push(current.take().unwrap());
                blank_since_block = false;
                continue;
            }
            let (start, mut joined) = pending.take().unwrap_or((n, String::new()));
            let trimmed = line.trim();
            if joined.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
                continue;
            }
            if let Some(head) = trimmed.strip_suffix('\\') {
                joined.push_str(head);
                pending = Some((start, joined));
            } else {
                joined.push_str(trimmed);
                block.commands.push((start, joined));
            }
        } else if let Some(rest) = line.strip_prefix("```sh") {
            current = Some(Block { tags: rest.trim().to_string(), line: n, commands: Vec::new(), output: None });
        } else if line.trim_end() == "```text output" {
            assert!(!blank_since_block, "{page}:{n}: an output block must follow its ```sh block (blank lines aside)");
            output = Some((n, Vec::new()));
        } else if !line.trim().is_empty() {
            blank_since_block = true;
        }
    }
    assert!(output.is_none(), "{page}: a ```text output block is never closed");
    assert!(current.is_none(), "{page}: a ```sh block is never closed");
    blocks
}

/// Every line of `expected` but `...` is a line of `printed` (trailing spaces aside), in order: a page may
/// leave lines out, never change one.
fn shows(printed: &str, expected: &[String]) -> Result<(), String> {
    let mut lines = printed.lines().map(str::trim_end);
    for want in expected.iter().filter(|l| l.trim() != "...") {
        if !lines.any(|l| l == want) {
            return Err(want.clone());
        }
    }
    Ok(())
}

fn has(program: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {program}")]).output().is_ok_and(|o| o.status.success())
}

/// The guide's analysis page: its sweeps and frontiers are two thirds of the commands' time, so the first stage
/// leaves it to the second.
const ANALYSIS_PAGE: &str = "docs/analysis.md";

#[test]
fn readme_and_guide_commands_but_the_analysis_page_run() {
    let pages: Vec<&str> = PAGES.iter().copied().filter(|p| *p != ANALYSIS_PAGE).collect();
    let (ran, outputs, _) = run_commands(&pages);
    assert!(ran >= 30, "only {ran} commands found: is the block parser still reading the pages?");
    assert!(outputs >= 1, "no shown output was checked: is the parser still reading ```text output blocks?");
}

#[test]
#[ignore = "second stage: every page's commands, the analysis page's sweeps and frontiers with them (about 90 s)"]
fn every_readme_command_runs() {
    let (ran, outputs, used) = run_commands(PAGES);
    for (rule, used) in SCALE.iter().zip(&used) {
        assert!(used, "the scaling rule {rule:?} matches no README or guide command: remove or update it");
    }
    assert!(ran >= 40, "only {ran} commands found: is the block parser still reading the pages?");
    assert!(outputs >= 1, "no shown output was checked: is the parser still reading ```text output blocks?");
}

/// Runs the commands of `pages` in order in one scratch folder, as the module says: the commands run, the shown
/// outputs checked and which [`SCALE`] rules were used.
fn run_commands(pages: &[&str]) -> (usize, usize, Vec<bool>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = assert_cmd::cargo::cargo_bin("dialsim");
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let scratch = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(root.join("data"), scratch.path().join("data")).unwrap();
    let mut used = vec![false; SCALE.len()];
    let (mut ran, mut skipped, mut outputs) = (0, Vec::new(), 0);
    let blocks = pages.iter().flat_map(|page| {
        let text = std::fs::read_to_string(root.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        sh_blocks_of(page, &text).into_iter().map(move |b| (*page, b))
    });
    for (page, block) in blocks {
        if block.tags.starts_with("notest") {
            skipped.push(format!("{page}:{} {}", block.line, block.tags));
            continue;
        }
        if block.tags == "needs-parallel" && !has("parallel") {
            assert!(std::env::var_os("CI").is_none(), "CI must install GNU parallel ({page}:{})", block.line);
            eprintln!("skipped {page}:{}: GNU parallel is not installed here (CI installs it)", block.line);
            continue;
        }
        assert!(block.tags.is_empty() || block.tags == "needs-parallel", "{page}:{}: unknown tags", block.line);
        let last = block.commands.len();
        for (k, (line, command)) in block.commands.into_iter().enumerate() {
            let mut run = format!("{command} ");
            for (i, (from, to)) in SCALE.iter().enumerate() {
                if run.contains(from) {
                    run = run.replace(from, to);
                    used[i] = true;
                }
            }
            let out = Command::new("bash")
                .args(["-o", "pipefail", "-c", &run])
                .current_dir(scratch.path())
                .env("PATH", &path)
                .env("HOME", scratch.path())
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{page}:{line}: `{command}` (run as `{run}`) exited {:?}\nstdout: {}\nstderr: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).chars().take(2000).collect::<String>(),
                String::from_utf8_lossy(&out.stderr).chars().take(4000).collect::<String>()
            );
            if let Some((at, expected)) = block.output.as_ref().filter(|_| k + 1 == last) {
                assert_eq!(run, format!("{command} "), "{page}:{at}: output shown for a command the test scales down");
                let mut shown = String::from_utf8_lossy(&out.stdout).into_owned();
                shown.push_str(&String::from_utf8_lossy(&out.stderr));
                if let Err(missing) = shows(&shown, expected) {
                    panic!(
                        "{page}:{at}: the output shown for `{command}` is not what it prints: {missing:?} \
                            not found (in order) in:\n{shown}"
                    );
                }
                outputs += 1;
            }
            ran += 1;
        }
    }
    eprintln!("ran {ran} README and guide commands; not run: {}", skipped.join(", "));
    (ran, outputs, used)
}

#[test]
fn the_readme_is_a_start_of_at_most_250_lines_and_links_every_guide_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines <= 250, "README.md has {lines} lines: the reference belongs in docs/");
    for page in &PAGES[1..] {
        assert!(readme.contains(&format!("]({page})")), "README.md does not link {page}");
    }
    for needle in
        ["cargo install --path .", "## Quickstart", "dialsim report", "## Exit codes", "**The law in force.**"]
    {
        assert!(readme.contains(needle), "README.md lacks {needle:?}");
    }
    let guide = std::fs::read_to_string(root.join("docs/README.md")).unwrap();
    for page in &PAGES[1..] {
        let name = page.trim_start_matches("docs/");
        assert!(guide.contains(&format!("]({name})")), "docs/README.md does not link {name}");
    }
}

/// CI's second stage runs every ignored test, never skipping one (issue 27): `.ci/run` runs the README's
/// `cargo test --test it -- --ignored` with no `--skip`, every `#[ignore]` under tests/ says why, and none sits
/// in src/ or examples/, whose tests that stage does not run.
#[test]
fn ci_runs_every_ignored_test_and_each_says_why_it_is_ignored() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    let stages: Vec<&str> =
        ci.lines().map(str::trim).filter(|l| l.starts_with("cargo test") && l.contains("--ignored")).collect();
    assert_eq!(stages, ["cargo test --test it -- --ignored"], ".ci/run's second stage");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains(&format!("`{}`", stages[0])), "README.md names the second stage's command");
    let (mut bare, mut elsewhere, mut reasoned) = (Vec::new(), Vec::new(), 0);
    for dir in ["tests", "src", "examples", "benches"] {
        for file in crate::common::rust_files(&root.join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (i, line) in text.lines().enumerate() {
                let line = line.trim();
                if !line.starts_with("#[ignore") {
                    continue;
                }
                let at = format!("{}:{}", file.strip_prefix(root).unwrap().display(), i + 1);
                if dir != "tests" {
                    elsewhere.push(at);
                } else if line.starts_with("#[ignore = \"") {
                    reasoned += 1;
                } else {
                    bare.push(at);
                }
            }
        }
    }
    assert!(bare.is_empty(), "#[ignore] without its reason: {bare:?}");
    assert!(elsewhere.is_empty(), "ignored tests the second stage (--test it) does not run: {elsewhere:?}");
    assert!(reasoned >= 10, "the scan found only {reasoned} ignored tests with a reason");
}

#[test]
fn the_block_parser_joins_continuations_and_skips_comments() {
    let text = "x\n```sh\n# c\ndialsim a \\\n    --b\n\ndialsim c # d\n```\n```sh notest (why)\nno\n```\n";
    let blocks = sh_blocks(text);
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].commands, vec![(4, "dialsim a --b".to_string()), (7, "dialsim c # d".to_string())]);
    assert_eq!(blocks[1].tags, "notest (why)");
    let text = "```sh\ndialsim a\n```\n\n```text output\nx\n...\n```\n";
    let blocks = sh_blocks(text);
    assert_eq!(blocks[0].output, Some((5, vec!["x".to_string(), "...".to_string()])));
}

#[test]
fn shown_output_must_be_printed_lines_in_order() {
    let shown = ["b".to_string(), "...".to_string(), "d".to_string()];
    assert_eq!(shows("a\nb\nc\nd  \n", &shown), Ok(()));
    assert_eq!(shows("a\nd\nb\n", &shown), Err("d".to_string()));
    assert_eq!(shows("a\nb\nc\nd2\n", &shown), Err("d".to_string()));
}
