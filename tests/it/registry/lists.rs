//! Lists drawn against the registry: through its cached exclusion filter (rebuilt only when a write may have
//! changed the suppressions, never reused by a registry made anew), and exclusive lists that never share a
//! number, on SQLite and PostgreSQL.

use super::*;

/// The numbers of a CSV list (`number` column).
fn listed(path: &Path) -> HashSet<String> {
    by_header(read(path)).into_iter().map(|r| r["number"].clone()).collect()
}

/// A CSV of the numbers `+420601000NNN` for NNN in `range`.
fn numbers(d: &Path, name: &str, range: std::ops::Range<u32>) -> HashSet<String> {
    let set: HashSet<String> = range.map(|i| format!("+420601000{i:03}")).collect();
    let mut text = String::from("number\n");
    for n in &set {
        text.push_str(n);
        text.push('\n');
    }
    std::fs::write(d.join(name), text).unwrap();
    set
}

on_both!(
    lists_exclude_an_sqlite_registry_through_a_cache_rebuilt_when_it_changed,
    lists_exclude_a_postgres_registry_through_a_cache_rebuilt_when_it_changed,
    cached_exclusion
);

fn cached_exclusion(d: &Path, r: &Reg) {
    // The 1,000 numbers +420 601 000 000-999; the registry suppresses 100 of them, then 100 more.
    // `-n all` of a space the exclusions thin out ends with 3 (fewer numbers than the space holds).
    let list_of = |out: &str| {
        let o =
            run(d, r, &["generate", "-n", "all", "--prefix", "601000", "--type", "mobile", "--seed", "3", "-o", out]);
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        (listed(&d.join(out)), stderr(&o))
    };
    ok(d, r, &["registry", "init"]);
    let first = numbers(d, "first.csv", 0..100);
    ok(d, r, &["registry", "import", "first.csv", "--kind", "suppression"]);
    let (list, e) = list_of("a.csv");
    assert!(e.contains("filter of"), "the first list builds the cache: {e}");
    assert!(list.is_disjoint(&first), "a suppressed number was listed");
    assert!(list.len() >= 895, "{} of 900 fresh numbers listed", list.len());
    // The list issued is recorded, which changes no suppression: the cache stands.
    let (again, e) = list_of("b.csv");
    assert!(!e.contains("filter of"), "nothing suppressed changed, yet the cache was rebuilt: {e}");
    assert_eq!(again, list);
    // An import changes the suppressions: the cache is rebuilt and the new numbers leave the list.
    let second = numbers(d, "second.csv", 100..200);
    ok(d, r, &["registry", "import", "second.csv", "--kind", "suppression"]);
    let (list, e) = list_of("c.csv");
    assert!(e.contains("filter of"), "{e}");
    assert!(
        list.is_disjoint(&first) && list.is_disjoint(&second),
        "a number suppressed since the cache was built was listed"
    );
    // An import of opt-ins writes no suppression: the cache stands.
    numbers(d, "optin.csv", 500..510);
    ok(d, r, &["registry", "import", "optin.csv", "--kind", "opt-in"]);
    assert!(!list_of("d.csv").1.contains("filter of"));
}

#[test]
fn a_registry_made_anew_at_the_same_place_never_reuses_the_old_cache() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let r = Reg::sqlite("dialsim.registry.sqlite");
    let list_of = |out: &str| {
        let o =
            run(d, &r, &["generate", "-n", "all", "--prefix", "601000", "--type", "mobile", "--seed", "3", "-o", out]);
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        listed(&d.join(out))
    };
    ok(d, &r, &["registry", "init"]);
    numbers(d, "first.csv", 0..100);
    ok(d, &r, &["registry", "import", "first.csv", "--kind", "suppression"]);
    list_of("a.csv");
    // The same number of sources, the same ids: only the cache's stamp of time tells them apart.
    for f in ["dialsim.registry.sqlite", "dialsim.registry.sqlite-wal", "dialsim.registry.sqlite-shm"] {
        let _ = std::fs::remove_file(d.join(f));
    }
    ok(d, &r, &["registry", "init"]);
    let other = numbers(d, "other.csv", 300..400);
    ok(d, &r, &["registry", "import", "other.csv", "--kind", "suppression"]);
    assert!(list_of("b.csv").is_disjoint(&other), "the old registry's cache was used for the new one");
}

