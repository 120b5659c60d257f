//! Part 1's observations, computed from the seeds: how many hidden units are enough, and deep against
//! shallow.
use super::summary;
use crate::backprop::record::NetResult;
use crate::report::stats::{compare, Summary};

/// The smallest hidden size whose accuracy is within noise of the best, and what loss does beyond it.
pub(super) fn hidden_text(rows: &[(String, Vec<NetResult>)]) -> String {
    let accs: Vec<(String, Summary)> = rows
        .iter()
        .map(|(n, rs)| (n.trim_start_matches("tanh-h").to_string(), summary(rs, |r| r.train_accuracy)))
        .collect();
    let Some((best, best_s)) = accs.iter().max_by(|a, b| a.1.mean().total_cmp(&b.1.mean())).cloned() else {
        return String::new();
    };
    let enough = accs
        .iter()
        .find(|(_, s)| !compare(&best_s, s).significant)
        .map(|(n, _)| n.clone())
        .unwrap_or(best.clone());
    let (first, last) = (&rows[0], &rows[rows.len() - 1]);
    let loss = |rs: &[NetResult]| summary(rs, |r| r.final_loss);
    let c = compare(&loss(&last.1), &loss(&first.1));
    let trend = if c.significant && c.diff > 0.0 {
        "larger networks fit the 200 training points more closely (the moons have no held-out points \
         here, so this run cannot tell a closer fit of the noise from a better boundary)"
    } else {
        "beyond that, more units do not lower the loss by more than the seeds vary"
    };
    format!(
        "Training accuracy is highest with {best} hidden units ({}%); from {enough} hidden units on, \
         the difference to the best is within noise. The final loss goes from {} with {} unit(s) to {} \
         with {} ({}): {trend}.",
        best_s.show(100.0, 1),
        loss(&first.1).show(1.0, 4),
        first.0.trim_start_matches("tanh-h"),
        loss(&last.1).show(1.0, 4),
        last.0.trim_start_matches("tanh-h"),
        if c.significant { "a real difference" } else { "within noise" }
    )
}

/// Deep against shallow, per activation.
pub(super) fn depth_text(rows: &[(String, Vec<NetResult>)]) -> String {
    let mut parts = Vec::new();
    for act in ["tanh", "relu"] {
        let of_act: Vec<&(String, Vec<NetResult>)> =
            rows.iter().filter(|(n, _)| n.contains(&format!("-{act}-"))).collect();
        if let (Some(shallow), Some(deep)) = (of_act.first(), of_act.last()) {
            if shallow.0 != deep.0 {
                let (a, b) = (summary(&shallow.1, |r| r.final_loss), summary(&deep.1, |r| r.final_loss));
                let c = compare(&a, &b);
                parts.push(format!(
                    "with {act}, the deepest network's loss differs from the shallowest's by {:+.4} ± {:.4} ({})",
                    c.diff, c.se, if c.significant { "a real difference" } else { "within noise" }
                ));
            }
        }
    }
    for (name, rs) in rows {
        let (acc, loss) = (summary(rs, |r| r.train_accuracy), summary(rs, |r| r.final_loss));
        let stuck = rs.iter().filter(|r| r.train_accuracy < 0.6).count();
        if stuck > 0 {
            parts.push(format!(
                "{name} stays at chance in {stuck} of {} seeds (training accuracy {}%, loss {}; predicting ½ for both \
                 classes costs ln 2 = 0.693): this depth does not train with these settings",
                rs.len(),
                acc.show(100.0, 1),
                loss.show(1.0, 3)
            ));
        } else if loss.n() > 1 && loss.sd() > 0.5 * loss.mean() {
            parts.push(format!("{name}'s loss varies strongly between seeds ({})", loss.show(1.0, 3)));
        }
    }
    format!(
        "Deep against shallow: {}. Each layer composes another nonlinearity, so a deeper network can \
         bend its boundary more often (ReLU's boundary is made of straight pieces, one more kink for \
         each unit that switches); whether that lowers the loss here is what the comparison says.",
        parts.join("; ")
    )
}
