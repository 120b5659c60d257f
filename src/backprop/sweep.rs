//! Training one or several from-scratch networks on the same data, each as its own TensorBoard run,
//! with a decision-boundary figure (one panel per network) for 2-D data. Both Part 1 programs use it.
use crate::backprop::fit::{fit_model, FitConfig, GdModel};
use crate::backprop::record::{NetConfig, NetResult};
use crate::cli::Exit;
use crate::data::LabeledData;
use crate::fs::write::write_file;
use crate::native::memory;
use crate::plot::boundary::{draw_panels, panels_size, BoundaryGrid, Panel};
use crate::plot::{png_bytes, png_file};
use crate::run::console;
use crate::run::{Outcome, Run, RunDir, RunStatus};
use crate::tensorboard::summary::histogram_with_statistics;
use crate::tensorboard::tags;
use anyhow::Result;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tensorboard_writer::summary::scalar;
use tensorboard_writer::tensor::histograms;

/// One network of a sweep: its run name, figure title, configuration and model.
pub struct Network {
    /// Short and path-safe: "tanh-h3", "moons-relu-2-10-10-2".
    pub name: String,
    pub title: String,
    pub config: NetConfig,
    pub model: Box<dyn GdModel>,
}

pub struct Sweep<'a> {
    pub program: &'a str,
    pub runs_root: &'a Path,
    pub train: &'a LabeledData,
    pub test: Option<&'a LabeledData>,
    pub fit: FitConfig,
    /// Draw decision boundaries (2-D data only).
    pub plot: bool,
    /// Figure grid columns for several networks.
    pub cols: usize,
}

const PANEL: u32 = 420;
/// TensorBoard shrinks images to its cards (about 210 pixels high): smaller figures keep their text legible.
const TB_IMAGE: u32 = 320;

/// A network's decision boundary with its panel title.
type Boundary = (String, BoundaryGrid);

