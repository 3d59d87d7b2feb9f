//! The process-wide registry of live temporary files and folders, and the signal watcher that removes them.
//!
//! A temporary path is registered while the registry's lock is held across its creation, and the watcher
//! takes the same lock before removing anything and never gives it back (it ends the process while holding
//! it). So every temporary path that exists on disk is in the registry when the watcher looks, and no new
//! one can appear after it has looked. Renames that must not be cut in half (a run folder's swap) run under
//! the lock too ([`locked`]).
//!
//! The signal handler itself only writes the signal number to a pipe (`write(2)` is async-signal-safe); a
//! watcher thread blocked on the pipe does the removing and exits with 128 + the signal number.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Temporary files and folders that exist now and must not outlive the process.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Creates a temporary file or folder with `create` (which returns what it made and its path) and
/// registers the path, both under the registry lock.
pub(super) fn register<T>(create: impl FnOnce() -> std::io::Result<(T, PathBuf)>) -> std::io::Result<(T, PathBuf)> {
    let mut live = live();
    let (made, path) = create()?;
    live.push(path.clone());
    Ok((made, path))
}

/// Registers an existing path (one this process just made under [`locked`]).
pub(super) fn register_path(live: &mut Vec<PathBuf>, path: &Path) {
    live.push(path.to_path_buf());
}

/// Forgets `path` (it was renamed into place or removed).
pub(super) fn unregister(path: &Path) {
    let mut live = live();
    if let Some(i) = live.iter().rposition(|p| p == path) {
        live.swap_remove(i);
    }
}

/// Runs `f` with the registry locked: a signal arriving meanwhile is handled only after `f` returns.
pub(super) fn locked<R>(f: impl FnOnce(&mut Vec<PathBuf>) -> R) -> R {
    let mut live = live();
    f(&mut live)
}

/// Removes every registered temporary path; returns with the registry still locked.
#[cfg(target_os = "linux")]
fn remove_all() -> MutexGuard<'static, Vec<PathBuf>> {
    let live = live();
    for path in live.iter() {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => {
                // The main thread may be removing the same folder (an old run swapped out): its deletions make
                // a walk fail half-way with "not found", so walk again until the folder is gone.
                for _ in 0..8 {
                    if std::fs::remove_dir_all(path).is_ok() || std::fs::symlink_metadata(path).is_err() {
                        break;
                    }
                }
            }
            Ok(_) => {
                let _ = std::fs::remove_file(path);
            }
            Err(_) => {}
        }
    }
    live
}

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove every live temporary file and folder and end
/// the process with 128 + the signal number (130, 143, 129). A signal the process inherited as ignored stays
/// ignored. Call it once, early, from a binary; a library never installs signal handlers by itself. Calling
/// it again does nothing. On systems other than Linux it does nothing.
///
/// ```no_run
/// dialsim::output::remove_temporaries_on_signals()?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn remove_temporaries_on_signals() -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        static ONCE: std::sync::OnceLock<std::result::Result<(), String>> = std::sync::OnceLock::new();
        ONCE.get_or_init(|| watcher::install().map_err(|e| e.to_string())).clone().map_err(std::io::Error::other)
    }
    #[cfg(not(target_os = "linux"))]
    Ok(())
}

#[cfg(target_os = "linux")]
mod watcher {
    use std::sync::atomic::{AtomicI32, Ordering};

    /// The pipe's write end, for the handler.
    static PIPE: AtomicI32 = AtomicI32::new(-1);

    /// The signals that end a run and must clean up after it.
    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    extern "C" fn handler(signal: libc::c_int) {
        // Only async-signal-safe calls here; errno is restored for the interrupted code.
        // SAFETY: `__errno_location` is this thread's errno, valid for the handler's run; `write` is
        // async-signal-safe and reads one byte from a live local; a closed or invalid pipe only makes it fail.
        unsafe {
            let errno = *libc::__errno_location();
            let byte = signal as u8;
            let _ = libc::write(PIPE.load(Ordering::Relaxed), (&raw const byte).cast(), 1);
            *libc::__errno_location() = errno;
        }
    }

    pub(super) fn install() -> std::io::Result<()> {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` is an array of two descriptors, the buffer pipe2 fills.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let [read, write] = fds;
        PIPE.store(write, Ordering::Relaxed);
        std::thread::Builder::new().name("dialsim-signals".into()).spawn(move || watch(read))?;
        for signal in SIGNALS {
            // SAFETY: zeroed `sigaction` structs are valid (no pointers but the handler, set below to an
            // `extern "C" fn` of the right signature); both structs outlive the calls that read or fill them.
            unsafe {
                // A signal the caller ignores (`nohup`, a background job's SIGINT) stays ignored.
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN {
                    continue;
                }
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler as *const () as libc::sighandler_t;
                // Restarted system calls: the rest of the program never sees EINTR because of this handler.
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                if libc::sigaction(signal, &action, std::ptr::null_mut()) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
        }
        Ok(())
    }

    /// Waits for a signal, removes the temporaries and ends the process, still holding the registry lock.
    fn watch(read: libc::c_int) {
        let mut byte = 0u8;
        loop {
            // SAFETY: reads at most one byte into `byte`, a live local, from a descriptor this thread owns.
            let n = unsafe { libc::read(read, (&raw mut byte).cast(), 1) };
            if n == 1 {
                break;
            }
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return; // The pipe closed: nothing more to watch.
        }
        let _locked = super::remove_all();
        // `_exit`: no destructors or buffered output of other threads run after the files are gone.
        // SAFETY: `_exit` ends the process at once; it takes no pointers and nothing after it runs.
        unsafe { libc::_exit(128 + libc::c_int::from(byte)) }
    }
}
