//! Output safety through the real binary in a scratch folder: special targets, planted links, outputs that are
//! inputs, read-only and full file systems, signals and `kill -9`, run folders written as a set, file modes.
//!
//! Each hazard must leave no partial file, no stray temporary file and the old target intact. Tests that need
//! root (mounting a small tmpfs, `mknod`) print why they skip elsewhere.
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use dialsim::output::manifest::{Manifest, verify};

mod signals;

/// The binary under test: this build's, or another one named by `DIALSIM_TEST_BIN` (to show that these tests
/// fail on an earlier build; never point it at a build that may replace /dev/null, and skip
/// `dev_null_as_a_target` then).
fn bin() -> PathBuf {
    std::env::var_os("DIALSIM_TEST_BIN").map_or_else(|| assert_cmd::cargo::cargo_bin("dialsim"), PathBuf::from)
}

/// The binary run in `dir` with `args`.
fn dialsim(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin()).current_dir(dir).args(args).stdin(Stdio::null()).output().unwrap()
}

/// stdout of a successful run (panics with stderr otherwise).
fn ok_stdout(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = dialsim(dir, args);
    assert!(out.status.success(), "dialsim {args:?} failed: {}", stderr(&out));
    out.stdout
}

/// The entry names of `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// Entries of `dir` that look like dialsim temporaries (`.NAME.XXXXXXXX.tmp` / `.old`).
fn temporaries(dir: &Path) -> Vec<String> {
    names(dir).into_iter().filter(|n| n.starts_with('.') && (n.ends_with(".tmp") || n.ends_with(".old"))).collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `dialsim args` in `dir`, expecting exit `code` and `message` on stderr.
fn refused(dir: &Path, args: &[&str], code: i32, message: &str) {
    let o = dialsim(dir, args);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
    assert!(stderr(&o).contains(message), "{args:?}: expected '{message}' in: {}", stderr(&o));
}

/// Runs a shell `script` in `dir` with `$DIALSIM` set to the binary.
fn sh(dir: &Path, script: &str) -> Output {
    Command::new("sh").arg("-c").arg(script).env("DIALSIM", bin()).current_dir(dir).output().unwrap()
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A small tmpfs mounted on a folder for the length of a test (root only).
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (mount syntax, e.g. `1m`) on `path`, or says why it cannot.
    fn mount(path: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(path).unwrap();
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755"), "tmpfs"])
            .arg(path)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !o.status.success() {
            return Err(format!("mount -t tmpfs failed: {}", stderr(&o).trim()));
        }
        Ok(Tmpfs { path: path.to_path_buf() })
    }

    fn remount_read_only(&self) {
        let o = Command::new("mount").args(["-o", "remount,ro"]).arg(&self.path).output().unwrap();
        assert!(o.status.success(), "remount ro: {}", stderr(&o));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// Polls until `ready` holds (or panics after `limit`).
fn wait_until(limit: Duration, what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn signal(child: &Child, signal: libc::c_int) {
    // SAFETY: kill on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
}

#[test]
fn a_fifo_target_is_refused_and_stays_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    mkfifo(&d.join("fifo"));
    refused(d, &["generate", "-n", "10", "--seed", "1", "-o", "fifo"], 2, "refusing to write over a FIFO");
    refused(d, &["filter", "build", "-o", "fifo", "-"], 2, "a FIFO");
    assert!(std::fs::symlink_metadata(d.join("fifo")).unwrap().file_type().is_fifo());
    assert_eq!(names(d), ["fifo"]);
}

#[test]
fn a_directory_target_is_refused_and_keeps_its_contents() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/keep.txt"), "keep").unwrap();
    refused(d, &["generate", "-n", "10", "--seed", "1", "-o", "sub"], 2, "refusing to write over a directory");
    refused(d, &["compare", "default", "default", "--replications", "2", "-o", "sub"], 2, "a directory");
    assert_eq!(names(d), ["sub"]);
    assert_eq!(names(&d.join("sub")), ["keep.txt"]);
}

#[test]
fn a_symlink_target_is_refused_and_the_file_it_points_to_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("victim"), "precious\n").unwrap();
    std::os::unix::fs::symlink("victim", d.join("list.csv")).unwrap();
    refused(d, &["generate", "-n", "10", "--seed", "1", "-o", "list.csv"], 2, "a symbolic link to a regular file");
    assert!(std::fs::symlink_metadata(d.join("list.csv")).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(d.join("victim")).unwrap(), "precious\n");
    assert_eq!(names(d), ["list.csv", "victim"]);
}

