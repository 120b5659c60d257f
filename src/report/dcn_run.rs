//! One `mnist_dcn` run of the grid, read back (its events, result.json and config.json), and the
//! values the report's text computes from what it logged.
use crate::dcn::train::{TrainConfig, TrainReport};
use crate::report::cache::{read_events_whole, read_json};
use crate::report::figures::curve;
use crate::tensorboard::tags;
use anyhow::Result;
use std::path::Path;
use tensorboard_writer::proto::Event;
use tensorboard_writer::record::histograms;

pub struct Dcn {
    pub events: Vec<Event>,
    pub report: TrainReport,
    pub config: TrainConfig,
}

pub fn read(dir: &Path) -> Result<Dcn> {
    Ok(Dcn {
        events: read_events_whole(dir)?,
        report: read_json(&dir.join("result.json"))?,
        config: read_json(&dir.join("config.json"))?,
    })
}

impl Dcn {
    /// The mean training loss over the last tenth of the run (one batch's loss is noisy).
    pub fn late_loss(&self) -> f64 {
        let l = curve(&self.events, tags::TRAIN_LOSS);
        let tail = &l[l.len() - (l.len() / 10).max(1)..];
        tail.iter().map(|p| p.1).sum::<f64>() / tail.len() as f64
    }

    /// A health value's mean over the run (`last`: its last value instead), averaged over `layers`;
    /// NaN where none of them logged it.
    pub fn health(&self, what: &str, layers: &[&str], last: bool) -> f64 {
        let per_layer: Vec<f64> = layers
            .iter()
            .filter_map(|l| {
                let c = curve(&self.events, &tags::health(l, what));
                let n = c.len();
                match (n, last) {
                    (0, _) => None,
                    (_, true) => Some(c[n - 1].1),
                    _ => Some(c.iter().map(|p| p.1).sum::<f64>() / n as f64),
                }
            })
            .collect();
        if per_layer.is_empty() {
            f64::NAN
        } else {
            per_layer.iter().sum::<f64>() / per_layer.len() as f64
        }
    }

    /// How many weights a layer has: the count of its logged weight histogram.
    pub fn weight_count(&self, layer: &str) -> f64 {
        histograms(&self.events, &tags::histogram(layer, "weights")).first().map_or(f64::NAN, |(_, h)| h.num)
    }
}
