//! Exclusion: numbers written in real-world formats, Bloom filter files, suppression lists, and the guarantee
//! that no known number ever reaches a call list.
use crate::common;

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use dialsim::exclude::Source;
use dialsim::{
    CallList, ListFormat, ListRequest, Normalizer, Plan, Shard, exclude::Column, exclude::Exclusions,
    exclude::FilterParams, exclude::InputOptions, exclude::KnownFilter, exclude::SuppressionList,
};

fn cz() -> Normalizer {
    Normalizer::for_plan(&Plan::embedded("cz").unwrap())
}

#[test]
fn written_formats_normalise_to_one_number() {
    let n = cz();
    for written in [
        "+420 601 123 456",
        "00420601123456",
        "601123456",
        "601-123-456",
        "(601) 123 456",
        "601.123.456",
        "420601123456",
        "+420601123456",
        "  601 123 456 ",
        "+420\u{a0}601\u{a0}123\u{a0}456",
    ] {
        assert_eq!(n.parse(written).map(|x| x.to_string()), Ok("+420601123456".to_string()), "{written:?}");
    }
    let de = Normalizer::for_plan(&Plan::embedded("de").unwrap());
    for written in ["+49 (0)30 1234567", "030 1234567", "0049 30 1234567", "+49301234567"] {
        assert_eq!(de.parse(written).unwrap().to_string(), "+49301234567", "{written}");
    }
    let us = Normalizer::for_plan(&Plan::embedded("us").unwrap());
    for written in ["(202) 555-0143", "1-202-555-0143", "+1 202 555 0143", "011 1 202 555 0143"] {
        assert_eq!(us.parse(written).unwrap().to_string(), "+12025550143", "{written}");
    }
    // Another country's number keeps its own code.
    assert_eq!(n.parse("+421 905 123 456").unwrap().to_string(), "+421905123456");
    for (bad, why) in [
        ("n/a", "contains letters"),
        ("", "no digits"),
        ("123", "too few digits"),
        ("601 123 456 ext 12", "contains letters"),
        ("+999 123 456 789", "unknown country code"),
        ("601+123456", "'+' inside the number"),
        ("12345678901234567890123", "too many digits"),
    ] {
        assert_eq!(n.parse(bad), Err(why), "{bad:?}");
    }
}

/// `count` numbers of the list (every `step`-th position) written in five real-world formats, as CSV text
/// with a header and an extra column.
fn known_csv(list: &CallList, count: u64, step: u64) -> (String, Vec<u64>) {
    let mut text = String::from("id,phone,note\n");
    let mut keys = Vec::new();
    for i in 0..count {
        let n = list.number_at(i * step);
        keys.push(n.key());
        let d = n.national_digits();
        let written = match i % 5 {
            0 => format!("+420 {} {} {}", &d[..3], &d[3..6], &d[6..]),
            1 => format!("00420{d}"),
            2 => d.clone(),
            3 => format!("{}-{}-{}", &d[..3], &d[3..6], &d[6..]),
            _ => format!("\"({}) {} {}\"", &d[..3], &d[3..6], &d[6..]),
        };
        writeln!(text, "{i},{written},x").unwrap();
    }
    (text, keys)
}

fn read_filter(csv: &str, fp_rate: f64) -> KnownFilter {
    let options = InputOptions { strict: true, ..InputOptions::new(cz()) };
    let read = options.read("known.csv", csv.as_bytes()).unwrap();
    let params = FilterParams { fp_rate, expected: None, seed: Some(3), threads: 2, country_code: 420 };
    KnownFilter::build(read.keys, &params, vec![read.stats]).unwrap()
}

fn generate(list: &CallList, ex: &Exclusions, count: u64, shard: Shard, threads: usize) -> Vec<u8> {
    let req = ListRequest { start: 0, count: Some(count), shard, format: ListFormat::Txt, threads };
    let mut out = Vec::new();
    list.write(&req, ex, &mut out, &mut |_| {}).unwrap();
    out
}

