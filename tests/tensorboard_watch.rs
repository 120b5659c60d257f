//! A TensorBoard left open while a DCN run is killed with SIGKILL and resumed: what it shows at the end
//! must be what a fresh TensorBoard shows, each step once. Watched by TensorBoard's Python loaders
//! (scripts/tb_watch.py: the server's `--load_fast=false` loader and the older one) and by a real
//! TensorBoard server in its default mode (the Rust data server), both started before the kill.
mod common;
use common::TensorBoard;
use nnlab::run::events::truncate_dir_events;
use nnlab::tensorboard::hparams::HParams;
use nnlab::tensorboard::tags;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tensorboard_writer::proto::{event, SESSION_START};
use tensorboard_writer::record::{parse_records, read_dir_events, scalars};
use tensorboard_writer::summary::hparams::{session_end, SessionStatus};
use tensorboard_writer::SummaryWriter;

const DCN: &str = env!("CARGO_BIN_EXE_mnist_dcn");
const LOSS: &str = "0_main/1_train_loss";

fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

/// Kills the watcher if the test fails before it is told to stop.
struct Watcher(Child);
impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn read_state(path: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

fn last_step(steps: &Value) -> i64 {
    steps.as_array().and_then(|s| s.last()).and_then(Value::as_i64).unwrap_or(0)
}

fn event_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains("tfevents"))
        .collect();
    files.sort();
    files
}

#[test]
fn tensorboard_watching_a_killed_and_resumed_run_shows_each_step_once() {
    let tmp = tempfile::tempdir().unwrap();
    let runs = tmp.path().join("runs");
    std::fs::create_dir(&runs).unwrap();
    let flags = ["--reload_interval", "1", "--samples_per_plugin", "scalars=100000,histograms=100000"];
    let tb = TensorBoard::start(&common::tensorboard_program(), &runs, &flags.map(String::from));
    let (state, stop) = (tmp.path().join("watch.json"), tmp.path().join("stop"));
    let watcher = Watcher(
        Command::new(common::root().join(".venv-test/bin/python"))
            .arg(common::root().join("scripts/tb_watch.py"))
            .args([&runs.join("mnist_dcn"), &state, &stop])
            .stdout(Stdio::null())
            .spawn()
            .expect("starting tb_watch.py"),
    );
    let mut child = Command::new(DCN)
        .env("OMP_NUM_THREADS", "1")
        .args(["--dataset", "mnist5k", "--iterations", "300", "--log-every", "10", "--eval-every", "100"])
        .args(["--checkpoint-every", "100", "--quiet", "--runs"])
        .arg(&runs)
        .current_dir(common::root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawning mnist_dcn");
    let dir = wait_for("the run directory", || {
        let d = std::fs::read_dir(runs.join("mnist_dcn")).ok()?.next()?.ok()?.path();
        (!event_files(&d).is_empty()).then_some(d)
    });
    let run = format!("mnist_dcn/{}", dir.file_name().unwrap().to_string_lossy());

    // Freeze the trainer past its step-100 checkpoint, let every watcher load all it wrote, kill it.
    let logged = wait_for("150 losses", || {
        let n = read_dir_events(&dir).map(|e| scalars(&e, tags::TRAIN_LOSS).len()).unwrap_or(0);
        (n >= 150).then_some(n as i64)
    });
    signal(&child, libc::SIGSTOP);
    let logged = logged.max(scalars(&read_dir_events(&dir).unwrap(), tags::TRAIN_LOSS).len() as i64);
    wait_for("the watchers to load every logged step", || {
        let s = read_state(&state)?;
        let seen = ["server", "classic"].iter().all(|k| last_step(&s[k]["scalars"][LOSS]) == logged);
        (seen && tb.scalar_steps(&run, LOSS).last() == Some(&logged)).then_some(())
    });
    signal(&child, libc::SIGKILL);
    child.wait().unwrap();
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("checkpoint.json")).unwrap()).unwrap();
    let checkpoint = meta["step"].as_i64().unwrap();
    assert!(checkpoint < logged, "killed at step {logged}, after the checkpoint at {checkpoint}");

    let resume = ["--resume", dir.to_str().unwrap(), "--quiet"];
    let out = Command::new(DCN).env("OMP_NUM_THREADS", "1").args(resume).output().unwrap();
    assert!(out.status.success(), "resume: {}", String::from_utf8_lossy(&out.stderr));

    std::fs::write(&stop, "").unwrap();
    let final_state =
        wait_for("the watcher's final reloads", || read_state(&state).filter(|s| s["final"] == true));
    drop(watcher);
    let every_10: Vec<i64> = (1..=30).map(|k| 10 * k).collect();
    for loader in ["server", "classic"] {
        let view = &final_state[loader];
        assert_eq!(steps(&view["scalars"][LOSS]), (1..=300).collect::<Vec<_>>(), "{loader}: {LOSS}");
        let histograms = view["histograms"].as_object().unwrap();
        assert_eq!(histograms.len(), 17, "{loader}");
        for (tag, s) in histograms {
            assert_eq!(steps(s), every_10, "{loader}: {tag}");
        }
        let validation = &view["scalars"]["0_main/2_validation_error"];
        assert_eq!(steps(validation), [100, 200, 300], "{loader}");
    }

    let loss = wait_for("TensorBoard to serve 300 losses and histograms", || {
        let loss = tb.scalar_steps(&run, LOSS);
        (loss.len() >= 300 && tb.histogram_steps(&run, "fc2.weights").last() == Some(&300)).then_some(loss)
    });
    assert_eq!(loss, (1..=300).collect::<Vec<_>>(), "TensorBoard's data server shows each loss step once");
    for tag in ["conv1.weights", "fc1.activations", "fc2.weights"] {
        assert_eq!(tb.histogram_steps(&run, tag), every_10, "{tag}");
    }
    assert_eq!(tb.scalar_steps(&run, "conv1.weights/std"), every_10);
    check_event_files(&dir, checkpoint);
}

