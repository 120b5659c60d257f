//! Part 2: the 5-layer convolutional network on MNIST with TensorBoard monitoring.
use anyhow::Result;
use clap::Parser;
use nnlab::cli::main_with;
use nnlab::dcn::{DcnActivation, InitKind};
use nnlab::device::{select, tune_allocator, DeviceArg};
use nnlab::mnist::{load, DatasetKind};
use nnlab::optim::{OptimConfig, OptimizerKind};
use nnlab::run::Outcome;
use nnlab::train::{load_run_config, resume, train, TrainConfig};
use std::path::PathBuf;

/// Train conv(5x5,32)-pool-conv(5x5,64)-pool-fc1024-dropout-fc10 on MNIST. Logs the training loss
/// every iteration; every --log-every iterations min/max/mean/std and histograms of each layer's
/// weights, biases, net inputs, activations and pooled activations; every --eval-every iterations
/// validation and test error. Writes runs/mnist_dcn/<config>-<time>/ with the TensorBoard events,
/// config.json, status.json, result.json and model.safetensors.
#[derive(Parser, Debug)]
#[command(version, allow_negative_numbers = true)]
struct Args {
    /// cpu, or cuda (fails with a clear message where there is none)
    #[arg(long, value_enum, default_value_t = DeviceArg::Cpu)]
    device: DeviceArg,
    /// Data set: mnist (data/mnist), fashion (data/fashion), mnist5k (5,000-image subset)
    #[arg(long, value_enum, default_value_t = DatasetKind::Mnist)]
    dataset: DatasetKind,
    /// Directory of the data set's files [default: data/<dataset>]
    #[arg(long)]
    data: Option<PathBuf>,
    /// Training iterations (batches) [default: 20000 on cuda, 2200 = 2 epochs on cpu]
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..=10_000_000))]
    iterations: Option<i64>,
    /// Images per batch
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=10_000))]
    batch_size: i64,
    /// Learning rate
    #[arg(long, default_value_t = 1e-4)]
    lr: f64,
    /// Nonlinearity after each conv and fc1
    #[arg(long, value_enum, default_value_t = DcnActivation::Relu)]
    activation: DcnActivation,
    /// Linear pieces per unit for --activation maxout
    #[arg(long, default_value_t = 2)]
    maxout_pieces: i64,
    /// Weight initialisation (biases start at 0 for all but default)
    #[arg(long, value_enum, default_value_t = InitKind::Default)]
    init: InitKind,
    /// Optimizer
    #[arg(long, value_enum, default_value_t = OptimizerKind::Adam)]
    optimizer: OptimizerKind,
    /// Momentum for the momentum and nesterov optimizers
    #[arg(long, default_value_t = 0.9)]
    momentum: f64,
    /// Adam/AdamW β1
    #[arg(long, default_value_t = 0.9)]
    beta1: f64,
    /// Adam/AdamW β2
    #[arg(long, default_value_t = 0.999)]
    beta2: f64,
    /// ε of adam, adamw, rmsprop, adagrad
    #[arg(long, default_value_t = 1e-8)]
    eps: f64,
    /// RMSProp smoothing constant
    #[arg(long, default_value_t = 0.99)]
    alpha: f64,
    /// L2 weight decay (decoupled for adamw)
    #[arg(long, default_value_t = 0.0)]
    weight_decay: f64,
    /// Seed for initialisation, batches and dropout
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Statistics and histograms every N iterations
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..))]
    log_every: i64,
    /// Validation and test error every N iterations (1100 = one epoch of 55,000 at batch 50)
    #[arg(long, default_value_t = 1100, value_parser = clap::value_parser!(i64).range(1..))]
    eval_every: i64,
    /// Also write checkpoint.safetensors every N iterations (0: only on Ctrl-C and at the end)
    #[arg(long, default_value_t = 5500, value_parser = clap::value_parser!(i64).range(0..))]
    checkpoint_every: i64,
    /// Directory for TensorBoard runs
    #[arg(long, default_value = "runs")]
    runs: PathBuf,
    /// No progress bar
    #[arg(long)]
    quiet: bool,
    /// Continue an interrupted run from its checkpoint (RUN_DIR/checkpoint.safetensors) with its
    /// own configuration; only --device, --iterations, --quiet apply
    #[arg(long, value_name = "RUN_DIR")]
    resume: Option<PathBuf>,
}

fn main() {
    main_with("mnist_dcn", || run(Args::parse()));
}

fn run(a: Args) -> Result<()> {
    // Before any other torch call: CUDA must be loaded first (device.rs).
    let device = select(a.device)?;
    tune_allocator();
    let default_iterations = if device.is_cuda() { 20_000 } else { 2200 };
    let cfg = match &a.resume {
        Some(dir) => {
            let saved = load_run_config(dir)?;
            TrainConfig { device: a.device, iterations: a.iterations.unwrap_or(saved.iterations), progress: !a.quiet, ..saved }
        }
        None => TrainConfig {
            dataset: a.dataset,
            data_dir: a.data.unwrap_or_else(|| a.dataset.default_dir()),
            device: a.device,
            iterations: a.iterations.unwrap_or(default_iterations),
            batch_size: a.batch_size,
            activation: a.activation,
            maxout_pieces: a.maxout_pieces,
            init: a.init,
            optimizer: OptimConfig {
                kind: a.optimizer,
                lr: a.lr,
                momentum: a.momentum,
                beta1: a.beta1,
                beta2: a.beta2,
                eps: a.eps,
                weight_decay: a.weight_decay,
                alpha: a.alpha,
            },
            seed: a.seed,
            log_every: a.log_every,
            eval_every: a.eval_every,
            checkpoint_every: a.checkpoint_every,
            runs: a.runs,
            progress: !a.quiet,
        },
    };
    cfg.validate()?;
    let data = load(cfg.dataset, &cfg.data_dir)?;
    eprintln!(
        "{}: {} train / {} validation / {} test images on {:?}; {} iterations",
        cfg.data_dir.display(),
        data.train.len(),
        data.validation.len(),
        data.test.len(),
        device,
        cfg.iterations
    );
    let r = match &a.resume {
        Some(dir) => resume(dir, &cfg, device, &data)?,
        None => train(&cfg, device, &data)?,
    };
    if let Outcome::Interrupted { step } = r.outcome {
        eprintln!("interrupted after {step} iterations; continue with: mnist_dcn --resume {}", r.run_dir.display());
        std::process::exit(130);
    }
    println!(
        "{} iterations in {:.1} s ({:.1} it/s); validation accuracy {:.2}%",
        r.iterations,
        r.seconds,
        r.iterations_per_second,
        100.0 * r.validation_accuracy
    );
    println!("test accuracy: {:.2}%", 100.0 * r.test_accuracy);
    Ok(())
}
