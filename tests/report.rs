//! `report --grid tiny`: a PDF with every section of the assignment, ± in its comparison tables and
//! every figure embedded; Markdown from the same source; a second run reuses every run; a torn cached
//! run is retrained and reported as such.
mod common;
use std::path::Path;
use std::process::{Command, Output};

const REPORT: &str = env!("CARGO_BIN_EXE_report");

fn report(out: &Path) -> Output {
    Command::new(REPORT)
        .args(["--grid", "tiny", "--out"])
        .arg(out)
        .current_dir(common::root())
        .output()
        .unwrap()
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} missing ({e}): run `scripts/setup test` (make test does)"));
    assert!(out.status.success(), "{name} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn tiny_report_is_a_complete_pdf_and_reuses_only_whole_runs() {
    let out = tempfile::tempdir().unwrap();
    let first = report(out.path());
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stderr}");
    assert!(stderr.contains("ran in"), "{stderr}");

    let pdf = out.path().join("REPORT.pdf");
    let text = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    for heading in [
        "Part 1: Backpropagation",
        "1(a) The data",
        "1(b) Activation functions",
        "1(c) The three-layer network",
        "1(d) Backward pass",
        "1(e) Training",
        "1(f) Deeper networks",
        "Other data sets",
        "Part 2: A deep convolutional network",
        "2(a) Building and training",
        "2(b) Monitoring every layer",
        "2(c) Activations, initialisations and optimizers",
        "Comparing activations",
        "Comparing inits",
        "Comparing optimizers",
        "Appendix: provenance",
    ] {
        assert!(text.contains(heading), "the PDF lacks the heading {heading:?}");
    }
    let comparison = &text[text.find("2(c) Activations").unwrap()..];
    assert!(comparison.matches('±').count() >= 12, "the comparison tables give mean ± sd");
    assert!(text.contains("Test accuracy"), "2(a) states the test accuracy");

    let md = std::fs::read_to_string(out.path().join("REPORT.md")).unwrap();
    let links: Vec<&str> = md.split("](").skip(1).filter_map(|s| s.split(')').next()).collect();
    assert!(links.len() >= 20, "{} figures", links.len());
    for link in &links {
        let img =
            image::open(out.path().join(link)).unwrap_or_else(|e| panic!("{link}: not a readable PNG: {e}"));
        assert!(img.width() > 100 && img.height() > 100, "{link} is {}x{}", img.width(), img.height());
    }
    let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(
        images.lines().skip(2).count(),
        links.len(),
        "every figure of REPORT.md is embedded in the PDF:\n{images}"
    );
    assert!(
        md.contains("$$") && md.contains("\\frac{\\partial J}{\\partial W_{2}}"),
        "the derivations, in LaTeX"
    );

    // Reused: nothing runs again.
    let second = report(out.path());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        second.status.success() && !stderr.contains("ran in"),
        "second run retrained something: {stderr}"
    );

    // A cached run whose event file lost its tail (a kill during a write) is not trusted.
    let runs = out.path().join("runs");
    let job = std::fs::read_dir(&runs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("c-default-s1"))
        .unwrap();
    let run = std::fs::read_dir(job.join("mnist_dcn")).unwrap().next().unwrap().unwrap().path();
    let events = std::fs::read_dir(&run)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("tfevents"))
        .unwrap();
    let bytes = std::fs::read(&events).unwrap();
    std::fs::write(&events, &bytes[..bytes.len() - 7]).unwrap();
    let third = report(out.path());
    let stderr = String::from_utf8_lossy(&third.stderr);
    assert!(third.status.success(), "{stderr}");
    assert_eq!(stderr.matches("ran in").count(), 1, "only the torn run is trained again: {stderr}");
    let md = std::fs::read_to_string(out.path().join("REPORT.md")).unwrap();
    assert!(md.contains("retrained:") && md.contains("torn record"), "the report says it retrained and why");

    // An interpreter that exits 0 without writing the PDF is an error, not "report: … REPORT.pdf".
    let fake = Command::new(REPORT)
        .args(["--grid", "tiny", "--python", "/bin/true", "--out"])
        .arg(out.path())
        .current_dir(common::root())
        .output()
        .unwrap();
    let line = common::assert_one_error(&fake, &["/bin/true ran without error but wrote no PDF"]);
    assert!(line.starts_with("report: error: "), "{line}");
    assert!(!out.path().join("REPORT.pdf").exists(), "no stale PDF left to pass for the new one");
}