impl Sweep<'_> {
    /// One network gets its own run directory; several get a sweep directory holding the figure,
    /// results.json and one run per network. Returns the results and the directory of the figure.
    pub fn run(
        &self,
        sweep_name: &str,
        networks: Vec<Network>,
        config: &impl Serialize,
    ) -> Result<(Vec<NetResult>, PathBuf)> {
        let draw = self.plot && self.train.dim() == 2;
        if draw {
            panels_size(networks.len(), self.cols, PANEL)?;
        }
        if networks.len() == 1 {
            let (results, panels) = self.train_all(None, networks)?;
            let dir = results[0].run_dir.clone();
            if draw {
                self.figures(&dir, "boundary.png", panels)?;
            }
            return Ok((results, dir));
        }
        let mut parent = RunDir::create(self.runs_root, self.program, sweep_name, config)?;
        let done = self.train_all(Some(&parent.dir), networks).and_then(|(results, panels)| {
            if draw {
                self.figures(&parent.dir, "boundaries.png", panels)?;
            }
            write_file(&parent.dir.join("results.json"), serde_json::to_string_pretty(&results)?.as_bytes())?;
            Ok(results)
        });
        // The sweep's own status says how it ended: complete, incomplete, or failed with the error.
        match done {
            Ok(results) if results.iter().all(|r| r.status == RunStatus::Complete) => {
                parent.finish(Ok(Outcome::Complete))?;
                Ok((results, parent.dir.clone()))
            }
            Ok(results) => {
                parent.finish_as(RunStatus::Incomplete, "a network stopped before the end".into(), None)?;
                Ok((results, parent.dir.clone()))
            }
            Err(e) => {
                let _ = parent.finish(Err(&e));
                Err(e)
            }
        }
    }

    /// Trains each network in its own run (inside `parent`, a sweep's directory, if given) until one
    /// does not complete. Returns the results and the boundary of each network (2-D data, plotting).
    fn train_all(
        &self,
        parent: Option<&Path>,
        networks: Vec<Network>,
    ) -> Result<(Vec<NetResult>, Vec<Boundary>)> {
        let (mut results, mut panels) = (Vec::new(), Vec::new());
        for net in networks {
            let (root, program) = match parent {
                None => (self.runs_root, self.program),
                Some(p) => (p, ""),
            };
            let run = Run::create(
                root,
                program,
                &net.name,
                &net.config,
                &net.config.hparams(self.program, self.train.len()),
            )?;
            console::err(format!("== {} → {}", net.title, run.dir().display()));
            let (result, grid) = self.train_one(net.model, &net.name, &net.title, run)?;
            let title = format!("{} (acc {:.1}%)", net.title, 100.0 * result.train_accuracy);
            panels.extend(grid.map(|g| (title, g)));
            let stop = result.status != RunStatus::Complete;
            results.push(result);
            if stop {
                break;
            }
        }
        Ok((results, panels))
    }

    /// The figure of every network's boundary (`name` in `dir`) and data.png.
    fn figures(&self, dir: &Path, name: &str, panels: Vec<Boundary>) -> Result<()> {
        let figure = dir.join(name);
        let panels: Vec<Panel> = panels
            .into_iter()
            .map(|(title, grid)| Panel { title, data: self.train, grid: Some(grid) })
            .collect();
        png_file(&figure, panels_size(panels.len(), self.cols, PANEL)?, |root| {
            draw_panels(root, &panels, self.cols)
        })?;
        console::err(format!("figure: {}", figure.display()));
        let data = [Panel { title: "training data".into(), data: self.train, grid: None }];
        png_file(&dir.join("data.png"), (480, 480), |root| draw_panels(root, &data, 1))
    }

    fn train_one(
        &self,
        mut model: Box<dyn GdModel>,
        name: &str,
        title: &str,
        mut run: Run,
    ) -> Result<(NetResult, Option<BoundaryGrid>)> {
        let draw = self.plot && self.train.dim() == 2;
        let start = Instant::now();
        let mut final_loss = f64::NAN;
        // Every error from here on is recorded as the run's status before it is returned.
        let mut data_image = || -> Result<()> {
            if draw {
                let data = [Panel { title: "training data".into(), data: self.train, grid: None }];
                let png = png_bytes((TB_IMAGE, TB_IMAGE), |root| draw_panels(root, &data, 1))?;
                run.summary.add_figure(tags::DATA, png, 0)?;
            }
            Ok(())
        };
        let what = format!("training {name} on {} rows", self.train.len());
        let outcome = data_image().and_then(|()| {
            memory::guard(what, || {
                fit_model(model.as_mut(), self.train, &self.fit, |m, step, loss| {
                    final_loss = loss;
                    let named = m.named_parameters();
                    let tensors: Vec<&tch::Tensor> = named.iter().map(|(_, t)| t).collect();
                    let mut values = vec![scalar(tags::TRAIN_LOSS, loss)];
                    for ((tag, _), stats) in named.iter().zip(histograms(&tensors)?) {
                        values.extend(histogram_with_statistics(tag, &stats));
                    }
                    Ok(run.summary.add_summary(values, step)?)
                })
            })
        });
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => {
                let _ = run.finish(Err(&e), 0);
                return Err(e);
            }
        };
        let seconds = start.elapsed().as_secs_f64();
        let recorded = memory::guard(format!("evaluating {name}"), || {
            self.record(model.as_mut(), name, title, &mut run, outcome, final_loss, seconds)
        });
        match recorded {
            Ok(done) => {
                run.finish(Ok(outcome), done.0.steps)?;
                Ok(done)
            }
            Err(e) => {
                let _ = run.finish(Err(&e), 0);
                Err(e)
            }
        }
    }

    /// After training: accuracies, result.json and the boundary figure, in the run and in TensorBoard.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        model: &mut dyn GdModel,
        name: &str,
        title: &str,
        run: &mut Run,
        outcome: Outcome,
        final_loss: f64,
        seconds: f64,
    ) -> Result<(NetResult, Option<BoundaryGrid>)> {
        let train_accuracy = self.train.accuracy(&model.predict(&self.train.x));
        let test_accuracy = self.test.map(|t| t.accuracy(&model.predict(&t.x)));
        let (status, steps) = match outcome {
            Outcome::Complete => (RunStatus::Complete, self.fit.num_passes),
            Outcome::Interrupted { step } => (RunStatus::Interrupted, step),
        };
        let mut values = vec![scalar(tags::TRAIN_ACCURACY, train_accuracy)];
        values.extend(test_accuracy.map(|a| scalar(tags::TEST_ACCURACY, a)));
        run.summary.add_summary(values, steps)?;
        let result = NetResult {
            name: name.into(),
            status,
            steps,
            final_loss,
            train_accuracy,
            test_accuracy,
            seconds,
            run_dir: run.dir().to_path_buf(),
        };
        write_file(&run.dir().join("result.json"), serde_json::to_string_pretty(&result)?.as_bytes())?;
        console::err(format!(
            "{name}: loss {final_loss:.4}, train accuracy {:.2}%{}, {seconds:.2} s",
            100.0 * train_accuracy,
            test_accuracy.map(|a| format!(", held-out accuracy {:.2}%", 100.0 * a)).unwrap_or_default()
        ));
        let grid = (self.plot && self.train.dim() == 2)
            .then(|| BoundaryGrid::new(self.train, 200, |g| model.predict(g)))
            .transpose()?;
        if let Some(g) = &grid {
            let title = format!("{title} (acc {:.1}%)", 100.0 * train_accuracy);
            let panel = [Panel { title, data: self.train, grid: Some(g.clone()) }];
            run.summary.add_figure(
                tags::BOUNDARY,
                png_bytes((TB_IMAGE, TB_IMAGE), |root| draw_panels(root, &panel, 1))?,
                steps,
            )?;
        }
        Ok((result, grid))
    }
}

/// What both Part 1 programs print at the end: a table of the networks (with a held-out column where
/// the data has one) when there are several, and the run directory; then [`exit_status`].
pub fn finish(results: &[NetResult], dir: &Path) -> Exit {
    if results.len() > 1 {
        let width = results.iter().map(|r| r.name.len()).max().unwrap_or(0).max(7);
        let held_out = results.iter().any(|r| r.test_accuracy.is_some());
        let extra = if held_out { format!(" {:>10}", "test acc") } else { String::new() };
        console::out(format!(
            "{:<width$} {:>10} {:>10}{extra} {:>8}",
            "network", "loss", "train acc", "seconds"
        ));
        for r in results {
            let extra = match (held_out, r.test_accuracy) {
                (false, _) => String::new(),
                (true, Some(a)) => format!(" {:>9.2}%", 100.0 * a),
                (true, None) => format!(" {:>10}", "-"),
            };
            console::out(format!(
                "{:<width$} {:>10.4} {:>9.2}%{extra} {:>8.2}",
                r.name,
                r.final_loss,
                100.0 * r.train_accuracy,
                r.seconds
            ));
        }
    }
    console::out(format!("run: {}", dir.display()));
    exit_status(results)
}

/// `Exit::Interrupted` (status 130) if Ctrl-C/SIGTERM stopped a network early, saying which.
fn exit_status(results: &[NetResult]) -> Exit {
    match results.iter().find(|r| r.status == RunStatus::Interrupted) {
        Some(r) => {
            console::err(format!(
                "interrupted: {} stopped early ({} marked interrupted)",
                r.name,
                r.run_dir.display()
            ));
            Exit::Interrupted
        }
        None => Exit::Done,
    }
}
