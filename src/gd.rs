//! `fit_model`: full-batch gradient descent, shared by the 3-layer net and the n-layer net.
use crate::data::LabeledData;
use crate::params::FlatParams;
use crate::run::{interrupted, Diverged, Outcome};
use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use tch::Tensor;

/// What `fit_model` needs of a from-scratch net. Every method is the assignment's, by name.
pub trait GdModel {
    /// Class probabilities softmax(z_L) for `x` [N, D] → [N, K]; caches what `backprop` needs.
    fn feedforward(&mut self, x: &Tensor) -> Tensor;
    /// Gradients of J = Σ_n CE_n + λ/2 ΣW² with respect to every parameter, for the batch last fed
    /// forward (which must be `d.x`), written into the flat gradient buffer.
    fn backprop(&mut self, d: &LabeledData);
    fn flat(&mut self) -> &mut FlatParams;
    fn reg_lambda(&self) -> f64;
    /// Weights and biases with TensorBoard names ("weights/W1", "biases/b1", …).
    fn named_parameters(&self) -> Vec<(String, Tensor)>;

    /// J/N, the starter's printed loss: mean cross-entropy plus λ/(2N) ΣW².
    fn calculate_loss(&mut self, d: &LabeledData) -> f64 {
        let probs = self.feedforward(&d.x);
        let correct_logprobs = probs.gather(1, &d.y.unsqueeze(1), false).log().neg();
        let data_loss = correct_logprobs.sum(None).double_value(&[]);
        (data_loss + self.reg_lambda() / 2.0 * self.flat().sum_sq_weights()) / d.len() as f64
    }

    /// Class indices argmax_k p_k.
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

/// θ ← θ − ε ∇J for `num_passes` full-batch passes; the loss is computed every `print_every` passes
/// (and after the last) and handed to `on_loss(model, pass, loss)` for logging. A non-finite loss ends the
/// fit with [`Diverged`]; Ctrl-C ends it early with `Outcome::Interrupted`.
pub fn fit_model<M: GdModel + ?Sized>(
    model: &mut M,
    data: &LabeledData,
    cfg: &FitConfig,
    mut on_loss: impl FnMut(&mut M, i64, f64) -> Result<()>,
) -> Result<Outcome> {
    let step = Tensor::from(-cfg.epsilon);
    let pb = progress_bar(cfg.num_passes as u64, cfg.progress, "passes");
    let every = cfg.print_every.max(1);
    for i in 0..cfg.num_passes {
        let _ = model.feedforward(&data.x);
        model.backprop(data);
        model.flat().update(&step);
        if i % every == 0 || i + 1 == cfg.num_passes {
            let loss = model.calculate_loss(data);
            if cfg.print_loss {
                say(&pb, format!("Loss after iteration {i}: {loss:.6}"));
            }
            on_loss(model, i, loss)?;
            if !loss.is_finite() {
                pb.abandon();
                return Err(Diverged { step: i, loss }.into());
            }
            pb.set_message(format!("loss {loss:.4}"));
        }
        if i % 128 == 127 {
            pb.inc(128);
            if interrupted() {
                pb.abandon();
                return Ok(Outcome::Interrupted { step: i + 1 });
            }
        }
    }
    pb.finish_and_clear();
    Ok(Outcome::Complete)
}

/// A bar with rate and ETA; hidden when stderr is not a terminal or `visible` is false.
pub fn progress_bar(len: u64, visible: bool, unit: &str) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template(&format!("{{bar:30}} {{pos}}/{{len}} {unit} {{per_sec}} eta {{eta}} {{msg}}"))
            .expect("static template"),
    );
    pb
}

/// A line above the bar, or on stderr when the bar is hidden (not a terminal, --quiet).
pub fn say(pb: &ProgressBar, line: String) {
    if pb.is_hidden() {
        eprintln!("{line}");
    } else {
        pb.println(line);
    }
}
