//! Signals in the middle of a write: SIGTERM and SIGINT end a command after removing its temporary file, kill -9
//! strands only a randomly named one, and a signal the caller ignores stays ignored.
use super::{bin, dialsim, names, signal, stderr, temporaries, wait_until};

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A large `generate` into `dir/big.csv`, started as a command in the foreground and waited for until its
/// temporary file holds data.
fn large_generate_mid_write(dir: &Path) -> Child {
    large_generate_mid_write_with(dir, libc::SIG_DFL)
}

/// [`large_generate_mid_write`], started with `sigint` as its disposition of SIGINT and the default one of
/// SIGTERM and SIGHUP, whatever this test process inherited: a test runner started as a shell's background job
/// ignores SIGINT, and its children would too (dialsim keeps a signal its caller ignores ignored).
fn large_generate_mid_write_with(dir: &Path, sigint: libc::sighandler_t) -> Child {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(bin());
    command
        .args(["generate", "-n", "50000000", "--seed", "1", "-o", "big.csv"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: the closure runs between fork and exec and calls only `signal`, which is async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            libc::signal(libc::SIGINT, sigint);
            libc::signal(libc::SIGTERM, libc::SIG_DFL);
            libc::signal(libc::SIGHUP, libc::SIG_DFL);
            Ok(())
        });
    }
    let child = command.spawn().unwrap();
    wait_until(Duration::from_secs(60), "the temporary file to fill", || {
        temporaries(dir).iter().any(|t| std::fs::metadata(dir.join(t)).is_ok_and(|m| m.len() >= 4 << 20))
    });
    child
}

#[test]
fn sigterm_and_sigint_mid_write_exit_143_and_130_and_remove_the_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("big.csv"), "old\n").unwrap();
    for (sig, code) in [(libc::SIGTERM, 143), (libc::SIGINT, 130)] {
        let child = large_generate_mid_write(d);
        signal(&child, sig);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(code), "signal {sig}: {}", stderr(&o));
        assert_eq!(names(d), ["big.csv"], "signal {sig}");
        assert_eq!(std::fs::read_to_string(d.join("big.csv")).unwrap(), "old\n");
    }
}

/// The signals a process catches and ignores, from /proc/PID/status (`SigCgt`, `SigIgn`: bit N − 1 for signal N).
fn caught_and_ignored(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let mask = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name)).unwrap();
        u64::from_str_radix(line[name.len()..].trim(), 16).unwrap()
    };
    (mask("SigCgt:"), mask("SigIgn:"))
}

/// A command a shell runs in the background, or under `nohup`, starts with SIGINT (or SIGHUP) ignored, so that
/// Ctrl-C in the terminal does not end it: dialsim keeps such a signal ignored and catches only the others.
#[test]
fn a_signal_ignored_by_the_caller_stays_ignored_and_the_others_still_clean_up() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("big.csv"), "old\n").unwrap();
    let bit = |signal: libc::c_int| 1u64 << (signal - 1);
    for (sigint, ignored) in [(libc::SIG_IGN, true), (libc::SIG_DFL, false)] {
        let child = large_generate_mid_write_with(d, sigint);
        let (caught, ignoring) = caught_and_ignored(child.id());
        assert_eq!(ignoring & bit(libc::SIGINT) != 0, ignored, "SIGINT ignored as the caller left it");
        assert_eq!(caught & bit(libc::SIGINT) != 0, !ignored, "SIGINT caught unless the caller ignored it");
        assert_ne!(caught & bit(libc::SIGTERM), 0, "SIGTERM caught");
        assert_ne!(caught & bit(libc::SIGHUP), 0, "SIGHUP caught");
        // The ignored SIGINT changes nothing; SIGTERM still removes the temporary file.
        if ignored {
            signal(&child, libc::SIGINT);
        }
        signal(&child, libc::SIGTERM);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(143), "{}", stderr(&o));
        assert_eq!(names(d), ["big.csv"]);
        assert_eq!(std::fs::read_to_string(d.join("big.csv")).unwrap(), "old\n");
    }
}

#[test]
fn kill_9_mid_write_keeps_the_old_target_and_strands_only_a_random_never_reused_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("big.csv"), "old\n").unwrap();
    let mut child = large_generate_mid_write(d);
    let pid = child.id();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(std::fs::read_to_string(d.join("big.csv")).unwrap(), "old\n");
    // Nothing can remove a file after kill -9; what is left has a random name, not the pid.
    let stray = temporaries(d);
    assert!(stray.len() <= 1, "{stray:?}");
    for t in &stray {
        let middle = t.trim_start_matches(".big.csv.").trim_end_matches(".tmp");
        assert_ne!(middle, pid.to_string(), "{t}");
        assert_eq!(middle.len(), 8, "{t}");
    }
    // The next run writes the target and leaves the stray file as it is.
    let o = dialsim(d, &["generate", "-n", "100", "--seed", "1", "-o", "big.csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(temporaries(d), stray);
    assert_eq!(std::fs::read_to_string(d.join("big.csv")).unwrap().lines().count(), 101);
}
