//! Fast binning over TensorFlow's default buckets: the bucket of a value from its float bits (the
//! binary exponent and the top mantissa bits pick a slot of a small table, one comparison fixes
//! it up) instead of a binary search over the ~1,500 limits; large inputs are split across
//! threads. Equal to [`reference_index`] on every input (tests/histogram_bins.rs).
use super::histogram::default_bucket_limits;
use std::sync::OnceLock;

/// Mantissa bits of a slot: 2^(1/64) ≈ 1.011 < 1.1, so no slot holds two bucket limits.
const SLOT_BITS: u32 = 6;
/// The smallest binary exponent of the table: 2^-40 < 1e-12, the first positive limit.
const MIN_EXP: i32 = -40;
/// The largest: values are at most f32::MAX < 2^128.
const MAX_EXP: i32 = 127;
/// Inputs at least this long are split across threads.
const PARALLEL_MIN: usize = 1 << 17;

/// The index of `v`'s bucket by binary search: the i with `limit[i-1] <= v < limit[i]` (the
/// last bucket for larger values).
pub fn reference_index(v: f64) -> usize {
    let limits = default_bucket_limits();
    limits.partition_point(|&l| l <= v).min(limits.len() - 1)
}

struct Table {
    /// The positive limits (1e-12 … f64::MAX).
    pos: &'static [f64],
    /// Index of the 0 limit (= the number of negative limits).
    zero: usize,
    /// Per slot (exponent, top mantissa bits): how many positive limits are below its low end.
    below: Vec<u16>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let limits = default_bucket_limits();
        let zero = limits.partition_point(|&l| l < 0.0);
        let pos = &limits[zero + 1..];
        let slots = ((MAX_EXP - MIN_EXP + 1) as usize) << SLOT_BITS;
        let below = (0..slots)
            .map(|s| {
                let exp = (s >> SLOT_BITS) as i64 + MIN_EXP as i64 + 1023;
                let low = f64::from_bits(((exp as u64) << 52) | (((s as u64) & 63) << (52 - SLOT_BITS)));
                pos.partition_point(|&l| l < low) as u16
            })
            .collect();
        Table { pos, zero, below }
    })
}

impl Table {
    /// (positive limits ≤ a, positive limits < a) for a ≥ 0 within f32.
    #[inline(always)]
    fn counts(&self, a: f64) -> (usize, usize) {
        let bits = a.to_bits() & !(1 << 63); // -0.0 is 0
        let exp = (bits >> 52) as i32 - 1023;
        if exp < MIN_EXP {
            return (0, 0);
        }
        let slot = (((exp.min(MAX_EXP) - MIN_EXP) as usize) << SLOT_BITS)
            | ((bits >> (52 - SLOT_BITS)) & ((1 << SLOT_BITS) - 1)) as usize;
        // In range by construction (the exponent is clamped); `k` < pos.len() since f64::MAX is
        // above every slot's low end.
        let k = self.below[slot] as usize;
        let l = self.pos[k];
        (k + (l <= a) as usize, k + (l < a) as usize)
    }

    /// The bucket of a finite `v` within f32 (as [`reference_index`]).
    #[inline(always)]
    fn index(&self, v: f64) -> usize {
        // Both sides computed and one picked without a branch: the signs of real data are random.
        let (le, lt) = self.counts(v.abs());
        let pos = (self.zero + 1 + le).min(self.zero + self.pos.len());
        let neg = self.zero - lt;
        [pos, neg][usize::from(v < 0.0)]
    }
}

/// The bucket of `v` as [`reference_index`], for finite `v` with |v| ≤ f32::MAX.
pub fn fast_index(v: f64) -> usize {
    table().index(v)
}

/// Counts, min, max, sum and sum of squares of one part; `Err(i)`: the value at `i` is not finite
/// or beyond f32.
pub(crate) struct Part {
    pub counts: Vec<u64>,
    pub min: f64,
    pub max: f64,
    pub sum: f64,
    pub sum_squares: f64,
}

fn bin_part<T: Copy + Into<f64>>(values: &[T], offset: usize) -> Result<Part, usize> {
    let t = table();
    let mut p = Part {
        counts: vec![0; default_bucket_limits().len()],
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
        sum: 0.0,
        sum_squares: 0.0,
    };
    // Two accumulators each, to halve the add latency chains.
    let (mut s2, mut q2) = (0.0, 0.0);
    let mut pairs = values.chunks_exact(2);
    // Finite and within f32 (false for NaN).
    let ok = |v: f64| v.abs() <= f32::MAX as f64;
    for (i, pair) in pairs.by_ref().enumerate() {
        let (a, b) = (pair[0].into(), pair[1].into());
        if !(ok(a) && ok(b)) {
            return Err(offset + 2 * i + usize::from(ok(a)));
        }
        p.counts[t.index(a)] += 1;
        p.counts[t.index(b)] += 1;
        p.min = p.min.min(a.min(b));
        p.max = p.max.max(a.max(b));
        p.sum += a;
        s2 += b;
        p.sum_squares += a * a;
        q2 += b * b;
    }
    if let [v] = pairs.remainder() {
        let v: f64 = (*v).into();
        if !ok(v) {
            return Err(offset + values.len() - 1);
        }
        p.counts[t.index(v)] += 1;
        p.min = p.min.min(v);
        p.max = p.max.max(v);
        p.sum += v;
        p.sum_squares += v * v;
    }
    p.sum += s2;
    p.sum_squares += q2;
    Ok(p)
}

/// Bins `values` (non-empty) over the default buckets, across threads for large inputs; `Err(i)`:
/// the first bad value found is at `i` (NaN, an infinity or beyond f32).
pub(crate) fn bin<T: Copy + Into<f64> + Sync>(values: &[T]) -> Result<Part, usize> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if values.len() < PARALLEL_MIN || threads < 2 {
        return bin_part(values, 0);
    }
    let chunk = values.len().div_ceil(threads);
    let parts: Vec<Result<Part, usize>> = std::thread::scope(|s| {
        // A thread that cannot be started (or a part whose thread failed) is binned here instead.
        let handles: Vec<_> = values
            .chunks(chunk)
            .enumerate()
            .skip(1)
            .map(|(i, c)| {
                (i, c, std::thread::Builder::new().spawn_scoped(s, move || bin_part(c, i * chunk)).ok())
            })
            .collect();
        let first = bin_part(&values[..chunk], 0);
        let rest = handles.into_iter().map(|(i, c, h)| match h.map(|h| h.join()) {
            Some(Ok(part)) => part,
            _ => bin_part(c, i * chunk),
        });
        std::iter::once(first).chain(rest).collect()
    });
    let mut parts = parts.into_iter();
    let mut total = parts.next().unwrap_or(Err(0))?;
    for p in parts {
        let p = p?;
        total.counts.iter_mut().zip(&p.counts).for_each(|(a, b)| *a += b);
        total.min = total.min.min(p.min);
        total.max = total.max.max(p.max);
        total.sum += p.sum;
        total.sum_squares += p.sum_squares;
    }
    Ok(total)
}
