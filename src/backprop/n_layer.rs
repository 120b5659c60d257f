//! Section (f): a network of any depth built from `Layer`s, each with its own feedforward/backprop.
//!
//! Layer l (input a_{l−1}, output a_l):  z_l = a_{l−1} W_l + b_l,  a_l = f(z_l)  (softmax for the last).
//! Backwards, given δa = ∂J/∂a_l:        δz = δa ⊙ f'(z_l)  (for the last layer δz = ŷ − Y),
//!   dW_l = a_{l−1}ᵀ δz + λ W_l,   db_l = Σ_n δz,   ∂J/∂a_{l−1} = δz W_lᵀ.
use crate::backprop::activation::{act_fun, diff_act_fun, Activation};
use crate::backprop::fit::GdModel;
use crate::backprop::three_layer::init_weight;
use crate::data::rng::Rng;
use crate::data::LabeledData;
use crate::tensorboard::tags;
use tch::{Kind, Tensor};

/// One affine layer followed by f (hidden layers) or by the softmax (the output layer, `act == None`,
/// whose softmax is differentiated together with the cross-entropy).
pub struct Layer {
    pub w: Tensor,
    pub b: Tensor,
    pub dw: Tensor,
    pub db: Tensor,
    pub act: Option<Activation>,
    input: Tensor,
    z: Tensor,
}

impl Layer {
    pub fn new(rng: &mut Rng, n_in: i64, n_out: i64, act: Option<Activation>) -> Layer {
        let w = init_weight(rng, n_in, n_out);
        let b = Tensor::zeros([n_out], (Kind::Double, tch::Device::Cpu));
        Layer { dw: w.zeros_like(), db: b.zeros_like(), w, b, act, input: Tensor::new(), z: Tensor::new() }
    }

    /// a = f(x W + b), or softmax(x W + b) for the output layer.
    pub fn feedforward(&mut self, x: &Tensor) -> Tensor {
        self.input = x.shallow_clone();
        self.z = x.matmul(&self.w) + &self.b;
        match self.act {
            Some(act) => act_fun(&self.z, act),
            None => self.z.softmax(1, None),
        }
    }

    /// Takes `delta` = ∂J/∂a for this layer's output (for the output layer ∂J/∂z = ŷ − Y), sets
    /// dW and db, and returns ∂J/∂x = δz Wᵀ for the layer below.
    pub fn backprop(&mut self, delta: &Tensor, reg_lambda: f64) -> Tensor {
        let dz = match self.act {
            Some(act) => delta * diff_act_fun(&self.z, act),
            None => delta.shallow_clone(),
        };
        self.dw = self.input.tr().matmul(&dz) + &self.w * reg_lambda;
        self.db = dz.sum_dim_intlist(0, false, None);
        dz.matmul(&self.w.tr())
    }
}

pub struct DeepNeuralNetwork {
    pub layers: Vec<Layer>,
    pub reg_lambda: f64,
    probs: Tensor,
}

impl DeepNeuralNetwork {
    /// `sizes` = [input, hidden…, output]; at least one hidden layer. Weights drawn with `seed`.
    pub fn new(sizes: &[i64], act: Activation, reg_lambda: f64, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let n = sizes.len() - 1;
        let layers = (0..n)
            .map(|i| Layer::new(&mut rng, sizes[i], sizes[i + 1], (i + 1 < n).then_some(act)))
            .collect();
        DeepNeuralNetwork { layers, reg_lambda, probs: Tensor::new() }
    }

    pub fn parameters(&self) -> Vec<&Tensor> {
        self.layers.iter().flat_map(|l| [&l.w, &l.b]).collect()
    }

    pub fn gradients(&self) -> Vec<&Tensor> {
        self.layers.iter().flat_map(|l| [&l.dw, &l.db]).collect()
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
        // δ = ŷ − Y at the output, then each layer hands ∂J/∂a to the one below.
        let mut delta = &self.probs - &d.y_onehot;
        for layer in self.layers.iter_mut().rev() {
            delta = layer.backprop(&delta, self.reg_lambda);
        }
    }

    fn params_and_grads(&mut self) -> Vec<(&mut Tensor, &Tensor)> {
        self.layers.iter_mut().flat_map(|Layer { w, b, dw, db, .. }| [(w, &*dw), (b, &*db)]).collect()
    }

    fn weights(&self) -> Vec<&Tensor> {
        self.layers.iter().map(|l| &l.w).collect()
    }

    fn reg_lambda(&self) -> f64 {
        self.reg_lambda
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        for (i, l) in self.layers.iter().enumerate() {
            let layer = format!("layer{}", i + 1);
            out.push((tags::histogram(&layer, "weights"), l.w.shallow_clone()));
            out.push((tags::histogram(&layer, "biases"), l.b.shallow_clone()));
        }
        out
    }
}