#[test]
fn a_device_node_target_in_a_scratch_folder_is_refused_and_stays_a_device() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A private copy of /dev/null (char 1:3) inside the scratch folder, where root can make one.
    if Command::new("mknod").arg(d.join("null")).args(["c", "1", "3"]).status().is_ok_and(|s| s.success()) {
        refused(d, &["generate", "-n", "10", "--seed", "1", "-o", "null"], 2, "a character device");
        let m = std::fs::symlink_metadata(d.join("null")).unwrap();
        assert!(m.file_type().is_char_device());
        assert_eq!(m.rdev(), std::fs::metadata("/dev/null").unwrap().rdev());
        assert_eq!(names(d), ["null"]);
    } else {
        println!("skipping: mknod needs root");
    }
}

#[test]
fn dev_null_as_a_target_is_refused_and_stays_the_machines_null_device() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The machine's /dev/null, as a target path only: refused before anything is created next to it.
    let before = std::fs::symlink_metadata("/dev/null").unwrap();
    refused(d, &["generate", "-n", "10", "--seed", "1", "-o", "/dev/null"], 2, "a character device");
    refused(d, &["filter", "build", "-o", "/dev/null", "-"], 2, "a character device");
    let after = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(after.file_type().is_char_device());
    assert_eq!((after.ino(), after.rdev()), (before.ino(), before.rdev()));
    assert!(temporaries(Path::new("/dev")).iter().all(|t| !t.starts_with(".null.")));
}

#[test]
fn a_symlink_planted_at_the_old_predictable_temporary_name_is_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("victim"), "precious\n").unwrap();
    // `exec` keeps the shell's pid, so `$$` is the pid dialsim runs as: the old `.NAME.PID.tmp` names.
    let o = sh(d, "ln -s victim .list.csv.$$.tmp && exec \"$DIALSIM\" generate -n 1000 --seed 3 -o list.csv");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(d.join("victim")).unwrap(), "precious\n");
    assert!(std::fs::symlink_metadata(d.join("list.csv")).unwrap().file_type().is_file());
    let expected = ok_stdout(d, &["generate", "-n", "1000", "--seed", "3"]);
    assert!(std::fs::read(d.join("list.csv")).unwrap() == expected);
    std::fs::create_dir(d.join("run")).unwrap();
    let o = sh(d, "ln -s ../victim run/.names.csv.$$.tmp && exec \"$DIALSIM\" simulate --seed 1 --out run");
    assert!(!o.status.success(), "a folder holding a foreign entry is not a run folder");
    assert_eq!(std::fs::read_to_string(d.join("victim")).unwrap(), "precious\n");
    let planted: Vec<String> = names(d).into_iter().filter(|n| n.starts_with(".list.csv.")).collect();
    assert_eq!(planted.len(), 1);
    assert!(std::fs::symlink_metadata(d.join(&planted[0])).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_link(d.join(&planted[0])).unwrap(), Path::new("victim"));
    assert_eq!(names(&d.join("run")).len(), 1);
}

#[test]
fn generate_with_an_input_as_its_output_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let list = "number\n+420601123456\n+420602000001\n";
    std::fs::write(d.join("s.csv"), list).unwrap();
    std::fs::write(d.join("plan.csv"), "region,type,prefix,length\nCZ,mobile,601,9\n").unwrap();
    refused(d, &["generate", "-n", "10", "--suppress", "s.csv", "-o", "s.csv"], 2, "same file as the input s.csv");
    refused(d, &["generate", "-n", "10", "--plan", "plan.csv", "-o", "plan.csv"], 2, "same file as the input");
    // Nothing was read first: a malformed plan would have been reported before the output.
    std::fs::write(d.join("bad.csv"), "not a plan\n").unwrap();
    refused(d, &["generate", "-n", "10", "--plan", "bad.csv", "--suppress", "s.csv", "-o", "s.csv"], 2, "s.csv");
    // A filter named by --exclude.
    let o = dialsim(d, &["filter", "build", "-o", "k.bloom", "--seed", "1", "s.csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let filter = std::fs::read(d.join("k.bloom")).unwrap();
    refused(d, &["generate", "-n", "10", "--exclude", "k.bloom", "-o", "k.bloom"], 2, "same file as the input");
    assert_eq!(std::fs::read_to_string(d.join("s.csv")).unwrap(), list);
    assert!(std::fs::read(d.join("k.bloom")).unwrap() == filter);
    assert!(temporaries(d).is_empty());
}

#[test]
fn filter_build_with_an_input_as_its_output_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let list = "number\n+420601123456\n";
    std::fs::write(d.join("x.csv"), list).unwrap();
    std::os::unix::fs::symlink("x.csv", d.join("alias.csv")).unwrap();
    refused(d, &["filter", "build", "-o", "x.csv", "x.csv"], 2, "same file as the input x.csv");
    refused(d, &["filter", "build", "-o", "x.csv", "alias.csv"], 2, "same file as the input alias.csv");
    assert_eq!(std::fs::read_to_string(d.join("x.csv")).unwrap(), list);
    assert_eq!(names(d), ["alias.csv", "x.csv"]);
}

