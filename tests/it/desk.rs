//! The analyst's desk: stdout and stdin, `--json`, one set of flag conventions, analyst conveniences, plain
//! messages, completions and a man page, and call lists for real dialers — through the real binary.
use crate::common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use common::{SHORT_REPLICATED, dialsim, ok_stdout, with_stdin};

/// stderr of a run as text.
fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// stdout parsed as one JSON document (panics, with the text, when it is not one).
fn json(stdout: &[u8]) -> serde_json::Value {
    serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", String::from_utf8_lossy(stdout)))
}

#[test]
fn generate_dash_o_writes_the_list_with_its_header_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok_stdout(dir.path(), &["generate", "-n", "5", "--seed", "1", "-o", "-"]);
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 6);
}

#[test]
fn simulate_json_prints_summary_json_and_nothing_else_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dialsim(dir.path(), &["simulate", "--json", "--seed", "3", "--set", "run.day_hours=1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json(&out.stdout);
    assert_eq!(doc["seed"], 3);
    assert_eq!(doc["dialsim_version"], env!("CARGO_PKG_VERSION"));
    assert!(doc["dials"].as_u64().unwrap() > 0);
    assert!(doc["scenario"]["dialer"]["agents"].is_number());
    // The same schema as the run folder's summary.json.
    ok_stdout(dir.path(), &["simulate", "--seed", "3", "--set", "run.day_hours=1", "-o", "run"]);
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("run/summary.json")).unwrap()).unwrap();
    assert_eq!(file, doc);
    let python = Command::new("python3").args(["-m", "json.tool"]).stdin(Stdio::piped()).stdout(Stdio::null()).spawn();
    if let Ok(mut child) = python {
        child.stdin.take().unwrap().write_all(&out.stdout).unwrap();
        assert!(child.wait().unwrap().success(), "python3 -m json.tool refused the output");
    }
}

#[test]
fn simulate_json_of_replications_is_the_replications_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dialsim(
        dir.path(),
        &["simulate", "--json", "--seed", "3", "--set", "run.day_hours=1", "--replications", "3", "--threads", "1"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json(&out.stdout);
    assert_eq!(doc["replications"], 3);
    assert_eq!(doc["abandon_rate"]["n"], 3);
    assert!(doc["abandon_rate"]["ci95_low"].is_number());
}

#[test]
fn a_folder_output_refuses_dash_and_points_to_json() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["simulate", "-o", "-"][..], &["sweep", "default", "--vary", "dialer.agents=10,20", "-o", "-"][..]] {
        let out = dialsim(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--json"), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_scenario_is_read_from_stdin_with_dash() {
    let dir = tempfile::tempdir().unwrap();
    let text = b"[run]\nday_hours = 1\n[dialer]\nagents = 7\n";
    let out = with_stdin(dir.path(), &["simulate", "-", "--json", "--seed", "1"], text);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out.stdout)["scenario"]["dialer"]["agents"], 7);
}

