//! The report's runs: each job runs once in `report/runs/<label>-<hash>/` and is reused while its
//! run reads back whole. A cached run is trusted only if every event file is whole (no torn or
//! corrupt record), its status is complete, and its events agree with its result file; anything
//! else is trained again, and the report says so.
use crate::backprop::record::NetResult;
use crate::dcn::train::{TrainConfig, TrainReport};
use crate::report::plan::{Job, Program};
use crate::run::files::write_file;
use crate::run::interrupt;
use crate::run::owned::read_own_text;
use crate::run::progress::{progress_bar, say};
use crate::run::{RunStatus, Status};
use crate::tensorboard::tags;
use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;
use tensorboard_writer::proto::{event, Event};
use tensorboard_writer::reader::EventReader;
use tensorboard_writer::record::scalars;

/// job.json beside a cached run: what ran and how long it took.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobRecord {
    pub label: String,
    pub program: String,
    pub args: Vec<String>,
    pub seed: u64,
    pub seconds: f64,
}

/// A job's run, ready to be read.
#[derive(Clone, Debug)]
pub struct Done {
    /// The program's run directory (a sweep directory for Part 1 jobs).
    pub dir: PathBuf,
    pub record: JobRecord,
    pub reused: bool,
    /// Why a cached run was not reused, if one was there.
    pub retrained: Option<String>,
}

pub struct Cache {
    /// report/runs
    pub root: PathBuf,
    /// Where three_layer, n_layer and mnist_dcn are.
    pub bin_dir: PathBuf,
}

impl Cache {
    fn dir_of(&self, job: &Job) -> PathBuf {
        self.root.join(format!("{}-{}", job.label, &job.hash()[..8]))
    }

    /// The job's cached run, checked; Err says what is wrong with it.
    pub fn cached(&self, job: &Job) -> Result<Done> {
        let cache = self.dir_of(job);
        let record: JobRecord = read_json(&cache.join("job.json"))?;
        let program_dir = cache.join(job.program.binary());
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&program_dir)
            .with_context(|| format!("cannot read {}", program_dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        let dir = match (dirs.pop(), dirs.is_empty()) {
            (Some(d), true) => d,
            _ => bail!("{} does not hold exactly one run", program_dir.display()),
        };
        match job.program {
            Program::MnistDcn => verify_dcn(&dir)?,
            Program::ThreeLayer | Program::NLayer => verify_sweep(&dir)?,
        }
        Ok(Done { dir, record, reused: true, retrained: None })
    }

    /// Runs the job in a fresh cache directory (`threads`: libtorch threads for the process).
    fn run(&self, job: &Job, threads: usize) -> Result<Done> {
        let cache = self.dir_of(job);
        let _ = std::fs::remove_dir_all(&cache);
        std::fs::create_dir_all(&cache).with_context(|| format!("cannot create {}", cache.display()))?;
        let exe = self.bin_dir.join(job.program.binary());
        let start = Instant::now();
        let mut cmd = Command::new(&exe);
        cmd.args(&job.args)
            .args(["--seed", &job.seed.to_string(), "--quiet", "--runs"])
            .arg(&cache)
            .env("OMP_NUM_THREADS", threads.to_string())
            .env("MKL_NUM_THREADS", threads.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // A signal passes on to the job, which stops and is marked interrupted: its directory gets no
        // job.json, so it is never reused. After a signal no job starts.
        let child =
            interrupt::spawn_child(&mut cmd).with_context(|| format!("cannot run {}", exe.display()))?;
        let Some(child) = child else { bail!("{}: not started: stopped by a signal", job.label) };
        let pid = child.id();
        let out = child.wait_with_output();
        interrupt::forget_child(pid);
        let out = out.with_context(|| format!("cannot run {}", exe.display()))?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            bail!(
                "{} {} failed: {}",
                job.program.binary(),
                job.args.join(" "),
                err.lines().last().unwrap_or("")
            );
        }
        let record = JobRecord {
            label: job.label.clone(),
            program: job.program.binary().into(),
            args: job.args.clone(),
            seed: job.seed,
            seconds: start.elapsed().as_secs_f64(),
        };
        write_file(&cache.join("job.json"), serde_json::to_string_pretty(&record)?.as_bytes())?;
        let done = self.cached(job).with_context(|| format!("{} left no complete run", job.label))?;
        Ok(Done { reused: false, ..done })
    }

    /// Every job's run: cached ones checked and reused, the others run, `workers` at a time.
    pub fn ensure_all(&self, jobs: &[&Job], workers: usize) -> Result<HashMap<String, Done>> {
        let pb = progress_bar(jobs.len() as u64, true, "jobs");
        let queue: Mutex<VecDeque<&Job>> = Mutex::new(jobs.iter().copied().collect());
        let results: Mutex<Vec<Result<(String, Done)>>> = Mutex::new(Vec::new());
        let threads = if workers > 1 { 1 } else { 2 };
        std::thread::scope(|s| {
            for _ in 0..workers.max(1) {
                s.spawn(|| {
                    while let Some(job) =
                        queue.lock().ok().filter(|_| !interrupt::requested()).and_then(|mut q| q.pop_front())
                    {
                        let done = match self.cached(job) {
                            Ok(done) => Ok(done),
                            Err(why) => {
                                let cached = self.dir_of(job).exists();
                                self.run(job, threads)
                                    .map(|d| Done { retrained: cached.then(|| format!("{why:#}")), ..d })
                            }
                        };
                        let line = match &done {
                            Ok(d) if d.reused => format!("{:<34} reused", job.label),
                            Ok(d) => format!("{:<34} ran in {:.1} s", job.label, d.record.seconds),
                            // The reason ends the program as its one error line; not repeated here.
                            Err(_) => format!("{:<34} failed", job.label),
                        };
                        say(&pb, line);
                        pb.inc(1);
                        let failed = done.is_err();
                        if let Ok(mut r) = results.lock() {
                            r.push(done.map(|d| (job.hash(), d)));
                        }
                        if failed {
                            if let Ok(mut q) = queue.lock() {
                                q.clear();
                            }
                        }
                    }
                });
            }
        });
        pb.finish_and_clear();
        results.into_inner().map_err(|_| anyhow::anyhow!("a report worker panicked"))?.into_iter().collect()
    }
}

pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = read_own_text(path)?;
    serde_json::from_str(&text).with_context(|| format!("{} is not what nnlab writes there", path.display()))
}

