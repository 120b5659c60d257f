//! `make report`: runs the assignment's experiment grid through the three programs and writes
//! report/REPORT.md with every figure, drawn from what the runs logged (event files, results.json).
//!
//! Each job's output lives in `report/runs/<label>-<hash of program, arguments, version>/`; a job whose
//! directory holds a complete run is not run again, so after a change only what changed is trained.
pub mod doc;
pub mod markdown;
pub mod pdf;
pub mod plan;
pub mod tex;
pub mod typst;

use crate::backprop::sweep::NetResult;
use crate::cli::value_name;
use crate::dcn::train::{TrainConfig, TrainReport};
use crate::plot::lines::{line_chart, line_panels, LinePanel, Series};
use crate::run::progress::{progress_bar, say};
use crate::run::{RunStatus, Status};
use crate::tensorboard::proto::HistogramProto;
use crate::tensorboard::reader::{histograms, read_dir_events, scalars};
use crate::tensorboard::tags;
use anyhow::{bail, Context, Result};
use plan::{Grid, Job, Plan};
use serde::de::DeserializeOwned;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub struct Reporter {
    pub out: PathBuf,
    /// Where three_layer, n_layer and mnist_dcn are.
    pub bin_dir: PathBuf,
}

impl Reporter {
    fn fig(&self, name: &str) -> PathBuf {
        self.out.join("figures").join(name)
    }

