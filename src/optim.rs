//! The optimizers offered for the DCN. tch has SGD (plain, momentum, Nesterov), RMSProp, Adam and
//! AdamW; Adagrad is written here.
use anyhow::{bail, Result};
use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use tch::nn::{self, OptimizerConfig};
use tch::Tensor;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptimizerKind {
    Sgd,
    Momentum,
    Nesterov,
    Adagrad,
    Rmsprop,
    Adam,
    Adamw,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OptimConfig {
    pub kind: OptimizerKind,
    pub lr: f64,
    /// momentum and nesterov
    pub momentum: f64,
    pub beta1: f64,
    pub beta2: f64,
    /// adam, adamw, rmsprop, adagrad
    pub eps: f64,
    /// L2 penalty (decoupled for adamw)
    pub weight_decay: f64,
    /// rmsprop's smoothing constant
    pub alpha: f64,
}

impl Default for OptimConfig {
    fn default() -> Self {
        OptimConfig { kind: OptimizerKind::Adam, lr: 1e-4, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0, alpha: 0.99 }
    }
}

pub enum Optimizer {
    Tch(nn::Optimizer),
    Adagrad(Adagrad),
}

impl Optimizer {
    pub fn new(vs: &nn::VarStore, c: &OptimConfig) -> Result<Optimizer> {
        for (name, v) in [("--lr", c.lr), ("--eps", c.eps)] {
            if !(v.is_finite() && v > 0.0) {
                bail!("{name} must be a positive number, got {v}");
            }
        }
        for (name, v) in [("--momentum", c.momentum), ("--beta1", c.beta1), ("--beta2", c.beta2), ("--alpha", c.alpha)] {
            if !(0.0..1.0).contains(&v) {
                bail!("{name} must be in [0, 1), got {v}");
            }
        }
        if !(c.weight_decay >= 0.0 && c.weight_decay.is_finite()) {
            bail!("--weight-decay must be ≥ 0, got {}", c.weight_decay);
        }
        let wd = c.weight_decay;
        let opt = match c.kind {
            OptimizerKind::Sgd => nn::sgd(0.0, 0.0, wd, false).build(vs, c.lr),
            OptimizerKind::Momentum => nn::sgd(c.momentum, 0.0, wd, false).build(vs, c.lr),
            OptimizerKind::Nesterov => nn::sgd(c.momentum, 0.0, wd, true).build(vs, c.lr),
            OptimizerKind::Rmsprop => nn::rms_prop(c.alpha, c.eps, wd, 0.0, false).build(vs, c.lr),
            OptimizerKind::Adam => nn::adam(c.beta1, c.beta2, wd).eps(c.eps).build(vs, c.lr),
            OptimizerKind::Adamw => nn::adamw(c.beta1, c.beta2, wd).eps(c.eps).build(vs, c.lr),
            OptimizerKind::Adagrad => return Ok(Optimizer::Adagrad(Adagrad::new(vs, c.lr, c.eps, wd))),
        }?;
        Ok(Optimizer::Tch(opt))
    }

    pub fn backward_step(&mut self, loss: &Tensor) {
        match self {
            Optimizer::Tch(o) => o.backward_step(loss),
            Optimizer::Adagrad(a) => {
                a.zero_grad();
                loss.backward();
                a.step();
            }
        }
    }
}

/// Adagrad (Duchi et al. 2011): θ −= lr · g / (√Σg² + ε).
pub struct Adagrad {
    vars: Vec<Tensor>,
    sums: Vec<Tensor>,
    lr: f64,
    eps: f64,
    weight_decay: f64,
}

impl Adagrad {
    fn new(vs: &nn::VarStore, lr: f64, eps: f64, weight_decay: f64) -> Self {
        let vars = vs.trainable_variables();
        let sums = vars.iter().map(Tensor::zeros_like).collect();
        Adagrad { vars, sums, lr, eps, weight_decay }
    }

    fn zero_grad(&mut self) {
        for v in &mut self.vars {
            let mut g = v.grad();
            if g.defined() {
                let _ = g.zero_();
            }
        }
    }

    fn step(&mut self) {
        tch::no_grad(|| {
            for (v, s) in self.vars.iter_mut().zip(&mut self.sums) {
                let mut g = v.grad();
                if !g.defined() {
                    continue;
                }
                if self.weight_decay > 0.0 {
                    g = g + &*v * self.weight_decay;
                }
                let _ = s.addcmul_(&g, &g);
                let _ = v.g_sub_(&(g * self.lr / (s.sqrt() + self.eps)));
            }
        });
    }
}
