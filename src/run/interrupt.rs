//! Ctrl-C and SIGTERM. Each program's `main` installs the handler (`ctrlc`) and calls [`signal`]
//! from it; the training loops poll [`requested`] and stop at a step boundary, write a checkpoint
//! and the run's status. A second signal makes `main` exit at once (without running destructors
//! under a live libtorch call) after [`mark_active_runs`] has recorded the runs being written.
//! Children started with [`spawn_child`] (the report's jobs) get each signal passed on.
use crate::fs::write::{self, WRITING};
use crate::run::status::{write_status_unguarded, Status};
use crate::run::RunStatus;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

static SIGNALS: AtomicU32 = AtomicU32::new(0);
/// The run directories this process is writing and has not yet given their final status.
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Records a signal; returns how many have arrived (1: stop after this step, 2+: exit now). The
/// children started with [`spawn_child`] get the first signal passed on as SIGINT, so they stop
/// cleanly too; a second one kills them and waits until they are gone, so that none outlives a
/// process that then exits at once.
pub fn signal() -> u32 {
    let mut children = children();
    let n = SIGNALS.fetch_add(1, Ordering::SeqCst) + 1;
    let sig = if n >= 2 { libc::SIGKILL } else { libc::SIGINT };
    for &pid in children.iter() {
        // SAFETY: kill(2) on a child of this process that has not been reaped (its pid is not reused).
        unsafe { libc::kill(pid as i32, sig) };
    }
    if n >= 2 {
        for pid in children.drain(..) {
            // SAFETY: waitpid on our own child; the waiting thread's own wait then simply fails.
            unsafe { libc::waitpid(pid as i32, std::ptr::null_mut(), 0) };
        }
    }
    n
}

/// The running children a signal is passed on to (see [`signal`]).
static CHILDREN: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn children() -> MutexGuard<'static, Vec<u32>> {
    CHILDREN.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts `cmd` as a child that signals are passed on to, in its own process group (a Ctrl-C at the
/// terminal reaches it once, through this process) and killed if this process dies. None once a
/// signal has arrived: nothing new starts after it. Call [`forget_child`] after waiting for it.
pub fn spawn_child(cmd: &mut std::process::Command) -> std::io::Result<Option<std::process::Child>> {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl and getppid are async-signal-safe, as pre_exec requires.
    unsafe {
        cmd.process_group(0).pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut children = children();
    if requested() {
        return Ok(None);
    }
    let child = cmd.spawn()?;
    children.push(child.id());
    Ok(Some(child))
}

/// Stops passing signals on to `pid` (it has been waited for).
pub fn forget_child(pid: u32) {
    children().retain(|&p| p != pid);
}

pub fn requested() -> bool {
    SIGNALS.load(Ordering::Relaxed) > 0
}

/// Forgets earlier signals (a library user that trains again after an interrupt).
pub fn reset() {
    SIGNALS.store(0, Ordering::SeqCst);
}

fn active() -> MutexGuard<'static, Vec<PathBuf>> {
    ACTIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn register(dir: PathBuf) {
    active().push(dir);
}

pub(crate) fn unregister(dir: &Path) {
    active().retain(|d| d != dir);
}

/// Runs `write_final_status` and forgets `dir`, with no second-signal marking in between: a run
/// marked complete (or failed) is never re-marked interrupted by a signal that arrives just after.
pub(crate) fn settle<T>(dir: &Path, write_final_status: impl FnOnce() -> T) -> T {
    let mut a = active();
    let r = write_final_status();
    a.retain(|d| d != dir);
    r
}

/// Keeps the files of this process as they are until it exits: no new write begins and none is left
/// half-done. Returned by [`mark_active_runs`]; hold it until `_exit`.
pub struct Quiesced {
    _active: Option<MutexGuard<'static, Vec<PathBuf>>>,
    _writing: Option<MutexGuard<'static, ()>>,
}

/// Waits (at most `until`) for a lock, so that a write in progress ends before the process does.
fn lock_until<T>(m: &'static Mutex<T>, until: Instant) -> Option<MutexGuard<'static, T>> {
    loop {
        match m.try_lock() {
            Ok(g) => return Some(g),
            Err(TryLockError::Poisoned(p)) => return Some(p.into_inner()),
            Err(TryLockError::WouldBlock) if Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(2))
            }
            Err(TryLockError::WouldBlock) => return None,
        }
    }
}

/// Marks every run this process is writing as interrupted by a second signal, for a handler that
/// then exits at once. Runs on the handler's thread (ctrlc's, not a signal context): it waits for a
/// file write in progress to end (two seconds at most), writes each status.json, removes any
/// temporary file of this process and returns a guard that keeps the main thread from starting
/// another write: hold it until `_exit`.
#[must_use = "hold the guard until the process exits"]
pub fn mark_active_runs() -> Quiesced {
    let until = Instant::now() + Duration::from_secs(2);
    let active = lock_until(&ACTIVE, until);
    let writing = lock_until(&WRITING, until);
    let dirs = active.as_ref().map(|a| a.to_vec()).unwrap_or_default();
    let status = Status {
        status: RunStatus::Interrupted,
        message: "exited at once on a second interrupt; --resume continues from the last checkpoint".into(),
        step: None,
    };
    for dir in &dirs {
        let _ = write_status_unguarded(dir, &status);
        write::remove_partials(dir);
    }
    Quiesced { _active: active, _writing: writing }
}
