//! Shared command-line pieces: comma-separated lists and the top-level error report.
use crate::activation::Activation;
use crate::gd::FitConfig;
use anyhow::{bail, Result};
use serde::Serialize;
use std::path::PathBuf;
use std::str::FromStr;

/// Parses "1,2,3" into values, each checked by `valid`.
pub fn parse_list<T: FromStr<Err: std::fmt::Display>>(s: &str, what: &str, valid: impl Fn(&T) -> bool) -> Result<Vec<T>, String> {
    let items: Result<Vec<T>, String> = s
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<T>().map_err(|e| format!("'{t}' is not a valid {what} ({e})")).and_then(|v| {
                if valid(&v) {
                    Ok(v)
                } else {
                    Err(format!("{what} '{t}' is out of range"))
                }
            })
        })
        .collect();
    match items {
        Ok(v) if v.is_empty() => Err(format!("expected a comma-separated list of {what}s")),
        other => other,
    }
}

pub fn positive_sizes(s: &str) -> Result<CommaList<i64>, String> {
    parse_list(s, "size (1..=100000)", |v: &i64| (1..=100_000).contains(v)).map(CommaList)
}

/// The name clap shows for an enum value ("leaky-relu"), for run names and captions.
pub fn value_name<T: clap::ValueEnum>(v: &T) -> String {
    v.to_possible_value().map(|p| p.get_name().to_string()).unwrap_or_default()
}

/// Runs `f`; on error prints one line `<program>: error: …` with the context chain and exits 1.
pub fn main_with(program: &str, f: impl FnOnce() -> Result<()>) {
    if let Err(e) = f() {
        eprintln!("{program}: error: {e:#}");
        std::process::exit(1);
    }
}

/// Refuses networks that would not fit in memory, before libtorch is asked for them: `rows` examples
/// through layers of `sizes` (input to output).
pub fn check_network_size(rows: i64, sizes: &[i64]) -> Result<()> {
    const MAX_PARAMS: i64 = 50_000_000;
    const MAX_ACTIVATIONS: i64 = 200_000_000;
    let params: i64 = sizes.windows(2).map(|w| w[0].saturating_mul(w[1]).saturating_add(w[1])).fold(0, i64::saturating_add);
    if params > MAX_PARAMS {
        bail!("a network of sizes {sizes:?} has {params} parameters, more than the {MAX_PARAMS} this program allows");
    }
    let widest = sizes.iter().copied().max().unwrap_or(0);
    if rows.saturating_mul(widest) > MAX_ACTIVATIONS {
        bail!("{rows} examples × {widest} units is more than {MAX_ACTIVATIONS} activations; use fewer --samples or narrower layers");
    }
    Ok(())
}

pub fn ensure_positive(name: &str, v: f64) -> Result<()> {
    if !(v.is_finite() && v > 0.0) {
        bail!("{name} must be a positive number, got {v}");
    }
    Ok(())
}

/// A flag value written as a comma-separated list ("tanh,relu", "1,2,3").
#[derive(Clone, Debug, serde::Serialize)]
#[serde(transparent)]
pub struct CommaList<T>(pub Vec<T>);

/// The flags both Part 1 programs share.
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
