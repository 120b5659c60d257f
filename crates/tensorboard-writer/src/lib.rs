#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[cfg(feature = "burn")]
#[cfg_attr(docsrs, doc(cfg(feature = "burn")))]
pub mod burn;
mod error;
mod file;
pub mod graph;
pub mod onnx;
mod os;
pub mod projector;
mod projector_config;
pub mod proto;
pub mod reader;
pub mod record;
mod runs;
mod step;
pub mod summary;
#[cfg(feature = "tch")]
#[cfg_attr(docsrs, doc(cfg(feature = "tch")))]
pub mod tensor;
mod writer;

pub use error::{Corruption, Error, Result};
pub use file::{now, REPLACED_CHECK_INTERVAL};
pub use graph::{Graph, Node};
pub use projector::{Metadata, Sprite};
pub use step::Step;
pub use summary::bins::{BinRule, Bins};
pub use summary::custom_scalars::{ChartSpec, CustomLayout};
pub use summary::histogram::HistogramStats;
pub use summary::hparams::{HParamValue, SessionStatus};
pub use summary::image::DataFormat;
pub use summary::mesh::Mesh;
pub use summary::tensor::ScalarStyle;
pub use writer::{SummaryWriter, SummaryWriterBuilder};
