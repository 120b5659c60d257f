//! The later methods (add_tensor, double scalars, histogram bins, audio, video, images with boxes,
//! meshes, ONNX graphs, hparam domains) and the wall-time override, read back by TensorBoard's own
//! server, plugins and event accumulator (tests/tensorboard_methods.py), and compared there with
//! what PyTorch's and tensorboardX's code makes of the same inputs. Needs `TENSORBOARD_PYTHON` with
//! tensorboard, numpy, PIL and onnx (scripts/setup installs them); without it the test is skipped.
mod common;

use common::serve::{floats, python, run, run_json};
use serde_json::{json, Value as Json};
use std::path::Path;
use tensorboard_writer::summary::bins::{BinRule, Bins};
use tensorboard_writer::summary::mesh::Mesh;
use tensorboard_writer::summary::tensor::ScalarStyle;
use tensorboard_writer::{DataFormat, HParamValue, Step, SummaryWriter};

const WALL: f64 = 1_234_567_890.5;
const CLIP: [usize; 5] = [3, 4, 3, 8, 6]; // N, T, C, H, W

fn audio_samples() -> Vec<f32> {
    (0..800).map(|i| (i as f32 * 0.05).sin() * 1.3).collect()
}

fn hist_values() -> Vec<f64> {
    (0..5000).map(|i| ((i as f64 * 0.731).sin() * 3.0).powi(3) + (i % 7) as f64 * 0.1).collect()
}

