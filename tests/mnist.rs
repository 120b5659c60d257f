//! The DCN: shapes, and a short real training run read back with TensorBoard's reader.
mod common;
use clap::ValueEnum;
use nnlab::cli::Valid;
use nnlab::dcn::mnist::{load, DatasetKind};
use nnlab::dcn::model::{Dcn, DcnActivation, InitKind};
use nnlab::dcn::train::monitor::histogram_tags;
use nnlab::dcn::train::{train, TrainConfig};
use nnlab::native::device::{select, DeviceArg};
use nnlab::tensorboard::tags::{self, STATISTICS};
use tch::nn;
use tch::{Device, Kind, Tensor};

#[test]
fn forward_shapes_for_every_activation_and_init() {
    let x = Tensor::rand([3, 1, 28, 28], (Kind::Float, Device::Cpu));
    for &act in DcnActivation::value_variants() {
        for &init in InitKind::value_variants() {
            let vs = nn::VarStore::new(Device::Cpu);
            let net = Dcn::new(&vs.root(), act, 3, init);
            let p = net.forward_probe(&x, true);
            assert_eq!(p.logits.size(), vec![3, 10], "{act:?} {init:?}");
            assert_eq!(p.activations[0].size(), vec![3, 32, 28, 28]);
            assert_eq!(p.pooled[0].size(), vec![3, 32, 14, 14]);
            assert_eq!(p.activations[1].size(), vec![3, 64, 14, 14]);
            assert_eq!(p.pooled[1].size(), vec![3, 64, 7, 7]);
            assert_eq!(p.activations[2].size(), vec![3, 1024]);
            let k = if act == DcnActivation::Maxout { 3 } else { 1 };
            assert_eq!(p.net_inputs[0].size(), vec![3, 32 * k, 28, 28]);
            assert_eq!(p.net_inputs[2].size(), vec![3, 1024 * k]);
        }
    }
}

/// The CPU's channels-last layout is a speed choice only: same logits and gradients as NCHW.
#[test]
fn channels_last_computes_the_same_network() {
    let x = Tensor::rand([4, 1, 28, 28], (Kind::Float, Device::Cpu));
    let y = Tensor::from_slice(&[3i64, 1, 4, 1]);
    for act in [DcnActivation::Relu, DcnActivation::Maxout] {
        let vs = nn::VarStore::new(Device::Cpu);
        let mut net = Dcn::new(&vs.root(), act, 2, InitKind::Default);
        assert!(net.channels_last, "on by default on the CPU");
        let mut run = |channels_last: bool| {
            net.channels_last = channels_last;
            let p = net.forward_probe(&x, false);
            let grads = Tensor::run_backward(
                &[p.logits.cross_entropy_for_logits(&y)],
                &[net.parameters()[1].0],
                false,
                false,
            );
            (p.logits, p.pooled[1].flatten(1, -1), grads[0].shallow_clone())
        };
        let (a, b) = (run(true), run(false));
        for (u, v, what) in
            [(&a.0, &b.0, "logits"), (&a.1, &b.1, "pool2"), (&a.2, &b.2, "conv2 weight gradient")]
        {
            let d = (u - v).abs().max().double_value(&[]);
            let scale = v.abs().max().double_value(&[]);
            assert!(d <= 1e-5 * scale, "{act:?} {what}: differ by {d} (scale {scale})");
        }
    }
}

#[test]
fn xavier_init_has_the_right_spread() {
    let vs = nn::VarStore::new(Device::Cpu);
    let net = Dcn::new(&vs.root(), DcnActivation::Relu, 2, InitKind::XavierNormal);
    let w = net.parameters()[2].0; // fc1: 3136 → 1024
    let expected = (2.0 / (3136.0 + 1024.0f64)).sqrt();
    let std = w.std(true).double_value(&[]);
    assert!((std / expected - 1.0).abs() < 0.02, "std {std} vs {expected}");
    assert_eq!(net.parameters()[2].1.abs().sum(Kind::Float).double_value(&[]), 0.0, "biases start at 0");
}

#[test]
fn cuda_is_reported_cleanly_where_absent() {
    match select(DeviceArg::Cuda) {
        Ok((d, _)) => assert!(d.is_cuda() && tch::Cuda::is_available()),
        Err(e) => assert!(e.to_string().starts_with("--device cuda: "), "{e}"),
    }
}

