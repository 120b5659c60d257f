//! Training the DCN with part (b)'s monitoring: the loss every iteration, statistics and histograms
//! of every layer's weights, biases, net inputs, activations and pooled activations every
//! `log_every` iterations, validation and test error every `eval_every`.
//!
//! The data sit on the device and batches are gathered by index; the loss stays on the device until
//! it is logged and the statistics are reduced there (histogram.rs), so a logging step costs two
//! transfers and the others none.
use crate::cli::value_name;
use crate::dcn::{Dcn, DcnActivation, InitKind, LAYERS};
use crate::device::DeviceArg;
use crate::events::truncate_dir_events;
use crate::gd::{progress_bar, say};
use crate::generator;
use crate::histogram::device_stats;
use crate::images::{png_gray, tile};
use crate::mnist::{DatasetKind, MnistData, Split};
use crate::optim::{OptimConfig, Optimizer};
use crate::run::{install_interrupt_handler, interrupted, write_file, Diverged, Outcome, Run};
use crate::summary::{histogram, scalar};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tch::nn::ModuleT;
use tch::{nn, Device, Kind, Tensor};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrainConfig {
    pub dataset: DatasetKind,
    pub data_dir: PathBuf,
    pub device: DeviceArg,
    pub iterations: i64,
    pub batch_size: i64,
    pub activation: DcnActivation,
    pub maxout_pieces: i64,
    pub init: InitKind,
    pub optimizer: OptimConfig,
    pub seed: u64,
    pub log_every: i64,
    pub eval_every: i64,
    /// Also checkpoint every N iterations (0: only on interrupt and at the end). A checkpoint is
    /// ~40 MB (weights + Adam's two moments), so not every evaluation writes one.
    #[serde(default)]
    pub checkpoint_every: i64,
    pub runs: PathBuf,
    pub progress: bool,
}

impl Default for TrainConfig {
    /// The assignment's settings: batch 50, Adam 1e-4, one epoch = 1,100 iterations; 2 epochs (CPU).
    fn default() -> Self {
        TrainConfig {
            dataset: DatasetKind::Mnist,
            data_dir: DatasetKind::Mnist.default_dir(),
            device: DeviceArg::Cpu,
            iterations: 2200,
            batch_size: 50,
            activation: DcnActivation::Relu,
            maxout_pieces: 2,
            init: InitKind::Default,
            optimizer: OptimConfig::default(),
            seed: 0,
            log_every: 100,
            eval_every: 1100,
            checkpoint_every: 5500,
            runs: PathBuf::from("runs"),
            progress: true,
        }
    }
}

impl TrainConfig {
    pub fn run_name(&self) -> String {
        format!(
            "{}-{}-{}-{}-lr{}-b{}",
            value_name(&self.dataset),
            value_name(&self.activation),
            value_name(&self.init),
            value_name(&self.optimizer.kind),
            self.optimizer.lr,
            self.batch_size
        )
    }

