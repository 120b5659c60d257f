//! `make report`: the whole assignment's figures in one command.
mod shared;
use anyhow::Context;
use clap::Parser;
use nnlab::cli::Exit;
use nnlab::native::device::DeviceArg;
use nnlab::report::plan::{Grid, Plan};
use nnlab::report::Reporter;
use nnlab::run::console;
use std::path::PathBuf;

/// Run the assignment's experiment grid with three_layer, n_layer and mnist_dcn (reusing runs already
/// present for the same configuration) and write OUT/REPORT.md with every figure and a caption each.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Grid size: tiny (seconds), quick (under 10 minutes on 2 CPU cores), full (the assignment's lengths)
    #[arg(long, value_enum, default_value_t = Grid::Quick)]
    grid: Grid,
    /// Device for the MNIST runs
    #[arg(long, value_enum, default_value_t = DeviceArg::Cpu)]
    device: DeviceArg,
    /// Output directory: REPORT.md, figures/, runs/ (the cache)
    #[arg(long, default_value = "report")]
    out: PathBuf,
}

fn main() -> std::process::ExitCode {
    shared::main_with("report", || {
        let a = Args::parse();
        let exe = std::env::current_exe().context("cannot locate the report program")?;
        let bin_dir = exe.parent().context("the report program has no directory")?.to_path_buf();
        let path = Reporter { out: a.out, bin_dir }.run(&Plan::new(a.grid, a.device), a.grid)?;
        console::out(format!("report: {}", path.display()));
        Ok(Exit::Done)
    })
}