/// A small comparison of the default day with itself, B with 25 agents: two one-hour replications.
/// A short comparison of the default day with 25 agents in B, with `extra` flags.
fn small_compare(extra: &[&'static str]) -> Vec<&'static str> {
    [&["compare", "default", "default", "--set-b", "dialer.agents=25"], &SHORT_REPLICATED[..], extra].concat()
}

#[test]
fn compare_json_audit_json_bench_json_and_filter_info_json_are_one_document() {
    let dir = tempfile::tempdir().unwrap();
    let cmp = dialsim(dir.path(), &small_compare(&["--json"]));
    assert!(cmp.status.success(), "{}", stderr(&cmp));
    let doc = json(&cmp.stdout);
    assert_eq!(doc["replications"], 2);
    assert_eq!(doc["b"]["set"][1], "dialer.agents=25");
    // B has more agents than A: the occupancy differs, so --set-b reached B only.
    assert_ne!(doc["kpis"]["occupancy"]["diff"]["mean"], 0.0);

    ok_stdout(dir.path(), &["simulate", "--seed", "2", "--set", "run.day_hours=1", "--out", "run"]);
    let audit = dialsim(dir.path(), &["audit", "run", "--json"]);
    assert_eq!(audit.status.code(), Some(0), "{}", stderr(&audit));
    let doc = json(&audit.stdout);
    assert_eq!(doc["clean"], true);
    assert!(doc["calls"].as_u64().unwrap() > 0);

    let bench = dialsim(dir.path(), &["bench", "--seconds", "0.01", "--json"]);
    assert!(bench.status.success(), "{}", stderr(&bench));
    assert!(json(&bench.stdout)["measurements"].as_array().unwrap().len() >= 5);

    std::fs::write(dir.path().join("known.csv"), "number\n+420601123456\n+420602123456\n").unwrap();
    ok_stdout(dir.path(), &["filter", "build", "-o", "k.bloom", "known.csv", "--seed", "1"]);
    let info = json(&ok_stdout(dir.path(), &["filter", "info", "k.bloom", "--json"]));
    assert_eq!(info["entries"], 2);
    assert!(info["fp_estimated"].is_number());
}

/// One replication cannot be compared: the job refuses it (one check, the library's), blamed on the flag, as
/// bad usage, before any run.
#[test]
fn compare_refuses_one_replication_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dialsim(
        dir.path(),
        &["compare", "default", "default", "--set-b", "dialer.agents=8", "--replications", "1", "-o", "c.csv"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stderr(&out), "dialsim: error: --replications must be at least 2 to compare, not 1\n");
    assert!(!dir.path().join("c.csv").exists());
}

#[test]
fn compare_dash_o_writes_the_csv_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok_stdout(
        dir.path(),
        &["compare", "default", "default", "--set", "run.day_hours=1", "--replications", "2", "--seed", "1", "-o", "-"],
    );
    assert!(String::from_utf8(out).unwrap().starts_with("kpi,a_mean,b_mean,"));
}

#[test]
fn scrub_dash_o_writes_the_scrubbed_list_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let list = ok_stdout(dir.path(), &["generate", "-n", "10", "--seed", "1"]);
    let text = String::from_utf8(list).unwrap();
    let first = text.lines().nth(1).unwrap().split(',').next().unwrap().to_string();
    std::fs::write(dir.path().join("dnc.csv"), format!("number\n{first}\n")).unwrap();
    let out = with_stdin(dir.path(), &["scrub", "-", "--suppress", "dnc.csv", "-o", "-"], text.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let kept = String::from_utf8(out.stdout).unwrap();
    assert_eq!(kept.lines().count(), 10);
    assert!(!kept.contains(&first));
}

#[test]
fn quiet_silences_stderr_but_errors_and_out_stays_an_alias_of_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dialsim(dir.path(), &["-q", "generate", "-n", "3"]);
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let out = dialsim(dir.path(), &["simulate", "--quiet", "--set", "run.day_hours=1", "--seed", "1", "--out", "r"]);
    assert!(out.status.success() && out.stderr.is_empty(), "{}", stderr(&out));
    let out = dialsim(dir.path(), &["generate", "-q", "-n", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("whole number"));
    let out = dialsim(dir.path(), &["-v", "simulate", "--set", "run.day_hours=1", "--seed", "1", "--output", "r2"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("done in"), "{}", stderr(&out));
    assert!(dir.path().join("r2/summary.json").exists());
}

#[test]
fn no_color_turns_off_clap_colours_even_when_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("dialsim")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .args(["generate", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.contains(&0x1b), "{}", stderr(&out));
}

#[test]
fn compare_b_may_be_a_with_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok_stdout(dir.path(), &small_compare(&["-o", "-"]));
    let text = String::from_utf8(out).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let occupancy = rows.records().map(Result::unwrap).find(|r| &r[col("kpi")] == "occupancy").unwrap();
    assert_ne!(&occupancy[col("a_mean")], &occupancy[col("b_mean")]);
}

#[test]
fn vary_ranges_give_every_point_and_a_duplicate_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let vary = ["--vary", "dialer.agents=10..30:10", "--vary", "dialer.drop_target=0.01..0.03:0.01"];
    let args = [&["sweep", "default"], &vary[..], &SHORT_REPLICATED, &["-o", "sw"]].concat();
    let out = dialsim(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("sw/sweep.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let points: Vec<(String, String)> = rows
        .records()
        .map(Result::unwrap)
        .map(|r| (r[col("dialer.agents")].to_string(), r[col("dialer.drop_target")].to_string()))
        .collect();
    assert_eq!(points.len(), 9);
    assert_eq!(points[0], ("10".to_string(), "0.01".to_string()));
    assert_eq!(points[8], ("30".to_string(), "0.03".to_string()));

    let out = dialsim(
        dir.path(),
        &["sweep", "default", "--vary", "dialer.agents=1,2", "--vary", "dialer.agents=3", "-o", "d"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("given twice"), "{}", stderr(&out));
}

#[test]
fn a_sweep_plot_over_words_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dialsim(
        dir.path(),
        &["sweep", "default", "--vary", "dialer.mode=progressive,predictive", "--plot", "--seed", "1", "-o", "sw"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--plot"), "{}", stderr(&out));
    assert!(!dir.path().join("sw").exists());
}

#[test]
fn set_splits_commas_for_list_keys_only() {
    let dir = tempfile::tempdir().unwrap();
    let doc = json(&ok_stdout(
        dir.path(),
        &[
            "simulate",
            "--json",
            "--seed",
            "1",
            "--set",
            "run.day_hours=1",
            "--set",
            "numbers.types=mobile,fixedLine",
            "--set",
            "compliance.controller=X, s.r.o.",
        ],
    ));
    assert_eq!(doc["scenario"]["numbers"]["types"], serde_json::json!(["mobile", "fixedLine"]));
    assert_eq!(doc["scenario"]["compliance"]["controller"], "X, s.r.o.");
}

#[test]
fn errors_speak_of_kinds_and_keys_not_rust_types() {
    let dir = tempfile::tempdir().unwrap();
    for (set, words) in [
        ("dialer.agents=abc", "dialer.agents: expected a whole number"),
        ("agents=5", "agents: expected a table of settings"),
        ("dialer.mode=fast", "unknown value `fast`"),
    ] {
        let out = dialsim(dir.path(), &["simulate", "--set", "run.day_hours=1", "--set", set]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "a value typed on the command line is bad usage: {err}");
        assert!(err.contains(words), "{set}: {err}");
        assert!(!err.contains("u32") && !err.contains("struct") && !err.contains("Section"), "{set}: {err}");
        assert!(err.contains(&format!("--set {set}")), "the override is named: {err}");
    }
    let out = dialsim(dir.path(), &["sweep", "default", "--vary", "dialer.agnets=1,2", "-o", "sw"]);
    assert!(stderr(&out).contains("--vary dialer.agnets"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("--set"), "{}", stderr(&out));
}

#[test]
fn a_prefix_with_the_trunk_zero_gets_a_hint_to_drop_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dialsim(dir.path(), &["generate", "--plan", "gb", "--prefix", "07", "-n", "3", "--seed", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("without the trunk 0") && stderr(&out).contains("try 7"), "{}", stderr(&out));
}

#[test]
fn tables_show_rates_as_percentages_and_no_nan() {
    let dir = tempfile::tempdir().unwrap();
    // A scenario compared with itself: every variance ratio is 0/0, shown as a dash.
    let out = ok_stdout(dir.path(), &[&["compare", "default", "default"], &SHORT_REPLICATED[..]].concat());
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("NaN") && !text.contains("-0 ") && !text.contains("-0\n"), "{text}");
    let abandon = text.lines().find(|l| l.starts_with("abandon_rate")).unwrap();
    assert!(abandon.contains('%'), "{abandon}");
    let run =
        String::from_utf8(ok_stdout(dir.path(), &["simulate", "--seed", "1", "--set", "run.day_hours=1"])).unwrap();
    let p_wait = run.lines().find(|l| l.starts_with("P(wait for an agent)")).unwrap();
    assert!(p_wait.ends_with('%'), "{p_wait}");
}

#[test]
fn completions_and_the_man_page_go_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let bash = String::from_utf8(ok_stdout(dir.path(), &["completions", "bash"])).unwrap();
    assert!(bash.contains("_dialsim()") && bash.contains("simulate"), "{bash:.200}");
    let zsh = String::from_utf8(ok_stdout(dir.path(), &["completions", "zsh"])).unwrap();
    assert!(zsh.starts_with("#compdef dialsim"), "{zsh:.200}");
    let fish = String::from_utf8(ok_stdout(dir.path(), &["completions", "fish"])).unwrap();
    assert!(fish.contains("complete -c dialsim"), "{fish:.200}");
    let man = String::from_utf8(ok_stdout(dir.path(), &["man"])).unwrap();
    assert!(man.contains(".TH dialsim 1") && man.contains("simulate"), "{man:.200}");
}

#[test]
fn keys_lists_every_kpi_and_every_set_key_with_a_default_that_set_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let kpis = String::from_utf8(ok_stdout(dir.path(), &["keys", "--kpi"])).unwrap();
    let kpis: Vec<&str> = kpis.lines().collect();
    assert_eq!(kpis, dialsim::sim::kpi::names().collect::<Vec<_>>());
    let keys = String::from_utf8(ok_stdout(dir.path(), &["keys", "--set"])).unwrap();
    let keys: Vec<String> = keys.lines().map(str::to_string).collect();
    assert!(keys.iter().any(|k| k == "dialer.agents=20"), "{keys:?}");
    // Every listed key with its listed default is a valid override that changes nothing.
    let scenario = dialsim::Scenario::parse("default", dialsim::DEFAULT_SCENARIO, &keys).unwrap();
    assert_eq!(scenario, dialsim::Scenario::default_day());
}

#[test]
fn every_command_help_has_examples() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["generate", "filter", "scrub", "simulate", "sweep", "compare", "audit", "plan", "bench", "keys"] {
        let help = String::from_utf8(ok_stdout(dir.path(), &[cmd, "--help"])).unwrap();
        assert!(help.contains("Examples:\n  dialsim "), "{cmd} --help has no examples");
    }
    let help = String::from_utf8(ok_stdout(dir.path(), &["simulate", "--help"])).unwrap();
    assert!(help.contains("dialsim keys"));
}

#[test]
fn vicidial_leads_have_the_23_standard_columns_and_no_header() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        ok_stdout(dir.path(), &["generate", "-n", "50", "--seed", "4", "--format", "vicidial", "--list-id", "1001"]);
    let csv = ok_stdout(dir.path(), &["generate", "-n", "50", "--seed", "4"]);
    let text = String::from_utf8(out).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(text.lines().count(), 50);
    for (lead, row) in text.lines().zip(csv.lines().skip(1)) {
        let cols: Vec<&str> = lead.split('\t').collect();
        let row: Vec<&str> = row.split(',').collect();
        assert_eq!(cols.len(), 23, "{lead:?}");
        // vendor_lead_code = the list index; source_code; list_id; phone_code; phone_number.
        assert_eq!(cols[0], row[3]);
        assert_eq!(cols[1], "dialsim");
        assert_eq!(cols[2], "1001");
        assert_eq!(format!("+{}{}", cols[3], cols[4]), row[0]);
        assert_eq!(cols[3], "420");
        assert!(cols[5..].iter().all(|c| c.is_empty()));
    }
}

