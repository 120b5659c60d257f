//! The independent check: a log directory with every kind of summary, served by TensorBoard's own
//! server and plugins (tests/tensorboard_serve.py, TensorBoard 2.21), and every route asked for the
//! data written. Needs a Python with the `tensorboard` package in `TENSORBOARD_PYTHON` (the
//! workspace's `make test` sets `.venv-test/bin/python`); without it the test says so and passes.
mod common;

use common::serve::{floats, python, run_json};
use serde_json::Value as Json;
use std::path::Path;
use tensorboard_writer::{ChartSpec, DataFormat, Graph, HParamValue, Metadata, Node, Sprite, SummaryWriter};

const N_POINTS: usize = 100;
const DIM: usize = 3;

fn embedding() -> Vec<f32> {
    (0..N_POINTS * DIM).map(|i| i as f32 * 0.25 - 7.0).collect()
}

/// Writes one run of every kind into `dir`.
fn write_logdir(dir: &Path) -> Result<(), tensorboard_writer::Error> {
    let mut w = SummaryWriter::new(dir)?;
    for step in 0..20 {
        w.add_scalar("loss/train", step as f64 * 0.25, step)?;
        w.add_scalar("error/validation", 1.0 / (1 + step) as f64, step)?;
        w.add_scalar("error/test", 2.0 / (1 + step) as f64, step)?;
        w.add_scalars("lr", &[("constant", 0.5), ("decayed", 0.5 / (1 + step) as f64)], step)?;
    }
    for step in 0..3 {
        let v: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.01).sin() + step as f32).collect();
        w.add_histogram("weights/fc1", &v, step)?;
    }
    let img: Vec<f32> = (0..3 * 32 * 48).map(|i| (i % 48) as f32 / 47.0).collect();
    w.add_image("image/chw", &img, &[3, 32, 48], DataFormat::Chw, 0)?;
    let batch = vec![200u8; 10 * 28 * 28]; // 10 images, 1 channel
    w.add_images("image/batch", &batch, &[10, 1, 28, 28], DataFormat::Nchw, 1)?;
    w.add_text("notes", "**bold** text", 0)?;
    w.add_text("notes", "second", 5)?;
    let mut g = Graph::new();
    g.add(Node::new("input", "Placeholder").shape(&[-1, 784]))
        .add(Node::new("fc1/weight", "Parameter").shape(&[784, 100]))
        .add(Node::new("fc1/MatMul", "MatMul").inputs(&["input", "fc1/weight"]).shape(&[-1, 100]))
        .add(Node::new("fc1/Relu", "Relu").inputs(&["fc1/MatMul"]).shape(&[-1, 100]))
        .add(Node::new("output", "Softmax").inputs(&["fc1/Relu"]).shape(&[-1, 10]));
    w.add_graph(&g)?;
    let labels: Vec<String> = (0..N_POINTS).map(|i| format!("digit {}", i % 10)).collect();
    let thumbs: Vec<u8> = (0..N_POINTS * 8 * 8).map(|k| (k % 256) as u8).collect();
    w.add_embedding(
        &embedding(),
        DIM,
        Some(Metadata::Labels(&labels)),
        Some(Sprite { pixels: &thumbs, shape: [N_POINTS, 1, 8, 8] }),
        7,
        "fc1",
    )?;
    // Tags the config must escape for protobuf's text format; a blank label, which the page skips.
    let odd = ["x".to_string(), " ".into(), "z".into()];
    w.add_embedding::<f32>(&[1.0, 2.0, 3.0], 1, Some(Metadata::Labels(&odd)), None, 0, "損失")?;
    w.add_embedding::<f32>(
        &[1.0, 2.0],
        2,
        Some(Metadata::Labels(&["q".into()])),
        None,
        0,
        "say \"hi\"\t\\!",
    )?;
    // The hand-computed curve (see tests/roundtrip_pr_curves.rs).
    w.add_pr_curve_with("pr/hand", &[true, false, true, false], &[0.1, 0.4, 0.35, 0.8], None, 3, 2)?;
    let (l, p): (Vec<bool>, Vec<f32>) =
        (0..200).map(|i| (i % 2 == 0, ((i * 37) % 101) as f32 / 100.0)).unzip();
    w.add_pr_curve("pr/default", &l, &p, 4)?;
    w.add_custom_scalars(&vec![(
        "errors".into(),
        vec![
            ChartSpec::Multiline { title: "validation and test".into(), tags: vec!["error/.*".into()] },
            ChartSpec::Margin {
                title: "loss band".into(),
                series: vec![["loss/train".into(), "loss/train".into(), "loss/train".into()]],
            },
        ],
    )])?;
    w.add_hparams(
        &[("lr", HParamValue::from(0.5)), ("optimizer", "adam".into())],
        &[("hparam/accuracy", 0.75)],
        Some("hp"),
    )?;
    w.close()
}