#[test]
fn no_known_number_ever_reaches_a_list() {
    // 1,000,000 known numbers at every 4th position of the list, written in mixed formats.
    let list = common::list("cz", 2026);
    let (csv, keys) = known_csv(&list, 1_000_000, 4);
    let filter = read_filter(&csv, 0.01);
    assert_eq!(filter.meta().entries, 1_000_000);
    assert!(keys.iter().all(|&k| filter.contains_key(k)), "a Bloom filter has no false negatives");
    let mut ex = Exclusions::new();
    ex.push("known", Source::Filter(filter));

    let out = generate(&list, &ex, 2_000_000, Shard::WHOLE, 2);
    let text = String::from_utf8(out.clone()).unwrap();
    let known: HashSet<String> = keys.iter().map(|k| format!("+{k}")).collect();
    let listed: HashSet<&str> = text.lines().collect();
    assert_eq!(text.lines().count(), 2_000_000);
    assert_eq!(listed.len(), 2_000_000, "numbers repeat");
    assert!(listed.iter().all(|n| !known.contains(*n)), "a known number reached the list");
    assert!(out == generate(&list, &ex, 2_000_000, Shard::WHOLE, 1), "thread count changed the bytes");
    assert!(out == generate(&list, &ex, 2_000_000, Shard::WHOLE, 2), "a rerun changed the bytes");

    let a = generate(&list, &ex, 2_000_000, Shard { index: 1, count: 2 }, 2);
    let b = generate(&list, &ex, 2_000_000, Shard { index: 2, count: 2 }, 2);
    let (a, b) = (String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
    let sa: HashSet<&str> = a.lines().collect();
    let sb: HashSet<&str> = b.lines().collect();
    assert_eq!(sa.len() + sb.len(), 2_000_000, "the two shards together hold -n numbers");
    assert!(sa.is_disjoint(&sb), "shards overlap");
    assert!(sa.iter().chain(sb.iter()).all(|n| !known.contains(*n)));

    // The same numbers in a filter sized for 3 M (a 5.4 MB bitmap, checked by the pipeline that overlaps
    // memory reads, where the 1.2 MB one above is checked key by key).
    let params =
        FilterParams { fp_rate: 0.001, expected: Some(3_000_000), seed: Some(6), threads: 2, country_code: 420 };
    let mut big = Exclusions::new();
    big.push("known", Source::Filter(KnownFilter::build(keys.clone(), &params, vec![]).unwrap()));
    let text = String::from_utf8(generate(&list, &big, 2_000_000, Shard::WHOLE, 2)).unwrap();
    assert_eq!(text.lines().count(), 2_000_000);
    assert!(text.lines().all(|n| !known.contains(n)), "a known number reached the list");
}

#[test]
fn false_positive_rate_matches_the_target() {
    let list = common::list("cz", 77);
    for target in [0.01, 0.001] {
        let (csv, _) = known_csv(&list, 500_000, 1);
        let filter = read_filter(&csv, target);
        // 1,000,000 fresh numbers: positions after the known ones.
        let fresh = 1_000_000u64;
        let positives = (500_000..500_000 + fresh).filter(|&p| filter.contains_key(list.number_at(p).key())).count();
        let m = filter.meta().bits as f64;
        let k = f64::from(filter.meta().hashes);
        let theory = (1.0 - (-k * 500_000.0 / m).exp()).powf(k);
        let sd = (theory * (1.0 - theory) * fresh as f64).sqrt();
        let expected = theory * fresh as f64;
        assert!(
            (positives as f64 - expected).abs() < 4.0 * sd + 1.0,
            "target {target}: {positives} false positives, theory {expected:.0} ± {sd:.0}"
        );
        assert!(theory < target * 1.2, "sized for {target} but theory says {theory}");
        assert!((filter.estimated_fp_rate() - theory).abs() < theory * 0.1);
    }
}

fn filter_bytes() -> Vec<u8> {
    let list = common::list("cz", 5);
    let (csv, _) = known_csv(&list, 300, 1);
    read_filter(&csv, 0.01).to_bytes()
}

#[test]
fn a_corrupted_byte_anywhere_in_a_filter_file_is_detected() {
    let good = filter_bytes();
    assert!(KnownFilter::from_bytes(Path::new("f.bloom"), good.clone()).is_ok());
    for i in 0..good.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[i] ^= flip;
            let err = KnownFilter::from_bytes(Path::new("f.bloom"), bad).expect_err("corruption not detected");
            assert!(err.to_string().starts_with("f.bloom: "), "{err}");
        }
    }
}