/// 200 iterations on the 5,000-image real MNIST subset: every tag part (b) asks for, with exact
/// counts as TensorBoard reads them, a checkpoint Python can load, and a sane accuracy.
#[test]
fn short_real_run_logs_everything() {
    let data = load(DatasetKind::Mnist5k, &common::root().join("data/mnist5k"))
        .expect("scripts/setup test fetches the subset");
    assert_eq!((data.train.len(), data.validation.len(), data.test.len()), (4000, 500, 500));
    for split in [&data.train, &data.validation, &data.test] {
        assert_eq!(
            split.labels.bincount::<Tensor>(None, 10).gt(0).sum(Kind::Int64).int64_value(&[]),
            10,
            "all ten digits in every split"
        );
    }
    let runs = tempfile::tempdir().unwrap();
    let cfg = TrainConfig {
        dataset: DatasetKind::Mnist5k,
        data_dir: Some(common::root().join("data/mnist5k")),
        iterations: Some(200),
        eval_every: 100,
        runs: runs.path().into(),
        quiet: true,
        ..TrainConfig::default()
    };
    let report = train(&Valid::new(cfg.clone()).unwrap(), Device::Cpu, &data).unwrap();
    assert_eq!(report.iterations, 200);
    assert!(report.test_accuracy > 0.8, "test accuracy after 200 iterations: {}", report.test_accuracy);

    let tb = common::tensorboard_read(&report.run_dir);
    let loss = tb["scalars"][tags::TRAIN_LOSS].as_array().unwrap();
    assert_eq!(loss.len(), 200);
    assert!(
        loss.iter().enumerate().all(|(i, e)| e[0].as_i64() == Some(i as i64 + 1)),
        "losses at steps 1..=200"
    );
    let tags = histogram_tags();
    for tag in &tags {
        let h = tb["histograms"][tag].as_array().unwrap_or_else(|| panic!("no histogram {tag}"));
        assert_eq!(
            h.iter().map(|e| e["step"].as_i64().unwrap()).collect::<Vec<_>>(),
            vec![100, 200],
            "{tag}"
        );
        for e in h {
            assert_eq!(e["num"], e["bucket_total"], "{tag}: buckets must hold every value");
        }
        for stat in STATISTICS {
            assert_eq!(tb["scalars"][format!("{tag}/{stat}")].as_array().unwrap().len(), 2, "{tag}/{stat}");
        }
    }
    assert_eq!(tb["histograms"].as_object().unwrap().len(), tags.len());
    assert_eq!(tags.len(), 17);
    for tag in [tags::VALIDATION_ERROR, tags::TEST_ERROR] {
        let e = tb["scalars"][tag].as_array().unwrap();
        assert_eq!(e.iter().map(|e| e[0].as_i64().unwrap()).collect::<Vec<_>>(), vec![100, 200], "{tag}");
    }
    let final_test_error = tb["scalars"][tags::TEST_ERROR][1][1].as_f64().unwrap();
    assert!((final_test_error - (1.0 - report.test_accuracy)).abs() < 1e-6);
    assert_eq!(tb["images"][tags::INPUTS].as_array().unwrap().len(), 1);
    for tag in [tags::FILTERS, tags::CONFUSION, tags::MISCLASSIFIED] {
        assert_eq!(tb["images"][tag].as_array().unwrap().len(), 2, "{tag}");
    }
    assert!(tb["text"][format!("{}/text_summary", tags::CONFIG)][0][1]
        .as_str()
        .unwrap()
        .contains("\"batch_size\": 50"));
    assert_eq!(tb["hparams"]["start"]["hparams"]["optimizer"], "adam");
    assert_eq!(tb["hparams"]["start"]["hparams"]["lr"], 1e-4);
    assert_eq!(tb["hparams"]["end"]["status"], 1, "STATUS_SUCCESS");
    for layer in ["conv1", "conv2", "fc1", "fc2"] {
        let norms = tb["scalars"][tags::health(layer, "gradient_norm")].as_array().unwrap();
        assert_eq!(
            norms.iter().map(|e| e[0].as_i64().unwrap()).collect::<Vec<_>>(),
            vec![100, 200],
            "{layer}"
        );
        assert!(norms.iter().all(|e| e[1].as_f64().unwrap() > 0.0), "{layer}: a gradient norm is 0");
    }
    for layer in ["conv1", "conv2", "fc1"] {
        let dead = tb["scalars"][tags::health(layer, "dead_units")].as_array().unwrap();
        assert!(dead.iter().all(|e| (0.0..=1.0).contains(&e[1].as_f64().unwrap())), "{layer}: a fraction");
    }
    assert!(std::fs::read_to_string(report.run_dir.join("status.json")).unwrap().contains("\"complete\""));

    let tensors = Tensor::read_safetensors(report.run_dir.join("model.safetensors")).unwrap();
    let shape = |name: &str| tensors.iter().find(|(n, _)| n == name).map(|(_, t)| t.size());
    assert_eq!(shape("conv1.weight"), Some(vec![32, 1, 5, 5]));
    assert_eq!(shape("fc1.weight"), Some(vec![1024, 3136]));
    assert_eq!(tensors.len(), 8);

    // The checkpoint loads in Python with the safetensors package (README shows the torch version).
    let py = format!(
        "from safetensors.numpy import load_file\nw = load_file({:?})\nprint(w['conv1.weight'].shape, w['fc2.bias'].shape, len([k for k in load_file({:?}) if k.startswith('optim/')]))",
        report.run_dir.join("model.safetensors"),
        report.run_dir.join("checkpoint.safetensors")
    );
    let out = std::process::Command::new(common::root().join(".venv-test/bin/python"))
        .args(["-c", &py])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "(32, 1, 5, 5) (10,) 16",
        "weights, and Adam's two moments per variable"
    );
}

/// The library does not own the process: training twice in one process works (no signal handler
/// installed twice, no global state left behind).
#[test]
fn two_trainings_in_one_process() {
    let data = load(DatasetKind::Mnist5k, &common::root().join("data/mnist5k")).unwrap();
    let runs = tempfile::tempdir().unwrap();
    let cfg = TrainConfig {
        dataset: DatasetKind::Mnist5k,
        iterations: Some(5),
        eval_every: 5,
        log_every: 5,
        runs: runs.path().into(),
        quiet: true,
        ..TrainConfig::default()
    };
    let a = train(&Valid::new(cfg.clone()).unwrap(), Device::Cpu, &data).unwrap();
    let b = train(&Valid::new(cfg.clone()).unwrap(), Device::Cpu, &data).unwrap();
    assert_ne!(a.run_dir, b.run_dir);
    assert_eq!((a.iterations, b.iterations), (5, 5));
}