    pub fn validate(&self) -> Result<()> {
        if self.iterations < 1 {
            bail!("--iterations must be at least 1, got {}", self.iterations);
        }
        if !(1..=10_000).contains(&self.batch_size) {
            bail!("--batch-size must be between 1 and 10000, got {}", self.batch_size);
        }
        if self.log_every < 1 || self.eval_every < 1 || self.checkpoint_every < 0 {
            bail!("--log-every and --eval-every must be at least 1, --checkpoint-every at least 0");
        }
        if self.activation == DcnActivation::Maxout && !(2..=8).contains(&self.maxout_pieces) {
            bail!("--maxout-pieces must be between 2 and 8, got {}", self.maxout_pieces);
        }
        self.optimizer.validate()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct TrainReport {
    pub run_dir: PathBuf,
    pub iterations: i64,
    pub validation_accuracy: f64,
    pub test_accuracy: f64,
    pub seconds: f64,
    pub iterations_per_second: f64,
    #[serde(skip)]
    pub outcome: Outcome,
}

/// Trains a new network on `data` as `cfg` says, logging into a new run directory under `cfg.runs`.
/// `device` must come from [`crate::device::select`], called before any other torch work.
pub fn train(cfg: &TrainConfig, device: Device, data: &MnistData) -> Result<TrainReport> {
    cfg.validate()?;
    let run = Run::create(&cfg.runs, "mnist_dcn", &cfg.run_name(), cfg)?;
    drive(Trainer::new(cfg, device, data, 0), run)
}

/// The configuration of the run in `dir`, for [`resume`].
pub fn load_run_config(dir: &Path) -> Result<TrainConfig> {
    let path = dir.join("config.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {} (is {} a run directory?)", path.display(), dir.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not an nnlab mnist_dcn configuration", path.display()))
}

/// Continues the run in `dir` from its checkpoint to the configured iteration count, appending to the
/// same TensorBoard run: events at or after the checkpoint's step are dropped first, so no step is
/// logged twice. The checkpoint holds the epoch's image order and the random generator's state, so the
/// resumed run computes exactly what the uninterrupted one would have (tested bit for bit on the CPU).
pub fn resume(dir: &Path, cfg: &TrainConfig, device: Device, data: &MnistData) -> Result<TrainReport> {
    let (meta, saved) = read_checkpoint(dir)?;
    if meta.step >= cfg.iterations {
        bail!("{} already reached {} of {} iterations", dir.display(), meta.step, cfg.iterations);
    }
    let mut trainer = Trainer::new(cfg, device, data, meta.step);
    if let Ok(t) = &mut trainer {
        t.load_checkpoint(&saved, &meta).with_context(|| format!("{}/checkpoint.safetensors", dir.display()))?;
    }
    let dropped = truncate_dir_events(dir, meta.step)?;
    eprintln!("resuming {} at step {} ({dropped} events after the checkpoint dropped)", dir.display(), meta.step);
    drive(trainer, Run::reopen(dir)?)
}

/// checkpoint.safetensors and the step it holds. The step is read from inside the file, so a kill
/// between writing it and checkpoint.json (the human-readable copy) cannot pair weights with the
/// wrong step; checkpoints from before it was stored there fall back to checkpoint.json.
fn read_checkpoint(dir: &Path) -> Result<(Checkpoint, HashMap<String, Tensor>)> {
    let path = dir.join("checkpoint.safetensors");
    if !path.exists() {
        bail!("{} has no checkpoint to resume from", dir.display());
    }
    let saved: HashMap<String, Tensor> =
        Tensor::read_safetensors(&path).with_context(|| format!("cannot read {}", path.display()))?.into_iter().collect();
    let meta = match saved.get("meta/checkpoint") {
        Some(json) => serde_json::from_slice(&Vec::<u8>::try_from(json)?),
        None => serde_json::from_str(&std::fs::read_to_string(dir.join("checkpoint.json")).context("cannot read checkpoint.json")?),
    };
    Ok((meta.with_context(|| format!("{}: the checkpoint's step record is corrupt", dir.display()))?, saved))
}

fn drive(trainer: Result<Trainer>, mut run: Run) -> Result<TrainReport> {
    install_interrupt_handler()?;
    eprintln!("run: {}", run.dir.display());
    let result = trainer.and_then(|t| t.fit(&mut run));
    run.finish(result.as_ref().map(|r| r.outcome))?;
    let report = result?;
    write_file(&run.dir.join("result.json"), serde_json::to_string_pretty(&report)?.as_bytes())?;
    Ok(report)
}

/// checkpoint.json beside checkpoint.safetensors (weights, optimizer state, epoch order, generator state).
#[derive(Serialize, Deserialize)]
struct Checkpoint {
    /// Iterations completed.
    step: i64,
    optimizer_steps: i64,
    seed: u64,
    /// Position in the saved epoch order; absent in checkpoints from before it was saved, which resume
    /// reseeded with seed + step instead.
    #[serde(default)]
    cursor: Option<i64>,
}

/// The current epoch's random order of the training images, and how many of them were used.
struct EpochOrder {
    perm: Tensor,
    cursor: i64,
}

struct Trainer<'a> {
    cfg: &'a TrainConfig,
    start_step: i64,
    device: Device,
    vs: nn::VarStore,
    net: Dcn,
    opt: Optimizer,
    train: Split,
    validation: Split,
    test: Split,
    order: EpochOrder,
}

impl<'a> Trainer<'a> {
    fn new(cfg: &'a TrainConfig, device: Device, data: &MnistData, start_step: i64) -> Result<Self> {
        let seed = cfg.seed.wrapping_add(start_step as u64);
        tch::manual_seed(seed as i64);
        if device.is_cuda() {
            tch::Cuda::manual_seed_all(seed);
            tch::Cuda::cudnn_set_benchmark(true);
        }
        let vs = nn::VarStore::new(device);
        let net = Dcn::new(&vs.root(), cfg.activation, cfg.maxout_pieces, cfg.init);
        let opt = Optimizer::new(&vs, &cfg.optimizer)?;
        if data.train.len() < cfg.batch_size {
            bail!("--batch-size {} is larger than the {} training images", cfg.batch_size, data.train.len());
        }
        let order = EpochOrder { perm: Tensor::randperm(data.train.len(), (Kind::Int64, device)), cursor: 0 };
        Ok(Trainer {
            cfg,
            start_step,
            device,
            vs,
            net,
            opt,
            order,
            train: data.train.to_device(device),
            validation: data.validation.to_device(device),
            test: data.test.to_device(device),
        })
    }

    fn fit(mut self, run: &mut Run) -> Result<TrainReport> {
        let cfg = self.cfg;
        let n = self.train.len();
        if self.start_step == 0 {
            let first = self.train.images.narrow(0, 0, 16.min(n));
            let (px, w, h) = tile(&first, 8, 2)?;
            run.summary.add_image("inputs", png_gray(&px, w, h)?, h, w, 1, 0)?;
        }

        let pb = progress_bar(cfg.iterations as u64, cfg.progress, "it");
        let mut pending: Vec<Tensor> = Vec::with_capacity(cfg.log_every as usize);
        let mut pending_from = self.start_step;
        let (mut val_acc, mut test_acc) = (f64::NAN, f64::NAN);
        let start = Instant::now();
        let mut done = self.start_step;
        let mut outcome = Outcome::Complete;
        pb.set_position(done as u64);
        pb.reset_eta();
        for step in self.start_step..cfg.iterations {
            if self.order.cursor + cfg.batch_size > n {
                self.order = EpochOrder { perm: Tensor::randperm(n, (Kind::Int64, self.device)), cursor: 0 };
            }
            let idx = self.order.perm.narrow(0, self.order.cursor, cfg.batch_size);
            self.order.cursor += cfg.batch_size;
            let xs = self.train.images.index_select(0, &idx);
            let ys = self.train.labels.index_select(0, &idx);
            let monitor = step % cfg.log_every == 0;
            let probe = self.net.forward_probe(&xs, true);
            let loss = probe.logits.cross_entropy_for_logits(&ys);
            if let Err(e) = self.opt.backward_step(&loss) {
                // The losses computed before this step are still logged; the optimizer's error is the one reported.
                let _ = self.flush_losses(run, &mut pending, pending_from);
                return Err(e.context(format!("optimizer step {step}")));
            }
            pending.push(loss.detach());
            done = step + 1;
            let last = done == cfg.iterations;
            if monitor || last {
                let loss = self.flush_losses(run, &mut pending, pending_from)?;
                pending_from = done;
                if monitor {
                    let values = self.monitor_values(&probe)?;
                    run.summary.write(step, values)?;
                }
                pb.set_message(format!("loss {loss:.4}"));
            }
            if done % cfg.eval_every == 0 || last {
                (val_acc, test_acc) = (self.accuracy(&self.validation), self.accuracy(&self.test));
                run.summary.write(
                    step,
                    vec![
                        scalar("validation/error", 1.0 - val_acc),
                        scalar("test/error", 1.0 - test_acc),
                        scalar("validation/accuracy", val_acc),
                        scalar("test/accuracy", test_acc),
                    ],
                )?;
                let (px, w, h) = tile(self.net.conv1_filters(), 8, 6)?;
                run.summary.add_image("filters/conv1", png_gray(&px, w, h)?, h, w, 1, step)?;
                say(
                    &pb,
                    format!("step {done}: validation error {:.2}%, test error {:.2}%", 100.0 * (1.0 - val_acc), 100.0 * (1.0 - test_acc)),
                );
            }
            if last || (cfg.checkpoint_every > 0 && done % cfg.checkpoint_every == 0) {
                self.save_checkpoint(&run.dir, done)?;
            }
            pb.inc(1);
            if interrupted() && !last {
                self.flush_losses(run, &mut pending, pending_from)?;
                self.save_checkpoint(&run.dir, done)?;
                outcome = Outcome::Interrupted { step: done };
                break;
            }
        }
        let seconds = start.elapsed().as_secs_f64();
        let trained = done - self.start_step;
        pb.finish_and_clear();
        if let Outcome::Interrupted { .. } = outcome {
            (val_acc, test_acc) = (self.accuracy(&self.validation), self.accuracy(&self.test));
        }
        let ckpt = run.dir.join("model.safetensors");
        self.vs.save(&ckpt).with_context(|| format!("cannot write the checkpoint {}", ckpt.display()))?;
        Ok(TrainReport {
            run_dir: run.dir.clone(),
            iterations: done,
            validation_accuracy: val_acc,
            test_accuracy: test_acc,
            seconds,
            iterations_per_second: trained as f64 / seconds,
            outcome,
        })
    }

    /// checkpoint.safetensors: weights, optimizer state, epoch order, generator states and the step
    /// record, written to a temporary file and renamed, so a kill leaves the previous checkpoint
    /// intact; then checkpoint.json, a readable copy of the step record.
    fn save_checkpoint(&self, dir: &Path, step: i64) -> Result<()> {
        let mut named: Vec<(String, Tensor)> = self.vs.variables().into_iter().collect();
        named.extend(self.opt.state_tensors());
        // Without a generator state (untested on CUDA so far) the checkpoint is still worth writing:
        // a resume then reseeds with seed + step, reproducible but not identical.
        let rng: Result<Vec<(String, Tensor)>> =
            self.generators().into_iter().map(|(key, device)| Ok((key.to_string(), generator::state(device)?))).collect();
        let exact = match rng {
            Ok(states) => {
                named.extend(states);
                named.push(("data/perm".into(), self.order.perm.shallow_clone()));
                true
            }
            Err(e) => {
                eprintln!("warning: checkpoint without the random generator's state ({e:#}); a resume will reseed");
                false
            }
        };
        let meta = Checkpoint { step, optimizer_steps: self.opt.steps, seed: self.cfg.seed, cursor: exact.then_some(self.order.cursor) };
        let json = serde_json::to_string_pretty(&meta)?;
        named.push(("meta/checkpoint".into(), Tensor::from_slice(json.as_bytes())));
        let tmp = dir.join("checkpoint.safetensors.tmp");
        Tensor::write_safetensors(&named, &tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, dir.join("checkpoint.safetensors")).context("cannot write checkpoint.safetensors")?;
        write_file(&dir.join("checkpoint.json"), json.as_bytes())
    }

    /// Restores what [`save_checkpoint`] wrote (as read by [`read_checkpoint`]).
    fn load_checkpoint(&mut self, saved: &HashMap<String, Tensor>, meta: &Checkpoint) -> Result<()> {
        fn get<'m>(map: &'m HashMap<String, Tensor>, name: &str) -> Result<&'m Tensor> {
            map.get(name).with_context(|| format!("it lacks {name}"))
        }
        let on_device: HashMap<String, Tensor> = saved
            .iter()
            .filter(|(n, _)| !n.starts_with("rng/") && !n.starts_with("meta/"))
            .map(|(n, t)| (n.clone(), t.to_device(self.device)))
            .collect();
        tch::no_grad(|| {
            for (name, mut var) in self.vs.variables() {
                var.f_copy_(get(&on_device, &name)?).with_context(|| format!("{name} has the wrong shape for this configuration"))?;
            }
            Ok::<(), anyhow::Error>(())
        })?;
        self.opt.load_state(&on_device, meta.optimizer_steps)?;
        if let Some(cursor) = meta.cursor {
            let perm = get(&on_device, "data/perm")?;
            let n = self.train.len();
            if perm.size() != [n] || !(0..=n).contains(&cursor) {
                bail!("the saved epoch order does not fit {n} training images");
            }
            self.order = EpochOrder { perm: perm.shallow_clone(), cursor };
            for (key, device) in self.generators() {
                generator::set_state(device, get(saved, key)?).with_context(|| format!("{key} is not a generator state"))?;
            }
        }
        Ok(())
    }

