//! The HTML report, opened in a real browser: a default day, a small sweep, a comparison and a frontier are
//! written as `report.html` (by `--report` and by `dialsim report DIR...`), checked as text (self-contained: no
//! URL, no script, nothing fetched; every input string escaped), then opened in headless Chromium, which must log
//! no console message and no failed request; a screenshot of each is kept under `target/report-screenshots/`.
//!
//! Without Chromium the browser part is skipped with a printed reason, unless `CI=true`: then it must run.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::ok_stdout;

/// The browser, if this machine has one.
fn chromium() -> Option<PathBuf> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let found = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].map(PathBuf::from))
        .find(|p| p.is_file());
    match found {
        Some(p) => Some(p),
        None if ci => panic!("CI=true but no chromium: install it (apt-get install chromium) or set CHROMIUM"),
        None => {
            eprintln!(
                "report: browser checks skipped: no chromium at /usr/bin/chromium (set CHROMIUM, or CI=true to require it)"
            );
            None
        }
    }
}

/// Where screenshots are kept: `target/report-screenshots/`.
fn screenshots() -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target/tmp has a parent").join("report-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the browser on `page` with `extra` arguments; returns (stdout, stderr). Fails after two minutes.
fn browse(browser: &Path, page: &Path, extra: &[String]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).unwrap();
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).unwrap();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("chromium did not finish {} within 2 minutes", page.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (reader.join().unwrap(), err_reader.join().unwrap())
}

/// The lines of a browser log that tell of a page's error: a console message (the page has no script, so
/// any message is an error), an uncaught exception, a failed request.
fn page_errors(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains("net::ERR")).collect()
}

/// Opens `page` in the browser: no error logged, the DOM parsed with every chart, a screenshot kept as
/// `NAME.png`.
fn check_in_browser(browser: &Path, page: &Path, name: &str) {
    let shot = screenshots().join(format!("{name}.png"));
    let _ = std::fs::remove_file(&shot);
    let (_, log) =
        browse(browser, page, &[format!("--screenshot={}", shot.display()), "--window-size=1366,900".into()]);
    assert_eq!(page_errors(&log), Vec::<&str>::new(), "{name}: the browser logged errors");
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(size > 10_000, "{name}: no screenshot, or a blank one ({size} bytes) at {}", shot.display());
    let (dom, log) = browse(browser, page, &["--dump-dom".into()]);
    assert_eq!(page_errors(&log), Vec::<&str>::new(), "{name}: the browser logged errors");
    let html = std::fs::read_to_string(page).unwrap();
    assert!(dom.contains("dialsim report"), "{name}: the DOM lacks the page's title: {}", &dom[..dom.len().min(300)]);
    assert_eq!(dom.matches("<svg").count(), html.matches("<svg").count(), "{name}: a chart did not parse");
    eprintln!("report: {name}: screenshot {}", shot.display());
}

/// The text checks every report passes: a whole HTML document, self-contained (no URL, no script, no
/// reference but `data:`), and the dialsim version.
fn check_text(html: &str, name: &str) {
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"), "{name}: not a whole page");
    let lower = html.to_lowercase();
    for banned in ["http://", "https://", "xmlns", "<script", "@import", "url("] {
        assert!(!lower.contains(banned), "{name}: holds '{banned}'");
    }
    for attr in ["src=\"", "href=\""] {
        for (i, _) in lower.match_indices(attr) {
            assert!(lower[i + attr.len()..].starts_with("data:"), "{name}: a reference that is not data: at byte {i}");
        }
    }
    assert!(html.contains(&format!("dialsim {}", env!("CARGO_PKG_VERSION"))), "{name}: no dialsim version");
    assert!(html.contains("@page { size: A4"), "{name}: no A4 print rule");
}

