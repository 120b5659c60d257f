//! A run: its own directory `runs/<program>/<config>-<timestamp>`, its event file, its configuration
//! and a status file that says whether it completed, diverged, was interrupted or failed.
use crate::summary::SummaryWriter;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Ctrl-C and SIGTERM set a flag the training loops poll, so they can stop at a step boundary, write a
/// checkpoint and the run's status. A second Ctrl-C exits at once (events already written are on disk).
pub fn install_interrupt_handler() -> Result<()> {
    ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            eprintln!("\nsecond interrupt: exiting now");
            std::process::exit(130);
        }
        eprintln!("\ninterrupt: stopping after this step (Ctrl-C again to exit at once)");
    })
    .context("cannot install the Ctrl-C handler")
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// How a training loop ended without an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Complete,
    Interrupted { step: i64 },
}

/// A non-finite loss; the run is marked "diverged" and what was logged before stays.
#[derive(Debug)]
pub struct Diverged {
    pub step: i64,
    pub loss: f64,
}

impl std::fmt::Display for Diverged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "training diverged: the loss became {} at step {} (try a smaller learning rate)", self.loss, self.step)
    }
}
impl std::error::Error for Diverged {}

pub struct Run {
    pub dir: PathBuf,
    pub summary: SummaryWriter,
}

#[derive(Serialize)]
struct Status<'a> {
    status: &'a str,
    message: String,
    step: Option<i64>,
}

impl Run {
    /// Creates `root/program/<name>-<UTC timestamp>[-k]` (never an existing directory), writes
    /// `config.json`, the configuration as TensorBoard text, and status "running".
    pub fn create(root: &Path, program: &str, name: &str, config: &impl Serialize) -> Result<Run> {
        let parent = root.join(program);
        std::fs::create_dir_all(&parent).with_context(|| format!("cannot create the runs directory {}", parent.display()))?;
        let stamp = utc_timestamp();
        let dir = (1..1000)
            .map(|k| if k == 1 { parent.join(format!("{name}-{stamp}")) } else { parent.join(format!("{name}-{stamp}-{k}")) })
            .find(|d| std::fs::create_dir(d).is_ok())
            .with_context(|| format!("cannot create a run directory in {} (not writable?)", parent.display()))?;
        let json = serde_json::to_string_pretty(config).context("serialising the configuration")?;
        write_file(&dir.join("config.json"), json.as_bytes())?;
        let mut summary = SummaryWriter::create(&dir)?;
        summary.add_text("config", &format!("```\n{json}\n```"), 0)?;
        let run = Run { dir, summary };
        run.set_status("running", String::new(), None)?;
        Ok(run)
    }

    /// Reopens an existing run to continue it: a new event file beside the old ones.
    pub fn reopen(dir: &Path) -> Result<Run> {
        if !dir.join("config.json").is_file() {
            bail!("{} is not a run directory (no config.json)", dir.display());
        }
        let run = Run { dir: dir.to_path_buf(), summary: SummaryWriter::create(dir)? };
        run.set_status("running", "resumed".into(), None)?;
        Ok(run)
    }

    pub fn set_status(&self, status: &str, message: String, step: Option<i64>) -> Result<()> {
        let json = serde_json::to_string_pretty(&Status { status, message, step }).expect("plain struct");
        write_file(&self.dir.join("status.json"), json.as_bytes())
    }

    /// Records how the run ended: complete, interrupted (with the step), diverged, or failed.
    pub fn finish(&self, result: Result<Outcome, &anyhow::Error>) -> Result<()> {
        match result {
            Ok(Outcome::Complete) => self.set_status("complete", String::new(), None),
            Ok(Outcome::Interrupted { step }) => self.set_status("interrupted", format!("stopped by a signal at step {step}"), Some(step)),
            Err(e) => match e.downcast_ref::<Diverged>() {
                Some(d) => self.set_status("diverged", d.to_string(), Some(d.step)),
                None => self.set_status("failed", format!("{e:#}"), None),
            },
        }
    }
}

/// Writes via a temporary file and a rename, so a reader never sees half a file.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// YYYYMMDD-HHMMSS in UTC (days-from-civil inverse, H. Hinnant).
pub fn utc_timestamp() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}{m:02}{d:02}-{:02}{:02}{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}
