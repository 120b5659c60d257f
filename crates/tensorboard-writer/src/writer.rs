//! [`SummaryWriter`]: `torch.utils.tensorboard.SummaryWriter` for Rust.
use crate::error::{Error, Result};
use crate::file::{now, EventFile};
use crate::graph::Graph;
use crate::os::Dir;
use crate::projector::{self, Metadata, Sprite};
use crate::projector_config;
use crate::proto::{event, HistogramProto, Summary, Value};
use crate::runs;
use crate::step::Step;
use crate::summary::custom_scalars::{custom_scalars, ChartSpec, CustomLayout};
use crate::summary::hparams::{hparams_with_domains, HParamValue};
use crate::summary::image::{images, png_value, DataFormat, Pixel};
use crate::summary::pr_curve::{pr_curve, pr_curve_raw, DEFAULT_THRESHOLDS};
use crate::summary::{self, histogram};
use prost::Message;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod media;

/// Writes TensorBoard event files into a log directory, with the methods of PyTorch's
/// `SummaryWriter`. Every call writes its event through to the kernel before it returns (nothing
/// is queued: a process killed at any moment loses nothing it logged), and every failure is an
/// [`Error`], never a panic.
pub struct SummaryWriter {
    log_dir: PathBuf,
    /// The log directory, held open: every run directory and file below it is reached from here,
    /// through no link.
    root: Dir,
    file: EventFile,
    suffix: String,
    /// `add_scalars`'s writers, one per run `<main_tag with '/' as '_'>_<tag>`, with the
    /// (main_tag, tag) that made it: two different pairs never share a run.
    children: BTreeMap<String, (String, String, EventFile)>,
}

/// Options of a [`SummaryWriter`] beyond its directory (PyTorch's keyword arguments).
#[derive(Clone, Debug, Default)]
pub struct SummaryWriterBuilder {
    log_dir: PathBuf,
    purge_step: Option<i64>,
    filename_suffix: String,
}

impl SummaryWriterBuilder {
    /// TensorBoard's restart marker: a run resumed at `step` (for example from a checkpoint) says
    /// so, and TensorBoard discards the events it had at steps ≥ `step`, which are about to be
    /// logged again. (TensorBoard's loader ignores the first marker it ever sees in a run, so a
    /// program that may resume should pass 0 on its first start too.)
    pub fn purge_step(mut self, step: i64) -> Self {
        self.purge_step = Some(step);
        self
    }

    /// Appended to the event file's name.
    pub fn filename_suffix(mut self, suffix: &str) -> Self {
        self.filename_suffix = suffix.into();
        self
    }

    /// Creates the log directory (and its parents) and a new event file in it. The directory is
    /// made absolute (canonicalized) once created, so a later `chdir` changes nothing.
    pub fn build(self) -> Result<SummaryWriter> {
        // '/' separates directories everywhere, '\\' on Windows; NUL ends a name for the OS.
        if self.filename_suffix.contains(['/', '\\', '\0']) {
            return Err(Error::invalid("filename_suffix must not contain '/', '\\' or NUL"));
        }
        if self.log_dir.as_os_str().is_empty() {
            return Err(Error::invalid("log_dir must not be empty"));
        }
        std::fs::create_dir_all(&self.log_dir).map_err(|e| Error::io("cannot create", &self.log_dir, e))?;
        let log_dir =
            self.log_dir.canonicalize().map_err(|e| Error::io("cannot resolve", &self.log_dir, e))?;
        let root = Dir::open(&log_dir)?;
        SummaryWriter::in_dir(root, self.filename_suffix, self.purge_step)
    }
}

impl SummaryWriter {
    fn in_dir(root: Dir, suffix: String, purge_step: Option<i64>) -> Result<SummaryWriter> {
        let file = EventFile::create(&root, &suffix, purge_step)?;
        let log_dir = root.path().to_path_buf();
        Ok(SummaryWriter { log_dir, root, file, suffix, children: BTreeMap::new() })
    }

