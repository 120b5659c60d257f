//! Precision-recall curves written by the crate and read back with its own reader: counts of a
//! hand-computed case, weights, PyTorch's default thresholds and float32 buckets. Needs neither
//! libtorch nor Python.
mod common;

use common::{plugin, read, tagged, tensor};
use prost::Message;
use tensorboard_writer::proto::plugins::PrCurvePluginData;
use tensorboard_writer::proto::DT_FLOAT;
use tensorboard_writer::SummaryWriter;

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
    let rows =
        [vec![1.0, 0.0], vec![1.0, 1.0], vec![0.0, 0.0], vec![0.0, 1.0], vec![0.5, 0.0], vec![1.0, 0.0]];
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
        assert_eq!(
            t.tensor_shape.as_ref().unwrap().dim.iter().map(|d| d.size).collect::<Vec<_>>(),
            [6, n as i64]
        );
        assert_eq!(t.float_val.len(), 6 * n);
        (v[0].0, t.float_val.chunks(n).map(|r| r.to_vec()).collect::<Vec<_>>())
    };
    let (step, r) = rows_of("pr/hand");
    assert_eq!(step, 2);
    assert_eq!(
        r,
        [
            vec![2.0f32, 0.0, 0.0],
            vec![2.0, 1.0, 0.0],
            vec![0.0, 1.0, 2.0],
            vec![0.0, 2.0, 2.0],
            vec![0.5, 0.0, 0.0],
            vec![1.0, 0.0, 0.0]
        ]
    );
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
