//! Precision-recall curves (the PR Curves tab): TensorBoard's `[6, N]` tensor of true positives,
//! false positives, true negatives, false negatives, precision and recall at N thresholds
//! evenly spaced over [0, 1], computed as tensorboard/plugins/pr_curve/summary.py does.
use crate::error::{Error, Result};
use crate::proto::plugins::PrCurvePluginData;
use crate::proto::{TensorProto, TensorShapeProto, Value, DT_FLOAT};
use crate::summary::plugin_value;
use prost::Message;

/// PyTorch's default number of thresholds.
pub const DEFAULT_THRESHOLDS: usize = 127;
/// The most thresholds accepted (a curve of this many points is already smooth).
pub const MAX_THRESHOLDS: usize = 10_000;

/// The weighted true-positive and false-positive counts per threshold bucket, before the
/// cumulative sums: what a device computes ([`counts_from_buckets`] finishes the curve).
#[derive(Clone, Debug, PartialEq)]
pub struct PrBuckets {
    /// Weighted positives per bucket.
    pub tp: Vec<f64>,
    /// Weighted negatives per bucket.
    pub fp: Vec<f64>,
}

pub(crate) fn check_thresholds(num_thresholds: usize) -> Result<()> {
    if !(2..=MAX_THRESHOLDS).contains(&num_thresholds) {
        return Err(Error::invalid(format!(
            "num_thresholds {num_thresholds}: must be 2 to {MAX_THRESHOLDS}"
        )));
    }
    Ok(())
}

/// The bucket of a prediction p ∈ [0, 1] among N, as PyTorch and TensorBoard compute it:
/// `floor(p·(N−1))` in float32 (their predictions are float32, so `p` is rounded to f32 first),
/// then numpy's `histogram(…, bins=N, range=(0, N−1))`, which maps each integer k ≤ N−1 to
/// bucket k (k·N/(N−1) = k + k/(N−1) < k + 1 for k < N−1; N−1 is the last bucket).
pub fn bucket(p: f64, n: usize) -> usize {
    let k = ((p as f32) * (n - 1) as f32).floor() as usize;
    k.min(n - 1)
}

/// Buckets of `predictions` (probabilities in [0, 1]) with boolean `labels` and optional `weights`.
pub fn buckets(labels: &[bool], predictions: &[f32], weights: Option<&[f32]>, n: usize) -> Result<PrBuckets> {
    check_thresholds(n)?;
    if labels.len() != predictions.len() || weights.is_some_and(|w| w.len() != labels.len()) {
        return Err(Error::invalid(format!(
            "PR curve: {} labels, {} predictions{}: need one of each per example",
            labels.len(),
            predictions.len(),
            weights.map(|w| format!(", {} weights", w.len())).unwrap_or_default()
        )));
    }
    let mut b = PrBuckets { tp: vec![0.0; n], fp: vec![0.0; n] };
    for (i, (&label, &p)) in labels.iter().zip(predictions).enumerate() {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::invalid(format!("PR curve: prediction {i} is {p}, outside [0, 1]")));
        }
        let w = weights.map_or(1.0, |w| w[i] as f64);
        if !(w.is_finite() && w >= 0.0) {
            return Err(Error::invalid(format!(
                "PR curve: weight {i} is {w}: weights must be finite and not negative"
            )));
        }
        let k = bucket(p as f64, n);
        if label {
            b.tp[k] += w;
        } else {
            b.fp[k] += w;
        }
    }
    Ok(b)
}

/// The six rows (TP, FP, TN, FN, precision, recall) from bucket counts: reverse cumulative sums.
pub fn counts_from_buckets(b: &PrBuckets) -> [Vec<f64>; 6] {
    let rev_cumsum = |v: &[f64]| {
        let mut out = v.to_vec();
        for i in (0..out.len().saturating_sub(1)).rev() {
            out[i] += out[i + 1];
        }
        out
    };
    let (tp, fp) = (rev_cumsum(&b.tp), rev_cumsum(&b.fp));
    let tn: Vec<f64> = fp.iter().map(|f| fp[0] - f).collect();
    let fn_: Vec<f64> = tp.iter().map(|t| tp[0] - t).collect();
    const MINIMUM_COUNT: f64 = 1e-7;
    let precision = tp.iter().zip(&fp).map(|(t, f)| t / (t + f).max(MINIMUM_COUNT)).collect();
    let recall = tp.iter().zip(&fn_).map(|(t, f)| t / (t + f).max(MINIMUM_COUNT)).collect();
    [tp, fp, tn, fn_, precision, recall]
}

/// The summary value of a curve given by its six rows of equal length N ≥ 2 (`add_pr_curve_raw`):
/// finite values (within f32), counts (TP, FP, TN, FN) not negative.
pub fn pr_curve_raw(tag: &str, rows: &[Vec<f64>; 6]) -> Result<Value> {
    let n = rows[0].len();
    check_thresholds(n)?;
    if rows.iter().any(|r| r.len() != n) {
        return Err(Error::invalid(format!("PR curve {tag}: the six rows differ in length")));
    }
    for (r, row) in rows.iter().enumerate() {
        // Counts (rows 0–3) must not be negative; nothing may be NaN or infinite.
        if let Some(v) =
            row.iter().find(|v| !v.is_finite() || (r < 4 && **v < 0.0) || v.abs() > f32::MAX as f64)
        {
            return Err(Error::invalid(format!(
                "PR curve {tag}: row {r} holds {v}: values must be finite, counts not negative"
            )));
        }
    }
    let content = PrCurvePluginData { version: 0, num_thresholds: n as u32 }.encode_to_vec();
    let tensor = TensorProto {
        dtype: DT_FLOAT,
        tensor_shape: Some(TensorShapeProto::of(&[6, n as i64])),
        float_val: rows.iter().flatten().map(|&v| v as f32).collect(),
        ..Default::default()
    };
    Ok(plugin_value(tag, "pr_curves", content, tensor))
}

/// The curve of `predictions` against `labels` at `num_thresholds` thresholds (`add_pr_curve`).
pub fn pr_curve(
    tag: &str,
    labels: &[bool],
    predictions: &[f32],
    weights: Option<&[f32]>,
    num_thresholds: usize,
) -> Result<Value> {
    pr_curve_raw(tag, &counts_from_buckets(&buckets(labels, predictions, weights, num_thresholds)?))
}
