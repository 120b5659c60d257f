//! Histogram `bins` as PyTorch's `add_histogram(..., bins=, max_bins=)` takes them: TensorFlow's
//! buckets (the default), a bin count, or one of numpy's rules for equal-width bins ('auto', 'fd',
//! 'doane', 'scott', 'stone', 'rice', 'sturges', 'sqrt'), binned as `np.histogram` does and trimmed
//! as PyTorch's `make_histogram`.
use crate::error::{Error, Result};
use crate::proto::HistogramProto;
use crate::summary::histogram::default_bucket_limits;

/// The most bins a histogram may have, counted or from a rule (numpy's rules are capped here too):
/// 10^8 buckets already take 1.6 GB.
pub const MAX_BINS: usize = 100_000_000;

/// How to bin a histogram.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Bins {
    /// TensorFlow's exponential buckets (`bins='tensorflow'`, the default).
    #[default]
    Tensorflow,
    /// This many equal-width bins from the minimum to the maximum (`bins=n`).
    Count(usize),
    /// numpy's rule for the bin width (`bins='auto'`, …).
    Rule(BinRule),
}

/// numpy's bin width estimators (`np.histogram_bin_edges`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinRule {
    /// The smaller of 'sturges' and 'fd' (but at least half of 'sqrt'), as numpy 2.
    Auto,
    /// Freedman–Diaconis: 2·IQR·n^(-1/3).
    Fd,
    /// Doane: Sturges corrected for skew.
    Doane,
    /// Scott: (24·√π/n)^(1/3)·σ.
    Scott,
    /// Stone: the count up to max(100, √n) minimizing a leave-one-out risk estimate.
    Stone,
    /// Rice: range / (2·n^(1/3)).
    Rice,
    /// Sturges: range / (log2 n + 1).
    Sturges,
    /// range / √n.
    Sqrt,
}

impl std::str::FromStr for Bins {
    type Err = Error;
    /// numpy's names and "tensorflow".
    fn from_str(s: &str) -> Result<Bins> {
        Ok(match s {
            "tensorflow" => Bins::Tensorflow,
            "auto" => Bins::Rule(BinRule::Auto),
            "fd" => Bins::Rule(BinRule::Fd),
            "doane" => Bins::Rule(BinRule::Doane),
            "scott" => Bins::Rule(BinRule::Scott),
            "stone" => Bins::Rule(BinRule::Stone),
            "rice" => Bins::Rule(BinRule::Rice),
            "sturges" => Bins::Rule(BinRule::Sturges),
            "sqrt" => Bins::Rule(BinRule::Sqrt),
            _ => return Err(Error::invalid(format!("histogram bins {s:?}: not one of numpy's rules"))),
        })
    }
}

fn ptp(x: &[f64]) -> f64 {
    let (lo, hi) = x.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
    hi - lo
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn std(x: &[f64]) -> f64 {
    let m = mean(x);
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / x.len() as f64).sqrt()
}

/// numpy's `percentile` (linear interpolation) of sorted values.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let pos = q / 100.0 * (sorted.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos - pos.floor());
    let next = sorted[(i + 1).min(sorted.len() - 1)];
    sorted[i] + (next - sorted[i]) * frac
}

/// Counts of `x` in `n` equal bins over [lo, hi] (np.histogram's equal-width path).
fn equal_counts(x: &[f64], lo: f64, hi: f64, n: usize) -> (Vec<f64>, Vec<u64>) {
    let edges = linspace(lo, hi, n + 1);
    let mut counts = vec![0u64; n];
    for &v in x {
        if !(v >= lo && v <= hi) {
            continue;
        }
        let mut i = (((v - lo) / (hi - lo)) * n as f64) as usize;
        i = i.min(n - 1);
        if v < edges[i] {
            i -= 1;
        } else if i != n - 1 && v >= edges[i + 1] {
            i += 1;
        }
        counts[i] += 1;
    }
    (edges, counts)
}

