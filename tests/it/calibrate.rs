//! `dialsim calibrate`: a simulated log gives back the parameters it was simulated with, within the intervals
//! the calibration reports; a VICIdial export is read by its documented mapping; bad logs are refused with
//! file and line; the scenario written runs.
use crate::common;
#[path = "calibrate/round_trip.rs"]
mod round_trip;

use common::{dialsim, ok_stdout};
use dialsim::calibrate::{Disposition, Log, LogFormat, calibrate, read_log};
use dialsim::{Normalizer, Plan, Scenario};

/// The default scenario's value of `key` in `section` (`population.mobile` falls back to `population`), as a
/// number.
fn value_of(toml: &str, section: &str, key: &str) -> f64 {
    let table: toml::Table = toml.parse().unwrap();
    let mut node = &table[section.split('.').next().unwrap()];
    for part in section.split('.').skip(1) {
        node = &node[part];
    }
    let v = node.get(key).unwrap_or_else(|| &table[section.split('.').next().unwrap()][key]);
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64)).unwrap_or_else(|| v["mean"].as_float().unwrap())
}

#[test]
fn a_simulated_log_gives_back_its_parameters_within_their_intervals() {
    let dir = tempfile::tempdir().unwrap();
    // The default population by number type, with a flat answer curve (so each rate is one number) and the
    // abandonment budget never switching AMD off (so AMD's rates hold all day).
    let set = ["run.days=3", "answer_curve.person_weekday=[]", "answer_curve.machine_weekday=[]"];
    let mut args = vec!["simulate", "--seed", "3", "-q", "-o", "run", "--set", "dialer.on_budget_spent=continue"];
    for s in set {
        args.extend(["--set", s]);
    }
    ok_stdout(dir.path(), &args);
    ok_stdout(dir.path(), &["calibrate", "run/calls.csv", "-o", "fitted.toml"]);
    let fitted = std::fs::read_to_string(dir.path().join("fitted.toml")).unwrap();
    let truth = dialsim::DEFAULT_SCENARIO;
    // Every value written carries its interval in the comment: "key = v   # 95 % lo–hi; ...".
    let interval = |section: &str, key: &str| -> (f64, f64) {
        let mut in_section = false;
        for line in fitted.lines() {
            if line.starts_with('[') {
                in_section = line.split('#').next().unwrap().trim() == format!("[{section}]");
            } else if in_section && line.starts_with(&format!("{key} = ")) {
                let bounds = line.split("95 % ").nth(1).unwrap().split([';', ' ']).next().unwrap();
                let (lo, hi) = bounds.trim_end_matches(" s").split_once('–').unwrap();
                return (lo.parse().unwrap(), hi.parse().unwrap());
            }
        }
        panic!("{section}.{key} not in the fitted scenario:\n{fitted}");
    };
    let mut missed = Vec::new();
    for (section, key) in [
        ("population.mobile", "not_in_service"),
        ("population.mobile", "busy"),
        ("population.mobile", "person"),
        ("population.mobile", "machine"),
        ("population.mobile", "cooperate"),
        ("population.fixedLine", "not_in_service"),
        ("population", "answer_delay"),
        ("callbacks", "probability"),
        ("amd", "machine_detected"),
        ("amd", "person_misdetected"),
        ("agents", "talk"),
        ("agents", "refusal_talk"),
        ("agents", "wrap"),
        ("compliance", "object"),
    ] {
        // Fourteen 95 % intervals miss one value or more in about half of all runs, so each is widened to 99.6 %
        // (z 2.87 instead of 1.96: Bonferroni, about 5 % for the twelve together), so that a harmless change
        // to the draws does not trip the test while a biased estimator still does.
        let (lo, hi) = interval(section, key);
        let (mid, half) = ((lo + hi) / 2.0, (hi - lo) / 2.0 * 2.87 / 1.96);
        let true_value = value_of(truth, section, key);
        if !(mid - half <= true_value && true_value <= mid + half) {
            missed.push(format!("{section}.{key}: {true_value} not in {lo}–{hi} (widened: ±{half})"));
        }
    }
    assert!(missed.is_empty(), "parameters outside their intervals: {missed:#?}\n{fitted}");
    // The scenario written runs as it is.
    Scenario::load(dir.path().join("fitted.toml").to_str().unwrap(), &["run.day_hours=0.5".into()]).unwrap();
    let run = dialsim(dir.path(), &["simulate", "fitted.toml", "--set", "run.day_hours=0.5", "--seed", "1", "-q"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
}

#[test]
fn a_vicidial_log_is_read_by_its_status_mapping() {
    let log = "uniqueid,lead_id,list_id,campaign_id,call_date,start_epoch,end_epoch,length_in_sec,status,phone_code,phone_number,user\n\
        1,1,999,C,2026-01-05 09:15:02,0,0,0,NA,420,601000001,VDAD\n\
        2,2,999,C,2026-01-05 09:16:02,0,0,0,DC,420,601000002,VDAD\n\
        3,3,999,C,2026-01-05 10:01:00,0,0,0,AA,420,601000003,VDAD\n\
        4,4,999,C,2026-01-05 10:02:00,0,0,95,SALE,420,601000004,agent1\n\
        5,5,999,C,2026-01-05 10:03:00,0,0,20,NI,420,601000005,agent1\n\
        6,6,999,C,2026-01-05 10:04:00,0,0,0,DROP,420,601000006,VDAD\n\
        7,7,999,C,2026-01-05 10:05:00,0,0,12,DNC,420,601000007,agent2\n\
        8,8,999,C,2026-01-05 11:00:00,0,0,40,CALLBK,420,601000008,agent2\n";
    let plan = Plan::embedded("cz").unwrap();
    let read = read_log("vicidial_log.csv", log.as_bytes(), &Normalizer::for_plan(&plan)).unwrap();
    assert_eq!(read.format, LogFormat::Vicidial);
    let attempts = &read.attempts;
    // length_in_sec runs from pick-up to hang-up, the wait for an agent included: kept apart from talk.
    let got: Vec<(Disposition, u8, Option<f64>)> =
        attempts.iter().map(|a| (a.disposition, a.hour, a.answered_s)).collect();
    assert_eq!(
        got,
        vec![
            (Disposition::NoAnswer, 9, None),
            (Disposition::NotInService, 9, None),
            (Disposition::MachineDetected, 10, None),
            (Disposition::Completed, 10, Some(95.0)),
            (Disposition::Refused, 10, Some(20.0)),
            (Disposition::PersonDropped, 10, None),
            (Disposition::Objected, 10, Some(12.0)),
            (Disposition::Callback, 11, Some(40.0)),
        ]
    );
    assert!(attempts.iter().all(|a| a.talk_s.is_none()), "no queue_seconds: no talk");
    let c = calibrate(&read, &plan);
    assert_eq!((c.all.not_in_service.k, c.all.not_in_service.n), (1, 8));
    assert_eq!((c.all.person.k, c.all.person.n), (5, 7));
    assert_eq!((c.all.object.k, c.all.object.n), (1, 4));
    // Of the connected persons who did not object: one asked for a call back; of the other two, one listened.
    assert_eq!((c.all.cooperate.k, c.all.cooperate.n), (1, 2));
    assert_eq!((c.all.callback.k, c.all.callback.n), (1, 3));
    assert_eq!(c.by_type["mobile"].numbers, 8);
    assert_eq!(c.answered_share, 1.0, "a VICIdial log has no ring times: no correction");
    assert!(attempts.iter().all(|a| !a.follow_up), "CALLBK is a request, not a kept callback");
}

#[test]
fn bad_logs_are_refused_with_file_and_line() {
    let plan = Plan::embedded("cz").unwrap();
    let n = Normalizer::for_plan(&plan);
    let head = "call_id,number,attempt,dial_s,outcome,ring_s,wait_s,talk_s,wrap_s,agent,objection_offered,notice,referral_of\n";
    let row = "0,+420601000001,1,32400.000,completed,9.000,0.000,100.000,20.000,1,true,standard,\n";
    let cases = [
        (
            format!("{head}{row}1,+420601000002,1,32401.000,exploded,9,0,0,0,,,,\n"),
            "log.csv:3: unknown outcome `exploded`",
        ),
        (format!("{head}{row}1,+420601000002,1,32401.000,busy,-4,0,0,0,,,,\n"), "log.csv:3: `-4` is not a duration"),
        (format!("{head}1,hello,1,32401.000,busy,4,0,0,0,,,,\n"), "log.csv:2: `hello` is not a phone number"),
        (format!("{head}{row}1,+420601000002\n"), "log.csv:3:"),
        ("a,b\n1,2\n".to_string(), "log.csv:1: neither dialsim's calls.csv"),
        (head.to_string(), "log.csv: the log holds no attempts"),
        // An empty file (or a byte-order mark alone) was told "the first line has 1 comma-separated cells".
        (String::new(), "log.csv:1: the log is empty: no header and no attempts"),
        ("\u{feff}".to_string(), "log.csv:1: the log is empty"),
        (
            format!("{}{}", head.replace("referral_of\n", "referral_of,amd\n"), row.replace(",\n", ",,maybe\n")),
            "log.csv:2: amd `maybe` is neither on nor off",
        ),
        (
            "call_date,status,phone_code,phone_number\n2026-01-05 09:00:00,WEIRD,420,601000001\n".to_string(),
            "log.csv: 1 of 1 rows have a status dialsim does not know (`WEIRD` ×1)",
        ),
    ];
    for (text, expected) in cases {
        let e = read_log("log.csv", text.as_bytes(), &n).unwrap_err().to_string();
        assert!(e.starts_with(expected), "{e:?} should start with {expected:?}");
    }
    // Through the binary: exit 1, the message on stderr, nothing written.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.csv"), format!("{head}1,hello,1,1,busy,4,0,0,0,,,,\n")).unwrap();
    let out = dialsim(dir.path(), &["calibrate", "bad.csv", "-o", "x.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.csv:2:"));
    assert!(!dir.path().join("x.toml").exists());
}

/// Reads `text` as `log.csv` with the Czech plan.
fn read(text: &str) -> dialsim::Result<Log> {
    let plan = Plan::embedded("cz").unwrap();
    read_log("log.csv", text.as_bytes(), &Normalizer::for_plan(&plan))
}

/// A `vicidial_log` row as `SELECT * … INTO OUTFILE` writes it: the table's 18 columns in creation order
/// (extras/MySQL_AST_CREATE_tables.sql), tab-separated, `\N` for NULL.
fn outfile_row(date: &str, length: &str, status: &str, number: &str, comments: &str) -> String {
    [
        "1767600000.1",
        "7",
        "999",
        "TESTCAMP",
        date,
        "1767600000",
        "1767600060",
        length,
        status,
        "420",
        number,
        "VDAD",
        comments,
        "N",
        "\\N",
        "NONE",
        "MAIN",
        "1",
    ]
    .join("\t")
}

/// The header of VICIdial's Export Calls Report (www/vicidial/call_report_export.php, standard fields).
const REPORT_HEADER: &str = "call_date\tphone_number_dialed\tstatus\tuser\tfull_name\tcampaign_id\tvendor_lead_code\t\
    source_id\tlist_id\tgmt_offset_now\tphone_code\tphone_number\ttitle\tfirst_name\tmiddle_initial\tlast_name\t\
    address1\taddress2\taddress3\tcity\tstate\tprovince\tpostal_code\tcountry_code\tgender\tdate_of_birth\t\
    alt_phone\temail\tsecurity_phrase\tcomments\tlength_in_sec\tuser_group\talt_dial\trank\towner\tlead_id\t\
    list_name\tlist_description\tstatus_name";

/// A row of the Export Calls Report: the number dialled (`dialled`) may differ from the lead's (`lead`).
fn report_row(date: &str, dialled: &str, status: &str, lead: &str, length: &str) -> String {
    let mut cells = vec![""; REPORT_HEADER.split('\t').count()];
    let header: Vec<&str> = REPORT_HEADER.split('\t').collect();
    let mut set = |name: &str, value: &'static str| {
        let at = header.iter().position(|h| *h == name).unwrap();
        cells[at] = value;
    };
    set("user", "VDAD");
    set("full_name", "Outbound Auto Dial");
    set("campaign_id", "TESTCAMP");
    set("list_id", "999");
    set("gmt_offset_now", "1.00");
    set("phone_code", "420");
    set("first_name", "Jan");
    set("comments", "said \"call later\", then hung up");
    set("alt_dial", "MAIN");
    set("lead_id", "7");
    set("list_name", "Test list");
    let mut cells: Vec<String> = cells.into_iter().map(String::from).collect();
    for (name, value) in [
        ("call_date", date),
        ("phone_number_dialed", dialled),
        ("status", status),
        ("phone_number", lead),
        ("length_in_sec", length),
    ] {
        cells[header.iter().position(|h| *h == name).unwrap()] = value.to_string();
    }
    cells.join("\t")
}

#[test]
fn an_into_outfile_export_without_header_is_read_by_vicidials_column_order() {
    let rows = [
        outfile_row("2026-01-05 09:15:02", "0", "NA", "601000001", "\\N"),
        // A tab and a line end inside a comment, escaped as INTO OUTFILE writes them.
        outfile_row("2026-01-05 10:02:00", "95", "SALE", "601000004", "said\\\tyes\\\nat once"),
        outfile_row("2026-01-05 10:03:00", "\\N", "AA", "601000005", "\\N"),
    ];
    let log = read(&(rows.join("\n") + "\n")).unwrap();
    assert_eq!(log.format, LogFormat::VicidialOutfile);
    let got: Vec<(Disposition, u8, String)> =
        log.attempts.iter().map(|a| (a.disposition, a.hour, a.number.national_digits())).collect();
    assert_eq!(
        got,
        vec![
            (Disposition::NoAnswer, 9, "601000001".into()),
            (Disposition::Completed, 10, "601000004".into()),
            (Disposition::MachineDetected, 10, "601000005".into()),
        ]
    );
    assert_eq!(log.attempts[1].answered_s, Some(95.0));
    // The escaped line end keeps the count: a bad row after it is named on its own line (4).
    let bad = rows.join("\n") + "\n" + &outfile_row("yesterday", "0", "NA", "601000006", "\\N") + "\n";
    let e = read(&bad).unwrap_err().to_string();
    assert!(e.starts_with("log.csv:5: call_date `yesterday`"), "{e}");
    // An older install's 14 columns (no user_group, term_reason, alt_dial, called_count) read the same.
    let short: Vec<String> = [rows[0].clone(), rows[2].clone()]
        .iter()
        .map(|r| r.split('\t').take(14).collect::<Vec<_>>().join("\t"))
        .collect();
    assert_eq!(read(&short.join("\n")).unwrap().attempts.len(), 2);
    // A comma OUTFILE with enclosed strings (FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"').
    let comma = "\"1.1\",7,999,\"C\",\"2026-01-05 11:00:00\",1,2,40,\"NI\",\"420\",\"601000007\",\"agent1\",\
                 \"no, \\\"never\\\"\",\"N\",\"G\",\"CALLER\",\"MAIN\",1\n";
    let log = read(comma).unwrap();
    assert_eq!(
        (log.format, log.attempts[0].disposition, log.attempts[0].hour),
        (LogFormat::VicidialOutfile, Disposition::Refused, 11)
    );
    // A first row whose comment holds a line end is still one row of 18 columns.
    let log = read(&format!("{}\n{}\n", rows[1], rows[0])).unwrap();
    assert_eq!((log.format, log.attempts.len()), (LogFormat::VicidialOutfile, 2));
    // A row of another width is refused with its line.
    let e = read(&format!("{}\n{}\n", rows[0], "1\t2\t3")).unwrap_err().to_string();
    assert!(e.starts_with("log.csv:2: 3 cells"), "{e}");
}

#[test]
fn a_mysql_batch_export_is_read_tab_separated_with_its_header() {
    let header = dialsim::calibrate::VICIDIAL_LOG_COLUMNS.join("\t");
    // mysql -B writes NULL as `NULL` and escapes a tab inside a value as `\t`.
    let rows = [
        outfile_row("2026-01-05 09:15:02", "0", "NA", "601000001", "NULL"),
        outfile_row("2026-01-05 10:02:00", "NULL", "INCALL", "601000002", "with\\tagent"),
        outfile_row("2026-01-05 10:05:00", "30", "DNC", "601000003", "NULL"),
    ];
    let log = read(&format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    assert_eq!(log.format, LogFormat::Vicidial);
    let got: Vec<Disposition> = log.attempts.iter().map(|a| a.disposition).collect();
    assert_eq!(got, vec![Disposition::NoAnswer, Disposition::Objected]);
    assert_eq!(log.left_out["INCALL"].0, 1, "a call still with an agent is counted, not read");
}

#[test]
fn an_export_calls_report_with_crlf_calibrates_without_error() {
    let rows = [
        report_row("2026-01-05 09:15:02", "601000001", "NA", "601000001", "0"),
        report_row("2026-01-05 09:16:02", "601000002", "AA", "601000002", "3"),
        report_row("2026-01-05 09:17:02", "601000003", "A", "601000003", "20"),
        report_row("2026-01-05 10:02:00", "601000004", "SALE", "601000099", "95"),
        report_row("2026-01-05 10:03:00", "601000005", "NI", "601000005", "20"),
        report_row("2026-01-05 10:04:00", "601000006", "DNCL", "601000006", "0"),
        report_row("2026-01-05 10:05:00", "601000007", "PU", "601000007", "2"),
    ];
    let text = format!("{REPORT_HEADER}\r\n{}\r\n", rows.join("\r\n"));
    let log = read(&text).unwrap();
    assert_eq!(log.format, LogFormat::VicidialCallsReport);
    assert_eq!(log.attempts.len(), 5);
    assert_eq!(log.attempts[3].number.national_digits(), "601000004", "the number dialled, not the lead's");
    // Through the binary: the scenario is written, says what it left out and kept, and runs.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.txt"), &text).unwrap();
    let out = dialsim(dir.path(), &["calibrate", "report.txt", "-o", "fitted.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let fitted = std::fs::read_to_string(dir.path().join("fitted.toml")).unwrap();
    for needle in ["left out 1 row not dialled", "`DNCL` ×1", "`PU` ×1", "amd.person_misdetected keeps its default"] {
        assert!(stderr.contains(needle), "stderr lacks {needle:?}:\n{stderr}");
        assert!(fitted.contains(needle), "scenario lacks {needle:?}:\n{fitted}");
    }
    assert!(fitted.contains("machine_detected = "), "{fitted}");
    assert!(!fitted.contains("person_misdetected = "), "person_misdetected cannot be identified:\n{fitted}");
    let run = dialsim(dir.path(), &["simulate", "fitted.toml", "--set", "run.day_hours=0.5", "--seed", "1", "-q"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
}

#[test]
fn errors_in_crlf_and_cr_logs_name_their_own_line() {
    let comma = "call_date,status,phone_code,phone_number\n2026-01-05 09:00:00,NA,420,601000001\n\
                 2026-01-05 09:00:00,NA,420,hello\n";
    let tab = format!(
        "{REPORT_HEADER}\n{}\n{}\n",
        report_row("2026-01-05 09:00:00", "601000001", "NA", "601000001", "0"),
        report_row("2026-01-05 09:00:00", "hello", "NA", "601000001", "0")
    );
    // No header: the bad row is the third of the file as well.
    let outfile = format!(
        "{}\n{}\n{}\n",
        outfile_row("2026-01-05 09:00:00", "0", "NA", "601000001", "\\N"),
        outfile_row("2026-01-05 09:00:00", "0", "NA", "601000002", "\\N"),
        outfile_row("2026-01-05 09:00:00", "0", "NA", "hello", "\\N")
    );
    for text in [comma.to_string(), tab, outfile] {
        for end in ["\r\n", "\r"] {
            let e = read(&text.replace('\n', end)).unwrap_err().to_string();
            assert!(
                e.starts_with("log.csv:3: `") && e.contains("hello` is not a phone number"),
                "line ends {end:?}: {e}"
            );
        }
    }
}

/// The statuses a default install creates (`vicidial_statuses` inserts) and the carrier CPD statuses.
const DEFAULT_STATUSES: [&str; 63] = [
    "NEW", "QUEUE", "INCALL", "DROP", "XDROP", "NA", "CALLBK", "CBHOLD", "A", "AA", "AM", "AL", "AFAX", "AB", "B",
    "DC", "ADC", "DEC", "DNC", "DNCL", "DNCC", "SALE", "N", "NI", "NP", "PU", "PM", "XFER", "ERI", "SVYEXT", "SVYVM",
    "SVYHU", "SVYREC", "QVMAIL", "RQXFER", "TIMEOT", "AFTHRS", "NANQUE", "IQNANQ", "PDROP", "IVRXFR", "SVYCLM",
    "MLINAT", "MAXCAL", "LRERR", "QCFAIL", "ADCT", "LSMERG", "DAIR", "ADAIR", "CPDATB", "CPDB", "CPDNA", "CPDREJ",
    "CPDINV", "CPDSUA", "CPDSI", "CPDSNC", "CPDSR", "CPDSUK", "CPDSV", "CPDUK", "CPDERR",
];

#[test]
fn every_default_status_is_read_and_a_hopper_dnc_match_is_not_an_attempt() {
    let rows: Vec<String> = DEFAULT_STATUSES
        .iter()
        .enumerate()
        .map(|(i, s)| outfile_row("2026-01-05 09:00:00", "30", s, &format!("6010001{i:02}"), "\\N"))
        .collect();
    let log = read(&rows.join("\n")).unwrap();
    assert!(log.unknown.is_empty(), "{:?}", log.unknown);
    let read_as = |status: &str| -> Option<Disposition> {
        let i = DEFAULT_STATUSES.iter().position(|s| *s == status).unwrap();
        let number = format!("6010001{i:02}");
        log.attempts.iter().find(|a| a.number.national_digits() == number).map(|a| a.disposition)
    };
    // DNCL and DNCC: a do-not-call match in the hopper, never dialled (human_answered N): no attempt at all.
    assert_eq!((read_as("DNCL"), read_as("DNCC")), (None, None));
    assert_eq!(log.left_out["DNCL"].0, 1);
    // AFTHRS: human_answered Y, a person dropped after hours — not "no answer".
    assert_eq!(read_as("AFTHRS"), Some(Disposition::PersonDropped));
    assert_eq!(read_as("DNC"), Some(Disposition::Objected));
    for (status, d) in [
        ("CPDB", Disposition::Busy),
        ("CPDNA", Disposition::NoAnswer),
        ("CPDINV", Disposition::NotInService),
        ("CPDSV", Disposition::NotInService),
        ("AFAX", Disposition::NotInService),
    ] {
        assert_eq!(read_as(status), Some(d), "{status}");
    }
    for status in ["INCALL", "PU", "ERI", "CPDATB", "CPDERR", "ADCT", "NEW"] {
        assert_eq!(read_as(status), None, "{status} is counted, not read");
        assert_eq!(log.left_out[status].0, 1, "{status}");
    }
    assert_eq!(log.attempts.len() as u64 + log.left_out.values().map(|(n, _)| n).sum::<u64>(), 63);
}

#[test]
fn unknown_statuses_are_counted_and_refuse_the_file_only_when_they_are_most_of_it() {
    let row = |status: &str, i: usize| outfile_row("2026-01-05 09:00:00", "30", status, &format!("60100010{i}"), "\\N");
    let few = [row("NA", 1), row("SALE", 2), row("B", 3), row("MYDISP", 4), row("MYDISP", 5)].join("\n");
    let log = read(&few).unwrap();
    assert_eq!(log.unknown["MYDISP"], 2);
    assert_eq!(log.attempts.len(), 3);
    let plan = Plan::embedded("cz").unwrap();
    let fitted = calibrate(&log, &plan).to_scenario("log.csv", "cz");
    assert!(fitted.contains("left out 2 rows with statuses dialsim does not know: `MYDISP` ×2"), "{fitted}");
    let most = [row("NA", 1), row("ZZ", 2), row("MYDISP", 3), row("MYDISP", 4), row("SALE", 5)].join("\n");
    let e = read(&most).unwrap_err().to_string();
    assert!(e.starts_with("log.csv: 3 of 5 rows have a status dialsim does not know (`MYDISP` ×2, `ZZ` ×1)"), "{e}");
}

#[test]
fn talk_is_length_less_queue_seconds_and_not_length_alone() {
    // A vicidial_closer_log export (mysql -B) has queue_seconds: talk is length_in_sec less the wait.
    let text = "closecallid\tlead_id\tcall_date\tlength_in_sec\tstatus\tphone_code\tphone_number\tqueue_seconds\n\
                1\t7\t2026-01-05 10:00:00\t95\tSALE\t420\t601000001\t12.50\n\
                2\t8\t2026-01-05 10:01:00\t40\tNI\t420\t601000002\t0.00\n";
    let log = read(text).unwrap();
    let talk: Vec<(Option<f64>, Option<f64>)> = log.attempts.iter().map(|a| (a.talk_s, a.answered_s)).collect();
    assert_eq!(talk, vec![(Some(82.5), None), (Some(40.0), None)]);
    let plan = Plan::embedded("cz").unwrap();
    assert!(calibrate(&log, &plan).identified("agents.talk"));
    // Without it, length_in_sec is not talk: talk keeps its default and the span is reported as a bound.
    let log = read(&outfile_row("2026-01-05 10:02:00", "95", "SALE", "601000004", "\\N")).unwrap();
    let c = calibrate(&log, &plan);
    assert!(c.talk.is_none() && !c.identified("agents.talk"));
    let fitted = c.to_scenario("log.csv", "cz");
    assert!(!fitted.contains("\ntalk = "), "{fitted}");
    assert!(fitted.contains("agents.talk keeps its default: length_in_sec runs from pick-up to hang-up"), "{fitted}");
}

#[test]
fn a_byte_order_mark_does_not_hide_the_first_column_name() {
    let tab = format!(
        "\u{feff}{REPORT_HEADER}\r\n{}\r\n",
        report_row("2026-01-05 09:00:00", "601000001", "NA", "601000001", "0")
    );
    assert_eq!(read(&tab).unwrap().format, LogFormat::VicidialCallsReport);
    let dialsim = "\u{feff}call_id,number,attempt,dial_s,outcome,ring_s,wait_s,talk_s,wrap_s\n\
                   0,+420601000001,1,32400.000,busy,9.000,0.000,0.000,0.000\n";
    assert_eq!(read(dialsim).unwrap().format, LogFormat::Dialsim);
}

/// A day whose abandonment budget switches AMD off mid-day (`amd-off-then-progressive`, the default): a machine
/// answered while AMD was off reaches an agent without AMD having missed it. `amd.machine_detected` and
/// `amd.person_misdetected` rest on the calls AMD screened only, and give back the scenario's values (the old
/// reading counted every machine and gave about 0.53 for 0.85).
#[test]
fn amd_rates_rest_only_on_calls_amd_screened_when_the_budget_switches_it_off() {
    let dir = tempfile::tempdir().unwrap();
    // The default day, with AMD misdetections frequent enough to spend the budget before the day ends, and AMD
    // fast enough (1 s) to be used within the 2 s silence limit at all: at the default 3 s the budget keeps it
    // off all day.
    let set = ["--set", "amd.person_misdetected=0.035", "--set", "amd.detect_time=1.0"];
    ok_stdout(dir.path(), &[&["simulate", "--seed", "1", "-q", "-o", "run"][..], &set].concat());
    let calls = common::by_header(std::fs::read(dir.path().join("run/calls.csv")).unwrap());
    let count = |amd: &str, outcome: &dyn Fn(&str) -> bool| {
        calls.iter().filter(|r| r["amd"] == amd && outcome(&r["outcome"])).count() as u64
    };
    let machine = |o: &str| matches!(o, "machine" | "machine_message" | "machine_dropped");
    // The premise: both states in the log, and machines answered while AMD was off.
    assert!(count("on", &|_| true) > 0 && count("off", &|_| true) > 0, "AMD never switched off");
    assert!(count("off", &machine) > 0, "no machine answered while AMD was off");
    assert!(calls.iter().all(|r| matches!(r["amd"].as_str(), "on" | "off")));

    let plan = Plan::embedded("cz").unwrap();
    let text = std::fs::read(dir.path().join("run/calls.csv")).unwrap();
    let log = read_log("calls.csv", &text[..], &Normalizer::for_plan(&plan)).unwrap();
    let c = calibrate(&log, &plan);
    // Only the machines AMD screened (follow-ups left out, as the population's fit leaves them out).
    let screened_machines = calls
        .iter()
        .filter(|r| r["amd"] == "on" && machine(&r["outcome"]))
        .filter(|r| r["referral_of"].is_empty() && r["callback_of"].is_empty())
        .count() as u64;
    assert_eq!(c.all.machine_detected.n, screened_machines);
    assert_eq!(c.amd_screened, Some(count("on", &|_| true)));
    let truth = |key: &str| value_of(dialsim::DEFAULT_SCENARIO, "amd", key);
    for (key, p, truth) in [
        ("machine_detected", c.all.machine_detected, truth("machine_detected")),
        ("person_misdetected", c.all.person_misdetected, 0.035),
    ] {
        // Four standard errors: a harmless change to the draws does not trip it; counting the unscreened
        // machines (tens of standard errors off) does.
        let se = (truth * (1.0 - truth) / p.n as f64).sqrt();
        assert!((p.rate() - truth).abs() < 4.0 * se, "amd.{key}: {} of {} = {}, true {truth}", p.k, p.n, p.rate());
    }
}

/// A log that says AMD screened none of its calls tells nothing of AMD's rates: they keep their defaults, are
/// named as not identified, and the scenario written has AMD off.
#[test]
fn a_log_without_screened_calls_leaves_amd_rates_unidentified_and_amd_off() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["simulate", "--seed", "2", "-q", "-o", "run", "--set", "amd.enabled=false", "--set", "run.day_hours=2"];
    ok_stdout(dir.path(), &args);
    ok_stdout(dir.path(), &["calibrate", "run/calls.csv", "-o", "fitted.toml"]);
    let fitted = std::fs::read_to_string(dir.path().join("fitted.toml")).unwrap();
    for key in ["amd.machine_detected", "amd.person_misdetected"] {
        assert!(fitted.contains(&format!("# {key} keeps its default: the log says AMD screened none")), "{fitted}");
    }
    let scenario = Scenario::load(dir.path().join("fitted.toml").to_str().unwrap(), &[]).unwrap();
    assert!(!scenario.amd.enabled, "{fitted}");
    assert!(!fitted.contains("machine_detected ="), "{fitted}");
}

/// A calls.csv written before the `amd` column is still read: every answer counts as screened, and the notes
/// say so.
#[test]
fn a_calls_csv_without_the_amd_column_is_read_with_a_note() {
    let plan = Plan::embedded("cz").unwrap();
    let head = "call_id,number,attempt,dial_s,outcome,ring_s,wait_s,talk_s,wrap_s,agent,objection_offered,notice,referral_of,callback_of\n";
    let rows = "0,+420601000001,1,32400.000,machine,9.000,0.000,0.000,0.000,,,,,\n\
                1,+420601000002,1,32401.000,machine_message,9.000,0.000,20.000,0.000,1,,,,\n";
    let log = read_log("old.csv", format!("{head}{rows}").as_bytes(), &Normalizer::for_plan(&plan)).unwrap();
    assert!(log.attempts.iter().all(|a| a.amd.is_none()));
    let c = calibrate(&log, &plan);
    assert_eq!((c.all.machine_detected.k, c.all.machine_detected.n), (1, 2));
    assert_eq!(c.amd_screened, None);
    assert!(c.notes().iter().any(|n| n.contains("no amd column")), "{:?}", c.notes());
    // With the column, the machine answered while AMD was off is left out.
    let head = head.replace("callback_of\n", "callback_of,amd\n");
    let rows = "0,+420601000001,1,32400.000,machine,9.000,0.000,0.000,0.000,,,,,,on\n\
                1,+420601000002,1,32401.000,machine_message,9.000,0.000,20.000,0.000,1,,,,,off\n";
    let log = read_log("new.csv", format!("{head}{rows}").as_bytes(), &Normalizer::for_plan(&plan)).unwrap();
    let c = calibrate(&log, &plan);
    assert_eq!((c.all.machine_detected.k, c.all.machine_detected.n), (1, 1), "{rows}");
    assert_eq!(c.amd_screened, Some(1));
}
