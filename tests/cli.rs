//! The programs as a user runs them: bad input gives one clear error and a non-zero exit, never a
//! panic; a diverging run is marked as such and keeps what it logged.
use nnlab::tensorboard::tags;
use std::process::{Command, Output};

fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("spawning the program")
}

fn assert_clean_failure(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "should fail: {stderr}");
    assert!(!stderr.contains("panicked"), "panicked: {stderr}");
    assert!(stderr.contains(expected), "stderr lacks {expected:?}: {stderr}");
    assert_eq!(stderr.lines().filter(|l| l.contains("error:")).count(), 1, "not one error line: {stderr}");
    assert!(
        stderr.lines().last().is_some_and(|l| l.contains(": error: ")),
        "the error is not last: {stderr}"
    );
}

/// The program name a binary's error line starts with.
fn name(bin: &str) -> &str {
    std::path::Path::new(bin).file_name().and_then(|n| n.to_str()).unwrap()
}

const THREE: &str = env!("CARGO_BIN_EXE_three_layer");
const NLAYER: &str = env!("CARGO_BIN_EXE_n_layer");
const DCN: &str = env!("CARGO_BIN_EXE_mnist_dcn");

#[test]
fn bad_flags_are_clear_errors() {
    let runs = tempfile::tempdir().unwrap();
    let r = runs.path().to_str().unwrap();
    let cases: &[(&str, &[&str], &str)] = &[
        (THREE, &["--hidden", "0"], "out of range"),
        (THREE, &["--hidden", "3,x"], "'x' is not a valid size"),
        (
            THREE,
            &["--activation", "softplus"],
            "'softplus' is not a valid activation (expected tanh, sigmoid or relu)",
        ),
        (THREE, &["--epsilon", "-1"], "--epsilon must be a positive number"),
        (THREE, &["--passes", "-5"], "--passes"),
        (NLAYER, &["--layers", "2", "--runs", r], "give at least input, one hidden and output size"),
        (NLAYER, &["--layers", "3,5,2", "--runs", r], "this data needs input size 2 and output size 2"),
        (NLAYER, &["--data", "/nonexistent.csv", "--runs", r], "cannot open /nonexistent.csv"),
        (NLAYER, &["--dataset", "iris", "--data-dir", "/nonexistent", "--runs", r], "run `scripts/setup`"),
        (NLAYER, &["--test-fraction", "1.5"], "--test-fraction must be between 0 and 1"),
        (
            NLAYER,
            &["--depth", "3", "--width", "100000", "--runs", r],
            "parameters, more than the 50000000 this program allows",
        ),
        (
            THREE,
            &["--samples", "1000000", "--hidden", "100000", "--runs", r],
            "activations; use fewer --samples or narrower layers",
        ),
        (DCN, &["--batch-size", "0"], "--batch-size"),
        (DCN, &["--iterations", "-1"], "--iterations"),
        (DCN, &["--optimizer", "lbfgs"], "invalid value 'lbfgs'"),
        (DCN, &["--activation", "maxout", "--maxout-pieces", "1"], "--maxout-pieces must be between 2 and 8"),
        (DCN, &["--lr", "0"], "--lr must be a positive number"),
        (
            DCN,
            &["--data", "/nonexistent", "--runs", r],
            "data directory /nonexistent does not exist: run `make mnist`",
        ),
        (DCN, &["--dataset", "mnist5k", "--data", "/tmp", "--runs", r], "mnist_5k.csv.gz not found"),
    ];
    for (bin, args, expected) in cases {
        let out = run(bin, args);
        assert_clean_failure(&out, expected);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        assert!(last.starts_with(&format!("{}: error: ", name(bin))), "{stderr}");
    }
}

/// What clap rejects (a repeated flag, as `make mnist ARGS="--runs …"` once produced, an unknown flag, a
/// bad enum value) is one line with exit status 2, not clap's multi-line usage block.
#[test]
fn usage_errors_are_one_line_with_status_2() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            DCN,
            &["--runs", "a", "--runs", "b"],
            "mnist_dcn: error: the argument '--runs <RUNS>' cannot be used multiple times",
        ),
        (DCN, &["--bogus"], "mnist_dcn: error: unexpected argument '--bogus' found (see mnist_dcn --help)"),
        (
            DCN,
            &["--resume", "/nonexistent", "--lr", "0.1"],
            "mnist_dcn: error: --lr cannot change a resumed run",
        ),
        (THREE, &["--activation", "softplus"], "three_layer: error: invalid value 'softplus'"),
        (NLAYER, &["--depth"], "n_layer: error: a value is required for '--depth <DEPTH>'"),
        (
            env!("CARGO_BIN_EXE_report"),
            &["--grid", "huge"],
            "report: error: invalid value 'huge' for '--grid <GRID>' [possible values: tiny, quick, standard, full]",
        ),
    ];
    for (bin, args, expected) in cases {
        let out = run(bin, args);
        assert_clean_failure(&out, expected);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with(expected), "{stderr}");
    }
}

