//! Classes 5 and 7: sizes that come from input are checked before anything is allocated, and an
//! error names the real cause (a data error is not "training diverged"; a long name is shortened).
use crate::common::{self, assert_one_error, stderr_of};
use nnlab::dcn::idx::encode_idx;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

fn run(program: &str, runs: &Path, args: &[&str]) -> Output {
    common::cmd(program, args).arg("--runs").arg(runs).output().unwrap()
}

fn csv(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn list(range: std::ops::RangeInclusive<i64>) -> String {
    range.map(|v| v.to_string()).collect::<Vec<_>>().join(",")
}

/// A failure caused by the data, reported as such and before any run directory exists.
fn data_error(out: &Output, runs: &Path, expected: &[&str]) {
    let line = assert_one_error(out, expected);
    assert!(!line.contains("diverged"), "{line}");
    assert!(common::subdirs(runs).iter().all(|p| common::subdirs(p).is_empty()), "{line}: a run was created");
}

#[test]
fn sizes_from_flags_and_files_are_errors_before_allocating() {
    let (runs, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let r = runs.path();
    let labels: String = (0..3000).map(|i| format!("{},{},{i}\n", i % 7, i % 11)).collect();
    let many = csv(data.path(), "labels.csv", &labels);
    data_error(&run(common::NLAYER, r, &["--data", &many]), r, &["3000 different labels"]);
    data_error(&run(common::THREE, r, &["--hidden", &list(1..=65)]), r, &["65 networks"]);
    data_error(
        &run(common::THREE, r, &["--activation", "tanh,relu,sigmoid", "--hidden", &list(1..=22)]),
        r,
        &["66"],
    );
    data_error(
        &run(common::NLAYER, r, &["--depth", &list(1..=9), "--width", &list(1..=8)]),
        r,
        &["72 networks"],
    );
    let layers: Vec<&str> = (0..65).flat_map(|_| ["--layers", "2,3,2"]).collect();
    data_error(&run(common::NLAYER, r, &layers), r, &["65 networks"]);
    let max = i64::MAX.to_string();
    for flag in [
        "--log-every",
        "--eval-every",
        "--iterations",
        "--checkpoint-every",
        "--batch-size",
        "--maxout-pieces",
    ] {
        data_error(&run(common::DCN, r, &[flag, &max]), r, &[flag]);
    }
    data_error(&run(common::DCN, r, &["--iterations", &i64::MIN.to_string()]), r, &["--iterations"]);
}

/// A gzipped mnist5k CSV of `rows` rows.
fn small_mnist5k(dir: &Path, rows: usize) {
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(dir.join("mnist_5k.csv.gz")).unwrap(),
        flate2::Compression::fast(),
    );
    for i in 0..rows {
        let pixels = vec![(i % 256).to_string(); 784].join(",");
        writeln!(gz, "{pixels},{}", i % 10).unwrap();
    }
    gz.finish().unwrap();
}

/// An MNIST directory with `n` training and `n` test images (IDX files, gzipped or not).
fn small_mnist(n: u32, gzip: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pixels: Vec<u8> = (0..n * 784).map(|i| (i * 7 % 256) as u8).collect();
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    for (prefix, dims, bytes) in [
        ("train-images-idx3-ubyte", vec![n, 28, 28], &pixels),
        ("train-labels-idx1-ubyte", vec![n], &labels),
        ("t10k-images-idx3-ubyte", vec![n, 28, 28], &pixels),
        ("t10k-labels-idx1-ubyte", vec![n], &labels),
    ] {
        let raw = encode_idx(&dims, bytes);
        if gzip {
            let f = std::fs::File::create(dir.path().join(format!("{prefix}.gz"))).unwrap();
            let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
            gz.write_all(&raw).unwrap();
            gz.finish().unwrap();
        } else {
            std::fs::write(dir.path().join(prefix), raw).unwrap();
        }
    }
    dir
}

#[test]
fn small_data_sets_are_errors_not_nan() {
    let runs = tempfile::tempdir().unwrap();
    let r = runs.path();
    let five = tempfile::tempdir().unwrap();
    small_mnist5k(five.path(), 100);
    let d = five.path().to_str().unwrap();
    data_error(&run(common::DCN, r, &["--dataset", "mnist5k", "--data", d]), r, &["100 images", "5,000"]);
    for gzip in [false, true] {
        let ten = small_mnist(10, gzip);
        let out = run(common::DCN, r, &["--data", ten.path().to_str().unwrap(), "--iterations", "5"]);
        data_error(&out, r, &["10 training", "validation split"]);
    }
    let twelve = small_mnist(12, true);
    let out = run(common::DCN, r, &["--data", twelve.path().to_str().unwrap(), "--iterations", "5"]);
    data_error(&out, r, &["--batch-size 50", "11 training images"]);
    // Small but enough: a run, with real percentages.
    let some = small_mnist(24, false);
    let args = ["--data", some.path().to_str().unwrap(), "--iterations", "3", "--batch-size", "4", "--quiet"];
    let out = run(common::DCN, r, &args);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("test accuracy") && !stdout.contains("NaN"), "{stdout}");
}

