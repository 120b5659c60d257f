//! The HParams experiment a run writes: the columns of TensorBoard's HParams tab. TensorBoard takes the
//! first experiment it finds for all runs, and its parallel-coordinates view draws only the runs that
//! have a value in every visible column. So each part has its own experiment whose columns are exactly
//! the hyperparameters its runs write and the metrics every one of its runs logs: serve one part
//! (`make tensorboard RUNS=runs/mnist_dcn`) and every run of it is drawn.
use crate::backprop::activation::Activation;
use crate::cli::value_name;
use crate::dcn::mnist::DatasetKind;
use crate::dcn::model::{DcnActivation, InitKind};
use crate::dcn::optim::OptimizerKind;
use crate::tensorboard::hparams::{plugin_value, HParam, HParams};
use crate::tensorboard::proto::{
    hparams_plugin_data, proto_value, Experiment, HParamInfo, ListValue, MetricInfo, MetricName, ProtoValue,
    Value,
};
use crate::tensorboard::tags;
use clap::ValueEnum;

const STRING: i32 = 1;
const FLOAT64: i32 = 3;

/// Which part of the assignment a run belongs to: its experiment's columns and metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Family {
    /// Part 1: three_layer and n_layer
    #[default]
    Backprop,
    /// Part 2: mnist_dcn
    Dcn,
}

impl Family {
    /// (tag, column title) of the metrics every run of this part logs.
    pub fn metrics(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Family::Backprop => {
                &[(tags::TRAIN_LOSS, "training loss"), (tags::TRAIN_ACCURACY, "training accuracy")]
            }
            Family::Dcn => &[
                (tags::TRAIN_LOSS, "training loss"),
                (tags::VALIDATION_ERROR, "validation error"),
                (tags::TEST_ERROR, "test error"),
                (tags::TEST_ACCURACY, "test accuracy"),
            ],
        }
    }

    /// The values a text column can take, where they are known in advance (TensorBoard offers them
    /// as filter checkboxes).
    fn domain(self, column: &str) -> Option<Vec<String>> {
        match (self, column) {
            (Family::Backprop, "activation") => Some(names::<Activation>()),
            (Family::Backprop, "program") => Some(vec!["three_layer".into(), "n_layer".into()]),
            (Family::Dcn, "activation") => Some(names::<DcnActivation>()),
            (Family::Dcn, "init") => Some(names::<InitKind>()),
            (Family::Dcn, "optimizer") => Some(names::<OptimizerKind>()),
            (Family::Dcn, "dataset") => Some(names::<DatasetKind>()),
            (Family::Dcn, "program") => Some(vec!["mnist_dcn".into()]),
            _ => None,
        }
    }
}

fn names<T: ValueEnum>() -> Vec<String> {
    T::value_variants().iter().map(value_name).collect()
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

/// The experiment for a run with hyperparameters `hparams`: one column per hyperparameter, in order.
pub fn experiment(hparams: &HParams) -> Value {
    let family = hparams.family;
    let hparam_infos = hparams
        .values
        .iter()
        .map(|(name, v)| HParamInfo {
            name: name.clone(),
            description: description(name).into(),
            r#type: match v {
                HParam::Text(_) => STRING,
                HParam::Number(_) => FLOAT64,
            },
            domain_discrete: family.domain(name).map(|mut d| {
                d.sort();
                d.dedup();
                let values = d
                    .into_iter()
                    .map(|v| ProtoValue { kind: Some(proto_value::Kind::StringValue(v)) })
                    .collect();
                ListValue { values }
            }),
        })
        .collect();
    let metric_infos = family
        .metrics()
        .iter()
        .map(|(tag, display)| MetricInfo {
            name: Some(MetricName { group: String::new(), tag: (*tag).into() }),
            display_name: (*display).into(),
        })
        .collect();
    let experiment = Experiment { description: "nnlab runs".into(), hparam_infos, metric_infos };
    plugin_value("_hparams_/experiment", hparams_plugin_data::Data::Experiment(experiment))
}
