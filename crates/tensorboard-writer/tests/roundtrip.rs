//! Every kind of summary written by the crate and read back with its own reader
//! (`record::read_dir_events`): exact event counts, tags, values and steps. Needs neither libtorch
//! nor Python.
mod common;

use common::{only_event_file, read, scalars, tagged, values};
use prost::Message;
use tensorboard_writer::proto::graph::{attr_value, GraphDef};
use tensorboard_writer::proto::hparams::{hparams_plugin_data, proto_value, HParamsPluginData};
use tensorboard_writer::proto::plugins::{chart, Layout, PrCurvePluginData};
use tensorboard_writer::proto::{event, value, HistogramProto, Value, DT_FLOAT, DT_STRING, SESSION_START};
use tensorboard_writer::summary::histogram::default_bucket_limits;
use tensorboard_writer::summary::image::png_header;
use tensorboard_writer::{
    ChartSpec, DataFormat, Graph, HParamValue, HistogramStats, Metadata, Node, Sprite, SummaryWriter,
};

fn tensor(v: &Value) -> &tensorboard_writer::proto::TensorProto {
    match &v.kind {
        Some(value::Kind::Tensor(t)) => t,
        other => panic!("{} is not a tensor: {other:?}", v.tag),
    }
}

fn plugin(v: &Value) -> (&str, &[u8]) {
    let p = v.metadata.as_ref().and_then(|m| m.plugin_data.as_ref()).expect("plugin metadata");
    (&p.plugin_name, &p.content)
}

fn histo(v: &Value) -> &HistogramProto {
    match &v.kind {
        Some(value::Kind::Histo(h)) => h,
        other => panic!("{} is not a histogram: {other:?}", v.tag),
    }
}

fn image(v: &Value) -> &tensorboard_writer::proto::Image {
    match &v.kind {
        Some(value::Kind::Image(i)) => i,
        other => panic!("{} is not an image: {other:?}", v.tag),
    }
}

/// Decodes a PNG: (width, height, channels, pixels).
fn decode_png(bytes: &[u8]) -> (u32, u32, usize, Vec<u8>) {
    let mut reader = png::Decoder::new(bytes).read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    buf.truncate(info.buffer_size());
    (info.width, info.height, info.color_type.samples(), buf)
}

#[test]
fn file_starts_with_version_and_scalars_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    for step in 0..100 {
        w.add_scalar("loss/train", 1.0 / (1.0 + step as f64), step).unwrap();
        w.add_scalar("acc", step as f64 / 100.0, step * 10).unwrap();
    }
    w.add_scalar("nan", f64::NAN, 3).unwrap(); // PyTorch logs NaN scalars too
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!(events.len(), 1 + 200 + 1);
    assert_eq!(events[0].what, Some(event::What::FileVersion("brain.Event:2".into())));
    assert!(events[0].wall_time > 1.6e9, "wall time {}", events[0].wall_time);
    let loss = scalars(&events, "loss/train");
    assert_eq!(loss.len(), 100);
    for (i, (step, v)) in loss.iter().enumerate() {
        assert_eq!(*step, i as i64);
        assert_eq!(*v, (1.0 / (1.0 + i as f64)) as f32);
    }
    let acc = scalars(&events, "acc");
    assert_eq!(acc.iter().map(|p| p.0).collect::<Vec<_>>(), (0..100).map(|s| s * 10).collect::<Vec<_>>());
    assert_eq!(acc[37].1, 0.37f32);
    assert!(scalars(&events, "nan")[0].1.is_nan());
    // Wall times never go backwards.
    assert!(events.windows(2).all(|e| e[0].wall_time <= e[1].wall_time));
}

#[test]
fn add_scalars_writes_one_run_per_series_under_the_main_tag() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    for step in 0..10 {
        w.add_scalars("loss/all", &[("train", step as f64), ("val", 2.0 * step as f64)], step).unwrap();
    }
    w.close().unwrap();
    // Nothing in the main run but the file version.
    assert_eq!(read(dir.path()).len(), 1);
    for (sub, k) in [("loss_all_train", 1.0), ("loss_all_val", 2.0)] {
        let events = read(&dir.path().join(sub));
        assert_eq!(events.len(), 11, "{sub}");
        let s = scalars(&events, "loss/all");
        assert_eq!(s, (0..10).map(|i| (i, (k * i as f64) as f32)).collect::<Vec<_>>(), "{sub}");
    }
}

