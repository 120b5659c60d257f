//! What part (c)'s text may say about a variant, decided from measured values only: whether it has
//! started learning at all (its training loss against chance, ln 10), whether it is clearly worse than
//! the best (Welch's test over seeds), which logged health value (dead or saturated units, the conv1
//! gradient norm) supports a cause, and how the optimizers' step sizes differ.
use crate::dcn::optim::OptimizerKind;
use crate::report::stats::{compare, Summary};
use std::f64::consts::LN_10;

/// A training loss at or above this fraction of chance (ln 10 for 10 classes) has not started to fall.
pub const NOT_STARTED: f64 = 0.9;
/// A fraction of dead or saturated units from which the text names them as a cause.
pub const STRIKING_UNITS: f64 = 0.2;
/// A conv1 gradient norm below this fraction of the best variant's: named as a cause only for an
/// optimizer whose step grows with the gradient.
pub const SMALL_GRADIENT: f64 = 0.2;

/// One variant's values, each measured once per seed.
pub struct Measured {
    pub name: String,
    pub validation_error: Summary,
    /// Mean training loss over the last tenth of the iterations.
    pub late_loss: Summary,
    /// Fractions at the end, averaged over conv1, conv2, fc1 (no values: not logged for this activation).
    pub dead: Summary,
    pub saturated: Summary,
    /// conv1's gradient norm, mean over the logs.
    pub grad: Summary,
    pub optimizer: OptimizerKind,
}

/// Whether the optimizer's step is proportional to the gradient (SGD and momentum) rather than
/// normalised by its running size (Adam, AdamW, RMSprop, Adagrad).
pub fn step_scales_with_gradient(kind: OptimizerKind) -> bool {
    matches!(kind, OptimizerKind::Sgd | OptimizerKind::Momentum | OptimizerKind::Nesterov)
}

/// Whether a training loss is still near chance.
pub fn not_started(late_loss: f64) -> bool {
    late_loss >= NOT_STARTED * LN_10
}

/// The sentences on every variant that has not started learning or is clearly worse than the best,
/// each with the measured values and the cause they support, if any.
pub fn verdicts(items: &[Measured], iterations: &str) -> String {
    let best = items.iter().min_by(|a, b| a.validation_error.mean().total_cmp(&b.validation_error.mean()));
    let Some(best) = best else { return String::new() };
    let mut out = Vec::new();
    for m in items {
        let stalled = not_started(m.late_loss.mean());
        let worse = m.name != best.name && compare(&best.validation_error, &m.validation_error).significant;
        if !stalled && !worse {
            continue;
        }
        let (measured, causes) = evidence(m, best);
        let lead = if stalled {
            format!(
                "**{}** has not started learning within {iterations} iterations: its training loss over the \
                 last tenth of them averaged {:.3}, chance level being ln 10 = {LN_10:.3}",
                m.name,
                m.late_loss.mean()
            )
        } else {
            format!("**{}** is clearly worse than {}", m.name, best.name)
        };
        let verdict = match (causes.is_empty(), stalled) {
            (false, _) => format!("the measured value that accounts for it: {}", causes.join("; ")),
            (true, true) => "no logged value shows why".to_string(),
            (true, false) => "none of these logged values accounts for it".to_string(),
        };
        let measured =
            if measured.is_empty() { String::new() } else { format!(". Measured: {}", measured.join(", ")) };
        out.push(format!("{lead}{measured}; {verdict}"));
    }
    if out.is_empty() {
        format!(
            "Every variant's training loss fell below chance, and none is clearly worse than {}.",
            best.name
        )
    } else {
        format!("{}.", out.join(". "))
    }
}

/// (what was measured, the causes it supports) for `m`, next to the best variant.
fn evidence(m: &Measured, best: &Measured) -> (Vec<String>, Vec<String>) {
    let mut measured = Vec::new();
    let mut causes = Vec::new();
    let ratio = m.grad.mean() / best.grad.mean();
    if m.name != best.name && ratio.is_finite() {
        measured.push(format!("its conv1 gradient norm averaged {ratio:.2}× {}'s", best.name));
        if ratio < SMALL_GRADIENT {
            if step_scales_with_gradient(m.optimizer) {
                causes.push(format!(
                    "its first layer gets {ratio:.2}× the gradient, and its optimizer's step is proportional to it"
                ));
            } else {
                measured.push("which does not by itself shrink its optimizer's steps (they are normalised by the gradient's running size)".into());
            }
        }
    }
    for (what, s, of_best, pass) in [
        ("saturated", &m.saturated, &best.saturated, "under 5% of the gradient (f′ below 5% of its maximum)"),
        ("dead", &m.dead, &best.dead, "no gradient (zero for the whole batch)"),
    ] {
        if s.n() == 0 {
            continue;
        }
        let theirs = if of_best.n() > 0 && m.name != best.name {
            format!(" ({}: {:.1}%)", best.name, 100.0 * of_best.mean())
        } else {
            String::new()
        };
        measured.push(format!("{:.1}% of its units {what} at the end{theirs}", 100.0 * s.mean()));
        if s.mean() > STRIKING_UNITS {
            causes.push(format!("{:.0}% of its units are {what} and pass {pass}", 100.0 * s.mean()));
        }
    }
    (measured, causes)
}

/// One variant's optimizer settings and its measured conv1 gradient, for [`step_sizes`].
pub struct Stepping {
    pub name: String,
    pub optimizer: OptimizerKind,
    pub lr: f64,
    pub momentum: f64,
    /// conv1's gradient norm, mean over seeds and logs.
    pub grad: f64,
    /// conv1's weights (the count of its logged histogram).
    pub weights: f64,
}

/// How far one step moves conv1's weights under each optimizer, from its update rule, its learning
/// rate and the measured gradient norm: where the optimizers differ in step size, the text says so.
pub fn step_sizes(items: &[Stepping]) -> String {
    let first = items.first();
    if items.iter().all(|s| Some((s.optimizer, s.lr)) == first.map(|f| (f.optimizer, f.lr))) {
        return String::new();
    }
    let parts: Vec<String> = items
        .iter()
        .map(|s| {
            let (lr, g, n) = (s.lr, s.grad, s.weights);
            match s.optimizer {
                OptimizerKind::Sgd => format!("{}: lr × ‖g‖ = {lr} × {g:.3} = {:.4}", s.name, lr * g),
                OptimizerKind::Momentum | OptimizerKind::Nesterov => format!(
                    "{}: up to lr × ‖g‖ / (1 − {m}) = {:.4} once successive gradients agree",
                    s.name,
                    lr * g / (1.0 - s.momentum),
                    m = s.momentum
                ),
                OptimizerKind::Adagrad => format!(
                    "{}: about lr = {lr} per weight at its first step (√n × lr = {:.4} for all {n:.0}), \
                     shrinking as 1/√t while the gradient's size stays the same",
                    s.name,
                    n.sqrt() * lr
                ),
                OptimizerKind::Adam | OptimizerKind::Adamw | OptimizerKind::Rmsprop => format!(
                    "{}: at most about lr = {lr} per weight, whatever the gradient's size (√n × lr = {:.4} for \
                     all {n:.0})",
                    s.name,
                    n.sqrt() * lr
                ),
            }
        })
        .collect();
    format!(
        "The optimizers differ in learning rate and in how a step depends on the gradient, so this \
         compares each at its learning rate, not the update rules alone. One step moves conv1's weights \
         (‖g‖ its measured gradient norm, mean over the run and the seeds; n its weights) by {}.",
        parts.join("; ")
    )
}
