//! Part (c)'s variants, each declared once: the quick and standard grids run those the assignment
//! names, the full grid all of them.
use crate::dcn::model::{DcnActivation as A, InitKind as I};
use crate::dcn::optim::OptimizerKind as O;
use crate::dcn::train::TrainConfig;

/// One part (c) variant: its name, the settings it changes from the default configuration (none
/// for the default), and whether the assignment names it.
pub struct Variant {
    pub name: &'static str,
    pub set: fn(&mut TrainConfig),
    pub named: bool,
}

const fn v(name: &'static str, set: fn(&mut TrainConfig), named: bool) -> Variant {
    Variant { name, set, named }
}

/// The families of part (c); the first variant of each is the default configuration (ReLU, PyTorch's
/// default initialisation, Adam at lr 1e-4), one job shared by all three.
pub const FAMILIES: [(&str, &[Variant]); 3] = [
    (
        "activation",
        &[
            v("relu", |_| {}, true),
            v("tanh", |c| c.activation = A::Tanh, true),
            v("sigmoid", |c| c.activation = A::Sigmoid, true),
            v("leaky-relu", |c| c.activation = A::LeakyRelu, true),
            v("maxout", |c| c.activation = A::Maxout, true),
            v("elu", |c| c.activation = A::Elu, false),
        ],
    ),
    (
        "init",
        &[
            v("default", |_| {}, true),
            v("xavier-normal", |c| c.init = I::XavierNormal, true),
            v("kaiming-normal", |c| c.init = I::KaimingNormal, true),
            v("orthogonal", |c| c.init = I::Orthogonal, false),
            v("xavier-uniform", |c| c.init = I::XavierUniform, false),
            v("kaiming-uniform", |c| c.init = I::KaimingUniform, false),
        ],
    ),
    (
        "optimizer",
        &[
            v("adam 1e-4", |_| {}, true),
            v("sgd 0.05", |c| (c.optimizer.kind, c.optimizer.lr) = (O::Sgd, 0.05), true),
            v("momentum 0.01", |c| (c.optimizer.kind, c.optimizer.lr) = (O::Momentum, 0.01), true),
            v("adagrad 0.01", |c| (c.optimizer.kind, c.optimizer.lr) = (O::Adagrad, 0.01), true),
            v("rmsprop 1e-4", |c| (c.optimizer.kind, c.optimizer.lr) = (O::Rmsprop, 1e-4), false),
            v("nesterov 0.01", |c| (c.optimizer.kind, c.optimizer.lr) = (O::Nesterov, 0.01), false),
            v(
                "adamw 1e-4",
                |c| (c.optimizer.kind, c.optimizer.lr, c.optimizer.weight_decay) = (O::Adamw, 1e-4, 0.01),
                false,
            ),
        ],
    ),
];
