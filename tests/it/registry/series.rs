//! `simulate --campaigns N --every D`: a series of campaigns against one registry, each reading what the
//! earlier ones wrote back, the same byte for byte from the same seed, on SQLite and PostgreSQL.

use super::*;

/// `simulate --campaigns 3 --every 7d` in folder `d` against `r`: series.csv.
fn series_of_three(d: &Path, r: &Reg) -> String {
    ok(d, r, &["registry", "init"]);
    ok(d, r, &["registry", "import", &data("opt-in.csv"), "--kind", "opt-in"]);
    let args =
        ["simulate", "--seed", "9", "--campaigns", "3", "--every", "7d", "-o", "series", "--set", MARKETING, "--set"];
    let out = ok(d, r, &[&args[..], &["run.day_hours=2"]].concat());
    let table = read(d.join("series/series.csv"));
    assert_eq!(String::from_utf8(out).unwrap(), table, "the table printed is the file");
    table
}

on_both!(a_series_of_campaigns_accumulates_in_sqlite, a_series_of_campaigns_accumulates_in_postgres, series);

fn series(d: &Path, r: &Reg) {
    let table = series_of_three(d, r);
    let rows = by_header(table.clone());
    assert_eq!(rows.len(), 3, "{table}");
    let days: Vec<&str> = rows.iter().map(|r| r["start_date"].as_str()).collect();
    assert_eq!(days, ["2026-01-05", "2026-01-12", "2026-01-19"]);
    let mut never: HashSet<String> = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["dialled_suppressed"], "0", "{table}");
        assert_eq!(row["suppressed_before"].parse::<usize>().unwrap(), never.len(), "campaign {}: {table}", i + 1);
        let run = d.join(format!("series/campaign-{:02}", i + 1));
        for call in by_header(read(run.join("calls.csv"))) {
            assert!(
                !never.contains(&call["number"]),
                "{} objected earlier, dialled in campaign {}",
                call["number"],
                i + 1
            );
        }
        let (objected, withdrawn, _) = outcomes(&run);
        assert!(!objected.is_empty(), "campaign {} heard objections: {table}", i + 1);
        never.extend(objected.into_iter().chain(withdrawn));
    }
    // The same seed gives the same series on a fresh registry, byte for byte.
    let again = tempfile::tempdir().unwrap();
    let fresh = if r.is_pg() { Reg::postgres("series_again").unwrap() } else { Reg::sqlite("dialsim.registry.sqlite") };
    assert_eq!(series_of_three(again.path(), &fresh), table);
    for f in ["calls.csv", "consents.jsonl"] {
        let path = format!("series/campaign-03/{f}");
        assert_eq!(read(d.join(&path)), read(again.path().join(&path)), "{path}");
    }
}

#[test]
fn a_series_is_the_same_on_sqlite_and_postgres() {
    let Some(pg) = Reg::postgres("series_same") else { return };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert_eq!(series_of_three(a.path(), &Reg::sqlite("dialsim.registry.sqlite")), series_of_three(b.path(), &pg));
}
