//! `fit_model`: full-batch gradient descent, the same for the 3-layer and the n-layer network.
use crate::data::LabeledData;
use crate::run::interrupt;
use crate::run::progress::{progress_bar, say};
use crate::run::{Diverged, Outcome};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use tch::Tensor;

/// What `fit_model` needs of a from-scratch network. The methods are the assignment's, by name.
pub trait GdModel {
    /// Class probabilities ŷ = softmax(z_L) for `x` [N, D] → [N, K]; keeps what `backprop` needs.
    fn feedforward(&mut self, x: &Tensor) -> Tensor;
    /// The gradients of J = Σ_n CE_n + λ/2 Σ‖W‖² for the batch last fed forward (which must be
    /// `d.x`), kept in the model until [`GdModel::params_and_grads`] reads them.
    fn backprop(&mut self, d: &LabeledData);
    /// Every parameter with its gradient from the last `backprop`: (W1, dW1), (b1, db1), …
    fn params_and_grads(&mut self) -> Vec<(&mut Tensor, &Tensor)>;
    /// The weight matrices (the L2 term covers these, not the biases).
    fn weights(&self) -> Vec<&Tensor>;
    fn reg_lambda(&self) -> f64;
    /// Weights and biases with their TensorBoard histogram tags ("layer1.weights", "layer1.biases", …).
    fn named_parameters(&self) -> Vec<(String, Tensor)>;

    /// J/N, the starter's printed loss: mean cross-entropy plus λ/(2N) Σ‖W‖².
    ///   J = −Σ_n log ŷ[n, y_n] + λ/2 Σ_l ‖W_l‖²
    fn calculate_loss(&mut self, d: &LabeledData) -> f64 {
        let probs = self.feedforward(&d.x);
        let correct_logprobs = probs.gather(1, &d.y.unsqueeze(1), false).log().neg();
        let data_loss = correct_logprobs.sum(None).double_value(&[]);
        let sum_sq: f64 = self.weights().iter().map(|w| w.square().sum(None).double_value(&[])).sum();
        (data_loss + self.reg_lambda() / 2.0 * sum_sq) / d.len() as f64
    }

    /// Class indices argmax_k ŷ_k.
    fn predict(&mut self, x: &Tensor) -> Tensor {
        self.feedforward(x).argmax(1, false)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FitConfig {
    pub epsilon: f64,
    pub num_passes: i64,
    pub print_every: i64,
    pub print_loss: bool,
    pub progress: bool,
}

impl Default for FitConfig {
    fn default() -> Self {
        FitConfig { epsilon: 0.01, num_passes: 20_000, print_every: 1000, print_loss: true, progress: true }
    }
}

/// θ ← θ − ε ∇J, `num_passes` times over the whole training set.
///
/// The loss measured after update s is handed to `on_loss(model, s, loss)` at s = 0 (the initial
/// weights), at every multiple of `print_every` and at the last update. A non-finite loss ends the fit
/// with [`Diverged`]; Ctrl-C ends it early with `Outcome::Interrupted` after logging that step's loss.
pub fn fit_model<M: GdModel + ?Sized>(
    model: &mut M,
    data: &LabeledData,
    cfg: &FitConfig,
    mut on_loss: impl FnMut(&mut M, i64, f64) -> Result<()>,
) -> Result<Outcome> {
    let pb = progress_bar(cfg.num_passes as u64, cfg.progress, "passes");
    let every = cfg.print_every.max(1);
    let mut log = |model: &mut M, step: i64| -> Result<()> {
        let loss = model.calculate_loss(data);
        if cfg.print_loss {
            say(&pb, format!("Loss after iteration {step}: {loss:.6}"));
        }
        on_loss(model, step, loss)?;
        if !loss.is_finite() {
            pb.abandon();
            return Err(Diverged { step, loss }.into());
        }
        pb.set_message(format!("loss {loss:.4}"));
        Ok(())
    };
    log(model, 0)?;
    for step in 1..=cfg.num_passes {
        let _ = model.feedforward(&data.x);
        model.backprop(data);
        for (param, grad) in model.params_and_grads() {
            *param -= grad * cfg.epsilon;
        }
        let stop = step % 128 == 0 && interrupt::requested();
        if step % every == 0 || step == cfg.num_passes || stop {
            log(model, step)?;
        }
        if step % 128 == 0 {
            pb.inc(128);
        }
        if stop && step < cfg.num_passes {
            pb.abandon();
            return Ok(Outcome::Interrupted { step });
        }
    }
    pb.finish_and_clear();
    Ok(Outcome::Complete)
}
