//! What a student sees in TensorBoard, checked through TensorBoard's own HTTP data API: a real
//! 2,200-iteration DCN run and a real Part 1 sweep, served by the command `make tensorboard` runs.
mod common;
#[path = "tensorboard_ui/hparams.rs"]
mod hparams;
#[path = "tensorboard_ui/tutorial.rs"]
mod tutorial;
use common::TensorBoard;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const DCN: &str = env!("CARGO_BIN_EXE_mnist_dcn");
const THREE_LAYER: &str = env!("CARGO_BIN_EXE_three_layer");
const LAYERS: [&str; 4] = ["conv1", "conv2", "fc1", "fc2"];

fn run_ok(program: &str, args: &[&str], runs: &Path) {
    // One libtorch thread: on a busy 2-core machine two make a DCN step several times slower.
    let mut cmd = Command::new(program);
    cmd.env("OMP_NUM_THREADS", "1").args(args).arg("--runs").arg(runs).current_dir(common::root());
    let out = cmd.output().expect("running a program");
    assert!(out.status.success(), "{program} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// The flags `make tensorboard` passes besides --logdir/--host/--port (which it must set to
/// RUNS, 127.0.0.1 and TB_PORT), read from `make -n`.
fn makefile_flags() -> Vec<String> {
    let out = Command::new("make")
        .args(["-n", "-s", "tensorboard", "RUNS=/the/runs", "TB_PORT=16006"])
        .current_dir(common::root())
        .output()
        .expect("running make -n");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let line = text.lines().find(|l| l.contains("bin/tensorboard ")).expect("a tensorboard command");
    let words: Vec<&str> = line.split_whitespace().collect();
    let value = |flag: &str| words.iter().position(|w| *w == flag).map(|i| words[i + 1]);
    assert_eq!(value("--logdir"), Some("/the/runs"), "{line}");
    assert_eq!(value("--host"), Some("127.0.0.1"), "{line}");
    assert_eq!(value("--port"), Some("16006"), "{line}");
    assert!(text.contains("http://127.0.0.1:16006/"), "make tensorboard prints its address: {text}");
    let (mut flags, mut rest) = (Vec::new(), words[1..].iter());
    while let Some(w) = rest.next() {
        match *w {
            "--logdir" | "--host" | "--port" => _ = rest.next(),
            w => flags.push(w.to_string()),
        }
    }
    flags
}

fn steps(range: impl IntoIterator<Item = i64>) -> Vec<i64> {
    range.into_iter().collect()
}

/// The scalar tags of a DCN run with ReLU: headline curves, part (b)'s statistics, training health.
fn dcn_scalar_tags() -> BTreeSet<String> {
    let main =
        ["1_train_loss", "2_validation_error", "3_test_error", "4_validation_accuracy", "5_test_accuracy"];
    let mut tags: BTreeSet<String> = main.iter().map(|t| format!("0_main/{t}")).collect();
    for h in dcn_histogram_tags() {
        tags.extend(["min", "max", "mean", "std"].map(|s| format!("{h}/{s}")));
    }
    tags.extend(LAYERS.map(|l| format!("1_health/{l}_gradient_norm")));
    tags.extend(LAYERS[..3].iter().map(|l| format!("1_health/{l}_dead_units")));
    tags
}

fn dcn_histogram_tags() -> BTreeSet<String> {
    let per_quantity = [
        ("weights", &LAYERS[..]),
        ("biases", &LAYERS[..]),
        ("net_inputs", &LAYERS[..]),
        ("activations", &LAYERS[..3]),
        ("pooled", &LAYERS[..2]),
    ];
    per_quantity.iter().flat_map(|(q, ls)| ls.iter().map(move |l| format!("{l}.{q}"))).collect()
}

fn part1_histogram_tags() -> BTreeSet<String> {
    ["layer1.weights", "layer1.biases", "layer2.weights", "layer2.biases"].map(String::from).into()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
}

struct Served {
    tb: TensorBoard,
    dcn: String,
    part1: Vec<String>,
    _runs: tempfile::TempDir,
}

fn serve() -> Served {
    let runs = tempfile::tempdir().unwrap();
    let dcn = "--dataset mnist5k --iterations 2200 --batch-size 5 --log-every 550 --eval-every 1100 --quiet";
    run_ok(DCN, &dcn.split(' ').collect::<Vec<_>>(), runs.path());
    let part1 = "--hidden 2,3 --passes 2100 --print-every 500 --quiet";
    run_ok(THREE_LAYER, &part1.split(' ').collect::<Vec<_>>(), runs.path());
    let mut flags = makefile_flags();
    // Load everything before serving (TensorBoard's Python loader; the flags above apply to both).
    flags.extend(["--load_fast=false", "--reload_interval=0", "--reload_task=blocking"].map(String::from));
    let tb = TensorBoard::start(&common::tensorboard_program(), runs.path(), &flags);
    let listed = tb.get_json("/data/runs");
    let names: Vec<String> = listed.as_array().unwrap().iter().map(|r| r.as_str().unwrap().into()).collect();
    let dcn = names.iter().find(|n| n.starts_with("mnist_dcn/")).expect("the DCN run").clone();
    let part1 = names.iter().filter(|n| n.starts_with("three_layer/")).cloned().collect();
    Served { tb, dcn, part1, _runs: runs }
}

#[test]
fn tensorboard_serves_every_tag_step_hparam_and_image_of_real_runs() {
    let s = serve();
    check_runs(&s);
    check_tags_and_groups(&s);
    check_steps(&s);
    hparams::check_hparams(&s);
    check_images(&s);
    tutorial::check_tutorial_tabs(&s);
}

/// Each trained network is one run; the sweep's parent directory is not a run.
fn check_runs(s: &Served) {
    let runs = s.tb.get_json("/data/runs");
    assert_eq!(runs.as_array().unwrap().len(), 3, "{runs}");
    assert_eq!(s.part1.len(), 2, "{runs}");
    for r in &s.part1 {
        let parts: Vec<&str> = r.split('/').collect();
        assert_eq!(parts.len(), 3, "three_layer/<sweep>/<network>: {r}");
        assert!(parts[1].starts_with("sweep-tanh-h2,3-") && parts[2].starts_with("tanh-h"), "{r}");
    }
}

fn check_tags_and_groups(s: &Served) {
    let scalars = s.tb.get_json("/data/plugin/scalars/tags");
    assert_eq!(keys(&scalars[&s.dcn]), dcn_scalar_tags());
    let histograms = s.tb.get_json("/data/plugin/histograms/tags");
    assert_eq!(keys(&histograms[&s.dcn]), dcn_histogram_tags());
    let images = s.tb.get_json("/data/plugin/images/tags");
    let dcn_images =
        ["2_images/confusion_matrix", "2_images/conv1_filters", "2_images/inputs", "2_images/misclassified"];
    assert_eq!(keys(&images[&s.dcn]), dcn_images.map(String::from).into());
    let text = s.tb.get_json("/data/plugin/text/tags");
    for run in s.part1.iter().chain([&s.dcn]) {
        assert_eq!(text[run], json!(["config/text_summary"]), "{run}");
    }
    for run in &s.part1 {
        let mut expected: BTreeSet<String> =
            ["0_main/1_train_loss", "0_main/4_train_accuracy"].map(String::from).into();
        for h in part1_histogram_tags() {
            expected.extend(["min", "max", "mean", "std"].map(|st| format!("{h}/{st}")));
        }
        assert_eq!(keys(&scalars[run]), expected, "{run}");
        assert_eq!(keys(&histograms[run]), part1_histogram_tags(), "{run}");
        let part1_images = ["2_images/data", "2_images/decision_boundary"];
        assert_eq!(keys(&images[run]), part1_images.map(String::from).into(), "{run}");
    }
    // Time Series groups cards by the text before the first "/", in TensorBoard's natural order,
    // and expands the first two groups: 0_main (loss, validation error, test error), then 1_health.
    let ts = s.tb.get_json("/data/plugin/timeseries/tags");
    let mut all: Vec<String> = Vec::new();
    for runs in [&ts["scalars"]["runTagInfo"], &ts["histograms"]["runTagInfo"]] {
        for tags in runs.as_object().unwrap().values() {
            all.extend(tags.as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()));
        }
    }
    all.extend(keys(&ts["images"]["tagRunSampledInfo"]));
    all.sort_by_key(|t| tag_order(t));
    all.dedup();
    let mut groups: Vec<&str> = all.iter().map(|t| t.split('/').next().unwrap()).collect();
    groups.dedup();
    assert_eq!(groups[..3], ["0_main", "1_health", "2_images"], "{groups:?}");
    assert_eq!(all[..3], ["0_main/1_train_loss", "0_main/2_validation_error", "0_main/3_test_error"]);
    // Each monitored quantity is a group of its own: its histogram card first, then min/max/mean/std.
    let conv1: Vec<&str> =
        all.iter().map(String::as_str).filter(|t| t.split('/').next() == Some("conv1.weights")).collect();
    let stats = ["max", "mean", "min", "std"].map(|st| format!("conv1.weights/{st}"));
    assert_eq!(conv1[0], "conv1.weights");
    assert_eq!(conv1[1..], stats.iter().map(String::as_str).collect::<Vec<_>>());
}

/// A sort key in the order of TensorBoard's tag comparator (webapp/metrics/utils.ts) for these tags:
/// "/" and digits before every other character, digit runs compared as numbers.
fn tag_order(tag: &str) -> Vec<(u8, u64)> {
    let mut key = Vec::new();
    let mut chars = tag.chars().peekable();
    while let Some(c) = chars.next() {
        key.push(match c.to_digit(10) {
            Some(mut n) => {
                while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    (n, _) = (n * 10 + d, chars.next());
                }
                (1, n as u64)
            }
            None if c == '/' => (0, 0),
            None => (2, c as u64),
        });
    }
    key
}