#[test]
fn histograms_have_tensorflow_buckets_that_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let values: Vec<f64> = (0..10_000).map(|i| ((i as f64) * 0.37).sin() * 3.0).collect();
    w.add_histogram("w", &values, 5).unwrap();
    w.add_histogram("ints", &[1i32, 2, 2, 3, 3, 3], 6).unwrap();
    w.add_histogram("zeros", &[0.0f32; 7], 7).unwrap();
    let raw = HistogramProto {
        min: -1.0,
        max: 1.0,
        num: 4.0,
        sum: 0.0,
        sum_squares: 2.5,
        bucket_limit: vec![-0.5, 0.0, 0.5, 1.0],
        bucket: vec![1.0, 1.0, 1.0, 1.0],
    };
    w.add_histogram_raw("raw", raw.clone(), 8).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!(events.len(), 5);
    let h = tagged(&events, "w");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].0, 5);
    let h = histo(&h[0].1);
    assert_eq!(h.num, 10_000.0);
    assert_eq!(h.bucket.iter().sum::<f64>(), h.num);
    assert_eq!(h.min, values.iter().cloned().fold(f64::INFINITY, f64::min));
    assert_eq!(h.max, values.iter().cloned().fold(f64::NEG_INFINITY, f64::max));
    assert!((h.sum - values.iter().sum::<f64>()).abs() < 1e-9);
    assert!((h.sum_squares - values.iter().map(|v| v * v).sum::<f64>()).abs() < 1e-6);
    assert_eq!(h.bucket.len(), h.bucket_limit.len());
    assert!(h.bucket_limit.windows(2).all(|w| w[0] < w[1]));
    // Every limit is one of TensorFlow's, and each value lies below its bucket's limit and at or
    // above the previous default limit.
    let limits = default_bucket_limits();
    assert!(h.bucket_limit.iter().all(|l| limits.contains(l)));
    for &v in &values[..200] {
        let i = h.bucket_limit.partition_point(|&l| l <= v);
        assert!(h.bucket[i] > 0.0, "value {v} has an empty bucket");
        let k = limits.iter().position(|&l| l == h.bucket_limit[i]).unwrap();
        assert!(k == 0 || limits[k - 1] <= v, "value {v} below its bucket");
    }

    let h = histo(&tagged(&events, "ints")[0].1).clone();
    assert_eq!((h.num, h.min, h.max, h.sum, h.sum_squares), (6.0, 1.0, 3.0, 14.0, 36.0));
    // 1, 2 and 3 in three buckets of counts 1, 2, 3 (with empty buckets between).
    let nonzero: Vec<f64> = h.bucket.iter().cloned().filter(|&c| c > 0.0).collect();
    assert_eq!(nonzero, [1.0, 2.0, 3.0]);

    let z = histo(&tagged(&events, "zeros")[0].1).clone();
    assert_eq!(z.bucket.iter().sum::<f64>(), 7.0);
    assert_eq!((z.min, z.max), (0.0, 0.0));
    // 0 is in the bucket [0, 1e-12).
    let i = z.bucket.iter().position(|&c| c == 7.0).unwrap();
    assert_eq!(z.bucket_limit[i], 1e-12);

    assert_eq!(histo(&tagged(&events, "raw")[0].1), &raw);
    assert_eq!(tagged(&events, "raw")[0].0, 8);
}

#[test]
fn histogram_stats_match_the_written_proto() {
    let values = [0.5f32, -0.25, 4.0, 1e-13, -1e30];
    let s = HistogramStats::from_values(&values).unwrap();
    assert_eq!(s.num, 5.0);
    assert_eq!(s.counts.iter().sum::<f64>(), 5.0);
    assert_eq!(s.to_proto().bucket.iter().sum::<f64>(), 5.0);
    assert_eq!((s.min, s.max), (-1e30f32 as f64, 4.0));
}

