//! The shipped plans are exactly what `dialsim plan derive` makes of libphonenumber's metadata, the derivation
//! reads a hand-written metadata file as libphonenumber would and refuses a broken one with its file and line,
//! and plan loading rejects malformed files with the file and line.
use crate::common;

#[path = "../../examples/derive_plans/derive.rs"]
#[allow(dead_code)]
pub(crate) mod derive;

use dialsim::plan_derive::{self, Metadata};
use dialsim::{Error, NumberType, Plan};

const SMALL: &str = "tests/data/metadata-small.xml";

#[test]
fn committed_plans_equal_the_derivation_from_libphonenumber() {
    let meta = derive::metadata();
    for (stem, region) in derive::SHIPPED {
        let committed = std::fs::read_to_string(format!("data/plans/{stem}.csv")).unwrap();
        assert!(
            committed == derive::plan_csv(&meta, region),
            "data/plans/{stem}.csv is stale: rerun `cargo run --example derive_plans -- data`"
        );
    }
    let regions = std::fs::read_to_string("data/regions.csv").unwrap();
    assert!(regions == derive::regions_csv(&meta), "data/regions.csv is stale");
}

#[test]
fn plan_derive_on_the_committed_metadata_writes_the_embedded_plans_byte_for_byte() {
    let d = tempfile::tempdir().unwrap();
    let gz = derive::metadata_path();
    let gz = gz.to_str().unwrap();
    // The gzip file is read as it is; the version comes from its name (PhoneNumberMetadata-9.0.35.xml.gz).
    for (stem, region) in derive::SHIPPED {
        common::ok_stdout(d.path(), &["plan", "derive", gz, "--region", region, "-o", "p.csv"]);
        let written = std::fs::read(d.path().join("p.csv")).unwrap();
        assert!(written == std::fs::read(format!("data/plans/{stem}.csv")).unwrap(), "{stem}");
    }
    let regions = common::ok_stdout(d.path(), &["plan", "derive", gz, "--regions"]);
    assert_eq!(regions, std::fs::read("data/regions.csv").unwrap());
    // The same file decompressed derives the same rows (the header names the file it was given).
    std::fs::write(d.path().join("PhoneNumberMetadata.xml"), derive::metadata_xml()).unwrap();
    let plain = common::ok_stdout(
        d.path(),
        &[
            "plan",
            "derive",
            "PhoneNumberMetadata.xml",
            "--region",
            "CZ",
            "--metadata-version",
            derive::METADATA_VERSION,
        ],
    );
    let rows = |t: &[u8]| String::from_utf8(t.to_vec()).unwrap().lines().filter(|l| !l.starts_with('#')).count();
    assert_eq!(rows(&plain), rows(&std::fs::read("data/plans/cz.csv").unwrap()));
    // A file cut short inside its gzip stream is refused with its name, never half read.
    let bytes = std::fs::read(derive::metadata_path()).unwrap();
    std::fs::write(d.path().join("cut.xml.gz"), &bytes[..bytes.len() / 2]).unwrap();
    let out = common::dialsim(d.path(), &["plan", "derive", "cut.xml.gz", "--region", "CZ"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("cut.xml.gz") && !stderr.contains("panicked"), "{stderr}");
}

/// NPA 274, 472 and 983 opened after libphonenumber 9.0.33: the US plan holds their blocks as the committed
/// metadata has them (274-2xx to 274-9xx, 472-2xx/3xx/4xx/7xx/8xx/9xx, 983-2xx to 983-5xx and 983-7xx to
/// 983-9xx), and their numbers are generated.
#[test]
fn the_us_plan_holds_the_area_codes_opened_after_9_0_33() {
    let plan = Plan::embedded("us").unwrap();
    let space = dialsim::NumberSpace::new(&plan, &dialsim::Selection::default()).unwrap();
    let has = |npa: u64, exchange: u64| {
        let n =
            dialsim::PhoneNumber { country_code: 1, national: npa * 10_000_000 + exchange * 10_000 + 1234, length: 10 };
        space.index_of(&n).is_some()
    };
    for exchange in 200..1000 {
        assert!(has(274, exchange), "274-{exchange} is missing from the US plan");
    }
    for d in [2, 3, 4, 7, 8, 9] {
        assert!(has(472, d * 100 + 55), "472-{d}xx");
    }
    for d in [2, 3, 4, 5, 7, 8, 9] {
        assert!(has(983, d * 100 + 55), "983-{d}xx");
    }
    // Exchanges never start with 0 or 1 in the NANP.
    assert!(!has(274, 155) && !has(983, 55));
    assert_eq!(plan.metadata_version(), Some(derive::METADATA_VERSION));
}

#[test]
fn a_small_metadata_file_derives_by_libphonenumbers_type_precedence() {
    let meta = Metadata::load(SMALL).unwrap();
    let cz = plan_derive::plan_csv(&meta, &["CZ".into()], "0.0.1").unwrap();
    let rows: Vec<&str> = cz.lines().filter(|l| !l.starts_with('#')).collect();
    let mut expected = vec!["region,type,prefix,length", "CZ,fixedLine,2,9"];
    expected.extend(["CZ,mobile,601,9", "CZ,mobile,602,9", "CZ,mobile,603,9"]);
    let mobile_72: Vec<String> = (0..9).map(|d| format!("CZ,mobile,72{d},9")).collect();
    expected.extend(mobile_72.iter().map(String::as_str));
    // 729 is premium rate: it wins over the mobile pattern 72x.
    expected.extend(["CZ,premiumRate,729,9", "CZ,mobile,73,9", "CZ,tollFree,800,9"]);
    assert_eq!(rows, expected);
    assert!(cz.contains("# metadata: libphonenumber 0.0.1 (metadata-small.xml)"), "{cz}");
    let plan = Plan::parse("cz-small.csv", cz.as_bytes()).unwrap();
    assert_eq!(plan.metadata_version(), Some("0.0.1"));
    assert_eq!(plan.counts()[&NumberType::Mobile], 3_000_000 + 9_000_000 + 10_000_000);
    // One pattern for fixed and mobile: fixedLineOrMobile, for each possible length of the range [6-7].
    let sk = plan_derive::plan_csv(&meta, &["SK".into()], "0.0.1").unwrap();
    let rows: Vec<&str> = sk.lines().filter(|l| !l.starts_with('#')).skip(1).collect();
    assert_eq!(rows, ["SK,fixedLineOrMobile,2,6", "SK,fixedLineOrMobile,2,7"]);
    // The region table leaves out the non-geographic entity 001 and keeps national prefixes.
    let regions = plan_derive::regions_csv(&meta, "0.0.1");
    let rows: Vec<&str> = regions.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(rows, ["region,country_code,national_prefix", "CZ,420,", "SK,421,0"]);
}

#[test]
fn plan_derive_writes_a_plan_that_loads_and_names_its_metadata_version() {
    let d = tempfile::tempdir().unwrap();
    let xml = std::fs::canonicalize(SMALL).unwrap();
    let args =
        ["plan", "derive", xml.to_str().unwrap(), "--region", "CZ", "--metadata-version", "9.9.9", "-o", "p.csv"];
    common::ok_stdout(d.path(), &args);
    let plan = Plan::load(d.path().join("p.csv")).unwrap();
    assert_eq!(plan.metadata_version(), Some("9.9.9"));
    let shown = String::from_utf8(common::ok_stdout(d.path(), &["plan", "show", "p.csv"])).unwrap();
    assert!(shown.contains("CZ,premiumRate,729,9,1000000"), "{shown}");
    // Without --metadata-version and a version in the path, the plan says it does not know.
    let out = common::ok_stdout(d.path(), &["plan", "derive", xml.to_str().unwrap(), "--region", "SK"]);
    assert!(String::from_utf8(out).unwrap().contains("# metadata: libphonenumber unknown"));
}

#[test]
fn plan_derive_refuses_to_write_over_its_metadata_and_leaves_it_whole() {
    let d = tempfile::tempdir().unwrap();
    let original = std::fs::read(SMALL).unwrap();
    std::fs::write(d.path().join("meta.xml"), &original).unwrap();
    for args in [
        &["plan", "derive", "meta.xml", "--regions", "-o", "meta.xml"][..],
        &["plan", "derive", "meta.xml", "--region", "CZ", "-o", "./meta.xml"],
    ] {
        let out = common::dialsim(d.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        // Before: status 0, and the metadata replaced by the table or plan derived from it.
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("the output is the same file as the input meta.xml"), "{args:?}: {err}");
        assert_eq!(std::fs::read(d.path().join("meta.xml")).unwrap(), original, "{args:?} changed its input");
    }
}

/// The error of deriving from metadata text `xml` (file `bad.xml`), from the library and from the binary.
fn derive_err(xml: &str, region: &str) -> (String, String) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("bad.xml"), xml).unwrap();
    let lib = Metadata::load(d.path().join("bad.xml"))
        .and_then(|m| plan_derive::plan_csv(&m, &[region.to_string()], "1.0.0"))
        .unwrap_err()
        .to_string();
    let out = common::dialsim(d.path(), &["plan", "derive", "bad.xml", "--region", region]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success() && out.status.code() != Some(101), "no clean failure: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    (lib, stderr)
}

