//! The 3-layer network's equations on cases small enough to compute by hand.
use super::*;
use crate::backprop::activation::Activation;

fn t(rows: &[&[f64]]) -> Tensor {
    let n = rows.len() as i64;
    let flat: Vec<f64> = rows.concat();
    Tensor::from_slice(&flat).view([n, -1])
}

fn data(x: &[&[f64]], y: &[i64]) -> LabeledData {
    LabeledData::new(t(x), Tensor::from_slice(y), 2)
}

/// A network whose output is softmax([0, ln 3]) whatever the input: W2 = 0, b2 = [0, ln 3].
fn fixed_output(lambda: f64) -> NeuralNetwork {
    let mut net = NeuralNetwork::new(2, 2, 2, Activation::Relu, lambda, 0);
    net.w2 = Tensor::zeros([2, 2], (Kind::Double, tch::Device::Cpu));
    net.b2 = Tensor::from_slice(&[0.0, 3f64.ln()]);
    net
}

#[test]
fn feedforward_is_a_softmax_over_the_classes() {
    let mut net = fixed_output(0.0);
    let probs = net.feedforward(&t(&[&[1.0, 0.0], &[-2.0, 5.0]]));
    let p = Vec::<f64>::try_from(probs.view([-1])).unwrap();
    for (got, want) in p.iter().zip([0.25, 0.75, 0.25, 0.75]) {
        assert!((got - want).abs() < 1e-12, "{p:?}");
    }
}

#[test]
fn the_loss_is_the_mean_cross_entropy_plus_the_l2_term() {
    let d = data(&[&[1.0, 0.0], &[0.0, 1.0]], &[0, 1]);
    let mut net = fixed_output(0.0);
    // −(ln ¼ + ln ¾) / 2
    let want = -(0.25f64.ln() + 0.75f64.ln()) / 2.0;
    assert!((net.calculate_loss(&d) - want).abs() < 1e-12);
    let mut net = fixed_output(0.5);
    let w1_sq = net.w1.square().sum(None).double_value(&[]);
    let with_l2 = want + 0.5 / 2.0 * w1_sq / 2.0;
    assert!((net.calculate_loss(&d) - with_l2).abs() < 1e-12, "λ/2 ‖W‖² over N, W2 being 0");
}

#[test]
fn predict_is_the_most_probable_class() {
    let mut net = fixed_output(0.0);
    let p = net.predict(&t(&[&[1.0, 1.0], &[3.0, -1.0]]));
    assert_eq!(Vec::<i64>::try_from(&p).unwrap(), [1, 1]);
}

/// backprop's gradients are those of J = N × calculate_loss, for every activation.
#[test]
fn backprop_matches_finite_differences_of_the_loss() {
    let d = data(&[&[0.5, -1.0], &[1.5, 0.2], &[-0.7, 0.9]], &[0, 1, 1]);
    for act in [Activation::Tanh, Activation::Sigmoid, Activation::Relu] {
        let mut net = NeuralNetwork::new(2, 3, 2, act, 0.1, 4);
        let _ = net.feedforward(&d.x);
        net.backprop(&d);
        let grads: Vec<Tensor> = net.gradients().iter().map(|g| g.copy()).collect();
        let h = 1e-6;
        for (p, g) in (0..4).zip(&grads) {
            let numel = g.numel() as i64;
            for i in 0..numel {
                let mut at = |delta: f64| {
                    let param = [&mut net.w1, &mut net.b1, &mut net.w2, &mut net.b2][p as usize].view([-1]);
                    let _ = param.get(i).g_add_scalar_(delta);
                    let j = net.calculate_loss(&d) * d.len() as f64;
                    let _ = param.get(i).g_add_scalar_(-delta);
                    j
                };
                let numeric = (at(h) - at(-h)) / (2.0 * h);
                let analytic = g.view([-1]).double_value(&[i]);
                assert!(
                    (numeric - analytic).abs() < 1e-5,
                    "{act}: parameter {p}[{i}]: {analytic} vs {numeric}"
                );
            }
        }
    }
}
