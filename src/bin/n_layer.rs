//! Part 1 (f): a network of any depth and width, trained by hand-written backprop, on Make-Moons,
//! circles, scikit-learn's real data sets or a CSV of your own.
mod shared;
use anyhow::{bail, Context, Result};
use clap::Parser;
use nnlab::backprop::args::{check_network_size, NLayerArgs};
use nnlab::backprop::data::{standardize_checked, train_test_split};
use nnlab::backprop::n_layer::DeepNeuralNetwork;
use nnlab::backprop::record::NetConfig;
use nnlab::backprop::sweep::{finish, Network, Sweep};
use nnlab::cli::{Exit, Valid};
use nnlab::data::csv::read_csv;
use nnlab::native::memory;
use nnlab::run::console;

/// Train a deep network (any number of hidden layers, any sizes) with full-batch gradient descent and
/// hand-written backprop. Input and output sizes follow the data. Lists (--activation tanh,relu,
/// --depth 1,3, several --layers) make a sweep: one TensorBoard run per network, one figure.
#[derive(Parser, Debug)]
#[command(version, allow_negative_numbers = true)]
struct Cli {
    #[command(flatten)]
    args: NLayerArgs,
}

fn main() -> std::process::ExitCode {
    shared::main_with("n_layer", || run(Valid::new(shared::parse::<Cli>("n_layer")?.args)?))
}

fn run(args: Valid<NLayerArgs>) -> Result<Exit> {
    let gd = &args.gd;
    let (depths, widths, acts) = (&args.depth.0, &args.width.0, &gd.activation.0);
    tch::set_num_threads(1);
    let (data_name, full) = match &args.data {
        Some(path) => (
            path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or("csv".into()),
            memory::guard(format!("loading {}", path.display()), || Ok(read_csv(path)?.into_data()))?,
        ),
        None => (args.dataset.to_string(), args.dataset.load(&args.data_dir, gd.samples, gd.noise, gd.seed)?),
    };
    let two_d = args.data.is_none() && args.dataset.is_2d();
    let (train, test) = if two_d {
        (full, None)
    } else {
        memory::guard(format!("splitting and standardising {data_name}"), || {
            let (mut train, mut test) = train_test_split(&full, args.test_fraction, gd.seed)?;
            drop(full); // the split copies the rows: the whole table is not needed any more
            standardize_checked(&mut train, &mut [&mut test]).with_context(|| data_name.clone())?;
            Ok((train, Some(test)))
        })?
    };
    train.check_features(&data_name)?;
    let (n_in, n_out) = (train.dim(), train.num_classes);
    console::err(format!(
        "data: {data_name}, {} training rows{}, {n_in} features, {n_out} classes",
        train.len(),
        test.as_ref().map(|t| format!(" + {} held out", t.len())).unwrap_or_default()
    ));
    let nets: Vec<Vec<i64>> = if args.layers.is_empty() {
        let hidden = |d: i64, w: i64| std::iter::repeat_n(w, d as usize);
        depths
            .iter()
            .flat_map(|&d| {
                widths
                    .iter()
                    .map(move |&w| std::iter::once(n_in).chain(hidden(d, w)).chain([n_out]).collect())
            })
            .collect()
    } else {
        args.layers.iter().map(|l| l.0.clone()).collect()
    };
    let mut networks = Vec::new();
    for sizes in &nets {
        if sizes.len() < 3 {
            bail!("--layers {:?}: give at least input, one hidden and output size", sizes);
        }
        if sizes[0] != n_in || sizes.last() != Some(&n_out) {
            bail!("--layers {:?}: this data needs input size {n_in} and output size {n_out}", sizes);
        }
        check_network_size(train.len(), sizes)?;
        for &act in acts {
            let shape = sizes.iter().map(i64::to_string).collect::<Vec<_>>().join("-");
            let config = NetConfig {
                dataset: data_name.clone(),
                layers: sizes.clone(),
                activation: act,
                passes: gd.passes,
                epsilon: gd.epsilon,
                reg_lambda: gd.reg_lambda,
                seed: gd.seed,
            };
            let model = Box::new(DeepNeuralNetwork::new(sizes, act, gd.reg_lambda, gd.seed));
            networks.push(Network {
                name: format!("{data_name}-{act}-{shape}"),
                title: format!("{act} {shape}"),
                config,
                model,
            });
        }
    }
    let cols = acts.len().max(if nets.len() > 1 { nets.len().min(4) } else { 1 });
    let sweep = Sweep {
        program: "n_layer",
        runs_root: &gd.runs,
        train: &train,
        test: test.as_ref(),
        fit: gd.fit_config(),
        plot: !gd.no_plot,
        cols,
    };
    let (results, dir) = sweep.run(&format!("sweep-{data_name}"), networks, &args)?;
    Ok(finish(&results, &dir))
}
