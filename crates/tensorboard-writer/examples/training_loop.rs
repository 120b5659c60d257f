//! A small tch training loop that logs every kind of summary (feature `tch`):
//! `cargo run --release -p tensorboard-writer --features tch --example training_loop -- /tmp/tb-tch`,
//! then `tensorboard --logdir /tmp/tb-tch`.
//!
//! The data are synthetic "digits" (no download): ten random 8 × 8 prototypes, each example one of
//! them with noise. A two-layer MLP (64 → 32 → 10) learns them in a few hundred Adam steps, a few
//! seconds on a CPU. Logged:
//! - Scalars: training loss every 10 steps, validation loss and error at every evaluation, and the
//!   two losses on one Custom Scalars chart;
//! - Histograms of every parameter (computed on the tensor's device: `add_histogram_tensor`);
//! - Images: a batch of inputs (`add_image_tensor`) and the confusion matrix at the end;
//! - Text, HParams (the run's hyperparameters and final metrics), the model's Graph;
//! - Projector: the hidden layer's activations of 200 validation examples, labelled, with a
//!   sprite of their images;
//! - PR curves: one per class at every evaluation (`add_pr_curve_tensor`, counted on the device).
use tch::nn::{self, Module, OptimizerConfig};
use tch::{Device, Kind, Tensor};
use tensorboard_writer::{ChartSpec, DataFormat, Graph, HParamValue, Metadata, Node, Sprite, SummaryWriter};

const CLASSES: i64 = 10;
const SIDE: i64 = 8;
const INPUT: i64 = SIDE * SIDE;
const HIDDEN: i64 = 32;
const STEPS: i64 = 300;
const BATCH: i64 = 64;
const LR: f64 = 3e-3;
const EVAL_EVERY: i64 = 50;

/// `n` noisy examples of the prototypes: ([n, 64] floats in [0, 1], [n] labels).
fn digits(prototypes: &Tensor, n: i64, device: Device) -> (Tensor, Tensor) {
    let labels = Tensor::randint(CLASSES, [n], (Kind::Int64, device));
    let clean = prototypes.index_select(0, &labels);
    // Faint prototypes under strong noise, so the classes overlap and the curves have something to show.
    let noise = Tensor::randn([n, INPUT], (Kind::Float, device)) * 0.45;
    let x = (clean * 0.3 + 0.35 + noise).clamp(0.0, 1.0);
    (x, labels)
}

