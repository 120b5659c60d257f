//! The optimizers offered for the DCN, written over named parameters so that their state can be
//! checkpointed and resumed (tch's `nn::Optimizer` keeps its state inside libtorch, out of reach).
//! Each follows PyTorch's update rule for the same hyperparameters; tests compare them with tch's.
use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tch::{nn, Tensor};

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
    /// L2 penalty added to the gradient (decoupled for adamw)
    pub weight_decay: f64,
    /// rmsprop's smoothing constant
    pub alpha: f64,
}

impl Default for OptimConfig {
    fn default() -> Self {
        OptimConfig {
            kind: OptimizerKind::Adam,
            lr: 1e-4,
            momentum: 0.9,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            alpha: 0.99,
        }
    }
}

impl OptimConfig {
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [("--lr", self.lr), ("--eps", self.eps)] {
            if !(v.is_finite() && v > 0.0) {
                bail!("{name} must be a positive number, got {v}");
            }
        }
        for (name, v) in [("--momentum", self.momentum), ("--beta1", self.beta1), ("--beta2", self.beta2), ("--alpha", self.alpha)] {
            if !(0.0..1.0).contains(&v) {
                bail!("{name} must be in [0, 1), got {v}");
            }
        }
        if !(self.weight_decay >= 0.0 && self.weight_decay.is_finite()) {
            bail!("--weight-decay must be ≥ 0, got {}", self.weight_decay);
        }
        Ok(())
    }

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
    /// (name, variable, state tensors in `state_names` order), sorted by name.
    params: Vec<(String, Tensor, Vec<Tensor>)>,
    /// Updates done so far (Adam's bias correction).
    pub steps: i64,
}

impl Optimizer {
    pub fn new(vs: &nn::VarStore, cfg: &OptimConfig) -> Result<Optimizer> {
        cfg.validate()?;
        let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        let n_state = cfg.state_names().len();
        let params = vars.into_iter().map(|(n, v)| {
            let state = (0..n_state).map(|_| v.zeros_like()).collect();
            (n, v, state)
        });
        Ok(Optimizer { cfg: cfg.clone(), params: params.collect(), steps: 0 })
    }

    pub fn backward_step(&mut self, loss: &Tensor) {
        for (_, v, _) in &mut self.params {
            let mut g = v.grad();
            if g.defined() {
                let _ = g.zero_();
            }
        }
        loss.backward();
        self.step();
    }

    fn step(&mut self) {
        self.steps += 1;
        let c = &self.cfg;
        let t = self.steps as f64;
        tch::no_grad(|| {
            for (_, p, state) in &mut self.params {
                let mut g = p.grad();
                if !g.defined() {
                    continue;
                }
                if c.weight_decay > 0.0 && c.kind != OptimizerKind::Adamw {
                    g += &*p * c.weight_decay;
                }
                match c.kind {
                    OptimizerKind::Sgd => {
                        let _ = p.g_sub_(&(g * c.lr));
                    }
                    OptimizerKind::Momentum | OptimizerKind::Nesterov => {
                        let buf = &mut state[0];
                        // PyTorch: the first step's buffer is the gradient itself.
                        if t == 1.0 {
                            buf.copy_(&g);
                        } else {
                            let _ = buf.g_mul_scalar_(c.momentum).g_add_(&g);
                        }
                        let d = if c.kind == OptimizerKind::Nesterov { g + &*buf * c.momentum } else { buf.shallow_clone() };
                        let _ = p.g_sub_(&(d * c.lr));
                    }
                    OptimizerKind::Adagrad => {
                        let _ = state[0].addcmul_(&g, &g);
                        let _ = p.g_sub_(&(g * c.lr / (state[0].sqrt() + c.eps)));
                    }
                    OptimizerKind::Rmsprop => {
                        let _ = state[0].lerp_(&g.square(), 1.0 - c.alpha);
                        let _ = p.g_sub_(&(g * c.lr / (state[0].sqrt() + c.eps)));
                    }
                    OptimizerKind::Adam | OptimizerKind::Adamw => {
                        if c.kind == OptimizerKind::Adamw {
                            let _ = p.g_mul_scalar_(1.0 - c.lr * c.weight_decay);
                        }
                        let _ = state[0].lerp_(&g, 1.0 - c.beta1);
                        let _ = state[1].lerp_(&g.square(), 1.0 - c.beta2);
                        let (bc1, bc2) = (1.0 - c.beta1.powf(t), 1.0 - c.beta2.powf(t));
                        let denom = state[1].sqrt() / bc2.sqrt() + c.eps;
                        let _ = p.g_sub_(&(&state[0] * (c.lr / bc1) / denom));
                    }
                }
            }
        });
    }

    /// State tensors named "optim/<variable>/<state>", for a checkpoint.
    pub fn state_tensors(&self) -> Vec<(String, Tensor)> {
        let names = self.cfg.state_names();
        self.params
            .iter()
            .flat_map(|(n, _, s)| s.iter().zip(names).map(move |(t, sn)| (format!("optim/{n}/{sn}"), t.shallow_clone())))
            .collect()
    }

    /// Restores what [`state_tensors`] saved.
    pub fn load_state(&mut self, saved: &HashMap<String, Tensor>, steps: i64) -> Result<()> {
        let names = self.cfg.state_names();
        tch::no_grad(|| {
            for (n, _, state) in &mut self.params {
                for (t, sn) in state.iter_mut().zip(names) {
                    let key = format!("optim/{n}/{sn}");
                    let src = saved.get(&key).with_context(|| format!("checkpoint lacks {key}"))?;
                    t.f_copy_(src).with_context(|| format!("checkpoint {key} has the wrong shape"))?;
                }
            }
            Ok::<(), anyhow::Error>(())
        })?;
        self.steps = steps;
        Ok(())
    }
}