/// What can be checked before any job runs is: a missing typst interpreter, a --jobs out of range, and
/// (on a machine without a GPU) --device cuda — one line each, at once.
#[test]
fn report_checks_its_tools_and_flags_before_training() {
    let out = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(REPORT)
            .args(args)
            .arg("--out")
            .arg(out.path())
            .current_dir(common::root())
            .output()
            .unwrap()
    };
    let o = run(&["--grid", "tiny", "--python", "/nonexistent/python"]);
    common::assert_one_error(&o, &["/nonexistent/python not found", "scripts/setup report"]);
    for jobs in ["0", "65"] {
        let o = run(&["--grid", "tiny", "--jobs", jobs]);
        assert_eq!(o.status.code(), Some(2), "--jobs {jobs}: {}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(!out.path().join("runs").exists(), "no job ran");
    let o = run(&["--grid", "tiny", "--device", "cuda"]);
    if !o.status.success() {
        common::assert_one_error(&o, &["--device cuda: "]);
        assert!(!out.path().join("runs").exists(), "no job ran before the CUDA check");
    }
}

/// The distribution view's percentiles, from TensorFlow-bucketed histograms of known data.
#[test]
fn percentiles_of_a_logged_histogram_match_the_data() {
    use nnlab::report::figures::percentile;
    use tensorboard_writer::HistogramStats as HistStats;
    let values: Vec<f64> = (0..10_000).map(|i| i as f64 / 1000.0 - 5.0).collect(); // uniform on [-5, 5)
    let h = HistStats::from_values(&values).unwrap().to_proto();
    assert_eq!(percentile(&h, 0.0), -5.0);
    assert_eq!(percentile(&h, 10_000.0), values[9999]);
    for (bp, expected) in [(1587.0, -3.413), (5000.0, 0.0), (8413.0, 3.413)] {
        let p = percentile(&h, bp);
        // Buckets are 10% wide, so a percentile is located to within a tenth of its magnitude.
        assert!((p - expected).abs() <= 0.1 * expected.abs() + 1e-3, "{bp} bp: {p} vs {expected}");
    }
}

/// Welch's test calls a difference real only when the seeds support it.
#[test]
fn comparisons_respect_the_spread_over_seeds() {
    use nnlab::report::stats::{compare, Summary};
    let a = Summary::new([0.10, 0.11, 0.09]);
    let close = Summary::new([0.105, 0.12, 0.095]);
    let far = Summary::new([0.30, 0.31, 0.29]);
    assert!(!compare(&a, &close).significant, "within noise");
    assert!(compare(&a, &far).significant, "a real difference");
    assert!((a.sd() - 0.01).abs() < 1e-12, "sample standard deviation");
    assert_eq!(a.show(100.0, 1), "10.0 ± 1.0");
    assert!(!compare(&Summary::new([0.1]), &Summary::new([0.9])).significant, "one seed proves nothing");
}

/// `make submission NETID=…`: the tracked files and the PDF, under NETID-assignment1/.
#[test]
fn submission_zips_the_code_and_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("REPORT.pdf");
    std::fs::write(&pdf, b"%PDF-1.7 test").unwrap();
    let script = common::root().join("scripts/submission");
    let out = Command::new(&script)
        .args(["zz9test", pdf.to_str().unwrap()])
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let zip = common::root().join("zz9test-assignment1.zip");
    let listing = tool(
        common::root().join(".venv-test/bin/python").to_str().unwrap(),
        &["-m", "zipfile", "-l", zip.to_str().unwrap()],
    );
    std::fs::remove_file(&zip).unwrap();
    for f in [
        "zz9test-assignment1/Cargo.toml",
        "zz9test-assignment1/src/lib.rs",
        "zz9test-assignment1/Makefile",
        "zz9test-assignment1/REPORT.pdf",
    ] {
        assert!(listing.contains(f), "the zip lacks {f}:\n{listing}");
    }
    assert!(!listing.contains("target/") && !listing.contains(".venv"), "only tracked files");
    let bad = Command::new(&script)
        .args(["../x", pdf.to_str().unwrap()])
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("is not a NetID"));
}
