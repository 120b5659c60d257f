//! The event writer, read back by our reader and by TensorBoard's own EventAccumulator.
mod common;
use nnlab::run::Run;
use nnlab::tensorboard::hparams::HParams;
use nnlab::tensorboard::summary::histogram_with_statistics;
use tch::{Kind, Tensor};
use tensorboard_writer::record::{histograms, parse_records, read_dir_events, scalars, tags};
use tensorboard_writer::summary::histogram::default_bucket_limits as bucket_limits;
use tensorboard_writer::tensor::histograms as device_stats;
use tensorboard_writer::HistogramStats as HistStats;
use tensorboard_writer::SummaryWriter;

#[test]
fn bucket_limits_are_tensorflows() {
    let l = bucket_limits();
    // 774 positive limits from 1e-12 by ×1.1 below 1e20, DBL_MAX, mirrored, and 0.
    assert_eq!(l.len(), 2 * 775 + 1);
    assert_eq!(l[775], 0.0);
    assert_eq!(l[776], 1e-12);
    assert_eq!(*l.last().unwrap(), f64::MAX);
    assert!(l.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn device_stats_equal_host_reference() {
    let t = Tensor::randn([1000], (Kind::Float, tch::Device::Cpu)) * 3.0;
    let z = Tensor::zeros([10], (Kind::Float, tch::Device::Cpu));
    let all = device_stats(&[&t, &z]).unwrap();
    let host = HistStats::from_values(
        &Vec::<f32>::try_from(&t).unwrap().iter().map(|&v| v as f64).collect::<Vec<_>>(),
    )
    .unwrap();
    assert_eq!(all[0].counts, host.counts);
    assert_eq!((all[0].min, all[0].max, all[0].num), (host.min, host.max, host.num));
    assert!((all[0].sum - host.sum).abs() < 1e-9 && (all[0].sum_squares - host.sum_squares).abs() < 1e-6);
    assert_eq!(all[1].counts.iter().sum::<f64>(), 10.0);
    assert_eq!(all[1].counts[776], 10.0, "zeros fall in [0, 1e-12)");
    let p = all[0].to_proto();
    assert_eq!(p.bucket.iter().sum::<f64>(), 1000.0);
    assert_eq!(p.bucket.len(), p.bucket_limit.len());
}

fn write_known(dir: &std::path::Path) {
    let mut w = SummaryWriter::builder(dir).purge_step(0).build().unwrap();
    for step in 0..50 {
        w.add_scalar("train/loss", 1.0 / (step as f64 + 1.0), step).unwrap();
    }
    let values: Vec<f64> = (0..100).map(|i| i as f64 / 10.0 - 3.0).collect();
    for step in [0, 100, 200] {
        w.add_summary(
            histogram_with_statistics("weights/conv1", &HistStats::from_values(&values).unwrap()),
            step,
        )
        .unwrap();
    }
    w.add_text("config", "lr = 1e-4", 0).unwrap();
    let png = nnlab::tensorboard::images::tile_png(
        &Tensor::from_slice(&[0.0f32, 0.5, 1.0, 0.25]).view([1, 1, 2, 2]),
        1,
        1,
    )
    .unwrap();
    w.add_figure("inputs", png, 0).unwrap();
}

#[test]
fn our_reader_reads_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    write_known(dir.path());
    let ev = read_dir_events(dir.path()).unwrap();
    assert_eq!(ev.len(), 2 + 50 + 3 + 1 + 1, "file_version, restart marker, then the events");
    let loss = scalars(&ev, "train/loss");
    assert_eq!(loss.len(), 50);
    assert_eq!(loss[9], (9, (0.1f32) as f64));
    let h = histograms(&ev, "weights/conv1");
    assert_eq!(h.iter().map(|(s, _)| *s).collect::<Vec<_>>(), vec![0, 100, 200]);
    assert_eq!(h[0].1.num, 100.0);
    assert_eq!(
        scalars(&ev, "weights/conv1/max"),
        vec![(0, 6.9f32 as f64), (100, 6.9f32 as f64), (200, 6.9f32 as f64)]
    );
    assert!(tags(&ev).contains(&"weights/conv1/std".to_string()));
}

#[test]
fn tensorboard_reads_back_exact_counts() {
    let dir = tempfile::tempdir().unwrap();
    write_known(dir.path());
    let tb = common::tensorboard_read(dir.path());
    let loss = tb["scalars"]["train/loss"].as_array().unwrap();
    assert_eq!(loss.len(), 50);
    for (i, e) in loss.iter().enumerate() {
        assert_eq!(e[0].as_i64().unwrap(), i as i64);
        assert!((e[1].as_f64().unwrap() - 1.0 / (i as f64 + 1.0)).abs() < 1e-6);
    }
    let h = tb["histograms"]["weights/conv1"].as_array().unwrap();
    assert_eq!(h.len(), 3);
    for e in h {
        assert_eq!(e["num"].as_f64().unwrap(), 100.0);
        assert_eq!(e["bucket_total"].as_f64().unwrap(), 100.0);
        assert_eq!((e["min"].as_f64().unwrap(), e["max"].as_f64().unwrap()), (-3.0, 6.9));
    }
    for stat in ["min", "max", "mean", "std"] {
        assert_eq!(tb["scalars"][format!("weights/conv1/{stat}")].as_array().unwrap().len(), 3, "{stat}");
    }
    let mean = tb["scalars"]["weights/conv1/mean"][0][1].as_f64().unwrap();
    assert!((mean - 1.95).abs() < 1e-5);
    assert_eq!(tb["text"]["config/text_summary"][0][1], "lr = 1e-4");
    assert_eq!(tb["images"]["inputs"][0][1], 6, "2 pixels and a 2-pixel border each side");
}

#[test]
fn a_torn_last_record_loses_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    write_known(dir.path());
    let path = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
    let bytes = std::fs::read(&path).unwrap();
    let n = parse_records(&bytes).unwrap().len();
    // A kill -9 in the middle of a write leaves a prefix of the last record.
    assert_eq!(parse_records(&bytes[..bytes.len() - 5]).unwrap().len(), n - 1);
    let mut flipped = bytes.clone();
    flipped[40] ^= 0xff;
    assert!(parse_records(&flipped).is_err(), "a corrupted record in the middle is an error");
}

#[test]
fn runs_never_overwrite_each_other() {
    let root = tempfile::tempdir().unwrap();
    let a = Run::create(
        root.path(),
        "prog",
        "cfg",
        &serde_json::json!({"a": 1}),
        &HParams::new(String::new(), &[]),
    )
    .unwrap();
    let b = Run::create(
        root.path(),
        "prog",
        "cfg",
        &serde_json::json!({"a": 2}),
        &HParams::new(String::new(), &[]),
    )
    .unwrap();
    assert_ne!(a.dir(), b.dir());
    for r in [&a, &b] {
        assert!(r.dir().join("config.json").exists());
        assert!(std::fs::read_to_string(r.dir().join("status.json")).unwrap().contains("running"));
        assert_eq!(
            read_dir_events(r.dir()).unwrap().len(),
            4,
            "file_version, restart marker, config text, hparams"
        );
    }
}

#[test]
fn an_unwritable_runs_dir_is_an_error_not_a_panic() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let err = Run::create(&file, "prog", "cfg", &serde_json::json!({}), &HParams::new(String::new(), &[]))
        .err()
        .expect("an error");
    assert!(format!("{err:#}").contains("cannot create the runs directory"), "{err:#}");
}
