//! Features with their class labels: what both parts' CSV data, Part 1's networks and the plots share.
use anyhow::{bail, Result};
use tch::{Kind, Tensor};

/// Features with labels, plus the one-hot targets backprop needs every pass (made once per fit).
pub struct LabeledData {
    /// [N, D] f64
    pub x: Tensor,
    /// [N] i64 class indices
    pub y: Tensor,
    /// [N, K] f64
    pub y_onehot: Tensor,
    pub num_classes: i64,
}

/// Largest feature magnitude accepted for unscaled data: beyond it x·W overflows f64 in a few layers.
pub const MAX_FEATURE: f64 = 1e6;

impl LabeledData {
    pub fn new(x: Tensor, y: Tensor, num_classes: i64) -> Self {
        let y_onehot = y.one_hot(num_classes).to_kind(Kind::Double);
        LabeledData { x, y, y_onehot, num_classes }
    }
    pub fn len(&self) -> i64 {
        self.x.size()[0]
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn dim(&self) -> i64 {
        self.x.size()[1]
    }
    pub fn accuracy(&self, predicted: &Tensor) -> f64 {
        predicted.eq_tensor(&self.y).to_kind(Kind::Double).mean(Kind::Double).double_value(&[])
    }
    pub(crate) fn select(&self, idx: &Tensor) -> LabeledData {
        LabeledData::new(self.x.index_select(0, idx), self.y.index_select(0, idx), self.num_classes)
    }

    /// A data error, not "training diverged", when a feature is infinite or too large to train on.
    pub fn check_features(&self, what: &str) -> Result<()> {
        if self.is_empty() {
            bail!("{what}: no rows to train on");
        }
        let largest = self.x.abs().max().double_value(&[]);
        if !largest.is_finite() {
            bail!("{what}: a feature overflows to infinity");
        }
        if largest > MAX_FEATURE {
            bail!("{what}: a feature reaches {largest:.3e}, beyond the ±{MAX_FEATURE:e} the networks can train on");
        }
        Ok(())
    }
}