#[test]
fn images_in_every_layout_have_the_right_size_and_pixels() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    // CHW: 3 channels of 2 × 3; channel c, row y, column x has value 10c + 3y + x (u8).
    let chw: Vec<u8> = (0..3).flat_map(|c| (0..2).flat_map(move |y| (0..3).map(move |x| 10 * c + 3 * y + x))).collect();
    w.add_image("chw", &chw, &[3, 2, 3], DataFormat::Chw, 1).unwrap();
    // The same image as HWC.
    let mut hwc = vec![0u8; 18];
    for c in 0..3 {
        for y in 0..2 {
            for x in 0..3 {
                hwc[(y * 3 + x) * 3 + c] = chw[(c * 2 + y) * 3 + x];
            }
        }
    }
    w.add_image("hwc", &hwc, &[2, 3, 3], DataFormat::Hwc, 2).unwrap();
    // HW floats in [0, 1] (and outside, clamped).
    w.add_image("hw", &[0.0f32, 0.5, 1.0, 2.0, -1.0, 0.2], &[2, 3], DataFormat::Hw, 3).unwrap();
    // Grids: 4 images of 5 × 7 in one row; 10 in two rows of 8.
    let four: Vec<f32> = (0..4 * 5 * 7).map(|i| (i / 35) as f32 / 3.0).collect();
    w.add_images("nchw4", &four, &[4, 1, 5, 7], DataFormat::Nchw, 4).unwrap();
    let ten = vec![128u8; 10 * 3 * 5 * 7];
    w.add_images("nchw10", &ten, &[10, 3, 5, 7], DataFormat::Nchw, 5).unwrap();
    let nhwc = vec![7u8; 2 * 5 * 7 * 4];
    w.add_images("nhwc", &nhwc, &[2, 5, 7, 4], DataFormat::Nhwc, 6).unwrap();
    // A figure: any PNG, kept byte for byte.
    let fig = tensorboard_writer::summary::image::encode_png(&[255u8; 4 * 3 * 3], 4, 3, 3).unwrap();
    w.add_figure("figure", fig.clone(), 7).unwrap();
    w.close().unwrap();

    let events = read(dir.path());
    assert_eq!(events.len(), 8);
    let check = |tag: &str, step: i64, (width, height, channels): (u32, u32, usize)| {
        let v = tagged(&events, tag);
        assert_eq!(v.len(), 1, "{tag}");
        assert_eq!(v[0].0, step, "{tag}");
        let img = image(&v[0].1);
        assert_eq!((img.width, img.height, img.colorspace), (width as i32, height as i32, channels as i32), "{tag}");
        assert_eq!(png_header(&img.encoded_image_string), Some((width, height, channels as u32)), "{tag}");
        let (pw, ph, pc, px) = decode_png(&img.encoded_image_string);
        assert_eq!((pw, ph, pc), (width, height, channels), "{tag}");
        px
    };
    let chw_px = check("chw", 1, (3, 2, 3));
    // PNG rows are HWC: pixel (y, x) channel c at (y·3 + x)·3 + c.
    assert_eq!(chw_px, hwc);
    assert_eq!(check("hwc", 2, (3, 2, 3)), hwc);
    // Floats are scaled by 255 and truncated, as PyTorch: 0.5 → 127.
    assert_eq!(check("hw", 3, (3, 2, 1)), [0, 127, 255, 255, 0, 51]);
    let grid = check("nchw4", 4, (28, 5, 1));
    // Image i fills columns 7i..7i+7 with i/3·255.
    for i in 0..4 {
        assert_eq!(grid[7 * i], ((i as f32 / 3.0) * 255.0).round() as u8);
    }
    let grid10 = check("nchw10", 5, (56, 10, 3));
    // The last row has two images; the rest of it is black.
    assert_eq!(grid10[(5 * 56 + 2 * 7) * 3], 0);
    assert_eq!(grid10[(5 * 56 + 7) * 3], 128);
    check("nhwc", 6, (14, 5, 4));
    let f = tagged(&events, "figure");
    assert_eq!(image(&f[0].1).encoded_image_string, fig);
    assert_eq!((image(&f[0].1).width, image(&f[0].1).height), (4, 3));
}