/// Every point is served, at the steps the trainer documents.
fn check_steps(s: &Served) {
    let tb = &s.tb;
    let loss = tb.scalar_steps(&s.dcn, "0_main/1_train_loss");
    assert_eq!(loss, steps(1..=2200), "exactly 2,200 loss points, none dropped or sampled away");
    let logged = steps((1..=4).map(|k| 550 * k));
    for tag in dcn_scalar_tags().iter().filter(|t| !t.starts_with("0_main/")) {
        assert_eq!(tb.scalar_steps(&s.dcn, tag), logged, "{tag}");
    }
    for tag in dcn_histogram_tags() {
        assert_eq!(tb.histogram_steps(&s.dcn, &tag), logged, "{tag}");
    }
    for tag in ["2_validation_error", "3_test_error", "4_validation_accuracy", "5_test_accuracy"] {
        assert_eq!(tb.scalar_steps(&s.dcn, &format!("0_main/{tag}")), [1100, 2200], "{tag}");
    }
    let passes = steps([0, 500, 1000, 1500, 2000, 2100]);
    for run in &s.part1 {
        assert_eq!(tb.scalar_steps(run, "0_main/1_train_loss"), passes, "{run}");
        assert_eq!(tb.scalar_steps(run, "0_main/4_train_accuracy"), [2100], "{run}");
        for tag in part1_histogram_tags() {
            assert_eq!(tb.histogram_steps(run, &tag), passes, "{run} {tag}");
            assert_eq!(tb.scalar_steps(run, &format!("{tag}/std")), passes, "{run} {tag}");
        }
    }
}

