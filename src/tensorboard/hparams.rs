//! The HParams tab for nnlab's runs: each run writes its part's experiment (the columns), its
//! hyperparameters when it starts and its outcome when it ends, into its own event file (the
//! summaries are the crate's: `tensorboard_writer::summary::hparams`). TensorBoard takes the first
//! experiment it finds for all runs, and its parallel-coordinates view draws only the runs that
//! have a value in every visible column; so each part declares its own metrics (beside its code:
//! `backprop/record.rs`, `dcn/train/config.rs`), and serving one part (`make tensorboard
//! RUNS=runs/mnist_dcn`) draws every run of it.
use crate::cli::value_name;
use clap::ValueEnum;
use tensorboard_writer::proto::Value;
use tensorboard_writer::summary::hparams::{experiment, session_start, HParamInfo, MetricInfo};
pub use tensorboard_writer::HParamValue;

/// (tag, column title) of the metrics every run of a part logs.
pub type Metrics = &'static [(&'static str, &'static str)];

/// A run's hyperparameters, the values a text column can take where they are known in advance
/// (TensorBoard offers them as filter checkboxes), the group its seeds are averaged in (the
/// configuration without the seed), and its part's metrics.
#[derive(Clone, Debug, PartialEq)]
pub struct HParams {
    pub values: Vec<(String, HParamValue)>,
    domains: Vec<(String, Vec<String>)>,
    pub group: String,
    pub metrics: Metrics,
}

impl HParams {
    pub fn new(group: String, metrics: Metrics) -> HParams {
        HParams { values: Vec::new(), domains: Vec::new(), group, metrics }
    }

    pub fn add(mut self, name: &str, v: impl Into<HParamValue>) -> HParams {
        self.values.push((name.to_string(), v.into()));
        self
    }

    /// A text column taking one of `domain`.
    pub fn one_of(mut self, name: &str, v: &str, domain: &[&str]) -> HParams {
        let mut d: Vec<String> = domain.iter().map(|s| s.to_string()).collect();
        d.sort();
        self.domains.push((name.into(), d));
        self.add(name, v)
    }

    /// A text column holding a flag's value: its domain is every value the flag takes.
    pub fn choice<T: ValueEnum>(self, name: &str, v: &T) -> HParams {
        let names: Vec<String> = T::value_variants().iter().map(value_name).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        self.one_of(name, &value_name(v), &refs)
    }

    /// The experiment: one column per hyperparameter, in order, then the part's metrics.
    pub fn experiment(&self) -> Value {
        let infos: Vec<HParamInfo> = self
            .values
            .iter()
            .map(|(name, v)| HParamInfo {
                name: name.clone(),
                description: description(name).into(),
                example: v.clone(),
                domain: self
                    .domains
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, d)| d.iter().map(|s| HParamValue::Text(s.clone())).collect())
                    .unwrap_or_default(),
            })
            .collect();
        let metrics: Vec<MetricInfo> = self
            .metrics
            .iter()
            .map(|(tag, title)| MetricInfo { tag: tag.to_string(), display_name: title.to_string() })
            .collect();
        experiment("nnlab runs", &infos, &metrics)
    }

    /// The session start (written once, at step 0, when the run is created).
    pub fn session_start(&self, start_time_secs: f64) -> Value {
        session_start(&self.values, &self.group, start_time_secs)
    }
}

fn description(column: &str) -> &'static str {
    match column {
        "lr" => "learning rate (Part 1: ε of full-batch gradient descent)",
        "batch_size" => "examples per update (Part 1: the whole training set)",
        "layers" => "layer sizes, input to output",
        "reg_lambda" => "L2 strength λ",
        "steps" => "updates (Part 1: passes; Part 2: iterations)",
        _ => "",
    }
}
