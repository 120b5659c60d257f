//! A [burn](https://burn.dev) `Learner` writing its metrics to TensorBoard (feature `burn`):
//! [`TensorBoardLogger`] implements burn-train's [`MetricLogger`].
//!
//! ```ignore
//! use tensorboard_writer::burn::TensorBoardLogger;
//!
//! SupervisedTraining::new("artifacts", dataloader_train, dataloader_valid)
//!     .with_metric_logger(TensorBoardLogger::new("runs/regression"))
//!     .metric_train_numeric(LossMetric::new())
//!     .metric_valid_numeric(LossMetric::new())
//!     .launch(learner);
//! ```
//!
//! (`examples/burn_logger.rs` is this in full.) Then `tensorboard --logdir runs/regression`. Each
//! split is a run of its own, so that the train and validation curves of a metric share one chart:
//! - `<log_dir>/train`, `<log_dir>/valid`, `<log_dir>/test` (`test/<tag>` for a tagged test split,
//!   named as burn's own file logger names it);
//! - the tag is the metric's name (`Loss`, `Accuracy`, …) and the step the split's iteration,
//!   counted from 1 across epochs (each run counts its own);
//! - the value burn computes for the whole epoch is written under `epoch/<name>` at step `epoch`;
//! - the scalar `epoch` marks where each epoch starts: its value at the first iteration of the
//!   epoch. [`MetricLogger::read_numeric`] reads the event files back with it, as burn's file
//!   logger reads its own files, so a resumed training finds the epochs logged before.
//!
//! The feature follows burn-train 0.23 (0.22's optional `burn-tch` links a libtorch older than the
//! `tch` feature's, which Cargo refuses in one dependency graph) and, as burn, needs Rust 1.88.
//!
//! Only numeric metrics are written; text metrics (burn's `metrics_text`) are left to its other
//! loggers. A run that fails to write (a full disk) is reported once through the `log` crate (burn
//! installs a logger for it) and writes nothing more, since the trait's methods cannot return an
//! error.
use crate::record::{read_dir_events, scalars};
use crate::{Error, SummaryWriter};
use burn_train::logger::MetricLogger;
use burn_train::metric::store::{EpochSummary, MetricsUpdate, Split};
use burn_train::metric::{MetricDefinition, MetricEntry, MetricId, MetricName, NumericEntry};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The tag whose value is the epoch number, written at each epoch's first iteration.
pub const EPOCH_TAG: &str = "epoch";

/// The tag of a metric's epoch-level value (burn's final value of the epoch), at step `epoch`.
pub fn epoch_tag(metric: &str) -> String {
    format!("{EPOCH_TAG}/{metric}")
}

/// burn-train's [`MetricLogger`] writing to TensorBoard event files: one run per split under
/// `log_dir` (see the [module](self) for the layout). Pass it to
/// `SupervisedTraining::with_metric_logger`.
pub struct TensorBoardLogger {
    log_dir: PathBuf,
    runs: HashMap<Split, Run>,
    names: HashMap<MetricId, MetricName>,
}

/// The writer of one split, and where it stands.
struct Run {
    /// `None` once a write failed: the failure was reported, and the run writes nothing more.
    writer: Option<SummaryWriter>,
    /// The last iteration written (0 before the first).
    iteration: i64,
    /// The epoch of the last iteration written.
    epoch: Option<usize>,
}

impl TensorBoardLogger {
    /// A logger writing under `log_dir`. Nothing is created until a split logs its first metric.
    pub fn new(log_dir: impl AsRef<Path>) -> TensorBoardLogger {
        TensorBoardLogger {
            log_dir: log_dir.as_ref().to_path_buf(),
            runs: HashMap::new(),
            names: HashMap::new(),
        }
    }

    /// The run directory of `split`: `<log_dir>/train`, `valid`, `test` or `test/<tag>`.
    pub fn run_dir(&self, split: &Split) -> PathBuf {
        let dir = self.log_dir.join(split.to_string());
        match split {
            Split::Test(Some(tag)) => dir.join(tag.trim().replace(' ', "-").to_lowercase()),
            _ => dir,
        }
    }

