//! Every read of device values back to the host during training goes through here, and is counted:
//! on a GPU a read waits for all queued work, so the training loop reads only at logging and
//! evaluation steps. tests/mnist.rs checks the count, which would grow with the iterations if an
//! ordinary step read anything.
use anyhow::{Context, Result};
use std::sync::atomic::{AtomicU64, Ordering};
use tch::{Device, Kind, Tensor};

static READS: AtomicU64 = AtomicU64::new(0);

/// `t` (any shape, any device) as f64 values on the host: one transfer.
pub fn read_f64(t: &Tensor, what: &str) -> Result<Vec<f64>> {
    READS.fetch_add(1, Ordering::Relaxed);
    let host = t.detach().to_kind(Kind::Double).to_device(Device::Cpu).flatten(0, -1);
    Vec::<f64>::try_from(host).with_context(|| format!("reading {what} back from the device"))
}

/// How many reads this process has made so far.
pub fn reads() -> u64 {
    READS.load(Ordering::Relaxed)
}
