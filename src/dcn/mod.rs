//! Part 2: the 5-layer convolutional network on MNIST with TensorBoard monitoring.
//!
//! [`model`] (the network), [`graph`] (it, for TensorBoard), [`mnist`] and [`idx`] (the data), [`optim`] (the optimizers), and
//! [`train`] (configuration, the training loop, monitoring, evaluation, checkpoints).
pub mod graph;
pub mod idx;
pub mod mnist;
pub mod model;
pub mod optim;
pub mod train;