#[test]
fn vicidial_without_a_list_id_is_bad_usage_instead_of_the_reserved_list_999() {
    let dir = tempfile::tempdir().unwrap();
    let o = dialsim(dir.path(), &["generate", "-n", "1", "--seed", "1", "--format", "vicidial"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--list-id") && err.contains("999"), "{err}");
    assert!(o.stdout.is_empty(), "a list went out: {:?}", String::from_utf8_lossy(&o.stdout));
    // The id can also be given in the format itself.
    let lead = String::from_utf8(ok_stdout(dir.path(), &["generate", "-n", "1", "--format", "vicidial:1002"])).unwrap();
    assert_eq!(lead.split('\t').nth(2), Some("1002"));
}

#[test]
fn dialer_csv_splits_the_number_and_names_the_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    for (plan, cc, zone) in [("cz", "420", "Europe/Prague"), ("de", "49", "Europe/Berlin")] {
        let text = String::from_utf8(ok_stdout(
            dir.path(),
            &["generate", "--plan", plan, "-n", "20", "--seed", "2", "--format", "dialer-csv"],
        ))
        .unwrap();
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        let headers = rows.headers().unwrap().clone();
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            ["country_code", "national_number", "e164", "type", "region", "time_zone"]
        );
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let mut n = 0;
        for r in rows.records().map(Result::unwrap) {
            assert_eq!(&r[col("country_code")], cc);
            assert_eq!(r[col("e164")], format!("+{}{}", &r[col("country_code")], &r[col("national_number")]));
            assert_eq!(&r[col("time_zone")], zone);
            n += 1;
        }
        assert_eq!(n, 20);
    }
}

