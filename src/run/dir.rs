//! Run directories: `runs/<program>/<name>-<UTC time>/` with config.json, status.json, a lock, and
//! (for a [`Run`]) a TensorBoard event file.
use crate::fs::names::{safe_name, utc_timestamp};
use crate::fs::write::write_file;
use crate::run::interrupt;
use crate::run::lock::DirLock;
use crate::run::status::{write_status, Status};
use crate::run::{Outcome, RunStatus};
use crate::tensorboard::hparams::HParams;
use crate::tensorboard::tags;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};
use tensorboard_writer::summary::hparams::{session_end, SessionStatus};
use tensorboard_writer::{now, SummaryWriter};

/// Longest run name kept as it is; the timestamp and the filesystem's 255-byte limit leave room.
const MAX_NAME: usize = 160;

/// A directory this process owns (locked) with its status. Dropped before [`RunDir::finish`] (a
/// panic unwinding through training), it marks itself failed.
pub struct RunDir {
    pub dir: PathBuf,
    _lock: DirLock,
    /// Marked running by this process (a reopened run only once it really continues).
    started: bool,
    finished: bool,
}

impl RunDir {
    /// Creates `root/program/<name>-<UTC timestamp>[-k]` (never an existing directory), locks it and
    /// writes config.json and status "running".
    pub fn create(root: &Path, program: &str, name: &str, config: &impl Serialize) -> Result<RunDir> {
        // Everything that can fail without touching the disk fails before anything is created.
        ensure_utf8(root)?;
        let json = serde_json::to_string_pretty(config).context("serialising the configuration")?;
        let parent = root.join(program);
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create the runs directory {}", parent.display()))?;
        // A sweep's members (program "") sit inside the sweep's own time-stamped directory: their
        // names alone are readable and unique there.
        let base = match program {
            "" => safe_name(name, MAX_NAME),
            _ => format!("{}-{}", safe_name(name, MAX_NAME), utc_timestamp()),
        };
        let mut k = 1;
        let dir = loop {
            let dir = if k == 1 { parent.join(&base) } else { parent.join(format!("{base}-{k}")) };
            match std::fs::create_dir(&dir) {
                Ok(()) => break dir,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && k < 1000 => k += 1,
                Err(e) => {
                    return Err(e)
                        .with_context(|| format!("cannot create a run directory in {}", parent.display()))
                }
            }
        };
        let lock = DirLock::acquire(&dir).inspect_err(|_| {
            let _ = std::fs::remove_dir(&dir);
        })?;
        let mut home = RunDir { dir, _lock: lock, started: false, finished: false };
        match write_file(&home.dir.join("config.json"), json.as_bytes()).and_then(|()| home.start("")) {
            Ok(()) => Ok(home),
            Err(e) => {
                // A directory that never became a run (a full disk): marked failed with the reason if
                // the lock file's reserve allows, removed otherwise; never left without a status.
                if home.finish(Err(&e)).is_err() {
                    let dir = home.dir.clone();
                    drop(home);
                    let _ = std::fs::remove_dir_all(dir);
                }
                Err(e)
            }
        }
    }

    /// Takes over an existing run directory to continue it (one process at a time). Its status is
    /// left as it is until [`RunDir::start`].
    pub fn reopen(dir: &Path) -> Result<RunDir> {
        ensure_utf8(dir)?;
        if !dir.join("config.json").is_file() {
            bail!("{} is not a run directory (no config.json)", dir.display());
        }
        let lock = DirLock::acquire(dir)?;
        Ok(RunDir { dir: dir.to_path_buf(), _lock: lock, started: false, finished: false })
    }

    /// Marks the run as being written by this process.
    pub fn start(&mut self, message: &str) -> Result<()> {
        self.set_status(RunStatus::Running, message.into(), None)?;
        self.started = true;
        interrupt::register(self.dir.clone());
        Ok(())
    }

    pub fn set_status(&self, status: RunStatus, message: String, step: Option<i64>) -> Result<()> {
        write_status(&self.dir, &Status { status, message, step })
    }

