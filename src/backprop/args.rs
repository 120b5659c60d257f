//! The settings of both Part 1 programs, each declared once (flag, help, default) and checked in one
//! place ([`Check`]), and the size limits checked before anything is allocated.
use crate::backprop::activation::Activation;
use crate::backprop::data::DatasetName;
use crate::backprop::fit::FitConfig;
use crate::cli::{
    defaults, ensure_in, ensure_non_negative, ensure_positive, parse_list, sizes, Check, CommaList,
};
use anyhow::{bail, Result};
use serde::Serialize;
use std::path::PathBuf;

#[cfg(test)]
#[path = "args_tests.rs"]
mod tests;

/// Most networks one sweep trains (and draws as panels of one figure).
pub const MAX_NETWORKS: usize = 64;
/// Largest layer size, depth or hidden size.
const MAX_SIZE: i64 = 100_000;

/// `three_layer`'s settings.
#[derive(clap::Args, Clone, Debug, PartialEq, Serialize)]
pub struct ThreeLayerArgs {
    /// Hidden-layer size(s); a comma list such as 1,2,3,4,5,20,50 sweeps them
    #[arg(long, default_value = "3", value_parser = sizes)]
    pub hidden: CommaList<i64>,
    #[command(flatten)]
    #[serde(flatten)]
    pub gd: GdArgs,
}

impl Check for ThreeLayerArgs {
    fn check(&self) -> Result<()> {
        check_sizes("--hidden", &self.hidden.0)?;
        self.gd.check()?;
        check_sweep_size(self.gd.activation.0.len().saturating_mul(self.hidden.0.len()))
    }
}

/// `n_layer`'s settings.
#[derive(clap::Args, Clone, Debug, PartialEq, Serialize)]
pub struct NLayerArgs {
    /// Built-in data set: moons and circles (2-D, --samples points) or scikit-learn's iris, wine,
    /// breast-cancer, digits (standardised, with a held-out split)
    #[arg(long, value_enum, default_value_t = DatasetName::Moons)]
    pub dataset: DatasetName,
    /// Your own CSV instead (numeric columns, integer class label last; a header line is skipped)
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Every layer size, input to output, e.g. 2,10,10,5,2; repeat the flag to compare networks.
    /// Overrides --depth/--width
    #[arg(long, value_parser = sizes)]
    pub layers: Vec<CommaList<i64>>,
    /// Number of hidden layers (a comma list sweeps)
    #[arg(long, default_value = "3", value_parser = sizes)]
    pub depth: CommaList<i64>,
    /// Units per hidden layer (a comma list sweeps)
    #[arg(long, default_value = "10", value_parser = sizes)]
    pub width: CommaList<i64>,
    /// Fraction of the rows held out for testing (real data sets and --data)
    #[arg(long, default_value_t = 0.2)]
    pub test_fraction: f64,
    /// Where scripts/setup put scikit-learn's CSVs
    #[arg(long, default_value = "data/sklearn")]
    pub data_dir: PathBuf,
    #[command(flatten)]
    #[serde(flatten)]
    pub gd: GdArgs,
}

impl Default for ThreeLayerArgs {
    fn default() -> Self {
        defaults()
    }
}

impl Default for NLayerArgs {
    fn default() -> Self {
        defaults()
    }
}

impl Default for GdArgs {
    fn default() -> Self {
        defaults()
    }
}

impl NLayerArgs {
    /// How many network shapes the settings make: the --layers given, or each depth with each width.
    pub fn shapes(&self) -> usize {
        match self.layers.len() {
            0 => self.depth.0.len().saturating_mul(self.width.0.len()),
            n => n,
        }
    }
}

impl Check for NLayerArgs {
    fn check(&self) -> Result<()> {
        for l in &self.layers {
            check_sizes("--layers", &l.0)?;
        }
        check_sizes("--depth", &self.depth.0)?;
        check_sizes("--width", &self.width.0)?;
        if !(self.test_fraction > 0.0 && self.test_fraction < 1.0) {
            bail!("--test-fraction must be between 0 and 1, got {}", self.test_fraction);
        }
        self.gd.check()?;
        check_sweep_size(self.shapes().saturating_mul(self.gd.activation.0.len()))
    }
}

