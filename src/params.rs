//! Parameters of the from-scratch nets kept in one flat buffer, weights first, so that the L2 term
//! and the gradient-descent update are one kernel each however many layers there are (libtorch's
//! per-call overhead, not arithmetic, is what a 200-point problem costs).
use crate::rng::Rng;
use tch::{Kind, Tensor};

pub struct FlatParams {
    params: Tensor,
    grads: Tensor,
    weights: Tensor,
    weight_grads: Tensor,
}

/// One layer's views into the flat buffers.
pub struct LayerParams {
    pub w: Tensor,
    pub b: Tensor,
    pub dw: Tensor,
    pub db: Tensor,
}

impl FlatParams {
    /// `sizes` = [n_in, h1, …, n_out]. W_l ~ N(0, 1)/√fan_in and b_l = 0, as the starter code.
    pub fn new(sizes: &[i64], seed: u64) -> (Self, Vec<LayerParams>) {
        let mut rng = Rng::new(seed);
        let shapes: Vec<(i64, i64)> = sizes.windows(2).map(|s| (s[0], s[1])).collect();
        let n_w: i64 = shapes.iter().map(|(i, o)| i * o).sum();
        let n_b: i64 = shapes.iter().map(|(_, o)| o).sum();
        let params = Tensor::zeros([n_w + n_b], (Kind::Double, tch::Device::Cpu));
        let grads = params.zeros_like();
        let (mut w_off, mut b_off) = (0, n_w);
        let mut layers = Vec::with_capacity(shapes.len());
        for &(i, o) in &shapes {
            let view = |t: &Tensor, off: i64, n: i64, shape: &[i64]| t.narrow(0, off, n).view(shape);
            // W is always seen as [in, out]; it is stored as [out, in] when out < in, the layout in
            // which libtorch's small matrix products X·W and Xᵀ·δ run about 3× faster (make bench).
            let weight = |t: &Tensor| if o < i { view(t, w_off, i * o, &[o, i]).tr() } else { view(t, w_off, i * o, &[i, o]) };
            let mut w = weight(&params);
            w.copy_(&(rng.randn(&[i, o]) / (i as f64).sqrt()));
            layers.push(LayerParams { w, b: view(&params, b_off, o, &[o]), dw: weight(&grads), db: view(&grads, b_off, o, &[o]) });
            w_off += i * o;
            b_off += o;
        }
        let flat = FlatParams { weights: params.narrow(0, 0, n_w), weight_grads: grads.narrow(0, 0, n_w), params, grads };
        (flat, layers)
    }

    /// dW += λ W for every weight matrix (biases are not regularised).
    pub fn add_l2_grad(&mut self, reg_lambda: &Tensor) {
        let _ = self.weight_grads.addcmul_(&self.weights, reg_lambda);
    }

    /// θ += step · ∇θ, with step = -ε.
    pub fn update(&mut self, step: &Tensor) {
        let _ = self.params.addcmul_(&self.grads, step);
    }

    /// Σ W² over all weight matrices.
    pub fn sum_sq_weights(&self) -> f64 {
        self.weights.dot(&self.weights).double_value(&[])
    }

    pub fn grads(&self) -> &Tensor {
        &self.grads
    }

    pub fn params(&self) -> &Tensor {
        &self.params
    }
}
