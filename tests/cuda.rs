//! `--device cuda` on a machine without a usable GPU (issue 10): each way CUDA can be missing is one
//! line "mnist_dcn: error: --device cuda: …" (a fake driver library plays the drivers), and a resumed
//! run keeps its own device unless --device says otherwise.
mod common;
use common::{assert_one_error, finish, kill, status};
use nnlab::native::device::{classify_load_error, SETUP_HINT};
use nnlab::run::RunStatus;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PREFIX: &str = "mnist_dcn: error: --device cuda: ";

/// The NVIDIA driver's C API as far as nnlab asks it, answering what FAKE_* environment variables say.
const FAKE_DRIVER: &str = r#"
#include <stdlib.h>
#include <string.h>
static int env(const char *n, int d) { const char *v = getenv(n); return v ? atoi(v) : d; }
int cuDriverGetVersion(int *v) { *v = env("FAKE_CUDA_VERSION", 13000); return env("FAKE_VERSION_RC", 0); }
#ifndef NO_INIT
int cuInit(unsigned flags) { (void)flags; return env("FAKE_CUINIT_RC", 0); }
#endif
int cuDeviceGetCount(int *c) { *c = env("FAKE_DEVICE_COUNT", 1); return 0; }
int cuDeviceGet(int *d, int i) { *d = i; return 0; }
int cuDeviceGetName(char *name, int len, int dev) { (void)dev; strncpy(name, "Fake GPU 9000", len); return 0; }
"#;

/// Compiles the fake driver into `dir` (with `defines`) and returns its path.
fn fake_driver(dir: &Path, name: &str, defines: &[&str]) -> PathBuf {
    let src = dir.join("fake_cuda.c");
    std::fs::write(&src, FAKE_DRIVER).unwrap();
    let lib = dir.join(name);
    let ok = Command::new("cc").args(["-shared", "-fPIC", "-o"]).arg(&lib).arg(&src).args(defines).status();
    assert!(ok.is_ok_and(|s| s.success()), "cc could not build the fake driver");
    lib
}

fn cuda(libcuda: &Path, env: &[(&str, &str)], runs: &Path) -> Output {
    common::cmd(common::DCN, &["--device", "cuda", "--dataset", "mnist5k", "--iterations", "5", "--quiet"])
        .arg("--runs")
        .arg(runs)
        .env("NNLAB_LIBCUDA", libcuda)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn assert_cuda_error(out: &Output, expected: &[&str]) {
    let line = assert_one_error(out, expected);
    assert!(line.starts_with(PREFIX), "{line}");
}

/// Libraries libtorch_cuda.so needs that the loader cannot find (`ldd`), in the lean .venv.
fn missing_cuda_libraries() -> Vec<String> {
    let lib = glob_one(&common::root().join(".venv/lib"), "torch/lib/libtorch_cuda.so")
        .expect("libtorch_cuda.so in .venv (scripts/setup)");
    let out = Command::new("ldd").arg(&lib).output().expect("ldd");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("not found"))
        .map(|l| l.split_whitespace().next().unwrap_or_default().to_string())
        .collect()
}

/// `<lib>/python3.*/site-packages/<rest>`.
fn glob_one(lib: &Path, rest: &str) -> Option<PathBuf> {
    std::fs::read_dir(lib)
        .ok()?
        .flatten()
        .map(|e| e.path().join("site-packages").join(rest))
        .find(|p| p.exists())
}

#[test]
fn each_missing_piece_of_cuda_is_one_line() {
    let (runs, tmp) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let r = runs.path();
    let out = cuda(Path::new("/nonexistent/libcuda.so.1"), &[], r);
    assert_cuda_error(
        &out,
        &["no NVIDIA driver", "/nonexistent/libcuda.so.1", "driver ≥ 580", "--device cpu"],
    );
    let fake = fake_driver(tmp.path(), "libcuda.so.1", &[]);
    let old = cuda(&fake, &[("FAKE_CUDA_VERSION", "12080")], r);
    assert_cuda_error(&old, &["CUDA 12.8", "13.0", "driver ≥ 580"]);
    assert_cuda_error(&cuda(&fake, &[("FAKE_VERSION_RC", "3")], r), &["does not answer"]);
    assert_cuda_error(&cuda(&fake, &[("FAKE_CUINIT_RC", "100")], r), &["finds no GPU", "--device cpu"]);
    assert_cuda_error(&cuda(&fake, &[("FAKE_CUINIT_RC", "999")], r), &["cuInit error 999"]);
    assert_cuda_error(&cuda(&fake, &[("FAKE_DEVICE_COUNT", "0")], r), &["sees no GPU"]);
    let partial = fake_driver(tmp.path(), "libcuda-noinit.so.1", &["-DNO_INIT"]);
    assert_cuda_error(&cuda(&partial, &[], r), &["lacks cuInit"]);
    // A driver that works: what is left is libtorch's own CUDA part.
    let missing = missing_cuda_libraries();
    let good = cuda(&fake, &[], r);
    if missing.is_empty() {
        assert_cuda_error(&good, &["Fake GPU 9000", "libtorch cannot use it"]);
    } else {
        let line =
            assert_one_error(&good, &["the CUDA libraries are not installed (", "run `scripts/setup cuda`"]);
        assert!(
            missing.iter().any(|lib| line.contains(&format!("({lib} is missing)"))),
            "{line} vs {missing:?}"
        );
        assert!(line.starts_with(PREFIX), "{line}");
    }
    assert!(common::subdirs(&r.join("mnist_dcn")).is_empty(), "no run directory for a device error");
}

