//! Part 2: the 5-layer convolutional network on MNIST with TensorBoard monitoring.
mod shared;
use anyhow::Result;
use clap::{CommandFactory, FromArgMatches, Parser};
use nnlab::cli::{Exit, Valid};
use nnlab::dcn::mnist::load;
use nnlab::dcn::train::{resume_in, settings, train, TrainConfig};
use nnlab::native::cpu::tune_allocator;
use nnlab::native::device::select;
use nnlab::run::{console, Outcome, RunDir};
use std::path::PathBuf;

/// Train conv(5x5,32)-pool-conv(5x5,64)-pool-fc1024-dropout-fc10 on MNIST. Logs the training loss
/// every iteration; every --log-every iterations min/max/mean/std and histograms of each layer's
/// weights, biases, net inputs, activations and pooled activations, gradient norms and dead or
/// saturated units; every --eval-every iterations validation and test error, the confusion matrix and
/// misclassified digits. Writes runs/mnist_dcn/<config>-<time>/ with the TensorBoard events,
/// config.json, status.json, result.json and model.safetensors.
#[derive(Parser, Debug)]
#[command(version, allow_negative_numbers = true)]
struct Args {
    #[command(flatten)]
    cfg: TrainConfig,
    /// Continue an interrupted run from its checkpoint (RUN_DIR/checkpoint.safetensors) with its own
    /// configuration and on its own device; only --device, --iterations and --quiet may change
    #[arg(long, value_name = "RUN_DIR")]
    resume: Option<PathBuf>,
}

/// The flags a resumed run accepts; every other setting is the run's own.
const RESUMABLE: [&str; 3] = ["device", "iterations", "quiet"];

fn main() -> std::process::ExitCode {
    shared::main_with("mnist_dcn", || {
        let matches = shared::matches::<Args>("mnist_dcn")?;
        let args = Args::from_arg_matches(&matches)?;
        let given = |id: &str| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine);
        if args.resume.is_some() {
            if let Some(id) = matches
                .ids()
                .map(|id| id.as_str())
                .find(|id| given(id) && *id != "resume" && !RESUMABLE.contains(id))
            {
                let cmd = Args::command();
                let flag = cmd
                    .get_arguments()
                    .find(|a| a.get_id() == id)
                    .and_then(|a| a.get_long())
                    .unwrap_or(id)
                    .to_string();
                return Err(shared::usage(format!(
                    "--{flag} cannot change a resumed run (only --device, --iterations and --quiet apply with --resume)"
                )));
            }
        }
        let cfg = settings(args.cfg, args.resume.as_deref(), given)?;
        run(cfg, args.resume)
    })
}

fn run(cfg: Valid<TrainConfig>, resume_dir: Option<PathBuf>) -> Result<Exit> {
    // Taken first: a run that another process is writing is refused at once.
    let home = resume_dir.as_deref().map(RunDir::reopen).transpose()?;
    // Before any other torch call: CUDA must be loaded first (native/device.rs).
    let (device, described) = select(cfg.device)?;
    tune_allocator();
    let data = load(cfg.dataset, &cfg.data_dir())?;
    console::err(format!(
        "{}: {} train / {} validation / {} test images on {described}; {} iterations",
        cfg.data_dir().display(),
        data.train.len(),
        data.validation.len(),
        data.test.len(),
        cfg.iterations()
    ));
    let r = match home {
        Some(home) => resume_in(home, &cfg, device, &data)?,
        None => train(&cfg, device, &data)?,
    };
    if let Outcome::Interrupted { step } = r.outcome {
        let device = cfg.device.to_string();
        console::err(format!(
            "interrupted after {step} iterations; continue with: mnist_dcn --resume {} --device {device}",
            r.run_dir.display()
        ));
        return Ok(Exit::Interrupted);
    }
    console::out(format!(
        "{} iterations in {:.1} s ({:.1} it/s); validation accuracy {:.2}%",
        r.iterations,
        r.seconds,
        r.iterations_per_second,
        100.0 * r.validation_accuracy
    ));
    console::out(format!("test accuracy: {:.2}%", 100.0 * r.test_accuracy));
    Ok(Exit::Done)
}
