//! The protobuf messages of TensorFlow's event files and of TensorBoard's plugins, declared with
//! prost's derive (no `protoc` at build time). Only the fields a writer needs are declared; field
//! numbers follow the `.proto` file named above each message.
#![allow(missing_docs)]

pub mod graph;
pub mod hparams;
pub mod onnx;
pub mod plugins;

/// tensorflow/core/util/event.proto: one record of an event file.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Event {
    #[prost(double, tag = "1")]
    pub wall_time: f64,
    #[prost(int64, tag = "2")]
    pub step: i64,
    #[prost(oneof = "event::What", tags = "3, 4, 5, 7")]
    pub what: Option<event::What>,
}

pub mod event {
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum What {
        /// "brain.Event:2", first in every file.
        #[prost(string, tag = "3")]
        FileVersion(String),
        /// A serialized `GraphDef` (see [`super::graph`]).
        #[prost(bytes, tag = "4")]
        GraphDef(Vec<u8>),
        #[prost(message, tag = "5")]
        Summary(super::Summary),
        #[prost(message, tag = "7")]
        SessionLog(super::SessionLog),
    }
}

/// event.proto's SessionLog: a START at step s tells TensorBoard's loader that the writer restarted
/// there, so it discards what it had loaded at steps ≥ s.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SessionLog {
    #[prost(int32, tag = "1")]
    pub status: i32,
    #[prost(string, tag = "2")]
    pub checkpoint_path: String,
    #[prost(string, tag = "3")]
    pub msg: String,
}

/// SessionLog.SessionStatus.START
pub const SESSION_START: i32 = 1;

/// tensorflow/core/framework/summary.proto
#[derive(Clone, PartialEq, prost::Message)]
pub struct Summary {
    #[prost(message, repeated, tag = "1")]
    pub value: Vec<Value>,
}

/// One tagged value of a [`Summary`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct Value {
    #[prost(string, tag = "1")]
    pub tag: String,
    #[prost(message, optional, tag = "9")]
    pub metadata: Option<SummaryMetadata>,
    #[prost(oneof = "value::Kind", tags = "2, 4, 5, 6, 8")]
    pub kind: Option<value::Kind>,
}

pub mod value {
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Kind {
        #[prost(float, tag = "2")]
        SimpleValue(f32),
        #[prost(message, tag = "4")]
        Image(super::Image),
        #[prost(message, tag = "5")]
        Histo(super::HistogramProto),
        #[prost(message, tag = "6")]
        Audio(super::Audio),
        #[prost(message, tag = "8")]
        Tensor(super::TensorProto),
    }
}

/// Summary.Image: an encoded PNG and its size.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Image {
    #[prost(int32, tag = "1")]
    pub height: i32,
    #[prost(int32, tag = "2")]
    pub width: i32,
    #[prost(int32, tag = "3")]
    pub colorspace: i32,
    #[prost(bytes = "vec", tag = "4")]
    pub encoded_image_string: Vec<u8>,
}

/// Summary.Audio: an encoded WAV and its format.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Audio {
    #[prost(float, tag = "1")]
    pub sample_rate: f32,
    #[prost(int64, tag = "2")]
    pub num_channels: i64,
    #[prost(int64, tag = "3")]
    pub length_frames: i64,
    #[prost(bytes = "vec", tag = "4")]
    pub encoded_audio_string: Vec<u8>,
    #[prost(string, tag = "5")]
    pub content_type: String,
}

/// tensorflow/core/framework/summary.proto's HistogramProto.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HistogramProto {
    #[prost(double, tag = "1")]
    pub min: f64,
    #[prost(double, tag = "2")]
    pub max: f64,
    #[prost(double, tag = "3")]
    pub num: f64,
    #[prost(double, tag = "4")]
    pub sum: f64,
    #[prost(double, tag = "5")]
    pub sum_squares: f64,
    #[prost(double, repeated, tag = "6")]
    pub bucket_limit: Vec<f64>,
    #[prost(double, repeated, tag = "7")]
    pub bucket: Vec<f64>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct SummaryMetadata {
    #[prost(message, optional, tag = "1")]
    pub plugin_data: Option<PluginData>,
}

/// Which TensorBoard plugin reads a value, and its plugin-specific header.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PluginData {
    #[prost(string, tag = "1")]
    pub plugin_name: String,
    #[prost(bytes = "vec", tag = "2")]
    pub content: Vec<u8>,
}

/// DataType DT_FLOAT in tensorflow/core/framework/types.proto.
pub const DT_FLOAT: i32 = 1;
/// DataType DT_DOUBLE.
pub const DT_DOUBLE: i32 = 2;
/// DataType DT_INT32.
pub const DT_INT32: i32 = 3;
/// DataType DT_UINT8.
pub const DT_UINT8: i32 = 4;
/// DataType DT_INT16.
pub const DT_INT16: i32 = 5;
/// DataType DT_INT8.
pub const DT_INT8: i32 = 6;
/// DataType DT_STRING.
pub const DT_STRING: i32 = 7;
/// DataType DT_INT64.
pub const DT_INT64: i32 = 9;
/// DataType DT_BOOL.
pub const DT_BOOL: i32 = 10;

/// tensorflow/core/framework/tensor.proto, the fields used here.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorProto {
    #[prost(int32, tag = "1")]
    pub dtype: i32,
    #[prost(message, optional, tag = "2")]
    pub tensor_shape: Option<TensorShapeProto>,
    #[prost(float, repeated, tag = "5")]
    pub float_val: Vec<f32>,
    #[prost(double, repeated, tag = "6")]
    pub double_val: Vec<f64>,
    /// DT_INT32, DT_INT16, DT_INT8 and DT_UINT8 values.
    #[prost(int32, repeated, tag = "7")]
    pub int_val: Vec<i32>,
    #[prost(bytes = "vec", repeated, tag = "8")]
    pub string_val: Vec<Vec<u8>>,
    #[prost(int64, repeated, tag = "10")]
    pub int64_val: Vec<i64>,
    #[prost(bool, repeated, tag = "11")]
    pub bool_val: Vec<bool>,
}

/// tensorflow/core/framework/tensor_shape.proto
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorShapeProto {
    #[prost(message, repeated, tag = "2")]
    pub dim: Vec<TensorShapeDim>,
}

impl TensorShapeProto {
    /// A shape from its sizes (-1: unknown).
    pub fn of(sizes: &[i64]) -> TensorShapeProto {
        TensorShapeProto { dim: sizes.iter().map(|&size| TensorShapeDim { size }).collect() }
    }
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorShapeDim {
    #[prost(int64, tag = "1")]
    pub size: i64,
}
