//! TensorBoard event files from Rust, with the API of PyTorch's
//! [`torch.utils.tensorboard.SummaryWriter`](https://pytorch.org/docs/stable/tensorboard.html):
//! scalars, histograms, images, figures, text, hyperparameters, the model graph, embeddings for the
//! projector, precision-recall curves and custom scalar layouts, every tab of TensorBoard.
//!
//! ```no_run
//! use tensorboard_writer::SummaryWriter;
//!
//! # fn main() -> Result<(), tensorboard_writer::Error> {
//! let mut writer = SummaryWriter::new("runs/example")?;
//! for step in 0..100 {
//!     let loss = 1.0 / (1.0 + step as f64);
//!     writer.add_scalar("loss/train", loss, step)?;
//! }
//! writer.add_histogram("weights", &[0.1f32, -0.3, 0.25, 0.0], 99)?;
//! writer.add_pr_curve("pr/class0", &[true, false, true], &[0.9, 0.4, 0.6], 99)?;
//! writer.close()?;
//! # Ok(()) }
//! ```
//!
//! Then `tensorboard --logdir runs`.
//!
//! Guarantees:
//! - Each call writes its event through to the kernel before returning; there is no queue, so a
//!   process killed at any moment loses nothing it logged. A failed write (a full disk) is cut
//!   back out of the file, which keeps only whole records.
//! - Files are created exclusively (`O_CREAT | O_EXCL`, `O_NOFOLLOW`), never through a link; an
//!   event file deleted or replaced while the writer runs is reported ([`Error::FileReplaced`]).
//! - Nothing panics on bad input: every method returns [`Result`].
//!
//! With the `tch` feature, `tch::Tensor`s are accepted (module `tensor`): histograms and PR-curve
//! counts are computed on the tensor's device and read back once.
#![warn(missing_docs)]

#[cfg(feature = "burn")]
pub mod burn;
mod error;
mod file;
pub mod graph;
pub mod projector;
pub mod proto;
pub mod record;
mod runs;
pub mod summary;
#[cfg(feature = "tch")]
pub mod tensor;
mod writer;

pub use error::{Error, Result};
pub use file::now;
pub use graph::{Graph, Node};
pub use projector::{Metadata, Sprite};
pub use summary::custom_scalars::{ChartSpec, CustomLayout};
pub use summary::histogram::HistogramStats;
pub use summary::hparams::{HParamValue, SessionStatus};
pub use summary::image::DataFormat;
pub use writer::{SummaryWriter, SummaryWriterBuilder};