#[test]
fn text_is_a_string_tensor_for_the_text_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_text("notes", "**bold** and ünïcode", 3).unwrap();
    w.add_text("notes", "second", 4).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!(events.len(), 3);
    let t = tagged(&events, "notes/text_summary");
    assert_eq!(t.iter().map(|x| x.0).collect::<Vec<_>>(), [3, 4]);
    assert_eq!(plugin(&t[0].1).0, "text");
    let tp = tensor(&t[0].1);
    assert_eq!(tp.dtype, DT_STRING);
    assert_eq!(tp.string_val, vec!["**bold** and ünïcode".as_bytes().to_vec()]);
    assert_eq!(tp.tensor_shape.as_ref().unwrap().dim.iter().map(|d| d.size).collect::<Vec<_>>(), [1]);
}

#[test]
fn hparams_write_a_session_run_with_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_hparams(
        &[("lr", HParamValue::from(0.01)), ("opt", "adam".into()), ("bn", true.into()), ("layers", 3usize.into())],
        &[("hparam/accuracy", 0.9), ("hparam/loss", 0.25)],
        Some("trial-1"),
    )
    .unwrap();
    w.close().unwrap();
    assert_eq!(read(dir.path()).len(), 1);
    let events = read(&dir.path().join("trial-1"));
    // Version, the three hparams values in one event, two metrics.
    assert_eq!(events.len(), 4);
    let vals = values(&events);
    let tags: Vec<&str> = vals.iter().map(|(_, v)| v.tag.as_str()).collect();
    assert_eq!(
        tags,
        ["_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info", "hparam/accuracy", "hparam/loss"]
    );
    let data = |i: usize| {
        let (name, content) = plugin(&vals[i].1);
        assert_eq!(name, "hparams");
        HParamsPluginData::decode(content).unwrap().data.unwrap()
    };
    let hparams_plugin_data::Data::Experiment(exp) = data(0) else { panic!("not an experiment") };
    assert_eq!(exp.hparam_infos.iter().map(|h| (h.name.as_str(), h.r#type)).collect::<Vec<_>>(), [
        ("lr", 3),
        ("opt", 1),
        ("bn", 2),
        ("layers", 3)
    ]);
    assert_eq!(
        exp.metric_infos.iter().map(|m| m.name.as_ref().unwrap().tag.as_str()).collect::<Vec<_>>(),
        ["hparam/accuracy", "hparam/loss"]
    );
    let hparams_plugin_data::Data::SessionStartInfo(start) = data(1) else { panic!("not a session start") };
    assert_eq!(start.hparams["lr"].kind, Some(proto_value::Kind::NumberValue(0.01)));
    assert_eq!(start.hparams["opt"].kind, Some(proto_value::Kind::StringValue("adam".into())));
    assert_eq!(start.hparams["bn"].kind, Some(proto_value::Kind::BoolValue(true)));
    assert_eq!(start.hparams["layers"].kind, Some(proto_value::Kind::NumberValue(3.0)));
    let hparams_plugin_data::Data::SessionEndInfo(end) = data(2) else { panic!("not a session end") };
    assert_eq!(end.status, 1);
    assert_eq!(scalars(&events, "hparam/accuracy"), [(0, 0.9f32)]);
    assert_eq!(scalars(&events, "hparam/loss"), [(0, 0.25f32)]);
}