#[test]
fn a_truncated_or_foreign_file_is_rejected() {
    let good = filter_bytes();
    for len in 0..good.len() {
        let err = KnownFilter::from_bytes(Path::new("t.bloom"), good[..len].to_vec()).expect_err("truncation");
        assert!(err.to_string().contains("t.bloom"), "{err}");
    }
    let mut longer = good.clone();
    longer.push(0);
    assert!(KnownFilter::from_bytes(Path::new("t.bloom"), longer).is_err());
    let err = KnownFilter::from_bytes(Path::new("x.csv"), b"number\n+420601123456\n".to_vec()).unwrap_err();
    assert!(err.to_string().contains("not a dialsim filter file"), "{err}");
}

#[test]
fn filters_built_with_one_seed_do_not_depend_on_threads() {
    let list = common::list("cz", 8);
    let (csv, _) = known_csv(&list, 50_000, 3);
    let options = InputOptions { strict: true, ..InputOptions::new(cz()) };
    let keys = options.read("k.csv", csv.as_bytes()).unwrap().keys;
    let build = |threads| {
        let p = FilterParams { fp_rate: 0.001, expected: None, seed: Some(9), threads, country_code: 420 };
        let f = KnownFilter::build(keys.clone(), &p, vec![]).unwrap().to_bytes();
        // The bitmap (with the crate's header: seed and hash count) only: the metadata before it holds the
        // creation time, and the checksum after it covers that time.
        let meta_len = u32::from_le_bytes(f[12..16].try_into().unwrap()) as usize;
        f[16 + meta_len + 8..f.len() - 4].to_vec()
    };
    assert!(build(1) == build(2) && build(1) == build(3));
}

#[test]
fn suppression_lists_exclude_exactly_their_numbers() {
    let list = common::list("cz", 12);
    let suppressed: Vec<u64> = (0..1000).map(|i| list.number_at(i * 10).key()).collect();
    let mut ex = Exclusions::new();
    ex.push("objectors", Source::Suppression(SuppressionList::from_keys(suppressed.iter().copied())));
    let req = ListRequest { count: Some(20_000), format: ListFormat::Txt, threads: 2, ..Default::default() };
    let mut out = Vec::new();
    let summary = list.write(&req, &ex, &mut out, &mut |_| {}).unwrap();
    // Positions 0, 10, ..., 9990 are suppressed: exactly those 1000, and no others (no false positives).
    assert_eq!(summary.excluded, vec![1000]);
    assert_eq!(summary.scanned, 21_000);
    assert_eq!(summary.last_index, Some(20_999));
    let text = String::from_utf8(out).unwrap();
    let sup: HashSet<String> = suppressed.iter().map(|k| format!("+{k}")).collect();
    assert!(text.lines().all(|n| !sup.contains(n)));
}

/// With several sources, a chunk checked at once gives each number the verdict it gets alone: the first
/// source that holds it (a large filter, checked by the pipeline; an exact list; a small filter).
#[test]
fn chunk_checks_credit_the_first_source_like_single_checks() {
    use dialsim::Excluder;
    let list = common::list("cz", 21);
    let keys = |step: u64| (0..60_000 / step).map(|i| list.number_at(i * step).key()).collect::<Vec<_>>();
    // Sized for 3 M numbers, so the bitmap (5.4 MB) is large enough to be checked by the pipeline.
    let big = FilterParams { fp_rate: 0.001, expected: Some(3_000_000), seed: Some(3), threads: 2, country_code: 420 };
    let small = FilterParams { fp_rate: 0.01, expected: None, seed: Some(4), threads: 1, country_code: 420 };
    let mut ex = Exclusions::new();
    ex.push("big", Source::Filter(KnownFilter::build(keys(3), &big, vec![]).unwrap()));
    ex.push("exact", Source::Suppression(SuppressionList::from_keys(keys(5))));
    ex.push("small", Source::Filter(KnownFilter::build(keys(7), &small, vec![]).unwrap()));
    let numbers: Vec<_> = (0..70_000).map(|p| list.number_at(p)).collect();
    let mut verdicts = Vec::new();
    ex.excluded_each(&numbers, &mut verdicts);
    let alone: Vec<_> = numbers.iter().map(|n| ex.excluded(n)).collect();
    assert!(verdicts == alone);
    let credited = |source| verdicts.iter().filter(|&&v| v == Some(source)).count();
    // Positions below 60 000: multiples of 3 (the big filter's false positives are ~0 at 2/3 % of its
    // capacity), of 5 but not 3, of 7 but neither (4 571, plus about 1 % of the 42 000 others).
    assert_eq!((credited(0), credited(1)), (20_000, 8_000));
    assert!((4_571..5_300).contains(&credited(2)), "{}", credited(2));
}

