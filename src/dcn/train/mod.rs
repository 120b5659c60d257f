//! Training the DCN with part (b)'s monitoring: [`config`] (the settings), [`trainer`] (the loop),
//! [`monitor`] (tags and statistics), [`evaluate`] (validation/test error), [`checkpoint`] (save and
//! exact resume), [`host`] (the counted device-to-host reads).
pub mod checkpoint;
pub mod config;
pub mod evaluate;
pub mod host;
pub mod monitor;
pub mod trainer;
pub mod views;

pub use config::TrainConfig;

use crate::cli::Valid;
use crate::dcn::mnist::MnistData;
use crate::fs::write::write_file;
use crate::native::device::DeviceArg;
use crate::native::memory;
use crate::run::console;
use crate::run::{Outcome, Run, RunDir};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tch::Device;
use trainer::Trainer;

/// A run's result.json in Part 2.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TrainReport {
    pub run_dir: PathBuf,
    /// Updates done.
    pub iterations: i64,
    /// The loss of the last update.
    pub final_loss: f64,
    pub validation_accuracy: f64,
    pub test_accuracy: f64,
    /// Training time of this process (a resumed run counts its own part).
    pub seconds: f64,
    pub iterations_per_second: f64,
    pub device: DeviceArg,
    #[serde(skip)]
    pub outcome: Outcome,
}

/// Trains a new network on `data` as `cfg` says, logging into a new run directory under `cfg.runs`.
/// `device` must come from [`crate::native::device::select`], called before any other torch work.
pub fn train(cfg: &Valid<TrainConfig>, device: Device, data: &MnistData) -> Result<TrainReport> {
    let cfg = cfg.map(TrainConfig::resolved);
    let trainer = memory::guard("creating the network", || Trainer::new(&cfg, device, data, 0))?;
    let run = Run::create(&cfg.runs, "mnist_dcn", &cfg.run_name(), &cfg, &cfg.hparams())?;
    drive(trainer, run)
}

/// The settings of a run, each checked once, here: `flags` for a new run; for `--resume DIR` the
/// run's own config.json, of which only --device and --iterations (where `given` on the command
/// line) and --quiet come from `flags`. A bad value gets the same message from a flag and from a
/// config.json (which the message names).
pub fn settings(
    flags: TrainConfig,
    resume: Option<&Path>,
    given: impl Fn(&str) -> bool,
) -> Result<Valid<TrainConfig>> {
    let Some(dir) = resume else { return Valid::new(flags) };
    let saved = read_run_config(dir)?;
    let cfg = TrainConfig {
        device: if given("device") { flags.device } else { saved.device },
        iterations: if given("iterations") { flags.iterations } else { saved.iterations },
        quiet: flags.quiet,
        ..saved
    };
    Valid::new(cfg).with_context(|| format!("{}", dir.join("config.json").display()))
}

/// The configuration of the run in `dir`, as config.json recorded it, checked like the flags.
pub fn load_run_config(dir: &Path) -> Result<Valid<TrainConfig>> {
    Valid::new(read_run_config(dir)?).with_context(|| format!("{}", dir.join("config.json").display()))
}

/// config.json as it is, unchecked.
fn read_run_config(dir: &Path) -> Result<TrainConfig> {
    let path = dir.join("config.json");
    let text = crate::fs::open::read_own_text(&path)
        .with_context(|| format!("cannot read {} (is {} a run directory?)", path.display(), dir.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not an nnlab mnist_dcn configuration", path.display()))
}

/// Continues the run in `dir` from its checkpoint to `cfg`'s iteration count, appending to the same
/// TensorBoard run (events after the checkpoint are dropped first, and a restart marker tells a
/// watching TensorBoard to drop them too). On the device the checkpoint was written on, the resumed
/// run computes exactly what the uninterrupted one would have (tested bit for bit on the CPU).
pub fn resume(dir: &Path, cfg: &Valid<TrainConfig>, device: Device, data: &MnistData) -> Result<TrainReport> {
    resume_in(RunDir::reopen(dir)?, cfg, device, data)
}

/// [`resume`] for a run directory already taken over with [`RunDir::reopen`] (which fails at once
/// while another process writes the run, before anything slow such as loading the data). A new
/// iteration count is recorded in the run's config.json, so that a later plain `--resume` of it
/// continues to that count.
pub fn resume_in(
    home: RunDir,
    cfg: &Valid<TrainConfig>,
    device: Device,
    data: &MnistData,
) -> Result<TrainReport> {
    let dir = home.dir.clone();
    let dir = dir.as_path();
    let (saved, meta) = checkpoint::read(dir)?;
    let ckpt = dir.join(checkpoint::FILE);
    if meta.step < 0 || meta.step > cfg.iterations() {
        bail!(
            "{}: step {} is outside this run's 0..={} iterations",
            ckpt.display(),
            meta.step,
            cfg.iterations()
        );
    }
    if meta.step == cfg.iterations() {
        bail!("{} already reached {} of {} iterations", dir.display(), meta.step, cfg.iterations());
    }
    if meta.seed != cfg.seed || meta.optimizer_steps != meta.step {
        bail!(
            "{}: its step record (seed {}, {} optimizer steps) does not belong to this run",
            ckpt.display(),
            meta.seed,
            meta.optimizer_steps
        );
    }
    let mut trainer = memory::guard("creating the network", || Trainer::new(cfg, device, data, meta.step))?;
    let note = trainer.load_checkpoint(&saved, &meta).with_context(|| format!("{}", ckpt.display()))?;
    let recorded = read_run_config(dir)?;
    if recorded.iterations() != cfg.iterations() {
        let updated = TrainConfig { iterations: Some(cfg.iterations()), ..recorded };
        write_file(&dir.join("config.json"), serde_json::to_string_pretty(&updated)?.as_bytes())?;
    }
    let (run, dropped) = Run::resume(home, meta.step)?;
    console::err(format!(
        "resuming {} at step {} ({dropped} events after the checkpoint dropped)",
        dir.display(),
        meta.step
    ));
    if let Some(note) = note {
        console::err(format!("note: {note}"));
    }
    drive(trainer, run)
}

/// Trains, then records the result: result.json, then the status (complete/interrupted), or the
/// error as the status. The training error is the one returned, whatever else fails after it.
fn drive(trainer: Trainer, mut run: Run) -> Result<TrainReport> {
    console::err(format!("run: {}", run.dir().display()));
    let what = format!("training (batch {})", trainer.cfg.batch_size);
    let result = memory::guard(what, || trainer.fit(&mut run)).and_then(|report| {
        write_file(&run.dir().join("result.json"), serde_json::to_string_pretty(&report)?.as_bytes())?;
        Ok(report)
    });
    match result {
        Ok(report) => {
            run.finish(Ok(report.outcome), report.iterations)?;
            Ok(report)
        }
        Err(e) => {
            let _ = run.finish(Err(&e), 0);
            Err(e)
        }
    }
}
