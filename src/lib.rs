//! nnlab: the backprop-from-scratch (Make-Moons) and MNIST DCN assignment on libtorch.
//!
//! The modules, in floors from the ground up; a module uses only modules on lower floors, and the
//! two parts, on one floor, know nothing of each other (tests/layers.rs holds this):
//!
//! 1. [`cli`] — shared flag pieces, enum names and the one-line error.
//! 2. [`fs`] — opening and writing files safely (no link, FIFO or half-written file), stable names.
//! 3. [`native`] — libtorch and CUDA beyond what tch wraps (allocator, memory guard, devices).
//! 4. [`data`] — what both parts share: the CSV reader, the seeded RNG, labelled data.
//! 5. [`plot`] — figures.
//! 6. [`tensorboard`] — nnlab's tags, HParams, images and histogram convention (the event files
//!    themselves are written and read by the `tensorboard-writer` crate).
//! 7. [`run`] — run directories, their status and lock, Ctrl-C, progress and printing.
//! 8. [`backprop`] (Part 1, networks from scratch with hand-written backprop) and [`dcn`] (Part 2,
//!    the convolutional network on MNIST with part (b)'s monitoring).
//! 9. [`report`] — `make report`, the experiment grid and the report. The programs in `src/bin` sit
//!    above it all.
pub mod backprop;
pub mod cli;
pub mod data;
pub mod dcn;
pub mod fs;
pub mod native;
pub mod plot;
pub mod report;
pub mod run;
pub mod tensorboard;
