//! checkpoint.safetensors: weights, optimizer state, the epoch's image order, the random generators'
//! state and the step record, so that a resumed run computes what the uninterrupted one would have.
//! Everything read back is checked before it is used: shapes exactly equal (no broadcasting), kinds
//! equal, indices in range, steps within the run.
use crate::fs::write::{write_file, write_with};
use crate::native::device::DeviceArg;
use crate::native::generator;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use tch::{Device, Kind, Tensor};

pub const FILE: &str = "checkpoint.safetensors";
/// The step record's key inside the safetensors file (JSON bytes as a uint8 tensor).
const META: &str = "meta/checkpoint";

/// The step record (also written as checkpoint.json, for people; the copy inside the safetensors
/// file is the one read, so a kill between the two writes cannot pair weights with another step).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    /// Updates done.
    pub step: i64,
    pub optimizer_steps: i64,
    pub seed: u64,
    /// Position in the saved epoch order.
    pub cursor: i64,
    /// The device the run was training on when it wrote this checkpoint.
    pub device: DeviceArg,
}

/// The generator key of a device in the checkpoint.
pub fn generator_key(device: Device) -> &'static str {
    if device.is_cuda() {
        "rng/cuda"
    } else {
        "rng/cpu"
    }
}

/// Writes the checkpoint via a temporary file and a rename (a kill leaves the previous one intact),
/// then checkpoint.json.
pub fn save(dir: &Path, mut named: Vec<(String, Tensor)>, meta: &Meta) -> Result<()> {
    let json = serde_json::to_string_pretty(meta)?;
    named.push((META.into(), Tensor::from_slice(json.as_bytes())));
    write_with(&dir.join(FILE), |tmp| Ok(Tensor::write_safetensors(&named, tmp)?))?;
    write_file(&dir.join("checkpoint.json"), json.as_bytes())
}

/// The tensors of `dir`'s checkpoint (on the CPU) and its step record.
pub fn read(dir: &Path) -> Result<(HashMap<String, Tensor>, Meta)> {
    let path = dir.join(FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        bail!("{} has no checkpoint to resume from", dir.display());
    }
    // libtorch reads it by name: first make sure the name holds the run's own regular file (a
    // planted FIFO would block the read, a link would lead elsewhere).
    crate::fs::open::open_own(&path, std::fs::OpenOptions::new().read(true))?;
    let saved: HashMap<String, Tensor> = Tensor::read_safetensors(&path)
        .with_context(|| format!("cannot read {} (not a safetensors file?)", path.display()))?
        .into_iter()
        .collect();
    let record = saved.get(META).with_context(|| format!("{}: no step record ({META})", path.display()))?;
    if record.kind() != Kind::Uint8 || record.dim() != 1 {
        bail!("{}: the step record is not text", path.display());
    }
    let meta = serde_json::from_slice(&Vec::<u8>::try_from(record)?)
        .with_context(|| format!("{}: the step record is corrupt", path.display()))?;
    Ok((saved, meta))
}

/// `name` from the checkpoint must have exactly `like`'s shape and kind.
pub fn check_like(name: &str, saved: &Tensor, like: &Tensor) -> Result<()> {
    if saved.size() != like.size() || saved.kind() != like.kind() {
        bail!(
            "{name} is {:?} {:?}, this configuration needs {:?} {:?}",
            saved.kind(),
            saved.size(),
            like.kind(),
            like.size()
        );
    }
    Ok(())
}

/// The epoch order from the checkpoint: a permutation of 0..n, and a cursor within it.
pub fn check_order(perm: &Tensor, cursor: i64, n: i64) -> Result<()> {
    if perm.kind() != Kind::Int64 || perm.size() != [n] {
        bail!("data/perm is {:?} {:?}, not the order of {n} training images", perm.kind(), perm.size());
    }
    let sorted = perm.sort(0, false).0;
    if sorted.not_equal_tensor(&Tensor::arange(n, (Kind::Int64, perm.device()))).any().int64_value(&[]) != 0 {
        bail!("data/perm is not a permutation of the {n} training images");
    }
    if !(0..=n).contains(&cursor) {
        bail!("the saved position {cursor} in the epoch is outside 0..={n}");
    }
    Ok(())
}

/// Restores the generator that draws the batches and dropout masks: the one of the device the run
/// trains on. A checkpoint written on the other device holds the other generator, so this one is
/// reseeded with `reseed` (seed + step); the returned note says so.
pub fn restore_generator(
    saved: &HashMap<String, Tensor>,
    written_on: DeviceArg,
    device: Device,
    reseed: u64,
) -> Result<Option<String>> {
    let key = generator_key(device);
    let here = if device.is_cuda() { DeviceArg::Cuda } else { DeviceArg::Cpu };
    if written_on == here {
        let state = saved.get(key).with_context(|| format!("it lacks {key}"))?;
        generator::set_state(device, state).with_context(|| format!("{key} is not a generator state"))?;
        return Ok(None);
    }
    if device.is_cuda() {
        tch::Cuda::manual_seed_all(reseed);
    } else {
        tch::manual_seed(reseed as i64);
    }
    Ok(Some(format!(
        "the checkpoint was written on {}: the {} generator is reseeded (seed + step), so dropout masks and later epoch orders differ from an uninterrupted run",
        written_on,
        here
    )))
}
