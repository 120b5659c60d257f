//! A burn `Learner` logging to TensorBoard: a linear model fitted to y = 2x + 1 on burn's Flex CPU
//! backend, its train and validation loss in `<log_dir>/train` and `<log_dir>/valid`.
//! `cargo run --release -p tensorboard-writer --features burn --example burn_logger -- /tmp/tb-burn`,
//! then `tensorboard --logdir /tmp/tb-burn`. (tests/burn_learner.rs trains this same model.)
use burn_core as burn; // the paths `#[derive(Module)]` expands to
use burn_core::data::dataloader::{batcher::Batcher, DataLoader, DataLoaderBuilder};
use burn_core::data::dataset::InMemDataset;
use burn_core::module::{Module, Param};
use burn_core::tensor::{Device, Tensor, TensorData};
use burn_optim::lr_scheduler::constant::ConstantLr;
use burn_optim::{ModuleOptimizer, SgdConfig};
use burn_train::metric::LossMetric;
use burn_train::{InferenceStep, Learner, RegressionOutput, SupervisedTraining, TrainOutput, TrainStep};
use std::path::Path;
use std::sync::Arc;
use tensorboard_writer::burn::TensorBoardLogger;

pub const TRAIN_ITEMS: usize = 8;
pub const VALID_ITEMS: usize = 4;
pub const BATCH: usize = 2;
pub const EPOCHS: usize = 2;

/// y = w x + b.
#[derive(Module, Debug)]
struct Linear1 {
    weight: Param<Tensor<2>>,
    bias: Param<Tensor<2>>,
}

#[derive(Clone, Debug)]
struct Batch {
    x: Tensor<2>,
    y: Tensor<2>,
}

struct PairBatcher;

impl Batcher<(f32, f32), Batch> for PairBatcher {
    fn batch(&self, items: Vec<(f32, f32)>, device: &Device) -> Batch {
        let n = items.len();
        let (x, y): (Vec<f32>, Vec<f32>) = items.into_iter().unzip();
        Batch {
            x: Tensor::from_floats(TensorData::new(x, [n, 1]), device),
            y: Tensor::from_floats(TensorData::new(y, [n, 1]), device),
        }
    }
}

impl Linear1 {
    fn regression(&self, batch: Batch) -> RegressionOutput {
        let output = batch.x.matmul(self.weight.val()) + self.bias.val();
        let loss = (output.clone() - batch.y.clone()).powi_scalar(2).mean();
        RegressionOutput::new(loss, output, batch.y)
    }
}

impl TrainStep for Linear1 {
    type Input = Batch;
    type Output = RegressionOutput;

    fn step(&self, batch: Batch) -> TrainOutput<RegressionOutput> {
        let regression = self.regression(batch);
        TrainOutput::new(self, regression.loss.backward(), regression)
    }
}

impl InferenceStep for Linear1 {
    type Input = Batch;
    type Output = RegressionOutput;

    fn step(&self, batch: Batch) -> RegressionOutput {
        self.regression(batch)
    }
}

/// `n` points of y = 2x + 1 on [0, 1].
fn loader(n: usize) -> Arc<dyn DataLoader<Batch>> {
    let items = (0..n).map(|i| i as f32 / n as f32).map(|x| (x, 2.0 * x + 1.0)).collect();
    DataLoaderBuilder::new(PairBatcher).batch_size(BATCH).build(InMemDataset::new(items))
}

/// Trains for `EPOCHS` epochs: burn's own files in `artifacts`, the TensorBoard runs in `log_dir`.
pub fn train(artifacts: &Path, log_dir: &Path) {
    let device = Device::flex().autodiff();
    let model = Linear1 {
        weight: Param::from_tensor(Tensor::zeros([1, 1], &device)),
        bias: Param::from_tensor(Tensor::zeros([1, 1], &device)),
    };
    let optim: ModuleOptimizer = SgdConfig::new().init();
    SupervisedTraining::new(artifacts, loader(TRAIN_ITEMS), loader(VALID_ITEMS))
        .num_epochs(EPOCHS)
        .with_metric_logger(TensorBoardLogger::new(log_dir))
        .metric_train_numeric(LossMetric::new())
        .metric_valid_numeric(LossMetric::new())
        .with_application_logger(None)
        .launch(Learner::new(model, optim, ConstantLr::new(0.1)));
}

#[allow(dead_code)] // tests/burn_learner.rs includes this file for `train`
fn main() {
    let log_dir = std::env::args().nth(1).unwrap_or_else(|| "runs/burn".into());
    let log_dir = Path::new(&log_dir);
    train(&log_dir.join("artifacts"), log_dir);
    println!("TensorBoard runs in {}/train and {}/valid", log_dir.display(), log_dir.display());
}
