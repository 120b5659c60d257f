//! Saving and restoring libtorch's default random generator, which decides the batches (randperm) and
//! the dropout masks, so that a resumed run continues exactly as the uninterrupted one would have.
use crate::native::ffi::{check, nnlab_generator_state, nnlab_set_generator_state};
use anyhow::Result;
use std::ffi::c_int;
use tch::{Device, Tensor};
use torch_sys::C_tensor;

fn which(device: Device) -> (c_int, c_int) {
    match device {
        Device::Cuda(i) => (1, i as c_int),
        _ => (0, 0),
    }
}

/// The state of `device`'s default generator, as a uint8 CPU tensor.
pub fn state(device: Device) -> Result<Tensor> {
    let (cuda, index) = which(device);
    let mut out: *mut C_tensor = std::ptr::null_mut();
    // SAFETY: on success the shim stores a new at::Tensor in `out`, which the returned Tensor owns.
    check(unsafe { nnlab_generator_state(cuda, index, &mut out) })?;
    Ok(unsafe { Tensor::from_ptr(out) })
}

/// Restores what [`state`] returned.
pub fn set_state(device: Device, state: &Tensor) -> Result<()> {
    let (cuda, index) = which(device);
    // SAFETY: `state` is a live tensor for the duration of the call.
    check(unsafe { nnlab_set_generator_state(cuda, index, state.as_ptr() as *mut C_tensor) })
}
