//! Helpers shared by the integration tests.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// TensorBoard's own reading of a run directory (scripts/tb_read.py in .venv-test, made by
/// `scripts/setup test`, which `make test` runs first).
pub fn tensorboard_read(dir: &Path) -> serde_json::Value {
    let python = root().join(".venv-test/bin/python");
    assert!(python.exists(), "{} missing: run `scripts/setup test` (make test does)", python.display());
    let out = Command::new(python)
        .arg(root().join("scripts/tb_read.py"))
        .arg(dir)
        .output()
        .expect("running tb_read.py");
    assert!(out.status.success(), "tb_read.py failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("tb_read.py prints JSON")
}

pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}