    /// A writer on `log_dir` (created if needed), as `SummaryWriter(log_dir)`.
    pub fn new(log_dir: impl AsRef<Path>) -> Result<SummaryWriter> {
        SummaryWriter::builder(log_dir).build()
    }

    /// A writer with options: `SummaryWriter::builder(dir).purge_step(1000).build()?`.
    pub fn builder(log_dir: impl AsRef<Path>) -> SummaryWriterBuilder {
        SummaryWriterBuilder { log_dir: log_dir.as_ref().to_path_buf(), ..Default::default() }
    }

    /// The directory this writer logs into: absolute and canonical (links resolved), as
    /// [`build`](SummaryWriterBuilder::build) found it, even if it was given relative.
    pub fn log_dir(&self) -> &Path {
        &self.log_dir
    }

    /// The event file this writer appends to.
    pub fn file_path(&self) -> &Path {
        self.file.path()
    }

    /// Writes `values` as one event at `step` (`FileWriter.add_summary`): values made by the
    /// functions of [`summary`](crate::summary), several at once.
    pub fn add_summary(&mut self, values: Vec<Value>, step: impl Into<Step>) -> Result<()> {
        let Step { step, wall_time } = step.into();
        self.file.write_at(step, wall_time, event::What::Summary(Summary { value: values }))
    }

    pub(crate) fn add(&mut self, value: Value, step: impl Into<Step>) -> Result<()> {
        self.add_summary(vec![value], step)
    }

    /// A scalar value.
    pub fn add_scalar(&mut self, tag: &str, value: f64, step: impl Into<Step>) -> Result<()> {
        self.add(summary::scalar(tag, value), step)
    }

    /// Several scalars on one chart: as in PyTorch, each goes to its own run, the sub-directory
    /// `<log_dir>/<main_tag>_<tag>` (a `/` in `main_tag` becomes `_`; one in `tag` makes a
    /// nested run, as in PyTorch), under the tag `main_tag`. A run path with an empty, `.` or `..`
    /// component, or one that another (main_tag, tag) pair of this writer already uses (`"a/b", "c"`
    /// and `"a", "b_c"`), is an [`Error::InvalidArgument`]; nothing is written then.
    pub fn add_scalars(
        &mut self,
        main_tag: &str,
        values: &[(&str, f64)],
        step: impl Into<Step>,
    ) -> Result<()> {
        self.file.ensure_open()?;
        let Step { step, wall_time } = step.into();
        let names = runs::scalars_runs(&self.children, main_tag, values)?;
        for ((tag, v), name) in values.iter().zip(names) {
            let file = match self.children.get_mut(&name) {
                Some((_, _, f)) => f,
                None => {
                    let f = EventFile::create(&self.root.subdir(&name)?, &self.suffix, None)?;
                    &mut self.children.entry(name).or_insert((main_tag.into(), tag.to_string(), f)).2
                }
            };
            let value = summary::scalar(main_tag, *v);
            file.write_at(step, wall_time, event::What::Summary(Summary { value: vec![value] }))?;
        }
        Ok(())
    }

    /// The histogram of `values` with TensorFlow's buckets (PyTorch's default `bins='tensorflow'`).
    pub fn add_histogram<T: Copy + Into<f64> + Sync>(
        &mut self,
        tag: &str,
        values: &[T],
        step: impl Into<Step>,
    ) -> Result<()> {
        self.add(histogram::histogram(tag, values)?, step)
    }

    /// A histogram given by its statistics and buckets.
    pub fn add_histogram_raw(&mut self, tag: &str, h: HistogramProto, step: impl Into<Step>) -> Result<()> {
        self.add(histogram::histogram_raw(tag, h)?, step)
    }

    /// One image of `shape` in `format` (`Chw`, `Hwc` or `Hw`); floats in [0, 1], or `u8`.
    pub fn add_image<T: Pixel>(
        &mut self,
        tag: &str,
        data: &[T],
        shape: &[usize],
        format: DataFormat,
        step: impl Into<Step>,
    ) -> Result<()> {
        self.add(summary::image::image(tag, data, shape, format)?, step)
    }