/// PyTorch's `default_bins`: TensorFlow's limits without ±f64::MAX (values beyond ±1e20 fall out).
fn pytorch_tensorflow_edges() -> Vec<f64> {
    default_bucket_limits().iter().copied().filter(|l| l.abs() != f64::MAX).collect()
}

/// np.histogram's counts over increasing `edges`: bin i holds edges[i] ≤ v < edges[i+1], the last
/// one its right edge too; values outside are left out.
fn edge_counts(x: &[f64], edges: Vec<f64>) -> (Vec<f64>, Vec<u64>) {
    let n = edges.len() - 1;
    let mut counts = vec![0u64; n];
    for &v in x {
        if v >= edges[0] && v <= edges[n] {
            counts[(edges.partition_point(|&e| e <= v) - 1).min(n - 1)] += 1;
        }
    }
    (edges, counts)
}

/// np.linspace(lo, hi, num): lo + i·step, the last exactly hi.
fn linspace(lo: f64, hi: f64, num: usize) -> Vec<f64> {
    let div = (num - 1) as f64;
    let step = (hi - lo) / div;
    let mut v: Vec<f64> = (0..num)
        .map(|i| if step == 0.0 { i as f64 / div * (hi - lo) + lo } else { i as f64 * step + lo })
        .collect();
    v[num - 1] = hi;
    v
}

/// The bin width of `rule` for `x` (0: one bin).
fn width(rule: BinRule, x: &[f64], lo: f64, hi: f64) -> f64 {
    let n = x.len() as f64;
    let sturges = ptp(x) / (n.log2() + 1.0);
    let fd = || {
        let mut s = x.to_vec();
        s.sort_by(f64::total_cmp);
        2.0 * (percentile(&s, 75.0) - percentile(&s, 25.0)) * n.powf(-1.0 / 3.0)
    };
    match rule {
        BinRule::Sqrt => ptp(x) / n.sqrt(),
        BinRule::Sturges => sturges,
        BinRule::Rice => ptp(x) / (2.0 * n.powf(1.0 / 3.0)),
        BinRule::Scott => (24.0 * std::f64::consts::PI.sqrt() / n).powf(1.0 / 3.0) * std(x),
        BinRule::Fd => fd(),
        // numpy ≥ 2.1: Freedman–Diaconis held to at least half the 'sqrt' width.
        BinRule::Auto => fd().max(ptp(x) / n.sqrt() / 2.0).min(sturges),
        BinRule::Doane => {
            let sigma = std(x);
            if x.len() <= 2 || sigma <= 0.0 {
                return 0.0;
            }
            let sg1 = (6.0 * (n - 2.0) / ((n + 1.0) * (n + 3.0))).sqrt();
            let m = mean(x);
            let g1 = x.iter().map(|v| ((v - m) / sigma).powi(3)).sum::<f64>() / n;
            ptp(x) / (1.0 + n.log2() + (1.0 + g1.abs() / sg1).log2())
        }
        BinRule::Stone => {
            let p = ptp(x);
            if x.len() <= 1 || p == 0.0 {
                return 0.0;
            }
            let upper = 100.max(n.sqrt() as usize);
            let jhat = |k: usize| {
                let (_, c) = equal_counts(x, lo, hi, k);
                let pk2: f64 = c.iter().map(|&c| (c as f64 / n) * (c as f64 / n)).sum();
                (2.0 - (n + 1.0) * pk2) / (p / k as f64)
            };
            // Python's min(): the first smallest.
            let best =
                (1..=upper)
                    .map(|k| (k, jhat(k)))
                    .fold((0, f64::INFINITY), |b, (k, j)| if j < b.1 { (k, j) } else { b });
            p / best.0 as f64
        }
    }
}

