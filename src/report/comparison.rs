//! Part 2(c): each family (activation, initialisation, optimizer) compared over seeds: the training
//! loss and validation error curves, a table of mean ± sd, the ranking, and what the measured values
//! say about each variant ([`mechanisms`]).
use crate::dcn::train::monitor::MONITORED;
use crate::report::dcn_run::{read, Dcn};
use crate::report::doc::Doc;
use crate::report::figures::{self, curve};
use crate::report::mechanisms::{step_sizes, verdicts, Measured, Stepping};
use crate::report::plan::{Config, Family, Plan, RunConfig};
use crate::report::stats::{ranking_text, Summary};
use crate::report::Context;
use crate::tensorboard::tags;
use anyhow::{bail, Result};

pub fn write(cx: &Context, plan: &Plan, doc: &mut Doc) -> Result<()> {
    doc.h2("2(c) Activations, initialisations and optimizers");
    let default = &plan.families[0].variants[0];
    let RunConfig::MnistDcn(cfg) = default.config() else { bail!("part (c)'s jobs are mnist_dcn runs") };
    let iterations = cfg.iterations();
    let names: Vec<String> = plan
        .families
        .iter()
        .map(|f| {
            format!(
                "{}s {}",
                f.name,
                f.variants.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    doc.para(format!(
        "Each variant changes one setting of the default (ReLU, PyTorch's default initialisation, Adam \
         with lr 1e-4) and trains {iterations} iterations on {dataset} with {seeds} seeds; compared: {}. \
         The figures show the training loss (smoothed per seed as TensorBoard smooths it) and the \
         validation error, each the mean over seeds with a band from the lowest to the highest seed; \
         tables give mean ± sd. A difference is called real only when Welch's t-test over the seeds \
         rejects equality at the 5% level. A variant whose training loss stays near ln 10 ≈ 2.303 (what \
         guessing among 10 classes scores) has not started learning.",
        names.join("; "),
        dataset = cfg.dataset,
        seeds = default.jobs.len(),
    ));
    for family in &plan.families {
        write_family(cx, family, iterations, doc)?;
    }
    Ok(())
}

fn write_family(cx: &Context, family: &Family, iterations: i64, doc: &mut Doc) -> Result<()> {
    doc.h3(format!("Comparing {}s", family.name));
    let (mut losses, mut errors, mut rows, mut measured, mut stepping) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let layers = MONITORED[3].1;
    for variant in &family.variants {
        let runs = runs(cx, variant)?;
        let name = variant.name.clone();
        let smooth = |d: &Dcn| figures::smoothed(&curve(&d.events, tags::TRAIN_LOSS), 0.95);
        losses.push((name.clone(), runs.iter().map(smooth).collect::<Vec<_>>()));
        errors.push((name.clone(), runs.iter().map(|d| curve(&d.events, tags::VALIDATION_ERROR)).collect()));
        let s = |f: &dyn Fn(&Dcn) -> f64| Summary::new(runs.iter().map(f));
        let m = Measured {
            name: name.clone(),
            validation_error: s(&|d| 1.0 - d.report.validation_accuracy),
            late_loss: s(&|d| d.late_loss()),
            dead: s(&|d| d.health("dead_units", layers, true)),
            saturated: s(&|d| d.health("saturated_units", layers, true)),
            grad: s(&|d| d.health("gradient_norm", &["conv1"], false)),
            optimizer: runs[0].config.optimizer.kind,
        };
        let units = if m.dead.n() > 0 {
            format!("{} dead", m.dead.show(100.0, 1))
        } else if m.saturated.n() > 0 {
            format!("{} saturated", m.saturated.show(100.0, 1))
        } else {
            "not logged".into()
        };
        rows.push(vec![
            name.clone(),
            m.validation_error.show(100.0, 2),
            s(&|d| 1.0 - d.report.test_accuracy).show(100.0, 2),
            m.late_loss.show(1.0, 3),
            m.grad.show(1.0, 4),
            units,
        ]);
        let o = &runs[0].config.optimizer;
        stepping.push(Stepping {
            name,
            optimizer: o.kind,
            lr: o.lr,
            momentum: o.momentum,
            grad: m.grad.mean(),
            weights: runs[0].weight_count("conv1"),
            validation_error: m.validation_error.mean(),
        });
        measured.push(m);
    }
    let file = format!("2c-{}.png", family.name);
    let path = cx.out.join("figures").join(&file);
    figures::comparison(&losses, &errors, &path, family.name)?;
    doc.figure(
        format!("figures/{file}"),
        format!(
            "By {}: training loss (left; the grey line is chance, ln 10) and validation error (right), \
             mean over seeds with a band from the lowest to the highest.",
            family.name
        ),
        1.0,
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
        format!(
            "Comparing {}s (mean ± sd over seeds). Units: dead ReLU units (zero for the whole batch) or \
             saturated tanh/sigmoid units, averaged over conv1, conv2 and fc1; not logged for the others.",
            family.name
        ),
    );
    let val = measured.iter().map(|m| (m.name.clone(), m.validation_error.clone())).collect();
    doc.para(format!(
        "{} {}",
        ranking_text("validation error", val, (100.0, 2), "%", " points"),
        verdicts(&measured, &iterations.to_string())
    ));
    let steps = step_sizes(&stepping, iterations as f64);
    if !steps.is_empty() {
        doc.para(steps);
    }
    Ok(())
}

fn runs(cx: &Context, variant: &Config) -> Result<Vec<Dcn>> {
    variant.jobs.iter().map(|j| read(&cx.done(j)?.dir)).collect()
}
