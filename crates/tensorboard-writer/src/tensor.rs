//! `tch::Tensor` inputs (feature `tch`): histograms and PR-curve counts computed on the tensor's
//! device, with one read back to the host. The `*_rows` functions only queue the work and return a
//! device tensor, so a training loop can read many statistics back in one transfer, together with
//! its own values, and turn them into summaries afterwards ([`stats_from_rows`],
//! [`pr_curves_from_rows`]).
use crate::error::{Error, Result};
use crate::summary::histogram::{default_bucket_limits, HistogramStats};
use crate::summary::image::DataFormat;
use crate::summary::pr_curve::{check_thresholds, counts_from_buckets, PrBuckets};
use crate::SummaryWriter;
use tch::{Device, Kind, Tensor};

/// Columns before the bucket counts in a row of [`DeviceHistogram::rows`]: min, max, Σx, Σx².
pub const SUMS: usize = 4;

/// Histograms computed where the tensors live. The bucket limits are copied to the device once.
pub struct DeviceHistogram {
    limits: Tensor,
}

impl DeviceHistogram {
    /// Copies the bucket limits to `device`.
    pub fn new(device: Device) -> DeviceHistogram {
        DeviceHistogram { limits: Tensor::from_slice(default_bucket_limits()).to_device(device) }
    }

    /// Width of a row: the sums, then one count per bucket limit.
    pub fn width(&self) -> usize {
        SUMS + default_bucket_limits().len()
    }

    /// [tensors.len(), width] f64 on the device: min, max, Σx, Σx², then the bucket counts. Bucket
    /// indices come from `bucketize` and are counted with `index_add`, which (unlike `bincount`,
    /// which reads its input's maximum back to size its output) never waits for the device. +inf
    /// and NaN land in the last bucket. Nothing is read back.
    pub fn rows(&self, tensors: &[&Tensor]) -> Result<Tensor> {
        let n_limits = self.limits.size()[0];
        tch::no_grad(|| {
            let rows = tensors
                .iter()
                .map(|t| {
                    let x = t.detach().f_flatten(0, -1)?.f_to_kind(Kind::Double)?;
                    let (min, max) = x.f_aminmax(None, false)?;
                    let sums = Tensor::f_stack(&[min, max, x.f_sum(Kind::Double)?, x.f_dot(&x)?], 0)?;
                    // right=true: index i with limit[i-1] <= v < limit[i]; index n_limits only for +inf/NaN.
                    let idx = x.f_bucketize(&self.limits, false, true)?.f_clamp_max(n_limits - 1)?;
                    let ones = idx.f_ones_like()?.f_to_kind(Kind::Double)?;
                    let counts = Tensor::f_zeros([n_limits], (Kind::Double, x.device()))?.f_index_add(0, &idx, &ones)?;
                    Ok(Tensor::f_cat(&[sums, counts], 0)?)
                })
                .collect::<Result<Vec<Tensor>>>()?;
            Ok(Tensor::f_stack(&rows, 0)?)
        })
    }
}

/// The histograms in rows read back from [`DeviceHistogram::rows`]; `numels` are the tensors' sizes.
pub fn stats_from_rows(flat: &[f64], numels: &[usize]) -> Vec<HistogramStats> {
    flat.chunks(SUMS + default_bucket_limits().len())
        .zip(numels)
        .map(|(r, &n)| HistogramStats {
            min: r[0],
            max: r[1],
            num: n as f64,
            sum: r[2],
            sum_squares: r[3],
            counts: r[SUMS..].to_vec(),
        })
        .collect()
}

fn read_f64(t: &Tensor) -> Result<Vec<f64>> {
    let host = t.f_to_device(Device::Cpu)?.f_to_kind(Kind::Double)?.f_flatten(0, -1)?;
    Ok(Vec::<f64>::try_from(host)?)
}

/// Histograms of every tensor (non-empty), computed on their device and read back in one transfer.
pub fn histograms(tensors: &[&Tensor]) -> Result<Vec<HistogramStats>> {
    let Some(first) = tensors.first() else { return Ok(Vec::new()) };
    if let Some(t) = tensors.iter().find(|t| t.numel() == 0) {
        return Err(Error::invalid(format!("histogram of an empty tensor of shape {:?}", t.size())));
    }
    let rows = DeviceHistogram::new(first.device()).rows(tensors)?;
    let numels: Vec<usize> = tensors.iter().map(|t| t.numel()).collect();
    Ok(stats_from_rows(&read_f64(&rows)?, &numels))
}