#[test]
fn sweep_merge_with_a_part_as_its_output_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Parts with a sweep.csv's header (merge refuses files of another kind).
    let mut header = String::from("point,x,replications");
    for k in dialsim::sim::kpi::names() {
        header.push_str(&format!(",{k}_mean,{k}_ci"));
    }
    let row = |p: u32| format!("{p},{}{}", p + 1, ",2".repeat(header.split(',').count() - 2));
    let (a, b) = (format!("{header}\n{}\n", row(0)), format!("{header}\n{}\n", row(1)));
    std::fs::write(d.join("a.csv"), &a).unwrap();
    std::fs::write(d.join("b.csv"), &b).unwrap();
    refused(d, &["sweep", "merge", "a.csv", "b.csv", "-o", "b.csv"], 2, "same file as the input b.csv");
    assert_eq!(std::fs::read_to_string(d.join("b.csv")).unwrap(), b);
    let merged = ok_stdout(d, &["sweep", "merge", "b.csv", "a.csv", "-o", "-"]);
    assert_eq!(String::from_utf8(merged).unwrap(), format!("{header}\n{}\n{}\n", row(0), row(1)));
    assert_eq!(names(d), ["a.csv", "b.csv"]);
}

#[test]
fn dash_writes_a_single_file_output_to_stdout_and_a_folder_output_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = ok_stdout(d, &["generate", "-n", "500", "--seed", "2"]);
    let dashed = ok_stdout(d, &["generate", "-n", "500", "--seed", "2", "-o", "-"]);
    assert!(!plain.is_empty() && plain == dashed);
    std::fs::write(d.join("k.csv"), "number\n+420601123456\n").unwrap();
    let bloom = ok_stdout(d, &["filter", "build", "-o", "-", "--seed", "1", "k.csv"]);
    std::fs::write(d.join("k.bloom"), &bloom).unwrap();
    let known = ok_stdout(d, &["filter", "check", "k.bloom", "+420601123456"]);
    assert!(String::from_utf8(known).unwrap().contains("\tknown"));
    refused(d, &["simulate", "--seed", "1", "--out", "-"], 2, "cannot be written to stdout");
    refused(d, &["sweep", "default", "--vary", "dialer.agents=10,20", "--out", "-"], 2, "cannot be written to stdout");
    assert_eq!(names(d), ["k.bloom", "k.csv"]);
}

