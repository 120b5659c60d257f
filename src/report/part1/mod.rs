//! Part 1 of the report: (a) the data, (b)–(d) the derivations, (e) activations and hidden sizes,
//! (f) deeper networks and the real data sets. Numbers are means ± sd over the seeds.
use crate::backprop::data::DatasetName;
use crate::backprop::record::NetResult;
use crate::report::cache::read_json;
use crate::report::derivations;
use crate::report::doc::Doc;
use crate::report::plan::{Config, Plan, RunConfig};
use crate::report::stats::{compare, ranking_text, Summary};
use crate::report::Context;
use anyhow::{bail, Context as _, Result};
use observations::{depth_text, hidden_text};
use std::collections::BTreeMap;
use std::path::Path;

mod observations;

/// Per network name, its result in each seed's sweep.
fn results(cx: &Context, config: &Config) -> Result<BTreeMap<String, Vec<NetResult>>> {
    let mut by_name: BTreeMap<String, Vec<NetResult>> = BTreeMap::new();
    for job in &config.jobs {
        let done = cx.done(job)?;
        let list: Vec<NetResult> = read_json(&done.dir.join("results.json"))?;
        for r in list {
            by_name.entry(r.name.clone()).or_default().push(r);
        }
    }
    Ok(by_name)
}

/// The results in the order the sweep trained them (seed 0's order).
fn ordered(cx: &Context, config: &Config) -> Result<Vec<(String, Vec<NetResult>)>> {
    let first: Vec<NetResult> = read_json(&cx.done(&config.jobs[0])?.dir.join("results.json"))?;
    let mut all = results(cx, config)?;
    Ok(first.iter().filter_map(|r| all.remove(&r.name).map(|v| (r.name.clone(), v))).collect())
}

fn summary(rs: &[NetResult], f: impl Fn(&NetResult) -> f64) -> Summary {
    Summary::new(rs.iter().map(f))
}

/// Copies seed 0's figure of `config` into figures/ and returns its path in the report.
fn figure(cx: &Context, config: &Config, file: &str, name: &str) -> Result<String> {
    let from = cx.done(&config.jobs[0])?.dir.join(file);
    let to = cx.out.join("figures").join(name);
    std::fs::copy(&from, &to)
        .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    Ok(format!("figures/{name}"))
}

/// A table of loss and accuracy (and held-out accuracy) per network, and its rows' summaries.
fn table(
    rows: &[(String, Vec<NetResult>)],
    label: impl Fn(&str) -> String,
    held_out: bool,
) -> Vec<Vec<String>> {
    rows.iter()
        .map(|(name, rs)| {
            let mut row = vec![
                label(name),
                summary(rs, |r| r.final_loss).show(1.0, 4),
                summary(rs, |r| r.train_accuracy).show(100.0, 1),
            ];
            if held_out {
                row.push(summary(rs, |r| r.test_accuracy.unwrap_or(f64::NAN)).show(100.0, 1));
            }
            row
        })
        .collect()
}

