//! The report's runs: each job runs once in `report/runs/<label>-<hash>/` and is reused while its
//! run reads back whole. A cached run is trusted only if every event file is whole (no torn or
//! corrupt record), its status is complete, and its events agree with its result file; anything
//! else is trained again, and the report says so.
use crate::fs::open::read_own_text;
use crate::fs::write::write_file;
use crate::report::plan::{Job, RunConfig};
use crate::report::verify::{verify_dcn, verify_sweep};
use crate::run::interrupt;
use crate::run::progress::{progress_bar, say};
use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;
use tensorboard_writer::proto::Event;
use tensorboard_writer::reader::EventReader;

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
        match job.config() {
            RunConfig::MnistDcn(want) => verify_dcn(&dir, want)?,
            RunConfig::ThreeLayer(_) | RunConfig::NLayer(_) => verify_sweep(&dir)?,
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
