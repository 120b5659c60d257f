//! Interruption and resume through the real program and real signals (its own test binary, so no
//! other test shares the process-wide interrupt flag).
mod common;
use nnlab::tensorboard::tags;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tensorboard_writer::record::{histograms, read_dir_events, scalars};

const DCN: &str = env!("CARGO_BIN_EXE_mnist_dcn");

fn start(runs: &Path, extra: &[&str]) -> Child {
    Command::new(DCN)
        .args([
            "--dataset",
            "mnist5k",
            "--iterations",
            "400",
            "--log-every",
            "10",
            "--eval-every",
            "100",
            "--quiet",
            "--runs",
        ])
        .arg(runs)
        .args(extra)
        .current_dir(common::root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning mnist_dcn")
}

/// Waits until the (only) run under `runs` has logged at least `n` training losses.
fn wait_for_losses(runs: &Path, n: usize, child: &mut Child) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(child.try_wait().unwrap().is_none(), "mnist_dcn ended before it was signalled");
        if let Some(dir) = std::fs::read_dir(runs.join("mnist_dcn"))
            .ok()
            .and_then(|mut d| d.next())
            .map(|e| e.unwrap().path())
        {
            if read_dir_events(&dir).map(|e| scalars(&e, tags::TRAIN_LOSS).len()).unwrap_or(0) >= n {
                return dir;
            }
        }
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

#[test]
fn ctrl_c_checkpoints_and_resume_finishes_without_duplicate_steps() {
    let runs = tempfile::tempdir().unwrap();
    let mut child = start(runs.path(), &[]);
    let dir = wait_for_losses(runs.path(), 50, &mut child);
    signal(&child, libc::SIGINT);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("continue with: mnist_dcn --resume"), "{stderr}");
    let status = std::fs::read_to_string(dir.join("status.json")).unwrap();
    assert!(status.contains("\"interrupted\""), "{status}");
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("checkpoint.json")).unwrap()).unwrap();
    let stopped = meta["step"].as_i64().unwrap();
    let logged = scalars(&read_dir_events(&dir).unwrap(), tags::TRAIN_LOSS);
    assert_eq!(logged.len() as i64, stopped, "every step before the interrupt is logged, once");
    // As if killed between the two checkpoint files: the step record inside the safetensors is the one used.
    std::fs::write(dir.join("checkpoint.json"), "{\"step\": 1, \"torn").unwrap();

    let out = Command::new(DCN)
        .args(["--resume", dir.to_str().unwrap(), "--quiet"])
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(dir.join("status.json")).unwrap().contains("\"complete\""));

    let tb = common::tensorboard_read(&dir);
    let steps: Vec<i64> =
        tb["scalars"][tags::TRAIN_LOSS].as_array().unwrap().iter().map(|e| e[0].as_i64().unwrap()).collect();
    assert_eq!(steps, (1..=400).collect::<Vec<_>>(), "each step exactly once across both event files");
    let h: Vec<i64> = tb["histograms"][tags::histogram("conv1", "weights")]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["step"].as_i64().unwrap())
        .collect();
    let mut expected: Vec<i64> = (10..=400).step_by(10).collect();
    if stopped % 10 != 0 {
        // The interrupted process logged the full set at the step it stopped at.
        expected.push(stopped);
        expected.sort();
    }
    assert_eq!(h, expected, "histograms every 10 steps and at the interrupted step");
    let val: Vec<i64> = tb["scalars"][tags::VALIDATION_ERROR]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[0].as_i64().unwrap())
        .collect();
    let mut expected: Vec<i64> = vec![100, 200, 300, 400];
    if stopped % 100 != 0 {
        expected.push(stopped);
        expected.sort();
    }
    assert_eq!(val, expected);
    let final_err = tb["scalars"][tags::TEST_ERROR].as_array().unwrap().last().unwrap()[1].as_f64().unwrap();
    assert!(final_err < 0.15, "test error after a resumed 400-iteration run: {final_err}");

    // The same run without the interruption: the same losses and the same weights, bit for bit.
    let plain = tempfile::tempdir().unwrap();
    let out = start(plain.path(), &[]).wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plain_dir =
        std::fs::read_dir(plain.path().join("mnist_dcn")).unwrap().next().unwrap().unwrap().path();
    let losses = |d: &Path| scalars(&read_dir_events(d).unwrap(), tags::TRAIN_LOSS);
    assert_eq!(
        losses(&dir),
        losses(&plain_dir),
        "resumed at step {stopped}: the losses differ from the uninterrupted run's"
    );
    let weights = |d: &Path| std::fs::read(d.join("model.safetensors")).unwrap();
    assert!(weights(&dir) == weights(&plain_dir), "resumed at step {stopped}: the final weights differ");
}

#[test]
fn kill_9_keeps_every_event_written_before_it() {
    let runs = tempfile::tempdir().unwrap();
    let mut child = start(runs.path(), &["--seed", "3", "--checkpoint-every", "20"]);
    let dir = wait_for_losses(runs.path(), 30, &mut child);
    signal(&child, libc::SIGKILL);
    child.wait().unwrap();
    let ours = read_dir_events(&dir).unwrap();
    let n = scalars(&ours, tags::TRAIN_LOSS).len();
    assert!(n >= 30);
    let tb = common::tensorboard_read(&dir);
    assert_eq!(
        tb["scalars"][tags::TRAIN_LOSS].as_array().unwrap().len(),
        n,
        "TensorBoard reads all that was written"
    );
    assert_eq!(
        tb["histograms"][tags::histogram("conv1", "weights")].as_array().unwrap().len(),
        histograms(&ours, &tags::histogram("conv1", "weights")).len()
    );
    assert!(
        std::fs::read_to_string(dir.join("status.json")).unwrap().contains("\"running\""),
        "a killed run does not claim to be complete"
    );

    // Resume from the last periodic checkpoint: the steps after it are dropped and redone.
    let out = Command::new(DCN)
        .args(["--resume", dir.to_str().unwrap(), "--quiet"])
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let steps: Vec<i64> =
        scalars(&read_dir_events(&dir).unwrap(), tags::TRAIN_LOSS).iter().map(|(s, _)| *s).collect();
    assert_eq!(steps, (1..=400).collect::<Vec<_>>(), "each step exactly once after a kill -9 and a resume");
}

#[test]
fn sigterm_stops_part_1_cleanly() {
    let runs = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_three_layer"))
        .args(["--passes", "100000000", "--print-every", "1000", "--quiet", "--no-plot", "--runs"])
        .arg(runs.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A failed assertion must not leave a 100,000,000-pass run behind.
    struct KillOnDrop(Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut guard = KillOnDrop(child);
    let child = &mut guard.0;
    let deadline = Instant::now() + Duration::from_secs(60);
    let dir = loop {
        let found = std::fs::read_dir(runs.path().join("three_layer"))
            .ok()
            .and_then(|mut d| d.next())
            .map(|e| e.unwrap().path());
        if let Some(dir) = found
            .filter(|d| read_dir_events(d).map(|e| scalars(&e, tags::TRAIN_LOSS).len() >= 3).unwrap_or(false))
        {
            break dir;
        }
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(20));
    };
    signal(child, libc::SIGTERM);
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            signal(child, libc::SIGKILL);
            panic!("three_layer ignored SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    let s = std::fs::read_to_string(dir.join("status.json")).unwrap();
    assert!(s.contains("\"interrupted\""), "{s}");
    assert!(dir.join("result.json").exists(), "the partial result is recorded");
}