#[test]
fn tensorboard_serves_every_kind() {
    let Some(python) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    write_logdir(dir.path()).unwrap();
    let out = run_json(&python, "tensorboard_serve.py", &[dir.path()]);

    // Every plugin that has data says so, and loading logged nothing at WARNING or above.
    for plugin in [
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
    ] {
        assert_eq!(
            out["plugins"][plugin],
            Json::Bool(true),
            "plugin {plugin} not enabled: {}",
            out["plugins"]
        );
    }
    assert_eq!(out["log"], Json::Array(vec![]), "TensorBoard logged: {}", out["log"]);

    let mut runs: Vec<&str> = out["runs"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    runs.sort();
    assert_eq!(runs, [".", "hp", "lr_constant", "lr_decayed"]);

    // Scalars, exact (all values are exact in f32 or compared as f32).
    let s = &out["scalars"];
    let loss = s["."]["loss/train"].as_array().unwrap();
    assert_eq!(loss.len(), 20);
    for (i, p) in loss.iter().enumerate() {
        assert_eq!((p[0].as_i64().unwrap(), p[1].as_f64().unwrap()), (i as i64, i as f64 * 0.25));
    }
    let val = s["."]["error/validation"].as_array().unwrap();
    assert_eq!(val.len(), 20);
    assert_eq!(val[3][1].as_f64().unwrap() as f32, 0.25f32);
    let decayed = s["lr_decayed"]["lr"].as_array().unwrap();
    assert_eq!(decayed.len(), 20);
    assert_eq!(decayed[4][1].as_f64().unwrap() as f32, 0.1f32);
    assert_eq!(s["lr_constant"]["lr"].as_array().unwrap().len(), 20);
    assert_eq!(s["hp"]["hparam/accuracy"][0][1].as_f64().unwrap(), 0.75);

    // Histograms and distributions.
    let h = out["histograms"]["."]["weights/fc1"].as_array().unwrap();
    assert_eq!(h.len(), 3);
    for (i, e) in h.iter().enumerate() {
        assert_eq!(e["step"].as_i64(), Some(i as i64));
        assert_eq!(e["total"].as_f64(), Some(1000.0), "step {i}: {e}");
        assert!(e["buckets"].as_i64().unwrap() > 1);
    }
    assert_eq!(out["distributions"]["."]["weights/fc1"].as_i64(), Some(3));

    // Images: PNGs of the size written (CHW 3×32×48; a grid of 10 28×28 in 8 columns).
    let im = &out["images"]["."];
    assert_eq!(im["image/chw"]["png"], Json::Bool(true));
    assert_eq!((im["image/chw"]["width"].as_i64(), im["image/chw"]["height"].as_i64()), (Some(48), Some(32)));
    assert_eq!(
        (im["image/batch"]["width"].as_i64(), im["image/batch"]["height"].as_i64()),
        (Some(8 * 28), Some(2 * 28))
    );
    assert_eq!(im["image/batch"]["steps"], serde_json::json!([1]));

    // Text, rendered from Markdown.
    let t = out["text"]["."]["notes/text_summary"].as_array().unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0][0].as_i64(), Some(0));
    assert!(t[0][1].as_str().unwrap().contains("<strong>bold</strong> text"), "{}", t[0][1]);
    assert_eq!(t[1][0].as_i64(), Some(5));

    // HParams: the columns, and the session of run "hp" with its values and metric.
    let hp = &out["hparams"];
    let mut cols: Vec<&str> = hp["hparams"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
    cols.sort();
    assert_eq!(cols, ["lr", "optimizer"]);
    assert_eq!(hp["metrics"], serde_json::json!(["hparam/accuracy"]));
    let session = &hp["sessions"]["hp"];
    assert_eq!(session["hparams"], serde_json::json!({"lr": 0.5, "optimizer": "adam"}), "{hp}");
    assert_eq!(session["metrics"]["hparam/accuracy"].as_f64(), Some(0.75));
    assert_eq!(session["status"], serde_json::json!(["STATUS_SUCCESS"]));

    // Graph: the plugin parsed the GraphDef and lists its nodes.
    assert_eq!(
        out["graphs"]["."],
        serde_json::json!(["input", "fc1/weight", "fc1/MatMul", "fc1/Relu", "output"])
    );

    // Projector: config, tensor (float32 bytes), metadata and sprite routes.
    let p = &out["projector"]["."]["fc1:00007"];
    assert_eq!(p["shape"], serde_json::json!([N_POINTS, DIM]), "{}", out["projector"]);
    assert_eq!(p["tensor_bytes"].as_u64(), Some((4 * N_POINTS * DIM) as u64));
    assert_eq!(floats(&p["first"]), embedding()[..3].iter().map(|&x| x as f64).collect::<Vec<_>>());
    assert_eq!(p["metadata_lines"].as_u64(), Some(N_POINTS as u64));
    assert_eq!(p["metadata_first"], serde_json::json!(["digit 0", "digit 1"]));
    assert_eq!(p["sprite_png"], Json::Bool(true));
    assert_eq!(p["sprite_dim"], serde_json::json!([8, 8]));
    let p = &out["projector"]["."]["損失:00000"];
    assert_eq!(
        (&p["shape"], &p["tensor_bytes"]),
        (&serde_json::json!([3, 1]), &serde_json::json!(12)),
        "{}",
        out["projector"]
    );
    assert_eq!(
        (p["metadata_lines"].as_u64(), &p["metadata_first"]),
        (Some(3), &serde_json::json!(["x", "(empty)"]))
    );
    let p = &out["projector"]["."]["say \"hi\"\t\\!:00000"];
    assert_eq!(
        (&p["shape"], p["metadata_lines"].as_u64()),
        (&serde_json::json!([1, 2]), Some(1)),
        "{}",
        out["projector"]
    );

    // PR curves: the hand-computed one, through the plugin, which drops the trailing column where
    // TP + FP = 0 (threshold 1.0) and returns thresholds 0 and 0.5.
    let pr = &out["pr_curves"]["."]["pr/hand"];
    assert_eq!(pr.as_array().unwrap().len(), 1);
    let e = &pr[0];
    assert_eq!(e["step"].as_i64(), Some(2));
    assert_eq!(floats(&e["tp"]), [2.0, 0.0]);
    assert_eq!(floats(&e["fp"]), [2.0, 1.0]);
    assert_eq!(floats(&e["tn"]), [0.0, 1.0]);
    assert_eq!(floats(&e["fn"]), [0.0, 2.0]);
    assert_eq!(floats(&e["precision"]), [0.5, 0.0]);
    assert_eq!(floats(&e["recall"]), [1.0, 0.0]);
    assert_eq!(floats(&e["thresholds"]), [0.0, 0.5]);
    let d = &out["pr_curves"]["."]["pr/default"][0];
    assert_eq!(d["step"].as_i64(), Some(4));
    let tp = floats(&d["tp"]);
    assert!(tp.len() > 100 && tp.len() <= 127, "{} columns", tp.len());
    assert_eq!((tp[0], floats(&d["fp"])[0]), (100.0, 100.0));

    // Custom scalars: the layout, and the multiline chart's regex finds both error series.
    let layout = &out["custom_scalars"]["layout"];
    let cat = &layout["category"][0];
    assert_eq!(cat["title"], "errors");
    assert_eq!(cat["chart"][0]["title"], "validation and test");
    assert_eq!(cat["chart"][0]["multiline"]["tag"], serde_json::json!(["error/.*"]));
    assert_eq!(cat["chart"][1]["margin"]["series"][0]["value"], "loss/train", "{layout}");
    assert_eq!(
        out["custom_scalars"]["series"]["."],
        serde_json::json!({"error/validation": 20, "error/test": 20})
    );
}
