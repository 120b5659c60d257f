//! The flags both Part 1 programs share, and the size limits checked before anything is allocated.
use crate::backprop::activation::Activation;
use crate::backprop::fit::FitConfig;
use crate::cli::{ensure_positive, parse_list, CommaList};
use anyhow::{bail, Result};
use serde::Serialize;
use std::path::PathBuf;

/// Most networks one sweep trains (and draws as panels of one figure).
pub const MAX_NETWORKS: usize = 64;

#[derive(clap::Args, Debug, Serialize)]
pub struct GdArgs {
    /// Hidden activation(s): tanh, sigmoid, relu; a comma list sweeps them
    #[arg(long, default_value = "tanh", value_parser = |s: &str| parse_list::<Activation>(s, "activation", |_| true).map(CommaList))]
    pub activation: CommaList<Activation>,
    /// Gradient-descent passes over the whole training set
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(i64).range(1..=100_000_000))]
    pub passes: i64,
    /// Learning rate ε. As in the starter the gradient is summed over examples, so data sets larger
    /// than 200 rows want a smaller ε (the Makefile uses 0.001 for the real ones)
    #[arg(long, default_value_t = 0.01)]
    pub epsilon: f64,
    /// L2 regularisation strength λ (every weight matrix)
    #[arg(long, default_value_t = 0.01)]
    pub reg_lambda: f64,
    /// Print and log the loss (and weight histograms) every N passes
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(i64).range(1..))]
    pub print_every: i64,
    /// Seed for the data, the split and the initial weights
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Number of Make-Moons (or circles) points
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(i64).range(2..=1_000_000))]
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

impl GdArgs {
    pub fn validate(&self) -> Result<()> {
        ensure_positive("--epsilon", self.epsilon)?;
        if !(self.reg_lambda >= 0.0 && self.reg_lambda.is_finite()) {
            bail!("--reg-lambda must be ≥ 0, got {}", self.reg_lambda);
        }
        if !(self.noise >= 0.0 && self.noise.is_finite()) {
            bail!("--noise must be ≥ 0, got {}", self.noise);
        }
        Ok(())
    }

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
