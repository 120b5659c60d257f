//! `make report`: runs the assignment's experiment grid through the three programs ([`plan`] and
//! [`variants`], [`cache`]) and writes the report, following the assignment's structure ([`part1`],
//! [`part2`] with part (c) in [`comparison`], [`derivations`], [`provenance`]), as one document model
//! ([`doc`]) written twice: REPORT.md ([`markdown`]) and REPORT.pdf ([`typst`], [`tex`], [`pdf`]).
//! Figures ([`figures`]) are drawn from what the runs logged ([`dcn_run`]); numbers are means ± sd over
//! seeds, comparisons are tested ([`stats`]), and what the text may claim from them is decided in
//! [`mechanisms`].
pub mod cache;
pub mod classes;
pub mod comparison;
pub mod dcn_run;
pub mod derivations;
pub mod doc;
pub mod figures;
pub mod job;
pub mod markdown;
pub mod mechanisms;
pub mod part1;
pub mod part2;
pub mod pdf;
pub mod plan;
pub mod provenance;
pub mod stats;
pub mod tex;
pub mod typst;
pub mod variants;
pub mod verify;

use crate::fs::write::write_file;
use crate::run::lock::DirLock;
use anyhow::{Context as _, Result};
use cache::{Cache, Done};
use doc::Doc;
use plan::{Job, Plan};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What the sections read: the report directory and each job's run.
pub struct Context {
    pub out: PathBuf,
    done: HashMap<String, Done>,
}

impl Context {
    pub fn done(&self, job: &Job) -> Result<&Done> {
        self.done.get(&job.hash()).with_context(|| format!("job {} has no run", job.label))
    }
}

pub struct Reporter {
    pub out: PathBuf,
    /// Where three_layer, n_layer and mnist_dcn are.
    pub bin_dir: PathBuf,
    /// Jobs run at once.
    pub workers: usize,
    /// The Python with typst (scripts/setup report).
    pub python: PathBuf,
}

/// The files a report consists of.
pub struct Written {
    pub markdown: PathBuf,
    pub pdf: PathBuf,
}

impl Reporter {
    /// Runs (or reuses) every job, then writes the figures, REPORT.md and REPORT.pdf.
    pub fn run(&self, plan: &Plan) -> Result<Written> {
        std::fs::create_dir_all(self.out.join("figures"))
            .with_context(|| format!("cannot create {}", self.out.display()))?;
        let _lock = DirLock::acquire(&self.out)?;
        let start = Instant::now();
        let jobs = plan.all_jobs();
        let cache = Cache { root: self.out.join("runs"), bin_dir: self.bin_dir.clone() };
        let done = cache.ensure_all(&jobs, self.workers)?;
        let cx = Context { out: self.out.clone(), done };
        let mut doc = Doc::new(
            "ELEC/COMP 576 Assignment 1: backprop from scratch and a DCN on MNIST",
            provenance::subtitle(plan),
        );
        part1::write(&cx, plan, &mut doc)?;
        doc.page_break();
        part2::write(&cx, plan, &mut doc)?;
        let seconds = start.elapsed().as_secs_f64();
        let pairs: Vec<(&Job, &Done)> = jobs.iter().map(|j| Ok((*j, cx.done(j)?))).collect::<Result<_>>()?;
        provenance::write(plan, &pairs, seconds, &mut doc);
        self.write(&doc)
    }

    fn write(&self, doc: &Doc) -> Result<Written> {
        let markdown = self.out.join("REPORT.md");
        write_file(&markdown, markdown::to_markdown(doc).as_bytes())?;
        let typ = self.out.join("REPORT.typ");
        write_file(&typ, typst::to_typst(doc)?.as_bytes())?;
        let pdf = self.out.join("REPORT.pdf");
        pdf::compile_pdf(&typ, &pdf, &self.out, &self.python)?;
        Ok(Written { markdown, pdf })
    }
}

/// The report directory's PDF, for `make submission`.
pub fn pdf_of(out: &Path) -> PathBuf {
    out.join("REPORT.pdf")
}
