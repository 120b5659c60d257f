//! Section (b): the activation functions f and their derivatives f'.
//!
//!   tanh:    f(z) = (e^z − e^−z)/(e^z + e^−z),  f'(z) = 1 − tanh²(z)
//!   sigmoid: f(z) = 1/(1 + e^−z),               f'(z) = σ(z)(1 − σ(z))
//!   ReLU:    f(z) = max(0, z),                  f'(z) = 1 if z > 0 else 0
//!
//! The derivations are in the report (`make report`, section 1(b)).
use clap::ValueEnum;
use tch::Tensor;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ValueEnum)]
pub enum Activation {
    Tanh,
    Sigmoid,
    Relu,
}

crate::clap_names!(Activation);

/// The starter's `actFun`: a = f(z).
pub fn act_fun(z: &Tensor, act: Activation) -> Tensor {
    match act {
        Activation::Tanh => z.tanh(),
        Activation::Sigmoid => z.sigmoid(),
        Activation::Relu => z.relu(),
    }
}

/// The starter's `diff_actFun`: f'(z).
pub fn diff_act_fun(z: &Tensor, act: Activation) -> Tensor {
    match act {
        Activation::Tanh => 1.0 - z.tanh().square(),
        Activation::Sigmoid => {
            let s = z.sigmoid();
            &s * (1.0 - &s)
        }
        Activation::Relu => z.gt(0.0).to_kind(z.kind()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Activation; 3] = [Activation::Tanh, Activation::Sigmoid, Activation::Relu];

    fn values(t: &Tensor) -> Vec<f64> {
        Vec::<f64>::try_from(t).unwrap()
    }

    fn z() -> Tensor {
        Tensor::from_slice(&[-3.0, -1.0, -0.25, 0.3, 1.0, 2.5])
    }

    #[test]
    fn act_fun_is_the_formula() {
        let zs = values(&z());
        let expect = |f: fn(f64) -> f64| zs.iter().map(|&z| f(z)).collect::<Vec<_>>();
        let close = |a: Vec<f64>, b: Vec<f64>| a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-12);
        assert!(close(values(&act_fun(&z(), Activation::Tanh)), expect(f64::tanh)));
        assert!(close(values(&act_fun(&z(), Activation::Sigmoid)), expect(|z| 1.0 / (1.0 + (-z).exp()))));
        assert!(close(values(&act_fun(&z(), Activation::Relu)), expect(|z| z.max(0.0))));
    }

    #[test]
    fn diff_act_fun_matches_finite_differences() {
        let h = 1e-6;
        for act in ALL {
            let numeric = (act_fun(&(z() + h), act) - act_fun(&(z() - h), act)) / (2.0 * h);
            for (a, n) in values(&diff_act_fun(&z(), act)).iter().zip(values(&numeric)) {
                assert!((a - n).abs() < 1e-7, "{act}: f' {a} vs finite difference {n}");
            }
        }
    }

    #[test]
    fn relu_derivative_is_0_at_0_and_its_kind_follows_z() {
        let z0 = Tensor::from_slice(&[0.0f32, 2.0]);
        let d = diff_act_fun(&z0, Activation::Relu);
        assert_eq!(d.kind(), tch::Kind::Float);
        assert_eq!(Vec::<f32>::try_from(&d).unwrap(), [0.0, 1.0]);
    }

    #[test]
    fn sigmoid_and_tanh_derivatives_peak_at_0() {
        let at0 = |act| values(&diff_act_fun(&Tensor::from_slice(&[0.0]), act))[0];
        assert!((at0(Activation::Sigmoid) - 0.25).abs() < 1e-15);
        assert!((at0(Activation::Tanh) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn names_are_clap_names_everywhere() {
        for act in ALL {
            let name = act.to_string();
            assert_eq!(name.parse::<Activation>().unwrap(), act);
            assert_eq!(serde_json::to_string(&act).unwrap(), format!("\"{name}\""));
        }
        assert_eq!("softplus".parse::<Activation>().unwrap_err(), "expected tanh, sigmoid or relu");
    }
}