/// [curves.len(), 2·N + 2] f64 on the device: for each (labels, predictions) pair the weighted
/// true- and false-positive counts per threshold bucket (as [`crate::summary::pr_curve::buckets`]),
/// then the predictions' min and max (checked on the host). Nothing is read back.
pub fn pr_curve_rows(curves: &[(&Tensor, &Tensor)], num_thresholds: usize) -> Result<Tensor> {
    check_thresholds(num_thresholds)?;
    let n = num_thresholds as i64;
    tch::no_grad(|| {
        let rows = curves
            .iter()
            .map(|(labels, preds)| {
                let p = preds.detach().f_flatten(0, -1)?.f_to_kind(Kind::Double)?;
                let l = labels.detach().f_flatten(0, -1)?.f_to_kind(Kind::Double)?;
                if p.size() != l.size() || p.numel() == 0 {
                    return Err(Error::invalid(format!("PR curve: labels {:?}, predictions {:?}", l.size(), p.size())));
                }
                // floor(p·(N−1)), then numpy's histogram over (0, N−1) with N bins: k·N div (N−1).
                let k = p.f_mul_scalar((n - 1) as f64)?.f_floor()?.f_to_kind(Kind::Int64)?.f_clamp(0, n - 1)?;
                let bin = k.f_mul_scalar(n)?.f_floor_divide_scalar(n - 1)?.f_clamp_max(n - 1)?;
                let zeros = Tensor::f_zeros([n], (Kind::Double, p.device()))?;
                let tp = zeros.f_index_add(0, &bin, &l)?;
                let fp = zeros.f_index_add(0, &bin, &l.f_neg()?.f_add_scalar(1.0)?)?;
                let (min, max) = p.f_aminmax(None, false)?;
                Ok(Tensor::f_cat(&[tp, fp, min.f_reshape([1])?, max.f_reshape([1])?], 0)?)
            })
            .collect::<Result<Vec<Tensor>>>()?;
        Ok(Tensor::f_stack(&rows, 0)?)
    })
}

/// The six rows of each curve from [`pr_curve_rows`] read back; an error if a prediction was
/// outside [0, 1].
pub fn pr_curves_from_rows(flat: &[f64], num_thresholds: usize) -> Result<Vec<[Vec<f64>; 6]>> {
    let n = num_thresholds;
    flat.chunks(2 * n + 2)
        .map(|r| {
            let (min, max) = (r[2 * n], r[2 * n + 1]);
            if !(0.0..=1.0).contains(&min) || !(0.0..=1.0).contains(&max) {
                return Err(Error::invalid(format!("PR curve: predictions from {min} to {max}, outside [0, 1]")));
            }
            Ok(counts_from_buckets(&PrBuckets { tp: r[..n].to_vec(), fp: r[n..2 * n].to_vec() }))
        })
        .collect()
}

impl SummaryWriter {
    /// [`add_histogram`](Self::add_histogram) of a tensor, computed on its device.
    pub fn add_histogram_tensor(&mut self, tag: &str, values: &Tensor, step: i64) -> Result<()> {
        let stats = histograms(&[values])?.remove(0);
        // As add_histogram: NaN or an infinity (min or max not finite after aminmax) is refused.
        if !stats.min.is_finite() || !stats.max.is_finite() {
            return Err(Error::invalid(format!("histogram {tag}: values from {} to {}: values must be finite", stats.min, stats.max)));
        }
        self.add_histogram_raw(tag, stats.to_proto(), step)
    }

    /// [`add_pr_curve`](Self::add_pr_curve) of tensors (labels: bool or 0/1; predictions in
    /// [0, 1]), counted on their device.
    pub fn add_pr_curve_tensor(&mut self, tag: &str, labels: &Tensor, predictions: &Tensor, num_thresholds: usize, step: i64) -> Result<()> {
        let rows = pr_curve_rows(&[(labels, predictions)], num_thresholds)?;
        let curve = pr_curves_from_rows(&read_f64(&rows)?, num_thresholds)?.remove(0);
        self.add_pr_curve_raw(tag, &curve, step)
    }

    /// [`add_image`](Self::add_image) / [`add_images`](Self::add_images) of a float tensor in
    /// [0, 1] or a `uint8` tensor, with its shape.
    pub fn add_image_tensor(&mut self, tag: &str, img: &Tensor, format: DataFormat, step: i64) -> Result<()> {
        let shape: Vec<usize> = img.size().iter().map(|&s| s as usize).collect();
        let host = img.f_to_device(Device::Cpu)?.f_flatten(0, -1)?;
        if img.kind() == Kind::Uint8 {
            self.add_image(tag, &Vec::<u8>::try_from(host)?, &shape, format, step)
        } else {
            self.add_image(tag, &Vec::<f32>::try_from(host.f_to_kind(Kind::Float)?)?, &shape, format, step)
        }
    }
}
