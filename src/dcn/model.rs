//! Part 2's 5-layer convolutional network:
//! conv 5×5 1→32 (same) → f → maxpool 2 → conv 5×5 32→64 (same) → f → maxpool 2
//! → fc 3136→1024 → f → dropout 0.5 → fc 1024→10 (softmax in the loss).
use clap::ValueEnum;
use tch::nn::{self, ModuleT};
use tch::Tensor;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DcnActivation {
    Relu,
    Tanh,
    Sigmoid,
    LeakyRelu,
    Elu,
    /// max over k linear pieces (--maxout-pieces); the layer computes k× the units
    Maxout,
}

crate::clap_names!(DcnActivation);

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InitKind {
    /// libtorch's (PyTorch's) default: uniform ±1/√fan_in
    Default,
    XavierUniform,
    XavierNormal,
    KaimingUniform,
    KaimingNormal,
    Orthogonal,
}

crate::clap_names!(InitKind);

pub const LAYERS: [&str; 4] = ["conv1", "conv2", "fc1", "fc2"];

#[derive(Debug)]
pub struct Dcn {
    conv1: nn::Conv2D,
    conv2: nn::Conv2D,
    fc1: nn::Linear,
    fc2: nn::Linear,
    act: DcnActivation,
    pieces: i64,
    /// Run the conv layers on channels-last (NHWC) activations: libtorch's CPU max-pool is ≈13× faster
    /// on them (BENCHMARKS.md). On by default on the CPU only, where it was measured.
    pub channels_last: bool,
}

/// Every intermediate of one forward pass, for monitoring.
pub struct Probe {
    pub logits: Tensor,
    /// Pre-activations of conv1, conv2, fc1, fc2.
    pub net_inputs: [Tensor; 4],
    /// After the nonlinearity: conv1, conv2, fc1.
    pub activations: [Tensor; 3],
    /// After max-pooling: conv1, conv2.
    pub pooled: [Tensor; 2],
}

fn init_for(kind: InitKind, fan_in: i64, fan_out: i64) -> Option<nn::Init> {
    use nn::init::{FanInOut, NonLinearity, NormalOrUniform};
    let kaiming = |dist| nn::Init::Kaiming { dist, fan: FanInOut::FanIn, non_linearity: NonLinearity::ReLU };
    let xavier = 2.0 / (fan_in + fan_out) as f64;
    match kind {
        InitKind::Default => None,
        InitKind::XavierUniform => {
            Some(nn::Init::Uniform { lo: -(3.0 * xavier).sqrt(), up: (3.0 * xavier).sqrt() })
        }
        InitKind::XavierNormal => Some(nn::Init::Randn { mean: 0.0, stdev: xavier.sqrt() }),
        InitKind::KaimingUniform => Some(kaiming(NormalOrUniform::Uniform)),
        InitKind::KaimingNormal => Some(kaiming(NormalOrUniform::Normal)),
        InitKind::Orthogonal => Some(nn::Init::Const(0.0)),
    }
}

impl Dcn {
    /// `pieces` is used by maxout only (k linear pieces per unit).
    pub fn new(vs: &nn::Path, act: DcnActivation, pieces: i64, init: InitKind) -> Dcn {
        let k = if act == DcnActivation::Maxout { pieces } else { 1 };
        // tch creates an orthogonal variable with the flattened 2-D shape, which a conv rejects;
        // re-initialising an existing 4-D weight in place reshapes correctly.
        let orthogonal = |ws: &mut Tensor| {
            if init == InitKind::Orthogonal {
                ws.init(nn::Init::Orthogonal { gain: 1.0 });
            }
        };
        let conv = |name: &str, cin: i64, cout: i64| {
            let mut cfg = nn::ConvConfig { padding: 2, ..Default::default() };
            if let Some(ws) = init_for(init, cin * 25, cout * 25) {
                cfg.ws_init = ws;
                cfg.bs_init = nn::Init::Const(0.0);
            }
            let mut c = nn::conv2d(vs / name, cin, cout, 5, cfg);
            orthogonal(&mut c.ws);
            c
        };
        let linear = |name: &str, cin: i64, cout: i64| {
            let mut cfg = nn::LinearConfig::default();
            if let Some(ws) = init_for(init, cin, cout) {
                cfg.ws_init = ws;
                cfg.bs_init = Some(nn::Init::Const(0.0));
            }
            let mut l = nn::linear(vs / name, cin, cout, cfg);
            orthogonal(&mut l.ws);
            l
        };
        Dcn {
            conv1: conv("conv1", 1, 32 * k),
            conv2: conv("conv2", 32, 64 * k),
            fc1: linear("fc1", 7 * 7 * 64, 1024 * k),
            fc2: linear("fc2", 1024, 10),
            act,
            pieces: k,
            channels_last: vs.device() == tch::Device::Cpu,
        }
    }

    fn act(&self, z: &Tensor) -> Tensor {
        match self.act {
            DcnActivation::Relu => z.relu(),
            DcnActivation::Tanh => z.tanh(),
            DcnActivation::Sigmoid => z.sigmoid(),
            DcnActivation::LeakyRelu => z.leaky_relu(),
            DcnActivation::Elu => z.elu(),
            DcnActivation::Maxout => {
                // Channels (or units) are grouped as [unit, piece]: max over the piece axis.
                let mut shape = z.size();
                let units = shape[1] / self.pieces;
                shape.splice(1..2, [units, self.pieces]);
                z.view(shape.as_slice()).amax(2, false)
            }
        }
    }

    pub fn forward_probe(&self, xs: &Tensor, train: bool) -> Probe {
        let mut z1 = xs.apply(&self.conv1);
        if self.channels_last {
            // NCHW shape, NHWC strides; conv2 follows its input's layout, and flatten copies back to
            // NCHW order, so fc1 sees the same features either way.
            z1 = z1.permute([0, 2, 3, 1]).contiguous().permute([0, 3, 1, 2]);
        }
        let a1 = self.act(&z1);
        let p1 = a1.max_pool2d_default(2);
        let z2 = p1.apply(&self.conv2);
        let a2 = self.act(&z2);
        let p2 = a2.max_pool2d_default(2);
        let z3 = p2.flatten(1, -1).apply(&self.fc1);
        let a3 = self.act(&z3);
        let z4 = a3.dropout(0.5, train).apply(&self.fc2);
        Probe {
            logits: z4.shallow_clone(),
            net_inputs: [z1, z2, z3, z4],
            activations: [a1, a2, a3],
            pooled: [p1, p2],
        }
    }

    pub fn activation(&self) -> DcnActivation {
        self.act
    }

    /// Linear pieces per unit (1 but for maxout).
    pub fn pieces(&self) -> i64 {
        self.pieces
    }

    /// (weights, biases) of conv1, conv2, fc1, fc2.
    pub fn parameters(&self) -> [(&Tensor, &Tensor); 4] {
        fn bias(b: &Option<Tensor>) -> &Tensor {
            b.as_ref().expect("every layer is built with a bias")
        }
        [
            (&self.conv1.ws, bias(&self.conv1.bs)),
            (&self.conv2.ws, bias(&self.conv2.bs)),
            (&self.fc1.ws, bias(&self.fc1.bs)),
            (&self.fc2.ws, bias(&self.fc2.bs)),
        ]
    }

    pub fn conv1_filters(&self) -> &Tensor {
        &self.conv1.ws
    }
}

impl ModuleT for Dcn {
    fn forward_t(&self, xs: &Tensor, train: bool) -> Tensor {
        self.forward_probe(xs, train).logits
    }
}
