//! The later methods refuse bad input with a typed [`Error::InvalidArgument`] (never a panic) and
//! write nothing then; the wall-time override lands in the event; rules parse by numpy's names.
mod common;

use common::{invalid, read, values};
use tensorboard_writer::summary::bins::{BinRule, Bins};
use tensorboard_writer::summary::mesh::Mesh;
use tensorboard_writer::summary::tensor::ScalarStyle;
use tensorboard_writer::{DataFormat, HParamValue, Step, SummaryWriter};

#[test]
fn bad_input_to_the_later_methods_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    invalid(w.add_scalar("s", 1.0, Step::at(0, f64::NAN)), "NaN wall time");
    invalid(w.add_scalar("s", 1.0, Step::at(0, f64::INFINITY)), "infinite wall time");
    invalid(w.add_tensor("t", &[1.0f32; 5], &[2, 3], 0), "tensor shape mismatch");
    invalid(w.add_tensor("t", &[1i64], &[usize::MAX, 2], 0), "overflowing tensor shape");
    invalid(w.add_histogram_with::<f64>("h", &[], Bins::Count(3), None, 0), "empty histogram");
    invalid(w.add_histogram_with("h", &[1.0, f64::NAN], Bins::Rule(BinRule::Auto), None, 0), "NaN");
    invalid(w.add_histogram_with("h", &[1.0, 2.0], Bins::Count(0), None, 0), "0 bins");
    invalid(w.add_histogram_with("h", &[1.0, 2.0], Bins::Count(usize::MAX), None, 0), "usize::MAX bins");
    invalid(w.add_histogram_with("h", &[1.0, 2.0], Bins::Count(1 << 40), None, 0), "2^40 bins");
    invalid(w.add_histogram_with("h", &[1.0, 2.0, 3.0], Bins::Count(3), Some(0), 0), "max_bins 0");
    invalid(w.add_histogram_with("h", &[1e30f64], Bins::Tensorflow, Some(5), 0), "beyond PyTorch's edges");
    invalid("median".parse::<Bins>(), "unknown rule");
    invalid(w.add_audio("a", &[], 44_100, 0), "no samples");
    invalid(w.add_audio("a", &[0.5], 0, 0), "no sample rate");
    invalid(w.add_audio("a", &[0.5, f32::NAN], 8000, 0), "NaN sample");
    invalid(w.add_video("v", &[0u8; 12], &[1, 1, 3, 2, 2], 0, 0), "0 fps");
    invalid(w.add_video("v", &[0u8; 12], &[1, 1, 3, 2], 4, 0), "rank 4");
    invalid(w.add_video("v", &[0u8; 16], &[1, 1, 4, 2, 2], 4, 0), "4 channels");
    invalid(w.add_video("v", &[0u8; 11], &[1, 1, 3, 2, 2], 4, 0), "shape mismatch");
    invalid(w.add_video("v", &[0u8; 3], &[1, 1, 3, 1, 70_000], 4, 0), "shape mismatch, wide");
    invalid(w.add_video("v", &vec![0u8; 70_000], &[1, 1, 1, 1, 70_000], 4, 0), "wider than a GIF");
    let img = [0u8; 12];
    invalid(
        w.add_image_with_boxes("b", &img, &[3, 2, 2], DataFormat::Chw, &[[0.0, f32::NAN, 1.0, 1.0]], 0),
        "NaN box",
    );
    invalid(w.add_image_with_boxes("b", &img, &[1, 3, 2, 2], DataFormat::Nchw, &[], 0), "a batch");
    let v = [[0.0f32; 3]; 4];
    invalid(w.add_mesh("m", &Mesh::new(&[]), 0), "no vertices");
    invalid(w.add_mesh("m", &Mesh::new(&v).batch(3), 0), "4 vertices in 3 meshes");
    invalid(w.add_mesh("m", &Mesh::new(&v).batch(0), 0), "batch 0");
    invalid(w.add_mesh("m", &Mesh::new(&[[f32::NAN, 0.0, 0.0]]), 0), "NaN vertex");
    invalid(w.add_mesh("m", &Mesh::new(&v).faces(&[[0, 1, 4]]), 0), "face beyond the vertices");
    invalid(
        w.add_mesh("m", &Mesh::new(&v).batch(2).faces(&[[0, 1, 2], [0, 1, 2]]), 0),
        "face beyond its mesh",
    );
    invalid(w.add_mesh("m", &Mesh::new(&v).colors(&[[0, 0, 0]]), 0), "colors for some vertices");
    let garbage = dir.path().join("not.onnx");
    std::fs::write(&garbage, b"\xff\xff\xff garbage").unwrap();
    invalid(w.add_onnx_graph(&garbage), "not ONNX");
    std::fs::write(&garbage, b"").unwrap();
    invalid(w.add_onnx_graph(&garbage), "a model without a graph");
    let hp = [("lr", HParamValue::from(0.1))];
    invalid(
        w.add_hparams_with(&hp, &[], &[("lr", vec!["x".into()])], Some("a"), 0),
        "domain of another type",
    );
    invalid(w.add_hparams_with(&hp, &[], &[("wd", vec![0.1.into()])], Some("b"), 0), "domain of no hparam");
    let twice = [("lr", vec![0.1.into()]), ("lr", vec![0.2.into()])];
    invalid(w.add_hparams_with(&hp, &[], &twice, Some("b"), 0), "a domain given twice");
    assert!(matches!(
        w.add_onnx_graph(dir.path().join("missing.onnx")),
        Err(tensorboard_writer::Error::Io { .. })
    ));
    w.close().unwrap();
    assert_eq!(read(dir.path()).len(), 1, "only the file version was written");
    assert!(!dir.path().join("a").exists() && !dir.path().join("b").exists(), "no hparams run made");
}

#[test]
fn wall_time_and_styles_land_in_the_events() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_scalar("a", 1.0, Step::at(7, 1e9 + 0.25)).unwrap();
    w.add_scalar("a", 2.0, 8).unwrap();
    w.add_scalar_with("d", 0.1, ScalarStyle::Double, Step::new(9).wall_time(5.0)).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!((events[1].step, events[1].wall_time), (7, 1e9 + 0.25));
    assert!(events[2].wall_time > 1.7e9, "now, not the earlier override");
    assert_eq!((events[3].step, events[3].wall_time), (9, 5.0));
    let d = &values(&events[3..])[0].1;
    let t = common::tensor(d);
    assert_eq!((t.dtype, &t.double_val[..], common::plugin(d).0), (2, &[0.1][..], "scalars"));
    assert_eq!("sturges".parse::<Bins>().unwrap(), Bins::Rule(BinRule::Sturges));
    assert_eq!("tensorflow".parse::<Bins>().unwrap(), Bins::default());
}
