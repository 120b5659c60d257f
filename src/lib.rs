//! nnlab: the backprop-from-scratch (Make-Moons) and MNIST DCN assignment on libtorch.
//!
//! Part 1: [`activation`], [`three_layer`] (the 3-layer net), [`layer`] (any depth), [`gd`] (`fit_model`),
//! [`data`]. Part 2: [`idx`], [`mnist`], [`dcn`] (the model), [`optim`] (over [`fused`] kernels), [`train`]
//! (checkpoints with [`generator`] state). Shared: [`summary`] (TensorBoard event writer), [`histogram`],
//! [`events`] (reader), [`run`], [`plot`], [`device`].
pub mod activation;
pub mod cli;
pub mod data;
pub mod dcn;
pub mod device;
pub mod events;
pub mod experiment;
pub mod fused;
pub mod gd;
pub mod generator;
pub mod histogram;
pub mod idx;
pub mod images;
pub mod layer;
pub mod mnist;
pub mod optim;
pub mod params;
pub mod plot;
pub mod proto;
pub mod report;
pub mod rng;
pub mod run;
mod shim;
pub mod summary;
pub mod three_layer;
pub mod train;