/// Every size in 1..=[`MAX_SIZE`].
fn check_sizes(flag: &str, values: &[i64]) -> Result<()> {
    match values.iter().find(|v| !(1..=MAX_SIZE).contains(*v)) {
        Some(v) => bail!("{flag}: size {v} is out of range (1..={MAX_SIZE})"),
        None => Ok(()),
    }
}

/// The settings both Part 1 programs share.
#[derive(clap::Args, Clone, Debug, PartialEq, Serialize)]
pub struct GdArgs {
    /// Hidden activation(s): tanh, sigmoid, relu; a comma list sweeps them
    #[arg(long, default_value = "tanh", value_parser = |s: &str| parse_list::<Activation>(s, "activation", |_| true).map(CommaList))]
    pub activation: CommaList<Activation>,
    /// Gradient-descent passes over the whole training set
    #[arg(long, default_value_t = 20_000)]
    pub passes: i64,
    /// Learning rate ε. As in the starter the gradient is summed over examples, so data sets larger
    /// than 200 rows want a smaller ε (the Makefile uses 0.001 for the real ones)
    #[arg(long, default_value_t = 0.01)]
    pub epsilon: f64,
    /// L2 regularisation strength λ (every weight matrix)
    #[arg(long, default_value_t = 0.01)]
    pub reg_lambda: f64,
    /// Print and log the loss (and weight histograms) every N passes
    #[arg(long, default_value_t = 1000)]
    pub print_every: i64,
    /// Seed for the data, the split and the initial weights
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Number of Make-Moons (or circles) points
    #[arg(long, default_value_t = 200)]
    pub samples: i64,
    /// Standard deviation of the Gaussian noise added to Make-Moons (or circles)
    #[arg(long, default_value_t = 0.2)]
    pub noise: f64,
    /// Directory for TensorBoard runs and figures
    #[arg(long, default_value = "runs")]
    pub runs: PathBuf,
    /// Skip the PNG figures
    #[arg(long)]
    pub no_plot: bool,
    /// Do not print the loss lines or the progress bar
    #[arg(long)]
    pub quiet: bool,
}

impl Check for GdArgs {
    fn check(&self) -> Result<()> {
        ensure_in("--passes", self.passes, 1..=100_000_000)?;
        if self.print_every < 1 {
            bail!("--print-every must be at least 1, got {}", self.print_every);
        }
        ensure_in("--samples", self.samples, 2..=1_000_000)?;
        ensure_positive("--epsilon", self.epsilon)?;
        ensure_non_negative("--reg-lambda", self.reg_lambda)?;
        ensure_non_negative("--noise", self.noise)
    }
}

impl GdArgs {
    pub fn fit_config(&self) -> FitConfig {
        FitConfig {
            epsilon: self.epsilon,
            num_passes: self.passes,
            print_every: self.print_every,
            print_loss: !self.quiet,
            progress: !self.quiet,
        }
    }
}

/// Refuses networks that would not fit in memory, before libtorch is asked for them: `rows` examples
/// through layers of `sizes` (input to output).
pub fn check_network_size(rows: i64, sizes: &[i64]) -> Result<()> {
    const MAX_PARAMS: i64 = 50_000_000;
    const MAX_ACTIVATIONS: i64 = 200_000_000;
    let params: i64 =
        sizes.windows(2).map(|w| w[0].saturating_mul(w[1]).saturating_add(w[1])).fold(0, i64::saturating_add);
    if params > MAX_PARAMS {
        bail!("a network of sizes {sizes:?} has {params} parameters, more than the {MAX_PARAMS} this program allows");
    }
    let widest = sizes.iter().copied().max().unwrap_or(0);
    if rows.saturating_mul(widest) > MAX_ACTIVATIONS {
        bail!("{rows} examples × {widest} units is more than {MAX_ACTIVATIONS} activations; use fewer --samples or narrower layers");
    }
    // What training cannot do without: every layer's activations and the parameters, as doubles.
    let units = sizes.iter().fold(0i64, |a, &s| a.saturating_add(s));
    let least = rows.saturating_mul(units).saturating_add(params).max(0) as u64 * 8;
    crate::native::memory::ensure_fits(least, &format!("a network of sizes {sizes:?} on {rows} examples"))
}

/// Refuses sweeps of more networks than one figure and one run directory can hold.
pub fn check_sweep_size(networks: usize) -> Result<()> {
    if networks > MAX_NETWORKS {
        bail!("the lists given make {networks} networks; one sweep trains at most {MAX_NETWORKS}");
    }
    Ok(())
}
