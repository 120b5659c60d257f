//! libtorch's fused optimizer kernels (`_fused_adam_`, `_fused_adamw_`, `_fused_sgd_`) and grad reset,
//! through the C++ shim native/shim/fused.cpp, because tch does not wrap functions over tensor lists.
//! One call updates every parameter: one pass over memory on the CPU, one multi-tensor launch on
//! CUDA, instead of ~9 kernels per parameter (BENCHMARKS.md).
use crate::native::ffi::{check, nnlab_clear_grads, nnlab_fused_adam, nnlab_fused_sgd, ptrs};
use anyhow::Result;
use std::ffi::c_int;
use tch::Tensor;
use torch_sys::C_tensor;

/// Leaves every gradient undefined, so that the next backward writes it rather than adding it to zeros.
pub fn clear_grads(params: &[Tensor]) -> Result<()> {
    let p = ptrs(params);
    // SAFETY: the pointers are live tch tensors for the duration of the call.
    check(unsafe { nnlab_clear_grads(p.as_ptr(), p.len() as c_int) })
}

/// Hyperparameters of [`adam`].
pub struct AdamArgs {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub weight_decay: f64,
    pub eps: f64,
    /// AdamW's weight decay (θ ← θ(1 − lr·wd)) instead of Adam's L2 term in the gradient.
    pub decoupled: bool,
}

/// One Adam/AdamW step of every parameter from its `.grad()`; `step` holds the 1-based step number
/// (float32, on the parameters' device).
pub fn adam(
    params: &[Tensor],
    exp_avgs: &[Tensor],
    exp_avg_sqs: &[Tensor],
    step: &Tensor,
    a: &AdamArgs,
) -> Result<()> {
    assert!(exp_avgs.len() == params.len() && exp_avg_sqs.len() == params.len());
    let (p, m, v) = (ptrs(params), ptrs(exp_avgs), ptrs(exp_avg_sqs));
    // SAFETY: as in clear_grads; the three lists have the same length (asserted).
    check(unsafe {
        nnlab_fused_adam(
            p.as_ptr(),
            m.as_ptr(),
            v.as_ptr(),
            p.len() as c_int,
            step.as_ptr() as *mut C_tensor,
            a.lr,
            a.beta1,
            a.beta2,
            a.weight_decay,
            a.eps,
            a.decoupled as c_int,
        )
    })
}

/// One SGD step of every parameter; with `momentum > 0`, `bufs` are the momentum buffers (one per
/// parameter), which take the gradient itself on the `first_step`.
pub fn sgd(
    params: &[Tensor],
    bufs: &[Tensor],
    lr: f64,
    momentum: f64,
    weight_decay: f64,
    nesterov: bool,
    first_step: bool,
) -> Result<()> {
    assert!(momentum == 0.0 || bufs.len() == params.len());
    let (p, b) = (ptrs(params), ptrs(bufs));
    // SAFETY: as in clear_grads; `bufs` is read only when momentum > 0, when its length is asserted.
    check(unsafe {
        nnlab_fused_sgd(
            p.as_ptr(),
            b.as_ptr(),
            p.len() as c_int,
            lr,
            momentum,
            weight_decay,
            nesterov as c_int,
            first_step as c_int,
        )
    })
}
