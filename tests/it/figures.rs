//! Figures quoted in the README and the guide are produced, never copied by hand. Each sits between
//! `<!-- fig NAME -->` and `<!-- /fig -->` (HTML comments, invisible once the Markdown is rendered):
//!
//! - a name starting `bench.` quotes BENCHMARKS.md, which holds the same marker around the measured figure
//!   (measured by the command BENCHMARKS.md gives beside it); the page's text must equal BENCHMARKS.md's;
//! - any other name is produced by a test of this suite, which computes the value and calls [`check`]: the
//!   page's text must equal it.
//!
//! `DIALSIM_UPDATE_FIGURES=1 cargo test --test it` writes the values into the pages instead of comparing
//! (`scripts/figures`), so a figure changes only with what produces it. A page's marker whose name nothing
//! produces fails [`every_quoted_figure_has_a_source`].

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One marker: its name, the text it quotes, the line it starts on and the byte range of the text.
#[derive(Debug, PartialEq)]
pub struct Figure {
    pub name: String,
    pub text: String,
    pub line: usize,
    pub span: std::ops::Range<usize>,
}

const OPEN: &str = "<!-- fig ";
const CLOSE: &str = "<!-- /fig -->";

/// The markers of `text`; an unclosed marker, a nested one or a bad name is an error naming its line.
pub fn figures(text: &str) -> Result<Vec<Figure>, String> {
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(OPEN) {
        let start = from + i;
        let head_end =
            text[start..].find("-->").map(|j| start + j).ok_or(format!("line {}: unclosed", line_of(start)))?;
        let name = text[start + OPEN.len()..head_end].trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
            return Err(format!("line {}: bad figure name {name:?}", line_of(start)));
        }
        let body = head_end + 3;
        let end = text[body..]
            .find(CLOSE)
            .map(|j| body + j)
            .ok_or(format!("line {}: figure {name} has no {CLOSE}", line_of(start)))?;
        if text[body..end].contains(OPEN) {
            return Err(format!("line {}: figure {name} holds another figure", line_of(start)));
        }
        out.push(Figure {
            name: name.to_string(),
            text: text[body..end].to_string(),
            line: line_of(start),
            span: body..end,
        });
        from = end + CLOSE.len();
    }
    Ok(out)
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The pages that quote figures: README.md and every page of docs/.
pub fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

fn updating() -> bool {
    std::env::var_os("DIALSIM_UPDATE_FIGURES").is_some_and(|v| v == "1")
}

/// Pages are rewritten by one test at a time.
static WRITING: Mutex<()> = Mutex::new(());