    /// Records how the run ended: complete, interrupted (with the step), diverged, or failed.
    pub fn finish(&mut self, result: Result<Outcome, &anyhow::Error>) -> Result<()> {
        let Status { status, message, step } = Status::ending(result);
        self.finish_as(status, message, step)
    }

    /// Writes the run's final status (any [`RunStatus`], such as a sweep's `incomplete`), once: a
    /// second Ctrl-C arriving after it no longer marks the run.
    pub fn finish_as(&mut self, status: RunStatus, message: String, step: Option<i64>) -> Result<()> {
        self.finished = true;
        let dir = self.dir.clone();
        interrupt::settle(&dir, || self.set_status(status, message, step))
    }
}

/// Run paths are recorded in config.json and results.json, which are UTF-8: a path that is not is
/// refused before anything is created.
fn ensure_utf8(path: &Path) -> Result<()> {
    if path.to_str().is_none() {
        bail!("{} is not valid UTF-8: give a runs directory whose path is", path.display());
    }
    Ok(())
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if self.started && !self.finished {
            // The panic's own line (out of memory, say) when there is one.
            let msg = crate::native::memory::last_panic()
                .unwrap_or_else(|| "the program stopped before the run ended (an internal error)".into());
            let _ = self.finish_as(RunStatus::Failed, msg, None);
        }
        interrupt::unregister(&self.dir);
    }
}

/// A run directory with its TensorBoard event file.
pub struct Run {
    pub home: RunDir,
    pub summary: SummaryWriter,
}

impl Run {
    /// A new run: [`RunDir::create`], an event file, the configuration as TensorBoard text and the
    /// hyperparameters for TensorBoard's HParams tab.
    pub fn create(
        root: &Path,
        program: &str,
        name: &str,
        config: &impl Serialize,
        hparams: &HParams,
    ) -> Result<Run> {
        let mut home = RunDir::create(root, program, name, config)?;
        let summary = writer(&home.dir, 0).and_then(|mut summary| {
            let json = serde_json::to_string_pretty(config).context("serialising the configuration")?;
            summary.add_text(tags::CONFIG, &format!("```\n{json}\n```"), 0)?;
            summary.add_summary(vec![hparams.experiment(), hparams.session_start(now())], 0)?;
            Ok(summary)
        });
        match summary {
            Ok(summary) => Ok(Run { home, summary }),
            Err(e) => {
                let _ = home.finish(Err(&e));
                Err(e)
            }
        }
    }

    /// Records how the run ended: its status, and for TensorBoard's HParams tab whether it succeeded
    /// (an interrupted run says nothing yet: it may be resumed).
    pub fn finish(&mut self, result: Result<crate::run::Outcome, &anyhow::Error>, step: i64) -> Result<()> {
        let ended = match result {
            Ok(crate::run::Outcome::Complete) => Some(SessionStatus::Success),
            Ok(crate::run::Outcome::Interrupted { .. }) => None,
            Err(_) => Some(SessionStatus::Failure),
        };
        if let Some(status) = ended {
            // Best effort: the status below is what matters, and it must be written even on a full disk.
            let _ = self.summary.add_summary(vec![session_end(status, now())], step);
        }
        self.home.finish(result)
    }

    /// Continues the run in `home` after update `step`: drops every summary event after `step` (so no
    /// step is logged twice) and opens a new event file that starts with TensorBoard's restart marker
    /// at `step + 1`. Returns the run and how many events were dropped.
    ///
    /// The run's status changes (to running) only once all that succeeded: a resume that fails here
    /// leaves the run as it was, resumable.
    pub fn resume(mut home: RunDir, step: i64) -> Result<(Run, usize)> {
        let dropped = crate::run::events::truncate_dir_events(&home.dir, step + 1)?;
        let summary = writer(&home.dir, step + 1)?;
        home.start("resumed")?;
        Ok((Run { home, summary }, dropped))
    }

    pub fn dir(&self) -> &Path {
        &self.home.dir
    }
}

/// A new event file in `dir` whose restart marker is at `first_step` (0 for a new run: TensorBoard
/// ignores the first marker it sees, so a resumed run's marker must never be the first).
fn writer(dir: &Path, first_step: i64) -> Result<SummaryWriter> {
    Ok(SummaryWriter::builder(dir).purge_step(first_step).build()?)
}
