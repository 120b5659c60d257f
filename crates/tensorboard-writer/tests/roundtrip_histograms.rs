//! Histograms written by the crate and read back with its own reader: TensorFlow's buckets, counts
//! that add up, exact statistics. Needs neither libtorch nor Python.
mod common;

use common::{histo, read, tagged};
use tensorboard_writer::proto::HistogramProto;
use tensorboard_writer::summary::histogram::default_bucket_limits;
use tensorboard_writer::{HistogramStats, SummaryWriter};

#[test]
fn histograms_have_tensorflow_buckets_that_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let values: Vec<f64> = (0..10_000).map(|i| ((i as f64) * 0.37).sin() * 3.0).collect();
    w.add_histogram("w", &values, 5).unwrap();
    w.add_histogram("ints", &[1i32, 2, 2, 3, 3, 3], 6).unwrap();
    w.add_histogram("zeros", &[0.0f32; 7], 7).unwrap();
    let raw = HistogramProto {
        min: -1.0,
        max: 1.0,
        num: 4.0,
        sum: 0.0,
        sum_squares: 2.5,
        bucket_limit: vec![-0.5, 0.0, 0.5, 1.0],
        bucket: vec![1.0, 1.0, 1.0, 1.0],
    };
    w.add_histogram_raw("raw", raw.clone(), 8).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!(events.len(), 5);
    let h = tagged(&events, "w");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].0, 5);
    let h = histo(&h[0].1);
    assert_eq!(h.num, 10_000.0);
    assert_eq!(h.bucket.iter().sum::<f64>(), h.num);
    assert_eq!(h.min, values.iter().cloned().fold(f64::INFINITY, f64::min));
    assert_eq!(h.max, values.iter().cloned().fold(f64::NEG_INFINITY, f64::max));
    assert!((h.sum - values.iter().sum::<f64>()).abs() < 1e-9);
    assert!((h.sum_squares - values.iter().map(|v| v * v).sum::<f64>()).abs() < 1e-6);
    assert_eq!(h.bucket.len(), h.bucket_limit.len());
    assert!(h.bucket_limit.windows(2).all(|w| w[0] < w[1]));
    // Every limit is one of TensorFlow's, and each value lies below its bucket's limit and at or
    // above the previous default limit.
    let limits = default_bucket_limits();
    assert!(h.bucket_limit.iter().all(|l| limits.contains(l)));
    for &v in &values[..200] {
        let i = h.bucket_limit.partition_point(|&l| l <= v);
        assert!(h.bucket[i] > 0.0, "value {v} has an empty bucket");
        let k = limits.iter().position(|&l| l == h.bucket_limit[i]).unwrap();
        assert!(k == 0 || limits[k - 1] <= v, "value {v} below its bucket");
    }

    let h = histo(&tagged(&events, "ints")[0].1).clone();
    assert_eq!((h.num, h.min, h.max, h.sum, h.sum_squares), (6.0, 1.0, 3.0, 14.0, 36.0));
    // 1, 2 and 3 in three buckets of counts 1, 2, 3 (with empty buckets between).
    let nonzero: Vec<f64> = h.bucket.iter().cloned().filter(|&c| c > 0.0).collect();
    assert_eq!(nonzero, [1.0, 2.0, 3.0]);

    let z = histo(&tagged(&events, "zeros")[0].1).clone();
    assert_eq!(z.bucket.iter().sum::<f64>(), 7.0);
    assert_eq!((z.min, z.max), (0.0, 0.0));
    // 0 is in the bucket [0, 1e-12).
    let i = z.bucket.iter().position(|&c| c == 7.0).unwrap();
    assert_eq!(z.bucket_limit[i], 1e-12);

    assert_eq!(histo(&tagged(&events, "raw")[0].1), &raw);
    assert_eq!(tagged(&events, "raw")[0].0, 8);
}

#[test]
fn histogram_stats_match_the_written_proto() {
    let values = [0.5f32, -0.25, 4.0, 1e-13, -1e30];
    let s = HistogramStats::from_values(&values).unwrap();
    assert_eq!(s.num, 5.0);
    assert_eq!(s.counts.iter().sum::<f64>(), 5.0);
    assert_eq!(s.to_proto().bucket.iter().sum::<f64>(), 5.0);
    assert_eq!((s.min, s.max), (-1e30f32 as f64, 4.0));
}
