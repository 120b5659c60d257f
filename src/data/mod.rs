//! Data code that both parts share: the CSV reader (Part 1's data sets and the user's CSV, the DCN's
//! MNIST CSV), the seeded RNG (Part 1's data and the DCN's validation split) and labelled data.
pub mod csv;
pub mod labeled;
pub mod rng;

pub use labeled::LabeledData;
