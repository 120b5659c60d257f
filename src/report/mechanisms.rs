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
    if m.name != best.name {
        measured.push(format!(
            "its training loss over the last tenth {:.3} ({}: {:.3})",
            m.late_loss.mean(),
            best.name,
            best.late_loss.mean()
        ));
    }
    let ratio = m.grad.mean() / best.grad.mean();
    if m.name != best.name && ratio.is_finite() {
        measured.push(format!("its conv1 gradient norm averaged {ratio:.2}× that of {}", best.name));
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

/// One variant's optimizer settings, its measured conv1 gradient and validation error, for
/// [`step_sizes`].
pub struct Stepping {
    pub name: String,
    pub optimizer: OptimizerKind,
    pub lr: f64,
    pub momentum: f64,
    /// conv1's gradient norm, mean over seeds and logs.
    pub grad: f64,
    /// conv1's weights (the count of its logged histogram).
    pub weights: f64,
    /// Validation error, mean over seeds.
    pub validation_error: f64,
}

impl Stepping {
    /// The size of one step on conv1's weights, averaged over `iterations` steps, from the update rule,
    /// the learning rate and the measured gradient norm (for Adam-like rules, its bound: lr per weight;
    /// for Adagrad, lr per weight shrinking as 1/√t, whose mean over t = 1…N is about 2/√N).
    pub fn step(&self, iterations: f64) -> f64 {
        let (lr, g, n) = (self.lr, self.grad, self.weights);
        match self.optimizer {
            OptimizerKind::Sgd => lr * g,
            OptimizerKind::Momentum | OptimizerKind::Nesterov => lr * g / (1.0 - self.momentum),
            OptimizerKind::Adagrad => lr * n.sqrt() * 2.0 / iterations.max(1.0).sqrt(),
            OptimizerKind::Adam | OptimizerKind::Adamw | OptimizerKind::Rmsprop => lr * n.sqrt(),
        }
    }

    fn rule(&self, iterations: f64) -> String {
        let (lr, g, n, step) = (self.lr, self.grad, self.weights, self.step(iterations));
        match self.optimizer {
            OptimizerKind::Sgd => format!("lr × ‖g‖ = {lr} × {g:.3} = {step:.4}"),
            OptimizerKind::Momentum | OptimizerKind::Nesterov => {
                format!("up to lr × ‖g‖ / (1 − {}) = {step:.4} once successive gradients agree", self.momentum)
            }
            OptimizerKind::Adagrad => format!(
                "about lr = {lr} per weight at its first step (√n × lr = {:.4} for all {n:.0}), shrinking as \
                 1/√t while the gradient's size stays the same: {step:.4} on average over {iterations:.0} steps",
                n.sqrt() * lr
            ),
            OptimizerKind::Adam | OptimizerKind::Adamw | OptimizerKind::Rmsprop => format!(
                "at most about lr = {lr} per weight whatever the gradient's size, √n × lr = {step:.4} for all {n:.0}"
            ),
        }
    }
}

/// How far one step moves conv1's weights under each optimizer, and whether the order of these
/// sizes is the order of the validation errors: where the optimizers differ in step size, the text
/// says so.
pub fn step_sizes(items: &[Stepping], iterations: f64) -> String {
    let first = items.first();
    if items.iter().all(|s| Some((s.optimizer, s.lr)) == first.map(|f| (f.optimizer, f.lr))) {
        return String::new();
    }
    let parts: Vec<String> = items.iter().map(|s| format!("{}: {}", s.name, s.rule(iterations))).collect();
    let order = |key: &dyn Fn(&Stepping) -> f64| {
        let mut v: Vec<&Stepping> = items.iter().collect();
        v.sort_by(|a, b| key(a).total_cmp(&key(b)));
        v.iter().map(|s| s.name.clone()).collect::<Vec<_>>()
    };
    let by_step = order(&|s| -s.step(iterations));
    let by_error = order(&|s| s.validation_error);
    let verdict = if by_step == by_error {
        format!(
            "Largest step first ({}), the optimizers are also in order of mean validation error, lowest \
             first: at {iterations:.0} iterations a larger step went with a lower mean error (which gaps \
             are beyond noise is said above).",
            by_step.join(", ")
        )
    } else {
        format!(
            "The order of these step sizes, largest first ({}), is not the order of the mean \
             validation errors, lowest first ({}).",
            by_step.join(", "),
            by_error.join(", ")
        )
    };
    format!(
        "The optimizers differ in learning rate and in how a step depends on the gradient, so this \
         compares each at its learning rate, not the update rules alone. One step moves the weights of conv1 \
         (‖g‖ its measured gradient norm, mean over the run and the seeds; n its weights) by {}. {verdict}",
        parts.join("; ")
    )
}