#[test]
fn long_names_are_shortened() {
    let runs = tempfile::tempdir().unwrap();
    let r = runs.path();
    let hidden = list(1000..=1063);
    let out = run(
        common::THREE,
        r,
        &["--hidden", &hidden, "--passes", "1", "--epsilon", "1e-6", "--no-plot", "--quiet"],
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    let sweep = common::only_run(r, "three_layer");
    let name = sweep.file_name().unwrap().to_str().unwrap().to_string();
    assert!(hidden.len() > 255 && name.len() <= 255 && name.starts_with("sweep-tanh-h1000,1001"), "{name}");
    assert_eq!(common::subdirs(&sweep).len(), 64);

    let data = tempfile::tempdir().unwrap();
    let rows: String = (0..20).map(|i| format!("{},{},{}\n", i, (i * 7) % 5, i % 2)).collect();
    let long = csv(data.path(), &format!("{}.csv", "x".repeat(240)), &rows);
    let out = run(common::NLAYER, r, &["--data", &long, "--passes", "5", "--no-plot", "--quiet"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let dir: PathBuf = common::only_run(r, "n_layer");
    assert!(dir.file_name().unwrap().len() <= 255);
}

#[test]
fn data_errors_name_the_data() {
    let (runs, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (r, d) = (runs.path(), data.path());
    let one = csv(d, "one.csv", "1,2,0\n");
    data_error(&run(common::NLAYER, r, &["--data", &one]), r, &["one.csv"]);
    let two = csv(d, "two.csv", "1,2,0\n3,4,1\n");
    data_error(
        &run(common::NLAYER, r, &["--data", &two, "--test-fraction", "0.9"]),
        r,
        &["no training rows"],
    );
    let rows: String = (0..20)
        .map(|i| {
            format!(
                "{},{},{}\n",
                i,
                if i == 3 {
                    "1e308"
                } else if i == 4 {
                    "-1e308"
                } else {
                    "1"
                },
                i % 2
            )
        })
        .collect();
    let huge = csv(d, "huge.csv", &rows);
    for seed in ["0", "1", "2"] {
        data_error(&run(common::NLAYER, r, &["--data", &huge, "--seed", seed]), r, &["huge", "column 2"]);
    }
    data_error(&run(common::THREE, r, &["--noise", "1e300", "--passes", "10"]), r, &["--noise"]);
    // A "CSV" without line breaks is refused after a bounded read, not read whole into memory.
    let endless = csv(d, "endless.csv", &"1,".repeat(40 << 20));
    data_error(&run(common::NLAYER, r, &["--data", &endless]), r, &["endless.csv:1", "longer than"]);
    let rows: String = (0..10).map(|i| format!("{},{},{}\n", i, i * i, i % 2)).collect();
    let bom = csv(d, "bom.csv", &format!("\u{feff}{rows}"));
    let out = run(common::NLAYER, r, &["--data", &bom, "--passes", "5", "--no-plot", "--quiet"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("data: bom, 8 training rows + 2 held out"), "{}", stderr_of(&out));
}

/// The DCN's CSV: a value that would overflow (1e39 is no f32) or is no pixel is a data error naming
/// file and row, before training, not "training diverged" (as in Part 1).
#[test]
fn an_overflowing_dcn_pixel_is_a_data_error_naming_the_row() {
    let (runs, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(data.path().join("mnist_5k.csv.gz")).unwrap(),
        flate2::Compression::fast(),
    );
    for i in 0..5000 {
        let mut pixels = vec!["0".to_string(); 784];
        if i == 6 {
            pixels[100] = "1e39".into();
        }
        writeln!(gz, "{},{}", pixels.join(","), i % 10).unwrap();
    }
    gz.finish().unwrap();
    let d = data.path().to_str().unwrap();
    let out = run(common::DCN, runs.path(), &["--dataset", "mnist5k", "--data", d, "--iterations", "2"]);
    data_error(&out, runs.path(), &["mnist_5k.csv.gz:7", "pixel 101", "outside 0..=255"]);
}
