//! Part (b)'s monitoring: the tags, and the values logged every `--log-every` iterations, all
//! reduced on the device and read back in one transfer together with the losses since the last log.
use crate::dcn::model::{Dcn, DcnActivation, Probe, LAYERS};
use crate::dcn::train::host;
use crate::run::{Diverged, Run};
use crate::tensorboard::summary::histogram_with_statistics;
use crate::tensorboard::tags;
use anyhow::Result;
use tch::{Device, Kind, Tensor};
use tensorboard_writer::proto::Value;
use tensorboard_writer::summary::scalar;
use tensorboard_writer::tensor::{stats_from_rows, DeviceHistogram};

/// What part (b) asks to monitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    Weights,
    Biases,
    NetInputs,
    Activations,
    Pooled,
}

impl Quantity {
    pub fn name(self) -> &'static str {
        match self {
            Quantity::Weights => "weights",
            Quantity::Biases => "biases",
            Quantity::NetInputs => "net_inputs",
            Quantity::Activations => "activations",
            Quantity::Pooled => "pooled",
        }
    }
}

/// The monitored quantities and the layers each exists for (activations: conv1, conv2, fc1;
/// pooled: conv1, conv2).
pub const MONITORED: [(Quantity, &[&str]); 5] = [
    (Quantity::Weights, &LAYERS),
    (Quantity::Biases, &LAYERS),
    (Quantity::NetInputs, &LAYERS),
    (Quantity::Activations, &[LAYERS[0], LAYERS[1], LAYERS[2]]),
    (Quantity::Pooled, &[LAYERS[0], LAYERS[1]]),
];

/// The histogram tag of `quantity` at `layer` ("conv1.weights"); its statistics are "<tag>/<stat>".
pub fn histogram_tag(quantity: Quantity, layer: &str) -> String {
    tags::histogram(layer, quantity.name())
}

/// Every histogram tag, in logging order.
pub fn histogram_tags() -> Vec<String> {
    MONITORED.iter().flat_map(|&(q, layers)| layers.iter().map(move |l| histogram_tag(q, l))).collect()
}

/// The gradient norm of a layer's weights.
pub fn gradient_norm_tag(layer: &str) -> String {
    tags::health(layer, "gradient_norm")
}

/// For ReLU: the fraction of units that are zero for every image of the batch ("dead"); for tanh
/// and sigmoid: the fraction of activations where f'(z) is below 5% of its maximum ("saturated").
pub fn unit_health_tag(act: DcnActivation, layer: &str) -> Option<String> {
    match act {
        DcnActivation::Relu => Some(tags::health(layer, "dead_units")),
        DcnActivation::Tanh | DcnActivation::Sigmoid => Some(tags::health(layer, "saturated_units")),
        _ => None,
    }
}

pub struct Monitor {
    hist: DeviceHistogram,
    act: DcnActivation,
}

impl Monitor {
    pub fn new(device: Device, act: DcnActivation) -> Monitor {
        Monitor { hist: DeviceHistogram::new(device), act }
    }

