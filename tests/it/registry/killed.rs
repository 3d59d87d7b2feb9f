//! An import killed (SIGKILL) while it writes leaves all of its rows or none, its source row with them, on
//! SQLite and PostgreSQL.

use super::*;

/// A file of a million distinct mobile numbers, in `d`.
fn million(d: &Path) {
    let mut text = String::from("number\n");
    for i in 0..1_000_000u64 {
        text.push_str(&format!("+420{}\n", 601_000_000 + i));
    }
    std::fs::write(d.join("million.csv"), text).unwrap();
}

/// Kills `child` (SIGKILL) as soon as `mid_write` holds; returns whether it was still running then (false: it
/// ended first).
fn kill_when(child: &mut std::process::Child, mut mid_write: impl FnMut() -> bool) -> bool {
    loop {
        if mid_write() {
            let running = child.try_wait().unwrap().is_none();
            child.kill().unwrap();
            return running;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// After an import was killed: all of its rows or none, and its source row with them.
fn all_or_nothing(d: &Path, r: &Reg, killed_mid_write: bool) {
    let status = status(d, r);
    let n = status["suppressed_numbers"].as_u64().unwrap();
    assert!(n == 0 || n == 1_000_000, "{n} numbers: a killed import left part of its rows");
    if killed_mid_write {
        assert_eq!(n, 0, "killed before its commit, yet rows are there");
    }
    let sources = status["counts"].as_array().unwrap().iter().find(|c| c[0] == "sources").unwrap()[1].as_u64();
    assert_eq!(sources, Some(u64::from(n > 0)), "{status}");
}

#[test]
fn an_import_into_postgres_killed_mid_write_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let Some(r) = Reg::postgres("killed") else { return };
    ok(d, &r, &["registry", "init"]);
    million(d);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
        .current_dir(d)
        .args(with(&r, &["registry", "import", "million.csv", "--kind", "suppression"]))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill (SIGKILL) once the server is receiving the rows: the COPY of the import's transaction.
    let (admin, db) = r.admin.clone().unwrap();
    let mut watch = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    let killed_mid_write = kill_when(&mut child, || {
        let copying: i64 = watch
            .query_one(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'COPY suppressions %'",
                &[&db],
            )
            .unwrap()
            .get(0);
        copying > 0
    });
    child.wait().unwrap();
    // The server notices the dead connection and rolls its transaction back.
    std::thread::sleep(std::time::Duration::from_millis(500));
    all_or_nothing(d, &r, killed_mid_write);
    assert!(killed_mid_write, "the import finished before the test could kill it: nothing was tested");
}

#[test]
fn an_import_into_sqlite_killed_mid_write_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let r = Reg::sqlite("dialsim.registry.sqlite");
    ok(d, &r, &["registry", "init"]);
    million(d);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
        .current_dir(d)
        .args(["registry", "import", "million.csv", "--kind", "suppression"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The transaction's pages spill into the WAL before it commits: kill (SIGKILL) once they do.
    let wal = d.join("dialsim.registry.sqlite-wal");
    let killed_mid_write = kill_when(&mut child, || std::fs::metadata(&wal).is_ok_and(|m| m.len() > 1 << 20));
    child.wait().unwrap();
    all_or_nothing(d, &r, killed_mid_write);
}
