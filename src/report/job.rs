//! One job of the report's grid: the typed configuration of one run of one program, checked when the
//! job is made, and the command line rendered from it (which is also what the cache key hashes).
use crate::backprop::args::{GdArgs, NLayerArgs, ThreeLayerArgs};
use crate::cli::{to_args, Check};
use crate::dcn::train::TrainConfig;
use crate::fs::names::fnv_hex;
use anyhow::{Context, Result};
use clap::ValueEnum;

/// The programs the report runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Program {
    ThreeLayer,
    NLayer,
    MnistDcn,
}

crate::clap_names!(Program);

impl Program {
    /// The executable's name.
    pub fn binary(self) -> &'static str {
        match self {
            Program::ThreeLayer => "three_layer",
            Program::NLayer => "n_layer",
            Program::MnistDcn => "mnist_dcn",
        }
    }
}

/// The configuration of the run a job asks for, typed as its program takes it.
#[derive(Clone, Debug, PartialEq)]
pub enum RunConfig {
    ThreeLayer(ThreeLayerArgs),
    NLayer(NLayerArgs),
    MnistDcn(TrainConfig),
}

/// The settings the report gives every job itself, not its configuration: `--seed` (the job's),
/// `--runs` (the cache) and `--quiet`.
const REPORT_SETS: [&str; 3] = ["seed", "runs", "quiet"];

impl RunConfig {
    pub fn program(&self) -> Program {
        match self {
            RunConfig::ThreeLayer(_) => Program::ThreeLayer,
            RunConfig::NLayer(_) => Program::NLayer,
            RunConfig::MnistDcn(_) => Program::MnistDcn,
        }
    }

    /// Part 1's settings, for a three_layer or n_layer job.
    pub fn gd(&self) -> Option<&GdArgs> {
        match self {
            RunConfig::ThreeLayer(a) => Some(&a.gd),
            RunConfig::NLayer(a) => Some(&a.gd),
            RunConfig::MnistDcn(_) => None,
        }
    }

    fn set_seed(&mut self, seed: u64) {
        match self {
            RunConfig::ThreeLayer(a) => a.gd.seed = seed,
            RunConfig::NLayer(a) => a.gd.seed = seed,
            RunConfig::MnistDcn(c) => c.seed = seed,
        }
    }

    fn check(&self) -> Result<()> {
        match self {
            RunConfig::ThreeLayer(a) => a.check(),
            RunConfig::NLayer(a) => a.check(),
            RunConfig::MnistDcn(c) => c.check(),
        }
    }

    /// The program's arguments for this configuration, without those in [`REPORT_SETS`].
    fn args(&self) -> Vec<String> {
        match self {
            RunConfig::ThreeLayer(a) => to_args(a, &REPORT_SETS),
            RunConfig::NLayer(a) => to_args(a, &REPORT_SETS),
            RunConfig::MnistDcn(c) => to_args(c, &REPORT_SETS),
        }
    }
}

/// One run of one program: what the report caches and reuses. Made only by [`Job::new`], which
/// checks its configuration: a plan with a bad setting fails when it is built.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    /// Readable and path-safe: "e1-activations-s0", "c-activation-tanh-s2".
    pub label: String,
    pub program: Program,
    /// Arguments, rendered from the configuration, without --seed, --runs and --quiet (the report
    /// adds those).
    pub args: Vec<String>,
    pub seed: u64,
    config: RunConfig,
}

impl Job {
    /// The job `label`-s`seed` that runs `config` with `seed`, once every setting is checked.
    pub fn new(label: &str, mut config: RunConfig, seed: u64) -> Result<Job> {
        config.set_seed(seed);
        let label = format!("{label}-s{seed}");
        config.check().with_context(|| format!("report job {label}"))?;
        Ok(Job { program: config.program(), args: config.args(), label, seed, config })
    }

    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// FNV-1a over program, arguments, seed and nnlab's version: the cache key.
    pub fn hash(&self) -> String {
        let key = format!(
            "{}\0{}\0{}\0{}",
            env!("CARGO_PKG_VERSION"),
            self.program.binary(),
            self.args.join("\0"),
            self.seed
        );
        fnv_hex(key.as_bytes())
    }
}