#[test]
fn load_errors_are_classified() {
    let missing =
        classify_load_error("libcublas.so.13: cannot open shared object file: No such file or directory");
    assert!(missing.contains("(libcublas.so.13 is missing)") && missing.contains(SETUP_HINT), "{missing}");
    assert!(missing.starts_with("--device cuda: the CUDA libraries are not installed"), "{missing}");
    for other in [
        "libtorch_cuda.so: cannot open shared object file: No such file or directory",
        "/x/torch/lib/libtorch_cuda.so: undefined symbol: _ZN3c104cuda9SomethingEv",
        "libcudnn.so.9: wrong ELF class: ELFCLASS32",
        "",
    ] {
        let m = classify_load_error(other);
        assert!(m.starts_with("--device cuda: cannot load libtorch's CUDA part ("), "{other:?} → {m}");
        assert!(m.contains(SETUP_HINT) && !m.contains('\n'), "{m}");
    }
}

fn resume(dir: &Path, args: &[&str]) -> Output {
    common::cmd(common::DCN, &["--quiet", "--resume"])
        .arg(dir)
        .args(args)
        .env("NNLAB_LIBCUDA", "/nonexistent/libcuda.so.1")
        .output()
        .unwrap()
}

fn set_json(path: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
}

#[test]
fn a_resumed_run_keeps_its_device() {
    let runs = tempfile::tempdir().unwrap();
    let mut child = common::dcn(runs.path(), 2000, &["--checkpoint-every", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let dir = common::wait_for_losses(runs.path(), 2, &mut child);
    kill(child.id(), libc::SIGINT);
    let (code, stderr) = finish(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains(&format!("continue with: mnist_dcn --resume {} --device cpu", dir.display())),
        "{stderr}"
    );
    let stopped = status(&dir).step.unwrap();
    let end = (stopped + 2).to_string();
    let other = runs.path().join("other");
    std::fs::create_dir(&other).unwrap();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        std::fs::copy(e.path(), other.join(e.file_name())).unwrap();
    }

    // The run says cuda: a plain --resume tries cuda (and fails), --device cpu overrides it.
    set_json(&dir.join("config.json"), |c| c["device"] = "cuda".into());
    assert_cuda_error(&resume(&dir, &["--iterations", &end]), &["no NVIDIA driver"]);
    assert_eq!(status(&dir).status, RunStatus::Interrupted, "the failed resume left the run as it was");
    let out = resume(&dir, &["--iterations", &end, "--device", "cpu"]);
    assert!(out.status.success(), "{}", common::stderr_of(&out));
    assert_eq!(status(&dir).status, RunStatus::Complete);

    // A checkpoint written on the other device: the cpu generator is reseeded, and says so.
    let file = other.join("checkpoint.safetensors");
    let mut named = tch::Tensor::read_safetensors(&file).unwrap();
    let meta = named.iter_mut().find(|(n, _)| n == "meta/checkpoint").unwrap();
    let mut record: serde_json::Value =
        serde_json::from_slice(&Vec::<u8>::try_from(&meta.1).unwrap()).unwrap();
    record["device"] = "cuda".into();
    meta.1 = tch::Tensor::from_slice(serde_json::to_string(&record).unwrap().as_bytes());
    tch::Tensor::write_safetensors(&named, &file).unwrap();
    let out = resume(&other, &["--iterations", &end, "--device", "cpu"]);
    let stderr = common::stderr_of(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("note: the checkpoint was written on cuda: the cpu generator is reseeded"),
        "{stderr}"
    );
    assert_eq!(common::loss_steps(&other), (1..=stopped + 2).collect::<Vec<_>>());
}
