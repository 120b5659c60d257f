//! Started from a directory that was deleted: libtorch's MKL aborts while the library loads, before
//! `main` ("Intel oneMKL FATAL ERROR"), unless the program checks first (src/bin/shared/cwd.rs).
use crate::common::{assert_no_crash, stderr_of, DCN, NLAYER, THREE};
use std::process::{Command, Output};

const REPORT: &str = env!("CARGO_BIN_EXE_report");

/// `program args` run from a directory that is removed just before the program starts.
fn in_deleted_dir(program: &str, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("gone");
    std::fs::create_dir(&gone).unwrap();
    Command::new("sh")
        .arg("-c")
        .arg(r#"cd "$1" && rmdir "$1" && shift && exec "$@""#)
        .arg("sh")
        .arg(&gone)
        .arg(program)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn every_program_says_the_directory_is_gone_in_one_line() {
    for program in [THREE, NLAYER, DCN, REPORT] {
        let out = in_deleted_dir(program, &["--runs", "runs"]);
        let stderr = stderr_of(&out);
        assert_no_crash(&stderr);
        assert!(!stderr.contains("oneMKL"), "{program}: {stderr}");
        assert_eq!(out.status.code(), Some(2), "{program}: {stderr}");
        let name = program.rsplit('/').next().unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with(&format!("{name}: error: the current directory no longer exists")),
            "{stderr}"
        );
    }
}

#[test]
fn help_and_version_still_work() {
    for program in [THREE, NLAYER, DCN, REPORT] {
        for flag in ["--help", "--version"] {
            let out = in_deleted_dir(program, &[flag]);
            assert_eq!(out.status.code(), Some(0), "{program} {flag}: {}", stderr_of(&out));
            assert!(!out.stdout.is_empty(), "{program} {flag}");
        }
    }
}