#[test]
fn graph_nodes_inputs_and_shapes_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let mut g = Graph::new();
    g.add(Node::new("input", "Placeholder").shape(&[-1, 784]))
        .add(Node::new("fc1/weight", "Parameter").shape(&[784, 100]))
        .add(Node::new("fc1/MatMul", "MatMul").inputs(&["input", "fc1/weight"]).shape(&[-1, 100]).attr("activation", "relu"))
        .add(Node::new("fc1/Relu", "Relu").inputs(&["fc1/MatMul"]).shape(&[-1, 100]).attr_int("units", 100))
        .add(Node::new("output", "Identity").inputs(&["fc1/Relu"]));
    w.add_graph(&g).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!(events.len(), 2);
    let Some(event::What::GraphDef(bytes)) = &events[1].what else { panic!("no graph_def: {:?}", events[1]) };
    let gd = GraphDef::decode(bytes.as_slice()).unwrap();
    assert_eq!(gd, g.to_proto().unwrap());
    let names: Vec<&str> = gd.node.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["input", "fc1/weight", "fc1/MatMul", "fc1/Relu", "output"]);
    let ops: Vec<&str> = gd.node.iter().map(|n| n.op.as_str()).collect();
    assert_eq!(ops, ["Placeholder", "Parameter", "MatMul", "Relu", "Identity"]);
    assert_eq!(gd.node[2].input, ["input", "fc1/weight"]);
    assert_eq!(gd.node[4].input, ["fc1/Relu"]);
    let shape = |i: usize| match &gd.node[i].attr["_output_shapes"].value {
        Some(attr_value::Value::List(l)) => l.shape.iter().map(|s| s.dim.iter().map(|d| d.size).collect::<Vec<_>>()).collect::<Vec<_>>(),
        other => panic!("node {i}: {other:?}"),
    };
    assert_eq!(shape(0), [vec![-1, 784]]);
    assert_eq!(shape(1), [vec![784, 100]]);
    assert_eq!(shape(3), [vec![-1, 100]]);
    assert!(!gd.node[4].attr.contains_key("_output_shapes"));
    assert_eq!(gd.node[2].attr["activation"].value, Some(attr_value::Value::S(b"relu".to_vec())));
    assert_eq!(gd.node[3].attr["units"].value, Some(attr_value::Value::I(100)));
    assert!(gd.versions.is_some());
}

/// labels [T, F, T, F], predictions [0.1, 0.4, 0.35, 0.8], 3 thresholds (0, 0.5, 1), by hand:
/// TP [2, 0, 0], FP [2, 1, 0], TN [0, 1, 2], FN [0, 2, 2], precision [0.5, 0, 0], recall [1, 0, 0].
#[test]
fn pr_curve_of_a_hand_computed_case() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let labels = [true, false, true, false];
    let preds = [0.1f32, 0.4, 0.35, 0.8];
    w.add_pr_curve_with("pr/hand", &labels, &preds, None, 3, 2).unwrap();
    // Weights: doubling every weight doubles the counts, not the ratios.
    w.add_pr_curve_with("pr/weighted", &labels, &preds, Some(&[2.0; 4]), 3, 2).unwrap();
    // PyTorch's default: 127 thresholds.
    w.add_pr_curve("pr/default", &labels, &preds, 3).unwrap();
    let rows = [vec![1.0, 0.0], vec![1.0, 1.0], vec![0.0, 0.0], vec![0.0, 1.0], vec![0.5, 0.0], vec![1.0, 0.0]];
    w.add_pr_curve_raw("pr/raw", &rows, 4).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!(events.len(), 5);
    let rows_of = |tag: &str| {
        let v = tagged(&events, tag);
        assert_eq!(v.len(), 1);
        let (name, content) = plugin(&v[0].1);
        assert_eq!(name, "pr_curves");
        let n = PrCurvePluginData::decode(content).unwrap().num_thresholds as usize;
        let t = tensor(&v[0].1);
        assert_eq!(t.dtype, DT_FLOAT);
        assert_eq!(t.tensor_shape.as_ref().unwrap().dim.iter().map(|d| d.size).collect::<Vec<_>>(), [6, n as i64]);
        assert_eq!(t.float_val.len(), 6 * n);
        (v[0].0, t.float_val.chunks(n).map(|r| r.to_vec()).collect::<Vec<_>>())
    };
    let (step, r) = rows_of("pr/hand");
    assert_eq!(step, 2);
    assert_eq!(r, [
        vec![2.0f32, 0.0, 0.0],
        vec![2.0, 1.0, 0.0],
        vec![0.0, 1.0, 2.0],
        vec![0.0, 2.0, 2.0],
        vec![0.5, 0.0, 0.0],
        vec![1.0, 0.0, 0.0]
    ]);
    let (_, r) = rows_of("pr/weighted");
    assert_eq!(r[0], [4.0, 0.0, 0.0]);
    assert_eq!(r[1], [4.0, 2.0, 0.0]);
    assert_eq!(r[4], [0.5, 0.0, 0.0]);
    let (step, r) = rows_of("pr/default");
    assert_eq!(step, 3);
    assert_eq!(r[0].len(), 127);
    // At threshold 0 everything is predicted positive.
    assert_eq!((r[0][0], r[1][0], r[2][0], r[3][0]), (2.0, 2.0, 0.0, 0.0));
    // Threshold k/126: TP counts predictions ≥ it among positives (0.1 and 0.35).
    for (k, (&tp_k, &fp_k)) in r[0].iter().zip(&r[1]).enumerate() {
        let t = k as f32 / 126.0;
        let tp = preds.iter().zip(labels).filter(|(p, l)| *l && **p >= t).count() as f32;
        let fp = preds.iter().zip(labels).filter(|(p, l)| !*l && **p >= t).count() as f32;
        assert_eq!((tp_k, fp_k), (tp, fp), "threshold {k}");
    }
    let (step, r) = rows_of("pr/raw");
    assert_eq!(step, 4);
    assert_eq!(r, rows.iter().map(|r| r.iter().map(|&x| x as f32).collect::<Vec<_>>()).collect::<Vec<_>>());
}

