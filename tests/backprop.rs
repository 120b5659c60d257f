//! Part 1: hand-written derivatives and backprop against tch autograd and finite differences.
mod common;
use clap::ValueEnum;
use common::close;
use nnlab::backprop::activation::{act_fun, diff_act_fun, Activation};
use nnlab::backprop::data::{make_moons, LabeledData};
use nnlab::backprop::fit::{fit_model, FitConfig, GdModel};
use nnlab::backprop::n_layer::DeepNeuralNetwork;
use nnlab::backprop::three_layer::NeuralNetwork;
use tch::{Kind, Tensor};

fn max_abs_diff(a: &Tensor, b: &Tensor) -> f64 {
    (a - b).abs().max().double_value(&[])
}

#[test]
fn diff_act_fun_matches_autograd() {
    let z = Tensor::linspace(-4.0, 4.0, 81, (Kind::Double, tch::Device::Cpu)) + 0.013;
    for &act in Activation::value_variants() {
        let zg = z.detach().set_requires_grad(true);
        let a = act_fun(&zg, act);
        let g = Tensor::run_backward(&[a.sum(None)], &[&zg], false, false);
        let d = max_abs_diff(&g[0], &diff_act_fun(&z, act));
        assert!(d < 1e-12, "{act}: f'(z) differs from autograd by {d}");
    }
}

/// J = −Σ log softmax(z_L)[y] + λ/2 Σ W², built with autograd from copies of the parameters.
fn autograd_grads(params: &[&Tensor], act: Activation, d: &LabeledData, reg_lambda: f64) -> Vec<Tensor> {
    let leaves: Vec<Tensor> = params.iter().map(|p| p.detach().copy().set_requires_grad(true)).collect();
    let mut a = d.x.shallow_clone();
    let n_layers = leaves.len() / 2;
    let mut reg = Tensor::zeros([], (Kind::Double, tch::Device::Cpu));
    for l in 0..n_layers {
        let (w, b) = (&leaves[2 * l], &leaves[2 * l + 1]);
        let z = a.matmul(w) + b;
        reg += w.square().sum(None);
        a = if l + 1 < n_layers { act_fun(&z, act) } else { z };
    }
    let j = -a.log_softmax(1, None).gather(1, &d.y.unsqueeze(1), false).sum(None) + reg * (reg_lambda / 2.0);
    let refs: Vec<&Tensor> = leaves.iter().collect();
    Tensor::run_backward(&[j], &refs, false, false)
}

fn assert_grads_match(ours: &[&Tensor], theirs: &[Tensor], what: &str) {
    for (i, (g, r)) in ours.iter().zip(theirs).enumerate() {
        assert_eq!(g.size(), r.size(), "{what}: gradient {i} shape");
        let d = max_abs_diff(g, r);
        let scale = r.abs().max().double_value(&[]).max(1.0);
        assert!(d / scale < 1e-9, "{what}: gradient {i} differs from autograd by {d}");
    }
}

#[test]
fn three_layer_backprop_matches_autograd() {
    let d = make_moons(60, 0.2, 3);
    for &act in Activation::value_variants() {
        let mut net = NeuralNetwork::new(2, 4, 2, act, 0.05, 11);
        let _ = net.feedforward(&d.x);
        net.backprop(&d);
        let expected = autograd_grads(&net.parameters(), act, &d, 0.05);
        assert_grads_match(&net.gradients(), &expected, &format!("3-layer {act}"));
    }
}

/// Central differences of N·calculate_loss on a few entries of every parameter.
fn finite_difference_check(
    model: &mut dyn GdModel,
    params: Vec<Tensor>,
    grads: Vec<Tensor>,
    d: &LabeledData,
    what: &str,
) {
    let n = d.len() as f64;
    let h = 1e-6;
    for (k, (p, g)) in params.iter().zip(&grads).enumerate() {
        let last: Vec<i64> = p.size().iter().map(|s| s - 1).collect();
        for index in [vec![0; last.len()], last] {
            let elem = index.iter().fold(p.shallow_clone(), |t, &i| t.get(i));
            let orig = elem.double_value(&[]);
            let _ = elem.shallow_clone().fill_(orig + h);
            let up = model.calculate_loss(d) * n;
            let _ = elem.shallow_clone().fill_(orig - h);
            let down = model.calculate_loss(d) * n;
            let _ = elem.shallow_clone().fill_(orig);
            let numeric = (up - down) / (2.0 * h);
            let analytic = g.double_value(&index);
            assert!(
                close(numeric, analytic, 1e-6),
                "{what}: param {k}{index:?} numeric {numeric} vs backprop {analytic}"
            );
        }
    }
}

#[test]
fn three_layer_backprop_matches_finite_differences() {
    let d = make_moons(40, 0.2, 5);
    for act in [Activation::Tanh, Activation::Sigmoid] {
        let mut net = NeuralNetwork::new(2, 3, 2, act, 0.1, 2);
        let _ = net.feedforward(&d.x);
        net.backprop(&d);
        // Views of the parameters: finite differences perturb them in place.
        let params: Vec<Tensor> = net.parameters().iter().map(|t| t.shallow_clone()).collect();
        let grads: Vec<Tensor> = net.gradients().iter().map(|t| t.copy()).collect();
        finite_difference_check(&mut net, params, grads, &d, &format!("3-layer {act}"));
    }
}