#[test]
fn a_read_only_folder_gives_a_clear_error_and_leaves_the_old_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ro = d.join("ro");
    let _mount = if is_root() {
        // Root writes through a 0555 folder: only a read-only file system stops it.
        match Tmpfs::mount(&ro, "1m") {
            Ok(m) => Some(m),
            Err(why) => {
                println!("skipping: {why}");
                return;
            }
        }
    } else {
        std::fs::create_dir(&ro).unwrap();
        None
    };
    std::fs::write(ro.join("list.csv"), "old\n").unwrap();
    std::fs::create_dir(ro.join("run")).unwrap();
    match &_mount {
        Some(m) => m.remount_read_only(),
        None => std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap(),
    }
    refused(d, &["generate", "-n", "10", "--seed", "1", "-o", "ro/list.csv"], 1, "cannot create a temporary file");
    refused(d, &["simulate", "--seed", "1", "--out", "ro/run"], 1, "cannot create a temporary folder");
    assert_eq!(std::fs::read_to_string(ro.join("list.csv")).unwrap(), "old\n");
    assert_eq!(names(&ro), ["list.csv", "run"]);
    if _mount.is_none() {
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn a_full_disk_leaves_neither_a_half_written_run_folder_nor_a_temporary_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The run's files, measured on the ordinary disk: room for calls.csv but not for the whole set.
    let o = dialsim(d, &["simulate", "--seed", "1", "--out", "measure"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let calls = std::fs::metadata(d.join("measure/calls.csv")).unwrap().len();
    let total: u64 =
        names(&d.join("measure")).iter().map(|n| std::fs::metadata(d.join("measure").join(n)).unwrap().len()).sum();
    let room = calls.div_ceil(4096) * 4096 + 16 * 4096;
    assert!(room + 8192 < total, "the test needs the other files to overflow: {room} of {total}");
    if !is_root() {
        println!("skipping: mounting a small tmpfs needs root");
        return;
    }
    let full = d.join("full");
    let _mount = match Tmpfs::mount(&full, &format!("{}k", room / 1024)) {
        Ok(m) => m,
        Err(why) => {
            println!("skipping: {why}");
            return;
        }
    };
    // Up front the run is refused for want of space; --max-disk sets that check aside, as for an estimate
    // that was too low, so the writes themselves fail.
    let o = dialsim(&full, &["simulate", "--seed", "1", "--out", "run", "--max-disk", "1G"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("No space left on device"), "{}", stderr(&o));
    let o = dialsim(&full, &["simulate", "--seed", "1", "--out", "run"]);
    assert!(stderr(&o).contains("the output folder's file system has free"), "{}", stderr(&o));
    assert!(names(&full).is_empty(), "left behind: {:?}", names(&full));
    assert!(names(&full).is_empty(), "left behind: {:?}", names(&full));
    // A call list that does not fit: the same, and an old list survives.
    std::fs::write(full.join("list.csv"), "old\n").unwrap();
    let o = dialsim(&full, &["generate", "-n", "1000000", "--seed", "1", "-o", "list.csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(full.join("list.csv")).unwrap(), "old\n");
    assert_eq!(names(&full), ["list.csv"]);
}

/// Checks that `run` is one complete run: its manifest verifies and names the seed its summary.json holds.
fn assert_one_complete_run(run: &Path) -> u64 {
    assert_eq!(verify(run).unwrap(), vec![], "{}", run.display());
    let manifest = Manifest::read(run).unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(run.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["seed"].as_u64(), Some(manifest.seed));
    manifest.seed
}

#[test]
fn simulate_killed_mid_run_never_leaves_a_mixed_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let days = ["--set", "run.days=3"];
    let run = |seed: &str| {
        let mut args = vec!["simulate", "--seed", seed, "--out", "run"];
        args.extend(days);
        Command::new(bin()).args(&args).current_dir(d).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap()
    };
    let start = Instant::now();
    assert!(run("1").wait().unwrap().success());
    let whole = start.elapsed();
    assert_eq!(assert_one_complete_run(&d.join("run")), 1);
    // Kills spread over a whole run (and a little past it), with kill -9 and with SIGTERM.
    let steps = 12u32;
    for i in 0..=steps {
        for sig in [libc::SIGKILL, libc::SIGTERM] {
            let seed = if i % 2 == 0 { "2" } else { "3" };
            let child = run(seed);
            std::thread::sleep(whole * i / steps + Duration::from_millis(2));
            signal(&child, sig);
            let status = child.wait_with_output().unwrap().status;
            let now = assert_one_complete_run(&d.join("run"));
            assert!([1, 2, 3].contains(&now), "seed {now}");
            if sig == libc::SIGTERM {
                // Finished, cleaned up and exited 143, or ended before it had set up anything to clean.
                assert!(
                    status.success() || status.code() == Some(143) || status.signal() == Some(libc::SIGTERM),
                    "{status:?}"
                );
                assert!(temporaries(d).is_empty(), "after SIGTERM: {:?}", temporaries(d));
            } else {
                // Stray folders of kill -9 have random names beside the run; only the user removes them.
                for t in temporaries(d) {
                    assert!(t.starts_with(".run.") && t.len() == ".run.".len() + 8 + ".tmp".len(), "{t}");
                    std::fs::remove_dir_all(d.join(t)).unwrap();
                }
            }
            assert_eq!(names(d), ["run"]);
        }
    }
}

#[test]
fn a_run_folder_is_replaced_whole_and_carries_a_verifiable_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for seed in ["1", "2"] {
        let o = dialsim(d, &["simulate", "--seed", seed, "--out", "run", "--plot"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(assert_one_complete_run(&d.join("run")), 2);
    assert_eq!(
        names(&d.join("run")),
        [
            "calls.csv",
            "consents.jsonl",
            "intervals.csv",
            "manifest.json",
            "names.csv",
            "processing.json",
            "profile.svg",
            "summary.json",
            "suppression.csv"
        ]
    );
    assert_eq!(names(d), ["run"]);
    // The scenario hash is the hash of the scenario summary.json holds, read back as a scenario.
    let input = dialsim::compliance::AuditInput::load(&d.join("run")).unwrap();
    let manifest = Manifest::read(d.join("run")).unwrap();
    assert_eq!(manifest.scenario_sha256, dialsim::output::manifest::scenario_sha256(&input.scenario));
    assert_eq!(manifest.dialsim_version, env!("CARGO_PKG_VERSION"));
    // Replications and sweeps are run folders too.
    let o = dialsim(d, &["simulate", "--seed", "1", "--replications", "3", "--out", "reps"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(verify(d.join("reps")).unwrap(), vec![]);
    assert_eq!(names(&d.join("reps")), ["manifest.json", "processing.json", "replications.csv", "summary.json"]);
    let o = dialsim(d, &["sweep", "default", "--vary", "dialer.agents=10,20", "--replications", "2", "--out", "sw"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(verify(d.join("sw")).unwrap(), vec![]);
    assert_eq!(names(&d.join("sw")), ["manifest.json", "processing.json", "sweep.csv"]);
    assert_eq!(names(d), ["reps", "run", "sw"]);
}

#[test]
fn a_folder_dialsim_did_not_write_is_never_replaced_by_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("thesis")).unwrap();
    std::fs::write(d.join("thesis/chapter1.tex"), "precious").unwrap();
    refused(d, &["simulate", "--seed", "1", "--out", "thesis"], 2, "no manifest.json");
    refused(d, &["sweep", "default", "--vary", "dialer.agents=10", "--replications", "2", "--out", "thesis"], 2, "");
    assert_eq!(names(&d.join("thesis")), ["chapter1.tex"]);
    // A run folder the user added a file to is not replaced either.
    let o = dialsim(d, &["simulate", "--seed", "1", "--out", "run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(d.join("run/notes.txt"), "mine").unwrap();
    refused(d, &["simulate", "--seed", "2", "--out", "run"], 2, "notes.txt");
    assert_eq!(std::fs::read_to_string(d.join("run/notes.txt")).unwrap(), "mine");
    assert_eq!(names(d), ["run", "thesis"]);
}

#[test]
fn personal_files_are_created_0600_and_the_others_follow_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("k.csv"), "number\n+420601123456\n").unwrap();
    let o = sh(
        d,
        "umask 027 && \"$DIALSIM\" simulate --seed 1 --out run >/dev/null && \
         \"$DIALSIM\" generate -n 100 --seed 1 -o list.csv && \"$DIALSIM\" generate -n 100 --seed 1 -o list.txt && \
         \"$DIALSIM\" filter build -o k.bloom --seed 1 k.csv",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mode = |p: &str| std::fs::metadata(d.join(p)).unwrap().permissions().mode() & 0o777;
    for personal in [
        "run/names.csv",
        "run/consents.jsonl",
        "run/suppression.csv",
        "run/calls.csv",
        "list.csv",
        "list.txt",
        "k.bloom",
    ] {
        assert_eq!(mode(personal), 0o600, "{personal}");
    }
    for public in ["run/summary.json", "run/intervals.csv", "run/manifest.json"] {
        assert_eq!(mode(public), 0o640, "{public}");
    }
    assert_eq!(mode("run"), 0o750);
}

#[test]
fn a_run_folder_holding_an_input_of_the_next_run_or_the_current_folder_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = dialsim(d, &["simulate", "--seed", "1", "--out", "run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The last run's suppression list as an input of the next run into the same folder.
    let set = r#"numbers.suppress=["run/suppression.csv"]"#;
    refused(d, &["simulate", "--seed", "2", "--set", set, "--out", "run"], 2, "holds the input run/suppression.csv");
    refused(
        d,
        &["sweep", "default", "--set", set, "--vary", "dialer.agents=10", "--replications", "2", "--out", "run"],
        2,
        "holds the input",
    );
    // Run from inside the folder itself.
    refused(&d.join("run"), &["simulate", "--seed", "2", "--out", "."], 2, "the current folder");
    assert_eq!(assert_one_complete_run(&d.join("run")), 1);
    assert_eq!(names(d), ["run"]);
}