    /// The run of `split`, opened on first use. Its iterations continue after the last step
    /// already in its directory, so that a resumed training appends rather than overwrites.
    fn run(&mut self, split: &Split) -> &mut Run {
        let dir = self.run_dir(split);
        self.runs.entry(split.clone()).or_insert_with(|| {
            let iteration = match read_dir_events(&dir) {
                Ok(events) => events.iter().map(|e| e.step).max().unwrap_or(0),
                Err(_) => 0, // no directory yet (or unreadable: the writer reports it)
            };
            let writer = SummaryWriter::new(&dir).map_err(|e| report(&dir, &e)).ok();
            Run { writer, iteration, epoch: None }
        })
    }
}

/// One failure of a run, said once: the trait's methods cannot return it.
fn report(dir: &Path, e: &Error) {
    log::error!("TensorBoard logger: {}: {e}; this run logs nothing more", dir.display());
}

/// The numeric value of an entry, as burn's file logger reads it back; `None` for placeholders.
fn numeric(entry: &MetricEntry) -> Option<NumericEntry> {
    let serialized = &entry.serialized_entry;
    if serialized.is_not_available() {
        return None;
    }
    NumericEntry::deserialize(&serialized.serialized).ok()
}

impl Run {
    /// Writes `values` (tag, value) at `step`; the first failure closes the run.
    fn write(&mut self, dir: &Path, values: &[(String, f64)], step: i64) {
        let Some(writer) = self.writer.as_mut() else { return };
        for (tag, value) in values {
            if let Err(e) = writer.add_scalar(tag, *value, step) {
                report(dir, &e);
                self.writer = None;
                return;
            }
        }
    }
}

impl MetricLogger for TensorBoardLogger {
    fn log(&mut self, update: MetricsUpdate, epoch: usize, split: &Split) {
        let entries: Vec<(String, NumericEntry)> = update
            .entries_numeric
            .iter()
            .filter_map(|u| Some((self.names.get(&u.entry.metric_id)?.to_string(), numeric(&u.entry)?)))
            .collect();
        let (finals, items): (Vec<_>, Vec<_>) =
            entries.into_iter().partition(|(_, e)| matches!(e, NumericEntry::Final(_)));
        let dir = self.run_dir(split);
        let run = self.run(split);
        // burn sends the epoch's final values in an update of their own, after its last item.
        if !finals.is_empty() && items.is_empty() {
            let values: Vec<(String, f64)> =
                finals.iter().map(|(n, e)| (epoch_tag(n), e.current())).collect();
            run.write(&dir, &values, epoch as i64);
            return;
        }
        run.iteration += 1;
        let mut values: Vec<(String, f64)> = Vec::with_capacity(items.len() + 1);
        if run.epoch != Some(epoch) {
            run.epoch = Some(epoch);
            values.push((EPOCH_TAG.to_string(), epoch as f64));
        }
        values.extend(items.iter().map(|(n, e)| (n.clone(), e.current())));
        run.write(&dir, &values, run.iteration);
    }

    /// The values of `name` logged in `epoch` of `split`, read back from the run's event files: each
    /// iteration's value, then the epoch's final value if it was logged.
    fn read_numeric(&mut self, name: &str, epoch: usize, split: &Split) -> Result<Vec<NumericEntry>, String> {
        let dir = self.run_dir(split);
        if !dir.is_dir() {
            return Ok(Vec::new());
        }
        let events = read_dir_events(&dir).map_err(|e| e.to_string())?;
        let epoch_value = epoch as f64;
        let markers = scalars(&events, EPOCH_TAG);
        // The epoch's latest start (a resumed training may have run it again), and the next start.
        let Some(start) = markers.iter().filter(|(_, e)| *e == epoch_value).map(|(s, _)| *s).max() else {
            return Ok(Vec::new());
        };
        let end = markers.iter().map(|(s, _)| *s).filter(|&s| s > start).min().unwrap_or(i64::MAX);
        let mut out: Vec<NumericEntry> = scalars(&events, name)
            .into_iter()
            .filter(|(s, _)| (start..end).contains(s))
            .map(|(_, v)| NumericEntry::Value(v))
            .collect();
        let last_final = scalars(&events, &epoch_tag(name)).into_iter().rfind(|(s, _)| *s == epoch as i64);
        out.extend(last_final.map(|(_, v)| NumericEntry::Final(v)));
        Ok(out)
    }

    fn log_metric_definition(&mut self, definition: MetricDefinition) {
        self.names.insert(definition.metric_id, definition.name);
    }

    fn log_epoch_summary(&mut self, _summary: EpochSummary) {
        // Each event is on disk when its call returns: nothing to flush.
    }
}
