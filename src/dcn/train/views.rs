//! What the DCN shows in TensorBoard beyond part (b)'s monitoring, as PyTorch's TensorBoard tutorial
//! does: the model's graph and a Custom Scalars layout (once, at the start), a precision-recall curve
//! per digit (at every evaluation, computed with it) and fc1's activations in the Projector (at the
//! end). None of it runs in an ordinary training step.
use crate::dcn::graph::graph;
use crate::dcn::mnist::Split;
use crate::dcn::model::Dcn;
use crate::dcn::train::evaluate::Evaluation;
use crate::dcn::train::host;
use crate::run::Run;
use crate::tensorboard::tags;
use anyhow::Result;
use tch::{Kind, Tensor};
use tensorboard_writer::summary::pr_curve::pr_curve_raw;
use tensorboard_writer::{ChartSpec, Metadata, Sprite};

/// The graph and the Custom Scalars layout: validation and test error on one chart, and their
/// accuracies, and the gradient norms of the four layers.
pub fn log_start(run: &mut Run, net: &Dcn) -> Result<()> {
    run.summary.add_graph(&graph(net))?;
    let chart = |title: &str, tags: &[&str]| ChartSpec::Multiline {
        title: title.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
    };
    let layout = vec![(
        "validation and test".to_string(),
        vec![
            chart("error", &[tags::VALIDATION_ERROR, tags::TEST_ERROR]),
            chart("accuracy", &[tags::VALIDATION_ACCURACY, tags::TEST_ACCURACY]),
            chart("gradient norms", &[&tags::health(".*", "gradient_norm")]),
        ],
    )];
    Ok(run.summary.add_custom_scalars(&layout)?)
}

/// One PR curve per digit, in one event.
pub fn log_pr_curves(run: &mut Run, e: &Evaluation, step: i64) -> Result<()> {
    let values = e
        .pr_curves
        .iter()
        .enumerate()
        .map(|(digit, rows)| pr_curve_raw(&tags::pr_curve(digit), rows))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(run.summary.add_summary(values, step)?)
}

/// fc1's activations of the first `n` test images (eval mode), labelled with the true and the
/// predicted digit, each point drawn as its digit: one read back.
pub fn log_embedding(run: &mut Run, net: &Dcn, test: &Split, n: i64, step: i64) -> Result<()> {
    let n = n.min(test.len());
    if n == 0 {
        return Ok(());
    }
    let images = test.images.narrow(0, 0, n);
    let (fc1, pred) = tch::no_grad(|| {
        let p = net.forward_probe(&images, false);
        (p.activations[2].flatten(1, -1), p.logits.argmax(-1, false))
    });
    let dim = fc1.size()[1] as usize;
    let parts = [
        fc1.to_kind(Kind::Double).flatten(0, -1),
        pred.to_kind(Kind::Double),
        test.labels.narrow(0, 0, n).to_kind(Kind::Double),
        images.to_kind(Kind::Double).flatten(0, -1),
    ];
    let v = host::read_f64(&Tensor::cat(&parts, 0), "fc1's activations")?;
    let (n, m) = (n as usize, n as usize * dim);
    let mat: Vec<f32> = v[..m].iter().map(|&x| x as f32).collect();
    let rows: Vec<Vec<String>> =
        (0..n).map(|i| vec![format!("{}", v[m + n + i] as i64), format!("{}", v[m + i] as i64)]).collect();
    let pixels: Vec<f32> = v[m + 2 * n..].iter().map(|&x| x as f32).collect();
    let header = ["label".to_string(), "predicted".to_string()];
    let metadata = Metadata::Table { header: &header, rows: &rows };
    let sprite = Sprite { pixels: &pixels, shape: [n, 1, 28, 28] };
    Ok(run.summary.add_embedding(&mat, dim, Some(metadata), Some(sprite), step, tags::EMBEDDING)?)
}
