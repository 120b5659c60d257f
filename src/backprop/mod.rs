//! Part 1: a neural network from scratch, trained by hand-written backprop on Make-Moons (the
//! 3-layer network of sections (a)–(e)) and by networks of any depth (section (f)).
//!
//! The assignment's functions, under its names: [`activation::act_fun`], [`activation::diff_act_fun`],
//! `feedforward`, `calculate_loss`, `backprop` ([`fit::GdModel`], implemented by
//! [`three_layer::NeuralNetwork`] and [`n_layer::DeepNeuralNetwork`]) and [`fit::fit_model`].
pub mod activation;
pub mod args;
pub mod data;
pub mod fit;
pub mod n_layer;
pub mod record;
pub mod sweep;
pub mod three_layer;
