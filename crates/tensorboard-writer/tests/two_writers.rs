//! Two writers on one log directory keep each other's work:
//! - two processes with the same pid and host in the same second (containers) would pick the same
//!   event-file name: each child here first plants, as another process's event files, every name it
//!   would pick for the next seconds, and its writer must still log, under another name;
//! - each child adds an embedding: the Projector's config lists both.
//!
//! TensorBoard's own server and projector plugin read the result (tests/tensorboard_serve.py) when
//! `TENSORBOARD_PYTHON` names a Python with `tensorboard`; the crate's reader always does.
mod common;

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;
use tensorboard_writer::{Metadata, SummaryWriter};

/// How many counters per second the child plants, and for which seconds (from now).
const PLANTED_COUNTERS: u32 = 16;
const PLANTED_SECONDS: std::ops::RangeInclusive<i64> = -1..=5;

/// An event file of "another process": the scalar `other` = 2 at step 0.
fn other_process_file() -> (Vec<u8>, String) {
    let scratch = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(scratch.path()).unwrap();
    w.add_scalar("other", 2.0, 0).unwrap();
    w.close().unwrap();
    // events.out.tfevents.<time>.<host>.<pid>.<n>: the host as this crate writes it.
    let name = w.file_path().file_name().unwrap().to_string_lossy().into_owned();
    let parts: Vec<&str> = name.split('.').collect();
    let host = parts[4..parts.len() - 2].join(".");
    (std::fs::read(w.file_path()).unwrap(), host)
}

/// The child: plants the names, then logs the scalar `<name>` = 1 and the embedding `<name>`.
#[test]
fn child_writer() {
    let (Ok(dir), Ok(name)) = (std::env::var("TBW_TWO_DIR"), std::env::var("TBW_TWO_NAME")) else { return };
    let dir = Path::new(&dir);
    let (bytes, host) = other_process_file();
    let (now, pid) = (tensorboard_writer::now() as i64, std::process::id());
    let mut planted = Vec::new();
    for t in PLANTED_SECONDS.map(|s| now + s) {
        for n in 0..PLANTED_COUNTERS {
            let p = dir.join(format!("events.out.tfevents.{t:010}.{host}.{pid}.{n}"));
            std::fs::write(&p, &bytes).unwrap();
            planted.push(p);
        }
    }
    let mut w = SummaryWriter::new(dir).unwrap();
    assert!(!planted.contains(&w.file_path().to_path_buf()), "{} was planted", w.file_path().display());
    w.add_scalar(&name, 1.0, 0).unwrap();
    let mat: Vec<f32> = (0..6).map(|i| i as f32).collect();
    let labels = [format!("{name} a"), format!("{name} b")];
    w.add_embedding::<f32>(&mat, 3, Some(Metadata::Labels(&labels)), None, 0, &name).unwrap();
    w.close().unwrap();
    // The writer's own file holds its own events only.
    let events = tensorboard_writer::record::read_events(w.file_path()).unwrap();
    assert_eq!(common::scalars(&events, &name), [(0, 1.0)]);
    assert!(common::scalars(&events, "other").is_empty());
}

fn run_child(dir: &Path, name: &str) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
        .env("TBW_TWO_DIR", dir)
        .env("TBW_TWO_NAME", name)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "child {name}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `TENSORBOARD_PYTHON`, a relative path taken from the workspace root when it is not found from
/// the crate's directory (where cargo runs tests); `None` (the test says it skips) when unset.
fn tensorboard_python() -> Option<PathBuf> {
    let Ok(python) = std::env::var("TENSORBOARD_PYTHON") else {
        println!("TensorBoard part skipped: set TENSORBOARD_PYTHON to a Python with tensorboard");
        return None;
    };
    let from_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(&python);
    let relative = python.contains('/') && Path::new(&python).is_relative() && !Path::new(&python).exists();
    Some(if relative && from_root.exists() { from_root } else { PathBuf::from(python) })
}

#[test]
fn two_writers_keep_each_others_files_and_embeddings() {
    let dir = tempfile::tempdir().unwrap();
    run_child(dir.path(), "first");
    run_child(dir.path(), "second");

    // The crate's reader: every file, the planted ones and the two writers'.
    let files = tensorboard_writer::record::event_files(dir.path()).unwrap();
    let planted = PLANTED_COUNTERS as usize * PLANTED_SECONDS.count();
    assert_eq!(files.len(), 2 * planted + 2, "{files:?}");
    let events = common::read(dir.path());
    assert_eq!(common::scalars(&events, "first"), [(0, 1.0)]);
    assert_eq!(common::scalars(&events, "second"), [(0, 1.0)]);
    let config = std::fs::read_to_string(dir.path().join("projector_config.pbtxt")).unwrap();
    assert!(config.contains("\"first:00000\"") && config.contains("\"second:00000\""), "{config}");

    let Some(python) = tensorboard_python() else { return };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tensorboard_serve.py");
    let out = Command::new(&python).arg(script).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "tensorboard_serve.py: {}", String::from_utf8_lossy(&out.stderr));
    let out: Json = serde_json::from_slice(&out.stdout).unwrap();
    let s = &out["scalars"]["."];
    assert_eq!(s["first"], serde_json::json!([[0, 1.0]]), "{s}");
    assert_eq!(s["second"], serde_json::json!([[0, 1.0]]), "{s}");
    assert!(s["other"].as_array().is_some_and(|a| !a.is_empty()), "{s}");
    let p = &out["projector"]["."];
    for name in ["first:00000", "second:00000"] {
        assert_eq!(p[name]["shape"], serde_json::json!([2, 3]), "{name}: {p}");
        assert_eq!(p[name]["first"], serde_json::json!([0.0, 1.0, 2.0]), "{name}: {p}");
        let label = format!("{} a", name.split(':').next().unwrap());
        assert_eq!(p[name]["metadata_first"][0], Json::String(label), "{name}: {p}");
    }
}