#[test]
fn a_space_that_runs_out_stops_with_what_it_found() {
    let plan = Plan::embedded("cz").unwrap();
    let sel = dialsim::Selection { types: vec![], prefixes: vec!["6011".into()], lengths: vec![] };
    let list = CallList::new(dialsim::NumberSpace::new(&plan, &sel).unwrap(), 1);
    let mut ex = Exclusions::new();
    ex.push("half", Source::Suppression(SuppressionList::from_keys((0..50_000).map(|i| list.number_at(i).key()))));
    let req = ListRequest { count: Some(100_000), format: ListFormat::Txt, threads: 2, ..Default::default() };
    let mut out = Vec::new();
    let summary = list.write(&req, &ex, &mut out, &mut |_| {}).unwrap();
    assert!(summary.exhausted());
    assert_eq!((summary.written, summary.requested, summary.excluded[0]), (50_000, 100_000, 50_000));
}

#[test]
fn inputs_with_and_without_headers_pick_the_number_column() {
    let options = |columns| InputOptions { columns, max_rejected: 0.5, ..InputOptions::new(cz()) };
    let no_header = "C1,601123456,2019\nC2,602123456,2020\n";
    let read = options(vec![]).read("a.csv", no_header.as_bytes()).unwrap();
    assert_eq!(read.keys, vec![420601123456, 420602123456]);
    let ids_first = "1001,Jan,601123456\n1002,Eva,602 123 456\n";
    let read = options(vec![]).read("b.csv", ids_first.as_bytes()).unwrap();
    assert_eq!(read.keys, vec![420601123456, 420602123456], "a short id column is not the number column");
    let header = "name;x\nTel,Other\n";
    let err = options(vec![Column::Name("phone".into())]).read("c.csv", header.as_bytes()).unwrap_err();
    assert!(err.to_string().starts_with("c.csv:1: no column named 'phone'"), "{err}");
    let by_index = "a,b\nx,+420601123456\n";
    let read = options(vec!["2".parse().unwrap()]).read("d.csv", by_index.as_bytes()).unwrap();
    assert_eq!(read.keys, vec![420601123456]);
    let strict = InputOptions { strict: true, ..InputOptions::new(cz()) };
    let err = strict.read("e.csv", "phone\n601123456\nn/a\n".as_bytes()).unwrap_err();
    assert_eq!(err.to_string(), "e.csv:3: 'n/a' is not a phone number: contains letters");
    let lax = options(vec![]).read("e.csv", "phone\n601123456\nn/a\n".as_bytes()).unwrap();
    assert_eq!((lax.stats.rows, lax.stats.numbers, lax.stats.rejected), (2, 1, 1));
    assert_eq!(lax.rejects[0].line, 3);
}

