//! Sections (c)–(e): the 3-layer network of the starter code, with hand-written backprop.
//!
//! Equations (N examples, one-hot targets Y):
//!   z1 = X W1 + b1,  a1 = f(z1),  z2 = a1 W2 + b2,  ŷ = softmax(z2)
//!   J  = −Σ_n log ŷ[n, y_n] + λ/2 (‖W1‖² + ‖W2‖²)         (loss printed: J / N)
//!   δ3 = ŷ − Y,  dW2 = a1ᵀ δ3 + λ W2,  db2 = Σ_n δ3
//!   δ2 = (δ3 W2ᵀ) ⊙ f'(z1),  dW1 = Xᵀ δ2 + λ W1,  db1 = Σ_n δ2
//! As in the starter, the gradient is of the summed J, which is why ε = 0.01 trains in 20 000 passes.
use crate::activation::{act_backward, act_fun_, Activation};
use crate::data::LabeledData;
use crate::gd::GdModel;
use crate::params::{FlatParams, LayerParams};
use tch::Tensor;

pub struct NeuralNetwork {
    pub act: Activation,
    pub reg_lambda: f64,
    flat: FlatParams,
    l1: LayerParams,
    l2: LayerParams,
    lambda: Tensor,
    a1: Tensor,
    probs: Tensor,
}

impl NeuralNetwork {
    /// Weights W ~ N(0,1)/√fan_in drawn with `seed`, biases 0.
    pub fn new(nn_input_dim: i64, nn_hidden_dim: i64, nn_output_dim: i64, act: Activation, reg_lambda: f64, seed: u64) -> Self {
        let (flat, mut layers) = FlatParams::new(&[nn_input_dim, nn_hidden_dim, nn_output_dim], seed);
        let l2 = layers.pop().unwrap();
        let l1 = layers.pop().unwrap();
        NeuralNetwork { act, reg_lambda, flat, l1, l2, lambda: Tensor::from(reg_lambda), a1: Tensor::new(), probs: Tensor::new() }
    }

    /// [W1, b1, W2, b2], sharing storage with the network.
    pub fn parameters(&self) -> [&Tensor; 4] {
        [&self.l1.w, &self.l1.b, &self.l2.w, &self.l2.b]
    }

    /// [dW1, db1, dW2, db2] as left by the last `backprop`.
    pub fn gradients(&self) -> [&Tensor; 4] {
        [&self.l1.dw, &self.l1.db, &self.l2.dw, &self.l2.db]
    }
}

impl GdModel for NeuralNetwork {
    fn feedforward(&mut self, x: &Tensor) -> Tensor {
        // z1 = X W1 + b1 ; a1 = f(z1)   (in place: backprop needs only a1)
        let mut z1 = self.l1.b.addmm(x, &self.l1.w);
        act_fun_(&mut z1, self.act);
        self.a1 = z1;
        // z2 = a1 W2 + b2 ; probs = softmax(z2)
        // z2 is written column-major ([K, N] memory): MKL's N×K product (K = 2) into that layout takes 40%
        // less time than into row-major, and softmax over classes then runs over the outer dimension, its
        // fast path.
        let (n, k) = (x.size()[0], self.l2.b.size()[0]);
        let z2 = Tensor::empty([k, n], (x.kind(), x.device())).tr();
        let _ = self.l2.b.addmm_out(&z2, &self.a1, &self.l2.w);
        self.probs = z2.tr().softmax(0, None).tr();
        self.probs.shallow_clone()
    }

    fn backprop(&mut self, d: &LabeledData) {
        // δ3 = probs − Y
        let delta3 = &self.probs - &d.y_onehot;
        // dW2 = a1ᵀ δ3 ; db2 = Σ δ3
        let _ = self.a1.tr().mm_out(&self.l2.dw, &delta3);
        let _ = delta3.sum_intlist_out(&self.l2.db, 0, false, None);
        // δ2 = δ3 W2ᵀ ⊙ f'(z1)
        let delta2 = act_backward(&delta3.mm(&self.l2.w.tr()), &self.a1, self.act);
        // dW1 = Xᵀ δ2 ; db1 = Σ δ2
        let _ = d.x.tr().mm_out(&self.l1.dw, &delta2);
        let _ = delta2.sum_intlist_out(&self.l1.db, 0, false, None);
        // dW += λ W
        self.flat.add_l2_grad(&self.lambda);
    }

    fn reg_lambda(&self) -> f64 {
        self.reg_lambda
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        let names = ["weights/W1", "biases/b1", "weights/W2", "biases/b2"];
        names.iter().zip(self.parameters()).map(|(n, t)| (n.to_string(), t.shallow_clone())).collect()
    }

    fn flat(&mut self) -> &mut FlatParams {
        &mut self.flat
    }
}