#[test]
fn four_layer_backprop_matches_autograd_and_finite_differences() {
    let d = LabeledData::new(
        Tensor::randn([30, 3], (Kind::Double, tch::Device::Cpu)),
        Tensor::randint(3, [30], (Kind::Int64, tch::Device::Cpu)),
        3,
    );
    for &act in Activation::value_variants() {
        let mut net = DeepNeuralNetwork::new(&[3, 6, 5, 4, 3], act, 0.02, 4);
        let _ = net.feedforward(&d.x);
        net.backprop(&d);
        let expected = autograd_grads(&net.parameters(), act, &d, 0.02);
        assert_grads_match(&net.gradients(), &expected, &format!("4-layer {act}"));
        if act != Activation::Relu {
            let params: Vec<Tensor> = net.parameters().iter().map(|t| t.shallow_clone()).collect();
            let grads: Vec<Tensor> = net.gradients().iter().map(|t| t.copy()).collect();
            finite_difference_check(&mut net, params, grads, &d, &format!("4-layer {act}"));
        }
    }
}

#[test]
fn regularisation_enters_loss_and_gradient() {
    let d = make_moons(50, 0.2, 1);
    let grads_and_loss = |lambda: f64| {
        let mut net = DeepNeuralNetwork::new(&[2, 5, 5, 2], Activation::Tanh, lambda, 9);
        let loss = net.calculate_loss(&d);
        let _ = net.feedforward(&d.x);
        net.backprop(&d);
        let weights: Vec<Tensor> = net.parameters().iter().map(|t| t.copy()).collect();
        let grads: Vec<Tensor> = net.gradients().iter().map(|t| t.copy()).collect();
        (loss, weights, grads)
    };
    let (l0, w, g0) = grads_and_loss(0.0);
    let (l1, _, g1) = grads_and_loss(0.3);
    let sum_sq: f64 = w.iter().step_by(2).map(|t| t.square().sum(None).double_value(&[])).sum();
    assert!(
        close(l1 - l0, 0.3 / 2.0 * sum_sq / 50.0, 1e-10),
        "loss reg term: {} vs {}",
        l1 - l0,
        0.15 * sum_sq / 50.0
    );
    for (k, ((a, b), p)) in g1.iter().zip(&g0).zip(&w).enumerate() {
        let expected = if k % 2 == 0 { p * 0.3 } else { p.zeros_like() };
        assert!(
            max_abs_diff(&(a - b), &expected) < 1e-12,
            "gradient {k}: reg term must be λW on weights, 0 on biases"
        );
    }
}

fn train_moons(act: Activation, hidden: i64, seed: u64) -> f64 {
    let d = make_moons(200, 0.2, seed);
    let mut net = NeuralNetwork::new(2, hidden, 2, act, 0.01, seed);
    let cfg = FitConfig { print_loss: false, progress: false, ..FitConfig::default() };
    fit_model(&mut net, &d, &cfg, |_, _, _| Ok(())).unwrap();
    d.accuracy(&net.predict(&d.x))
}

#[test]
fn tanh_three_hidden_units_learn_the_moons() {
    tch::set_num_threads(1);
    let mut accs: Vec<f64> = (0..5).map(|seed| train_moons(Activation::Tanh, 3, seed)).collect();
    accs.sort_by(f64::total_cmp);
    assert!(accs[2] >= 0.97, "median accuracy over 5 seeds {:?} below 97%", accs);
    assert!(train_moons(Activation::Tanh, 3, 1) >= 0.97);
}

#[test]
fn deep_net_classifies_real_data() {
    use nnlab::backprop::data::{standardize, train_test_split, DatasetName};
    let dir = common::root().join("data/sklearn");
    let full = DatasetName::Iris.load(&dir, 0, 0.0, 0).expect("scikit-learn CSVs (scripts/setup)");
    assert_eq!((full.len(), full.dim(), full.num_classes), (150, 4, 3));
    let (mut train, mut test) = train_test_split(&full, 0.2, 0).unwrap();
    standardize(&mut train, &mut [&mut test]);
    let mut net = DeepNeuralNetwork::new(&[4, 10, 10, 3], Activation::Tanh, 0.01, 0);
    let cfg = FitConfig {
        epsilon: 0.001,
        num_passes: 5000,
        print_loss: false,
        progress: false,
        ..FitConfig::default()
    };
    fit_model(&mut net, &train, &cfg, |_, _, _| Ok(())).unwrap();
    let acc = test.accuracy(&net.predict(&test.x));
    assert!(acc >= 0.9, "iris held-out accuracy {acc}");
}

#[test]
fn divergence_is_reported_with_the_step() {
    let d = make_moons(200, 0.2, 0);
    let mut net = NeuralNetwork::new(2, 20, 2, Activation::Relu, 0.0, 0);
    let cfg = FitConfig {
        epsilon: 1e6,
        num_passes: 3000,
        print_loss: false,
        progress: false,
        ..FitConfig::default()
    };
    let mut logged = Vec::new();
    let err = fit_model(&mut net, &d, &cfg, |_, pass, loss| {
        logged.push((pass, loss));
        Ok(())
    })
    .unwrap_err();
    let div = err.downcast_ref::<nnlab::run::Diverged>().expect("a Diverged error");
    assert_eq!(
        Some(div.step),
        logged.last().map(|l| l.0),
        "the error names the step whose loss was logged last"
    );
    assert!(err.to_string().contains("diverged"));
}
