//! Headless Chromium and poppler's `pdftotext` for the report tests: open a page and collect its errors, take
//! screenshots at a laptop's and a phone's width, measure the page's width in the browser, print it to PDF and
//! read the PDF's text back.
//!
//! Without either tool its checks are skipped with a printed reason, unless `CI=true`: then they must run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whether the tests run in CI, where a missing tool is a failure rather than a skipped check.
fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The browser, if this machine has one.
pub fn chromium() -> Option<PathBuf> {
    let ci = ci();
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
pub fn screenshots() -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target/tmp has a parent").join("report-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the browser on `page` with `extra` arguments; returns (stdout, stderr). Fails after two minutes.
pub fn browse(browser: &Path, page: &Path, extra: &[String]) -> (String, String) {
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
pub fn page_errors(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains("net::ERR")).collect()
}

/// The widths a report is checked at: a laptop's and a phone's (CSS pixels).
pub const WIDTHS: [u32; 2] = [1400, 500];

/// Opens `page` in the browser: no error logged, the DOM parsed with every chart, a screenshot kept as
/// `NAME-WIDTH.png` at each of [`WIDTHS`], and no sideways scrolling of the page at either width (a wide table
/// or chart scrolls inside its own box instead).
pub fn check_in_browser(browser: &Path, page: &Path, name: &str) {
    for width in WIDTHS {
        let shot = screenshots().join(format!("{name}-{width}.png"));
        let _ = std::fs::remove_file(&shot);
        let (_, log) =
            browse(browser, page, &[format!("--screenshot={}", shot.display()), format!("--window-size={width},2000")]);
        assert_eq!(page_errors(&log), Vec::<&str>::new(), "{name}: the browser logged errors");
        let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
        assert!(size > 10_000, "{name}: no screenshot, or a blank one ({size} bytes) at {}", shot.display());
        eprintln!("report: {name}: screenshot {}", shot.display());
        let (page_width, viewport) = layout(browser, page, width);
        assert_eq!(viewport, width, "{name}: the window was not {width} px wide");
        assert!(
            page_width <= viewport,
            "{name}: at {width} px the page is {page_width} px wide: it scrolls sideways (see {})",
            shot.display()
        );
    }
    let (dom, log) = browse(browser, page, &["--dump-dom".into()]);
    assert_eq!(page_errors(&log), Vec::<&str>::new(), "{name}: the browser logged errors");
    let html = std::fs::read_to_string(page).unwrap();
    assert!(dom.contains("dialsim report"), "{name}: the DOM lacks the page's title: {}", &dom[..dom.len().min(300)]);
    assert_eq!(dom.matches("<svg").count(), html.matches("<svg").count(), "{name}: a chart did not parse");
}

/// The page's laid-out width and the window's inner width at a window `width` px wide, as the browser measures
/// them: a copy of `page` with a line of script (the report itself has none) that writes both into the DOM.
pub fn layout(browser: &Path, page: &Path, width: u32) -> (u32, u32) {
    let html = std::fs::read_to_string(page).unwrap();
    let probe = "<script>document.body.setAttribute('data-layout', \
                 document.documentElement.scrollWidth + ' ' + window.innerWidth);</script></body>";
    assert!(html.contains("</body>"), "{}: no </body>", page.display());
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("layout.html");
    std::fs::write(&copy, html.replacen("</body>", probe, 1)).unwrap();
    let (dom, log) = browse(browser, &copy, &[format!("--window-size={width},2000"), "--dump-dom".into()]);
    assert_eq!(page_errors(&log), Vec::<&str>::new(), "{}: the browser logged errors", page.display());
    let re = regex::Regex::new(r#"data-layout="(\d+) (\d+)""#).unwrap();
    let c = re.captures(&dom).unwrap_or_else(|| panic!("{}: the layout probe did not run", page.display()));
    (c[1].parse().unwrap(), c[2].parse().unwrap())
}

/// poppler's `pdftotext`, if this machine has it.
pub fn pdftotext() -> Option<PathBuf> {
    let found = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"].map(PathBuf::from).into_iter().find(|p| p.is_file());
    match found {
        Some(p) => Some(p),
        None if ci() => panic!("CI=true but no pdftotext: install it (apt-get install poppler-utils)"),
        None => {
            eprintln!("report: PDF checks skipped: no pdftotext (apt-get install poppler-utils; CI=true requires it)");
            None
        }
    }
}

/// `page` printed to PDF by the browser (A4, the page's print stylesheet), kept as `NAME.pdf` beside the
/// screenshots, and its text as `pdftotext` reads it, every run of white space (thin spaces of thousands too)
/// made one space.
pub fn printed_text(browser: &Path, pdftotext: &Path, page: &Path, name: &str) -> String {
    let pdf = screenshots().join(format!("{name}.pdf"));
    let _ = std::fs::remove_file(&pdf);
    let (_, log) =
        browse(browser, page, &[format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".into()]);
    assert_eq!(page_errors(&log), Vec::<&str>::new(), "{name}: the browser logged errors while printing");
    assert!(pdf.is_file(), "{name}: no PDF printed at {}", pdf.display());
    let out = Command::new(pdftotext).arg(&pdf).arg("-").output().expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("report: {name}: printed {}", pdf.display());
    spaced(&text)
}

/// `text` with every run of white space (and the thin and no-break spaces the report writes) one space.
pub fn spaced(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{2009}' || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
