//! Section (b): the activation functions f and their derivatives f'.
//!
//!   tanh:    f(z) = (e^z − e^−z)/(e^z + e^−z),  f'(z) = 1 − tanh²(z)
//!   sigmoid: f(z) = 1/(1 + e^−z),               f'(z) = σ(z)(1 − σ(z))
//!   ReLU:    f(z) = max(0, z),                  f'(z) = 1 if z > 0 else 0
//!
//! The derivations are in the report (`make report`, section 1(b)).
use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use tch::Tensor;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    Tanh,
    Sigmoid,
    Relu,
}

impl Activation {
    pub fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Relu => "relu",
        }
    }
}

impl std::str::FromStr for Activation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        <Self as ValueEnum>::from_str(s, true).map_err(|_| "expected tanh, sigmoid or relu".to_string())
    }
}

impl std::fmt::Display for Activation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

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