/// Edge cases: constant values (one bin of width 1), mostly repeated ones (an IQR of 0), one value.
fn hist_sets() -> [(&'static str, Vec<f64>); 4] {
    let repeated: Vec<f64> = (0..50).map(|i| if i % 10 == 0 { i as f64 } else { 3.0 }).collect();
    [("main", hist_values()), ("const", vec![2.0; 10]), ("repeated", repeated), ("one", vec![-5.0])]
}

fn hist_bins() -> Vec<(&'static str, Bins, Option<usize>, Json)> {
    let rule = |r| Bins::Rule(r);
    vec![
        ("h/const_auto", rule(BinRule::Auto), None, json!(["auto", null, "const"])),
        ("h/const_stone", rule(BinRule::Stone), None, json!(["stone", null, "const"])),
        ("h/repeated_auto", rule(BinRule::Auto), None, json!(["auto", null, "repeated"])),
        ("h/repeated_doane", rule(BinRule::Doane), None, json!(["doane", null, "repeated"])),
        ("h/one_count3", Bins::Count(3), None, json!([3, null, "one"])),
        ("h/one_doane", rule(BinRule::Doane), None, json!(["doane", null, "one"])),
        ("h/auto", rule(BinRule::Auto), None, json!(["auto", null])),
        ("h/fd", rule(BinRule::Fd), None, json!(["fd", null])),
        ("h/doane", rule(BinRule::Doane), None, json!(["doane", null])),
        ("h/scott", rule(BinRule::Scott), None, json!(["scott", null])),
        ("h/stone", rule(BinRule::Stone), None, json!(["stone", null])),
        ("h/rice", rule(BinRule::Rice), None, json!(["rice", null])),
        ("h/sturges", rule(BinRule::Sturges), Some(5), json!(["sturges", 5])),
        ("h/sqrt", rule(BinRule::Sqrt), None, json!(["sqrt", null])),
        ("h/count10", Bins::Count(10), None, json!([10, null])),
        ("h/count100_max7", Bins::Count(100), Some(7), json!([100, 7])),
        ("h/tensorflow_max50", Bins::Tensorflow, Some(50), json!(["tensorflow", 50])),
    ]
}

/// A clip's pixel: distinct colors per clip, frame and position.
fn clip_pixels() -> Vec<f32> {
    let n: usize = CLIP.iter().product();
    (0..n).map(|i| ((i * 37) % 256) as f32 / 255.0).collect()
}

fn rgb_image() -> (Vec<u8>, [usize; 3]) {
    ((0..3 * 20 * 30).map(|i| (i % 200) as u8).collect(), [3, 20, 30])
}

const BOXES: [[f32; 4]; 3] = [[2.0, 3.0, 12.5, 9.9], [-4.0, 15.0, 40.0, 25.0], [20.0, 2.0, 20.0, 8.0]];

/// Writes the log directory; returns what the Python side needs to know of the inputs.
fn write_logdir(dir: &Path, onnx: &Path) -> Result<Json, tensorboard_writer::Error> {
    let mut w = SummaryWriter::new(dir)?;
    w.add_scalar("wall", 1.5, Step::at(3, WALL))?;
    w.add_scalar("wall", 2.5, Step::new(4).wall_time(WALL + 1.0))?;
    w.add_scalars("ws", &[("a", 1.0)], Step::at(5, WALL + 2.0))?;
    w.add_scalar_with("double", 0.1, ScalarStyle::Double, 1)?;
    w.add_scalar_with("new_style", 0.25, ScalarStyle::Tensor, 2)?;
    w.add_tensor("t/f32", &[1.5f32, -2.0, 3.25, 0.0, 1e-3, 7.0], &[2, 3], Step::at(6, WALL))?;
    w.add_tensor("t/f64", &[0.1f64, 1e300], &[2], 7)?;
    w.add_tensor("t/i64", &[i64::MIN, -1, 0, i64::MAX], &[2, 2], 8)?;
    w.add_tensor("t/i32", &[-5i32, 9], &[2], 8)?;
    w.add_tensor("t/u8", &[0u8, 200, 255], &[3], 8)?;
    w.add_tensor("t/bool", &[true, false, true], &[3, 1], 9)?;
    let sets = hist_sets();
    for (tag, bins, max_bins, j) in hist_bins() {
        let set = j.get(2).and_then(Json::as_str).unwrap_or("main");
        let values = &sets.iter().find(|(name, _)| *name == set).unwrap().1;
        w.add_histogram_with(tag, values, bins, max_bins, 10)?;
    }
    w.add_audio("audio/tone", &audio_samples(), 8000, 11)?;
    w.add_video("video/clip", &clip_pixels(), &CLIP, 5, 12)?;
    let (rgb, shape) = rgb_image();
    w.add_image_with_boxes("boxes/rgb", &rgb, &shape, DataFormat::Chw, &BOXES, 13)?;
    let grey: Vec<f32> = (0..10 * 12).map(|i| (i % 12) as f32 / 11.0).collect();
    w.add_image_with_boxes("boxes/grey", &grey, &[10, 12], DataFormat::Hw, &[[1.0, 1.0, 8.0, 6.0]], 13)?;
    let vertices = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.5]];
    let colors = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]];
    let faces = [[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]];
    let config = r#"{"camera": {"cls": "PerspectiveCamera", "fov": 75}}"#;
    w.add_mesh("mesh/tetra", &Mesh::new(&vertices).colors(&colors).faces(&faces).config(config), 14)?;
    w.add_mesh("mesh/cloud", &Mesh::new(&vertices[..2]), Step::at(15, WALL))?;
    w.close()?;

    let mut g = SummaryWriter::new(dir.join("onnx"))?;
    g.add_onnx_graph(onnx)?;
    g.close()?;
    let mut h = SummaryWriter::new(dir.join("hparams_parent"))?;
    h.add_hparams_with(
        &[("lr", HParamValue::from(0.1)), ("opt", "adam".into()), ("bn", true.into())],
        &[("acc", 0.5)],
        &[("lr", vec![0.1.into(), 0.01.into()]), ("opt", vec!["adam".into(), "sgd".into()])],
        Some("hp"),
        0,
    )?;

    // What PyTorch would have drawn on: HWC pixels (a grey image as RGB, as convert_to_HWC).
    let hwc: Vec<u8> =
        (0..20 * 30).flat_map(|p| (0..3).map(move |c| (p, c))).map(|(p, c)| rgb[c * 600 + p]).collect();
    let grey_hwc: Vec<u8> = grey.iter().flat_map(|&g| [((g * 255.0) as u8); 3]).collect();
    Ok(json!({
        "audio_samples": audio_samples(),
        "hist_sets": sets.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "hist_bins": hist_bins().into_iter().map(|(t, _, _, j)| (t.to_string(), j)).collect::<serde_json::Map<_, _>>(),
        "boxes_rgb": {"pixels_hwc": hwc, "shape_hwc": [20, 30, 3], "boxes": BOXES},
        "boxes_grey": {"pixels_hwc": grey_hwc, "shape_hwc": [10, 12, 3], "boxes": [[1.0, 1.0, 8.0, 6.0]]},
        "onnx_path": onnx,
    }))
}

