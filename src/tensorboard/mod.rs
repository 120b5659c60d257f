//! TensorBoard event files: nnlab's own writer (why not tensorboard-rs: README), a reader for tests,
//! resume and the report, TensorFlow-style histograms computed on the device, and images.
pub mod experiment;
pub mod histogram;
pub mod hparams;
pub mod images;
pub mod proto;
pub mod reader;
pub mod tags;
pub mod writer;
