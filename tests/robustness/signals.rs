//! Class 1: a second Ctrl-C exits at once (status 130, no crash) and leaves the run marked
//! interrupted, whatever the program was doing: training, evaluating, writing a checkpoint.
use crate::common::{self, finish, kill, status};
use nnlab::run::RunStatus;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// What a run stopped by signals must look like: marked interrupted, no temporary files, every event
/// readable with each step logged once, in order.
fn assert_interrupted(dir: &Path) {
    let s = status(dir);
    assert_eq!(s.status, RunStatus::Interrupted, "{} : {s:?}", dir.display());
    assert!(common::partial_files(dir).is_empty(), "{:?}", common::partial_files(dir));
    let steps = common::loss_steps(dir);
    assert!(steps.windows(2).all(|w| w[1] > w[0]), "{steps:?}");
}

fn double_sigint(runs: &Path, extra: &[&str], wait_losses: usize, gap: Duration) {
    let mut child =
        common::dcn(runs, 5000, extra).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let dir = common::wait_for_losses(runs, wait_losses, &mut child);
    kill(child.id(), libc::SIGINT);
    std::thread::sleep(gap);
    kill(child.id(), libc::SIGINT);
    let (code, stderr) = finish(child);
    common::assert_no_crash(&stderr);
    assert_eq!(code, Some(130), "{stderr}");
    assert_eq!(stderr.lines().filter(|l| l.contains("error:")).count(), 0, "{stderr}");
    assert_interrupted(&dir);
}

#[test]
fn a_second_ctrl_c_during_training_exits_at_once() {
    let runs = tempfile::tempdir().unwrap();
    double_sigint(runs.path(), &["--checkpoint-every", "0"], 3, Duration::ZERO);
}

/// --eval-every 1: the program spends most of its time evaluating, and after the first signal it
/// evaluates and writes the checkpoint; the second signal lands in one of those.
#[test]
fn a_second_ctrl_c_while_evaluating_or_checkpointing_exits_at_once() {
    let runs = tempfile::tempdir().unwrap();
    double_sigint(
        runs.path(),
        &["--eval-every", "1", "--checkpoint-every", "0"],
        3,
        Duration::from_millis(40),
    );
}

/// Part 1, a sweep: the sweep's directory and the network's run are both marked.
#[test]
fn a_second_ctrl_c_stops_a_part_1_sweep() {
    let runs = tempfile::tempdir().unwrap();
    let child = common::cmd(
        common::THREE,
        &["--hidden", "3,4", "--passes", "100000000", "--print-every", "1000", "--quiet", "--no-plot"],
    )
    .arg("--runs")
    .arg(runs.path())
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (sweep, net) = loop {
        let sweep = common::subdirs(&runs.path().join("three_layer"));
        if let Some(net) = sweep.first().and_then(|s| common::subdirs(s).first().cloned()) {
            if common::loss_steps(&net).len() >= 3 {
                break (sweep[0].clone(), net);
            }
        }
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(20));
    };
    kill(child.id(), libc::SIGINT);
    kill(child.id(), libc::SIGINT);
    let (code, stderr) = finish(child);
    common::assert_no_crash(&stderr);
    assert_eq!(code, Some(130), "{stderr}");
    // The sweep is interrupted, or, had the first signal been handled before the second, incomplete.
    let s = status(&sweep).status;
    assert!(matches!(s, RunStatus::Interrupted | RunStatus::Incomplete), "the sweep: {s:?}");
    assert_interrupted(&net);
}
