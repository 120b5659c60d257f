//! The optimizers offered for the DCN, written over named parameters so that their state can be
//! checkpointed and resumed (tch's `nn::Optimizer` keeps its state inside libtorch, out of reach).
//! Each follows PyTorch's update rule for the same hyperparameters; tests compare them with tch's.
//! SGD (with momentum) and Adam(W) run as libtorch's fused kernels ([`fused`]) over our state tensors.
use crate::cli::{defaults, ensure_fraction, ensure_non_negative, ensure_positive, Check, Valid};
use crate::native::fused;
use anyhow::{Context, Result};
use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tch::{nn, Tensor};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OptimizerKind {
    Sgd,
    Momentum,
    Nesterov,
    Adagrad,
    Rmsprop,
    Adam,
    Adamw,
}

crate::clap_names!(OptimizerKind);

#[derive(clap::Args, Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OptimConfig {
    /// Optimizer
    #[arg(long = "optimizer", value_enum, default_value_t = OptimizerKind::Adam)]
    pub kind: OptimizerKind,
    /// Learning rate
    #[arg(long, default_value_t = 1e-4)]
    pub lr: f64,
    /// Momentum for the momentum and nesterov optimizers
    #[arg(long, default_value_t = 0.9)]
    pub momentum: f64,
    /// Adam/AdamW β1
    #[arg(long, default_value_t = 0.9)]
    pub beta1: f64,
    /// Adam/AdamW β2
    #[arg(long, default_value_t = 0.999)]
    pub beta2: f64,
    /// ε of adam, adamw, rmsprop, adagrad
    #[arg(long, default_value_t = 1e-8)]
    pub eps: f64,
    /// L2 weight decay (decoupled for adamw)
    #[arg(long, default_value_t = 0.0)]
    pub weight_decay: f64,
    /// RMSProp smoothing constant
    #[arg(long, default_value_t = 0.99)]
    pub alpha: f64,
}

impl Default for OptimConfig {
    fn default() -> Self {
        defaults()
    }
}

impl Check for OptimConfig {
    fn check(&self) -> Result<()> {
        ensure_positive("--lr", self.lr)?;
        ensure_positive("--eps", self.eps)?;
        ensure_fraction("--momentum", self.momentum)?;
        ensure_fraction("--beta1", self.beta1)?;
        ensure_fraction("--beta2", self.beta2)?;
        ensure_fraction("--alpha", self.alpha)?;
        ensure_non_negative("--weight-decay", self.weight_decay)
    }
}

impl OptimConfig {
    /// Names of the per-parameter state tensors.
    fn state_names(&self) -> &'static [&'static str] {
        match self.kind {
            OptimizerKind::Sgd => &[],
            OptimizerKind::Momentum | OptimizerKind::Nesterov => &["momentum_buffer"],
            OptimizerKind::Adagrad => &["sum"],
            OptimizerKind::Rmsprop => &["square_avg"],
            OptimizerKind::Adam | OptimizerKind::Adamw => &["exp_avg", "exp_avg_sq"],
        }
    }
}

pub struct Optimizer {
    cfg: OptimConfig,
    /// Variable names, sorted, and the variables in the same order.
    names: Vec<String>,
    params: Vec<Tensor>,
    /// `state[k][i]`: state tensor `state_names()[k]` of parameter i.
    state: Vec<Vec<Tensor>>,
    /// The step number as a device scalar, read by the fused Adam kernel.
    step_t: Tensor,
    /// Updates done so far (Adam's bias correction).
    pub steps: i64,
}

impl Optimizer {
    pub fn new(vs: &nn::VarStore, cfg: &Valid<OptimConfig>) -> Result<Optimizer> {
        let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        let (names, params): (Vec<String>, Vec<Tensor>) = vars.into_iter().unzip();
        let state =
            cfg.state_names().iter().map(|_| params.iter().map(|p| p.zeros_like()).collect()).collect();
        let step_t = Tensor::zeros([], (tch::Kind::Float, vs.device()));
        Ok(Optimizer { cfg: OptimConfig::clone(cfg), names, params, state, step_t, steps: 0 })
    }

    pub fn backward_step(&mut self, loss: &Tensor) -> Result<()> {
        // Undefined rather than zeroed: backward then writes each gradient instead of adding to zeros.
        fused::clear_grads(&self.params)?;
        loss.backward();
        self.step()
    }

    fn step(&mut self) -> Result<()> {
        self.steps += 1;
        let c = &self.cfg;
        let first = self.steps == 1;
        match c.kind {
            OptimizerKind::Sgd => fused::sgd(&self.params, &[], c.lr, 0.0, c.weight_decay, false, first),
            OptimizerKind::Momentum | OptimizerKind::Nesterov => {
                let nesterov = c.kind == OptimizerKind::Nesterov;
                fused::sgd(&self.params, &self.state[0], c.lr, c.momentum, c.weight_decay, nesterov, first)
            }
            OptimizerKind::Adam | OptimizerKind::Adamw => {
                let _ = self.step_t.fill_(self.steps as f64);
                let args = fused::AdamArgs {
                    lr: c.lr,
                    beta1: c.beta1,
                    beta2: c.beta2,
                    weight_decay: c.weight_decay,
                    eps: c.eps,
                    decoupled: c.kind == OptimizerKind::Adamw,
                };
                fused::adam(&self.params, &self.state[0], &self.state[1], &self.step_t, &args)
            }
            // libtorch has no fused RMSprop, and its fused Adagrad is CPU-only.
            OptimizerKind::Adagrad | OptimizerKind::Rmsprop => {
                tch::no_grad(|| {
                    for (p, s) in self.params.iter_mut().zip(&mut self.state[0]) {
                        let mut g = p.grad();
                        if c.weight_decay > 0.0 {
                            g += &*p * c.weight_decay;
                        }
                        if c.kind == OptimizerKind::Adagrad {
                            let _ = s.addcmul_(&g, &g);
                        } else {
                            let _ = s.lerp_(&g.square(), 1.0 - c.alpha);
                        }
                        let _ = p.g_sub_(&(g * c.lr / (s.sqrt() + c.eps)));
                    }
                });
                Ok(())
            }
        }
    }

    /// State tensors named "optim/<variable>/<state>", for a checkpoint.
    pub fn state_tensors(&self) -> Vec<(String, Tensor)> {
        let names = self.cfg.state_names();
        let mut out = Vec::new();
        for (states, sn) in self.state.iter().zip(names) {
            for (t, n) in states.iter().zip(&self.names) {
                out.push((format!("optim/{n}/{sn}"), t.shallow_clone()));
            }
        }
        out
    }

    /// Restores what [`state_tensors`] saved.
    pub fn load_state(&mut self, saved: &HashMap<String, Tensor>, steps: i64) -> Result<()> {
        let names = self.cfg.state_names();
        tch::no_grad(|| {
            for (states, sn) in self.state.iter_mut().zip(names) {
                for (t, n) in states.iter_mut().zip(&self.names) {
                    let key = format!("optim/{n}/{sn}");
                    let src = saved.get(&key).with_context(|| format!("it lacks {key}"))?;
                    crate::dcn::train::checkpoint::check_like(&key, src, t)?;
                    t.f_copy_(src).with_context(|| format!("{key} cannot be restored"))?;
                }
            }
            Ok::<(), anyhow::Error>(())
        })?;
        self.steps = steps;
        Ok(())
    }
}