    /// The job's run directory, running the job unless a complete run of it is cached.
    fn ensure(&self, job: &Job) -> Result<(PathBuf, bool)> {
        // Keyed by what runs, not by the label: identical jobs in several comparisons run once.
        let cache = self.out.join("runs").join(format!("{}-{}", job.program, job.hash()));
        if let Some(dir) = complete_run(&cache.join(job.program)) {
            return Ok((dir, true));
        }
        let _ = std::fs::remove_dir_all(&cache);
        std::fs::create_dir_all(&cache).with_context(|| format!("cannot create {}", cache.display()))?;
        let exe = self.bin_dir.join(job.program);
        let out = Command::new(&exe)
            .args(&job.args)
            .arg("--runs")
            .arg(&cache)
            .arg("--quiet")
            .output()
            .with_context(|| format!("cannot run {}", exe.display()))?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            bail!("{} {} failed: {}", job.program, job.args.join(" "), err.lines().last().unwrap_or(""));
        }
        complete_run(&cache.join(job.program))
            .map(|d| (d, false))
            .with_context(|| format!("{} left no complete run in {}", job.program, cache.display()))
    }

    /// Runs (or reuses) every job, then writes the figures and REPORT.md. Returns the report's path.
    pub fn run(&self, plan: &Plan, grid: Grid) -> Result<PathBuf> {
        std::fs::create_dir_all(self.out.join("figures"))
            .with_context(|| format!("cannot create {}", self.out.display()))?;
        let jobs = plan.all_jobs();
        let start = Instant::now();
        let mut dirs = std::collections::HashMap::new();
        let mut reused_count = 0;
        let pb = progress_bar(jobs.len() as u64, true, "jobs");
        for (k, job) in jobs.iter().enumerate() {
            pb.set_message(job.label.clone());
            let t = Instant::now();
            let (dir, reused) = self.ensure(job)?;
            reused_count += usize::from(reused);
            let how = if reused {
                "reused".to_string()
            } else {
                format!("ran in {:.1} s", t.elapsed().as_secs_f64())
            };
            say(&pb, format!("[{}/{}] {:<24} {how}", k + 1, jobs.len(), job.label));
            pb.inc(1);
            dirs.insert(job.label.clone(), dir);
        }
        pb.finish_and_clear();
        let dir = |j: &Job| dirs[&j.label].clone();
        let mut md = String::new();
        writeln!(md, "# nnlab report\n\nGrid `{grid:?}`, made by `make report` in {:.0} s ({} of {} jobs reused from earlier runs). Every figure is drawn from the data the runs logged under `runs/`.\n", start.elapsed().as_secs_f64(), reused_count, jobs.len())?;

        md += "## Part 1: backprop from scratch on Make-Moons\n\n";
        let act = dir(&plan.activations);
        copy(&act.join("data.png"), &self.fig("a-moons.png"))?;
        writeln!(md, "### (a) The data\n\n![Make-Moons](figures/a-moons.png)\n\n*200 points, two interleaving half circles, Gaussian noise 0.2, seed 0.*\n")?;
        self.sweep_figure(
            &mut md,
            &act,
            &plan.activations,
            "e1-activations.png",
            "### (e1) Tanh, Sigmoid, ReLU",
            "3 hidden units, ε 0.01, λ 0.01, ",
        )?;
        self.sweep_figure(
            &mut md,
            &dir(&plan.hidden),
            &plan.hidden,
            "e2-hidden.png",
            "### (e2) Hidden-layer size, Tanh",
            "",
        )?;
        self.sweep_figure(
            &mut md,
            &dir(&plan.deep),
            &plan.deep,
            "f-deep.png",
            "### (f) Deeper networks",
            "n_layer on moons, width 10, ",
        )?;
        self.sweep_figure(
            &mut md,
            &dir(&plan.circles),
            &plan.circles,
            "f-circles.png",
            "",
            "n_layer on circles, ",
        )?;
        md += "### (f) Real data sets (standardised features, 20% held out, ε 0.001)\n\n| data set | network | loss | train accuracy | held-out accuracy | seconds |\n|---|---|---|---|---|---|\n";
        for job in &plan.real {
            for r in results(&dir(job))? {
                writeln!(
                    md,
                    "| {} | {} | {:.4} | {:.1}% | {:.1}% | {:.1} |",
                    job.label,
                    r.name,
                    r.final_loss,
                    100.0 * r.train_accuracy,
                    100.0 * r.test_accuracy.unwrap_or(f64::NAN),
                    r.seconds
                )?;
            }
        }

        md += "\n## Part 2: the DCN on MNIST\n\n";
        let main = dir(&plan.dcn);
        let events = read_dir_events(&main)?;
        let summary = dcn_caption(&main)?;
        let loss = scalars(&events, tags::TRAIN_LOSS);
        line_chart(
            &self.fig("p2a-loss.png"),
            "training loss",
            "iteration",
            "cross-entropy",
            vec![
                Series::new("per iteration", loss.iter().map(|&(s, v)| (s as f64, v)).collect()),
                Series::new("mean of 50", moving_average(&loss, 50)),
            ],
            true,
        )?;
        writeln!(md, "### (a) Training loss\n\n![loss](figures/p2a-loss.png)\n\n*{summary}*\n")?;
        md += "### (b) Statistics and distributions per layer\n\n";
        for (kind, layers) in
            [("weights", 4), ("biases", 4), ("net_inputs", 4), ("activations", 3), ("pooled", 2)]
        {
            let layers = &["conv1", "conv2", "fc1", "fc2"][..layers];
            let stat_panels = layers
                .iter()
                .map(|l| LinePanel {
                    title: tags::histogram(l, kind),
                    y_label: String::new(),
                    series: ["min", "max", "mean", "std"]
                        .iter()
                        .map(|s| {
                            Series::new(
                                *s,
                                scalars(&events, &tags::statistic(l, kind, s))
                                    .iter()
                                    .map(|&(x, y)| (x as f64, y))
                                    .collect(),
                            )
                        })
                        .collect(),
                    log_y: false,
                    legend: true,
                })
                .collect::<Vec<_>>();
            line_panels(
                &self.fig(&format!("p2b-stats-{kind}.png")),
                "iteration",
                &stat_panels,
                4,
                (420, 300),
            )?;
            let dist_panels = layers
                .iter()
                .map(|l| distribution_panel(&events, &tags::histogram(l, kind)))
                .collect::<Vec<_>>();
            line_panels(
                &self.fig(&format!("p2b-dist-{kind}.png")),
                "iteration",
                &dist_panels,
                4,
                (420, 300),
            )?;
            writeln!(
                md,
                "![{kind} statistics](figures/p2b-stats-{kind}.png)\n\n*{kind}: min, max, mean, std every {} iterations.*\n\n![{kind} distributions](figures/p2b-dist-{kind}.png)\n\n*{kind}: distribution over time (TensorBoard's percentile bands: 0, 7, 16, 31, 50, 69, 84, 93, 100%), from the logged histograms.*\n",
                arg_of(&plan.dcn, "--log-every").unwrap_or("100")
            )?;
        }
        md += "### (c) Activations, initialisations, optimizers\n\n";
        for fam in &plan.families {
            let mut series = Vec::new();
            let mut table =
                String::from("| variant | final validation error | final test error | seconds | it/s |\n|---|---|---|---|---|\n");
            for (name, job) in &fam.variants {
                let d = dir(job);
                let ev = read_dir_events(&d)?;
                series.push(Series::new(
                    name.clone(),
                    scalars(&ev, tags::VALIDATION_ERROR).iter().map(|&(s, v)| (s as f64 + 1.0, v)).collect(),
                ));
                let r: TrainReport = read_json(&d.join("result.json"))?;
                writeln!(
                    table,
                    "| {name} | {:.2}% | {:.2}% | {:.1} | {:.1} |",
                    100.0 * (1.0 - r.validation_accuracy),
                    100.0 * (1.0 - r.test_accuracy),
                    r.seconds,
                    r.iterations_per_second
                )?;
            }
            let file = format!("p2c-{}.png", fam.name);
            line_chart(
                &self.fig(&file),
                &format!("validation error by {}", fam.name),
                "iteration",
                "validation error",
                series,
                false,
            )?;
            let job = &fam.variants[0].1;
            writeln!(
                md,
                "![{0}](figures/{file})\n\n*Validation error vs iteration, one line per {0} (others as the defaults: relu, default init, Adam 1e-4, batch 50); {1} iterations on {2}.*\n\n{table}",
                fam.name,
                arg_of(job, "--iterations").unwrap_or("?"),
                arg_of(job, "--dataset").unwrap_or("?")
            )?;
        }
        let path = self.out.join("REPORT.md");
        crate::run::files::write_file(&path, md.as_bytes())?;
        Ok(path)
    }
}

