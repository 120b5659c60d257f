//! A burn `Learner` (a linear model on synthetic data, burn's Flex CPU backend) trained for two
//! epochs with `TensorBoardLogger`: TensorBoard's own server finds the train and valid runs with
//! the loss at every iteration, the epoch markers and the epoch values, and the logger reads the
//! epochs back as burn asks it to. TensorBoard needs a Python with the `tensorboard` package in
//! `TENSORBOARD_PYTHON` (`make test-burn` sets it); without it that part says so and is skipped.
#![cfg(feature = "burn")]
#[path = "../examples/burn_logger.rs"]
mod example;
use burn_train::logger::MetricLogger;
use burn_train::metric::store::{MetricsUpdate, NumericMetricUpdate, Split};
use burn_train::metric::{
    LossMetric, Metric, MetricAttributes, MetricDefinition, MetricEntry, MetricId, NumericEntry,
    SerializedEntry,
};
use example::{train, BATCH, EPOCHS, TRAIN_ITEMS, VALID_ITEMS};
use serde_json::Value as Json;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use tensorboard_writer::burn::{epoch_tag, TensorBoardLogger, EPOCH_TAG};
use tensorboard_writer::record::{read_dir_events, scalars};

/// What TensorBoard's server answers for the scalars: run → tag → [[step, value]].
fn tensorboard_scalars(python: &str, log_dir: &Path) -> Json {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tensorboard_serve.py");
    let out = Command::new(python)
        .arg(script)
        .arg(log_dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(out.status.success(), "tensorboard_serve.py failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let json: Json = serde_json::from_slice(&out.stdout).expect("JSON from tensorboard_serve.py");
    assert_eq!(json["log"], Json::Array(vec![]), "TensorBoard logged: {}", json["log"]);
    json["scalars"].clone()
}

fn points(v: &Json) -> Vec<(i64, f32)> {
    let rows = v.as_array().unwrap_or_else(|| panic!("not a series: {v}"));
    rows.iter().map(|p| (p[0].as_i64().unwrap(), p[1].as_f64().unwrap() as f32)).collect()
}

fn steps(series: &[(i64, f32)]) -> Vec<i64> {
    series.iter().map(|(s, _)| *s).collect()
}

#[test]
fn learner_writes_train_and_valid_runs() {
    let dir = tempfile::tempdir().unwrap();
    let log_dir = dir.path().join("tb");
    train(&dir.path().join("artifacts"), &log_dir);

    let expected = [("train", TRAIN_ITEMS / BATCH), ("valid", VALID_ITEMS / BATCH)];
    let loss_tag = LossMetric::new().name().to_string();
    let mut logger = TensorBoardLogger::new(&log_dir);
    for (run, per_epoch) in expected {
        let events = read_dir_events(&log_dir.join(run)).unwrap();
        let loss: Vec<(i64, f32)> =
            scalars(&events, &loss_tag).into_iter().map(|(s, v)| (s, v as f32)).collect();
        let iterations = (EPOCHS * per_epoch) as i64;
        assert_eq!(steps(&loss), (1..=iterations).collect::<Vec<_>>(), "{run}: {loss:?}");
        let starts: Vec<(i64, f64)> =
            (0..EPOCHS).map(|e| ((e * per_epoch + 1) as i64, (e + 1) as f64)).collect();
        assert_eq!(scalars(&events, EPOCH_TAG), starts, "{run}");
        let finals = scalars(&events, &epoch_tag(&loss_tag));
        assert_eq!(finals.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [1, 2], "{run}");

        // Each epoch's value is the mean of its iterations' (equal batches), and training lowered it.
        for (e, chunk) in loss.chunks(per_epoch).enumerate() {
            let mean = chunk.iter().map(|(_, v)| *v as f64).sum::<f64>() / per_epoch as f64;
            assert!(
                (finals[e].1 - mean).abs() <= 1e-5 * mean.abs().max(1.0),
                "{run} epoch {}: {finals:?} {mean}",
                e + 1
            );
        }
        assert!(finals[1].1 < finals[0].1, "{run}: the loss did not fall: {finals:?}");

        // burn's read-back (checkpoint and early-stopping decisions) through a fresh logger.
        let split = if run == "train" { Split::Train } else { Split::Valid };
        for epoch in 1..=EPOCHS {
            let read = logger.read_numeric(&loss_tag, epoch, &split).unwrap();
            let mut want: Vec<String> = loss[(epoch - 1) * per_epoch..epoch * per_epoch]
                .iter()
                .map(|(_, v)| format!("Value({v})"))
                .collect();
            want.push(format!("Final({})", finals[epoch - 1].1 as f32));
            let got: Vec<String> = read.iter().map(entry).collect();
            assert_eq!(got, want, "{run} epoch {epoch}");
        }
        assert!(logger.read_numeric(&loss_tag, EPOCHS + 1, &split).unwrap().is_empty());
    }

    let Ok(python) = std::env::var("TENSORBOARD_PYTHON") else {
        println!("skipped TensorBoard's check: set TENSORBOARD_PYTHON to a Python with tensorboard");
        return;
    };
    let tb = tensorboard_scalars(&python, &log_dir);
    let mut runs: Vec<&str> = tb.as_object().unwrap().keys().map(String::as_str).collect();
    runs.sort();
    assert_eq!(runs, ["train", "valid"], "{tb}");
    for (run, per_epoch) in expected {
        let events = read_dir_events(&log_dir.join(run)).unwrap();
        for tag in [loss_tag.clone(), EPOCH_TAG.to_string(), epoch_tag(&loss_tag)] {
            let ours: Vec<(i64, f32)> =
                scalars(&events, &tag).into_iter().map(|(s, v)| (s, v as f32)).collect();
            assert_eq!(points(&tb[run][&tag]), ours, "{run}/{tag}");
        }
        assert_eq!(points(&tb[run][&loss_tag]).len(), EPOCHS * per_epoch, "{run}");
    }
}

/// A `NumericEntry` as `Value(x)` / `Final(x)` with x as f32 (what an event file holds).
fn entry(e: &NumericEntry) -> String {
    match e {
        NumericEntry::Value(v) => format!("Value({})", *v as f32),
        NumericEntry::Final(v) => format!("Final({})", *v as f32),
        NumericEntry::Aggregated { aggregated_value, count } => {
            format!("Aggregated({aggregated_value}, {count})")
        }
    }
}

/// The updates burn sends for `metric`: one per item (`serialized` as burn's metrics write them),
/// then the epoch's final value.
struct Feed {
    id: MetricId,
}

impl Feed {
    fn new(logger: &mut TensorBoardLogger, metric: &str) -> Feed {
        let id = MetricId::new(Arc::new(metric.to_string()));
        logger.log_metric_definition(MetricDefinition {
            metric_id: id.clone(),
            name: Arc::new(metric.to_string()),
            description: None,
            attributes: MetricAttributes::None,
        });
        Feed { id }
    }

    fn update(&self, serialized: &str) -> MetricsUpdate {
        let entry =
            MetricEntry::new(self.id.clone(), SerializedEntry::new(serialized.into(), serialized.into()));
        MetricsUpdate::new(Vec::new(), vec![NumericMetricUpdate::new(entry, None, None)])
    }
}

#[test]
fn resumed_logger_appends_and_reads_earlier_epochs() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = TensorBoardLogger::new(dir.path());
    let feed = Feed::new(&mut first, "Accuracy");
    for v in ["0.5", "0.75,4", "N/A"] {
        first.log(feed.update(v), 1, &Split::Train); // "N/A": burn's placeholder, not a value
    }
    first.log(feed.update("0.625,final"), 1, &Split::Train);
    drop(first);

    // A training resumed at epoch 2, with a new logger on the same directory.
    let mut second = TensorBoardLogger::new(dir.path());
    let feed = Feed::new(&mut second, "Accuracy");
    second.log(feed.update("0.875"), 2, &Split::Train);
    let events = read_dir_events(&dir.path().join("train")).unwrap();
    // Iteration 3 (the placeholder) wrote nothing, so the resumed one counts on from step 2.
    assert_eq!(scalars(&events, "Accuracy"), [(1, 0.5), (2, 0.75), (3, 0.875)]);
    assert_eq!(scalars(&events, EPOCH_TAG), [(1, 1.0), (3, 2.0)]);
    assert_eq!(scalars(&events, &epoch_tag("Accuracy")), [(1, 0.625)]);
    let read = |logger: &mut TensorBoardLogger, epoch| -> Vec<String> {
        logger.read_numeric("Accuracy", epoch, &Split::Train).unwrap().iter().map(entry).collect()
    };
    assert_eq!(read(&mut second, 1), ["Value(0.5)", "Value(0.75)", "Final(0.625)"]);
    assert_eq!(read(&mut second, 2), ["Value(0.875)"]);
    assert!(second.read_numeric("Accuracy", 1, &Split::Valid).unwrap().is_empty());

    // A tagged test split is a run of its own, named as burn's file logger names it.
    let split = Split::Test(Some(Arc::new(" Hard Cases".into())));
    assert_eq!(second.run_dir(&split), dir.path().join("test/hard-cases"));
    second.log(feed.update("0.25"), 1, &split);
    assert_eq!(
        scalars(&read_dir_events(&dir.path().join("test/hard-cases")).unwrap(), "Accuracy"),
        [(1, 0.25)]
    );
}

#[test]
fn unwritable_log_dir_is_reported_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"").unwrap();
    let mut logger = TensorBoardLogger::new(&file);
    let feed = Feed::new(&mut logger, "Loss");
    for epoch in 1..=2 {
        logger.log(feed.update("1.5"), epoch, &Split::Train);
    }
    assert!(logger.read_numeric("Loss", 1, &Split::Train).unwrap().is_empty());
}