#[test]
fn custom_scalars_layout_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let layout = vec![
        ("errors".to_string(), vec![
            ChartSpec::Multiline { title: "validation and test".into(), tags: vec!["error/validation".into(), "error/test".into()] },
            ChartSpec::Margin { title: "loss band".into(), series: vec![["loss".into(), "loss/lo".into(), "loss/hi".into()]] },
        ]),
        ("other".to_string(), vec![ChartSpec::Multiline { title: "lr".into(), tags: vec!["lr/.*".into()] }]),
    ];
    w.add_custom_scalars(&layout).unwrap();
    w.add_custom_scalars_multilinechart(&["a", "b"], "cat", "ab").unwrap();
    w.add_custom_scalars_marginchart(["m", "m_lo", "m_hi"], "cat2", "margin").unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!(events.len(), 4);
    let v = tagged(&events, "custom_scalars__config__");
    assert_eq!(v.len(), 3);
    let decode = |v: &Value| {
        assert_eq!(plugin(v).0, "custom_scalars");
        let t = tensor(v);
        assert_eq!(t.dtype, DT_STRING);
        assert!(t.tensor_shape.as_ref().unwrap().dim.is_empty(), "a scalar string tensor");
        assert_eq!(t.string_val.len(), 1);
        Layout::decode(t.string_val[0].as_slice()).unwrap()
    };
    let l = decode(&v[0].1);
    assert_eq!(l.category.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(), ["errors", "other"]);
    let c = &l.category[0].chart;
    assert_eq!(c[0].title, "validation and test");
    let Some(chart::Content::Multiline(m)) = &c[0].content else { panic!("{:?}", c[0]) };
    assert_eq!(m.tag, ["error/validation", "error/test"]);
    let Some(chart::Content::Margin(m)) = &c[1].content else { panic!("{:?}", c[1]) };
    assert_eq!((m.series[0].value.as_str(), m.series[0].lower.as_str(), m.series[0].upper.as_str()), ("loss", "loss/lo", "loss/hi"));
    let l = decode(&v[1].1);
    assert_eq!(l.category[0].title, "cat");
    let Some(chart::Content::Multiline(m)) = &l.category[0].chart[0].content else { panic!() };
    assert_eq!(m.tag, ["a", "b"]);
    let l = decode(&v[2].1);
    let Some(chart::Content::Margin(m)) = &l.category[0].chart[0].content else { panic!() };
    assert_eq!(m.series[0].upper, "m_hi");
}

