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
    // Adam 1e-4 against SGD 0.05: the text says that their steps differ, and by how much.
    let flat = comparison.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("One step moves the weights of conv1"), "{flat}");
    assert!(flat.contains("sgd 0.05: lr × ‖g‖ = 0.05 ×"), "{flat}");

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

    // A number edited in a cached Part 1 run (one network's final_loss, in the sweep's results.json
    // and in its own result.json alike) disagrees with the run's events: that job runs again, the
    // appendix says why, and the edited number appears nowhere in the report.
    let sweep = std::fs::read_dir(&runs)
        .unwrap()
        .map(|e| e.unwrap().path().join("three_layer"))
        .find(|p| p.is_dir())
        .map(|p| std::fs::read_dir(p).unwrap().next().unwrap().unwrap().path())
        .expect("a cached three_layer sweep");
    let edit = |path: &Path, entry: fn(&mut serde_json::Value) -> &mut serde_json::Value| {
        let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        entry(&mut json)["final_loss"] = (-7777.0).into();
        std::fs::write(path, serde_json::to_vec_pretty(&json).unwrap()).unwrap();
        json
    };
    let results = edit(&sweep.join("results.json"), |j| &mut j[0]);
    let member = sweep.join(Path::new(results[0]["run_dir"].as_str().unwrap()).file_name().unwrap());
    edit(&member.join("result.json"), |j| j);
    let fourth = report(out.path());
    let stderr = String::from_utf8_lossy(&fourth.stderr);
    assert!(fourth.status.success(), "{stderr}");
    assert_eq!(stderr.matches("ran in").count(), 1, "only the edited job is trained again: {stderr}");
    let md = std::fs::read_to_string(out.path().join("REPORT.md")).unwrap();
    let why = md.lines().find(|l| l.contains("retrained:") && l.contains("final\\_loss"));
    assert!(
        why.is_some_and(|l| l.contains("is not what its events logged")),
        "the report says it retrained and why"
    );
    assert!(!md.contains("7777"), "the edited number is not reported");

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

/// The quick and standard grids run every part (c) method the assignment names (tanh, sigmoid,
/// leaky-ReLU, maxout; Xavier, with Kaiming; SGD, momentum, Adagrad) against the default, with 3 seeds,
/// and the standard grid's part (a) is the assignment's 20,000-iteration run on full MNIST.
#[test]
fn quick_and_standard_grids_compare_every_named_method() {
    use nnlab::dcn::mnist::DatasetKind;
    use nnlab::dcn::optim::OptimizerKind;
    use nnlab::native::device::DeviceArg;
    use nnlab::report::plan::{Grid, Job, Plan, RunConfig};
    let dcn = |job: &Job| match job.config() {
        RunConfig::MnistDcn(c) => c.clone(),
        other => panic!("{other:?}"),
    };
    for grid in [Grid::Quick, Grid::Standard] {
        let plan = Plan::new(grid, DeviceArg::Cpu).unwrap();
        let names = |family: &str| -> Vec<String> {
            let f = plan.families.iter().find(|f| f.name == family).unwrap();
            for v in &f.variants {
                assert_eq!(v.jobs.len(), 3, "{grid:?} {family} {}: 3 seeds", v.name);
            }
            f.variants.iter().map(|v| v.name.clone()).collect()
        };
        assert_eq!(names("activation"), ["relu", "tanh", "sigmoid", "leaky-relu", "maxout"]);
        assert_eq!(names("init"), ["default", "xavier-normal", "kaiming-normal"]);
        assert_eq!(names("optimizer"), ["adam 1e-4", "sgd 0.05", "momentum 0.01", "adagrad 0.01"]);
        let (main, cmp) = grid.lengths();
        let RunConfig::MnistDcn(job) = plan.families[2].variants[3].jobs[0].config() else { panic!() };
        assert_eq!(job.optimizer.kind, OptimizerKind::Adagrad);
        assert_eq!(job.iterations, Some(cmp.iterations));
        assert_eq!(job.log_every, cmp.log_every);
        assert!(cmp.iterations > 160, "longer than the 160 iterations of before");
        assert!(cmp.log_every >= 100 && cmp.eval_every >= 50, "the comparisons are monitored less often");
        assert_eq!(dcn(&plan.dcn).iterations, Some(main.iterations));
        // The shared default job runs once: 1 + 4 + 2 + 3 configurations, 3 seeds each, + part (a).
        let dcn_jobs = plan.all_jobs().iter().filter(|j| j.label.starts_with(['a', 'c'])).count();
        assert_eq!(dcn_jobs, 1 + 10 * 3, "{grid:?}");
        assert_eq!(plan.all_jobs()[0].label, "a-dcn-s0", "the longest job starts first");
    }
    let standard = Plan::new(Grid::Standard, DeviceArg::Cpu).unwrap();
    assert_eq!(dcn(&standard.dcn).iterations, Some(20000));
    assert_eq!(dcn(&standard.dcn).dataset, DatasetKind::Mnist);
    assert_eq!(dcn(&standard.families[0].variants[1].jobs[0]).dataset, DatasetKind::Mnist);
    let full = Plan::new(Grid::Full, DeviceArg::Cpu).unwrap();
    assert_eq!(
        full.families.iter().map(|f| f.variants.len()).collect::<Vec<_>>(),
        [6, 6, 7],
        "full: every variant"
    );
    // --help describes each grid with the lengths the plan uses.
    let help = Command::new(REPORT).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for (grid, name) in [(Grid::Quick, "quick"), (Grid::Standard, "standard")] {
        let n = grid.lengths().1.iterations;
        let n = if n >= 1000 { format!("{},{:03}", n / 1000, n % 1000) } else { n.to_string() };
        let line = help.lines().find(|l| l.trim_start().starts_with(&format!("- {name}:"))).unwrap_or("");
        let text: String = help[help.find(line).unwrap()..].lines().take(3).collect::<Vec<_>>().join(" ");
        assert!(text.contains(&format!("{n} iterations each")), "--help on {name}: {text}");
    }
}

