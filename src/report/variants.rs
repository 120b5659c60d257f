//! Part (c)'s variants, each declared once: the quick and standard grids run those the assignment
//! names, the full grid all of them.
/// One part (c) variant: its name, the flags that set it (none for the default), and whether the
/// assignment names it.
pub struct Variant {
    pub name: &'static str,
    pub flags: &'static [&'static str],
    pub named: bool,
}

const fn v(name: &'static str, flags: &'static [&'static str], named: bool) -> Variant {
    Variant { name, flags, named }
}

/// The families of part (c); the first variant of each is the default configuration (ReLU, PyTorch's
/// default initialisation, Adam at lr 1e-4), one job shared by all three.
pub const FAMILIES: [(&str, &[Variant]); 3] = [
    (
        "activation",
        &[
            v("relu", &[], true),
            v("tanh", &["--activation", "tanh"], true),
            v("sigmoid", &["--activation", "sigmoid"], true),
            v("leaky-relu", &["--activation", "leaky-relu"], true),
            v("maxout", &["--activation", "maxout"], true),
            v("elu", &["--activation", "elu"], false),
        ],
    ),
    (
        "init",
        &[
            v("default", &[], true),
            v("xavier-normal", &["--init", "xavier-normal"], true),
            v("kaiming-normal", &["--init", "kaiming-normal"], true),
            v("orthogonal", &["--init", "orthogonal"], false),
            v("xavier-uniform", &["--init", "xavier-uniform"], false),
            v("kaiming-uniform", &["--init", "kaiming-uniform"], false),
        ],
    ),
    (
        "optimizer",
        &[
            v("adam 1e-4", &[], true),
            v("sgd 0.05", &["--optimizer", "sgd", "--lr", "0.05"], true),
            v("momentum 0.01", &["--optimizer", "momentum", "--lr", "0.01"], true),
            v("adagrad 0.01", &["--optimizer", "adagrad", "--lr", "0.01"], true),
            v("rmsprop 1e-4", &["--optimizer", "rmsprop", "--lr", "1e-4"], false),
            v("nesterov 0.01", &["--optimizer", "nesterov", "--lr", "0.01"], false),
            v("adamw 1e-4", &["--optimizer", "adamw", "--lr", "1e-4", "--weight-decay", "0.01"], false),
        ],
    ),
];
