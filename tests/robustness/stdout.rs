//! Class 4: stdout closed (the reader of a pipe gone) or full (/dev/full). Never a panic; with a
//! closed pipe exit 0, with a full device one error line "cannot write to stdout" and exit 1; either
//! way every run is saved and complete.
use crate::common::{self, status};
use nnlab::run::RunStatus;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// (program, its arguments): each prints results on stdout at the end.
fn programs(runs: &Path) -> Vec<Command> {
    let r = runs.to_str().unwrap();
    let part1 = ["--passes", "200", "--print-every", "100", "--no-plot", "--quiet", "--runs", r];
    let mut three = common::cmd(common::THREE, &["--hidden", "1,2,3"]);
    three.args(part1);
    let mut n = common::cmd(common::NLAYER, &["--depth", "1,2", "--width", "3"]);
    n.args(part1);
    vec![three, n, common::dcn(runs, 2, &[])]
}

/// Every run directory under `runs` (sweeps included) is complete.
fn all_complete(runs: &Path) {
    let mut n = 0;
    for program in common::subdirs(runs) {
        for dir in common::subdirs(&program) {
            // A sweep's networks are runs; a DCN run's projector folder (00002/) is not.
            let runs = common::subdirs(&dir).into_iter().filter(|d| d.join("status.json").exists());
            for run in std::iter::once(dir.clone()).chain(runs) {
                assert_eq!(status(&run).status, RunStatus::Complete, "{}", run.display());
                n += 1;
            }
        }
    }
    assert_eq!(n, 4 + 3 + 1, "a sweep of 3 + 1, a sweep of 2 + 1, one DCN run");
}

fn no_error(out: &Output) {
    let stderr = common::stderr_of(out);
    common::assert_no_crash(&stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
}

#[test]
fn a_closed_stdout_pipe_is_no_error() {
    let runs = tempfile::tempdir().unwrap();
    for mut c in programs(runs.path()) {
        let mut child = c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take());
        no_error(&child.wait_with_output().unwrap());
    }
    all_complete(runs.path());
    // A reader that goes after the first byte, through the shell.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} --hidden 1,2,3,4,5 --passes 10 --no-plot --quiet --runs {} | head -c1 >/dev/null",
            common::THREE,
            runs.path().display()
        ))
        .output()
        .unwrap();
    no_error(&out);
    for help in [common::THREE, common::NLAYER, common::DCN] {
        let mut child =
            common::cmd(help, &["--help"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        common::assert_no_crash(&common::stderr_of(&out));
        assert!(out.status.success(), "--help to a closed pipe: {}", common::stderr_of(&out));
    }
}

#[test]
fn a_full_stdout_is_one_error_and_everything_is_saved() {
    let runs = tempfile::tempdir().unwrap();
    for mut c in programs(runs.path()) {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = c.stdout(full).stderr(Stdio::piped()).output().unwrap();
        common::assert_one_error(&out, &["cannot write to stdout", "No space left on device", "saved"]);
    }
    all_complete(runs.path());
    for help in [common::THREE, common::NLAYER, common::DCN] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = common::cmd(help, &["--help"]).stdout(full).output().unwrap();
        common::assert_one_error(&out, &["cannot write to stdout", "No space left on device"]);
    }
}
