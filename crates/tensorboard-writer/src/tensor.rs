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
                    let counts = Tensor::f_zeros([n_limits], (Kind::Double, x.device()))?
                        .f_index_add(0, &idx, &ones)?;
                    Ok(Tensor::f_cat(&[sums, counts], 0)?)
                })
                .collect::<Result<Vec<Tensor>>>()?;
            Ok(Tensor::f_stack(&rows, 0)?)
        })
    }
}

/// The histograms in rows read back from [`DeviceHistogram::rows`]; `numels` are the tensors' sizes.
/// One histogram per whole row that has a size: a short tail of `flat` (less than a row) or rows
/// beyond `numels` give none.
pub fn stats_from_rows(flat: &[f64], numels: &[usize]) -> Vec<HistogramStats> {
    flat.chunks_exact(SUMS + default_bucket_limits().len())
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
    let stats = stats_from_rows(&read_f64(&rows)?, &numels);
    if stats.len() != tensors.len() {
        return Err(Error::invalid(format!(
            "{} histograms read back for {} tensors",
            stats.len(),
            tensors.len()
        )));
    }
    Ok(stats)
}

/// [curves.len(), 2·N + 3] f64 on the device ([`pr_row_width`]): for each (labels, predictions)
/// pair the true- and false-positive counts per threshold bucket (as
/// [`crate::summary::pr_curve::buckets`]: `floor(p·(N−1))` in float32, or in float64 for a
/// float64 tensor, as PyTorch), then the predictions' min and max and the number of labels that
/// are neither 0 nor 1 (checked on the host). Nothing is read back.
pub fn pr_curve_rows(curves: &[(&Tensor, &Tensor)], num_thresholds: usize) -> Result<Tensor> {
    check_thresholds(num_thresholds)?;
    let n = num_thresholds as i64;
    tch::no_grad(|| {
        let rows = curves
            .iter()
            .map(|(labels, preds)| {
                let kind = if preds.kind() == Kind::Double { Kind::Double } else { Kind::Float };
                let p = preds.detach().f_flatten(0, -1)?.f_to_kind(kind)?;
                let l = labels.detach().f_flatten(0, -1)?.f_to_kind(Kind::Double)?;
                if p.size() != l.size() || p.numel() == 0 {
                    return Err(Error::invalid(format!(
                        "PR curve: labels {:?}, predictions {:?}",
                        l.size(),
                        p.size()
                    )));
                }
                // floor(p·(N−1)) in p's float kind; numpy's histogram over (0, N−1) with N bins then
                // keeps each integer k ≤ N−1 in bucket k.
                let bin =
                    p.f_mul_scalar((n - 1) as f64)?.f_floor()?.f_to_kind(Kind::Int64)?.f_clamp(0, n - 1)?;
                let bad = l.f_ne(0.0)?.f_logical_and(&l.f_ne(1.0)?)?.f_sum(Kind::Double)?;
                let zeros = Tensor::f_zeros([n], (Kind::Double, p.device()))?;
                let tp = zeros.f_index_add(0, &bin, &l)?;
                let fp = zeros.f_index_add(0, &bin, &l.f_neg()?.f_add_scalar(1.0)?)?;
                let (min, max) = p.f_aminmax(None, false)?;
                let tail =
                    Tensor::f_stack(&[min.f_to_kind(Kind::Double)?, max.f_to_kind(Kind::Double)?, bad], 0)?;
                Ok(Tensor::f_cat(&[tp, fp, tail], 0)?)
            })
            .collect::<Result<Vec<Tensor>>>()?;
        Ok(Tensor::f_stack(&rows, 0)?)
    })
}

/// Width of a row of [`pr_curve_rows`] for `num_thresholds`: 2·N + 3.
pub fn pr_row_width(num_thresholds: usize) -> usize {
    2 * num_thresholds + 3
}

/// The six rows of each curve from [`pr_curve_rows`] read back; an error if a prediction was
/// outside [0, 1], a label neither 0 nor 1, or `flat` is not whole rows.
pub fn pr_curves_from_rows(flat: &[f64], num_thresholds: usize) -> Result<Vec<[Vec<f64>; 6]>> {
    check_thresholds(num_thresholds)?;
    let (n, width) = (num_thresholds, pr_row_width(num_thresholds));
    if flat.len() % width != 0 {
        return Err(Error::invalid(format!("PR curve rows: {} values are not rows of {width}", flat.len())));
    }
    flat.chunks_exact(width)
        .map(|r| {
            let (min, max, bad) = (r[2 * n], r[2 * n + 1], r[2 * n + 2]);
            if !(0.0..=1.0).contains(&min) || !(0.0..=1.0).contains(&max) {
                return Err(Error::invalid(format!(
                    "PR curve: predictions from {min} to {max}, outside [0, 1]"
                )));
            }
            if bad != 0.0 {
                return Err(Error::invalid(format!("PR curve: {bad} labels are neither 0 nor 1 (nor bool)")));
            }
            Ok(counts_from_buckets(&PrBuckets { tp: r[..n].to_vec(), fp: r[n..2 * n].to_vec() }))
        })
        .collect()
}

impl SummaryWriter {
    /// [`add_histogram`](Self::add_histogram) of a tensor, computed on its device.
    pub fn add_histogram_tensor(
        &mut self,
        tag: &str,
        values: &Tensor,
        step: impl Into<crate::Step>,
    ) -> Result<()> {
        let stats = histograms(&[values])?.remove(0);
        // As add_histogram: NaN or an infinity (min or max not finite after aminmax) is refused.
        if ![stats.min, stats.max].iter().all(|v| v.is_finite() && v.abs() <= f32::MAX as f64) {
            return Err(Error::invalid(format!(
                "histogram {tag}: values from {} to {}: values must be finite",
                stats.min, stats.max
            )));
        }
        self.add_histogram_raw(tag, stats.to_proto(), step)
    }

    /// [`add_pr_curve`](Self::add_pr_curve) of tensors (labels: bool or 0/1; predictions in
    /// [0, 1]), counted on their device.
    pub fn add_pr_curve_tensor(
        &mut self,
        tag: &str,
        labels: &Tensor,
        predictions: &Tensor,
        num_thresholds: usize,
        step: impl Into<crate::Step>,
    ) -> Result<()> {
        let rows = pr_curve_rows(&[(labels, predictions)], num_thresholds)?;
        let curve = pr_curves_from_rows(&read_f64(&rows)?, num_thresholds)?.remove(0);
        self.add_pr_curve_raw(tag, &curve, step)
    }

    /// [`add_image`](Self::add_image) / [`add_images`](Self::add_images) of a float tensor in
    /// [0, 1] or a `uint8` tensor, with its shape.
    pub fn add_image_tensor(
        &mut self,
        tag: &str,
        img: &Tensor,
        format: DataFormat,
        step: impl Into<crate::Step>,
    ) -> Result<()> {
        let shape: Vec<usize> = img.size().iter().map(|&s| s as usize).collect();
        let host = img.f_to_device(Device::Cpu)?.f_flatten(0, -1)?;
        if img.kind() == Kind::Uint8 {
            self.add_image(tag, &Vec::<u8>::try_from(host)?, &shape, format, step)
        } else {
            self.add_image(tag, &Vec::<f32>::try_from(host.f_to_kind(Kind::Float)?)?, &shape, format, step)
        }
    }
}
