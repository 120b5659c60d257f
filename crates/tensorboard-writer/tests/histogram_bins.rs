//! The fast binning over TensorFlow's buckets (bucket from the float's bits) against the plain
//! binary search, on every bucket edge, its neighbours, zeros, subnormals, the f32 extremes and
//! random values; and whole histograms (split across threads) against a reference count.
use tensorboard_writer::summary::buckets::{fast_index, reference_index};
use tensorboard_writer::summary::histogram::default_bucket_limits;
use tensorboard_writer::HistogramStats;

/// The neighbouring floats of a finite, non-zero `x`.
fn neighbours(x: f64) -> [f64; 3] {
    let b = x.to_bits();
    [f64::from_bits(b - 1), x, f64::from_bits(b + 1)]
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn edge_cases() -> Vec<f64> {
    let max = f32::MAX as f64;
    let mut v = vec![0.0, -0.0, f64::MIN_POSITIVE, -f64::MIN_POSITIVE, 5e-324, -5e-324, max, -max, 1.0, -1.0];
    v.extend([1e-12, 1e20, 2f64.powi(-40), 2f64.powi(127)].iter().flat_map(|&x| neighbours(x)));
    for &l in default_bucket_limits() {
        if l != 0.0 && l.abs() <= max {
            v.extend(neighbours(l));
        }
    }
    v.extend(v.clone().iter().map(|x| -x));
    v
}

#[test]
fn fast_bucket_index_equals_binary_search() {
    for v in edge_cases() {
        assert_eq!(fast_index(v), reference_index(v), "value {v:e} ({:#x})", v.to_bits());
    }
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let max = f32::MAX as f64;
    for _ in 0..2_000_000 {
        // Random bit patterns (all exponents), and values at random scales.
        let bits = f64::from_bits(rng.next());
        let v = if bits.is_finite() && bits.abs() <= max {
            bits
        } else {
            (rng.unit() - 0.5) * 10f64.powf(rng.unit() * 50.0 - 20.0)
        };
        assert_eq!(fast_index(v), reference_index(v), "value {v:e} ({:#x})", v.to_bits());
    }
}

fn reference(values: &[f64]) -> Vec<f64> {
    let mut counts = vec![0.0; default_bucket_limits().len()];
    values.iter().for_each(|&v| counts[reference_index(v)] += 1.0);
    counts
}

#[test]
fn histograms_equal_the_reference_counts() {
    let mut rng = Rng(42);
    // Small (one thread), odd lengths (the pairwise loop's remainder), and large (threads).
    for n in [1, 2, 3, 1001, (1 << 17) + 3, 1 << 20] {
        let mut values: Vec<f64> =
            (0..n).map(|_| (rng.unit() - 0.5) * 10f64.powf(rng.unit() * 30.0 - 15.0)).collect();
        let edges = edge_cases();
        values.iter_mut().zip(edges.iter().cycle()).step_by(7).for_each(|(v, e)| *v = *e);
        let s = HistogramStats::from_values(&values).unwrap();
        assert_eq!(s.counts, reference(&values), "n = {n}");
        assert_eq!(s.num, n as f64);
        assert_eq!(s.min, values.iter().cloned().fold(f64::INFINITY, f64::min));
        assert_eq!(s.max, values.iter().cloned().fold(f64::NEG_INFINITY, f64::max));
        let f32s: Vec<f32> = values.iter().map(|&v| v as f32).collect();
        let s = HistogramStats::from_values(&f32s).unwrap();
        let widened: Vec<f64> = f32s.iter().map(|&v| v as f64).collect();
        assert_eq!(s.counts, reference(&widened), "f32, n = {n}");
    }
    let sums: Vec<f64> = (0..(1 << 18)).map(|i| (i % 1000) as f64 * 0.5).collect();
    let s = HistogramStats::from_values(&sums).unwrap();
    assert_eq!(s.sum, sums.iter().sum::<f64>()); // exact in f64: half-integers
    assert_eq!(s.sum_squares, sums.iter().map(|v| v * v).sum::<f64>());
}

#[test]
fn the_first_bad_value_is_named_even_across_threads() {
    for n in [5, 1 << 20] {
        for (at, bad) in [(n - 1, f64::NAN), (n / 2 + 1, f64::INFINITY), (3, -1e39), (n / 2 + 1, f64::NAN)] {
            let mut values = vec![0.5f64; n];
            values[at] = bad;
            if n > 5 {
                values[n - 1] = f64::NAN; // a later bad value: the first is named
            }
            let e = HistogramStats::from_values(&values).unwrap_err().to_string();
            assert!(e.contains(&format!("value {at} is")), "n {n}, at {at}: {e}");
        }
    }
}
