//! Part 2 of the report: (a) the DCN's training loss and test accuracy, (b) every monitored term per
//! layer, (c) activations, initialisations and optimizers compared over seeds, with the measured
//! training-health values (gradient norms, dead and saturated units) that explain the differences.
use crate::cli::value_name;
use crate::dcn::train::monitor::MONITORED;
use crate::dcn::train::{TrainConfig, TrainReport};
use crate::report::cache::{read_events_whole, read_json};
use crate::report::doc::Doc;
use crate::report::figures::{self, curve};
use crate::report::plan::{Config, Family, Plan};
use crate::report::stats::{compare, ranking_text, Summary};
use crate::report::Context;
use tensorboard_writer::proto::Event;
use crate::tensorboard::tags;
use anyhow::Result;
use std::path::PathBuf;

/// One DCN run, read back.
struct Dcn {
    events: Vec<Event>,
    report: TrainReport,
    config: TrainConfig,
}

fn read(dir: &std::path::Path) -> Result<Dcn> {
    Ok(Dcn {
        events: read_events_whole(dir)?,
        report: read_json(&dir.join("result.json"))?,
        config: read_json(&dir.join("config.json"))?,
    })
}

impl Dcn {
    /// The mean training loss over the last tenth of the run (one batch's loss is noisy).
    fn late_loss(&self) -> f64 {
        let l = curve(&self.events, tags::TRAIN_LOSS);
        let tail = &l[l.len() - (l.len() / 10).max(1)..];
        tail.iter().map(|p| p.1).sum::<f64>() / tail.len() as f64
    }
    /// A health value's mean over the run (`last`: its last value instead), averaged over `layers`.
    fn health(&self, what: &str, layers: &[&str], last: bool) -> f64 {
        let per_layer: Vec<f64> = layers
            .iter()
            .filter_map(|l| {
                let c = curve(&self.events, &tags::health(l, what));
                let n = c.len();
                match (n, last) {
                    (0, _) => None,
                    (_, true) => Some(c[n - 1].1),
                    _ => Some(c.iter().map(|p| p.1).sum::<f64>() / n as f64),
                }
            })
            .collect();
        if per_layer.is_empty() {
            f64::NAN
        } else {
            per_layer.iter().sum::<f64>() / per_layer.len() as f64
        }
    }
}

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
         the 10,000 test images test; the quick grid's comparisons use a 5,000-image subset split \
         4,000 / 500 / 500). This run: {it} iterations on {dataset}, {device}, {secs:.0} s ({ips:.1} it/s).",
        act = value_name(&c.activation),
        opt = value_name(&c.optimizer.kind),
        lr = c.optimizer.lr,
        batch = c.batch_size,
        it = r.iterations,
        dataset = value_name(&c.dataset),
        device = value_name(&r.device),
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

    doc.h2("2(c) Activations, initialisations and optimizers");
    let seeds = plan.families[0].variants[0].jobs.len();
    let cmp = &plan.families[0].variants[0].jobs[0];
    doc.para(format!(
        "Each variant changes one setting of the default (ReLU, PyTorch's default initialisation, Adam \
         with lr 1e-4) and trains {} iterations on {} with {seeds} seeds. Curves are the mean over seeds \
         with a band from the lowest to the highest; tables give mean ± sd. A difference is called real \
         only when Welch's t-test over the seeds rejects equality at the 5% level.",
        cmp.arg("--iterations").unwrap_or("?"),
        cmp.arg("--dataset").unwrap_or("?")
    ));
    for family in &plan.families {
        write_family(cx, family, doc)?;
    }
    Ok(())
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

