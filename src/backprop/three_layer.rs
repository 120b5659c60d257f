//! Sections (c)–(e): the 3-layer network of the starter code, with hand-written backprop.
//!
//! N examples X [N, 2], one-hot targets Y [N, 2], hidden size H:
//!   z1 = X W1 + b1,   a1 = f(z1),   z2 = a1 W2 + b2,   ŷ = softmax(z2)
//!   J  = −Σ_n log ŷ[n, y_n] + λ/2 (‖W1‖² + ‖W2‖²)          (printed: J / N)
//!   δ3 = ŷ − Y,               dW2 = a1ᵀ δ3 + λ W2,   db2 = Σ_n δ3
//!   δ2 = (δ3 W2ᵀ) ⊙ f'(z1),   dW1 = Xᵀ δ2 + λ W1,    db1 = Σ_n δ2
//! As in the starter, the gradient is that of the summed J, which is why ε = 0.01 trains in 20,000
//! passes. The derivation is in the report (`make report`, section 1(d)).
use crate::backprop::activation::{act_fun, diff_act_fun, Activation};
use crate::backprop::fit::GdModel;
use crate::data::rng::Rng;
use crate::data::LabeledData;
use crate::tensorboard::tags;
use tch::{Kind, Tensor};

#[cfg(test)]
#[path = "three_layer_tests.rs"]
mod tests;

pub struct NeuralNetwork {
    pub act: Activation,
    pub reg_lambda: f64,
    pub w1: Tensor,
    pub b1: Tensor,
    pub w2: Tensor,
    pub b2: Tensor,
    grads: [Tensor; 4],
    x: Tensor,
    z1: Tensor,
    a1: Tensor,
    probs: Tensor,
}

/// W ~ N(0, 1)/√fan_in, as the starter's `np.random.randn(in, out) / np.sqrt(in)`.
pub fn init_weight(rng: &mut Rng, fan_in: i64, fan_out: i64) -> Tensor {
    rng.randn(&[fan_in, fan_out]) / (fan_in as f64).sqrt()
}

impl NeuralNetwork {
    /// Weights drawn with `seed`, biases 0.
    pub fn new(
        nn_input_dim: i64,
        nn_hidden_dim: i64,
        nn_output_dim: i64,
        act: Activation,
        reg_lambda: f64,
        seed: u64,
    ) -> Self {
        let mut rng = Rng::new(seed);
        let zeros = |n: i64| Tensor::zeros([n], (Kind::Double, tch::Device::Cpu));
        let w1 = init_weight(&mut rng, nn_input_dim, nn_hidden_dim);
        let w2 = init_weight(&mut rng, nn_hidden_dim, nn_output_dim);
        NeuralNetwork {
            act,
            reg_lambda,
            grads: [w1.zeros_like(), zeros(nn_hidden_dim), w2.zeros_like(), zeros(nn_output_dim)],
            w1,
            b1: zeros(nn_hidden_dim),
            w2,
            b2: zeros(nn_output_dim),
            x: Tensor::new(),
            z1: Tensor::new(),
            a1: Tensor::new(),
            probs: Tensor::new(),
        }
    }

    /// [W1, b1, W2, b2].
    pub fn parameters(&self) -> [&Tensor; 4] {
        [&self.w1, &self.b1, &self.w2, &self.b2]
    }

    /// [dW1, db1, dW2, db2] from the last `backprop`.
    pub fn gradients(&self) -> [&Tensor; 4] {
        [&self.grads[0], &self.grads[1], &self.grads[2], &self.grads[3]]
    }
}

impl GdModel for NeuralNetwork {
    fn feedforward(&mut self, x: &Tensor) -> Tensor {
        // z1 = X W1 + b1 ; a1 = f(z1)
        self.x = x.shallow_clone();
        self.z1 = x.matmul(&self.w1) + &self.b1;
        self.a1 = act_fun(&self.z1, self.act);
        // z2 = a1 W2 + b2 ; ŷ = softmax(z2) = exp(z2) / Σ_k exp(z2_k)
        let z2 = self.a1.matmul(&self.w2) + &self.b2;
        self.probs = z2.softmax(1, None);
        self.probs.shallow_clone()
    }

    fn backprop(&mut self, d: &LabeledData) {
        let lambda = self.reg_lambda;
        // δ3 = ŷ − Y
        let delta3 = &self.probs - &d.y_onehot;
        // dW2 = a1ᵀ δ3 + λ W2 ; db2 = Σ_n δ3
        let dw2 = self.a1.tr().matmul(&delta3) + &self.w2 * lambda;
        let db2 = delta3.sum_dim_intlist(0, false, None);
        // δ2 = (δ3 W2ᵀ) ⊙ f'(z1)
        let delta2 = delta3.matmul(&self.w2.tr()) * diff_act_fun(&self.z1, self.act);
        // dW1 = Xᵀ δ2 + λ W1 ; db1 = Σ_n δ2
        let dw1 = self.x.tr().matmul(&delta2) + &self.w1 * lambda;
        let db1 = delta2.sum_dim_intlist(0, false, None);
        self.grads = [dw1, db1, dw2, db2];
    }

    fn params_and_grads(&mut self) -> Vec<(&mut Tensor, &Tensor)> {
        let [dw1, db1, dw2, db2] = &self.grads;
        vec![(&mut self.w1, dw1), (&mut self.b1, db1), (&mut self.w2, dw2), (&mut self.b2, db2)]
    }

    fn weights(&self) -> Vec<&Tensor> {
        vec![&self.w1, &self.w2]
    }

    fn reg_lambda(&self) -> f64 {
        self.reg_lambda
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        let names =
            [("layer1", "weights"), ("layer1", "biases"), ("layer2", "weights"), ("layer2", "biases")];
        names
            .iter()
            .zip(self.parameters())
            .map(|((l, q), t)| (tags::histogram(l, q), t.shallow_clone()))
            .collect()
    }
}