pub fn write(cx: &Context, plan: &Plan, doc: &mut Doc) -> Result<()> {
    let seeds = plan.activations.jobs.len();
    doc.h1("Part 1: Backpropagation in a simple neural network");
    doc.h2("1(a) The data");
    let moons = figure(cx, &plan.activations, "data.png", "1a-moons.png")?;
    doc.figure(&moons, "Make-Moons: 200 points, noise 0.2, seed 0; two classes of 100.", 0.45);
    doc.para(
        "Two interleaving half circles, shuffled, with Gaussian noise of standard deviation 0.2 \
         (sklearn.datasets.make_moons, re-implemented with nnlab's own seeded generator). The classes \
         are not linearly separable: a decision boundary must bend twice.",
    );
    derivations::activations(doc);
    derivations::network(doc);
    derivations::backprop(doc);

    doc.h2("1(e) Training: activations and hidden-layer size");
    let gd = plan.activations.config().gd().context("part 1's jobs are three_layer or n_layer runs")?;
    let (passes, eps, lambda) = (gd.passes, gd.epsilon, gd.reg_lambda);
    doc.para(format!(
        "Every network below trains with full-batch gradient descent, $\\varepsilon = {eps}$, $\\lambda = {lambda}$, \
         for {passes} passes, from {seeds} seeds (the seed draws the data's noise and the initial weights); \
         tables give mean ± sd over the seeds, figures show seed 0."
    ));
    let acts = ordered(cx, &plan.activations)?;
    let fig = figure(cx, &plan.activations, "boundaries.png", "1e-activations.png")?;
    doc.figure(
        &fig,
        "Decision boundaries of the 3-layer network with 3 hidden units: tanh, sigmoid, ReLU (seed 0).",
        1.0,
    );
    doc.table(
        &["activation (3 hidden units)", "final loss", "training accuracy (%)"],
        table(&acts, |n| n.trim_end_matches("-h3").to_string(), false),
        format!("Tanh, sigmoid and ReLU, {seeds} seeds."),
    );
    let loss_of = |rows: &[(String, Vec<NetResult>)]| -> Vec<(String, Summary)> {
        rows.iter()
            .map(|(n, rs)| (n.trim_end_matches("-h3").to_string(), summary(rs, |r| r.final_loss)))
            .collect()
    };
    doc.para(format!(
        "{} Tanh and the sigmoid draw smooth curved boundaries; ReLU's is piecewise linear, made of \
         straight segments with kinks where a hidden unit switches on or off, as the figure shows.",
        ranking_text("final loss", loss_of(&acts), (1.0, 4), "", "")
    ));
    let hidden = ordered(cx, &plan.hidden)?;
    let fig = figure(cx, &plan.hidden, "boundaries.png", "1e-hidden.png")?;
    doc.figure(&fig, "Tanh networks with 1, 2, 3, 4, 5, 20 and 50 hidden units (seed 0).", 1.0);
    doc.table(
        &["hidden units", "final loss", "training accuracy (%)"],
        table(&hidden, |n| n.trim_start_matches("tanh-h").to_string(), false),
        format!("Hidden-layer size, tanh, {seeds} seeds."),
    );
    doc.para(hidden_text(&hidden));

    doc.h2("1(f) Deeper networks");
    doc.para(
        "`n_layer` builds a `DeepNeuralNetwork` from a list of `Layer`s (src/backprop/n_layer.rs). Each \
         layer owns its weights, computes $z = x W + b$ and $a = f(z)$ in its `feedforward`, keeping its \
         input and $z$, and in its `backprop` turns $\\frac{\\partial J}{\\partial a}$ into $\\delta_{z} = \\frac{\\partial J}{\\partial a} \\odot f'(z)$, \
         sets $\\frac{\\partial J}{\\partial W} = x^{\\top} \\delta_{z} + \\lambda W$ and $\\frac{\\partial J}{\\partial b} = \\sum_{n} \\delta_{z}$, \
         and hands $\\delta_{z} W^{\\top}$ to the layer below. The last layer's activation is the softmax, \
         differentiated together with the cross-entropy ($\\delta = \\hat{y} - Y$). This design was chosen \
         because it is the 3-layer derivation of 1(d) applied layer by layer: each layer needs only \
         what it saw going forward, so any depth and width (`--layers 2,10,10,5,2`, or `--depth`/`--width`) \
         and any of the three activations work without new code, and the same gradient checks cover it.",
    );
    let deep = ordered(cx, &plan.deep)?;
    let fig = figure(cx, &plan.deep, "boundaries.png", "1f-deep.png")?;
    let RunConfig::NLayer(deep_cfg) = plan.deep.config() else { bail!("1(f)'s depth jobs are n_layer runs") };
    let depths = deep_cfg.depth.0.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    doc.figure(
        &fig,
        format!("Make-Moons, 10 units per hidden layer, {depths} hidden layers, tanh and ReLU (seed 0)."),
        1.0,
    );
    doc.table(
        &["network", "final loss", "training accuracy (%)"],
        table(&deep, |n| n.trim_start_matches("moons-").to_string(), false),
        format!("Depth on Make-Moons, {seeds} seeds."),
    );
    doc.para(depth_text(&deep));
    let circles = ordered(cx, &plan.circles)?;
    let fig = figure(cx, &plan.circles, "boundaries.png", "1f-circles.png")?;
    doc.figure(&fig, "Make-Circles (a second 2-D data set): 1 and 3 hidden layers (seed 0).", 1.0);
    doc.table(
        &["network", "final loss", "training accuracy (%)"],
        table(&circles, |n| n.trim_start_matches("circles-").to_string(), false),
        format!("Circles, {seeds} seeds."),
    );
    real_data(cx, plan, doc)
}

fn real_data(cx: &Context, plan: &Plan, doc: &mut Doc) -> Result<()> {
    doc.h3("Other data sets");
    let mut rows = Vec::new();
    for config in &plan.real {
        let name = config.name.trim_start_matches("f-");
        let Ok(ds) = <DatasetName as clap::ValueEnum>::from_str(name, true) else { continue };
        let d = ds.load(Path::new("data/sklearn"), 200, 0.2, 0)?;
        let held = ((d.len() as f64) * 0.2).round() as i64;
        rows.push(vec![
            name.to_string(),
            d.len().to_string(),
            d.dim().to_string(),
            d.num_classes.to_string(),
            format!("{} / {}", d.len() - held, held),
            format!("{} → {}", d.dim(), d.num_classes),
        ]);
    }
    doc.para(
        "The real data sets come from scikit-learn's bundled CSV files (UCI's Iris, Wine and Breast Cancer \
         Wisconsin, and the 8×8 Digits). Features are standardised with the training split's mean and \
         standard deviation, 20% of the rows are held out, and the networks train with $\\varepsilon = 0.001$ \
         (the gradient is summed over more rows than the moons').",
    );
    doc.table(
        &["data set", "rows", "features", "classes", "train / held out", "network input → output"],
        rows,
        "The other data sets.",
    );
    let mut results_rows = Vec::new();
    let mut notes = Vec::new();
    for config in &plan.real {
        let nets = ordered(cx, config)?;
        let name = config.name.trim_start_matches("f-");
        for (net, rs) in &nets {
            results_rows.push(vec![
                name.to_string(),
                net.trim_start_matches(&format!("{name}-")).to_string(),
                summary(rs, |r| r.train_accuracy).show(100.0, 1),
                summary(rs, |r| r.test_accuracy.unwrap_or(f64::NAN)).show(100.0, 1),
            ]);
        }
        if let (Some(a), Some(b)) = (nets.first(), nets.last()) {
            let held = |rs: &[NetResult]| summary(rs, |r| r.test_accuracy.unwrap_or(f64::NAN));
            let c = compare(&held(&a.1), &held(&b.1));
            notes.push(format!(
                "{name}: the deep network's held-out accuracy differs by {:+.1} ± {:.1} points ({})",
                100.0 * c.diff,
                100.0 * c.se,
                if c.significant { "a real difference" } else { "within noise" }
            ));
        }
    }
    doc.table(
        &["data set", "network", "training accuracy (%)", "held-out accuracy (%)"],
        results_rows,
        format!(
            "One and three hidden layers of 20 units, tanh, {} seeds (the seed also draws the split).",
            plan.activations.jobs.len()
        ),
    );
    doc.para(format!("Deep against shallow on held-out rows — {}.", notes.join("; ")));
    Ok(())
}