#[test]
fn embedding_files_for_the_projector() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let (n, d) = (10, 4);
    let mat: Vec<f32> = (0..n * d).map(|i| i as f32 * 0.5 - 3.0).collect();
    let labels: Vec<String> = (0..n).map(|i| format!("class\t{}", i % 3)).collect();
    let thumbs: Vec<u8> = (0..n * 3 * 6 * 5).map(|i| (i % 251) as u8).collect();
    w.add_embedding(&mat, d, Some(Metadata::Labels(&labels)), Some(Sprite { pixels: &thumbs, shape: [n, 3, 6, 5] }), 7, "hidden/fc1")
        .unwrap();
    // A second embedding, with a table of metadata and no sprite.
    let header = ["label".to_string(), "name".to_string()];
    let rows: Vec<Vec<String>> = (0..3).map(|i| vec![i.to_string(), format!("point {i}")]).collect();
    w.add_embedding::<f32>(&[1.0, 2.0, 3.0], 1, Some(Metadata::Table { header: &header, rows: &rows }), None, 0, "tiny").unwrap();
    // The same tag and step again replaces the entry (no duplicate).
    w.add_embedding::<f32>(&[1.0, 2.0, 3.0, 4.0], 2, None, None, 0, "tiny").unwrap();
    w.close().unwrap();

    let e = dir.path().join("00007/hidden%2Ffc1");
    let tsv = std::fs::read_to_string(e.join("tensors.tsv")).unwrap();
    let parsed: Vec<Vec<f32>> = tsv.lines().map(|l| l.split('\t').map(|x| x.parse().unwrap()).collect()).collect();
    assert_eq!(parsed.len(), n);
    assert!(parsed.iter().all(|r| r.len() == d));
    assert_eq!(parsed.concat(), mat);
    let meta = std::fs::read_to_string(e.join("metadata.tsv")).unwrap();
    assert_eq!(meta.lines().count(), n, "one label per line, tabs replaced, no header");
    assert_eq!(meta.lines().next(), Some("class 0"));
    let sprite = std::fs::read(e.join("sprite.png")).unwrap();
    // 10 points: a grid of ⌈√10⌉ = 4 columns and rows of 5 × 6 thumbnails.
    let (sw, sh, sc, px) = decode_png(&sprite);
    assert_eq!((sw, sh, sc), (20, 24, 3));
    // Point 5 is at row 1, column 1; its pixel (0, 0) channel 1 is thumbs[((5·3 + 1)·6 + 0)·5 + 0].
    assert_eq!(px[((6 * 20) + 5) * 3 + 1], thumbs[(5 * 3 + 1) * 6 * 5]);
    // Padding after the last point is black.
    assert_eq!(px[((18 * 20) + 19) * 3], 0);

    let t = dir.path().join("00000/tiny");
    assert_eq!(std::fs::read_to_string(t.join("tensors.tsv")).unwrap(), "1\t2\n3\t4\n");
    // Its metadata of the first call stays on disk but is no longer listed.
    assert_eq!(std::fs::read_to_string(t.join("metadata.tsv")).unwrap(), "label\tname\n0\tpoint 0\n1\tpoint 1\n2\tpoint 2\n");

    let config = std::fs::read_to_string(dir.path().join("projector_config.pbtxt")).unwrap();
    assert_eq!(
        config,
        "embeddings {\n  tensor_name: \"hidden/fc1:00007\"\n  tensor_path: \"00007/hidden%2Ffc1/tensors.tsv\"\n  \
         metadata_path: \"00007/hidden%2Ffc1/metadata.tsv\"\n  sprite {\n    image_path: \"00007/hidden%2Ffc1/sprite.png\"\n    \
         single_image_dim: 5\n    single_image_dim: 6\n  }\n  tensor_shape: 10\n  tensor_shape: 4\n}\n\
         embeddings {\n  tensor_name: \"tiny:00000\"\n  tensor_path: \"00000/tiny/tensors.tsv\"\n  tensor_shape: 2\n  tensor_shape: 2\n}\n"
    );
    // No temporary files are left behind.
    for d in [dir.path().to_path_buf(), e, t] {
        let stray: Vec<_> = std::fs::read_dir(&d).unwrap().filter_map(|x| x.ok()).filter(|x| x.file_name().to_string_lossy().ends_with(".tmp")).collect();
        assert!(stray.is_empty(), "{stray:?}");
    }
    // Embeddings write no events.
    assert_eq!(read(dir.path()).len(), 1);
}

