//! Histogram statistics with TensorFlow's default bucket limits, computed where the tensor lives:
//! on a GPU only a few kilobytes (min, max, sums, bucket counts) cross to the host, never the tensor.
use crate::tensorboard::proto::HistogramProto;
use anyhow::{Context, Result};
use std::sync::OnceLock;
use tch::{Device, Kind, Tensor};

/// TensorFlow's default limits (core/lib/histogram/histogram.cc): ±1e-12·1.1^k up to 1e20, ±DBL_MAX and 0.
/// Bucket i holds values v with limit[i-1] <= v < limit[i].
pub fn bucket_limits() -> &'static [f64] {
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

#[derive(Clone, Debug, PartialEq)]
pub struct HistStats {
    pub min: f64,
    pub max: f64,
    pub num: f64,
    pub sum: f64,
    pub sum_squares: f64,
    /// One count per entry of [`bucket_limits`].
    pub counts: Vec<f64>,
}

impl HistStats {
    pub fn mean(&self) -> f64 {
        self.sum / self.num
    }
    /// Population standard deviation.
    pub fn std(&self) -> f64 {
        let m = self.mean();
        (self.sum_squares / self.num - m * m).max(0.0).sqrt()
    }

    /// Host-side reference implementation, used by tests and for small arrays.
    pub fn from_values(values: &[f64]) -> Self {
        let limits = bucket_limits();
        let mut counts = vec![0.0; limits.len()];
        for &v in values {
            let i = limits.partition_point(|&l| l <= v).min(limits.len() - 1);
            counts[i] += 1.0;
        }
        HistStats {
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            num: values.len() as f64,
            sum: values.iter().sum(),
            sum_squares: values.iter().map(|v| v * v).sum(),
            counts,
        }
    }

    /// Like TensorFlow, empty buckets are dropped except one before each non-empty run, so the
    /// bucket edges TensorBoard derives stay right.
    pub fn to_proto(&self) -> HistogramProto {
        let limits = bucket_limits();
        let (mut bucket_limit, mut bucket) = (Vec::new(), Vec::new());
        for (i, (&limit, &count)) in limits.iter().zip(&self.counts).enumerate() {
            let next_nonzero = self.counts.get(i + 1).is_some_and(|&c| c != 0.0);
            if count != 0.0 || next_nonzero {
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

/// Histograms computed where the tensors live. The bucket limits are copied to the device once;
/// [`DeviceHistogram::rows`] queues the reductions without reading anything back, so the caller
/// decides when the one transfer happens (the DCN's monitoring step: together with its other values).
pub struct DeviceHistogram {
    limits: Tensor,
}

/// Columns before the bucket counts in a row of [`DeviceHistogram::rows`]: min, max, sum, sum of squares.
pub const SUMS: usize = 4;

impl DeviceHistogram {
    pub fn new(device: Device) -> Self {
        DeviceHistogram { limits: Tensor::from_slice(bucket_limits()).to_device(device) }
    }

    /// Width of a row: the sums, then one count per bucket limit.
    pub fn width(&self) -> usize {
        SUMS + bucket_limits().len()
    }

    /// [tensors.len(), width] f64 on the device: min, max, Σx, Σx², then the bucket counts. Bucket
    /// indices come from `bucketize` and are counted with `index_add_`, which (unlike `bincount`,
    /// which reads its input's maximum back to size its output) never waits for the device.
    pub fn rows(&self, tensors: &[&Tensor]) -> Tensor {
        let n_limits = self.limits.size()[0];
        tch::no_grad(|| {
            let rows: Vec<Tensor> = tensors
                .iter()
                .map(|t| {
                    let x = t.detach().flatten(0, -1).to_kind(Kind::Double);
                    let (min, max) = x.aminmax(None, false);
                    let sums = Tensor::stack(&[min, max, x.sum(Kind::Double), x.dot(&x)], 0);
                    // right=true: index i with limit[i-1] <= v < limit[i]; index n_limits only for +inf/NaN.
                    let idx = x.bucketize(&self.limits, false, true).clamp_max(n_limits - 1);
                    let counts = Tensor::zeros([n_limits], (Kind::Double, x.device())).index_add(
                        0,
                        &idx,
                        &idx.ones_like().to_kind(Kind::Double),
                    );
                    Tensor::cat(&[sums, counts], 0)
                })
                .collect();
            Tensor::stack(&rows, 0)
        })
    }
}

/// The statistics in rows read back from [`DeviceHistogram::rows`]; `numels` are the tensors' sizes.
pub fn stats_from_rows(flat: &[f64], numels: &[usize]) -> Vec<HistStats> {
    let width = SUMS + bucket_limits().len();
    flat.chunks(width)
        .zip(numels)
        .map(|(r, &n)| HistStats {
            min: r[0],
            max: r[1],
            num: n as f64,
            sum: r[2],
            sum_squares: r[3],
            counts: r[SUMS..].to_vec(),
        })
        .collect()
}

/// Statistics of every tensor in `tensors`, computed on their device and brought to the host in one
/// transfer. Empty tensors are not allowed.
pub fn device_stats(tensors: &[&Tensor]) -> Result<Vec<HistStats>> {
    let Some(first) = tensors.first() else { return Ok(Vec::new()) };
    let rows = DeviceHistogram::new(first.device()).rows(tensors);
    let flat = Vec::<f64>::try_from(rows.to_device(Device::Cpu).flatten(0, -1))
        .context("reading histogram statistics back")?;
    let numels: Vec<usize> = tensors.iter().map(|t| t.numel()).collect();
    Ok(stats_from_rows(&flat, &numels))
}