#[test]
fn filter_commands_build_inspect_check_and_exclude() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = env!("CARGO_MANIFEST_DIR");
    let known: Vec<String> = ["customers", "purchased-list", "dnc-register", "objectors"]
        .iter()
        .map(|n| format!("{root}/data/known/{n}.csv"))
        .collect();
    let mut args = vec!["filter", "build", "-o", "known.bloom", "--seed", "4"];
    args.extend(known.iter().map(String::as_str));
    let out = common::dialsim(d, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("customers.csv:2004: 'unknown' (contains letters)"), "{stderr}");
    let info = String::from_utf8(common::ok_stdout(d, &["filter", "info", "known.bloom"])).unwrap();
    assert!(info.contains("entries         6700"), "{info}");
    assert!(info.contains("dnc-register.csv: 3000 rows, 3000 numbers"), "{info}");
    assert!(info.contains("hashed once (probe formula proven against the bloomfilter crate at load)"), "{info}");

    // A number from the customer file in another format is known; a made-up one is not (at fp 0.001).
    let customers = std::fs::read_to_string(&known[0]).unwrap();
    let first = customers.lines().nth(2).unwrap().rsplit(',').next().unwrap().replace("+420 ", "");
    let check = common::dialsim(d, &["filter", "check", "known.bloom", &first, "+420 601 000 000", "oops"]);
    let text = String::from_utf8(check.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with("\tknown") && lines[1].ends_with("\tnot known"), "{text}");
    assert!(lines[2].contains("not a phone number"));
    assert_eq!(check.status.code(), Some(1));

    // The examples were drawn from the CZ list with seed 20240101: generating it hits them, and skips them.
    let objectors = format!("{root}/data/known/objectors.csv");
    let gen_args = ["generate", "-n", "300000", "--seed", "20240101", "--format", "txt", "--exclude", "known.bloom"];
    let mut with_sup = gen_args.to_vec();
    with_sup.extend(["--suppress", &objectors]);
    let out = common::dialsim(d, &with_sup);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("excluded") && stderr.contains("known.bloom"), "{stderr}");
    let listed: HashSet<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect();
    assert_eq!(listed.len(), 300_000);
    let normalizer = cz();
    for file in &known {
        let options = InputOptions::new(normalizer.clone());
        for k in options.read_path(file).unwrap().keys {
            assert!(!listed.contains(&format!("+{k}")), "{k} from {file} was listed");
        }
    }

    // Corrupt one byte in the middle, then truncate: both commands refuse the file.
    let path = d.join("known.bloom");
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x10;
    std::fs::write(d.join("bad.bloom"), &bytes).unwrap();
    std::fs::write(d.join("short.bloom"), &bytes[..bytes.len() - 100]).unwrap();
    for file in ["bad.bloom", "short.bloom"] {
        for args in [vec!["filter", "info", file], vec!["generate", "-n", "5", "--exclude", file]] {
            let out = common::dialsim(d, &args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
            assert!(
                stderr.contains(file) && (stderr.contains("corrupted") || stderr.contains("truncated")),
                "{stderr}"
            );
            assert!(out.stdout.is_empty(), "{args:?} wrote to stdout before failing");
        }
    }
}