    /// The random generators a step draws from: the CPU's, and the GPU's when training there.
    fn generators(&self) -> Vec<(&'static str, Device)> {
        let mut g = vec![("rng/cpu", Device::Cpu)];
        if self.device.is_cuda() {
            g.push(("rng/cuda", self.device));
        }
        g
    }

    /// Writes the losses of steps `first..` (one transfer) and returns the last; a non-finite loss
    /// is written too, then reported as divergence at its step.
    fn flush_losses(&self, run: &mut Run, pending: &mut Vec<Tensor>, first: i64) -> Result<f64> {
        if pending.is_empty() {
            return Ok(f64::NAN);
        }
        let losses = Vec::<f32>::try_from(Tensor::stack(pending, 0).to_device(Device::Cpu)).context("reading losses")?;
        pending.clear();
        for (k, &l) in losses.iter().enumerate() {
            let step = first + k as i64;
            run.summary.add_scalar("train/loss", l as f64, step)?;
            if !l.is_finite() {
                return Err(Diverged { step, loss: l as f64 }.into());
            }
        }
        Ok(*losses.last().unwrap() as f64)
    }

    /// Histograms and min/max/mean/std of every monitored quantity, reduced on the device.
    fn monitor_values(&self, probe: &crate::dcn::Probe) -> Result<Vec<crate::proto::Value>> {
        let mut named: Vec<(String, &Tensor)> = Vec::new();
        for (layer, (w, b)) in LAYERS.iter().zip(self.net.parameters()) {
            named.push((format!("weights/{layer}"), w));
            named.push((format!("biases/{layer}"), b));
        }
        named.extend(LAYERS.iter().zip(&probe.net_inputs).map(|(l, t)| (format!("net_inputs/{l}"), t)));
        named.extend(LAYERS.iter().zip(&probe.activations).map(|(l, t)| (format!("activations/{l}"), t)));
        named.extend(LAYERS.iter().zip(&probe.pooled).map(|(l, t)| (format!("pooled/{l}"), t)));
        let tensors: Vec<&Tensor> = named.iter().map(|(_, t)| *t).collect();
        let stats = device_stats(&tensors)?;
        Ok(named.iter().zip(&stats).flat_map(|((tag, _), s)| histogram(tag, s)).collect())
    }

    /// Accuracy in eval mode (no dropout), counted on the device, one transfer.
    fn accuracy(&self, split: &Split) -> f64 {
        tch::no_grad(|| {
            let mut correct = Tensor::zeros([], (Kind::Int64, self.device));
            let n = split.len();
            for start in (0..n).step_by(1000) {
                let len = 1000.min(n - start);
                let logits = self.net.forward_t(&split.images.narrow(0, start, len), false);
                correct += logits.argmax(-1, false).eq_tensor(&split.labels.narrow(0, start, len)).sum(Kind::Int64);
            }
            correct.int64_value(&[]) as f64 / n as f64
        })
    }
}