#[test]
fn reports_of_a_run_a_sweep_and_a_comparison_are_self_contained_and_open_cleanly_in_a_browser() {
    let browser = chromium();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A run (its name carries markup, which must arrive escaped), a sweep, a comparison.
    ok_stdout(
        d,
        &[
            "simulate",
            "--seed",
            "1",
            "--out",
            "run",
            "--set",
            "run.day_hours=2",
            "--set",
            r#"run.name="<i>day</i> & 'co'""#,
            "--report",
            "run.html",
        ],
    );
    ok_stdout(d, &["report", "run", "-o", "run-dir.html"]);
    ok_stdout(
        d,
        &[
            "sweep",
            "default",
            "--vary",
            "dialer.agents=10,20",
            "--vary",
            "dialer.drop_target=0.01,0.03",
            "--vary",
            "dialer.max_level=3,6",
            "--set",
            "run.day_hours=1",
            "--replications",
            "2",
            "--seed",
            "1",
            "--out",
            "sw",
            "--report",
            "sweep.html",
        ],
    );
    std::fs::write(d.join("b.toml"), "[run]\nday_hours = 1.0\n[dialer]\nagents = 25\n").unwrap();
    std::fs::write(d.join("a.toml"), "[run]\nday_hours = 1.0\n").unwrap();
    ok_stdout(
        d,
        &[
            "compare",
            "a.toml",
            "b.toml",
            "--replications",
            "3",
            "--seed",
            "1",
            "-o",
            "cmp.csv",
            "--report",
            "compare.html",
        ],
    );
    ok_stdout(d, &["report", "run", "sw", "cmp.csv", "-o", "all.html"]);

    let read = |f: &str| std::fs::read_to_string(d.join(f)).unwrap();
    let (run, run_dir, sweep, compare, all) =
        (read("run.html"), read("run-dir.html"), read("sweep.html"), read("compare.html"), read("all.html"));
    for (html, name) in [(&run, "run"), (&run_dir, "run-dir"), (&sweep, "sweep"), (&compare, "compare"), (&all, "all")]
    {
        check_text(html, name);
    }
    // The run: scenario (escaped), seed, KPIs as percentages, the folder's audit, the day profile's three panels
    // with HH:MM times and the target line.
    assert!(
        !run.contains("<i>day</i>") && run.contains("&lt;i&gt;day&lt;/i&gt; &amp; &#39;co&#39;"),
        "name not escaped"
    );
    assert!(run.contains("<dt>seed</dt><dd>1</dd>"));
    assert!(run.contains("Audit: no violations") && run.contains("re-checked the folder"), "no folder audit");
    assert!(run.contains(">09:00<") && run.contains(">10:00<"), "no HH:MM axis");
    assert!(run.contains("drop target = abandonment limit 3 %"), "no drop target line");
    assert!(run.matches("<svg").count() >= 3, "no day profile");
    assert!(
        regex::Regex::new(r"abandon rate</div><div class=.v.>\d+\.\d\d %").unwrap().is_match(&run),
        "rate not in %"
    );
    // The sweep: one chart per KPI and facet (two values of the third parameter), integer x labels, one line per
    // value of the second parameter.
    assert!(sweep.matches("<svg").count() >= 2 * 6, "too few sweep charts");
    assert!(sweep.contains(">10</text>") && sweep.contains(">20</text>") && !sweep.contains(">10.0</text>"));
    assert!(sweep.contains("dialer.drop_target = 0.01") && sweep.contains("dialer.max_level = 3"));
    // The comparison: the forest plot with intervals, differences of rates in percentage points.
    assert!(compare.contains("Paired differences B − A") && compare.contains(" pp ["));
    assert!(compare.contains("Comparison: b.toml (B) against a.toml (A)"));
    assert!(all.contains("Run: ") && all.contains("Sweep over") && all.contains("Comparison"));

    let Some(browser) = browser else { return };
    for name in ["run", "sweep", "compare", "all"] {
        check_in_browser(&browser, &d.join(format!("{name}.html")), name);
    }
}

#[test]
fn a_frontier_report_is_self_contained_and_opens_cleanly_in_a_browser() {
    let browser = chromium();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_stdout(
        d,
        &[
            "frontier",
            "default",
            "--set",
            "run.day_hours=1",
            "--agents",
            "5,10",
            "--targets",
            "0.01,0.05",
            "--replications",
            "2",
            "--seed",
            "1",
            "-o",
            "fr",
            "--report",
            "frontier.html",
        ],
    );
    ok_stdout(d, &["report", "fr", "-o", "frontier-dir.html"]);
    for name in ["frontier", "frontier-dir"] {
        let html = std::fs::read_to_string(d.join(format!("{name}.html"))).unwrap();
        check_text(&html, name);
        assert!(html.contains("Efficiency frontier"), "{name}: no frontier section");
        assert_eq!(html.matches("aria-label=\"frontier, ").count(), 2, "{name}: a panel per agent count");
    }
    let Some(browser) = browser else { return };
    check_in_browser(&browser, &d.join("frontier.html"), "frontier");
}

#[test]
fn the_browser_check_catches_a_page_error() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(&page, "<!DOCTYPE html><html><body><p>x</p><script>missingFunction();</script></body></html>")
        .unwrap();
    let (_, log) = browse(&browser, &page, &["--dump-dom".into()]);
    assert!(page_errors(&log).iter().any(|l| l.contains("Uncaught")), "the planted error was not seen: {log}");
}

#[test]
fn a_report_inside_a_run_folder_is_refused_even_before_the_folder_exists() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_stdout(d, &["simulate", "--seed", "1", "--out", "run", "--set", "run.day_hours=1"]);
    let out = common::dialsim(d, &["report", "run", "-o", "run/report.html"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!d.join("run/report.html").exists());
    // Also when the run folder is still to be made: refused before the run.
    let out = common::dialsim(d, &["simulate", "--seed", "1", "--out", "new", "--report", "new/report.html"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!d.join("new").exists());
}
