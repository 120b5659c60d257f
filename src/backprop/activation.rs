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
