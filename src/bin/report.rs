//! `make report`: the whole assignment's report in one command.
mod shared;
use anyhow::Context;
use clap::Parser;
use nnlab::cli::Exit;
use nnlab::native::device::{select, DeviceArg};
use nnlab::report::pdf::{check_python, default_python};
use nnlab::report::plan::{Grid, Plan};
use nnlab::report::Reporter;
use nnlab::run::{console, interrupt};
use std::path::PathBuf;

/// Run the assignment's experiment grid with three_layer, n_layer and mnist_dcn (3 seeds per compared
/// configuration, reusing runs already done) and write OUT/REPORT.md and OUT/REPORT.pdf: Part 1
/// (a)–(f) with the derivations, Part 2 (a)–(c), every figure drawn from the runs' logs.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Which experiment grid: how long each DCN run trains and which part (c) variants run (each value below)
    #[arg(long, value_enum, default_value_t = Grid::Quick)]
    grid: Grid,
    /// Device for the MNIST runs
    #[arg(long, value_enum, default_value_t = DeviceArg::Cpu)]
    device: DeviceArg,
    /// Output directory: REPORT.md, REPORT.pdf, figures/, runs/ (the cache)
    #[arg(long, default_value = "report")]
    out: PathBuf,
    /// Jobs run at once, 1 to 64 [default: the number of CPU cores on cpu, 1 on cuda]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
    jobs: Option<u16>,
    /// Python with the typst package [default: .venv-report/bin/python, or $NNLAB_REPORT_PYTHON]
    #[arg(long)]
    python: Option<PathBuf>,
}

fn main() -> std::process::ExitCode {
    shared::main_with("report", || {
        let a = shared::parse::<Args>("report")?;
        let exe = std::env::current_exe().context("cannot locate the report program")?;
        let bin_dir = exe.parent().context("the report program has no directory")?.to_path_buf();
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let workers =
            a.jobs.map_or(if a.device == DeviceArg::Cuda { 1 } else { cores }, usize::from).clamp(1, 64);
        let python = a.python.unwrap_or_else(default_python);
        check_python(&python)?;
        if a.device == DeviceArg::Cuda {
            // Before any job: a machine without a usable GPU is one line now, not after Part 1's runs.
            let (_, name) = select(a.device)?;
            console::err(format!("device: {name}"));
        }
        let written = Reporter { out: a.out, bin_dir, workers, python }.run(&Plan::new(a.grid, a.device)?);
        if interrupt::requested() {
            return Ok(Exit::Interrupted);
        }
        let written = written?;
        console::out(format!("report: {} and {}", written.markdown.display(), written.pdf.display()));
        Ok(Exit::Done)
    })
}
