//! Part 2 of the report: (a) the DCN's training loss and test accuracy, (b) every monitored term per
//! layer; (c), the comparisons over seeds, is [`comparison`]'s.
use crate::dcn::train::monitor::MONITORED;
use crate::report::dcn_run::{read, Dcn};
use crate::report::doc::Doc;
use crate::report::figures::{self, curve};
use crate::report::plan::Plan;
use crate::report::Context;
use crate::report::{classes, comparison};
use crate::tensorboard::tags;
use anyhow::Result;
use std::path::PathBuf;

fn fig(cx: &Context, name: &str) -> (PathBuf, String) {
    (cx.out.join("figures").join(name), format!("figures/{name}"))
}

pub fn write(cx: &Context, plan: &Plan, doc: &mut Doc) -> Result<()> {
    doc.h1("Part 2: A deep convolutional network on MNIST");
    let main = read(&cx.done(&plan.dcn)?.dir)?;
    let (r, c) = (&main.report, &main.config);
    doc.h2("2(a) Building and training the network");
    doc.para(format!(
        "`mnist_dcn` builds conv(5×5, 32) → {act} → max-pool 2 → conv(5×5, 64) → {act} → max-pool 2 → \
         fc 3136→1024 → {act} → dropout 0.5 → fc 1024→10 (src/dcn/model.rs) and trains it with {opt} \
         (lr {lr}) on batches of {batch} from the first 55,000 training images (the last 5,000 validate; \
         the 10,000 test images test; mnist5k, a 5,000-image subset, is split 4,000 / 500 / 500). \
         This run: {it} iterations on {dataset}, {device}, {secs:.0} s ({ips:.1} it/s).",
        act = c.activation.to_string(),
        opt = c.optimizer.kind,
        lr = c.optimizer.lr,
        batch = c.batch_size,
        it = r.iterations,
        dataset = c.dataset,
        device = r.device,
        secs = r.seconds,
        ips = r.iterations_per_second
    ));
    let (path, link) = fig(cx, "2a-loss.png");
    figures::loss(&main.events, &path)?;
    doc.figure(
        &link,
        "Training loss, every iteration (light) and smoothed as TensorBoard smooths it (dark), log scale.",
        0.9,
    );
    let (path, link) = fig(cx, "2a-errors.png");
    figures::errors(&main.events, &path)?;
    doc.figure(&link, "Validation and test error at each evaluation.", 0.9);
    doc.para(format!(
        "**Test accuracy: {:.2}%** (validation accuracy {:.2}%) after {} iterations.",
        100.0 * r.test_accuracy,
        100.0 * r.validation_accuracy,
        r.iterations
    ));
    let (path, link) = fig(cx, "2a-fc1-projection.png");
    classes::write(doc, &main.events, &cx.done(&plan.dcn)?.dir, (&path, &link))?;

    doc.h2("2(b) Monitoring every layer");
    doc.para(format!(
        "Every {} iterations the run logged a histogram and the minimum, maximum, mean and (population) \
         standard deviation of each layer's weights, biases, net inputs, activations and pooled \
         activations, computed on the device; the figures below are drawn from those logs, the \
         distributions as TensorBoard draws them (bands at the 0, 7, 16, 31, 50, 69, 84, 93 and 100th \
         percentiles).",
        c.log_every
    ));
    for (quantity, layers) in MONITORED {
        let name = quantity.name();
        let (path, link) = fig(cx, &format!("2b-{name}-statistics.png"));
        figures::statistics(&main.events, quantity, layers, &path)?;
        doc.figure(&link, format!("{name}: min, max, mean and std per layer."), 1.0);
        let (path, link) = fig(cx, &format!("2b-{name}-distributions.png"));
        figures::distributions(&main.events, quantity, layers, &path)?;
        doc.figure(&link, format!("{name}: distribution over training per layer."), 1.0);
    }
    let (path, link) = fig(cx, "2b-health.png");
    figures::health(&main.events, &path)?;
    doc.figure(
        &link,
        "Gradient norms of each layer's weights, and the fraction of dead ReLU units, over training.",
        1.0,
    );
    doc.para(monitoring_text(&main));

    comparison::write(cx, plan, doc)
}

/// What the health logs of the main run show.
fn monitoring_text(main: &Dcn) -> String {
    let norm = |l: &str| curve(&main.events, &tags::health(l, "gradient_norm"));
    let mut parts = Vec::new();
    for l in MONITORED[0].1 {
        let n = norm(l);
        if let (Some(first), Some(last)) = (n.first(), n.last()) {
            parts.push(format!("{l} {:.3} → {:.3}", first.1, last.1));
        }
    }
    let dead = main.health("dead_units", MONITORED[3].1, true);
    let std = |l: &str| curve(&main.events, &tags::statistic(l, "weights", "std"));
    let drift: Vec<String> = MONITORED[0]
        .1
        .iter()
        .filter_map(|l| {
            let s = std(l);
            Some(format!("{l} {:+.1}%", 100.0 * (s.last()?.1 / s.first()?.1 - 1.0)))
        })
        .collect();
    let mut text = format!(
        "Measured in this run: the gradient norms of the weights went from the first to the last log as {}; \
         the weights' standard deviation changed by {} over training.",
        parts.join(", "),
        drift.join(", ")
    );
    if dead.is_finite() {
        text += &format!(" At the end {:.1}% of the ReLU units (averaged over conv1, conv2, fc1) were dead for the whole batch.", 100.0 * dead);
    }
    text
}