/// `text` with every run of white space (line breaks included) as one space: a page may wrap a figure.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every marker named `name` in `pages` must quote `value` (white space aside); under `DIALSIM_UPDATE_FIGURES=1` they are set to it.
/// Returns how many markers the name has.
fn quote(pages: &[PathBuf], name: &str, value: &str) -> usize {
    let _guard = WRITING.lock().unwrap_or_else(|e| e.into_inner());
    let mut found = 0;
    let mut wrong = Vec::new();
    for page in pages {
        let mut text = std::fs::read_to_string(page).unwrap();
        let figs = figures(&text).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        let mine: Vec<&Figure> = figs.iter().filter(|f| f.name == name).collect();
        found += mine.len();
        if updating() {
            let mut changed = false;
            for f in mine.iter().rev() {
                if words(&f.text) != words(value) {
                    text.replace_range(f.span.clone(), value);
                    changed = true;
                }
            }
            if changed {
                std::fs::write(page, &text).unwrap();
                eprintln!("{}: figure {name} set to {value:?}", page.display());
            }
        } else {
            for f in mine.into_iter().filter(|f| words(&f.text) != words(value)) {
                wrong.push(format!(
                    "{}:{}: figure {name} quotes {:?}, its source gives {value:?}",
                    page.display(),
                    f.line,
                    f.text
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{}\n(set DIALSIM_UPDATE_FIGURES=1 and rerun the test to write the produced values into the pages)",
        wrong.join("\n")
    );
    found
}

/// A test's produced figure `name` is `value`: the README and guide must quote it so (or, under
/// `DIALSIM_UPDATE_FIGURES=1`, are made to). A name no page quotes is an error: a test would produce a figure
/// for nothing.
pub fn check(name: &str, value: &str) {
    assert!(!name.starts_with("bench."), "figure {name}: bench. figures come from BENCHMARKS.md, not a test");
    let found = quote(&pages(), name, value);
    assert!(found > 0, "figure {name} is produced but no page quotes it (<!-- fig {name} -->…<!-- /fig -->)");
}

/// `n` with a comma every three digits, as the guide writes counts.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Every rust source under tests/it, read whole (to find the tests that produce a figure).
fn test_sources(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            test_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// Whether `sources` call `check("NAME", …)` (white space after the parenthesis allowed).
fn produces(sources: &str, name: &str) -> bool {
    let quoted = format!("\"{name}\"");
    sources.match_indices(&quoted).any(|(at, _)| sources[..at].trim_end().ends_with("check("))
}

#[test]
fn every_quoted_figure_has_a_source() {
    let bench = figures(&std::fs::read_to_string(root().join("BENCHMARKS.md")).unwrap())
        .unwrap_or_else(|e| panic!("BENCHMARKS.md: {e}"));
    let mut sources = String::new();
    test_sources(&root().join("tests/it"), &mut sources);
    let mut orphans = Vec::new();
    let mut count = 0;
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for f in figures(&text).unwrap_or_else(|e| panic!("{}: {e}", page.display())) {
            count += 1;
            let produced = if f.name.starts_with("bench.") {
                bench.iter().any(|b| b.name == f.name)
            } else {
                produces(&sources, &f.name)
            };
            if !produced {
                orphans.push(format!("{}:{}: figure {} has no source", page.display(), f.line, f.name));
            }
        }
    }
    assert!(orphans.is_empty(), "{}", orphans.join("\n"));
    assert!(count >= 10, "only {count} quoted figures found: is the marker parser still reading the pages?");
}

#[test]
fn quoted_benchmark_figures_equal_benchmarks_md() {
    let bench = figures(&std::fs::read_to_string(root().join("BENCHMARKS.md")).unwrap()).unwrap();
    let mut names: Vec<&str> = bench.iter().map(|b| b.name.as_str()).collect();
    names.sort_unstable();
    for pair in names.windows(2) {
        assert_ne!(pair[0], pair[1], "BENCHMARKS.md marks figure {} twice", pair[0]);
    }
    for b in &bench {
        assert!(b.name.starts_with("bench."), "BENCHMARKS.md:{}: figure {} is not named bench.*", b.line, b.name);
        quote(&pages(), &b.name, &b.text);
    }
}

#[test]
fn the_marker_parser_finds_figures_and_names_the_line_of_a_broken_one() {
    let text = "a <!-- fig x.y -->1 %<!-- /fig --> b\n<!-- fig t -->\n| 1 |\n<!-- /fig -->\n";
    let figs = figures(text).unwrap();
    assert_eq!(figs.len(), 2);
    assert_eq!((figs[0].name.as_str(), figs[0].text.as_str(), figs[0].line), ("x.y", "1 %", 1));
    assert_eq!((figs[1].name.as_str(), figs[1].text.as_str(), figs[1].line), ("t", "\n| 1 |\n", 2));
    assert_eq!(&text[figs[0].span.clone()], "1 %");
    assert_eq!(figures("x\n<!-- fig a -->1").unwrap_err(), "line 2: figure a has no <!-- /fig -->");
    assert!(figures("<!-- fig a b -->1<!-- /fig -->").unwrap_err().contains("bad figure name"));
    assert!(figures("<!-- fig a --><!-- fig b -->1<!-- /fig --><!-- /fig -->").unwrap_err().contains("holds another"));
    assert_eq!(thousands(160437), "160,437");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
}

#[test]
fn a_page_quoting_a_figure_other_than_its_source_fails_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("p.md");
    std::fs::write(&page, "x <!-- fig t.a -->1.0 %<!-- /fig -->\n").unwrap();
    if updating() {
        return; // the update mode writes instead of failing; the comparison is what is tested here
    }
    let wrong = std::panic::catch_unwind(|| quote(std::slice::from_ref(&page), "t.a", "1.1 %"));
    assert!(wrong.is_err());
    assert_eq!(quote(std::slice::from_ref(&page), "t.a", "1.0 %"), 1);
    std::fs::write(&page, "x <!-- fig t.a -->1.0\n  %<!-- /fig -->\n").unwrap();
    assert_eq!(quote(&[page], "t.a", "1.0 %"), 1, "a figure wrapped over two lines is the same figure");
}

/// The variance reduction of common random numbers the guide quotes (docs/analysis.md, "Comparisons"):
/// `compare` on the default day, 20 against 25 agents, 10 replications, seed 1; the ratio is
/// (independent half-width / paired half-width)².
#[test]
fn compare_variance_ratios_quoted_in_the_guide() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["compare", "default", "default", "--set-b", "dialer.agents=25", "--replications", "10"];
    crate::common::ok_stdout(dir.path(), &[&args[..], &["--seed", "1", "-o", "c.csv"]].concat());
    let rows = crate::common::by_header(std::fs::read(dir.path().join("c.csv")).unwrap());
    let ratio = |kpi: &str| {
        let row = rows.iter().find(|r| r["kpi"] == kpi).unwrap_or_else(|| panic!("no {kpi} in compare.csv"));
        let (p, i): (f64, f64) =
            (row["paired_half_width"].parse().unwrap(), row["independent_half_width"].parse().unwrap());
        (i / p).powi(2)
    };
    let range = |kpis: &[&str]| {
        let r: Vec<f64> = kpis.iter().map(|k| ratio(k)).collect();
        let (lo, hi) = (r.iter().copied().fold(f64::INFINITY, f64::min), r.iter().copied().fold(0.0, f64::max));
        format!("{lo:.0}–{hi:.0}×")
    };
    check("compare.var_ratio.counts", &range(&["dials", "human_answers", "contacts", "cost_total"]));
    check("compare.var_ratio.rates", &range(&["rr1", "rr3", "coop1", "con1"]));
    check("compare.var_ratio.abandon", &format!("{:.1}×", ratio("abandon_rate")));
}

/// The default day with AMD as the budget leaves it (off) and with AMD's analysis at 1 s (docs/model.md, "The
/// honest consequence of the default"): occupancy and abandonment on seed 1.
#[test]
fn the_default_days_amd_figures_quoted_in_the_model_page() {
    let dir = tempfile::tempdir().unwrap();
    let summary = |out: &str, set: &[&str]| -> serde_json::Value {
        let sets: Vec<&str> = set.iter().flat_map(|s| ["--set", s]).collect();
        crate::common::ok_stdout(dir.path(), &[&["simulate", "--seed", "1", "-q", "-o", out][..], &sets].concat());
        serde_json::from_slice(&std::fs::read(dir.path().join(out).join("summary.json")).unwrap()).unwrap()
    };
    let off = summary("off", &[]);
    let fast = summary("fast", &["amd.detect_time=1.0"]);
    let pct = |v: &serde_json::Value, k: &str, digits: usize| format!("{:.digits$} %", 100.0 * v[k].as_f64().unwrap());
    check("model.amd.occupancy_off", &pct(&off, "occupancy", 0));
    check("model.amd.occupancy_1s", &pct(&fast, "occupancy", 0));
    check("model.amd.abandon_off", &pct(&off, "abandon_rate", 2));
    check("model.amd.abandon_1s", &pct(&fast, "abandon_rate", 2));
}

/// The comparison of sampling designs in docs/sampling.md is what `examples/sampling_compare.rs` prints for 30
/// replications, seed 1 (six designs on the default day, about 20 s of simulation in a debug build: the second
/// stage).
#[test]
#[ignore = "six designs × 30 full-day replications; run in CI's second stage"]
fn the_sampling_comparison_quoted_in_the_guide() {
    // cargo test builds the examples beside the test binary's folder: target/<profile>/examples.
    let exe = std::env::current_exe().unwrap();
    let example = exe.parent().and_then(Path::parent).map(|p| p.join("examples/sampling_compare")).unwrap();
    assert!(example.exists(), "{} is not built (cargo test builds the examples)", example.display());
    let out = std::process::Command::new(&example).args(["30", "1"]).current_dir(root()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The table's rows (the example ends with a line saying what ± is, which the page says in its own words).
    let table: Vec<String> =
        String::from_utf8(out.stdout).unwrap().lines().filter(|l| l.starts_with('|')).map(String::from).collect();
    check("sampling.compare", &table.join("\n"));
}
