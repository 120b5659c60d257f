//! status.json: what state a run is in.
use crate::fs::open::{open_own, read_own_text};
use crate::fs::write::{write_file, write_unguarded};
use crate::run::{Diverged, Outcome};
use anyhow::{Context, Result};
use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Every state a run directory can be in (README: "Run status").
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RunStatus {
    /// A process is training it (or was killed with SIGKILL while it did).
    Running,
    /// Trained to the end.
    Complete,
    /// Stopped by Ctrl-C or SIGTERM; `--resume` continues it (Part 2).
    Interrupted,
    /// The loss became NaN or infinite at `step`.
    Diverged,
    /// An error stopped it; `message` says which.
    Failed,
    /// A sweep of which some network did not complete.
    Incomplete,
}

crate::clap_names!(RunStatus);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Status {
    pub status: RunStatus,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub step: Option<i64>,
}

impl Status {
    /// The status a run ends in: complete, interrupted (with the step), diverged (with the step and the
    /// loss), or failed (with the error's line).
    pub fn ending(result: Result<Outcome, &anyhow::Error>) -> Status {
        let (status, message, step) = match result {
            Ok(Outcome::Complete) => (RunStatus::Complete, String::new(), None),
            Ok(Outcome::Interrupted { step }) => {
                (RunStatus::Interrupted, format!("stopped by a signal at step {step}"), Some(step))
            }
            Err(e) => match e.downcast_ref::<Diverged>() {
                Some(d) => (RunStatus::Diverged, d.to_string(), Some(d.step)),
                None => (RunStatus::Failed, crate::cli::error_line(e), None),
            },
        };
        Status { status, message, step }
    }

    pub fn read(dir: &Path) -> Result<Status> {
        let path = dir.join(FILE);
        let text = read_own_text(&path)?;
        serde_json::from_str(&text).with_context(|| format!("{} is not a run status", path.display()))
    }
}

pub const FILE: &str = "status.json";

/// Writes status.json in `dir` (atomically). On a full disk it frees the space the run's lock file
/// holds in reserve for this and tries once more, so a run can still be marked failed.
pub fn write_status(dir: &Path, status: &Status) -> Result<()> {
    write_status_with(dir, status, write_file)
}

/// [`write_status`] for the thread that holds [`crate::fs::write::WRITING`].
pub(crate) fn write_status_unguarded(dir: &Path, status: &Status) -> Result<()> {
    write_status_with(dir, status, |path, json| write_unguarded(path, |tmp| Ok(std::fs::write(tmp, json)?)))
}

/// On a full disk, a final status (not "running": the reserve is kept for how the run ends) gets the
/// space the lock file holds in reserve, and as a last resort overwrites the existing status.json in
/// place, in the blocks it already has.
fn write_status_with(dir: &Path, status: &Status, write: impl Fn(&Path, &[u8]) -> Result<()>) -> Result<()> {
    let json = serde_json::to_vec_pretty(status).context("serialising the status")?;
    let path = dir.join(FILE);
    let Err(e) = write(&path, &json) else { return Ok(()) };
    if status.status == RunStatus::Running {
        return Err(e);
    }
    if crate::run::lock::release_reserve(dir) && write(&path, &json).is_ok() {
        return Ok(());
    }
    overwrite_in_place(&path, &json).map_err(|_| e)
}

fn overwrite_in_place(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    // No create: only a file that exists has blocks to reuse.
    let mut f = open_own(path, std::fs::OpenOptions::new().write(true)).map_err(std::io::Error::other)?;
    f.write_all(bytes)?;
    f.set_len(bytes.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_ends_complete_interrupted_diverged_or_failed() {
        assert_eq!(Status::ending(Ok(Outcome::Complete)).status, RunStatus::Complete);
        let s = Status::ending(Ok(Outcome::Interrupted { step: 7 }));
        assert_eq!(
            (s.status, s.step, s.message.as_str()),
            (RunStatus::Interrupted, Some(7), "stopped by a signal at step 7")
        );
        let diverged = anyhow::Error::new(Diverged { step: 3, loss: f64::NAN });
        let s = Status::ending(Err(&diverged));
        assert_eq!((s.status, s.step), (RunStatus::Diverged, Some(3)));
        assert!(s.message.contains("the loss became NaN at step 3"), "{}", s.message);
        let failed = anyhow::anyhow!("disk full").context("cannot write x");
        let s = Status::ending(Err(&failed));
        assert_eq!(
            (s.status, s.step, s.message.as_str()),
            (RunStatus::Failed, None, "cannot write x: disk full")
        );
    }

    #[test]
    fn status_json_names_each_state_as_the_readme_does() {
        for (status, name) in [
            (RunStatus::Running, "running"),
            (RunStatus::Complete, "complete"),
            (RunStatus::Interrupted, "interrupted"),
            (RunStatus::Diverged, "diverged"),
            (RunStatus::Failed, "failed"),
            (RunStatus::Incomplete, "incomplete"),
        ] {
            let s = Status { status, message: String::new(), step: None };
            let json = serde_json::to_string(&s).unwrap();
            assert!(json.contains(&format!("\"status\":\"{name}\"")), "{json}");
            assert_eq!(serde_json::from_str::<Status>(&json).unwrap(), s);
        }
        assert!(serde_json::from_str::<Status>(r#"{"status":"Complete"}"#).is_err(), "names are exact");
        let old: Status = serde_json::from_str(r#"{"status":"complete"}"#).unwrap();
        assert_eq!((old.message.as_str(), old.step), ("", None), "message and step may be absent");
    }
}
