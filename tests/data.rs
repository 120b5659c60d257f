//! Data: Make-Moons geometry, CSV loading and its error messages.
mod common;
use nnlab::backprop::data::make_moons;
use nnlab::data::csv::parse_csv;

#[test]
fn moons_are_two_half_circles() {
    let d = make_moons(200, 0.0, 7);
    assert_eq!(d.x.size(), vec![200, 2]);
    assert_eq!(d.y.sum(None).int64_value(&[]), 100);
    let x = Vec::<f64>::try_from(d.x.contiguous().view([-1])).unwrap();
    let y = Vec::<i64>::try_from(&d.y).unwrap();
    for (p, &label) in x.chunks(2).zip(&y) {
        let (cx, cy) = if label == 0 { (0.0, 0.0) } else { (1.0, 0.5) };
        let r = ((p[0] - cx).powi(2) + (p[1] - cy).powi(2)).sqrt();
        assert!((r - 1.0).abs() < 1e-9, "point {p:?} of class {label} is off its half circle");
        assert!(if label == 0 { p[1] >= -1e-9 } else { p[1] <= 0.5 + 1e-9 });
    }
    // Noise 0.2 moves points by about 0.2, and a seed reproduces them.
    let (a, b) = (make_moons(200, 0.2, 7), make_moons(200, 0.2, 7));
    assert_eq!(Vec::<f64>::try_from(a.x.view([-1])).unwrap(), Vec::<f64>::try_from(b.x.view([-1])).unwrap());
    let spread = (&a.x - &d.x).std(true).double_value(&[]);
    assert!((spread - 0.2).abs() < 0.03, "noise std {spread}");
}

fn err(text: &str) -> String {
    format!("{:#}", parse_csv(text.as_bytes(), "t.csv").err().expect("an error"))
}

#[test]
fn csv_reads_headers_and_remaps_labels() {
    let t = parse_csv("150,4,setosa,versicolor\n1.0,2.0,5\n3,4,7\n5,6,5\n".as_bytes(), "t.csv").unwrap();
    assert_eq!((t.rows, t.cols), (3, 2));
    assert_eq!(t.labels, vec![0, 1, 0]);
    assert_eq!(t.classes, vec![5, 7]);
    assert_eq!(Vec::<f64>::try_from(t.features.view([-1])).unwrap(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
}

#[test]
fn csv_errors_name_the_line() {
    assert_eq!(err("1,2,0\n1,2\n"), "t.csv:2: expected 3 fields like the first row, found 2");
    assert_eq!(err("1,2,0\n1,x,1\n"), "t.csv:2: field 2 (\"x\") is not a finite number");
    assert_eq!(err("1,2,0\n\n1,2,1\n"), "t.csv:2: empty row");
    assert_eq!(err("1,2,0.5\n"), "t.csv:1: label 0.5 in the last column is not a whole number");
    assert_eq!(err("a,b,c\n"), "t.csv: no data rows");
    assert_eq!(
        err("1,2,0\n3,4,0\n"),
        "t.csv: every row has label 0; classification needs at least two classes"
    );
    assert_eq!(err("1,2,0\n1,nan,1\n"), "t.csv:2: field 2 (\"nan\") is not a finite number");
}

/// Reading a CSV streams it: the peak memory it adds is the feature tensor (8 bytes per value) plus the
/// labels, not a growing copy of the table. Measured in a process of its own (this test binary, run
/// again for the ignored test below), as the growth of its peak resident set.
#[test]
fn reading_a_csv_peaks_at_its_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    common::write_big_csv(&path);
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "csv_peak_child", "--include-ignored", "--nocapture", "--test-threads", "1"])
        .env("CSV_PEAK_FILE", &path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let grown: u64 = stdout
        .lines()
        .find_map(|l| l.split("peak growth KiB: ").nth(1))
        .unwrap_or_else(|| panic!("no measurement: {stdout}{}", String::from_utf8_lossy(&out.stderr)))
        .parse()
        .unwrap();
    let table_kib = (400_000 * 20 * 8 + 400_000 * 8) / 1024;
    eprintln!("reading 16.8 MB of CSV: peak grew {grown} KiB for a {table_kib} KiB table");
    assert!(grown < table_kib * 5 / 4, "peak grew {grown} KiB for a {table_kib} KiB table");
}

#[test]
#[ignore = "run by reading_a_csv_peaks_at_its_table in a process of its own"]
fn csv_peak_child() {
    let peak = || {
        let s = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = s.lines().find(|l| l.starts_with("VmHWM:")).unwrap().to_string();
        line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap()
    };
    let _warm = tch::Tensor::zeros([1], (tch::Kind::Double, tch::Device::Cpu));
    let before = peak();
    let path = std::env::var("CSV_PEAK_FILE").unwrap();
    let table = nnlab::data::csv::read_csv(std::path::Path::new(&path)).unwrap();
    assert_eq!((table.rows, table.cols), (400_000, 20));
    println!("peak growth KiB: {}", peak() - before);
}
