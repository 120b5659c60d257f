//! Device-to-host reads during training (its own test binary: the read counter is process-wide).
mod common;
use nnlab::cli::Valid;
use nnlab::dcn::mnist::{load, DatasetKind};
use nnlab::dcn::train::{train, TrainConfig};
use tch::Device;

/// Ordinary steps read nothing back from the device: only logging and evaluation steps do, once each
/// (tests count the reads through dcn::train::host, which every read in the training loop uses).
#[test]
fn only_logging_and_evaluation_steps_read_the_device() {
    use nnlab::dcn::train::host::reads;
    let data = load(DatasetKind::Mnist5k, &common::root().join("data/mnist5k")).unwrap();
    let runs = tempfile::tempdir().unwrap();
    let count = |iterations: i64| {
        let cfg = TrainConfig {
            dataset: DatasetKind::Mnist5k,
            iterations: Some(iterations),
            log_every: 10,
            eval_every: 15,
            checkpoint_every: 0,
            runs: runs.path().into(),
            quiet: true,
            ..TrainConfig::default()
        };
        let before = reads();
        train(&Valid::new(cfg.clone()).unwrap(), Device::Cpu, &data).unwrap();
        reads() - before
    };
    // 30 iterations: logs at 10, 20, 30, evaluations at 15, 30 (with their PR curves), and the
    // projector's activations once at the end. 60: six logs, four evaluations, one embedding.
    assert_eq!(count(30), 3 + 2 + 1);
    assert_eq!(count(60), 6 + 4 + 1);
}
