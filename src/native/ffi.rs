//! The Rust side of shim/*.cpp: libtorch functions that tch does not wrap, called with tch's
//! tensor pointers. Safe wrappers live in [`super::fused`] and [`super::generator`].
use anyhow::{anyhow, Result};
use std::ffi::{c_char, c_int, CStr};
use tch::Tensor;
use torch_sys::C_tensor;

extern "C" {
    pub(crate) fn nnlab_clear_grads(ps: *const *mut C_tensor, n: c_int) -> *mut c_char;
    pub(crate) fn nnlab_fused_adam(
        ps: *const *mut C_tensor,
        exp_avgs: *const *mut C_tensor,
        exp_avg_sqs: *const *mut C_tensor,
        n: c_int,
        step: *mut C_tensor,
        lr: f64,
        beta1: f64,
        beta2: f64,
        weight_decay: f64,
        eps: f64,
        decoupled: c_int,
    ) -> *mut c_char;
    pub(crate) fn nnlab_fused_sgd(
        ps: *const *mut C_tensor,
        bufs: *const *mut C_tensor,
        n: c_int,
        lr: f64,
        momentum: f64,
        weight_decay: f64,
        nesterov: c_int,
        first_step: c_int,
    ) -> *mut c_char;
    pub(crate) fn nnlab_generator_state(cuda: c_int, index: c_int, out: *mut *mut C_tensor) -> *mut c_char;
    pub(crate) fn nnlab_set_generator_state(cuda: c_int, index: c_int, state: *mut C_tensor) -> *mut c_char;
}

pub(crate) fn ptrs(ts: &[Tensor]) -> Vec<*mut C_tensor> {
    ts.iter().map(|t| t.as_ptr() as *mut C_tensor).collect()
}

/// The shim's NULL-or-message convention as a Result.
pub(crate) fn check(err: *mut c_char) -> Result<()> {
    if err.is_null() {
        return Ok(());
    }
    // SAFETY: a non-null return is a NUL-terminated string from strdup, owned by us.
    let msg = unsafe { CStr::from_ptr(err) }.to_string_lossy().lines().next().unwrap_or_default().to_string();
    unsafe { libc::free(err.cast()) };
    Err(anyhow!("libtorch: {msg}"))
}