fn write_family(cx: &Context, family: &Family, doc: &mut Doc) -> Result<()> {
    doc.h3(format!("Comparing {}s", family.name));
    let mut curves = Vec::new();
    let mut rows = Vec::new();
    let mut val = Vec::new();
    let mut health_notes = Vec::new();
    let layers = MONITORED[3].1;
    for variant in &family.variants {
        let runs = runs(cx, variant)?;
        curves.push((
            variant.name.clone(),
            runs.iter().map(|d| curve(&d.events, tags::VALIDATION_ERROR)).collect::<Vec<_>>(),
        ));
        let s = |f: &dyn Fn(&Dcn) -> f64| Summary::new(runs.iter().map(f));
        let v = s(&|d| 1.0 - d.report.validation_accuracy);
        let dead = s(&|d| d.health("dead_units", layers, true));
        let saturated = s(&|d| d.health("saturated_units", layers, true));
        let units = if dead.n() > 0 {
            format!("{} dead", dead.show(100.0, 1))
        } else if saturated.n() > 0 {
            format!("{} saturated", saturated.show(100.0, 1))
        } else {
            "n/a".into()
        };
        let grad = s(&|d| d.health("gradient_norm", &["conv1"], false));
        rows.push(vec![
            variant.name.clone(),
            v.show(100.0, 2),
            s(&|d| 1.0 - d.report.test_accuracy).show(100.0, 2),
            s(&|d| d.late_loss()).show(1.0, 3),
            grad.show(1.0, 4),
            units,
        ]);
        health_notes.push((variant.name.clone(), dead, saturated, grad));
        val.push((variant.name.clone(), v));
    }
    let file = format!("2c-{}.png", family.name);
    let (path, link) = fig(cx, &file);
    figures::comparison(
        &curves,
        &path,
        &format!("validation error by {}", family.name),
        "validation error",
        true,
    )?;
    doc.figure(
        &link,
        format!("Validation error by {}: mean over seeds, band from lowest to highest.", family.name),
        0.9,
    );
    doc.table(
        &[
            family.name,
            "validation error (%)",
            "test error (%)",
            "training loss, last 10%",
            "conv1 gradient norm (mean)",
            "units at the end (%)",
        ],
        rows,
        format!("Comparing {}s (mean ± sd over seeds).", family.name),
    );
    doc.para(format!(
        "{} {}",
        ranking_text("validation error", val.clone(), (100.0, 2), "%", " points"),
        mechanisms(&val, &health_notes)
    ));
    Ok(())
}

fn runs(cx: &Context, variant: &Config) -> Result<Vec<Dcn>> {
    variant.jobs.iter().map(|j| read(&cx.done(j)?.dir)).collect()
}

/// For variants clearly worse than the best: the measured health value that stands out, if any.
fn mechanisms(val: &[(String, Summary)], health: &[(String, Summary, Summary, Summary)]) -> String {
    let best = val.iter().min_by(|a, b| a.1.mean().total_cmp(&b.1.mean()));
    let Some((best_name, best_v)) = best else { return String::new() };
    let best_grad = health.iter().find(|h| &h.0 == best_name).map(|h| h.3.mean()).unwrap_or(f64::NAN);
    let best_health = health.iter().find(|h| &h.0 == best_name);
    let mut out = Vec::new();
    for ((name, v), (_, dead, saturated, grad)) in val.iter().zip(health) {
        if name == best_name || !compare(best_v, v).significant {
            continue;
        }
        // What was measured, then what stands out: saturated or dead units pass (almost) no gradient,
        // and a conv1 gradient far smaller than the best variant's means the first layer learns slowly.
        let ratio = grad.mean() / best_grad;
        let mut measured = vec![format!("its conv1 gradient norm averaged {ratio:.2}× the best variant's")];
        let mut striking = Vec::new();
        for (what, s, of_best) in
            [("saturated", saturated, best_health.map(|h| &h.2)), ("dead", dead, best_health.map(|h| &h.1))]
        {
            if s.n() > 0 {
                let best = of_best
                    .filter(|b| b.n() > 0)
                    .map(|b| format!(" ({best_name}: {:.1}%)", 100.0 * b.mean()));
                measured.push(format!(
                    "{:.1}% of its units are {what} at the end{}",
                    100.0 * s.mean(),
                    best.unwrap_or_default()
                ));
                if s.mean() > 0.2 {
                    striking.push(format!("{what} units pass almost no gradient"));
                }
            }
        }
        if ratio.is_finite() && ratio < 0.2 {
            striking.push("its first layer receives a far smaller gradient (it learns slowly)".to_string());
        }
        let verdict = if striking.is_empty() {
            "none of these stands out as the cause".to_string()
        } else {
            format!("which points to the cause: {}", striking.join("; "))
        };
        out.push(format!("{name} is clearly worse: {}; {verdict}", measured.join(", ")));
    }
    if out.is_empty() {
        "No variant is clearly worse than the best at this number of seeds.".into()
    } else {
        format!("{}.", out.join(". "))
    }
}
