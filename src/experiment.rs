//! Training one or several from-scratch nets on the same data, each logged as its own TensorBoard run,
//! with a decision-boundary figure (one panel per net) for 2-D data. Both Part 1 programs use it.
use crate::data::LabeledData;
use crate::gd::{fit_model, FitConfig, GdModel};
use crate::histogram::device_stats;
use crate::plot::{draw_panels, BoundaryGrid, Panel};
use crate::run::{install_interrupt_handler, write_file, Outcome, Run};
use crate::summary::{histogram, scalar};
use anyhow::Result;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub struct Job {
    /// Short and path-safe: "tanh-h3", "relu-2-10-10-2".
    pub name: String,
    pub title: String,
    pub config: serde_json::Value,
    pub model: Box<dyn GdModel>,
}

#[derive(Clone, Debug, Serialize)]
pub struct JobResult {
    pub name: String,
    pub status: String,
    pub final_loss: f64,
    pub train_accuracy: f64,
    pub test_accuracy: Option<f64>,
    pub seconds: f64,
    pub run_dir: PathBuf,
}

pub struct Experiment<'a> {
    pub program: &'a str,
    pub runs_root: &'a Path,
    pub train: &'a LabeledData,
    pub test: Option<&'a LabeledData>,
    pub fit: FitConfig,
    /// Draw decision boundaries (2-D data only).
    pub plot: bool,
    /// Figure grid columns for several jobs.
    pub cols: usize,
}

impl Experiment<'_> {
    /// One job gets its own run directory; several get a "sweep" directory holding the figure,
    /// results.json and one sub-run per job. Returns the results and the directory of the figure.
    pub fn run(&self, sweep_name: &str, jobs: Vec<Job>, config: &impl Serialize) -> Result<(Vec<JobResult>, PathBuf)> {
        install_interrupt_handler()?;
        let parent = match jobs.len() {
            1 => None,
            _ => Some(Run::create(self.runs_root, self.program, sweep_name, config)?),
        };
        let (mut results, mut panels) = (Vec::new(), Vec::new());
        for job in jobs {
            let run = match &parent {
                None => Run::create(self.runs_root, self.program, &job.name, &job.config)?,
                Some(p) => Run::create(&p.dir, "", &job.name, &job.config)?,
            };
            eprintln!("== {} → {}", job.title, run.dir.display());
            let (result, grid) = self.train_one(job.model, &job.name, run)?;
            let title = format!("{} (acc {:.1}%)", job.title, 100.0 * result.train_accuracy);
            panels.extend(grid.map(|g| (title, g)));
            let stop = result.status != "complete";
            results.push(result);
            if stop {
                break;
            }
        }
        let dir = match &parent {
            Some(p) => p.dir.clone(),
            None => results[0].run_dir.clone(),
        };
        if !panels.is_empty() {
            let figure = dir.join(if parent.is_some() { "boundaries.png" } else { "boundary.png" });
            let panels: Vec<Panel> = panels.into_iter().map(|(title, grid)| Panel { title, data: self.train, grid: Some(grid) }).collect();
            draw_panels(&figure, &panels, self.cols, 420)?;
            eprintln!("figure: {}", figure.display());
        }
        if self.plot && self.train.dim() == 2 {
            draw_panels(&dir.join("data.png"), &[Panel { title: "training data".into(), data: self.train, grid: None }], 1, 480)?;
        }
        if let Some(p) = &parent {
            write_file(&p.dir.join("results.json"), serde_json::to_string_pretty(&results)?.as_bytes())?;
            let complete = results.iter().all(|r| r.status == "complete");
            p.set_status(if complete { "complete" } else { "incomplete" }, String::new(), None)?;
        }
        Ok((results, dir))
    }

    fn train_one(&self, mut model: Box<dyn GdModel>, name: &str, mut run: Run) -> Result<(JobResult, Option<BoundaryGrid>)> {
        let start = Instant::now();
        let mut final_loss = f64::NAN;
        let outcome = fit_model(model.as_mut(), self.train, &self.fit, |m, pass, loss| {
            final_loss = loss;
            let named = m.named_parameters();
            let tensors: Vec<&tch::Tensor> = named.iter().map(|(_, t)| t).collect();
            let mut values = vec![scalar("train/loss", loss)];
            for ((tag, _), stats) in named.iter().zip(device_stats(&tensors)?) {
                values.extend(histogram(tag, &stats));
            }
            run.summary.write(pass, values)
        });
        run.finish(outcome.as_ref().copied())?;
        let outcome = outcome?;
        let seconds = start.elapsed().as_secs_f64();
        let train_accuracy = self.train.accuracy(&model.predict(&self.train.x));
        let test_accuracy = self.test.map(|t| t.accuracy(&model.predict(&t.x)));
        let (status, step) = match outcome {
            Outcome::Complete => ("complete", self.fit.num_passes),
            Outcome::Interrupted { step } => ("interrupted", step),
        };
        run.summary.add_scalar("train/accuracy", train_accuracy, step)?;
        if let Some(a) = test_accuracy {
            run.summary.add_scalar("test/accuracy", a, step)?;
        }
        let result = JobResult {
            name: name.into(),
            status: status.into(),
            final_loss,
            train_accuracy,
            test_accuracy,
            seconds,
            run_dir: run.dir.clone(),
        };
        write_file(&run.dir.join("result.json"), serde_json::to_string_pretty(&result)?.as_bytes())?;
        eprintln!(
            "{name}: loss {final_loss:.4}, train accuracy {:.2}%{}, {seconds:.2} s",
            100.0 * train_accuracy,
            test_accuracy.map(|a| format!(", held-out accuracy {:.2}%", 100.0 * a)).unwrap_or_default()
        );
        let grid = (self.plot && self.train.dim() == 2).then(|| BoundaryGrid::new(self.train, 200, |g| model.predict(g))).transpose()?;
        Ok((result, grid))
    }
}

/// Ctrl-C/SIGTERM ended a fit early: say so and exit 130, as a shell expects of an interrupted program.
pub fn exit_if_interrupted(results: &[JobResult]) {
    if let Some(r) = results.iter().find(|r| r.status == "interrupted") {
        eprintln!("interrupted: {} stopped early ({} marked interrupted)", r.name, r.run_dir.display());
        std::process::exit(130);
    }
}
