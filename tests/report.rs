//! `report --grid tiny`: every image REPORT.md links to is a valid PNG, and a second run reuses
//! every run of the first.
use std::process::Command;

const REPORT: &str = env!("CARGO_BIN_EXE_report");

#[test]
fn tiny_report_links_only_valid_pngs_and_reuses_runs() {
    let out = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(REPORT)
            .args(["--grid", "tiny", "--out"])
            .arg(out.path())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    };
    let first = run();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stderr}");
    assert!(stderr.contains("ran in"), "{stderr}");
    let md = std::fs::read_to_string(out.path().join("REPORT.md")).unwrap();
    let links: Vec<&str> = md.split("](").skip(1).filter_map(|s| s.split(')').next()).collect();
    assert_eq!(links.len(), 19, "a, e1, e2, two for f, loss, 5 statistics, 5 distributions, 3 comparisons");
    for link in &links {
        let path = out.path().join(link);
        let img = image::open(&path).unwrap_or_else(|e| panic!("{link}: not a readable PNG: {e}"));
        assert!(img.width() > 100 && img.height() > 100, "{link} is {}x{}", img.width(), img.height());
        assert_eq!(
            std::fs::read(&path).unwrap()[..8],
            [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'],
            "{link}"
        );
    }
    for section in [
        "(a) The data",
        "(e1)",
        "(e2)",
        "(f) Deeper",
        "Real data sets",
        "(a) Training loss",
        "(b) Statistics",
        "(c) Activations",
    ] {
        assert!(md.contains(section), "REPORT.md lacks {section}");
    }
    let second = run();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        second.status.success() && !stderr.contains("ran in"),
        "second run retrained something: {stderr}"
    );
}

/// The distribution view's percentiles, from TensorFlow-bucketed histograms of known data.
#[test]
fn percentiles_of_a_logged_histogram_match_the_data() {
    use nnlab::report::percentile;
    use nnlab::tensorboard::histogram::HistStats;
    let values: Vec<f64> = (0..10_000).map(|i| i as f64 / 1000.0 - 5.0).collect(); // uniform on [-5, 5)
    let h = HistStats::from_values(&values).to_proto();
    assert_eq!(percentile(&h, 0.0), -5.0);
    assert_eq!(percentile(&h, 10_000.0), values[9999]);
    for (bp, expected) in [(1587.0, -3.413), (5000.0, 0.0), (8413.0, 3.413)] {
        let p = percentile(&h, bp);
        // Buckets are 10% wide, so a percentile is located to within a tenth of its magnitude.
        assert!((p - expected).abs() <= 0.1 * expected.abs() + 1e-3, "{bp} bp: {p} vs {expected}");
    }
}
