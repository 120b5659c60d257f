//! Part 1 (a)–(e): the 3-layer network on Make-Moons, trained by hand-written backprop.
use anyhow::Result;
use clap::Parser;
use nnlab::activation::Activation;
use nnlab::cli::{ensure_positive, main_with, parse_list, positive_sizes, CommaList};
use nnlab::data::make_moons;
use nnlab::experiment::{Experiment, Job};
use nnlab::gd::FitConfig;
use nnlab::three_layer::NeuralNetwork;
use serde::Serialize;
use std::path::PathBuf;

/// Train the assignment's 3-layer network (input 2, one hidden layer, softmax output) on Make-Moons
/// with full-batch gradient descent and hand-written backprop. Several activations or hidden sizes
/// make a sweep: one TensorBoard run per network and one figure with a panel each.
#[derive(Parser, Debug, Serialize)]
#[command(version, allow_negative_numbers = true)]
struct Args {
    /// Activation(s) of the hidden layer: tanh, sigmoid, relu; a comma list sweeps them
    #[arg(long, default_value = "tanh", value_parser = |s: &str| parse_list::<Act>(s, "activation", |_| true).map(CommaList))]
    activation: CommaList<Act>,
    /// Hidden-layer size(s); a comma list such as 1,2,3,4,5,20,50 sweeps them
    #[arg(long, default_value = "3", value_parser = positive_sizes)]
    hidden: CommaList<i64>,
    /// Gradient-descent passes over the whole data set
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(i64).range(1..=100_000_000))]
    passes: i64,
    /// Learning rate ε
    #[arg(long, default_value_t = 0.01)]
    epsilon: f64,
    /// L2 regularisation strength λ
    #[arg(long, default_value_t = 0.01)]
    reg_lambda: f64,
    /// Print and log the loss every N passes
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(i64).range(1..))]
    print_every: i64,
    /// Seed for the data and the initial weights
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Number of Make-Moons points
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(i64).range(2..=1_000_000))]
    samples: i64,
    /// Standard deviation of the Gaussian noise added to Make-Moons
    #[arg(long, default_value_t = 0.2)]
    noise: f64,
    /// Directory for TensorBoard runs and figures
    #[arg(long, default_value = "runs")]
    runs: PathBuf,
    /// Skip the PNG figures
    #[arg(long)]
    no_plot: bool,
    /// Do not print the loss lines or the progress bar
    #[arg(long)]
    quiet: bool,
}

/// Newtype so clap's value parser can build a list of activations.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(transparent)]
struct Act(Activation);
impl std::str::FromStr for Act {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        <Activation as clap::ValueEnum>::from_str(s, true).map(Act).map_err(|_| "expected tanh, sigmoid or relu".to_string())
    }
}

fn main() {
    main_with("three_layer", || run(Args::parse()));
}

fn run(args: Args) -> Result<()> {
    ensure_positive("--epsilon", args.epsilon)?;
    if !(args.reg_lambda >= 0.0 && args.reg_lambda.is_finite()) {
        anyhow::bail!("--reg-lambda must be ≥ 0, got {}", args.reg_lambda);
    }
    if !(args.noise >= 0.0 && args.noise.is_finite()) {
        anyhow::bail!("--noise must be ≥ 0, got {}", args.noise);
    }
    tch::set_num_threads(1);
    let data = make_moons(args.samples, args.noise, args.seed);
    let hidden = &args.hidden.0;
    let mut jobs = Vec::new();
    for &Act(act) in &args.activation.0 {
        for &h in hidden {
            let model = NeuralNetwork::new(2, h, 2, act, args.reg_lambda, args.seed);
            let config = serde_json::json!({ "activation": act, "hidden": h, "passes": args.passes, "epsilon": args.epsilon,
                "reg_lambda": args.reg_lambda, "seed": args.seed, "samples": args.samples, "noise": args.noise });
            jobs.push(Job { name: format!("{act}-h{h}"), title: format!("{act}, {h} hidden"), config, model: Box::new(model) });
        }
    }
    let fit = FitConfig { epsilon: args.epsilon, num_passes: args.passes, print_every: args.print_every, print_loss: !args.quiet, progress: !args.quiet };
    let cols = if args.activation.0.len() > 1 && hidden.len() == 1 { args.activation.0.len() } else { 4.min(hidden.len()) };
    let exp = Experiment { program: "three_layer", runs_root: &args.runs, train: &data, test: None, fit, plot: !args.no_plot, cols };
    let acts: Vec<&str> = args.activation.0.iter().map(|a| a.0.name()).collect();
    let sizes: Vec<String> = hidden.iter().map(i64::to_string).collect();
    let (results, dir) = exp.run(&format!("sweep-{}-h{}", acts.join(","), sizes.join(",")), jobs, &args)?;
    if results.len() > 1 {
        println!("{:<16} {:>10} {:>10} {:>8}", "network", "loss", "accuracy", "seconds");
        for r in &results {
            println!("{:<16} {:>10.4} {:>9.2}% {:>8.2}", r.name, r.final_loss, 100.0 * r.train_accuracy, r.seconds);
        }
    }
    println!("run: {}", dir.display());
    Ok(())
}
