//! Part 1 (a)–(e): the 3-layer network on Make-Moons, trained by hand-written backprop.
use anyhow::Result;
use clap::Parser;
use nnlab::cli::{check_network_size, main_with, positive_sizes, CommaList, GdArgs};
use nnlab::data::make_moons;
use nnlab::experiment::{exit_if_interrupted, Experiment, Job};
use nnlab::three_layer::NeuralNetwork;
use serde::Serialize;

/// Train the assignment's 3-layer network (input 2, one hidden layer, softmax output) on Make-Moons
/// with full-batch gradient descent and hand-written backprop. Several activations or hidden sizes
/// make a sweep: one TensorBoard run per network and one figure with a panel each.
#[derive(Parser, Debug, Serialize)]
#[command(version, allow_negative_numbers = true)]
struct Args {
    /// Hidden-layer size(s); a comma list such as 1,2,3,4,5,20,50 sweeps them
    #[arg(long, default_value = "3", value_parser = positive_sizes)]
    hidden: CommaList<i64>,
    #[command(flatten)]
    #[serde(flatten)]
    gd: GdArgs,
}

fn main() {
    main_with("three_layer", || run(Args::parse()));
}

fn run(args: Args) -> Result<()> {
    let gd = &args.gd;
    gd.validate()?;
    tch::set_num_threads(1);
    let data = make_moons(gd.samples, gd.noise, gd.seed);
    let hidden = &args.hidden.0;
    for &h in hidden {
        check_network_size(gd.samples, &[2, h, 2])?;
    }
    let mut jobs = Vec::new();
    for &act in &gd.activation.0 {
        for &h in hidden {
            let model = NeuralNetwork::new(2, h, 2, act, gd.reg_lambda, gd.seed);
            let config = serde_json::json!({ "activation": act, "hidden": h, "passes": gd.passes, "epsilon": gd.epsilon,
                "reg_lambda": gd.reg_lambda, "seed": gd.seed, "samples": gd.samples, "noise": gd.noise });
            jobs.push(Job { name: format!("{act}-h{h}"), title: format!("{act}, {h} hidden"), config, model: Box::new(model) });
        }
    }
    let acts = &gd.activation.0;
    let cols = if acts.len() > 1 && hidden.len() == 1 { acts.len() } else { 4.min(hidden.len()) };
    let exp =
        Experiment { program: "three_layer", runs_root: &gd.runs, train: &data, test: None, fit: gd.fit_config(), plot: !gd.no_plot, cols };
    let acts: Vec<&str> = acts.iter().map(|a| a.name()).collect();
    let sizes: Vec<String> = hidden.iter().map(i64::to_string).collect();
    let (results, dir) = exp.run(&format!("sweep-{}-h{}", acts.join(","), sizes.join(",")), jobs, &args)?;
    if results.len() > 1 {
        println!("{:<16} {:>10} {:>10} {:>8}", "network", "loss", "accuracy", "seconds");
        for r in &results {
            println!("{:<16} {:>10.4} {:>9.2}% {:>8.2}", r.name, r.final_loss, 100.0 * r.train_accuracy, r.seconds);
        }
    }
    println!("run: {}", dir.display());
    exit_if_interrupted(&results);
    Ok(())
}