#[test]
fn broken_metadata_is_refused_with_file_and_line_never_a_panic() {
    let head = "<phoneNumberMetadata>\n<territories>\n<territory id=\"CZ\" countryCode=\"420\">\n";
    let general = "<generalDesc><nationalNumberPattern>[2-8]\\d{8}</nationalNumberPattern></generalDesc>\n";
    let tail = "</territory>\n</territories>\n</phoneNumberMetadata>\n";
    // A closing tag that does not match (line 5).
    let (lib, cli) = derive_err(&format!("{head}{general}<mobile></fixedLine>\n{tail}"), "CZ");
    assert!(lib.contains("bad.xml:5:") && lib.contains("not well-formed"), "{lib}");
    assert!(cli.contains("bad.xml:5:"), "{cli}");
    // A file cut short inside a territory.
    let (lib, _) = derive_err(&format!("{head}{general}"), "CZ");
    assert!(lib.contains("bad.xml:") && lib.contains("ends inside"), "{lib}");
    // A pattern that does not compile names the descriptor's line and type.
    let mobile = "<mobile>\n<nationalNumberPattern>60(1\\d{6}</nationalNumberPattern>\n</mobile>\n";
    let (lib, cli) = derive_err(&format!("{head}{general}{mobile}{tail}"), "CZ");
    assert!(lib.contains("bad.xml:5: CZ mobile: the national-number pattern does not compile"), "{lib}");
    assert!(cli.contains("bad.xml:5: CZ mobile"), "{cli}");
    // Bad possible lengths, a missing country code, a region the file lacks, a file that is not metadata.
    let lengths =
        "<mobile><possibleLengths national=\"[9-\"/><nationalNumberPattern>6\\d{8}</nationalNumberPattern></mobile>\n";
    let (lib, _) = derive_err(&format!("{head}{general}{lengths}{tail}"), "CZ");
    assert!(lib.contains("bad.xml:5: possibleLengths"), "{lib}");
    let (lib, _) =
        derive_err("<phoneNumberMetadata>\n<territory id=\"CZ\">\n</territory>\n</phoneNumberMetadata>", "CZ");
    assert!(lib.contains("bad.xml:2: territory CZ has no countryCode"), "{lib}");
    let (lib, _) = derive_err(&format!("{head}{general}{tail}"), "SK");
    assert!(lib.contains("no territory 'SK'"), "{lib}");
    let (lib, _) = derive_err("<html><body>hello</body></html>", "CZ");
    assert!(lib.contains("no <territory> elements"), "{lib}");
}

