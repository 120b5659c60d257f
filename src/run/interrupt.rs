//! Ctrl-C and SIGTERM. Each program's `main` installs the handler (`ctrlc`) and calls [`signal`]
//! from it; the training loops poll [`requested`] and stop at a step boundary, write a checkpoint
//! and the run's status. A second signal makes `main` exit at once (without running destructors
//! under a live libtorch call) after [`mark_active_runs`] has recorded the runs being written.
use crate::run::status::{write_status, Status};
use crate::run::RunStatus;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

static SIGNALS: AtomicU32 = AtomicU32::new(0);
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Records a signal; returns how many have arrived (1: stop after this step, 2+: exit now).
pub fn signal() -> u32 {
    SIGNALS.fetch_add(1, Ordering::SeqCst) + 1
}

pub fn requested() -> bool {
    SIGNALS.load(Ordering::Relaxed) > 0
}

/// Forgets earlier signals (a library user that trains again after an interrupt).
pub fn reset() {
    SIGNALS.store(0, Ordering::SeqCst);
}

pub(crate) fn register(dir: PathBuf) {
    if let Ok(mut a) = ACTIVE.lock() {
        a.push(dir);
    }
}

pub(crate) fn unregister(dir: &std::path::Path) {
    if let Ok(mut a) = ACTIVE.lock() {
        a.retain(|d| d != dir);
    }
}

/// Marks every run this process is writing as interrupted by a second signal. Safe to call from the
/// handler thread: it only rewrites each status.json.
pub fn mark_active_runs() {
    let dirs = match ACTIVE.try_lock() {
        Ok(a) => a.clone(),
        Err(_) => return,
    };
    let status = Status {
        status: RunStatus::Interrupted,
        message: "exited at once on a second interrupt; --resume continues from the last checkpoint".into(),
        step: None,
    };
    for dir in dirs {
        let _ = write_status(&dir, &status);
    }
}