impl Reporter {
    /// A sweep's boundary figure, copied into figures/, with its heading and a caption of final results.
    fn sweep_figure(
        &self,
        md: &mut String,
        sweep: &Path,
        job: &Job,
        figure: &str,
        heading: &str,
        what: &str,
    ) -> Result<()> {
        copy(&sweep.join("boundaries.png"), &self.fig(figure))?;
        let heading = if heading.is_empty() { String::new() } else { format!("{heading}\n\n") };
        writeln!(
            md,
            "{heading}![{figure}](figures/{figure})\n\n*{what}{}.* {}\n",
            passes_of(job),
            sweep_caption(sweep)?
        )?;
        Ok(())
    }
}

/// The one run directory under `program_dir`, if its status is "complete".
fn complete_run(program_dir: &Path) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(program_dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    if dirs.len() != 1 {
        return None;
    }
    let dir = dirs.pop()?;
    let status = Status::read(&dir).ok()?;
    (status.status == RunStatus::Complete).then_some(dir)
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    Ok(())
}

fn results(sweep: &Path) -> Result<Vec<NetResult>> {
    read_json(&sweep.join("results.json"))
}

fn sweep_caption(sweep: &Path) -> Result<String> {
    let parts: Vec<String> = results(sweep)?
        .iter()
        .map(|r| {
            format!(
                "{}: loss {:.3}, accuracy {:.1}%, {:.2} s",
                r.name,
                r.final_loss,
                100.0 * r.train_accuracy,
                r.seconds
            )
        })
        .collect();
    Ok(format!("Final: {}.", parts.join("; ")))
}

fn dcn_caption(dir: &Path) -> Result<String> {
    let r: TrainReport = read_json(&dir.join("result.json"))?;
    let c: TrainConfig = read_json(&dir.join("config.json"))?;
    Ok(format!(
        "{} iterations of batch {} on {} ({}), {} {} lr {}, {} init: validation accuracy {:.2}%, test accuracy {:.2}%, {:.1} s ({:.1} it/s).",
        r.iterations,
        c.batch_size,
        value_name(&c.dataset),
        value_name(&c.device),
        value_name(&c.activation),
        value_name(&c.optimizer.kind),
        c.optimizer.lr,
        value_name(&c.init),
        100.0 * r.validation_accuracy,
        100.0 * r.test_accuracy,
        r.seconds,
        r.iterations_per_second
    ))
}

fn passes_of(job: &Job) -> String {
    format!("{} passes", arg_of(job, "--passes").unwrap_or("20000"))
}

fn arg_of<'a>(job: &'a Job, flag: &str) -> Option<&'a str> {
    job.args.iter().position(|a| a == flag).and_then(|i| job.args.get(i + 1)).map(String::as_str)
}

fn moving_average(points: &[(i64, f64)], window: usize) -> Vec<(f64, f64)> {
    points
        .windows(window.min(points.len()).max(1))
        .map(|w| (w[w.len() - 1].0 as f64, w.iter().map(|p| p.1).sum::<f64>() / w.len() as f64))
        .collect()
}

/// TensorBoard's distribution view: percentiles (in basis points) of each logged histogram, drawn
/// in shades that darken towards the median.
fn distribution_panel(events: &[crate::tensorboard::proto::Event], tag: &str) -> LinePanel {
    const BPS: [f64; 9] = [0.0, 668.0, 1587.0, 3085.0, 5000.0, 6915.0, 8413.0, 9332.0, 10000.0];
    let shade = |k: usize| {
        let depth = 4 - (k as i32 - 4).unsigned_abs() as u8; // 0 at the extremes, 4 at the median
        plotters::style::RGBColor(250 - 30 * depth, 190 - 35 * depth, 160 - 30 * depth)
    };
    let hs = histograms(events, tag);
    let series = BPS
        .iter()
        .enumerate()
        .map(|(k, &bp)| Series {
            name: format!("{:.0}%", bp / 100.0),
            points: hs.iter().map(|(s, h)| (*s as f64, percentile(h, bp))).collect(),
            color: Some(shade(k)),
        })
        .collect();
    LinePanel { title: tag.into(), y_label: String::new(), series, log_y: false, legend: false }
}

/// The value below which `bp`/10000 of the histogram's mass lies, interpolated within its bucket
/// (TensorBoard's compressHistogram).
pub fn percentile(h: &HistogramProto, bp: f64) -> f64 {
    let target = bp / 10_000.0 * h.num;
    let mut cum = 0.0;
    for (i, &count) in h.bucket.iter().enumerate() {
        if cum + count >= target && count > 0.0 {
            let lo = if i == 0 { h.min } else { h.bucket_limit[i - 1].max(h.min) };
            let hi = h.bucket_limit[i].min(h.max);
            let frac = ((target - cum) / count).clamp(0.0, 1.0);
            return lo + (hi - lo) * frac;
        }
        cum += count;
    }
    h.max
}
