//! The HParams plugin's data, written into each run's own event file: the experiment (the columns,
//! one set per part of the assignment: `experiment.rs`), the
//! run's hyperparameters when it starts and its outcome when it ends. Part (c)'s variants and Part 1's
//! sweeps then line up in TensorBoard's table and parallel-coordinates views.
use crate::tensorboard::experiment::Family;
use crate::tensorboard::proto::{
    hparams_plugin_data, proto_value, value, HParamsPluginData, PluginData, ProtoValue, SessionEndInfo,
    SessionStartInfo, SummaryMetadata, TensorProto, TensorShapeDim, TensorShapeProto, Value, DT_FLOAT,
};
use prost::Message;
use std::collections::BTreeMap;

/// One hyperparameter's value.
#[derive(Clone, Debug, PartialEq)]
pub enum HParam {
    Number(f64),
    Text(String),
}

impl From<f64> for HParam {
    fn from(v: f64) -> Self {
        HParam::Number(v)
    }
}
impl From<i64> for HParam {
    fn from(v: i64) -> Self {
        HParam::Number(v as f64)
    }
}
impl From<u64> for HParam {
    fn from(v: u64) -> Self {
        HParam::Number(v as f64)
    }
}
impl From<String> for HParam {
    fn from(v: String) -> Self {
        HParam::Text(v)
    }
}
impl From<&str> for HParam {
    fn from(v: &str) -> Self {
        HParam::Text(v.to_string())
    }
}

/// A run's hyperparameters, and the group its seeds are averaged in (the configuration without the seed).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HParams {
    pub values: Vec<(String, HParam)>,
    pub group: String,
    /// Which part's experiment (columns and metrics) the run writes.
    pub family: Family,
}

impl HParams {
    pub fn add(mut self, name: &str, v: impl Into<HParam>) -> HParams {
        self.values.push((name.to_string(), v.into()));
        self
    }
}

const START_TAG: &str = "_hparams_/session_start_info";
/// The tag of a run's outcome; a resumed run drops the earlier one (TensorBoard keeps the first).
pub const END_TAG: &str = "_hparams_/session_end_info";

pub(crate) fn plugin_value(tag: &str, data: hparams_plugin_data::Data) -> Value {
    let content = HParamsPluginData { version: 0, data: Some(data) }.encode_to_vec();
    // The plugin's "null tensor": only the metadata is read.
    let tensor = TensorProto {
        dtype: DT_FLOAT,
        tensor_shape: Some(TensorShapeProto { dim: vec![TensorShapeDim { size: 0 }] }),
        string_val: Vec::new(),
    };
    Value {
        tag: tag.into(),
        metadata: Some(SummaryMetadata {
            plugin_data: Some(PluginData { plugin_name: "hparams".into(), content }),
        }),
        kind: Some(value::Kind::Tensor(tensor)),
    }
}

/// The session start (written once, at step 0, when the run is created).
pub fn session_start(h: &HParams, start_time_secs: f64) -> Value {
    let hparams: BTreeMap<String, ProtoValue> = h
        .values
        .iter()
        .map(|(k, v)| {
            let kind = match v {
                HParam::Number(x) => proto_value::Kind::NumberValue(*x),
                HParam::Text(s) => proto_value::Kind::StringValue(s.clone()),
            };
            (k.clone(), ProtoValue { kind: Some(kind) })
        })
        .collect();
    plugin_value(
        START_TAG,
        hparams_plugin_data::Data::SessionStartInfo(SessionStartInfo {
            hparams,
            group_name: h.group.clone(),
            start_time_secs,
        }),
    )
}

/// The session end (written once, when the run completes or fails; TensorBoard keeps the first).
pub fn session_end(success: bool, end_time_secs: f64) -> Value {
    plugin_value(
        END_TAG,
        hparams_plugin_data::Data::SessionEndInfo(SessionEndInfo {
            status: if success { 1 } else { 2 },
            end_time_secs,
        }),
    )
}
