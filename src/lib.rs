//! nnlab: the backprop-from-scratch (Make-Moons) and MNIST DCN assignment on libtorch.
//!
//! - [`backprop`]: Part 1, networks from scratch with hand-written backprop.
//! - [`dcn`]: Part 2, the convolutional network on MNIST with part (b)'s monitoring.
//! - [`tensorboard`]: event files (writer, reader), histograms, images.
//! - [`data`]: what both parts share: the CSV reader, the seeded RNG, labelled data.
//! - [`run`]: run directories, their status and lock, Ctrl-C, progress and printing.
//! - [`report`]: `make report`, the experiment grid and the report.
//! - [`plot`]: figures. [`native`]: libtorch and CUDA beyond what tch wraps. [`cli`]: shared flags.
pub mod backprop;
pub mod cli;
pub mod data;
pub mod dcn;
pub mod native;
pub mod plot;
pub mod report;
pub mod run;
pub mod tensorboard;
