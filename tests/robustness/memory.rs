//! Class 9: running out of memory (`ulimit -v`, set with setrlimit) is one error line naming what was
//! being done and how many bytes, never a panic, an abort or a C++ trace; a run it stops is marked
//! failed with that line. Below about 430 MiB of address space libtorch cannot even load (its static
//! initialisation throws before `main`), so the limits here stay well above that.
use crate::common::{self, assert_one_error, limited, output_within, status};
use nnlab::run::RunStatus;
use std::path::Path;

const GIB: u64 = 1 << 30;

/// The one run under `runs/program` failed with the out-of-memory line `line` carries.
fn failed_out_of_memory(runs: &Path, program: &str, line: &str) {
    let s = status(&common::only_run(runs, program));
    assert_eq!(s.status, RunStatus::Failed, "{s:?}");
    assert!(s.message.starts_with("out of memory while"), "{s:?}");
    assert!(line.contains(&s.message), "{line} / {s:?}");
}

/// In-range flags that need more memory than allowed: the DCN with maxout 8 at batch 4,000 and Part 1
/// at its own size limit (2,000 examples × 100,000 hidden units): failed in training, or (Part 1,
/// when not even its activations fit) refused by the size check before anything is created.
#[test]
fn in_range_flags_that_do_not_fit_are_one_line() {
    let runs = tempfile::tempdir().unwrap();
    let flags = ["--activation", "maxout", "--maxout-pieces", "8", "--batch-size", "4000"];
    let dcn = limited(common::dcn(runs.path(), 2, &flags), libc::RLIMIT_AS, 3 * GIB);
    let out = output_within(&mut { dcn }, 120);
    let line = assert_one_error(&out, &["out of memory while training (batch 4000)", "bytes"]);
    failed_out_of_memory(runs.path(), "mnist_dcn", &line);

    let runs = tempfile::tempdir().unwrap();
    let part1 = common::cmd(
        common::THREE,
        &["--hidden", "100000", "--samples", "2000", "--passes", "2", "--quiet", "--no-plot", "--runs"],
    );
    let mut part1 = limited(part1, libc::RLIMIT_AS, 3 * GIB);
    let out = output_within(part1.arg(runs.path()), 120);
    let line = assert_one_error(&out, &["out of memory while training tanh-h100000 on 2000 rows", "bytes"]);
    failed_out_of_memory(runs.path(), "three_layer", &line);

    // With less, the size check sees that even the activations cannot fit: refused before any run.
    let runs = tempfile::tempdir().unwrap();
    let part1 = common::cmd(
        common::THREE,
        &["--hidden", "100000", "--samples", "2000", "--passes", "2", "--quiet", "--no-plot", "--runs"],
    );
    let mut part1 = limited(part1, libc::RLIMIT_AS, 3 * GIB / 2);
    let out = output_within(part1.arg(runs.path()), 120);
    assert_one_error(&out, &["sizes [2, 100000, 2] on 2000 examples needs about 1.5 GiB, more than the"]);
    assert!(common::snapshot(runs.path()).is_empty(), "nothing is created");
}

/// A CSV of 400,000 rows × 20 features (16.8 MB of text, 61 MiB as doubles) under limits from "not
/// even the table fits" to "the table fits but not the training" (above what libtorch itself needs,
/// measured first): always one line naming the stage it was in, and exit status 1.
#[test]
fn a_csv_under_a_memory_limit_is_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("big.csv");
    common::write_big_csv(&csv);
    let runs = tmp.path().join("runs");
    let n_layer = |mib: u64, data: &[&std::ffi::OsStr]| {
        let flags = ["--depth", "1", "--width", "2", "--passes", "1", "--quiet", "--no-plot", "--runs"];
        let mut c = limited(common::cmd(common::NLAYER, &flags), libc::RLIMIT_AS, mib << 20);
        output_within(c.arg(&runs).args(data), 60)
    };
    // What libtorch needs to load and train on iris: the limits below start there (machines differ).
    let base = (400..1000)
        .step_by(10)
        .find(|&mib| n_layer(mib, &["--dataset".as_ref(), "iris".as_ref()]).status.success());
    let base = base.expect("n_layer on iris runs within 1000 MiB");
    let mut stages = std::collections::BTreeSet::new();
    for mib in [base, base + 20, base + 40, base + 60, base + 80, base + 120] {
        let out = n_layer(mib, &["--data".as_ref(), csv.as_os_str()]);
        if out.status.success() {
            continue;
        }
        let line = assert_one_error(&out, &[]);
        assert!(line.contains("out of memory") || line.contains("more than the"), "{mib} MiB: {line}");
        eprintln!("{mib} MiB: {line}");
        stages.insert(line.split(": could not").next().unwrap_or_default().to_string());
    }
    assert!(!stages.is_empty(), "some limit must be too small");
}

/// libtorch's wording of a failed allocation, CPU and CUDA (the GPU one cannot be provoked here), is
/// recognised with its size; other errors are not taken for one.
#[test]
fn allocation_failures_are_recognised_with_their_size() {
    use nnlab::native::memory::allocation_failure;
    let cpu = "[enforce fail at alloc_cpu.cpp:121] data. DefaultCPUAllocator: can't allocate memory: \
               you tried to allocate 3211264000 bytes. Error code 12 (Cannot allocate memory)";
    assert_eq!(allocation_failure(cpu), Some(Some(3_211_264_000)));
    let cuda = "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB";
    assert_eq!(allocation_failure(cuda), Some(Some(2 << 30)));
    assert_eq!(allocation_failure("std::bad_alloc"), Some(None));
    assert_eq!(allocation_failure("shape '[2, 3]' is invalid for input of size 5"), None);
}