/// The model's graph, from its own definition: one box per layer, tensor shapes on the edges.
fn model_graph() -> Graph {
    let mut g = Graph::new();
    g.add(Node::new("input", "Placeholder").shape(&[-1, INPUT]))
        .add(Node::new("fc1/weight", "Parameter").shape(&[HIDDEN, INPUT]))
        .add(Node::new("fc1/bias", "Parameter").shape(&[HIDDEN]))
        .add(
            Node::new("fc1/Linear", "Linear")
                .inputs(&["input", "fc1/weight", "fc1/bias"])
                .shape(&[-1, HIDDEN]),
        )
        .add(Node::new("fc1/Relu", "Relu").inputs(&["fc1/Linear"]).shape(&[-1, HIDDEN]))
        .add(Node::new("fc2/weight", "Parameter").shape(&[CLASSES, HIDDEN]))
        .add(Node::new("fc2/bias", "Parameter").shape(&[CLASSES]))
        .add(
            Node::new("fc2/Linear", "Linear")
                .inputs(&["fc1/Relu", "fc2/weight", "fc2/bias"])
                .shape(&[-1, CLASSES]),
        )
        .add(
            Node::new("loss/CrossEntropy", "CrossEntropyLoss")
                .inputs(&["fc2/Linear"])
                .shape(&[])
                .attr("reduction", "mean"),
        );
    g
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "runs/training_loop".into());
    let device = Device::Cpu;
    tch::manual_seed(0);
    let prototypes = Tensor::rand([CLASSES, INPUT], (Kind::Float, device)).ge(0.5).to_kind(Kind::Float);
    let (train_x, train_y) = digits(&prototypes, 2000, device);
    let (val_x, val_y) = digits(&prototypes, 500, device);

    let vs = nn::VarStore::new(device);
    let root = vs.root();
    let fc1 = nn::linear(&root / "fc1", INPUT, HIDDEN, Default::default());
    let fc2 = nn::linear(&root / "fc2", HIDDEN, CLASSES, Default::default());
    let hidden = |x: &Tensor| x.apply(&fc1).relu();
    let model = |x: &Tensor| fc2.forward(&hidden(x));
    let mut opt = nn::Adam::default().build(&vs, LR)?;

    let mut w = SummaryWriter::new(&dir)?;
    w.add_text(
        "about",
        &format!(
            "Two-layer MLP ({INPUT} → {HIDDEN} → {CLASSES}) on synthetic 8 × 8 digits: {STEPS} Adam steps, \
             batch {BATCH}, learning rate {LR}."
        ),
        0,
    )?;
    w.add_graph(&model_graph())?;
    // The first 16 training inputs, as one grid.
    w.add_image_tensor("inputs", &train_x.narrow(0, 0, 16).view([16, 1, SIDE, SIDE]), DataFormat::Nchw, 0)?;
    w.add_custom_scalars(&vec![(
        "training".into(),
        vec![
            ChartSpec::Multiline { title: "loss: train and validation".into(), tags: vec!["loss/.*".into()] },
            ChartSpec::Multiline { title: "validation error".into(), tags: vec!["error/validation".into()] },
        ],
    )])?;

    let mut last = (f64::NAN, f64::NAN);
    for step in 0..=STEPS {
        let idx = Tensor::randint(train_x.size()[0], [BATCH], (Kind::Int64, device));
        let loss =
            model(&train_x.index_select(0, &idx)).cross_entropy_for_logits(&train_y.index_select(0, &idx));
        opt.backward_step(&loss);
        if step % 10 == 0 {
            w.add_scalar("loss/train", loss.double_value(&[]), step)?;
        }
        if step % EVAL_EVERY == 0 {
            let (val_loss, val_err) = tch::no_grad(|| -> Result<(f64, f64), Box<dyn std::error::Error>> {
                let logits = model(&val_x);
                let probs = logits.softmax(-1, Kind::Float);
                for k in 0..CLASSES {
                    w.add_pr_curve_tensor(
                        &format!("pr/class_{k}"),
                        &val_y.eq(k),
                        &probs.select(1, k),
                        127,
                        step,
                    )?;
                }
                Ok((
                    logits.cross_entropy_for_logits(&val_y).double_value(&[]),
                    1.0 - logits.accuracy_for_logits(&val_y).double_value(&[]),
                ))
            })?;
            w.add_scalar("loss/validation", val_loss, step)?;
            w.add_scalar("error/validation", val_err, step)?;
            for (name, t) in vs.variables() {
                w.add_histogram_tensor(&format!("params/{name}"), &t, step)?;
            }
            last = (val_loss, val_err);
            println!(
                "step {step:4}: train loss {:.4}, validation loss {val_loss:.4}, error {:.1}%",
                loss.double_value(&[]),
                100.0 * val_err
            );
        }
    }

    // At the end: the hidden layer's activations of 200 validation examples for the projector, and
    // the confusion matrix as an image (rows: true class, columns: predicted; brighter = more).
    tch::no_grad(|| -> Result<(), Box<dyn std::error::Error>> {
        let n = 200;
        let x = val_x.narrow(0, 0, n);
        let h = hidden(&x).contiguous();
        let mat = Vec::<f32>::try_from(h.flatten(0, -1))?;
        let labels: Vec<String> =
            Vec::<i64>::try_from(val_y.narrow(0, 0, n))?.iter().map(|l| format!("digit {l}")).collect();
        let thumbs = Vec::<f32>::try_from(x.contiguous().flatten(0, -1))?;
        let sprite = Sprite { pixels: &thumbs, shape: [n as usize, 1, SIDE as usize, SIDE as usize] };
        w.add_embedding(
            &mat,
            HIDDEN as usize,
            Some(Metadata::Labels(&labels)),
            Some(sprite),
            STEPS,
            "hidden/fc1",
        )?;

        let pred = model(&val_x).argmax(-1, false);
        let cells =
            (&val_y * CLASSES + pred).bincount::<Tensor>(None, CLASSES * CLASSES).to_kind(Kind::Float);
        let confusion = (&cells / cells.max().clamp_min(1.0)).view([CLASSES, CLASSES]);
        // Each cell 8 × 8 pixels, so the image is readable.
        let big = confusion.repeat_interleave_self_int(8, 0, None).repeat_interleave_self_int(8, 1, None);
        w.add_image_tensor("confusion", &big, DataFormat::Hw, STEPS)?;
        Ok(())
    })?;

    w.add_hparams(
        &[
            ("lr", HParamValue::from(LR)),
            ("hidden", HIDDEN.into()),
            ("batch", BATCH.into()),
            ("optimizer", "adam".into()),
        ],
        &[("hparam/validation_loss", last.0), ("hparam/validation_error", last.1)],
        Some("hparams"),
    )?;
    w.close()?;
    println!("wrote {dir}: tensorboard --logdir {dir}");
    Ok(())
}