#[test]
fn filter_build_strict_and_missing_inputs_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("k.csv"), "phone\n601123456\nn/a\n").unwrap();
    let out = common::dialsim(d, &["filter", "build", "-o", "k.bloom", "--strict", "k.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("k.csv:3: 'n/a' is not a phone number"));
    assert!(!d.join("k.bloom").exists(), "a failed build must not leave a file");
    let out = common::dialsim(d, &["filter", "build", "-o", "k.bloom", "missing.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.csv"));
    let out = common::dialsim(d, &["filter", "build", "-o", "k.bloom", "--fp-rate", "1.5", "k.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("false-positive rate 1.5 must be at least 1e-15 and below 1")
    );
}

/// A large file read in pieces on several threads gives exactly what one thread reads: keys in order, counts,
/// the first rejected rows with their lines, the line of a strict-mode error; a quoted field spanning lines
/// makes it fall back to one thread, with the same result.
#[test]
fn a_file_read_in_pieces_equals_one_read() {
    let dir = tempfile::tempdir().unwrap();
    let list = common::list("cz", 11);
    let mut text = String::from("# exported 2026-11-28\r\nid,Phone,name\r\n");
    for i in 0..700_000u64 {
        let d = list.number_at(i).national_digits();
        match i % 7 {
            0 => writeln!(text, "{i},+420 {} {} {},a", &d[..3], &d[3..6], &d[6..]),
            1 => writeln!(text, "{i},00420{d},\"b, c\""),
            2 => writeln!(text, "{i}, {}-{}-{} ,", &d[..3], &d[3..6], &d[6..]),
            3 => writeln!(text, "{i},\"({}) {} {}\",d", &d[..3], &d[3..6], &d[6..]),
            // Rows that are not numbers, all in the last third: their lines come from the later pieces.
            4 if i > 500_000 && i % 1001 == 4 => writeln!(text, "{i},not a number,e"),
            5 if i % 50_001 == 5 => writeln!(text, "\n# comment {i}\n{i},{d},f"),
            _ => writeln!(text, "{i},{d},g\r"),
        }
        .unwrap();
    }
    assert!(text.len() > 9 << 20, "the file must be large enough to be split");
    let options = InputOptions::for_plan(&Plan::embedded("cz").unwrap());
    let same = |path: &Path, parts: usize| {
        let p = path.to_str().unwrap();
        let (one, many) = (options.read_path(p).unwrap(), options.read_path_parallel(p, parts).unwrap());
        assert_eq!(one.stats, many.stats, "{parts} parts");
        assert_eq!(one.rejects, many.rejects, "{parts} parts");
        assert!(one.keys == many.keys, "{parts} parts: keys differ");
        one
    };
    let plain = dir.path().join("plain.csv");
    std::fs::write(&plain, &text).unwrap();
    for parts in [2, 3, 7] {
        let read = same(&plain, parts);
        assert_eq!(read.stats.rows, 700_000);
        assert_eq!(read.stats.rejected, (500_001..700_000u64).filter(|i| i % 1001 == 4).count() as u64);
        assert_eq!(read.rejects.len(), 5);
    }
    // Strict mode: the first bad row, with its line in the whole file.
    let strict = InputOptions { strict: true, ..options.clone() };
    let p = plain.to_str().unwrap();
    let (one, many) = (strict.read_path(p).unwrap_err().to_string(), strict.read_path_parallel(p, 3).unwrap_err());
    assert_eq!(one, many.to_string());
    let first_bad = text[..text.find("not a number").unwrap()].matches('\n').count() + 1;
    assert!(one.contains(&format!("plain.csv:{first_bad}: 'not a number'")), "{one}");
    // A quoted field holding a newline, placed so that the cut of two pieces (after the first newline past the
    // middle) falls inside it: the pieces see a line with an odd number of quotes and one thread reads again.
    let field = format!("999,\"+420 601{}\n123 456\",h\n", " ".repeat(40_000));
    let middle = (text.len() + field.len()) / 2;
    let at = middle - 30_000 + text[middle - 30_000..].find('\n').unwrap() + 1;
    assert!(at < middle && middle < at + 40_000);
    let spanning = format!("{}{field}{}", &text[..at], &text[at..]);
    let quoted = dir.path().join("quoted.csv");
    std::fs::write(&quoted, spanning).unwrap();
    same(&quoted, 2);
    same(&quoted, 3);
}

/// A known database of `rows` rows in several written formats, more than 8 MiB (so that it is read in pieces
/// on several threads): repeated numbers, other countries' numbers, values that are not numbers, empty rows,
/// and, with `multiline`, quoted notes spanning lines (which make a file read in pieces be read again whole).
fn mixed_database(rows: u64, multiline: bool) -> String {
    let mut csv = String::from("id;phone;note\n");
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for i in 0..rows {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let n = 600_000_000 + (x >> 40) % 140_000_000;
        let (a, b, c) = (n / 1_000_000, n / 1000 % 1000, n % 1000);
        let phone = match i % 9 {
            0 => format!("+420 {a} {b:03} {c:03}"),
            1 => format!("{a}-{b:03}-{c:03}"),
            2 => format!("00420{n}"),
            3 => format!("+44 7700 900{:03}", i % 1000),
            4 => "n/a".repeat(usize::from(i % 900 == 4)),
            5 => format!("+420 {}", 600_000_000 + i % 5000),
            6 => format!("2{:08}", (x >> 20) % 100_000_000),
            _ => n.to_string(),
        };
        let note = if multiline && i % 50_000 == 7 { "\"called\nno answer\"" } else { "ok" };
        writeln!(csv, "{i};{phone};{note}").unwrap();
    }
    csv
}

/// The filter's bytes with the creation time left out (two builds may straddle a second).
fn filter_parts(f: &KnownFilter) -> (dialsim::exclude::FilterMeta, Vec<u8>) {
    let bytes = f.to_bytes();
    let bitmap = bytes[bytes.len() - 4 - (f.meta().bits / 8) as usize..bytes.len() - 4].to_vec();
    let meta = dialsim::exclude::FilterMeta { created: String::new(), ..f.meta().clone() };
    (meta, bitmap)
}

#[test]
fn the_streaming_build_gives_the_bytes_of_the_build_from_every_key_whatever_the_threads() {
    use dialsim::exclude::{KnownKeys, build_filter, build_filter_from, read_inputs, read_inputs_into};
    let dir = tempfile::tempdir().unwrap();
    let (big, small) = (dir.path().join("big.csv"), dir.path().join("small.csv"));
    std::fs::write(&big, mixed_database(420_000, false)).unwrap();
    std::fs::write(&small, mixed_database(3_000, false)).unwrap();
    let options = InputOptions { max_rejected: 0.05, ..InputOptions::for_plan(&Plan::embedded("cz").unwrap()) };
    let params = |threads| FilterParams { fp_rate: 0.01, expected: None, seed: Some(9), threads, country_code: 420 };
    for inputs in [vec![big.display().to_string()], vec![small.display().to_string(), big.display().to_string()]] {
        let reads: Vec<_> = read_inputs(&inputs, &options, 1, &|_, _| {}).into_iter().map(Result::unwrap).collect();
        let old = build_filter(reads, &params(1)).unwrap();
        assert!(old.rejected > 0 && old.numbers > old.filter.meta().entries, "rejected values and repeats");
        let expected = filter_parts(&old.filter);
        for threads in [1, 2, 3] {
            let layouts = [
                ("bitmap", KnownKeys::with_bitmap(&options)),
                ("keys", KnownKeys::without_bitmap()),
                ("chosen", KnownKeys::for_inputs(&inputs, &options)),
            ];
            for (layout, keys) in layouts {
                let reads = read_inputs_into(&inputs, &options, threads, &|_, _| {}, &keys);
                let reads: Vec<_> = reads.into_iter().map(Result::unwrap).collect();
                assert!(reads.iter().all(|r| r.keys.is_empty()));
                let new = build_filter_from(keys, reads, &params(threads)).unwrap();
                let what = format!("{} inputs, {threads} threads, {layout}", inputs.len());
                assert_eq!((new.rows, new.numbers, new.rejected), (old.rows, old.numbers, old.rejected), "{what}");
                assert!(filter_parts(&new.filter) == expected, "{what}: the filter differs");
            }
        }
    }
}

/// A bitmap large enough to be filled by regions on several threads (4.8 MB, above the 4 MiB under which keys
/// are set one by one) holds exactly the bits the `bloomfilter` crate's own insertions set, whatever the
/// threads and however the keys were gathered: the inputs hold rejected values, repeats and other countries'
/// numbers.
#[test]
fn a_bitmap_filled_by_regions_on_any_threads_is_the_crates() {
    use dialsim::exclude::{KnownKeys, build_filter_from, read_inputs, read_inputs_into};
    let dir = tempfile::tempdir().unwrap();
    let (big, small) = (dir.path().join("big.csv"), dir.path().join("small.csv"));
    std::fs::write(&big, mixed_database(420_000, false)).unwrap();
    std::fs::write(&small, mixed_database(3_000, false)).unwrap();
    let inputs = [small.display().to_string(), big.display().to_string()];
    let options = InputOptions { max_rejected: 0.05, ..InputOptions::for_plan(&Plan::embedded("cz").unwrap()) };
    let params =
        |threads| FilterParams { fp_rate: 0.01, expected: Some(4_000_000), seed: Some(5), threads, country_code: 420 };
    let reads: Vec<_> = read_inputs(&inputs, &options, 1, &|_, _| {}).into_iter().map(Result::unwrap).collect();
    let every: Vec<u64> = reads.iter().flat_map(|r| r.keys.iter().copied()).collect();
    let rejected: u64 = reads.iter().map(|r| r.stats.rejected).sum();
    assert!(rejected > 0 && every.iter().any(|k| !(420_000_000_000..421_000_000_000).contains(k)));
    let mut expected = None;
    for threads in [1, 2, 3] {
        for (layout, keys) in [("bitmap", KnownKeys::with_bitmap(&options)), ("keys", KnownKeys::without_bitmap())] {
            let reads = read_inputs_into(&inputs, &options, threads, &|_, _| {}, &keys);
            let reads: Vec<_> = reads.into_iter().map(Result::unwrap).collect();
            let built = build_filter_from(keys, reads, &params(threads)).unwrap();
            let (meta, bitmap) = filter_parts(&built.filter);
            assert!(meta.bits / 8 > 4 << 20, "{} bytes", meta.bits / 8);
            assert!(meta.entries < every.len() as u64, "repeats");
            let expected = expected.get_or_insert_with(|| {
                let seed: Vec<u8> =
                    (0..32).map(|i| u8::from_str_radix(&meta.seed[2 * i..2 * i + 2], 16).unwrap()).collect();
                let mut bloom = bloomfilter::Bloom::<u64>::new_with_seed(
                    (meta.bits / 8) as usize,
                    meta.capacity as usize,
                    &seed.try_into().unwrap(),
                )
                .unwrap();
                every.iter().for_each(|k| bloom.set(k));
                assert_eq!(bloom.number_of_hash_functions(), meta.hashes);
                bloom.as_slice()[bloom.as_slice().len() - bitmap.len()..].to_vec()
            });
            assert!(bitmap == *expected, "{threads} threads, {layout}: the bitmap differs from the crate's");
        }
    }
}

#[test]
fn a_file_read_again_whole_is_gathered_once_into_the_streaming_build() {
    use dialsim::exclude::{KnownKeys, build_filter, build_filter_from, read_inputs, read_inputs_into};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.csv");
    std::fs::write(&path, mixed_database(420_000, true)).unwrap();
    let inputs = [path.display().to_string()];
    let options = InputOptions { max_rejected: 0.05, ..InputOptions::for_plan(&Plan::embedded("cz").unwrap()) };
    let params = FilterParams { fp_rate: 0.01, expected: None, seed: Some(4), threads: 2, country_code: 420 };
    let reads: Vec<_> = read_inputs(&inputs, &options, 1, &|_, _| {}).into_iter().map(Result::unwrap).collect();
    let old = build_filter(reads, &params).unwrap();
    for keys in [KnownKeys::with_bitmap(&options), KnownKeys::without_bitmap()] {
        // Three pieces: the notes spanning lines make the file be read again on one thread, after the pieces
        // gathered their keys (which the keys forget first).
        let reads = read_inputs_into(&inputs, &options, 3, &|_, _| {}, &keys);
        let reads: Vec<_> = reads.into_iter().map(Result::unwrap).collect();
        let new = build_filter_from(keys, reads, &params).unwrap();
        assert_eq!((new.rows, new.numbers, new.rejected), (old.rows, old.numbers, old.rejected));
        assert!(filter_parts(&new.filter) == filter_parts(&old.filter), "the filter differs");
    }
}

#[test]
fn a_large_input_of_the_plans_numbers_is_gathered_as_bits_and_a_small_one_as_keys() {
    use dialsim::exclude::KnownKeys;
    let dir = tempfile::tempdir().unwrap();
    let options = InputOptions::for_plan(&Plan::embedded("cz").unwrap());
    let small = dir.path().join("small.csv");
    std::fs::write(&small, mixed_database(100, false)).unwrap();
    assert!(!KnownKeys::for_inputs(&[small.display().to_string()], &options).has_bitmap());
    // Larger than the bitmap of the Czech plan's ranges (about 50 MB): a sparse file will do.
    let large = dir.path().join("large.csv");
    std::fs::File::create(&large).unwrap().set_len(80 << 20).unwrap();
    assert!(KnownKeys::for_inputs(&[large.display().to_string()], &options).has_bitmap());
    assert!(!KnownKeys::for_inputs(&["-".to_string()], &options).has_bitmap(), "stdin counts for nothing");
}