    /// A batch of images (`Nchw` or `Nhwc`), tiled into one grid of at most 8 columns.
    pub fn add_images<T: Pixel>(
        &mut self,
        tag: &str,
        data: &[T],
        shape: &[usize],
        format: DataFormat,
        step: impl Into<Step>,
    ) -> Result<()> {
        self.add(images(tag, data, shape, format)?, step)
    }

    /// A figure as an encoded PNG (drawn with plotters or any other library).
    pub fn add_figure(&mut self, tag: &str, png: Vec<u8>, step: impl Into<Step>) -> Result<()> {
        self.add(png_value(tag, png)?, step)
    }

    /// Markdown text, under `<tag>/text_summary`.
    pub fn add_text(&mut self, tag: &str, text: &str, step: impl Into<Step>) -> Result<()> {
        self.add(summary::text(tag, text), step)
    }

    /// PyTorch's `add_hparams`: one session in its own run, `<log_dir>/<run_name>` (default: the
    /// time), with the hyperparameters, and each metric logged as a scalar there. A run name with an
    /// empty, `.` or `..` component (`a..b` is fine), or a hyperparameter or metric name given
    /// twice, is an [`Error::InvalidArgument`].
    pub fn add_hparams(
        &mut self,
        hparam_dict: &[(&str, HParamValue)],
        metric_dict: &[(&str, f64)],
        run_name: Option<&str>,
    ) -> Result<()> {
        self.add_hparams_with(hparam_dict, metric_dict, &[], run_name, 0)
    }

    /// [`add_hparams`](Self::add_hparams) with `hparam_domain_discrete`: for some
    /// hyperparameters, the values the HParams tab offers to filter on (of the hyperparameter's
    /// type, as [`hparams_with_domains`] checks), and PyTorch's `global_step` (with a wall time if
    /// wanted) for the session and its metrics.
    pub fn add_hparams_with(
        &mut self,
        hparam_dict: &[(&str, HParamValue)],
        metric_dict: &[(&str, f64)],
        hparam_domain_discrete: &[(&str, Vec<HParamValue>)],
        run_name: Option<&str>,
        step: impl Into<Step>,
    ) -> Result<()> {
        let step = step.into();
        self.file.ensure_open()?;
        let name = run_name.map_or_else(|| format!("{:.6}", now()), str::to_string);
        if let Err(e) = runs::check_run_path(&name) {
            return Err(Error::invalid(format!("run name {name:?}: {e}")));
        }
        let dup = runs::first_repeated(hparam_dict.iter().map(|(k, _)| *k))
            .or_else(|| runs::first_repeated(metric_dict.iter().map(|(k, _)| *k)))
            .or_else(|| runs::first_repeated(hparam_domain_discrete.iter().map(|(k, _)| *k)));
        if let Some(k) = dup {
            return Err(Error::invalid(format!("add_hparams: the name {k:?} is given twice")));
        }
        let metrics: Vec<&str> = metric_dict.iter().map(|(k, _)| *k).collect();
        let values = hparams_with_domains(hparam_dict, hparam_domain_discrete, &metrics, now())?;
        let mut sub = SummaryWriter::in_dir(self.root.subdir(&name)?, self.suffix.clone(), None)?;
        sub.add_summary(values.to_vec(), step)?;
        for (k, v) in metric_dict {
            sub.add_scalar(k, *v, step)?;
        }
        sub.close()
    }

    /// The model's graph (the Graphs tab).
    pub fn add_graph(&mut self, graph: &Graph) -> Result<()> {
        let bytes = graph.to_proto()?.encode_to_vec();
        self.file.write(0, event::What::GraphDef(bytes))
    }