#[test]
fn dialer_csv_names_the_time_zones_of_a_us_numbers_area_code() {
    let dir = tempfile::tempdir().unwrap();
    let table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/nanp-zones.csv")).unwrap();
    let zones: std::collections::HashMap<&str, &str> = table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("area_code"))
        .filter_map(|l| l.split_once(','))
        .collect();
    let text = String::from_utf8(ok_stdout(
        dir.path(),
        &["generate", "--plan", "us", "-n", "500", "--seed", "2", "--format", "dialer-csv"],
    ))
    .unwrap();
    let rows = common::by_header(&text);
    assert_eq!(rows.len(), 500);
    let mut several = 0;
    for r in &rows {
        let area = &r["national_number"][..3];
        let expected = zones.get(area).unwrap_or_else(|| panic!("area code {area} is not in nanp-zones.csv"));
        assert!(!r["time_zone"].is_empty(), "{r:?}");
        assert_eq!(r["time_zone"], expected.split_whitespace().collect::<Vec<_>>().join(" "), "{r:?}");
        several += usize::from(r["time_zone"].contains(' '));
    }
    assert!(several < rows.len(), "every area code spans several zones?");
}

#[test]
fn dialer_formats_are_byte_identical_across_threads_and_continue_from_their_manifest() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["vicidial:1001", "dialer-csv"] {
        let one =
            ok_stdout(dir.path(), &["generate", "-n", "40000", "--seed", "9", "--format", format, "--threads", "1"]);
        let four =
            ok_stdout(dir.path(), &["generate", "-n", "40000", "--seed", "9", "--format", format, "--threads", "4"]);
        assert!(one == four, "{format}: the bytes depend on the thread count");
        // Half, then the rest continued from the manifest: together the whole list.
        let first = format!("{format}-1.txt");
        ok_stdout(dir.path(), &["generate", "-n", "20000", "--seed", "9", "--format", format, "-o", &first]);
        ok_stdout(dir.path(), &["generate", "--continue", &first, "-n", "20000", "-o", "rest.txt"]);
        let mut joined = std::fs::read(dir.path().join(&first)).unwrap();
        let rest = std::fs::read(dir.path().join("rest.txt")).unwrap();
        // dialer-csv repeats its header in the continuation.
        let skip = if format == "dialer-csv" { rest.iter().position(|&b| b == b'\n').unwrap() + 1 } else { 0 };
        joined.extend_from_slice(&rest[skip..]);
        assert!(joined == one, "{format}: first part + continuation differs from the whole list");
    }
}