#[test]
fn embedding_names_and_labels_the_projector_reads() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let labels = ["a".to_string(), "".into(), " \t".into()];
    w.add_embedding::<f32>(&[1.0, 2.0, 3.0], 1, Some(Metadata::Labels(&labels)), None, 0, "say \"hi\"\\\n\u{7}").unwrap();
    w.add_embedding::<f32>(&[1.0], 1, None, None, 0, "損失").unwrap();
    // "" is "default" in the name as in the directory: one entry.
    w.add_embedding::<f32>(&[1.0], 1, None, None, 0, "").unwrap();
    w.add_embedding::<f32>(&[2.0], 1, None, None, 0, "default").unwrap();
    w.close().unwrap();
    let config = std::fs::read_to_string(dir.path().join("projector_config.pbtxt")).unwrap();
    let names: Vec<&str> = config.lines().filter_map(|l| l.trim().strip_prefix("tensor_name: ")).collect();
    assert_eq!(names, [r#""say \"hi\"\\\n\007:00000""#, "\"損失:00000\"", "\"default:00000\""]);
    let meta = std::fs::read_to_string(dir.path().join("00000/say%20%22hi%22%5C%0A%07/metadata.tsv")).unwrap();
    assert_eq!(meta, "a\n(empty)\n(empty)\n");
}

#[test]
fn pr_buckets_are_float32_as_in_pytorch() {
    use tensorboard_writer::summary::pr_curve::{bucket, buckets};
    // numpy: floor(float32(0.5158730149269104) * 126) = 65 in float32 (64 in float64).
    let p = 0.5158730149269104f64 as f32;
    assert_eq!(bucket(p as f64, 127), 65);
    assert_eq!(buckets(&[true], &[p], None, 127).unwrap().tp[65], 1.0);
    for n in [2, 3, 127, 10_000] {
        assert_eq!((bucket(0.0, n), bucket(1.0, n)), (0, n - 1));
    }
}

#[test]
fn float_pixels_truncate_as_pytorch() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    // x·255 clipped to [0, 255] and truncated: 0.999 → 254, 0.5 → 127, NaN → 0, 2 → 255.
    w.add_image("f32", &[0.999f32, 0.5, f32::NAN, 2.0], &[2, 2], DataFormat::Hw, 0).unwrap();
    w.add_image("f64", &[0.999f64, 0.5, f64::NAN, -1.0], &[2, 2], DataFormat::Hw, 0).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    let px = |tag: &str| decode_png(&image(&tagged(&events, tag)[0].1).encoded_image_string).3;
    assert_eq!(px("f32"), [254, 127, 0, 255]);
    assert_eq!(px("f64"), [254, 127, 0, 0]);
}

#[test]
fn purge_step_and_filename_suffix() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::builder(dir.path()).purge_step(100).filename_suffix(".v2").build().unwrap();
    w.add_scalar("x", 1.0, 100).unwrap();
    let path = w.file_path().to_path_buf();
    w.close().unwrap();
    assert!(path.file_name().unwrap().to_string_lossy().ends_with(".v2"));
    assert!(path.file_name().unwrap().to_string_lossy().starts_with("events.out.tfevents."));
    assert_eq!(only_event_file(dir.path()), path);
    let events = read(dir.path());
    assert_eq!(events.len(), 3);
    let Some(event::What::SessionLog(log)) = &events[1].what else { panic!("{:?}", events[1]) };
    assert_eq!((events[1].step, log.status), (100, SESSION_START));
}

#[test]
fn two_writers_on_one_directory_keep_separate_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = SummaryWriter::new(dir.path()).unwrap();
    let mut b = SummaryWriter::new(dir.path()).unwrap();
    a.add_scalar("a", 1.0, 0).unwrap();
    b.add_scalar("b", 2.0, 0).unwrap();
    a.close().unwrap();
    b.close().unwrap();
    assert_ne!(a.file_path(), b.file_path());
    let events = read(dir.path());
    assert_eq!(events.len(), 4);
    assert_eq!(scalars(&events, "a"), [(0, 1.0)]);
    assert_eq!(scalars(&events, "b"), [(0, 2.0)]);
}

#[test]
fn several_values_in_one_event_with_add_summary() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let s = tensorboard_writer::summary::scalar;
    w.add_summary(vec![s("a", 1.0), s("b", 2.0), tensorboard_writer::summary::text("t", "x")], 9).unwrap();
    w.flush().unwrap();
    // Readable before close: every call is written through.
    let events = read(dir.path());
    assert_eq!(events.len(), 2);
    assert_eq!(values(&events).iter().map(|(s, v)| (*s, v.tag.as_str())).collect::<Vec<_>>(), [(9, "a"), (9, "b"), (9, "t/text_summary")]);
    w.close().unwrap();
}