    /// An embedding for the Projector: `mat` holds one row of `dim` numbers per point, `metadata`
    /// a label (or a row of columns) per point, `label_img` a thumbnail per point. Written to
    /// `<log_dir>/<step:05>/<tag>/`, and listed in `<log_dir>/projector_config.pbtxt`.
    pub fn add_embedding<T: Pixel>(
        &mut self,
        mat: &[f32],
        dim: usize,
        metadata: Option<Metadata<'_>>,
        label_img: Option<Sprite<'_, T>>,
        step: i64,
        tag: &str,
    ) -> Result<()> {
        self.file.ensure_open()?;
        let info = projector::write_embedding(&self.root, mat, dim, metadata, label_img, step, tag)?;
        projector_config::add_to_config(&self.root, &info)
    }

    /// A precision-recall curve of `predictions` (probabilities in [0, 1]) against `labels`, at
    /// 127 thresholds as PyTorch's default; [`add_pr_curve_with`](Self::add_pr_curve_with) takes
    /// weights and another number of thresholds.
    pub fn add_pr_curve(
        &mut self,
        tag: &str,
        labels: &[bool],
        predictions: &[f32],
        step: impl Into<Step>,
    ) -> Result<()> {
        self.add_pr_curve_with(tag, labels, predictions, None, DEFAULT_THRESHOLDS, step)
    }

    /// [`add_pr_curve`](Self::add_pr_curve) with example weights and `num_thresholds` (2–10,000).
    pub fn add_pr_curve_with(
        &mut self,
        tag: &str,
        labels: &[bool],
        predictions: &[f32],
        weights: Option<&[f32]>,
        num_thresholds: usize,
        step: impl Into<Step>,
    ) -> Result<()> {
        self.add(pr_curve(tag, labels, predictions, weights, num_thresholds)?, step)
    }

    /// A curve given by its rows: true positives, false positives, true negatives, false negatives,
    /// precision and recall, one entry per threshold.
    pub fn add_pr_curve_raw(&mut self, tag: &str, rows: &[Vec<f64>; 6], step: impl Into<Step>) -> Result<()> {
        self.add(pr_curve_raw(tag, rows)?, step)
    }

    /// The Custom Scalars layout: categories of charts over scalar tags.
    pub fn add_custom_scalars(&mut self, layout: &CustomLayout) -> Result<()> {
        self.add(custom_scalars(layout), 0)
    }

    /// A one-chart layout: a line for each tag matching any of `tags`.
    pub fn add_custom_scalars_multilinechart(
        &mut self,
        tags: &[&str],
        category: &str,
        title: &str,
    ) -> Result<()> {
        let chart =
            ChartSpec::Multiline { title: title.into(), tags: tags.iter().map(|t| t.to_string()).collect() };
        self.add_custom_scalars(&vec![(category.into(), vec![chart])])
    }

    /// A one-chart layout: `[value, lower, upper]` tags per series, drawn as a line in a band.
    pub fn add_custom_scalars_marginchart(
        &mut self,
        tags: [&str; 3],
        category: &str,
        title: &str,
    ) -> Result<()> {
        let chart = ChartSpec::Margin { title: title.into(), series: vec![tags.map(String::from)] };
        self.add_custom_scalars(&vec![(category.into(), vec![chart])])
    }

    /// Asks the kernel to put everything on the disk (each event already reached the kernel when
    /// its call returned: flushing is only needed against a power cut).
    /// A closed writer (or one whose write failed) returns [`Error::Closed`]; an event file replaced
    /// since the last check, [`Error::FileReplaced`] (flush and close always check).
    pub fn flush(&mut self) -> Result<()> {
        self.file.ensure_open()?;
        self.children.values().try_for_each(|(_, _, f)| f.ensure_open())?;
        self.file.sync()?;
        self.children.values_mut().try_for_each(|(_, _, f)| f.sync())
    }

    /// Flushes and closes the writer; later calls fail with [`Error::Closed`].
    pub fn close(&mut self) -> Result<()> {
        let r = self.file.close();
        let rest = self.children.values_mut().map(|(_, _, f)| f.close()).collect::<Result<Vec<_>>>();
        r.and(rest.map(|_| ()))
    }
}
