//! Class 10: signals to `report`. SIGTERM or SIGINT stops scheduling jobs, is passed on to the running
//! ones, which stop cleanly, and the report exits 130; a second signal kills the jobs; SIGKILL to the
//! report kills them too. No job outlives the report, and a job stopped half-way is never reused
//! (its directory has no job.json, the record a cached job needs).
use crate::common::{self, kill};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const REPORT: &str = env!("CARGO_BIN_EXE_report");

/// `report --grid tiny --out out`, started.
fn start(out: &Path) -> Child {
    Command::new(REPORT)
        .args(["--grid", "tiny", "--jobs", "2", "--out"])
        .arg(out)
        .current_dir(common::root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The processes whose command line mentions `dir` (the report's jobs write under it).
fn processes_in(dir: &Path) -> Vec<String> {
    let needle = dir.to_str().unwrap();
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmd) = std::fs::read(e.path().join("cmdline")) else { continue };
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        if cmd.contains(needle) && !cmd.contains("--grid") {
            found.push(format!("{}: {cmd}", e.file_name().to_string_lossy()));
        }
    }
    found
}

/// Waits until the report runs a job of `program`.
fn wait_for_job(out: &Path, program: &str, report: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !processes_in(out).iter().any(|p| p.contains(program)) {
        assert!(report.try_wait().unwrap().is_none(), "the report ended before a {program} job ran");
        assert!(Instant::now() < deadline, "no {program} job started");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until a DCN job has logged a training loss (it is training, past loading its data).
fn wait_for_dcn_training(out: &Path, report: &mut Child) {
    use nnlab::tensorboard::tags;
    use tensorboard_writer::record as reader;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let runs = common::subdirs(&out.join("runs"));
        let training = runs.iter().flat_map(|c| common::subdirs(&c.join("mnist_dcn"))).any(|run| {
            let events = reader::read_dir_events(&run).unwrap_or_default();
            !reader::scalars(&events, tags::TRAIN_LOSS).is_empty()
        });
        if training {
            return;
        }
        assert!(report.try_wait().unwrap().is_none(), "the report ended before a DCN job trained");
        assert!(Instant::now() < deadline, "no DCN job trained");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// No job left running, and every cached job with its record is a complete run.
fn check_after(out: &Path) {
    std::thread::sleep(Duration::from_millis(200));
    assert!(processes_in(out).is_empty(), "jobs outlived the report: {:?}", processes_in(out));
    for cache in common::subdirs(&out.join("runs")) {
        if cache.join("job.json").exists() {
            for program in common::subdirs(&cache) {
                for run in common::subdirs(&program) {
                    let s = common::status(&run);
                    assert_eq!(s.status, nnlab::run::RunStatus::Complete, "{}: {s:?}", run.display());
                }
            }
        }
    }
}

#[test]
fn sigterm_stops_the_jobs_cleanly_and_exits_130() {
    let out = tempfile::tempdir().unwrap();
    let mut report = start(out.path());
    wait_for_job(out.path(), "mnist_dcn", &mut report);
    wait_for_dcn_training(out.path(), &mut report);
    kill(report.id(), libc::SIGTERM);
    let (code, stderr) = common::finish(report);
    common::assert_no_crash(&stderr);
    assert_eq!(code, Some(130), "{stderr}");
    check_after(out.path());
    // The DCN jobs that were running got the signal and saved what they had, marked interrupted.
    let interrupted = common::subdirs(&out.path().join("runs"))
        .iter()
        .flat_map(|c| common::subdirs(&c.join("mnist_dcn")))
        .filter(|run| common::status(run).status == nnlab::run::RunStatus::Interrupted)
        .count();
    assert!(interrupted >= 1, "no DCN job was stopped by the passed-on signal");
}

#[test]
fn a_second_signal_kills_the_jobs_and_a_killed_report_leaves_none() {
    let out = tempfile::tempdir().unwrap();
    let mut report = start(out.path());
    wait_for_job(out.path(), "three_layer", &mut report);
    kill(report.id(), libc::SIGINT);
    std::thread::sleep(Duration::from_millis(100));
    kill(report.id(), libc::SIGINT);
    let (code, stderr) = common::finish(report);
    common::assert_no_crash(&stderr);
    assert_eq!(code, Some(130), "{stderr}");
    check_after(out.path());

    let out = tempfile::tempdir().unwrap();
    let mut report = start(out.path());
    wait_for_job(out.path(), "three_layer", &mut report);
    kill(report.id(), libc::SIGKILL);
    let _ = report.wait();
    check_after(out.path());
}