fn steps(v: &Value) -> Vec<i64> {
    v.as_array().expect("a list of steps").iter().map(|s| s.as_i64().unwrap()).collect()
}

/// Two event files, each opening with the file version then a restart marker (step 0, then the
/// step after the checkpoint); the first holds nothing past the checkpoint; no temporary file left.
fn check_event_files(dir: &Path, checkpoint: i64) {
    let files = event_files(dir);
    let names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(files.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with(".partial")), "{names:?}");
    for (file, start) in files.iter().zip([0, checkpoint + 1]) {
        let events = parse_records(&std::fs::read(file).unwrap()).unwrap();
        assert!(matches!(&events[0].what, Some(event::What::FileVersion(v)) if v == "brain.Event:2"));
        match &events[1].what {
            Some(event::What::SessionLog(log)) => {
                assert_eq!((log.status, events[1].step), (SESSION_START, start))
            }
            _ => panic!("{}: the second event is not a SessionLog", file.display()),
        }
        let summaries = events.iter().filter(|e| matches!(e.what, Some(event::What::Summary(_))));
        let (lo, hi) = summaries.fold((i64::MAX, i64::MIN), |(lo, hi), e| (lo.min(e.step), hi.max(e.step)));
        if start == 0 {
            assert!(hi <= checkpoint, "the first file ends at the checkpoint, not {hi}");
        } else {
            assert!(lo > checkpoint && hi == 300, "the resumed file spans {lo}..={hi}");
        }
    }
}

/// A run that failed, then was resumed and completed, shows as a success in the HParams tab: resuming
/// drops the earlier outcome (TensorBoard keeps the first outcome it reads, for good).
#[test]
fn resuming_drops_an_earlier_hparams_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::builder(dir.path()).purge_step(0).build().unwrap();
    w.add_summary(vec![HParams::new(String::new(), &[]).add("lr", 0.1).session_start(0.0)], 0).unwrap();
    for s in 1..=10 {
        w.add_scalar(LOSS, 1.0, s).unwrap();
    }
    w.add_summary(vec![session_end(SessionStatus::Failure, 0.0)], 0).unwrap();
    drop(w);
    assert_eq!(truncate_dir_events(dir.path(), 6).unwrap(), 6, "losses 6..=10 and the outcome");
    let mut w = SummaryWriter::builder(dir.path()).purge_step(6).build().unwrap();
    for s in 6..=10 {
        w.add_scalar(LOSS, 2.0, s).unwrap();
    }
    w.add_summary(vec![session_end(SessionStatus::Success, 0.0)], 10).unwrap();
    let tb = common::tensorboard_read(dir.path());
    assert_eq!(tb["hparams"]["end"]["status"], 1, "STATUS_SUCCESS");
    assert_eq!(tb["hparams"]["start"]["hparams"]["lr"], 0.1);
    let loss: Vec<(i64, f64)> = tb["scalars"][LOSS]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_i64().unwrap(), p[1].as_f64().unwrap()))
        .collect();
    let expected: Vec<(i64, f64)> = (1..=10).map(|s| (s, if s < 6 { 1.0 } else { 2.0 })).collect();
    assert_eq!(loss, expected);
}