#[test]
fn embedded_plans_load_and_record_their_source() {
    for name in Plan::embedded_names() {
        let plan = Plan::embedded(name).unwrap();
        assert!(plan.comments().iter().any(|c| c.contains("libphonenumber") && c.contains(derive::METADATA_VERSION)));
        assert_eq!(plan.metadata_version(), Some(derive::METADATA_VERSION));
        assert!(!plan.rows().is_empty());
    }
    let cz = Plan::embedded("cz").unwrap();
    assert_eq!(cz.country_code(), 420);
    // CZ mobile: 601-608 (8M), 7060 (100k), 702-705 (4M), 719 (1M), 72x/73x/77x/79x (40M).
    assert_eq!(cz.counts()[&NumberType::Mobile], 53_100_000);
}

fn parse_err(text: &str) -> String {
    match Plan::parse("my.csv", text.as_bytes()) {
        Err(e @ Error::Input { .. }) => e.to_string(),
        other => panic!("expected an input error, got {other:?}"),
    }
}

#[test]
fn malformed_plans_are_rejected_with_file_and_line() {
    let h = "# comment\nregion,type,prefix,length\n";
    assert!(parse_err(&format!("{h}CZ,mobile,60a,9\n")).starts_with("my.csv:3: prefix '60a' must be digits"));
    assert!(parse_err(&format!("{h}CZ,mobile,601,9\nCZ,cellphone,2,9\n")).starts_with("my.csv:4: unknown number type"));
    assert!(parse_err(&format!("{h}XX,mobile,601,9\n")).starts_with("my.csv:3: unknown region 'XX'"));
    assert!(parse_err(&format!("{h}CZ,mobile,6011234567,9\n")).contains("longer than the length"));
    assert!(parse_err(&format!("{h}CZ,mobile,601,nine\n")).starts_with("my.csv:3: length 'nine'"));
    assert!(parse_err(&format!("{h}CZ,mobile,601,30\n")).contains("out of range"));
    assert!(
        parse_err(&format!("{h}CZ,mobile,60,9\nCZ,mobile,7,9\nCZ,fixedLine,601,9\n"))
            .starts_with("my.csv:5: prefix '601' length 9 overlaps the row at line 3")
    );
    assert!(parse_err(&format!("{h}CZ,mobile,60,9\nCZ,mobile,60,9\n")).contains("repeats the row at line 3"));
    assert!(parse_err("region,kind,prefix,length\nCZ,mobile,60,9\n").starts_with("my.csv:1: expected the header"));
    assert!(parse_err(&format!("{h}CZ,mobile,60\n")).starts_with("my.csv:3:"));
    assert!(parse_err(h).contains("no rows"));
}

#[test]
fn same_prefix_with_other_length_or_country_is_not_an_overlap() {
    let text = "region,type,prefix,length\nCZ,mobile,60,9\nCZ,mobile,60,10\nSK,mobile,60,9\n";
    let plan = Plan::parse("ok.csv", text.as_bytes()).unwrap();
    assert_eq!(plan.rows().len(), 3);
    assert_eq!(plan.counts()[&NumberType::Mobile], 10_000_000 + 100_000_000 + 10_000_000);
}

#[test]
fn nanp_regions_sharing_a_country_code_cannot_overlap() {
    let text = "region,type,prefix,length\nUS,fixedLineOrMobile,212,10\nCA,fixedLineOrMobile,2125,10\n";
    assert!(Plan::parse("nanp.csv", text.as_bytes()).unwrap_err().to_string().contains("overlaps"));
}