/// PyTorch's `make_histogram(values, bins, max_bins)`: np.histogram over PyTorch's TensorFlow edges,
/// or `n` equal bins over [min, max] (±0.5 if they are equal), `max_bins` merging neighbouring bins, then only the bins
/// from the one before the first non-empty to the last non-empty kept. `values` are finite.
pub(crate) fn numpy_histogram(values: &[f64], bins: Bins, max_bins: Option<usize>) -> Result<HistogramProto> {
    let (mut lo, mut hi) =
        values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
    let (min, max) = (lo, hi);
    if lo == hi {
        (lo, hi) = (lo - 0.5, hi + 0.5);
    }
    let n = match bins {
        Bins::Count(0) => return Err(Error::invalid("histogram: bins must be at least 1")),
        Bins::Count(n) if n > MAX_BINS => {
            return Err(Error::invalid(format!("histogram: {n} bins is more than {MAX_BINS}")))
        }
        Bins::Count(n) => n,
        Bins::Rule(rule) => match width(rule, values, lo, hi) {
            w if w > 0.0 && w.is_finite() => ((hi - lo) / w).ceil().min(MAX_BINS as f64) as usize,
            _ => 1,
        },
        Bins::Tensorflow => 0,
    };
    let (mut limits, counts) = if n == 0 {
        edge_counts(values, pytorch_tensorflow_edges())
    } else {
        equal_counts(values, lo, hi, n)
    };
    let mut counts: Vec<f64> = counts.into_iter().map(|c| c as f64).collect();
    if let Some(m) = max_bins.filter(|&m| counts.len() > m) {
        if m == 0 {
            return Err(Error::invalid("histogram: max_bins must be at least 1"));
        }
        let sub = counts.len() / m;
        counts = counts.chunks(sub).map(|c| c.iter().sum()).collect();
        let last = limits[limits.len() - 1];
        limits = limits[..limits.len() - 1].iter().step_by(sub).copied().chain([last]).collect();
    }
    Ok(trimmed(values, min, max, &limits, &counts))
}

/// PyTorch's trimming: counts from the bin before the first non-empty one (or a 0 in front) to the
/// last non-empty one, with their right edges (TensorBoard's `bucket_limit`).
pub(crate) fn trimmed(values: &[f64], min: f64, max: f64, limits: &[f64], counts: &[f64]) -> HistogramProto {
    let start = counts.iter().position(|&c| c > 0.0).unwrap_or(0);
    let end = counts.iter().rposition(|&c| c > 0.0).map_or(counts.len(), |e| e + 1);
    let bucket: Vec<f64> = if start > 0 {
        counts[start - 1..end].to_vec()
    } else {
        [0.0].into_iter().chain(counts[..end].iter().copied()).collect()
    };
    HistogramProto {
        min,
        max,
        num: values.len() as f64,
        sum: values.iter().sum(),
        sum_squares: values.iter().map(|v| v * v).sum(),
        bucket_limit: limits[start..end + 1].to_vec(),
        bucket,
    }
}

/// A histogram of `values` binned as `bins` says, at most `max_bins` bins (PyTorch's
/// `histogram(tag, values, bins, max_bins)`); the default (TensorFlow's buckets, no `max_bins`) is
/// [`histogram`](super::histogram::histogram). Values must be finite.
pub fn histogram_with<T: Copy + Into<f64> + Sync>(
    tag: &str,
    values: &[T],
    bins: Bins,
    max_bins: Option<usize>,
) -> Result<crate::proto::Value> {
    if bins == Bins::Tensorflow && max_bins.is_none() {
        return super::histogram::histogram(tag, values);
    }
    let values: Vec<f64> = values.iter().map(|&v| v.into()).collect();
    if values.is_empty() {
        return Err(Error::invalid(format!("histogram {tag}: needs at least one value")));
    }
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid(format!(
            "histogram {tag}: value {i} is {}: values must be finite",
            values[i]
        )));
    }
    let h = numpy_histogram(&values, bins, max_bins)?;
    if h.bucket.iter().sum::<f64>() == 0.0 {
        return Err(Error::invalid(format!("histogram {tag}: no value within the buckets")));
    }
    Ok(super::histogram::histogram_proto(tag, h))
}
