//! Class 8: limits and special files end the work cleanly. A file size limit (`ulimit -f`, which
//! would raise SIGXFSZ) is a full disk: one error line, the run marked failed, no temporary file,
//! the events before it readable. A FIFO, a device or a directory given as data fails at once
//! instead of blocking; a runs path that is not UTF-8 is refused before anything is created.
use crate::common::{self, assert_one_error, limited, mkfifo, output_within, status};
use nnlab::run::RunStatus;
use std::path::Path;

/// A run that hit the file size limit: one line naming `file` and "File too large", every run under
/// `runs` failed with it, nothing temporary left, its events still readable.
fn check_too_large(out: &std::process::Output, runs: &Path, program: &str, file: &str) {
    assert_one_error(out, &["File too large", file]);
    let dir = common::only_run(runs, program);
    let s = status(&dir);
    assert_eq!(s.status, RunStatus::Failed, "{s:?}");
    assert!(s.message.contains("File too large"), "{s:?}");
    assert!(common::partial_files(runs).is_empty(), "{:?}", common::partial_files(runs));
    assert!(!common::loss_steps(&dir).is_empty(), "the events before the limit read back");
}

#[test]
fn a_file_size_limit_is_a_full_disk() {
    let runs = tempfile::tempdir().unwrap();
    let part1 =
        common::cmd(common::THREE, &["--passes", "100000000", "--print-every", "10", "--quiet", "--no-plot"]);
    let mut part1 = limited(part1, libc::RLIMIT_FSIZE, 64 << 10);
    let out = output_within(part1.arg("--runs").arg(runs.path()), 120);
    check_too_large(&out, runs.path(), "three_layer", "events.out.tfevents");

    // Part 2: the checkpoint (about 13 MB) is the first file over 2 MiB.
    let runs = tempfile::tempdir().unwrap();
    let dcn = common::dcn(runs.path(), 100, &["--checkpoint-every", "2"]);
    let out = output_within(&mut limited(dcn, libc::RLIMIT_FSIZE, 2 << 20), 120);
    check_too_large(&out, runs.path(), "mnist_dcn", "checkpoint.safetensors");
}

/// Data paths that are not regular files: refused at once with what they are, nothing created.
#[test]
fn fifos_devices_and_directories_as_data_never_block() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.csv");
    mkfifo(&fifo);
    let runs = tmp.path().join("runs");
    let cases: [(&str, &str); 3] = [
        (fifo.to_str().unwrap(), "is a FIFO"),
        ("/dev/zero", "is a device"),
        (tmp.path().to_str().unwrap(), "is a directory"),
    ];
    for (data, what) in cases {
        let mut c = common::cmd(common::NLAYER, &["--quiet", "--data", data, "--runs"]);
        let out = output_within(c.arg(&runs), 30);
        assert_one_error(&out, &[data, what]);
    }
    // The DCN's data directory with a FIFO for its CSV.
    let dir = tmp.path().join("mnist5k");
    std::fs::create_dir(&dir).unwrap();
    mkfifo(&dir.join("mnist_5k.csv.gz"));
    let mut c = common::cmd(common::DCN, &["--dataset", "mnist5k", "--quiet", "--data"]);
    let out = output_within(c.arg(&dir).arg("--runs").arg(&runs), 30);
    assert_one_error(&out, &["mnist_5k.csv.gz", "is a FIFO"]);
    assert!(!runs.exists(), "nothing is created for a refused input");
}

#[test]
fn a_runs_path_that_is_not_utf8_is_refused_before_anything_is_created() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let runs = tmp.path().join(std::ffi::OsStr::from_bytes(b"runs-\xff"));
    let part1 =
        common::cmd(common::THREE, &["--passes", "20", "--print-every", "10", "--quiet", "--no-plot"])
            .arg("--runs")
            .arg(&runs)
            .output()
            .unwrap();
    assert_one_error(&part1, &["not valid UTF-8"]);
    let dcn = common::dcn(&runs, 2, &[]).output().unwrap();
    assert_one_error(&dcn, &["not valid UTF-8"]);
    assert!(common::snapshot(tmp.path()).is_empty(), "{:?}", common::snapshot(tmp.path()));
}
