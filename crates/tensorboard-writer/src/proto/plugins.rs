//! The plugin headers of TensorBoard's PR curves and custom scalars
//! (tensorboard/plugins/pr_curve/plugin_data.proto, tensorboard/plugins/custom_scalar/layout.proto).
#![allow(missing_docs)]

/// PrCurvePluginData: the number of thresholds of the `[6, N]` tensor.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PrCurvePluginData {
    #[prost(int32, tag = "1")]
    pub version: i32,
    #[prost(uint32, tag = "2")]
    pub num_thresholds: u32,
}

/// The custom scalars dashboard: categories of charts.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Layout {
    #[prost(int32, tag = "1")]
    pub version: i32,
    #[prost(message, repeated, tag = "2")]
    pub category: Vec<Category>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Category {
    #[prost(string, tag = "1")]
    pub title: String,
    #[prost(message, repeated, tag = "2")]
    pub chart: Vec<Chart>,
    #[prost(bool, tag = "3")]
    pub closed: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Chart {
    #[prost(string, tag = "1")]
    pub title: String,
    #[prost(oneof = "chart::Content", tags = "2, 3")]
    pub content: Option<chart::Content>,
}

pub mod chart {
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Content {
        #[prost(message, tag = "2")]
        Multiline(super::MultilineChartContent),
        #[prost(message, tag = "3")]
        Margin(super::MarginChartContent),
    }
}

/// Lines for every scalar tag that matches one of `tag` (regular expressions, matched whole).
#[derive(Clone, PartialEq, prost::Message)]
pub struct MultilineChartContent {
    #[prost(string, repeated, tag = "1")]
    pub tag: Vec<String>,
}

/// A value with a shaded band between a lower and an upper tag.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MarginChartContent {
    #[prost(message, repeated, tag = "1")]
    pub series: Vec<MarginSeries>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct MarginSeries {
    #[prost(string, tag = "1")]
    pub value: String,
    #[prost(string, tag = "2")]
    pub lower: String,
    #[prost(string, tag = "3")]
    pub upper: String,
}

/// tensorboard/plugins/mesh/plugin_data.proto: which part of a mesh a tensor holds.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MeshPluginData {
    #[prost(int32, tag = "1")]
    pub version: i32,
    /// The user's tag (the value's tag is `<name>_<CONTENT_TYPE>`).
    #[prost(string, tag = "2")]
    pub name: String,
    /// ContentType: VERTEX 1, FACE 2, COLOR 3.
    #[prost(int32, tag = "3")]
    pub content_type: i32,
    #[prost(string, tag = "5")]
    pub json_config: String,
    #[prost(int32, repeated, tag = "6")]
    pub shape: Vec<i32>,
    /// Bit `1 << content_type` for each part the mesh has.
    #[prost(uint32, tag = "7")]
    pub components: u32,
}