/// Every image series at its steps, and its last image decoded as a PNG of a readable size.
fn check_images(s: &Served) {
    let evals = steps([1100, 2200]);
    // (run, tag, steps, minimum width, has text)
    let series: Vec<(&str, &str, Vec<i64>, u32, bool)> = vec![
        (&s.dcn, "2_images/inputs", vec![0], 300, false),
        (&s.dcn, "2_images/conv1_filters", evals.clone(), 300, false),
        (&s.dcn, "2_images/confusion_matrix", evals.clone(), 400, true),
        (&s.dcn, "2_images/misclassified", evals, 400, true),
        (&s.part1[0], "2_images/data", vec![0], 300, false),
        (&s.part1[0], "2_images/decision_boundary", vec![2100], 300, false),
    ];
    for (run, tag, expected, min_width, text) in series {
        let (run_q, tag_q) = (common::url_encode(run), common::url_encode(tag));
        let list = s.tb.get_json(&format!("/data/plugin/images/images?run={run_q}&tag={tag_q}"));
        let list = list.as_array().unwrap();
        let got: Vec<i64> = list.iter().map(|i| i["step"].as_i64().unwrap()).collect();
        assert_eq!(got, expected, "{run} {tag}");
        let query = list.last().unwrap()["query"].as_str().unwrap();
        let png = s.tb.fetch("GET", &format!("/data/plugin/images/individualImage?{query}"), None);
        let (w, h, _) = tensorboard_writer::summary::image::png_header(&png)
            .unwrap_or_else(|| panic!("{tag}: not a PNG"));
        assert!((min_width..=2000).contains(&w) && (60..=2000).contains(&h), "{tag}: {w}×{h} pixels");
        // A Time Series card fits an image into about 430 × 210 pixels, scaling without smoothing:
        // an image with text must not shrink below 3/4 there, or its labels become unreadable.
        let card_scale = (430.0 / w as f64).min(210.0 / h as f64);
        assert!(!text || card_scale >= 0.75, "{tag}: {w}×{h} pixels shrink to {card_scale:.2} in a card");
    }
}
