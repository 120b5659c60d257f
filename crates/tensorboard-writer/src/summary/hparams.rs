//! The HParams tab: an experiment (its columns: hyperparameters and metrics), and for each run its
//! hyperparameter values when it starts and its status when it ends. [`hparams`] is PyTorch's
//! `summary.hparams` (all three at once); the pieces are here for a run that writes its start when
//! it starts and its end when it ends.
use crate::proto::hparams::{
    hparams_plugin_data, proto_value, Experiment, HParamsPluginData, ListValue, MetricName, ProtoValue,
    SessionEndInfo, SessionStartInfo,
};
use crate::proto::{hparams as pb, TensorProto, TensorShapeProto, Value, DT_FLOAT};
use crate::summary::plugin_value;
use prost::Message;

/// The tag of the experiment value.
pub const EXPERIMENT_TAG: &str = "_hparams_/experiment";
/// The tag of a session's start.
pub const SESSION_START_TAG: &str = "_hparams_/session_start_info";
/// The tag of a session's end (TensorBoard keeps the first it reads).
pub const SESSION_END_TAG: &str = "_hparams_/session_end_info";

/// One hyperparameter's value.
#[derive(Clone, Debug, PartialEq)]
pub enum HParamValue {
    /// A number (a float64 column).
    Number(f64),
    /// Text (a string column).
    Text(String),
    /// A boolean column.
    Bool(bool),
}

macro_rules! number_from {
    ($($t:ty),*) => {$(impl From<$t> for HParamValue {
        fn from(v: $t) -> Self { HParamValue::Number(v as f64) }
    })*};
}
number_from!(f64, f32, i64, i32, u64, u32, usize);
impl From<String> for HParamValue {
    fn from(v: String) -> Self {
        HParamValue::Text(v)
    }
}
impl From<&str> for HParamValue {
    fn from(v: &str) -> Self {
        HParamValue::Text(v.to_string())
    }
}
impl From<bool> for HParamValue {
    fn from(v: bool) -> Self {
        HParamValue::Bool(v)
    }
}

impl HParamValue {
    fn proto(&self) -> ProtoValue {
        let kind = match self {
            HParamValue::Number(x) => proto_value::Kind::NumberValue(*x),
            HParamValue::Text(s) => proto_value::Kind::StringValue(s.clone()),
            HParamValue::Bool(b) => proto_value::Kind::BoolValue(*b),
        };
        ProtoValue { kind: Some(kind) }
    }

    /// api.proto's DataType: STRING 1, BOOL 2, FLOAT64 3.
    fn data_type(&self) -> i32 {
        match self {
            HParamValue::Text(_) => 1,
            HParamValue::Bool(_) => 2,
            HParamValue::Number(_) => 3,
        }
    }
}

/// A column of the experiment: a hyperparameter, its type (from `example`), and the values a
/// filter offers (`domain`; empty: none).
#[derive(Clone, Debug, PartialEq)]
pub struct HParamInfo {
    /// The hyperparameter's name.
    pub name: String,
    /// Shown as the column's tooltip.
    pub description: String,
    /// A value of the column's type.
    pub example: HParamValue,
    /// The values a filter offers (empty: none).
    pub domain: Vec<HParamValue>,
}

/// A metric column: a scalar tag every run logs, and its title.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricInfo {
    /// The scalar tag.
    pub tag: String,
    /// The column's title (empty: the tag).
    pub display_name: String,
}

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStatus {
    /// It finished.
    Success = 1,
    /// It failed.
    Failure = 2,
    /// It is still running.
    Running = 3,
}

fn hparams_value(tag: &str, data: hparams_plugin_data::Data) -> Value {
    let content = HParamsPluginData { version: 0, data: Some(data) }.encode_to_vec();
    // The plugin reads only the metadata: an empty tensor.
    let tensor =
        TensorProto { dtype: DT_FLOAT, tensor_shape: Some(TensorShapeProto::of(&[0])), ..Default::default() };
    plugin_value(tag, "hparams", content, tensor)
}

