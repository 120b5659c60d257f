//! The DCN's settings: the defaults are the assignment's and valid, each bad value is refused with
//! its own message, and `settings` reads a run's config.json on resume with the same checks.
use super::*;
use crate::cli::Valid;
use crate::dcn::optim::OptimizerKind;
use crate::dcn::train::settings;

fn error(set: impl FnOnce(&mut TrainConfig)) -> String {
    let mut cfg = TrainConfig::default();
    set(&mut cfg);
    format!("{:#}", Valid::new(cfg).unwrap_err())
}

#[test]
fn the_defaults_are_the_assignments_and_valid() {
    let cfg = TrainConfig::default();
    assert_eq!((cfg.batch_size, cfg.optimizer.kind, cfg.optimizer.lr), (50, OptimizerKind::Adam, 1e-4));
    assert_eq!((cfg.eval_every, cfg.device), (1100, DeviceArg::Cpu));
    assert_eq!(cfg.iterations(), 2200, "2 epochs on the CPU");
    assert_eq!(TrainConfig { device: DeviceArg::Cuda, ..cfg.clone() }.iterations(), 20_000);
    assert!(Valid::new(cfg).is_ok());
}

#[test]
fn each_bad_setting_is_refused_with_its_message() {
    type Case = (fn(&mut TrainConfig), &'static str);
    let cases: [Case; 12] = [
        (|c| c.batch_size = 0, "--batch-size must be between 1 and 10000, got 0"),
        (|c| c.iterations = Some(0), "--iterations must be between 1 and 100000000, got 0"),
        (|c| c.log_every = 0, "--log-every must be between 1 and 100000000, got 0"),
        (|c| c.eval_every = -5, "--eval-every must be between 1 and 100000000, got -5"),
        (|c| c.checkpoint_every = -1, "--checkpoint-every must be between 0 and 100000000, got -1"),
        (|c| c.maxout_pieces = 9, "--maxout-pieces must be between 2 and 8, got 9"),
        (|c| c.embedding_samples = 85_001, "--embedding-samples must be between 0 and 85000, got 85001"),
        (|c| c.optimizer.lr = f64::NAN, "--lr must be a positive number, got NaN"),
        (|c| c.optimizer.eps = 0.0, "--eps must be a positive number, got 0"),
        (|c| c.optimizer.beta1 = 1.0, "--beta1 must be in [0, 1), got 1"),
        (|c| c.optimizer.alpha = -0.1, "--alpha must be in [0, 1), got -0.1"),
        (|c| c.optimizer.weight_decay = f64::INFINITY, "--weight-decay must be ≥ 0, got inf"),
    ];
    for (set, message) in cases {
        assert_eq!(error(set), message);
    }
}

#[test]
fn resolved_writes_the_defaults_out() {
    let r = TrainConfig::default().resolved();
    assert_eq!(r.iterations, Some(2200));
    assert_eq!(r.data_dir, Some(DatasetKind::Mnist.default_dir()));
    assert_eq!(r.resolved(), r);
}

#[test]
fn the_run_name_and_hparams_use_the_enum_names() {
    let cfg = TrainConfig { activation: DcnActivation::LeakyRelu, ..TrainConfig::default() };
    assert_eq!(cfg.run_name(), "mnist-leaky-relu-default-adam-lr0.0001-b50");
    let h = cfg.hparams();
    assert!(h.values.iter().any(|(k, _)| k == "activation"));
}

#[test]
fn config_json_round_trips_and_old_files_get_defaults() {
    let cfg = TrainConfig::default().resolved();
    let json = serde_json::to_string(&cfg).unwrap();
    assert_eq!(serde_json::from_str::<TrainConfig>(&json).unwrap(), cfg);
    let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
    old.as_object_mut().unwrap().remove("embedding_samples");
    old.as_object_mut().unwrap().remove("quiet");
    let back: TrainConfig = serde_json::from_value(old).unwrap();
    assert_eq!(back.embedding_samples, 1000);
}

#[test]
fn settings_on_resume_take_the_saved_config_and_only_the_resumable_flags() {
    let dir = tempfile::tempdir().unwrap();
    let saved = TrainConfig { batch_size: 20, iterations: Some(300), ..TrainConfig::default() }.resolved();
    std::fs::write(dir.path().join("config.json"), serde_json::to_string(&saved).unwrap()).unwrap();
    let flags = TrainConfig { batch_size: 99, iterations: Some(500), quiet: true, ..TrainConfig::default() };
    let given = |id: &str| id == "iterations";
    let cfg = settings(flags.clone(), Some(dir.path()), given).unwrap();
    assert_eq!((cfg.batch_size, cfg.iterations, cfg.quiet), (20, Some(500), true));
    let cfg = settings(flags.clone(), Some(dir.path()), |_| false).unwrap();
    assert_eq!(cfg.iterations, Some(300), "--iterations not given: the run's own");
    let new = settings(flags, None, |_| true).unwrap();
    assert_eq!(new.batch_size, 99);
}

#[test]
fn a_bad_saved_value_gets_the_flags_message_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.json");
    let saved = TrainConfig { batch_size: 0, ..TrainConfig::default() };
    std::fs::write(&path, serde_json::to_string(&saved).unwrap()).unwrap();
    let e = settings(TrainConfig::default(), Some(dir.path()), |_| false).unwrap_err();
    let flag = error(|c| c.batch_size = 0);
    assert_eq!(crate::cli::error_line(&e), format!("{}: {flag}", path.display()));
    std::fs::write(&path, "{\"device\": \"tpu\"}").unwrap();
    let e =
        crate::cli::error_line(&settings(TrainConfig::default(), Some(dir.path()), |_| false).unwrap_err());
    assert!(e.contains("is not an nnlab mnist_dcn configuration"), "{e}");
}