/// Part (c)'s text: a variant whose loss stays near ln 10 "has not started learning", with no cause
/// unless a measured value supports one; a small gradient is a cause only for an optimizer whose step
/// follows the gradient's size; optimizers with different step sizes are said to differ.
#[test]
fn part_c_text_claims_only_what_was_measured() {
    use nnlab::dcn::optim::OptimizerKind;
    use nnlab::report::mechanisms::{step_sizes, verdicts, Measured, Stepping};
    use nnlab::report::stats::Summary;
    let s = |v: [f64; 3]| Summary::new(v);
    let none = Summary::new([]);
    let m = |name: &str, err: f64, loss: f64, grad: f64, saturated: Summary, opt| Measured {
        name: name.into(),
        validation_error: s([err, err + 0.01, err - 0.01]),
        late_loss: s([loss, loss + 0.01, loss - 0.01]),
        dead: none.clone(),
        saturated,
        grad: s([grad, grad * 1.1, grad * 0.9]),
        optimizer: opt,
    };
    let relu = m("relu", 0.05, 0.2, 1.0, none.clone(), OptimizerKind::Adam);
    // Sigmoid under Adam, at chance, with a tiny gradient and few saturated units: no cause.
    let sigmoid = m("sigmoid", 0.88, 2.33, 0.01, s([0.01, 0.02, 0.0]), OptimizerKind::Adam);
    let text = verdicts(&[relu, sigmoid], "400");
    assert!(text.contains("**sigmoid** has not started learning within 400 iterations"), "{text}");
    assert!(text.contains("0.01× that of relu") && text.contains("no logged value shows why"), "{text}");
    assert!(!text.contains("accounts for it"), "{text}");
    // Under SGD the same small gradient is a cause; so are 60% saturated units.
    let relu = m("relu", 0.05, 0.2, 1.0, none.clone(), OptimizerKind::Sgd);
    let tanh = m("tanh", 0.30, 1.2, 0.1, s([0.6, 0.6, 0.6]), OptimizerKind::Sgd);
    let text = verdicts(&[relu, tanh], "400");
    assert!(text.contains("**tanh** is clearly worse than relu"), "{text}");
    assert!(text.contains("proportional to it") && text.contains("60% of its units are saturated"), "{text}");
    // Within noise and learning: nothing to explain.
    let a = m("a", 0.05, 0.2, 1.0, none.clone(), OptimizerKind::Adam);
    let b = m("b", 0.052, 0.2, 1.0, none.clone(), OptimizerKind::Adam);
    assert!(verdicts(&[a, b], "400").starts_with("Every variant's training loss fell below chance"));

    let step = |name: &str, optimizer, lr, err| Stepping {
        name: name.into(),
        optimizer,
        lr,
        momentum: 0.9,
        grad: 0.2,
        weights: 800.0,
        validation_error: err,
    };
    let (adam, sgd) =
        (step("adam", OptimizerKind::Adam, 1e-4, 0.05), step("sgd", OptimizerKind::Sgd, 0.05, 0.03));
    let text = step_sizes(&[adam, sgd], 400.0);
    assert!(text.contains("sgd: lr × ‖g‖ = 0.05 × 0.200 = 0.0100"), "{text}");
    assert!(text.contains("adam: at most about lr = 0.0001 per weight") && text.contains("0.0028"), "{text}");
    assert!(text.contains("Largest step first (sgd, adam), the optimizers are also in order"), "{text}");
    let (adam, sgd) =
        (step("adam", OptimizerKind::Adam, 1e-4, 0.02), step("sgd", OptimizerKind::Sgd, 0.05, 0.03));
    let text = step_sizes(&[adam, sgd], 400.0);
    assert!(
        text.contains("is not the order of the mean validation errors, lowest first (adam, sgd)"),
        "{text}"
    );
    // Adagrad: lr per weight at first, 2/√N of that on average over N steps.
    let adagrad = step("adagrad", OptimizerKind::Adagrad, 0.01, 0.02);
    assert!((adagrad.step(400.0) - 0.01 * 800f64.sqrt() * 0.1).abs() < 1e-12);
    let same = [step("a", OptimizerKind::Adam, 1e-4, 0.02), step("b", OptimizerKind::Adam, 1e-4, 0.03)];
    assert_eq!(step_sizes(&same, 400.0), "", "one optimizer, one learning rate: nothing to say");
}