    /// Writes the losses of steps `first..` and, with `probe`, every statistic of step `step`; one
    /// transfer for all. A non-finite loss is written, then reported as divergence at its step.
    /// Returns the last loss.
    pub fn log(
        &self,
        run: &mut Run,
        first: i64,
        losses: &[Tensor],
        step: i64,
        probe: Option<(&Probe, &Dcn)>,
    ) -> Result<f64> {
        if losses.is_empty() {
            return Ok(f64::NAN);
        }
        let device = losses[0].device();
        let mut parts = vec![Tensor::stack(losses, 0).to_kind(Kind::Double).flatten(0, -1)];
        let named = probe.map(|(p, net)| monitored(p, net)).unwrap_or_default();
        let tensors: Vec<&Tensor> = named.iter().map(|(_, t)| t).collect();
        if !tensors.is_empty() {
            parts.push(self.hist.rows(&tensors)?.flatten(0, -1));
            if let Some((p, net)) = probe {
                parts.push(self.extra(p, net, device));
            }
        }
        let values = host::read_f64(&Tensor::cat(&parts, 0), "the monitored values")?;
        let (loss_values, rest) = values.split_at(losses.len());
        for (k, &l) in loss_values.iter().enumerate() {
            let s = first + k as i64;
            run.summary.add_scalar(tags::TRAIN_LOSS, l, s)?;
            if !l.is_finite() {
                return Err(Diverged { step: s, loss: l }.into());
            }
        }
        if probe.is_some() {
            let width = self.hist.width() * tensors.len();
            let numels: Vec<usize> = tensors.iter().map(|t| t.numel()).collect();
            let mut out: Vec<Value> = named
                .iter()
                .zip(stats_from_rows(&rest[..width], &numels))
                .flat_map(|((tag, _), s)| histogram_with_statistics(tag, &s))
                .collect();
            out.extend(self.extra_values(&rest[width..]));
            run.summary.add_summary(out, step)?;
        }
        Ok(*loss_values.last().unwrap_or(&f64::NAN))
    }

    /// Gradient norms of the four weight matrices, then the unit-health fraction of each activation.
    fn extra(&self, p: &Probe, net: &Dcn, device: Device) -> Tensor {
        tch::no_grad(|| {
            let mut v: Vec<Tensor> = net
                .parameters()
                .iter()
                .map(|(w, _)| {
                    let g = w.grad();
                    if g.defined() {
                        g.to_kind(Kind::Double).norm()
                    } else {
                        Tensor::zeros([], (Kind::Double, device))
                    }
                })
                .collect();
            if unit_health_tag(self.act, LAYERS[0]).is_some() {
                v.extend(p.activations.iter().map(|a| unit_health(self.act, a)));
            }
            Tensor::stack(&v, 0)
        })
    }

    fn extra_values(&self, values: &[f64]) -> Vec<Value> {
        let mut out: Vec<Value> =
            LAYERS.iter().zip(values).map(|(l, &v)| scalar(&gradient_norm_tag(l), v)).collect();
        let health = MONITORED[3].1.iter().filter_map(|l| unit_health_tag(self.act, l));
        out.extend(health.zip(&values[LAYERS.len().min(values.len())..]).map(|(tag, &v)| scalar(&tag, v)));
        out
    }
}

/// Dead ReLU units (zero for the whole batch), or saturated tanh/sigmoid activations, as a fraction.
fn unit_health(act: DcnActivation, a: &Tensor) -> Tensor {
    match act {
        DcnActivation::Relu => a.eq(0.0).all_dim(0, false).to_kind(Kind::Double).mean(Kind::Double),
        // 1 − tanh² < 0.05 ⇔ |a| > √0.95
        DcnActivation::Tanh => a.abs().gt(0.95f64.sqrt()).to_kind(Kind::Double).mean(Kind::Double),
        // σ(1 − σ) < 0.05 · 1/4 ⇔ a ∉ [0.0128, 0.9872]
        _ => (a.lt(0.0128).logical_or(&a.gt(0.9872))).to_kind(Kind::Double).mean(Kind::Double),
    }
}

/// Every monitored tensor with its histogram tag, in [`MONITORED`] order.
fn monitored<'a>(p: &'a Probe, net: &'a Dcn) -> Vec<(String, Tensor)> {
    let params = net.parameters();
    let mut out = Vec::new();
    for (quantity, layers) in MONITORED {
        for (i, layer) in layers.iter().enumerate() {
            let t = match quantity {
                Quantity::Weights => params[i].0,
                Quantity::Biases => params[i].1,
                Quantity::NetInputs => &p.net_inputs[i],
                Quantity::Activations => &p.activations[i],
                Quantity::Pooled => &p.pooled[i],
            };
            out.push((histogram_tag(quantity, layer), t.shallow_clone()));
        }
    }
    out
}