/// Decodes a GIF: (width, height, frames as RGBA, delay of the first in centiseconds).
fn decode_gif(bytes: &[u8]) -> (u16, u16, Vec<Vec<u8>>, u16) {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::RGBA);
    let mut d = opts.read_info(bytes).expect("a GIF");
    let (w, h) = (d.width(), d.height());
    let (mut frames, mut delay) = (Vec::new(), 0);
    while let Some(f) = d.read_next_frame().expect("a GIF frame") {
        assert_eq!((f.width, f.height, f.left, f.top), (w, h, 0, 0));
        delay = f.delay;
        frames.push(f.buffer.to_vec());
    }
    (w, h, frames, delay)
}

#[test]
fn tensorboard_reads_the_later_methods() {
    let Some(python) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (logdir, onnx, expect) =
        (dir.path().join("logs"), dir.path().join("tiny.onnx"), dir.path().join("expect.json"));
    run(&python, "tensorboard_methods.py", &[Path::new("onnx"), &onnx]);
    let inputs = write_logdir(&logdir, &onnx).unwrap();
    std::fs::write(&expect, inputs.to_string()).unwrap();
    let out = run_json(&python, "tensorboard_methods.py", &[Path::new("check"), &logdir, &expect]);
    assert_eq!(out["log"], json!([]), "TensorBoard logged: {}", out["log"]);
    for plugin in ["scalars", "histograms", "images", "audio", "mesh", "graphs", "hparams"] {
        assert_eq!(out["plugins"][plugin], json!(true), "{plugin}: {}", out["plugins"]);
    }

    // Wall times as given (scalars route: [wall_time, step, value]), and a double exactly.
    let s = &out["scalars"];
    assert_eq!(s["."]["wall"], json!([[WALL, 3, 1.5], [WALL + 1.0, 4, 2.5]]));
    assert_eq!(s["ws_a"]["ws"], json!([[WALL + 2.0, 5, 1.0]]));
    assert_eq!(s["."]["double"][0][2].as_f64(), Some(0.1), "a DT_DOUBLE scalar keeps every bit");
    assert_eq!(s["."]["new_style"][0][2].as_f64(), Some(0.25));

    // Tensors, as numpy arrays of the right type and shape.
    let t = &out["tensors"];
    assert_eq!(out["tensor_plugin"], "tensor");
    assert_eq!(
        (
            &t["t/f32"]["dtype"],
            &t["t/f32"]["shape"],
            t["t/f32"]["wall_time"].as_f64(),
            t["t/f32"]["step"].as_i64()
        ),
        (&json!("float32"), &json!([2, 3]), Some(WALL), Some(6))
    );
    assert_eq!(floats(&t["t/f32"]["values"]), [1.5, -2.0, 3.25, 0.0, 1e-3f32 as f64, 7.0]);
    assert_eq!((&t["t/f64"]["dtype"], floats(&t["t/f64"]["values"])), (&json!("float64"), vec![0.1, 1e300]));
    assert_eq!(
        (&t["t/i64"]["dtype"], &t["t/i64"]["values"]),
        (&json!("int64"), &json!([i64::MIN, -1, 0, i64::MAX]))
    );
    assert_eq!((&t["t/i32"]["dtype"], &t["t/i32"]["values"]), (&json!("int32"), &json!([-5, 9])));
    assert_eq!((&t["t/u8"]["dtype"], &t["t/u8"]["values"]), (&json!("uint8"), &json!([0, 200, 255])));
    assert_eq!((&t["t/bool"]["dtype"], &t["t/bool"]["shape"]), (&json!("bool"), &json!([3, 1])));

    // Histograms: exactly PyTorch's make_histogram (numpy's bins) of the same values.
    for (tag, ..) in hist_bins() {
        let h = &out["histograms"][tag];
        assert_eq!(
            (&h["limits_equal"], &h["counts_equal"], &h["stats_close"], &h["got"]),
            (&json!(true), &json!(true), &json!(true), &h["buckets"]),
            "{tag}: {h}"
        );
        assert_eq!(out["histogram_route"][tag], json!(1), "{tag}");
    }
    // 100 bins merged 14 by 14 into 8 (the last of 2), and an empty bucket in front.
    assert_eq!(out["histograms"]["h/count100_max7"]["buckets"], json!(9));

    // Audio: a mono 16-bit WAV with PyTorch's samples.
    let a = &out["audio"]["audio/tone"];
    assert_eq!(
        (
            &a["content_type"],
            &a["channels"],
            &a["width"],
            &a["rate"],
            &a["frames"],
            &a["samples_equal"],
            &a["step"]
        ),
        (&json!("audio/wav"), &json!(1), &json!(2), &json!(8000), &json!(800), &json!(true), &json!(11))
    );

    // Video: an animated GIF in the Images tab, 3 clips padded to 4 (black) in PyTorch's grid of
    // 2^⌊(bits(3)−1)/2⌋ = 1 row, 4 frames at 5 fps.
    let v = &out["images"]["video/clip"];
    assert_eq!((&v["content_type"], &v["steps"]), (&json!("image/gif"), &json!([12])));
    let (w, h, frames, delay) = decode_gif(&base64_decode(v["bytes"].as_str().unwrap()));
    let [_, t, c, ch, cw] = CLIP;
    assert_eq!((w as usize, h as usize, frames.len(), delay), (4 * cw, ch, t, 20));
    let src = clip_pixels();
    let mut worst = 0i32;
    for (f, frame) in frames.iter().enumerate() {
        for clip in 0..4 {
            for y in 0..ch {
                for x in 0..cw {
                    let at = (y * 4 * cw + clip * cw + x) * 4;
                    for k in 0..c {
                        let want = if clip == 3 {
                            0
                        } else {
                            (src[(((clip * t + f) * c + k) * ch + y) * cw + x] * 255.0) as i32
                        };
                        worst = worst.max((frame[at + k] as i32 - want).abs());
                    }
                }
            }
        }
    }
    assert!(worst <= 48, "GIF colors off by up to {worst} (a 256-color palette per frame)");

    // Boxes: pixel for pixel what PyTorch's PIL drawing gives.
    for tag in ["boxes/rgb", "boxes/grey"] {
        let b = &out["images"][tag];
        assert_eq!(
            (&b["equal_to_pytorch"], &b["content_type"]),
            (&json!(true), &json!("image/png")),
            "{tag}: {} pixels differ",
            b["differing_pixels"]
        );
    }

    // Meshes: one sample each; the parts with their shapes, components and values.
    let m = &out["mesh"]["mesh/tetra"];
    assert_eq!(m["samples"], json!(1));
    let p = &m["parts"];
    assert_eq!(p["VERTEX"]["shape"], json!([1, 4, 3]));
    assert_eq!(p["VERTEX"]["components"], json!(2 | 4 | 8));
    assert_eq!(p["VERTEX"]["config"], json!(r#"{"camera": {"cls": "PerspectiveCamera", "fov": 75}}"#));
    assert_eq!(floats(&p["VERTEX"]["values"]), [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.5]);
    assert_eq!(p["FACE"]["values"], json!([0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3]));
    assert_eq!(p["COLOR"]["values"], json!([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]));
    assert_eq!(p["COLOR"]["step"], json!(14));
    let cloud = &out["mesh"]["mesh/cloud"]["parts"];
    assert_eq!((&cloud["VERTEX"]["components"], &cloud["VERTEX"]["config"]), (&json!(2), &json!("{}")));
    assert!(cloud.get("FACE").is_none() && cloud.get("COLOR").is_none(), "{cloud}");

    // The ONNX graph: the GraphDef tensorboardX builds from the same file.
    let o = &out["onnx"];
    assert_eq!(
        o["equal"],
        json!(true),
        "served:\n{}\ntensorboardX:\n{}",
        o["served"].as_str().unwrap(),
        o["tensorboardx"].as_str().unwrap()
    );

    // HParams: the discrete domains given, none for the others.
    let hp = &out["hparams"];
    assert_eq!(hp["lr"], json!([0.1, 0.01]));
    assert_eq!(hp["opt"], json!(["adam", "sgd"]));
    assert_eq!(hp["bn"], json!(null));
}

/// Standard base64 (the Python side sends bytes so).
fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    } as u32;
    let clean: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let n = chunk.iter().fold(0u32, |a, &c| a << 6 | val(c)) << (6 * (4 - chunk.len()));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}
