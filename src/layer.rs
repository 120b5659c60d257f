//! Section (f): a network of any depth built from `Layer`s, each with its own feedforward/backprop.
use crate::activation::{act_backward, act_fun_, Activation};
use crate::data::LabeledData;
use crate::gd::GdModel;
use crate::params::{FlatParams, LayerParams};
use tch::Tensor;

/// One affine layer z = x W + b followed by f (hidden layers) or by the softmax (the output layer,
/// `act == None`, whose softmax is differentiated together with the cross-entropy).
pub struct Layer {
    pub params: LayerParams,
    pub act: Option<Activation>,
    input: Tensor,
    output: Tensor,
}

impl Layer {
    pub fn feedforward(&mut self, x: &Tensor) -> Tensor {
        let mut z = self.params.b.addmm(x, &self.params.w);
        match self.act {
            Some(act) => act_fun_(&mut z, act),
            None => z = z.tr().softmax(0, None).tr(),
        }
        self.input = x.shallow_clone();
        self.output = z.shallow_clone();
        z
    }

    /// Takes δ = ∂J/∂a for this layer's output (for the output layer ∂J/∂z = ŷ − Y), writes
    /// dW = xᵀ δz and db = Σ δz, and returns ∂J/∂x = δz Wᵀ when the layer below needs it.
    pub fn backprop(&mut self, delta: &Tensor, propagate: bool) -> Option<Tensor> {
        let dz = match self.act {
            Some(act) => act_backward(delta, &self.output, act),
            None => delta.shallow_clone(),
        };
        let _ = self.input.tr().mm_out(&self.params.dw, &dz);
        let _ = dz.sum_intlist_out(&self.params.db, 0, false, None);
        propagate.then(|| dz.mm(&self.params.w.tr()))
    }
}

pub struct DeepNeuralNetwork {
    pub layers: Vec<Layer>,
    pub reg_lambda: f64,
    flat: FlatParams,
    lambda: Tensor,
    probs: Tensor,
}

impl DeepNeuralNetwork {
    /// `sizes` = [input, hidden…, output]; at least one hidden layer.
    pub fn new(sizes: &[i64], act: Activation, reg_lambda: f64, seed: u64) -> Self {
        let (flat, params) = FlatParams::new(sizes, seed);
        let n = params.len();
        let layers = params
            .into_iter()
            .enumerate()
            .map(|(i, params)| Layer { params, act: (i + 1 < n).then_some(act), input: Tensor::new(), output: Tensor::new() })
            .collect();
        DeepNeuralNetwork { layers, reg_lambda, flat, lambda: Tensor::from(reg_lambda), probs: Tensor::new() }
    }

    pub fn parameters(&self) -> Vec<&Tensor> {
        self.layers.iter().flat_map(|l| [&l.params.w, &l.params.b]).collect()
    }

    pub fn gradients(&self) -> Vec<&Tensor> {
        self.layers.iter().flat_map(|l| [&l.params.dw, &l.params.db]).collect()
    }
}

impl GdModel for DeepNeuralNetwork {
    fn feedforward(&mut self, x: &Tensor) -> Tensor {
        let mut a = x.shallow_clone();
        for layer in &mut self.layers {
            a = layer.feedforward(&a);
        }
        self.probs = a;
        self.probs.shallow_clone()
    }

    fn backprop(&mut self, d: &LabeledData) {
        let mut delta = &self.probs - &d.y_onehot;
        let n = self.layers.len();
        for (i, layer) in self.layers.iter_mut().enumerate().rev() {
            match layer.backprop(&delta, i > 0) {
                Some(below) => delta = below,
                None => debug_assert!(i == 0 && n > 0),
            }
        }
        self.flat.add_l2_grad(&self.lambda);
    }

    fn reg_lambda(&self) -> f64 {
        self.reg_lambda
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        for (i, l) in self.layers.iter().enumerate() {
            out.push((format!("weights/W{}", i + 1), l.params.w.shallow_clone()));
            out.push((format!("biases/b{}", i + 1), l.params.b.shallow_clone()));
        }
        out
    }

    fn flat(&mut self) -> &mut FlatParams {
        &mut self.flat
    }
}
