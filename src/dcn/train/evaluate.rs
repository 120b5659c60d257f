//! Validation and test error, the test set's confusion matrix, its first misclassified digits and
//! a precision-recall curve per digit: all computed on the device (eval mode: no dropout) and read
//! back in one transfer.
use crate::dcn::mnist::Split;
use crate::dcn::model::Dcn;
use crate::dcn::train::host;
use anyhow::Result;
use tch::nn::ModuleT;
use tch::{Kind, Tensor};
use tensorboard_writer::tensor::{pr_curve_rows, pr_curves_from_rows};

pub const CLASSES: usize = 10;
/// Misclassified test images kept per evaluation (for the TensorBoard image).
pub const SHOWN: usize = 16;
/// Thresholds of each PR curve (PyTorch's default).
pub const PR_THRESHOLDS: usize = 127;

pub struct Evaluation {
    pub validation_accuracy: f64,
    pub test_accuracy: f64,
    /// `confusion[true][predicted]`, test set.
    pub confusion: [[u32; CLASSES]; CLASSES],
    /// Up to [`SHOWN`] misclassified test images: pixels (28×28 in [0, 1]), predicted, true label.
    pub misclassified: Vec<(Vec<f32>, usize, usize)>,
    /// Per digit, test set, one-vs-rest on the softmax probability: TP, FP, TN, FN, precision,
    /// recall at [`PR_THRESHOLDS`] thresholds.
    pub pr_curves: Vec<[Vec<f64>; 6]>,
}

const CHUNK: i64 = 1000;

/// Logits of `split`, in chunks (no gradients, no dropout).
fn logits(net: &Dcn, split: &Split) -> Tensor {
    tch::no_grad(|| {
        let n = split.len();
        let chunks: Vec<Tensor> = (0..n)
            .step_by(CHUNK as usize)
            .map(|start| net.forward_t(&split.images.narrow(0, start, CHUNK.min(n - start)), false))
            .collect();
        Tensor::cat(&chunks, 0)
    })
}

pub fn evaluate(net: &Dcn, validation: &Split, test: &Split) -> Result<Evaluation> {
    let (n_val, n_test) = (validation.len(), test.len());
    let device = test.labels.device();
    let val_correct =
        logits(net, validation).argmax(-1, false).eq_tensor(&validation.labels).sum(Kind::Double);
    let test_logits = logits(net, test);
    let pred = test_logits.argmax(-1, false);
    let probs = test_logits.softmax(-1, Kind::Float);
    let digits: Vec<(Tensor, Tensor)> =
        (0..CLASSES as i64).map(|c| (test.labels.eq(c), probs.select(1, c))).collect();
    let pairs: Vec<(&Tensor, &Tensor)> = digits.iter().map(|(l, p)| (l, p)).collect();
    let pr_rows = tch::no_grad(|| pr_curve_rows(&pairs, PR_THRESHOLDS))?.flatten(0, -1);
    let right = pred.eq_tensor(&test.labels);
    let test_correct = right.sum(Kind::Double);
    let cells = (&test.labels * CLASSES as i64 + &pred).to_kind(Kind::Int64);
    let confusion = Tensor::zeros([(CLASSES * CLASSES) as i64], (Kind::Double, device)).index_add(
        0,
        &cells,
        &cells.ones_like().to_kind(Kind::Double),
    );
    // The first SHOWN misclassified images, found without reading anything back: a wrong answer at
    // index i scores n − i, a right one 0, and topk picks the highest scores.
    let k = (SHOWN as i64).min(n_test);
    let score = right.logical_not().to_kind(Kind::Double)
        * (Tensor::arange(n_test, (Kind::Double, device)).neg() + n_test as f64);
    let (top, idx) = score.topk(k, 0, true, true);
    let images = test.images.index_select(0, &idx).to_kind(Kind::Double).flatten(0, -1);
    let parts = [
        Tensor::stack(&[val_correct, test_correct], 0),
        confusion,
        top,
        pred.index_select(0, &idx).to_kind(Kind::Double),
        test.labels.index_select(0, &idx).to_kind(Kind::Double),
        images,
        pr_rows,
    ];
    let v = host::read_f64(&Tensor::cat(&parts, 0), "the evaluation")?;
    let mut matrix = [[0u32; CLASSES]; CLASSES];
    for (i, &c) in v[2..2 + CLASSES * CLASSES].iter().enumerate() {
        matrix[i / CLASSES][i % CLASSES] = c as u32;
    }
    let k = k as usize;
    let base = 2 + CLASSES * CLASSES;
    let pixels_end = base + 3 * k + k * 784;
    let (top, preds, labels, pixels) = (
        &v[base..base + k],
        &v[base + k..base + 2 * k],
        &v[base + 2 * k..base + 3 * k],
        &v[base + 3 * k..pixels_end],
    );
    let misclassified = (0..k)
        .filter(|&i| top[i] > 0.0)
        .map(|i| {
            (
                pixels[i * 784..(i + 1) * 784].iter().map(|&p| p as f32).collect(),
                preds[i] as usize,
                labels[i] as usize,
            )
        })
        .collect();
    Ok(Evaluation {
        validation_accuracy: v[0] / n_val as f64,
        test_accuracy: v[1] / n_test as f64,
        confusion: matrix,
        misclassified,
        pr_curves: pr_curves_from_rows(&v[pixels_end..], PR_THRESHOLDS)?,
    })
}
