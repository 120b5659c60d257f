//! Part 1 (a)–(e): the 3-layer network on Make-Moons, trained by hand-written backprop.
mod shared;
use anyhow::Result;
use clap::Parser;
use nnlab::backprop::activation::Activation;
use nnlab::backprop::args::{check_network_size, ThreeLayerArgs};
use nnlab::backprop::data::make_moons;
use nnlab::backprop::record::NetConfig;
use nnlab::backprop::sweep::{finish, Network, Sweep};
use nnlab::backprop::three_layer::NeuralNetwork;
use nnlab::cli::{Exit, Valid};

/// Train the assignment's 3-layer network (input 2, one hidden layer, softmax output) on Make-Moons
/// with full-batch gradient descent and hand-written backprop. Several activations or hidden sizes
/// make a sweep: one TensorBoard run per network and one figure with a panel each.
#[derive(Parser, Debug)]
#[command(version, allow_negative_numbers = true)]
struct Cli {
    #[command(flatten)]
    args: ThreeLayerArgs,
}

fn main() -> std::process::ExitCode {
    shared::main_with("three_layer", || run(Valid::new(shared::parse::<Cli>("three_layer")?.args)?))
}

fn run(args: Valid<ThreeLayerArgs>) -> Result<Exit> {
    let gd = &args.gd;
    tch::set_num_threads(1);
    let (acts, hidden) = (&gd.activation.0, &args.hidden.0);
    for &h in hidden {
        check_network_size(gd.samples, &[2, h, 2])?;
    }
    let data = make_moons(gd.samples, gd.noise, gd.seed);
    data.check_features("the moons data (--noise too large?)")?;
    let mut networks = Vec::new();
    for &act in acts {
        for &h in hidden {
            let config = NetConfig {
                dataset: "moons".into(),
                layers: vec![2, h, 2],
                activation: act,
                passes: gd.passes,
                epsilon: gd.epsilon,
                reg_lambda: gd.reg_lambda,
                seed: gd.seed,
            };
            let model = Box::new(NeuralNetwork::new(2, h, 2, act, gd.reg_lambda, gd.seed));
            networks.push(Network {
                name: format!("{act}-h{h}"),
                title: format!("{act}, {h} hidden"),
                config,
                model,
            });
        }
    }
    let cols = if acts.len() > 1 && hidden.len() == 1 { acts.len() } else { 4.min(hidden.len()) };
    let sweep = Sweep {
        program: "three_layer",
        runs_root: &gd.runs,
        train: &data,
        test: None,
        fit: gd.fit_config(),
        plot: !gd.no_plot,
        cols,
    };
    let names: Vec<String> = acts.iter().map(Activation::to_string).collect();
    let sizes: Vec<String> = hidden.iter().map(i64::to_string).collect();
    let (results, dir) =
        sweep.run(&format!("sweep-{}-h{}", names.join(","), sizes.join(",")), networks, &args)?;
    Ok(finish(&results, &dir))
}
