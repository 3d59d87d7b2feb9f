//! The shipped plans are exactly what the derivation from libphonenumber produces, and plan loading rejects
//! malformed files with the file and line.
#[path = "../../examples/derive_plans/derive.rs"]
#[allow(dead_code)]
mod derive;

use dialsim::{Error, NumberType, Plan};

#[test]
fn committed_plans_equal_the_derivation_from_libphonenumber() {
    for (stem, region) in derive::SHIPPED {
        let committed = std::fs::read_to_string(format!("data/plans/{stem}.csv")).unwrap();
        assert!(committed == derive::plan_csv(region), "data/plans/{stem}.csv is stale: rerun the derivation");
    }
    let regions = std::fs::read_to_string("data/regions.csv").unwrap();
    assert!(regions == derive::regions_csv(), "data/regions.csv is stale");
}

#[test]
fn embedded_plans_load_and_record_their_source() {
    for name in Plan::embedded_names() {
        let plan = Plan::embedded(name).unwrap();
        assert!(plan.comments().iter().any(|c| c.contains("libphonenumber") && c.contains(derive::METADATA_VERSION)));
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