#[test]
fn cuda_where_there_is_none_is_one_line() {
    let out = run(DCN, &["--device", "cuda", "--iterations", "1"]);
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("mnist_dcn: error: --device cuda: "), "{stderr}");
    }
}

#[test]
fn an_unwritable_runs_dir_fails_before_training() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    let out = run(THREE, &["--runs", file.to_str().unwrap(), "--passes", "10"]);
    assert_clean_failure(&out, "cannot create the runs directory");
}

#[test]
fn divergence_is_marked_and_keeps_the_log() {
    let runs = tempfile::tempdir().unwrap();
    let out = run(
        THREE,
        &["--activation", "sigmoid", "--epsilon", "10", "--runs", runs.path().to_str().unwrap(), "--quiet"],
    );
    assert_clean_failure(&out, "training diverged: the loss became");
    let dir = std::fs::read_dir(runs.path().join("three_layer")).unwrap().next().unwrap().unwrap().path();
    let status = std::fs::read_to_string(dir.join("status.json")).unwrap();
    assert!(status.contains("\"diverged\""), "{status}");
    let events = tensorboard_writer::record::read_dir_events(&dir).unwrap();
    let losses = tensorboard_writer::record::scalars(&events, tags::TRAIN_LOSS);
    assert_eq!(losses.len(), 2, "the initial loss, then the diverging loss itself");
}

#[test]
fn every_binary_explains_its_flags() {
    for (bin, flags) in [
        (
            THREE,
            &[
                "--activation",
                "--hidden",
                "--passes",
                "--epsilon",
                "--reg-lambda",
                "--seed",
                "--runs",
                "--no-plot",
            ][..],
        ),
        (
            NLAYER,
            &["--dataset", "--data", "--layers", "--depth", "--width", "--activation", "--test-fraction"][..],
        ),
        (
            DCN,
            &[
                "--device",
                "--iterations",
                "--batch-size",
                "--lr",
                "--activation",
                "--init",
                "--optimizer",
                "--log-every",
                "--eval-every",
                "--data",
                "--runs",
                "--seed",
            ][..],
        ),
    ] {
        let out = run(bin, &["--help"]);
        assert!(out.status.success());
        let help = String::from_utf8_lossy(&out.stdout);
        for f in flags {
            assert!(help.contains(f), "{bin} --help lacks {f}");
        }
        assert!(help.contains("[default: "), "{bin} --help shows defaults");
    }
}

#[test]
fn a_diverging_dcn_keeps_every_loss_up_to_the_nan() {
    let runs = tempfile::tempdir().unwrap();
    let out = run(
        DCN,
        &[
            "--dataset",
            "mnist5k",
            "--optimizer",
            "sgd",
            "--lr",
            "1e8",
            "--log-every",
            "10",
            "--quiet",
            "--runs",
            runs.path().to_str().unwrap(),
        ],
    );
    assert_clean_failure(&out, "training diverged: the loss became");
    let dir = std::fs::read_dir(runs.path().join("mnist_dcn")).unwrap().next().unwrap().unwrap().path();
    let status: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("status.json")).unwrap()).unwrap();
    assert_eq!(status["status"], "diverged");
    let step = status["step"].as_i64().unwrap();
    let losses = tensorboard_writer::record::scalars(
        &tensorboard_writer::record::read_dir_events(&dir).unwrap(),
        tags::TRAIN_LOSS,
    );
    assert_eq!(
        losses.iter().map(|l| l.0).collect::<Vec<_>>(),
        (1..=step).collect::<Vec<_>>(),
        "every loss up to and including the first non-finite one"
    );
    assert!(!losses.last().unwrap().1.is_finite());
}

/// A file-size limit makes every write past it fail (EFBIG) the way a full disk does (ENOSPC).
#[test]
fn a_full_disk_is_an_error_not_a_panic() {
    use std::os::unix::process::CommandExt;
    let runs = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(THREE);
    cmd.args(["--print-every", "10", "--quiet", "--runs", runs.path().to_str().unwrap()])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    // SAFETY: only async-signal-safe libc calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit { rlim_cur: 64 * 1024, rlim_max: 64 * 1024 };
            libc::setrlimit(libc::RLIMIT_FSIZE, &lim);
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    assert_clean_failure(&out, "cannot write to");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().filter(|l| l.contains("error")).count(), 1, "{stderr}");
}

