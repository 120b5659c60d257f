//! Native code beyond what tch wraps, fenced in here, each piece with what it buys (measured, 2 CPU
//! cores; BENCHMARKS.md):
//! - [`fused`]: libtorch's fused Adam/AdamW/SGD kernels over nnlab's own optimizer state, through the
//!   C++ shim in `shim/` — one pass over all parameters instead of ~9 kernels each: DCN 30.6 → 33.5
//!   it/s on the CPU, and the optimizer state stays ours, so checkpoints hold it.
//! - [`generator`]: saving and restoring libtorch's random generators (shim) — what makes a resumed run
//!   identical to an uninterrupted one, bit for bit.
//! - [`cpu`]: glibc's allocator thresholds and MKL's vendor check (DCN 39.2 → 48.7 it/s on AMD).
//! - [`device`]: loading CUDA by hand and asking the NVIDIA driver why it cannot be used.
//! - [`memory`]: a failed libtorch allocation as one error line naming what and how much;
//!   [`allocator`]: the same for Rust's own allocations.
//!
//! Kept by default: together they make the CPU DCN ~17% faster than without and give exact resume.
pub mod allocator;
pub mod cpu;
pub mod device;
mod ffi;
pub mod fused;
pub mod generator;
pub mod memory;
