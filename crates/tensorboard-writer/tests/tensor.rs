//! The `tch` feature: histograms, PR curves and images of tensors agree with the same data given as
//! slices. `cargo test -p tensorboard-writer --features tch` (libtorch found through build.rs).
#![cfg(feature = "tch")]
mod common;

use common::{read, tagged};
use tch::{Device, Kind, Tensor};
use tensorboard_writer::proto::{value, HistogramProto, Value};
use tensorboard_writer::tensor::{pr_curves_from_rows, stats_from_rows, DeviceHistogram};
use tensorboard_writer::{DataFormat, Error, SummaryWriter};

fn histo(v: &Value) -> HistogramProto {
    match &v.kind {
        Some(value::Kind::Histo(h)) => h.clone(),
        other => panic!("{other:?}"),
    }
}

fn tensor_rows(v: &Value) -> Vec<f32> {
    match &v.kind {
        Some(value::Kind::Tensor(t)) => t.float_val.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn tensor_histograms_match_slice_histograms() {
    tch::manual_seed(1);
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let t = Tensor::randn([100, 50], (Kind::Float, Device::Cpu)) * 3.0;
    let mut v = Vec::<f32>::try_from(t.flatten(0, -1)).unwrap();
    v[0] = 0.0; // a value on a bucket limit
    let t = Tensor::from_slice(&v).view([100, 50]);
    w.add_histogram_tensor("t", &t, 1).unwrap();
    w.add_histogram("s", &v, 1).unwrap();
    let ints = Tensor::from_slice(&[1i64, 2, 2, 3, 3, 3]);
    w.add_histogram_tensor("ints", &ints, 2).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    let (a, b) = (histo(&tagged(&events, "t")[0].1), histo(&tagged(&events, "s")[0].1));
    assert_eq!((a.min, a.max, a.num), (b.min, b.max, b.num));
    assert!((a.sum - b.sum).abs() < 1e-9 * b.sum_squares.max(1.0), "{} vs {}", a.sum, b.sum);
    assert!((a.sum_squares - b.sum_squares).abs() < 1e-9 * b.sum_squares);
    assert_eq!(a.bucket_limit, b.bucket_limit);
    assert_eq!(a.bucket, b.bucket);
    assert_eq!(a.bucket.iter().sum::<f64>(), 5000.0);
    let i = histo(&tagged(&events, "ints")[0].1);
    assert_eq!((i.num, i.min, i.max, i.sum, i.sum_squares), (6.0, 1.0, 3.0, 14.0, 36.0));
}

#[test]
fn tensor_pr_curves_match_slice_pr_curves() {
    tch::manual_seed(2);
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    // The hand-computed case, labels as bool and as 0/1 floats.
    let labels = [true, false, true, false];
    let preds = [0.1f32, 0.4, 0.35, 0.8];
    w.add_pr_curve_tensor("hand_bool", &Tensor::from_slice(&labels), &Tensor::from_slice(&preds), 3, 0)
        .unwrap();
    w.add_pr_curve_tensor(
        "hand_float",
        &Tensor::from_slice(&[1.0f32, 0.0, 1.0, 0.0]),
        &Tensor::from_slice(&preds),
        3,
        0,
    )
    .unwrap();
    // Random data, predictions including exactly 0 and 1, at several threshold counts.
    let p = Tensor::rand([1000], (Kind::Float, Device::Cpu));
    let mut pv = Vec::<f32>::try_from(&p).unwrap();
    pv[0] = 0.0;
    pv[1] = 1.0;
    let p = Tensor::from_slice(&pv);
    let l = Tensor::rand([1000], (Kind::Float, Device::Cpu)).lt_tensor(&p);
    let lv = Vec::<bool>::try_from(&l).unwrap();
    for n in [2usize, 3, 127, 1000] {
        w.add_pr_curve_tensor(&format!("t{n}"), &l, &p, n, 1).unwrap();
        w.add_pr_curve_with(&format!("s{n}"), &lv, &pv, None, n, 1).unwrap();
    }
    // PyTorch's float32 bucketing: 0.5158730149269104 at N = 127 is bucket 65 (64 in float64).
    let p65 = Tensor::from_slice(&[0.5158730149269104f64 as f32]);
    w.add_pr_curve_tensor("b65", &Tensor::from_slice(&[true]), &p65, 127, 0).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    let rows = |tag: &str| tensor_rows(&tagged(&events, tag)[0].1);
    let tp = rows("b65")[..127].to_vec();
    assert_eq!((tp[65], tp[66]), (1.0, 0.0), "{tp:?}");
    let expected =
        [2.0f32, 0.0, 0.0, 2.0, 1.0, 0.0, 0.0, 1.0, 2.0, 0.0, 2.0, 2.0, 0.5, 0.0, 0.0, 1.0, 0.0, 0.0];
    assert_eq!(rows("hand_bool"), expected);
    assert_eq!(rows("hand_float"), expected);
    for n in [2, 3, 127, 1000] {
        assert_eq!(rows(&format!("t{n}")), rows(&format!("s{n}")), "{n} thresholds");
    }
}

#[test]
fn tensor_errors_are_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let empty = Tensor::zeros([0], (Kind::Float, Device::Cpu));
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let t = Tensor::from_slice(&[1.0f32, bad]);
        assert!(matches!(w.add_histogram_tensor("n", &t, 0), Err(Error::InvalidArgument(_))), "{bad}");
    }
    assert!(matches!(w.add_histogram_tensor("e", &empty, 0), Err(Error::InvalidArgument(_))));
    let p = Tensor::from_slice(&[0.5f32, 1.5]);
    let l = Tensor::from_slice(&[true, false]);
    assert!(matches!(w.add_pr_curve_tensor("p", &l, &p, 3, 0), Err(Error::InvalidArgument(_))));
    let p = Tensor::from_slice(&[0.5f32, -0.5]);
    assert!(matches!(w.add_pr_curve_tensor("p", &l, &p, 3, 0), Err(Error::InvalidArgument(_))));
    let short = Tensor::from_slice(&[true]);
    assert!(matches!(
        w.add_pr_curve_tensor("p", &short, &Tensor::from_slice(&[0.5f32, 0.5]), 3, 0),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        w.add_pr_curve_tensor("p", &l, &Tensor::from_slice(&[0.5f32, 0.5]), 1, 0),
        Err(Error::InvalidArgument(_))
    ));
    // Labels must be 0/1 (or bool).
    let p = Tensor::from_slice(&[0.5f32, 0.5]);
    for bad in [2.0f32, -1.0, f32::NAN] {
        let r = w.add_pr_curve_tensor("p", &Tensor::from_slice(&[1.0f32, bad]), &p, 3, 0);
        assert!(matches!(r, Err(Error::InvalidArgument(_))), "label {bad}");
    }
    assert!(matches!(
        w.add_histogram_tensor("big", &Tensor::from_slice(&[1e39f64]), 0),
        Err(Error::InvalidArgument(_))
    ));
    // Short or ragged input read back is an error or no histogram, never a panic.
    for flat in [&[0.5][..], &[0.0; 8][..], &[0.0; 10][..]] {
        assert!(
            matches!(pr_curves_from_rows(flat, 3), Err(Error::InvalidArgument(_))),
            "{} values",
            flat.len()
        );
    }
    assert_eq!(pr_curves_from_rows(&[0.0; 9], 3).unwrap().len(), 1);
    let width = DeviceHistogram::new(Device::Cpu).width();
    assert!(stats_from_rows(&vec![0.0; width - 1], &[3]).is_empty());
    assert_eq!(stats_from_rows(&vec![0.0; width + 1], &[3, 4]).len(), 1);
    let img = Tensor::zeros([2, 5, 5], (Kind::Float, Device::Cpu));
    assert!(matches!(w.add_image_tensor("i", &img, DataFormat::Chw, 0), Err(Error::InvalidArgument(_))));
    w.close().unwrap();
    assert_eq!(read(dir.path()).len(), 1);
}

#[test]
fn tensor_images_match_slice_images() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let px: Vec<u8> = (0..3 * 4 * 5).map(|i| (i * 4) as u8).collect();
    w.add_image_tensor("u8", &Tensor::from_slice(&px).view([3, 4, 5]), DataFormat::Chw, 0).unwrap();
    w.add_image("u8s", &px, &[3, 4, 5], DataFormat::Chw, 0).unwrap();
    let f: Vec<f32> = px.iter().map(|&p| p as f32 / 255.0).collect();
    // A non-contiguous float tensor (a transposed view) of the same image in HWC.
    let hwc = Tensor::from_slice(&f).view([3, 4, 5]).permute([1, 2, 0]);
    w.add_image_tensor("f", &hwc, DataFormat::Hwc, 0).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    let png = |tag: &str| match &tagged(&events, tag)[0].1.kind {
        Some(value::Kind::Image(i)) => i.encoded_image_string.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(png("u8"), png("u8s"));
    assert_eq!(png("f"), png("u8s"));
}