/// scripts/submission: every bad NetID (empty, an option, a path, too long for a file name, a line
/// break) or a wrong argument count is one line `submission: error: …`, exit 1, and no zip.
#[test]
fn submission_refuses_bad_netids_in_one_line() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let long = "a".repeat(300);
    let cases: [&[&str]; 9] = [
        &["", "REPORT.pdf"],
        &["-rf", "REPORT.pdf"],
        &["--help", "REPORT.pdf"],
        &["..", "REPORT.pdf"],
        &["a/b", "REPORT.pdf"],
        &["a\nb", "REPORT.pdf"],
        &[&long, "REPORT.pdf"],
        &["abc1"],
        &[],
    ];
    let before: Vec<_> = std::fs::read_dir(root).unwrap().flatten().map(|e| e.file_name()).collect();
    for args in cases {
        let out =
            Command::new(root.join("scripts/submission")).args(args).current_dir(root).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("submission: error: "), "{args:?}: {stderr}");
    }
    let after: Vec<_> = std::fs::read_dir(root).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(before, after, "a refused NetID wrote nothing");
}

/// Each setting is checked in one place: a bad value gets the same one-line error from a flag and
/// from a run's saved config.json on --resume (which the error names), before anything is read.
#[test]
fn a_bad_flag_and_a_bad_saved_config_get_the_same_error() {
    use nnlab::dcn::train::TrainConfig;
    type Case = (&'static [&'static str], fn(&mut TrainConfig));
    let cases: [Case; 5] = [
        (&["--batch-size", "0"], |c| c.batch_size = 0),
        (&["--lr", "-1"], |c| c.optimizer.lr = -1.0),
        (&["--beta2", "1"], |c| c.optimizer.beta2 = 1.0),
        (&["--eval-every", "0"], |c| c.eval_every = 0),
        (&["--iterations", "0"], |c| c.iterations = Some(0)),
    ];
    for (flags, set) in cases {
        let from_flag = run(DCN, flags);
        let dir = tempfile::tempdir().unwrap();
        let mut saved = TrainConfig::default().resolved();
        set(&mut saved);
        std::fs::write(dir.path().join("config.json"), serde_json::to_string_pretty(&saved).unwrap())
            .unwrap();
        let from_file = run(DCN, &["--resume", dir.path().to_str().unwrap()]);
        let (a, b) = (String::from_utf8_lossy(&from_flag.stderr), String::from_utf8_lossy(&from_file.stderr));
        assert_eq!((from_flag.status.code(), from_file.status.code()), (Some(1), Some(1)), "{a}{b}");
        assert_eq!((a.lines().count(), b.lines().count()), (1, 1), "{a}{b}");
        let message = a.strip_prefix("mnist_dcn: error: ").unwrap_or_else(|| panic!("{a}"));
        let named = format!("mnist_dcn: error: {}: {message}", dir.path().join("config.json").display());
        assert_eq!(b, named, "{flags:?}");
        assert!(message.starts_with(flags[0]), "{message}");
    }
}

/// Labels are integers, read as integers: 2^53 and 2^53 + 1 are two classes (read through a float
/// they were one), and a label that does not fit 64 bits, or a float-written one that a float cannot
/// hold exactly, is refused with file:row.
#[test]
fn csv_labels_beyond_a_floats_precision_stay_apart() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("runs");
    let r = r.to_str().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let rows: String =
        (0..12).map(|i| format!("{i},{},{}\n", i % 3, [0u64, 1 << 53, (1 << 53) + 1][i % 3])).collect();
    let three = write("three.csv", &rows);
    let out = run(NLAYER, &["--data", &three, "--passes", "5", "--quiet", "--no-plot", "--runs", r]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("2 features, 3 classes"), "{stderr}");
    let two =
        write("two.csv", "1,9007199254740992\n2,9007199254740993\n3,9007199254740992\n4,9007199254740993\n");
    let out = run(NLAYER, &["--data", &two, "--passes", "5", "--quiet", "--no-plot", "--runs", r]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 features, 2 classes"), "{out:?}");
    for (text, expected) in [
        (
            "1,0\n2,99999999999999999999\n",
            ":2: label 99999999999999999999 in the last column does not fit a 64-bit integer",
        ),
        (
            "1,0\n2,9007199254740993.0\n",
            ":2: label 9007199254740993.0 in the last column is not exact as a float",
        ),
    ] {
        let path = write("bad.csv", text);
        let out = run(NLAYER, &["--data", &path, "--passes", "5", "--quiet", "--runs", r]);
        assert_clean_failure(&out, &format!("n_layer: error: {path}{expected}"));
    }
}