/// The experiment: the columns of the HParams tab (TensorBoard takes the first it finds).
pub fn experiment(description: &str, hparams: &[HParamInfo], metrics: &[MetricInfo]) -> Value {
    let hparam_infos = hparams
        .iter()
        .map(|h| pb::HParamInfo {
            name: h.name.clone(),
            description: h.description.clone(),
            r#type: h.example.data_type(),
            domain_discrete: (!h.domain.is_empty())
                .then(|| ListValue { values: h.domain.iter().map(HParamValue::proto).collect() }),
        })
        .collect();
    let metric_infos = metrics
        .iter()
        .map(|m| pb::MetricInfo {
            name: Some(MetricName { group: String::new(), tag: m.tag.clone() }),
            display_name: m.display_name.clone(),
        })
        .collect();
    let exp = Experiment { description: description.into(), hparam_infos, metric_infos };
    hparams_value(EXPERIMENT_TAG, hparams_plugin_data::Data::Experiment(exp))
}

/// A session's hyperparameter values; sessions with the same `group_name` are averaged together.
pub fn session_start(hparams: &[(String, HParamValue)], group_name: &str, start_time_secs: f64) -> Value {
    let hparams = hparams.iter().map(|(k, v)| (k.clone(), v.proto())).collect();
    let info = SessionStartInfo { hparams, group_name: group_name.into(), start_time_secs };
    hparams_value(SESSION_START_TAG, hparams_plugin_data::Data::SessionStartInfo(info))
}

/// A session's end.
pub fn session_end(status: SessionStatus, end_time_secs: f64) -> Value {
    let info = SessionEndInfo { status: status as i32, end_time_secs };
    hparams_value(SESSION_END_TAG, hparams_plugin_data::Data::SessionEndInfo(info))
}

/// PyTorch's `summary.hparams(hparam_dict, metric_dict)`: the experiment (one column per
/// hyperparameter and metric), the session start and a successful end.
pub fn hparams(hparams: &[(&str, HParamValue)], metrics: &[&str], time_secs: f64) -> [Value; 3] {
    build(hparams, &[], metrics, time_secs)
}

/// [`hparams`] with `hparam_domain_discrete`: for some hyperparameters, the values the HParams tab
/// offers to filter on. Each must name a hyperparameter given and hold values of its type (as
/// PyTorch's check), else an [`Error::InvalidArgument`](crate::Error::InvalidArgument).
pub fn hparams_with_domains(
    hparams: &[(&str, HParamValue)],
    domains: &[(&str, Vec<HParamValue>)],
    metrics: &[&str],
    time_secs: f64,
) -> crate::Result<[Value; 3]> {
    for (k, domain) in domains {
        let v = hparams.iter().find(|(h, _)| h == k).map(|(_, v)| v);
        if v.is_none_or(|v| domain.iter().any(|d| d.data_type() != v.data_type())) {
            return Err(crate::Error::invalid(format!(
                "hparam_domain_discrete[{k:?}] must list values of the type of hparam {k:?}, which must be given"
            )));
        }
    }
    Ok(build(hparams, domains, metrics, time_secs))
}

fn build(
    hparams: &[(&str, HParamValue)],
    domains: &[(&str, Vec<HParamValue>)],
    metrics: &[&str],
    time_secs: f64,
) -> [Value; 3] {
    let infos: Vec<HParamInfo> = hparams
        .iter()
        .map(|(k, v)| HParamInfo {
            name: k.to_string(),
            description: String::new(),
            example: v.clone(),
            domain: domains.iter().find(|(d, _)| d == k).map_or_else(Vec::new, |(_, d)| d.clone()),
        })
        .collect();
    let metric_infos: Vec<MetricInfo> =
        metrics.iter().map(|m| MetricInfo { tag: m.to_string(), display_name: String::new() }).collect();
    let values: Vec<(String, HParamValue)> =
        hparams.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    [
        experiment("", &infos, &metric_infos),
        session_start(&values, "", time_secs),
        session_end(SessionStatus::Success, time_secs),
    ]
}