/// Every event of `dir`, refusing a torn or corrupt file (the reader used elsewhere forgives a torn
/// last record, which a cache must not), and a link, FIFO or anything but a regular file.
pub fn read_events_whole(dir: &Path) -> Result<Vec<Event>> {
    let mut reader = EventReader::new(dir).follow_links(false);
    let events = reader.read_to_end()?;
    if let Some(t) = reader.torn().first() {
        bail!("{} ends in a torn record (at byte {})", t.path.display(), t.offset);
    }
    if events.is_empty() {
        bail!("{} has no event file", dir.display());
    }
    Ok(events)
}

fn complete(dir: &Path) -> Result<()> {
    let status = Status::read(dir)?;
    if status.status != RunStatus::Complete {
        bail!("{} is {:?}, not complete", dir.display(), status.status);
    }
    Ok(())
}

/// Whether a logged scalar holds `recorded`: exactly, as an f32 (the precision of a logged scalar;
/// NaN agrees with NaN).
fn agrees(logged: Option<f64>, recorded: f64) -> bool {
    logged.is_some_and(|v| {
        let (a, b) = (v as f32, recorded as f32);
        a == b || (a.is_nan() && b.is_nan())
    })
}

/// Fails unless the last `tag` scalar of `events` holds `recorded`, the value of `field` (a result
/// file's). The value recorded is not repeated: the report must not show an edited number, even here.
fn check_last(run: &Path, events: &[Event], tag: &str, field: &str, recorded: f64) -> Result<()> {
    let logged = scalars(events, tag).last().map(|p| p.1);
    if !agrees(logged, recorded) {
        let logged = logged.map_or("nothing".into(), |v| v.to_string());
        bail!("{}: {field} is not what its events logged (the last {tag}: {logged})", run.display());
    }
    Ok(())
}

/// The events of the last session of a run (since its last event file began): the process whose
/// training time result.json records.
fn last_session(events: &[Event]) -> &[Event] {
    let start = events.iter().rposition(|e| matches!(e.what, Some(event::What::FileVersion(_))));
    &events[start.unwrap_or(0)..]
}

/// Fails unless the training time that result.json records fits the last session's events: its
/// losses were logged within `seconds`, and the session (from its file's creation to its last
/// event) lasted at least `seconds`. A tolerance covers the two clocks (monotonic and wall).
fn check_seconds(run: &Path, events: &[Event], seconds: f64) -> Result<()> {
    let session = last_session(events);
    let loss = |e: &&Event| match &e.what {
        Some(event::What::Summary(s)) => s.value.iter().any(|v| v.tag == tags::TRAIN_LOSS),
        _ => false,
    };
    let losses = span(session.iter().filter(loss).map(|e| e.wall_time));
    let whole = span(session.iter().map(|e| e.wall_time));
    let slack = 0.5 + 0.05 * seconds.abs();
    if !(seconds.is_finite() && losses <= seconds + slack && seconds <= whole + slack) {
        bail!(
            "{}: result.json's seconds does not fit its events ({losses:.3} s of losses in a session of \
             {whole:.3} s)",
            run.display()
        );
    }
    Ok(())
}

