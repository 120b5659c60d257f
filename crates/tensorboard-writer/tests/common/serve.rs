//! Running TensorBoard's own code (a Python script of tests/ with TensorBoard 2.21) on what the
//! crate wrote, and reading back the JSON it prints.
use serde_json::Value as Json;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The Python of `TENSORBOARD_PYTHON` (a relative path is also looked for from the workspace root,
/// as `make test` passes `.venv-test/bin/python`), or `None`: the test says it is skipped.
pub fn python() -> Option<String> {
    let Ok(python) = std::env::var("TENSORBOARD_PYTHON") else {
        println!("skipped: set TENSORBOARD_PYTHON to a Python with tensorboard (e.g. .venv-test/bin/python)");
        return None;
    };
    let from_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(&python);
    let relative_elsewhere =
        python.contains('/') && Path::new(&python).is_relative() && !Path::new(&python).exists();
    Some(if relative_elsewhere && from_root.exists() {
        from_root.to_string_lossy().into_owned()
    } else {
        python
    })
}

/// Runs `tests/<script>` with `args` (at most 120 s) and returns its standard output.
pub fn run(python: &str, script: &str, args: &[&Path]) -> Vec<u8> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(script);
    let mut child = Command::new(python)
        .arg(&script)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("{} ran over 120 s", script.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{} failed:\n{}", script.display(), String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// [`run`], its output parsed as JSON.
pub fn run_json(python: &str, script: &str, args: &[&Path]) -> Json {
    let out = run(python, script, args);
    serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out)))
}

/// The numbers of a JSON array.
pub fn floats(v: &Json) -> Vec<f64> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}")).iter().map(|x| x.as_f64().unwrap()).collect()
}