on_both!(exclusive_lists_never_share_a_number_in_sqlite, exclusive_lists_never_share_a_number_in_postgres, exclusive);

fn exclusive(d: &Path, r: &Reg) {
    ok(d, r, &["registry", "init"]);
    let draw = |n: &str, seed: &str, out: &str, exclusive: bool| {
        let mut args = vec!["generate", "-n", n, "--prefix", "601000", "--type", "mobile", "--seed", seed, "-o", out];
        if exclusive {
            args.push("--exclusive");
        }
        run(d, r, &args)
    };
    let a = draw("300", "1", "a.csv", true);
    assert!(a.status.success(), "{}", stderr(&a));
    let b = draw("300", "2", "b.csv", true);
    assert!(b.status.success(), "{}", stderr(&b));
    let (a, b) = (listed(&d.join("a.csv")), listed(&d.join("b.csv")));
    assert_eq!((a.len(), b.len()), (300, 300));
    assert!(a.is_disjoint(&b), "two open exclusive lists share numbers");
    // Any other list avoids both while they are open…
    let rest = draw("all", "3", "rest.csv", false);
    assert_eq!(rest.status.code(), Some(3), "{}", stderr(&rest));
    let rest = listed(&d.join("rest.csv"));
    assert!(rest.len() >= 395 && rest.is_disjoint(&a) && rest.is_disjoint(&b), "{} listed", rest.len());
    // … yet a campaign dials its own list's numbers: being issued is no objection.
    let list = format!("numbers.list=\"{}\"", d.join("a.csv").display());
    ok(d, r, &["simulate", "--seed", "1", "--out", "run", "--set", &list, "--set", "run.day_hours=1"]);
    let dialled: HashSet<String> =
        by_header(read(d.join("run/calls.csv"))).into_iter().map(|r| r["number"].clone()).collect();
    assert!(
        !dialled.is_empty() && dialled.is_subset(&a),
        "the campaign of list a dialled {} of its numbers",
        dialled.len()
    );
    // Closing a list frees its numbers for other lists.
    ok(d, r, &["registry", "close", "a.csv.manifest.json"]);
    let again = draw("all", "3", "again.csv", false);
    assert_eq!(again.status.code(), Some(3), "{}", stderr(&again));
    let again = listed(&d.join("again.csv"));
    assert!(again.is_disjoint(&b) && again.intersection(&a).count() > 250, "after closing a: {}", again.len());
    // Two processes issuing exclusive lists at once: each is issued or refused whole, never overlapping.
    ok(d, r, &["registry", "close", "b.csv.manifest.json"]);
    for round in 0..3 {
        let spawn = |seed: String, out: String| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
                .current_dir(d)
                .env("DIALSIM_CACHE_DIR", d.join("cache"))
                .args(with(r, &["generate", "-n", "400", "--prefix", "601000", "--type", "mobile", "--seed", &seed]))
                .args(["-o", &out, "--exclusive"])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (x, y) = (format!("x{round}.csv"), format!("y{round}.csv"));
        let children = [spawn(format!("{}", 10 + round), x.clone()), spawn(format!("{}", 20 + round), y.clone())];
        let mut issued = Vec::new();
        for (child, out) in children.into_iter().zip([&x, &y]) {
            let o = child.wait_with_output().unwrap();
            if o.status.success() {
                issued.push((out.clone(), listed(&d.join(out))));
            } else {
                assert!(stderr(&o).contains("draw the list again"), "{}", stderr(&o));
                assert!(!d.join(out).exists(), "a refused list was written");
            }
        }
        assert!(!issued.is_empty(), "round {round}: neither list was issued");
        if let [(_, p), (_, q)] = &issued[..] {
            assert!(p.is_disjoint(q), "round {round}: two exclusive lists issued at once share numbers");
        }
        for (out, _) in &issued {
            ok(d, r, &["registry", "close", &format!("{out}.manifest.json")]);
        }
    }
}
