//! What a Part 1 run writes and the report reads back: config.json ([`NetConfig`]), result.json
//! ([`NetResult`], also one entry of a sweep's results.json), and the hyperparameters it shows in
//! TensorBoard's HParams tab.
use crate::backprop::activation::Activation;
use crate::run::RunStatus;
use crate::tensorboard::hparams::{HParams, Metrics};
use crate::tensorboard::tags;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The metrics of Part 1's HParams experiment: what every run of three_layer and n_layer logs.
pub const METRICS: Metrics =
    &[(tags::TRAIN_LOSS, "training loss"), (tags::TRAIN_ACCURACY, "training accuracy")];

/// A run's config.json in Part 1: everything that decides what it computes.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NetConfig {
    /// "moons", "circles", "iris", …, or the stem of the user's CSV.
    pub dataset: String,
    /// Layer sizes, input to output ([2, H, 2] for the 3-layer network).
    pub layers: Vec<i64>,
    pub activation: Activation,
    pub passes: i64,
    pub epsilon: f64,
    pub reg_lambda: f64,
    pub seed: u64,
}

impl NetConfig {
    /// The hyperparameters TensorBoard's HParams tab shows; seeds of one configuration form a group.
    /// `rows`: the training set's size, the batch of full-batch gradient descent.
    pub fn hparams(&self, program: &str, rows: i64) -> HParams {
        let shape = self.layers.iter().map(i64::to_string).collect::<Vec<_>>().join("-");
        let group = format!(
            "{program} {} {} {shape} ε{} λ{}",
            self.dataset, self.activation, self.epsilon, self.reg_lambda
        );
        HParams::new(group, METRICS)
            .choice("activation", &self.activation)
            .add("lr", self.epsilon)
            .add("batch_size", rows)
            .one_of("program", program, &["three_layer", "n_layer"])
            .add("dataset", self.dataset.as_str())
            .add("layers", shape)
            .add("reg_lambda", self.reg_lambda)
            .add("steps", self.passes)
            .add("seed", self.seed)
    }
}

/// A run's result.json in Part 1 (and one entry of a sweep's results.json).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NetResult {
    pub name: String,
    pub status: RunStatus,
    /// Updates done (the configured passes unless interrupted).
    pub steps: i64,
    pub final_loss: f64,
    pub train_accuracy: f64,
    pub test_accuracy: Option<f64>,
    pub seconds: f64,
    pub run_dir: PathBuf,
}
