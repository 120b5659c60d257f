//! Histograms with TensorFlow's default buckets (what `add_histogram(..., bins='tensorflow')`
//! writes), and the raw form that `add_histogram_raw` takes.
use crate::error::{Error, Result};
use crate::proto::{value, HistogramProto, Value};
use crate::summary::buckets;
use std::sync::OnceLock;

/// TensorFlow's default bucket limits (core/lib/histogram/histogram.cc): ±1e-12·1.1^k up to 1e20,
/// ±f64::MAX and 0. Bucket i holds the values v with `limit[i-1] <= v < limit[i]`.
pub fn default_bucket_limits() -> &'static [f64] {
    static LIMITS: OnceLock<Vec<f64>> = OnceLock::new();
    LIMITS.get_or_init(|| {
        let mut pos = Vec::new();
        let mut v = 1e-12;
        while v < 1e20 {
            pos.push(v);
            v *= 1.1;
        }
        pos.push(f64::MAX);
        let mut limits: Vec<f64> = pos.iter().rev().map(|v| -v).collect();
        limits.push(0.0);
        limits.extend(pos);
        limits
    })
}

/// A histogram over [`default_bucket_limits`]: the statistics and one count per limit.
#[derive(Clone, Debug, PartialEq)]
pub struct HistogramStats {
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
    /// How many values.
    pub num: f64,
    /// Their sum.
    pub sum: f64,
    /// The sum of their squares.
    pub sum_squares: f64,
    /// One count per entry of [`default_bucket_limits`].
    pub counts: Vec<f64>,
}

impl HistogramStats {
    /// The histogram of `values`, which must be non-empty and finite, at most `f32::MAX` in
    /// magnitude (TensorBoard's histogram buckets are float32).
    pub fn from_values<T: Copy + Into<f64> + Sync>(values: &[T]) -> Result<HistogramStats> {
        if values.is_empty() {
            return Err(Error::invalid("a histogram needs at least one value"));
        }
        let p = buckets::bin(values).map_err(|i| {
            let v: f64 = values.get(i).map_or(f64::NAN, |&v| v.into());
            Error::invalid(format!("histogram value {i} is {v}: values must be finite (within f32)"))
        })?;
        Ok(HistogramStats {
            min: p.min,
            max: p.max,
            num: values.len() as f64,
            sum: p.sum,
            sum_squares: p.sum_squares,
            counts: p.counts.iter().map(|&c| c as f64).collect(),
        })
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        self.sum / self.num
    }

    /// Population standard deviation.
    pub fn std(&self) -> f64 {
        let m = self.mean();
        (self.sum_squares / self.num - m * m).max(0.0).sqrt()
    }

    /// The proto TensorBoard reads. Like TensorFlow, empty buckets are dropped except one before
    /// each non-empty run, so the bucket edges TensorBoard derives stay right.
    pub fn to_proto(&self) -> HistogramProto {
        let (mut bucket_limit, mut bucket) = (Vec::new(), Vec::new());
        for (i, (&limit, &count)) in default_bucket_limits().iter().zip(&self.counts).enumerate() {
            if count != 0.0 || self.counts.get(i + 1).is_some_and(|&c| c != 0.0) {
                bucket_limit.push(limit);
                bucket.push(count);
            }
        }
        HistogramProto {
            min: self.min,
            max: self.max,
            num: self.num,
            sum: self.sum,
            sum_squares: self.sum_squares,
            bucket_limit,
            bucket,
        }
    }
}

/// The histogram of `values` (the Histograms and Distributions tabs).
pub fn histogram<T: Copy + Into<f64> + Sync>(tag: &str, values: &[T]) -> Result<Value> {
    Ok(histogram_proto(tag, HistogramStats::from_values(values)?.to_proto()))
}

/// A histogram given by its statistics and buckets (`add_histogram_raw`): `bucket_limit` and
/// `bucket` have one entry per bucket, limits increasing (no NaN), counts finite, not negative and
/// adding up to `num`.
pub fn histogram_raw(tag: &str, h: HistogramProto) -> Result<Value> {
    if h.bucket_limit.len() != h.bucket.len() || h.bucket.is_empty() {
        return Err(Error::invalid(format!(
            "histogram {tag}: {} bucket limits and {} counts (need the same number, at least one)",
            h.bucket_limit.len(),
            h.bucket.len()
        )));
    }
    if h.bucket_limit.iter().any(|l| l.is_nan()) || h.bucket_limit.windows(2).any(|w| w[0] >= w[1]) {
        return Err(Error::invalid(format!("histogram {tag}: bucket limits must increase (and not be NaN)")));
    }
    if let Some(c) = h.bucket.iter().chain([&h.num]).find(|c| !c.is_finite() || **c < 0.0) {
        return Err(Error::invalid(format!(
            "histogram {tag}: a count of {c}: counts must be finite and not negative"
        )));
    }
    Ok(histogram_proto(tag, h))
}

pub(crate) fn histogram_proto(tag: &str, h: HistogramProto) -> Value {
    Value { tag: tag.into(), metadata: None, kind: Some(value::Kind::Histo(h)) }
}

/// The histogram of [`HistogramStats`] (computed elsewhere, for example on a device).
pub fn histogram_stats(tag: &str, s: &HistogramStats) -> Value {
    histogram_proto(tag, s.to_proto())
}
