//! Class 3: a really full disk (ENOSPC on a small tmpfs). The error names the write that failed
//! first, status.json says failed (written from the lock file's reserve), no temporary file is left
//! and every event written before reads back.
use crate::common::{self, status};
use nnlab::run::RunStatus;
use std::path::Path;
use std::process::Command;

/// A tmpfs of `size` mounted on a temporary directory, unmounted when dropped (even on failure).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// None (the test is skipped) where mounting is not allowed: only root may.
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        // SAFETY: geteuid has no preconditions.
        assert!(ok || unsafe { libc::geteuid() } != 0, "root could not mount a tmpfs");
        if !ok {
            eprintln!("skipped: mounting a tmpfs needs root");
        }
        ok.then_some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the filesystem until `leave` bytes are free.
    fn fill(&self, leave: u64) {
        // SAFETY: statvfs into a zeroed struct, with a NUL-terminated path.
        let free = unsafe {
            let mut st: libc::statvfs = std::mem::zeroed();
            let p = std::ffi::CString::new(self.path().to_str().unwrap()).unwrap();
            assert_eq!(libc::statvfs(p.as_ptr(), &mut st), 0);
            st.f_bavail as u64 * st.f_frsize as u64
        };
        std::fs::write(self.path().join("filler"), vec![0u8; free.saturating_sub(leave) as usize]).unwrap();
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

/// The promise for a program that ran on a full disk: success (status complete), or one error line
/// naming the failed write (`expected`) and "No space left on device", with every run directory
/// marked failed with that message. Either way no temporary files and readable events. Returns
/// whether it failed.
fn check(out: &std::process::Output, runs: &Path, expected: &[&str]) -> bool {
    let failed = !out.status.success();
    let line = if failed {
        let mut want = vec!["No space left on device"];
        want.extend(expected);
        Some(common::assert_one_error(out, &want))
    } else {
        common::assert_no_crash(&common::stderr_of(out));
        None
    };
    for program in common::subdirs(runs) {
        for dir in common::subdirs(&program) {
            for run in std::iter::once(dir.clone()).chain(common::subdirs(&dir)) {
                let s = status(&run);
                if failed {
                    assert_eq!(s.status, RunStatus::Failed, "{}: {s:?}", run.display());
                    assert!(s.message.contains("No space left on device"), "{s:?}, stderr: {line:?}");
                } else {
                    assert_eq!(s.status, RunStatus::Complete, "{}", run.display());
                }
                let _ = common::loss_steps(&run);
            }
        }
    }
    assert!(common::partial_files(runs).is_empty(), "{:?}", common::partial_files(runs));
    failed
}

fn three_layer(runs: &Path, passes: &str, extra: &[&str]) -> std::process::Output {
    common::cmd(common::THREE, &["--print-every", "10", "--quiet", "--passes", passes])
        .args(extra)
        .arg("--runs")
        .arg(runs)
        .output()
        .unwrap()
}

#[test]
fn part_1_on_a_full_disk() {
    let Some(fs) = Tmpfs::mount("2m") else { return };
    let out = three_layer(fs.path(), "100000000", &["--no-plot"]);
    assert!(check(&out, fs.path(), &["events.out.tfevents"]));
    let run = common::only_run(fs.path(), "three_layer");
    let steps = common::loss_steps(&run);
    assert!(steps.len() > 100, "it failed in training, not at startup: {steps:?}");
    assert_eq!(steps, (0..steps.len() as i64).map(|k| 10 * k).collect::<Vec<_>>());
    drop(fs);

    // At startup, with a little space or none: a sweep, so a sweep directory and runs in it.
    for leave in [0, 4096, 8192, 12288, 16384, 24576, 32768, 65536] {
        let Some(fs) = Tmpfs::mount("1m") else { return };
        fs.fill(leave);
        let out = three_layer(fs.path(), "50", &["--hidden", "2,3"]);
        check(&out, fs.path(), &[]);
    }
}

#[test]
fn part_2_on_a_full_disk() {
    // (tmpfs size, flags, the file whose write fails first)
    let cases: [(&str, &[&str], &str); 3] = [
        ("160k", &["--log-every", "1", "--checkpoint-every", "0"], "events.out.tfevents"),
        ("12m", &["--checkpoint-every", "2"], "checkpoint.safetensors"),
        ("20m", &["--optimizer", "sgd", "--checkpoint-every", "100"], "model.safetensors"),
    ];
    for (size, flags, file) in cases {
        let Some(fs) = Tmpfs::mount(size) else { return };
        let iterations = if file == "model.safetensors" { 2 } else { 100 };
        let out = common::dcn(fs.path(), iterations, flags).output().unwrap();
        assert!(check(&out, fs.path(), &[file]), "{file}");
        let steps = common::loss_steps(&common::only_run(fs.path(), "mnist_dcn"));
        assert!(
            !steps.is_empty() && steps == (1..=steps.len() as i64).collect::<Vec<_>>(),
            "{file}: {steps:?}"
        );
    }
    for leave in [0, 16384] {
        let Some(fs) = Tmpfs::mount("2m") else { return };
        fs.fill(leave);
        let out = common::dcn(fs.path(), 2, &[]).output().unwrap();
        assert!(check(&out, fs.path(), &[]));
    }
}
