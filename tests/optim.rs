//! The DCN's optimizers: each lowers the loss, bad values are errors, the fused C++ kernels report
//! their exceptions as errors, and each follows libtorch's own optimizer step for step.
use clap::ValueEnum;
use nnlab::cli::Valid;
use nnlab::dcn::model::{Dcn, DcnActivation, InitKind};
use nnlab::dcn::optim::{OptimConfig, Optimizer, OptimizerKind};
use tch::nn::{self, ModuleT};
use tch::{Device, Kind, Tensor};

#[test]
fn a_few_steps_reduce_the_loss_on_a_fixed_batch_for_every_optimizer() {
    let x = Tensor::rand([20, 1, 28, 28], (Kind::Float, Device::Cpu));
    let y = Tensor::randint(10, [20], (Kind::Int64, Device::Cpu));
    for &kind in OptimizerKind::value_variants() {
        tch::manual_seed(0);
        let vs = nn::VarStore::new(Device::Cpu);
        let net = Dcn::new(&vs.root(), DcnActivation::Relu, 2, InitKind::Default);
        let lr = match kind {
            OptimizerKind::Sgd | OptimizerKind::Momentum | OptimizerKind::Nesterov => 1e-3,
            // RMSProp's first steps are ~10× lr (its average of g² starts at 0).
            OptimizerKind::Rmsprop => 1e-5,
            _ => 1e-4,
        };
        let mut opt =
            Optimizer::new(&vs, &Valid::new(OptimConfig { kind, lr, ..OptimConfig::default() }).unwrap())
                .unwrap();
        let loss = || net.forward_t(&x, false).cross_entropy_for_logits(&y);
        let before = loss().double_value(&[]);
        for _ in 0..3 {
            opt.backward_step(&loss()).unwrap();
        }
        let after = loss().double_value(&[]);
        assert!(after < before, "{kind:?}: loss {before} → {after}");
    }
}

#[test]
fn bad_optimizer_values_are_errors() {
    for cfg in [
        OptimConfig { lr: 0.0, ..OptimConfig::default() },
        OptimConfig { beta1: 1.0, ..OptimConfig::default() },
        OptimConfig { weight_decay: -1.0, ..OptimConfig::default() },
    ] {
        assert!(Valid::new(cfg).is_err());
    }
}

/// A C++ exception inside the fused kernels comes back as an error (one line), not an abort.
#[test]
fn fused_kernel_errors_are_errors() {
    let p = Tensor::zeros([3], (Kind::Float, Device::Cpu)).set_requires_grad(true);
    let state = [p.zeros_like()];
    let step = Tensor::ones([], (Kind::Float, Device::Cpu));
    let args = nnlab::native::fused::AdamArgs {
        lr: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        weight_decay: 0.0,
        eps: 1e-8,
        decoupled: false,
    };
    let err = nnlab::native::fused::adam(&[p.shallow_clone()], &state, &state, &step, &args)
        .unwrap_err()
        .to_string();
    assert!(err.contains("has no gradient"), "{err}");
    (&p * 2.0).sum(Kind::Float).backward();
    let wrong = [Tensor::zeros([5], (Kind::Float, Device::Cpu))];
    let err = nnlab::native::fused::adam(&[p.shallow_clone()], &wrong, &wrong, &step, &args)
        .unwrap_err()
        .to_string();
    assert!(err.contains("first-moment state does not match") && !err.contains('\n'), "{err}");
    nnlab::native::fused::adam(&[p.shallow_clone()], &state, &[p.zeros_like()], &step, &args).unwrap();
    assert!(p.double_value(&[0]) < 0.0, "a step against the gradient");
}

/// Our optimizers follow libtorch's own (tch's nn::Optimizer) step for step.
#[test]
fn optimizers_match_libtorch() {
    use tch::nn::OptimizerConfig;
    let x = Tensor::rand([8, 1, 28, 28], (Kind::Float, Device::Cpu));
    let y = Tensor::randint(10, [8], (Kind::Int64, Device::Cpu));
    type Reference = Box<dyn Fn(&nn::VarStore) -> nn::Optimizer>;
    let cases: Vec<(OptimConfig, Reference)> = vec![
        (
            OptimConfig { kind: OptimizerKind::Sgd, lr: 1e-2, weight_decay: 0.5, ..OptimConfig::default() },
            Box::new(|vs| nn::sgd(0.0, 0.0, 0.5, false).build(vs, 1e-2).unwrap()),
        ),
        (
            OptimConfig { kind: OptimizerKind::Momentum, lr: 1e-2, ..OptimConfig::default() },
            Box::new(|vs| nn::sgd(0.9, 0.0, 0.0, false).build(vs, 1e-2).unwrap()),
        ),
        (
            OptimConfig { kind: OptimizerKind::Nesterov, lr: 1e-2, ..OptimConfig::default() },
            Box::new(|vs| nn::sgd(0.9, 0.0, 0.0, true).build(vs, 1e-2).unwrap()),
        ),
        (
            OptimConfig { kind: OptimizerKind::Rmsprop, lr: 1e-4, ..OptimConfig::default() },
            Box::new(|vs| nn::rms_prop(0.99, 1e-8, 0.0, 0.0, false).build(vs, 1e-4).unwrap()),
        ),
        (
            OptimConfig { kind: OptimizerKind::Adam, lr: 1e-3, weight_decay: 0.5, ..OptimConfig::default() },
            Box::new(|vs| nn::adam(0.9, 0.999, 0.5).build(vs, 1e-3).unwrap()),
        ),
        (
            OptimConfig { kind: OptimizerKind::Adamw, lr: 1e-3, weight_decay: 5.0, ..OptimConfig::default() },
            Box::new(|vs| nn::adamw(0.9, 0.999, 5.0).build(vs, 1e-3).unwrap()),
        ),
    ];
    for (cfg, reference) in cases {
        let make = || {
            tch::manual_seed(1);
            let vs = nn::VarStore::new(Device::Cpu);
            let net = Dcn::new(&vs.root(), DcnActivation::Relu, 2, InitKind::Default);
            (vs, net)
        };
        let (vs_a, net_a) = make();
        // A copy, not a second draw: other tests share libtorch's global generator.
        let (mut vs_b, net_b) = make();
        vs_b.copy(&vs_a).unwrap();
        let start: std::collections::HashMap<String, Tensor> =
            vs_a.variables().into_iter().map(|(n, t)| (n, t.copy())).collect();
        let mut ours = Optimizer::new(&vs_a, &Valid::new(cfg.clone()).unwrap()).unwrap();
        let mut theirs = reference(&vs_b);
        for _ in 0..4 {
            ours.backward_step(&net_a.forward_t(&x, false).cross_entropy_for_logits(&y)).unwrap();
            theirs.backward_step(&net_b.forward_t(&x, false).cross_entropy_for_logits(&y));
        }
        let b = vs_b.variables();
        for (name, a) in vs_a.variables() {
            // Compare the total change each made, relative to its size (float32 rounding differs).
            let (da, db) = (&a - &start[&name], &b[&name] - &start[&name]);
            let d = (&da - &db).abs().max().double_value(&[]);
            let scale = db.abs().max().double_value(&[]);
            assert!(
                d <= 1e-2 * scale + 1e-7,
                "{:?} {name}: moved {d} away from libtorch's step of {scale}",
                cfg.kind
            );
        }
    }
}
