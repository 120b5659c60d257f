//! The training loop: batches, forward, backward and optimizer step; the loss kept on the device
//! until a logging step; monitoring, evaluation and checkpoints at their steps.
//!
//! Steps count updates: a value measured after update s is logged at step s, so the losses are at
//! 1..=N, and statistics, histograms and evaluations coincide at multiples of --log-every and
//! --eval-every and at the last step, which always carries the full set.
use crate::cli::Valid;
use crate::dcn::mnist::{MnistData, Split};
use crate::dcn::model::Dcn;
use crate::dcn::optim::Optimizer;
use crate::dcn::train::checkpoint::{self, generator_key, Meta};
use crate::dcn::train::evaluate::{evaluate, Evaluation};
use crate::dcn::train::monitor::Monitor;
use crate::dcn::train::views;
use crate::dcn::train::{TrainConfig, TrainReport};
use crate::fs::write::write_with;
use crate::native::device::DeviceArg;
use crate::native::generator;
use crate::run::interrupt;
use crate::run::progress::{progress_bar, say};
use crate::run::{Outcome, Run};
use crate::tensorboard::images::{confusion_png, digits_png, tile_png};
use crate::tensorboard::tags::{self, TEST_ACCURACY, TEST_ERROR, VALIDATION_ACCURACY, VALIDATION_ERROR};
use anyhow::{bail, Context, Result};
use indicatif::ProgressBar;
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;
use tch::{nn, Device, Kind, Tensor};
use tensorboard_writer::summary::scalar;

/// Where the training loop is: the last update done, the losses not yet logged (still on the
/// device) and what it has measured.
struct Progress {
    step: i64,
    pending: Vec<Tensor>,
    /// The step of `pending[0]`.
    pending_from: i64,
    last_eval: Option<Evaluation>,
    last_loss: f64,
    outcome: Outcome,
}

/// The current epoch's random order of the training images, and how many of them were used.
pub struct EpochOrder {
    pub perm: Tensor,
    pub cursor: i64,
}

pub struct Trainer<'a> {
    pub cfg: &'a Valid<TrainConfig>,
    /// Updates already done (0, or the checkpoint's step).
    pub start_step: i64,
    pub device: Device,
    pub vs: nn::VarStore,
    pub net: Dcn,
    pub opt: Optimizer,
    pub train: Split,
    pub validation: Split,
    pub test: Split,
    pub order: EpochOrder,
    monitor: Monitor,
}

impl<'a> Trainer<'a> {
    pub fn new(
        cfg: &'a Valid<TrainConfig>,
        device: Device,
        data: &MnistData,
        start_step: i64,
    ) -> Result<Self> {
        if data.train.len() < cfg.batch_size {
            bail!("--batch-size {} is larger than the {} training images", cfg.batch_size, data.train.len());
        }
        let seed = cfg.seed.wrapping_add(start_step as u64);
        tch::manual_seed(seed as i64);
        if device.is_cuda() {
            tch::Cuda::manual_seed_all(seed);
            tch::Cuda::cudnn_set_benchmark(true);
        }
        let vs = nn::VarStore::new(device);
        let net = Dcn::new(&vs.root(), cfg.activation, cfg.maxout_pieces, cfg.init);
        let opt = Optimizer::new(&vs, &cfg.map(|c| c.optimizer.clone()))?;
        let order = EpochOrder { perm: Tensor::randperm(data.train.len(), (Kind::Int64, device)), cursor: 0 };
        Ok(Trainer {
            cfg,
            start_step,
            device,
            monitor: Monitor::new(device, cfg.activation),
            vs,
            net,
            opt,
            order,
            train: data.train.to_device(device),
            validation: data.validation.to_device(device),
            test: data.test.to_device(device),
        })
    }

    pub fn fit(mut self, run: &mut Run) -> Result<TrainReport> {
        let cfg = self.cfg;
        let (n, iterations) = (self.train.len(), cfg.iterations());
        if self.start_step == 0 {
            run.summary.add_figure(
                tags::INPUTS,
                tile_png(&self.train.images.narrow(0, 0, 16.min(n)), 8, 3)?,
                0,
            )?;
            views::log_start(run, &self.net)?;
        }
        let pb = progress_bar(iterations as u64, !cfg.quiet, "it");
        pb.set_position(self.start_step as u64);
        pb.reset_eta();
        let mut p = Progress {
            step: self.start_step,
            pending: Vec::new(),
            pending_from: self.start_step + 1,
            last_eval: None,
            last_loss: f64::NAN,
            outcome: Outcome::Complete,
        };
        let start = Instant::now();
        if let Err(e) = self.steps(run, &mut p, &pb) {
            // The losses computed since the last logging step are still logged (best effort: the
            // error that stopped training is the one reported).
            let _ = self.monitor.log(run, p.pending_from, &p.pending, p.step, None);
            pb.finish_and_clear();
            return Err(e);
        }
        let Progress { step, last_eval, last_loss, outcome, .. } = p;
        let seconds = start.elapsed().as_secs_f64();
        pb.finish_and_clear();
        // safetensors by name: the writer's path (/proc/self/fd/N) has no extension for vs.save to go by.
        let model: Vec<(String, Tensor)> = self.vs.variables().into_iter().collect();
        write_with(&run.dir().join("model.safetensors"), |tmp| Ok(Tensor::write_safetensors(&model, tmp)?))?;
        if outcome == Outcome::Complete {
            views::log_embedding(run, &self.net, &self.test, cfg.embedding_samples, step)?;
        }
        let (validation_accuracy, test_accuracy) =
            last_eval.map(|e| (e.validation_accuracy, e.test_accuracy)).unwrap_or((f64::NAN, f64::NAN));
        Ok(TrainReport {
            run_dir: run.dir().to_path_buf(),
            iterations: step,
            final_loss: last_loss,
            validation_accuracy,
            test_accuracy,
            seconds,
            iterations_per_second: (step - self.start_step) as f64 / seconds,
            device: self.cfg.device,
            outcome,
        })
    }

