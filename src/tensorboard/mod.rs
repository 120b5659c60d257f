//! nnlab's TensorBoard content: every tag (tags.rs), the HParams columns of its runs (hparams.rs),
//! the images it draws (images.rs) and its histogram convention (summary.rs). The event files
//! themselves are written and read by the `tensorboard-writer` crate (crates/tensorboard-writer).
pub mod hparams;
pub mod images;
pub mod summary;
pub mod tags;
