//! The tabs of PyTorch's TensorBoard tutorial for a real DCN run, through TensorBoard's own plugin
//! routes: every plugin enabled, the graph, the projector's files, a PR curve per digit and the
//! Custom Scalars layout.
use crate::common::url_encode;
use crate::{keys, Served};
use serde_json::Value;
use std::collections::BTreeSet;

pub fn check_tutorial_tabs(s: &Served) {
    check_plugins_enabled(s);
    check_graph(s);
    check_projector(s);
    check_pr_curves(s);
    check_custom_scalars(s);
}

fn check_plugins_enabled(s: &Served) {
    let want = [
        "scalars",
        "images",
        "histograms",
        "distributions",
        "text",
        "hparams",
        "graphs",
        "projector",
        "pr_curves",
        "custom_scalars",
    ];
    // The projector finds its config in a background thread: it is enabled once that has run.
    let mut listing = Value::Null;
    for _ in 0..100 {
        listing = s.tb.get_json("/data/plugins_listing");
        if want.iter().all(|p| listing[p]["enabled"] == true) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let off: Vec<_> = want.iter().filter(|p| listing[**p]["enabled"] != true).collect();
    panic!("plugins not enabled: {off:?}");
}

fn check_graph(s: &Served) {
    let info = s.tb.get_json("/data/plugin/graphs/info");
    assert_eq!(info[&s.dcn]["run_graph"], true, "{info}");
    let q = url_encode(&s.dcn);
    let pbtxt = String::from_utf8(s.tb.fetch(
        "GET",
        &format!("/data/plugin/graphs/graph?run={q}&conceptual=false"),
        None,
    ))
    .unwrap();
    let names: BTreeSet<&str> = pbtxt
        .lines()
        .filter_map(|l| l.trim().strip_prefix("name: \""))
        .map(|n| n.trim_end_matches('"'))
        .collect();
    for layer in ["conv1", "conv2"] {
        for op in ["weight", "bias", "Conv2D", "Relu", "MaxPool"] {
            assert!(names.contains(format!("{layer}/{op}").as_str()), "{layer}/{op} in {names:?}");
        }
    }
    for n in [
        "input/images",
        "fc1/Flatten",
        "fc1/Linear",
        "fc1/Relu",
        "dropout/Dropout",
        "fc2/Linear",
        "output/Softmax",
    ] {
        assert!(names.contains(n), "{n} in {names:?}");
    }
    assert!(pbtxt.contains("_output_shapes"), "edges carry shapes");
}

fn check_projector(s: &Served) {
    let q = url_encode(&s.dcn);
    let runs = s.tb.get_json("/data/plugin/projector/runs");
    assert!(runs.as_array().unwrap().iter().any(|r| r == &Value::String(s.dcn.clone())), "{runs}");
    let info = s.tb.get_json(&format!("/data/plugin/projector/info?run={q}"));
    let e = &info["embeddings"][0];
    // --embedding-samples 1000 by default, of mnist5k's 500 test images: all of them.
    assert_eq!(e["tensorShape"], serde_json::json!([500, 1024]), "{info}");
    let name = url_encode(e["tensorName"].as_str().unwrap());
    let tensor = s.tb.fetch(
        "GET",
        &format!("/data/plugin/projector/tensor?run={q}&name={name}&num_rows=100000"),
        None,
    );
    assert_eq!(tensor.len(), 500 * 1024 * 4, "float32 rows");
    let meta = s.tb.fetch(
        "GET",
        &format!("/data/plugin/projector/metadata?run={q}&name={name}&num_rows=100000"),
        None,
    );
    let meta = String::from_utf8(meta).unwrap();
    let lines: Vec<&str> = meta.lines().collect();
    assert_eq!((lines.len(), lines[0]), (501, "label\tpredicted"));
    let sprite = s.tb.fetch("GET", &format!("/data/plugin/projector/sprite_image?run={q}&name={name}"), None);
    let (w, h, _) = tensorboard_writer::summary::image::png_header(&sprite).expect("the sprite is a PNG");
    assert_eq!((w, h), (23 * 28, 23 * 28), "⌈√500⌉ = 23 digits a side");
    assert_eq!(e["sprite"]["singleImageDim"], serde_json::json!([28, 28]));
}

fn check_pr_curves(s: &Served) {
    let tags = s.tb.get_json("/data/plugin/pr_curves/tags");
    let want: BTreeSet<String> = (0..10).map(|d| format!("pr_test/digit_{d}")).collect();
    assert_eq!(keys(&tags[&s.dcn]), want);
    let (mut positives, mut all) = (0.0, 0.0);
    for d in 0..10 {
        let r = s.tb.get_json(&format!(
            "/data/plugin/pr_curves/pr_curves?run={}&tag=pr_test%2Fdigit_{d}",
            url_encode(&s.dcn)
        ));
        let entries = r[&s.dcn].as_array().unwrap();
        let steps: Vec<i64> = entries.iter().map(|e| e["step"].as_i64().unwrap()).collect();
        assert_eq!(steps, [1100, 2200], "digit {d}");
        let last = entries.last().unwrap();
        let (p, rc) = (last["precision"].as_array().unwrap(), last["recall"].as_array().unwrap());
        assert!(p.len() > 10 && p.len() == rc.len(), "digit {d}: {} points", p.len());
        assert!(p.iter().chain(rc).all(|v| (0.0..=1.0).contains(&v.as_f64().unwrap())));
        // At threshold 0 every image is predicted positive: TP + FN is the digit's count.
        let (tp, fnn) =
            (last["true_positives"][0].as_f64().unwrap(), last["false_negatives"][0].as_f64().unwrap());
        assert_eq!(fnn, 0.0);
        assert_eq!(rc[0].as_f64().unwrap(), 1.0, "recall 1 at threshold 0");
        positives += tp;
        all = tp + last["false_positives"][0].as_f64().unwrap();
    }
    assert_eq!(positives, all, "each test image is a positive of exactly one digit");
}

fn check_custom_scalars(s: &Served) {
    let layout = s.tb.get_json("/data/plugin/custom_scalars/layout");
    let chart = &layout["category"][0]["chart"][0];
    assert_eq!(chart["title"], "error", "{layout}");
    let tags = chart["multiline"]["tag"].as_array().unwrap();
    assert_eq!(tags.len(), 2);
    for tag in tags {
        let regex = url_encode(tag.as_str().unwrap());
        let r = s
            .tb
            .get_json(&format!("/data/plugin/custom_scalars/scalars?run={}&tag={regex}", url_encode(&s.dcn)));
        let series = r["tag_to_events"].as_object().unwrap();
        assert_eq!(series.len(), 1, "{r}");
        assert_eq!(series.values().next().unwrap().as_array().unwrap().len(), 2, "two evaluations");
    }
}