    /// The training loop, from `p.step` to the configured iterations or a signal.
    fn steps(&mut self, run: &mut Run, p: &mut Progress, pb: &ProgressBar) -> Result<()> {
        let cfg = self.cfg;
        let (n, iterations) = (self.train.len(), cfg.iterations());
        while p.step < iterations {
            p.step += 1;
            let step = p.step;
            if self.order.cursor + cfg.batch_size > n {
                self.order = EpochOrder { perm: Tensor::randperm(n, (Kind::Int64, self.device)), cursor: 0 };
            }
            let idx = self.order.perm.narrow(0, self.order.cursor, cfg.batch_size);
            self.order.cursor += cfg.batch_size;
            let (xs, ys) = (self.train.images.index_select(0, &idx), self.train.labels.index_select(0, &idx));
            let probe = self.net.forward_probe(&xs, true);
            let loss = probe.logits.cross_entropy_for_logits(&ys);
            self.opt.backward_step(&loss).with_context(|| format!("optimizer step {step}"))?;
            p.pending.push(loss.detach());
            let last = step == iterations;
            let stop = interrupt::requested() && !last;
            if step % cfg.log_every == 0 || last || stop {
                // Taken out first: whatever happens while they are written, none is written twice.
                let (losses, from) = (std::mem::take(&mut p.pending), p.pending_from);
                p.pending_from = step + 1;
                p.last_loss = self.monitor.log(run, from, &losses, step, Some((&probe, &self.net)))?;
                pb.set_message(format!("loss {:.4}", p.last_loss));
            }
            if step % cfg.eval_every == 0 || last || stop {
                let e = evaluate(&self.net, &self.validation, &self.test)?;
                self.log_evaluation(run, step, &e)?;
                let (v, t) = (err(e.validation_accuracy), err(e.test_accuracy));
                say(pb, format!("step {step}: validation error {v:.2}%, test error {t:.2}%"));
                p.last_eval = Some(e);
            }
            if stop || (cfg.checkpoint_every > 0 && (last || step % cfg.checkpoint_every == 0)) {
                self.save_checkpoint(run.dir(), step)?;
            }
            pb.inc(1);
            if stop {
                p.outcome = Outcome::Interrupted { step };
                break;
            }
        }
        Ok(())
    }

    fn log_evaluation(&self, run: &mut Run, step: i64, e: &Evaluation) -> Result<()> {
        run.summary.add_summary(
            vec![
                scalar(VALIDATION_ERROR, 1.0 - e.validation_accuracy),
                scalar(TEST_ERROR, 1.0 - e.test_accuracy),
                scalar(VALIDATION_ACCURACY, e.validation_accuracy),
                scalar(TEST_ACCURACY, e.test_accuracy),
            ],
            step,
        )?;
        run.summary.add_figure(tags::FILTERS, tile_png(self.net.conv1_filters(), 8, 8)?, step)?;
        run.summary.add_figure(tags::CONFUSION, confusion_png(&e.confusion)?, step)?;
        run.summary.add_figure(tags::MISCLASSIFIED, digits_png(&e.misclassified)?, step)?;
        views::log_pr_curves(run, e, step)
    }

    /// What [`checkpoint::save`] writes: weights, optimizer state, epoch order and this device's generator.
    fn save_checkpoint(&self, dir: &Path, step: i64) -> Result<()> {
        let mut named: Vec<(String, Tensor)> = self.vs.variables().into_iter().collect();
        named.extend(self.opt.state_tensors());
        named.push(("data/perm".into(), self.order.perm.shallow_clone()));
        named.push((generator_key(self.device).into(), generator::state(self.device)?));
        let device = if self.device.is_cuda() { DeviceArg::Cuda } else { DeviceArg::Cpu };
        let meta = Meta {
            step,
            optimizer_steps: self.opt.steps,
            seed: self.cfg.seed,
            cursor: self.order.cursor,
            device,
        };
        checkpoint::save(dir, named, &meta)
    }

    /// Restores what [`Trainer::save_checkpoint`] wrote, every tensor checked first. Returns a note
    /// when the generator had to be reseeded (a checkpoint from the other device).
    pub fn load_checkpoint(
        &mut self,
        saved: &HashMap<String, Tensor>,
        meta: &Meta,
    ) -> Result<Option<String>> {
        let get = |name: &str| saved.get(name).with_context(|| format!("it lacks {name}"));
        tch::no_grad(|| {
            for (name, mut var) in self.vs.variables() {
                let src = get(&name)?;
                checkpoint::check_like(&name, src, &var)?;
                var.f_copy_(src).with_context(|| format!("{name} cannot be restored"))?;
            }
            Ok::<(), anyhow::Error>(())
        })?;
        let on_device: HashMap<String, Tensor> = saved
            .iter()
            .filter(|(n, _)| n.starts_with("optim/"))
            .map(|(n, t)| (n.clone(), t.to_device(self.device)))
            .collect();
        self.opt.load_state(&on_device, meta.optimizer_steps)?;
        let perm = get("data/perm")?;
        checkpoint::check_order(perm, meta.cursor, self.train.len())?;
        self.order = EpochOrder { perm: perm.to_device(self.device), cursor: meta.cursor };
        checkpoint::restore_generator(
            saved,
            meta.device,
            self.device,
            self.cfg.seed.wrapping_add(meta.step as u64),
        )
    }
}

fn err(accuracy: f64) -> f64 {
    100.0 * (1.0 - accuracy)
}
