//! The Custom Scalars tab: a layout of charts, each drawing every scalar tag that matches one of
//! its regular expressions (matched whole), so that curves from several tags share one chart.
//! The series themselves are ordinary scalars; the layout is written once, and layouts of several
//! runs are merged by TensorBoard.
use crate::proto::plugins::{
    chart, Category, Chart, Layout, MarginChartContent, MarginSeries, MultilineChartContent,
};
use crate::proto::{TensorProto, TensorShapeProto, Value, DT_STRING};
use crate::summary::plugin_value;
use prost::Message;

/// The tag the plugin reads its layout from.
pub const LAYOUT_TAG: &str = "custom_scalars__config__";

/// One chart of a category.
#[derive(Clone, Debug, PartialEq)]
pub enum ChartSpec {
    /// A line per scalar tag matching any of these regular expressions (PyTorch's "Multiline").
    Multiline {
        /// The chart's title.
        title: String,
        /// Regular expressions of scalar tags.
        tags: Vec<String>,
    },
    /// Each series a value tag with a band between a lower and an upper tag (PyTorch's "Margin").
    Margin {
        /// The chart's title.
        title: String,
        /// `[value, lower, upper]` tags of each series.
        series: Vec<[String; 3]>,
    },
}

/// A layout as PyTorch's `add_custom_scalars` takes it: categories, each with its charts.
pub type CustomLayout = Vec<(String, Vec<ChartSpec>)>;

/// The layout value.
pub fn custom_scalars(layout: &CustomLayout) -> Value {
    let category = layout
        .iter()
        .map(|(title, charts)| Category {
            title: title.clone(),
            chart: charts
                .iter()
                .map(|c| match c {
                    ChartSpec::Multiline { title, tags } => Chart {
                        title: title.clone(),
                        content: Some(chart::Content::Multiline(MultilineChartContent { tag: tags.clone() })),
                    },
                    ChartSpec::Margin { title, series } => Chart {
                        title: title.clone(),
                        content: Some(chart::Content::Margin(MarginChartContent {
                            series: series
                                .iter()
                                .map(|[v, l, u]| MarginSeries {
                                    value: v.clone(),
                                    lower: l.clone(),
                                    upper: u.clone(),
                                })
                                .collect(),
                        })),
                    },
                })
                .collect(),
            closed: false,
        })
        .collect();
    let bytes = Layout { version: 0, category }.encode_to_vec();
    let tensor = TensorProto {
        dtype: DT_STRING,
        tensor_shape: Some(TensorShapeProto::of(&[])),
        string_val: vec![bytes],
        ..Default::default()
    };
    plugin_value(LAYOUT_TAG, "custom_scalars", Vec::new(), tensor)
}