/// The time from the first to the last of `times` (0 for none).
fn span(times: impl Iterator<Item = f64>) -> f64 {
    let (first, last) = times.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| (a.min(t), b.max(t)));
    (last - first).max(0.0)
}

/// A DCN run: complete, its losses at 1..=iterations, and every number of result.json that the
/// report shows (losses, accuracies, time, speed) what its events logged.
pub fn verify_dcn(dir: &Path) -> Result<()> {
    complete(dir)?;
    let report: TrainReport = read_json(&dir.join("result.json"))?;
    let config: TrainConfig = read_json(&dir.join("config.json"))?;
    let events = read_events_whole(dir)?;
    let steps: Vec<i64> = scalars(&events, tags::TRAIN_LOSS).iter().map(|p| p.0).collect();
    if steps != (1..=config.iterations()).collect::<Vec<_>>() || report.iterations != config.iterations() {
        bail!("{}: its losses do not cover steps 1..={}", dir.display(), config.iterations());
    }
    check_last(dir, &events, tags::TRAIN_LOSS, "result.json's final_loss", report.final_loss)?;
    let (validation, test) = (1.0 - report.validation_accuracy, 1.0 - report.test_accuracy);
    check_last(dir, &events, tags::VALIDATION_ERROR, "result.json's validation_accuracy", validation)?;
    check_last(dir, &events, tags::TEST_ERROR, "result.json's test_accuracy", test)?;
    check_seconds(dir, &events, report.seconds)?;
    // The speed is the session's updates over its time; the session began after its restart marker.
    let first = last_session(&events).iter().find_map(|e| match &e.what {
        Some(event::What::SessionLog(_)) => Some((e.step - 1).max(0)),
        _ => None,
    });
    let updates = (report.iterations - first.unwrap_or(0)) as f64;
    if !agrees(Some(report.iterations_per_second * report.seconds), updates) {
        bail!(
            "{}: result.json's iterations_per_second and seconds do not give the {updates} updates of its \
             last session",
            dir.display()
        );
    }
    Ok(())
}

/// A Part 1 sweep: complete, and every network's run complete, its result.json the sweep's entry,
/// and every number of it that the report shows (loss, accuracies, steps) what its events logged.
pub fn verify_sweep(dir: &Path) -> Result<()> {
    complete(dir)?;
    let results: Vec<NetResult> = read_json(&dir.join("results.json"))?;
    if results.is_empty() {
        bail!("{}: results.json lists no network", dir.display());
    }
    for r in &results {
        let run = &sweep_member(dir, r)?;
        complete(run)?;
        let own: NetResult = read_json(&run.join("result.json"))?;
        if own != *r || r.status != RunStatus::Complete {
            bail!("{}: result.json and the sweep's results.json disagree", run.display());
        }
        let events = read_events_whole(run)?;
        let last_loss = scalars(&events, tags::TRAIN_LOSS).last().map(|p| p.0);
        let accuracy_step = scalars(&events, tags::TRAIN_ACCURACY).last().map(|p| p.0);
        if last_loss != Some(r.steps) || accuracy_step != Some(r.steps) {
            bail!("{}: results.json's steps is not where its events end", run.display());
        }
        check_last(run, &events, tags::TRAIN_LOSS, "results.json's final_loss", r.final_loss)?;
        check_last(run, &events, tags::TRAIN_ACCURACY, "results.json's train_accuracy", r.train_accuracy)?;
        let held_out = scalars(&events, tags::TEST_ACCURACY).last().map(|p| p.1);
        match r.test_accuracy {
            Some(a) => check_last(run, &events, tags::TEST_ACCURACY, "results.json's test_accuracy", a)?,
            None if held_out.is_some() => {
                bail!("{}: results.json lacks the test_accuracy logged", run.display())
            }
            None => {}
        }
    }
    Ok(())
}

/// The run directory of a sweep's network: inside the sweep, whatever path results.json recorded it
/// under (the report may be made again from another directory).
pub fn sweep_member(sweep: &Path, r: &NetResult) -> Result<PathBuf> {
    let name = r
        .run_dir
        .file_name()
        .with_context(|| format!("{}: a network without a run directory", sweep.display()))?;
    let run = sweep.join(name);
    if !run.is_dir() {
        bail!("{}: {} is missing", sweep.display(), run.display());
    }
    Ok(run)
}
