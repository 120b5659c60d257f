//! The HParams experiment every nnlab run writes: one fixed list of columns for Part 1 and Part 2, so
//! that whichever run TensorBoard reads it from, the table is the same. Part 1 fills the same columns
//! as the DCN where the meaning is the same (its ε is the learning rate of full-batch gradient
//! descent, "gd", whose batch is the whole training set).
use crate::backprop::activation::Activation;
use crate::cli::value_name;
use crate::dcn::model::{DcnActivation, InitKind};
use crate::dcn::optim::OptimizerKind;
use crate::tensorboard::hparams::plugin_value;
use crate::tensorboard::proto::{
    hparams_plugin_data, proto_value, Experiment, HParamInfo, ListValue, MetricInfo, MetricName, ProtoValue,
    Value,
};
use crate::tensorboard::tags;
use clap::ValueEnum;

const STRING: i32 = 1;
const FLOAT64: i32 = 3;
/// Part 1's initial weights: the starter's N(0, 1)/√fan_in.
pub const STARTER_INIT: &str = "starter";
/// Part 1's optimizer: full-batch gradient descent.
pub const GRADIENT_DESCENT: &str = "gd";

fn names<T: ValueEnum>() -> Vec<String> {
    T::value_variants().iter().map(value_name).collect()
}

fn column(name: &str, description: &str, domain: Option<Vec<String>>) -> HParamInfo {
    HParamInfo {
        name: name.into(),
        description: description.into(),
        r#type: if domain.is_some() || name == "dataset" || name == "layers" { STRING } else { FLOAT64 },
        domain_discrete: domain.map(|d| {
            let mut d: Vec<String> = d;
            d.sort();
            d.dedup();
            ListValue {
                values: d
                    .into_iter()
                    .map(|v| ProtoValue { kind: Some(proto_value::Kind::StringValue(v)) })
                    .collect(),
            }
        }),
    }
}

/// The experiment summary value (written at step 0 of every run).
pub fn experiment() -> Value {
    let activations = [names::<Activation>(), names::<DcnActivation>()].concat();
    let optimizers = [vec![GRADIENT_DESCENT.to_string()], names::<OptimizerKind>()].concat();
    let inits = [vec![STARTER_INIT.to_string()], names::<InitKind>()].concat();
    let programs = ["three_layer", "n_layer", "mnist_dcn"].map(String::from).to_vec();
    let hparam_infos = vec![
        column("activation", "hidden activation", Some(activations)),
        column("optimizer", "gd: full-batch gradient descent (Part 1)", Some(optimizers)),
        column("lr", "learning rate (Part 1: ε)", None),
        column("init", "weight initialisation (starter: N(0,1)/√fan_in)", Some(inits)),
        column("batch_size", "examples per step (Part 1: the training set)", None),
        column("program", "", Some(programs)),
        column("dataset", "", None),
        column("layers", "layer sizes, input to output (Part 1)", None),
        column("reg_lambda", "L2 strength λ (Part 1)", None),
        column("steps", "updates (Part 1: passes; Part 2: iterations)", None),
        column("seed", "", None),
    ];
    let metric = |tag: &str, display: &str| MetricInfo {
        name: Some(MetricName { group: String::new(), tag: tag.into() }),
        display_name: display.into(),
    };
    let metric_infos = vec![
        metric(tags::TRAIN_LOSS, "training loss"),
        metric(tags::VALIDATION_ERROR, "validation error"),
        metric(tags::TEST_ERROR, "test error"),
        metric(tags::TRAIN_ACCURACY, "training accuracy"),
        metric(tags::TEST_ACCURACY, "test accuracy"),
    ];
    let experiment = Experiment { description: "nnlab runs".into(), hparam_infos, metric_infos };
    plugin_value("_hparams_/experiment", hparams_plugin_data::Data::Experiment(experiment))
}
