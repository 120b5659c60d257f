//! Where a report came from: the code, the machine, the grid, and each job's seed and time.
use crate::fs::names::utc_timestamp;
use crate::native::device::{probe_driver, DeviceArg};
use crate::report::cache::Done;
use crate::report::doc::Doc;
use crate::report::plan::{Job, Plan};
use std::process::Command;

/// The commit the report was made from, "+ uncommitted changes" when the work tree differs.
fn commit() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(c) if git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty()) => {
            format!("{c} + uncommitted changes")
        }
        Some(c) => c,
        None => "unknown (not a git checkout)".into(),
    }
}

fn cpu() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    format!("{} ({cores} cores)", model.unwrap_or_else(|| "unknown CPU".into()))
}

/// One line under the title: commit, date, device, grid.
pub fn subtitle(plan: &Plan) -> String {
    format!("{} · {} UTC · grid {} on {}", commit(), utc_timestamp(), plan.grid, plan.device)
}

/// The appendix: the facts and every job with its seed and wall time.
pub fn write(plan: &Plan, jobs: &[(&Job, &Done)], seconds: f64, doc: &mut Doc) {
    doc.page_break();
    doc.h1("Appendix: provenance");
    let gpu = match plan.device {
        DeviceArg::Cuda => probe_driver().map(|g| g.name).unwrap_or_else(|e| format!("{e:#}")),
        DeviceArg::Cpu => "none used".into(),
    };
    let ran = jobs.iter().filter(|(_, d)| !d.reused).count();
    let facts = vec![
        vec!["commit".into(), commit()],
        vec![
            "made".into(),
            format!(
                "{} UTC by `make report`, {seconds:.0} s ({ran} of {} jobs run, the others reused)",
                utc_timestamp(),
                jobs.len()
            ),
        ],
        vec!["CPU".into(), cpu()],
        vec!["GPU".into(), gpu],
        vec!["libtorch".into(), format!("{} (tch 0.24.0)", env!("NNLAB_LIBTORCH_VERSION"))],
        vec!["grid".into(), format!("{} on {}", plan.grid.to_string(), plan.device.to_string())],
    ];
    doc.table(&["", ""], facts, "Provenance.");
    let rows = jobs
        .iter()
        .map(|(job, done)| {
            let how = match (&done.retrained, done.reused) {
                (Some(why), _) => format!("retrained: {why}"),
                (None, true) => "reused".into(),
                (None, false) => "ran".into(),
            };
            vec![job.label.clone(), job.seed.to_string(), format!("{:.1}", done.record.seconds), how]
        })
        .collect();
    doc.table(
        &["job", "seed", "wall time (s)", "this report"],
        rows,
        "Every job of the grid: its seed and the wall time it took when it ran.",
    );
}