#[test]
fn every_command_has_a_man_page_with_exit_status_and_no_page_refers_to_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    std::fs::create_dir(&pages).unwrap();
    ok_stdout(dir.path(), &["man", "--dir", "man1"]);
    let read = |name: &str| {
        let page = std::fs::read_to_string(pages.join(name)).unwrap_or_else(|_| panic!("no page {name}"));
        page.replace("\\-", "-").replace("\\fB", " ").replace("\\fR", "")
    };
    let mut references = 0;
    // Every command `dialsim --help` lists has its page.
    let help = String::from_utf8(ok_stdout(dir.path(), &["--help"])).unwrap();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 15 && commands.contains(&"generate"), "{commands:?}");
    let mut names: Vec<String> = vec!["dialsim.1".into()];
    names.extend(commands.iter().map(|c| format!("dialsim-{c}.1")));
    let written: Vec<String> =
        std::fs::read_dir(&pages).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    for name in names.iter().chain(&written) {
        let page = read(name);
        for section in [".SH \"EXIT STATUS\"", ".SH ENVIRONMENT", "NO_COLOR", "SOURCE_DATE_EPOCH", "128+N"] {
            assert!(page.contains(section), "{name} lacks {section}");
        }
        // Every page named in a page exists.
        for (at, _) in page.match_indices("(1)") {
            let start = page[..at].rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).map_or(0, |i| i + 1);
            let referred = &page[start..at];
            if referred.starts_with("dialsim") {
                references += 1;
                assert!(written.contains(&format!("{referred}.1")), "{name} refers to {referred}(1), not written");
            }
        }
    }
    assert!(references > 2 * written.len() - 4, "only {references} references checked");
    assert!(written.contains(&"dialsim-filter-build.1".to_string()), "{written:?}");
    // The top-level help shows the exit codes too.
    assert!(help.contains("Exit codes") && help.contains("128+N"), "{help}");
}
