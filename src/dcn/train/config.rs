//! The one configuration of a DCN run: every setting is declared here once, with its flag, help and
//! default; `mnist_dcn` flattens it into its command line, config.json stores it, resume reads it back.
use crate::cli::{defaults, ensure_in, Check};
use crate::dcn::mnist::DatasetKind;
use crate::dcn::model::{DcnActivation, InitKind};
use crate::dcn::optim::OptimConfig;
use crate::native::device::DeviceArg;
use crate::tensorboard::hparams::{HParams, Metrics};
use crate::tensorboard::tags;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;

#[derive(clap::Args, Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TrainConfig {
    /// cpu, or cuda (one line says why where CUDA cannot be used)
    #[arg(long, value_enum, default_value_t = DeviceArg::Cpu)]
    pub device: DeviceArg,
    /// Data set: mnist (data/mnist), fashion (data/fashion), mnist5k (5,000-image subset)
    #[arg(long, value_enum, default_value_t = DatasetKind::Mnist)]
    pub dataset: DatasetKind,
    /// Directory of the data set's files [default: data/<dataset>]
    #[arg(long = "data")]
    pub data_dir: Option<PathBuf>,
    /// Training iterations (batches) [default: 20000 on cuda, 2200 = 2 epochs on cpu]
    #[arg(long)]
    pub iterations: Option<i64>,
    /// Images per batch
    #[arg(long, default_value_t = 50)]
    pub batch_size: i64,
    /// Nonlinearity after each conv and fc1
    #[arg(long, value_enum, default_value_t = DcnActivation::Relu)]
    pub activation: DcnActivation,
    /// Linear pieces per unit for --activation maxout
    #[arg(long, default_value_t = 2)]
    pub maxout_pieces: i64,
    /// Weight initialisation (biases start at 0 for all but default)
    #[arg(long, value_enum, default_value_t = InitKind::Default)]
    pub init: InitKind,
    #[command(flatten)]
    pub optimizer: OptimConfig,
    /// Seed for initialisation, batches and dropout
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Statistics and histograms every N iterations (and at the last)
    #[arg(long, default_value_t = 100)]
    pub log_every: i64,
    /// Validation and test error every N iterations (1100 = one epoch of 55,000 at batch 50)
    #[arg(long, default_value_t = 1100)]
    pub eval_every: i64,
    /// Write checkpoint.safetensors every N iterations and at the end (0: only on Ctrl-C). A
    /// checkpoint is ~40 MB (weights + Adam's two moments)
    #[arg(long, default_value_t = 5500)]
    pub checkpoint_every: i64,
    /// Test images whose fc1 activations go to TensorBoard's Projector at the end (0: none)
    #[arg(long, default_value_t = default_embedding_samples())]
    #[serde(default = "default_embedding_samples")]
    pub embedding_samples: i64,
    /// Directory for TensorBoard runs
    #[arg(long, default_value = "runs")]
    pub runs: PathBuf,
    /// No progress bar
    #[arg(long)]
    #[serde(default)]
    pub quiet: bool,
}

impl Default for TrainConfig {
    /// The assignment's settings: batch 50, Adam 1e-4, one epoch = 1,100 iterations.
    fn default() -> Self {
        defaults()
    }
}

/// The metrics of Part 2's HParams experiment: what every mnist_dcn run logs.
pub const METRICS: Metrics = &[
    (tags::TRAIN_LOSS, "training loss"),
    (tags::VALIDATION_ERROR, "validation error"),
    (tags::TEST_ERROR, "test error"),
    (tags::TEST_ACCURACY, "test accuracy"),
];

/// The default of --embedding-samples, also for a config.json written before it existed.
fn default_embedding_samples() -> i64 {
    1000
}

/// Largest values accepted for sizes that decide allocations or loop lengths.
const MAX_ITERATIONS: i64 = 100_000_000;
const MAX_BATCH: i64 = 10_000;
/// The most points the projector's sprite holds (8,192 pixels a side, 28-pixel digits: 292²).
const MAX_EMBEDDING: i64 = 85_000;

impl TrainConfig {
    /// Training iterations: as given, or the device's default.
    pub fn iterations(&self) -> i64 {
        self.iterations.unwrap_or(match self.device {
            DeviceArg::Cuda => 20_000,
            DeviceArg::Cpu => 2200,
        })
    }

    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(|| self.dataset.default_dir())
    }

    /// The same configuration with its defaults written out (what config.json records).
    pub fn resolved(&self) -> TrainConfig {
        TrainConfig { iterations: Some(self.iterations()), data_dir: Some(self.data_dir()), ..self.clone() }
    }

    pub fn run_name(&self) -> String {
        format!(
            "{}-{}-{}-{}-lr{}-b{}",
            self.dataset, self.activation, self.init, self.optimizer.kind, self.optimizer.lr, self.batch_size
        )
    }

    /// The hyperparameters TensorBoard's HParams tab shows; seeds of one configuration form a group.
    pub fn hparams(&self) -> HParams {
        HParams::new(format!("mnist_dcn {}", self.run_name()), METRICS)
            .choice("activation", &self.activation)
            .choice("optimizer", &self.optimizer.kind)
            .add("lr", self.optimizer.lr)
            .choice("init", &self.init)
            .add("batch_size", self.batch_size)
            .one_of("program", "mnist_dcn", &["mnist_dcn"])
            .choice("dataset", &self.dataset)
            .add("steps", self.iterations())
            .add("seed", self.seed)
    }
}

impl Check for TrainConfig {
    /// Every check on the settings, for flags and for a config.json read back alike.
    fn check(&self) -> Result<()> {
        ensure_in("--embedding-samples", self.embedding_samples, 0..=MAX_EMBEDDING)?;
        ensure_in("--iterations", self.iterations(), 1..=MAX_ITERATIONS)?;
        ensure_in("--batch-size", self.batch_size, 1..=MAX_BATCH)?;
        ensure_in("--log-every", self.log_every, 1..=MAX_ITERATIONS)?;
        ensure_in("--eval-every", self.eval_every, 1..=MAX_ITERATIONS)?;
        ensure_in("--checkpoint-every", self.checkpoint_every, 0..=MAX_ITERATIONS)?;
        ensure_in("--maxout-pieces", self.maxout_pieces, 2..=8)?;
        self.optimizer.check()
    }
}
