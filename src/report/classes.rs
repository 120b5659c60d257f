//! What the DCN learned, per digit: precision, recall and average precision at the last evaluation,
//! read from the PR curves the run logged (`pr_test/digit_N`), and a 2-D projection of fc1's
//! activations (the Projector's embedding) coloured by digit.
use crate::data::LabeledData;
use crate::fs::open::read_own_text;
use crate::plot::boundary::{draw_panels, panels_size, Panel};
use crate::plot::png_file;
use crate::tensorboard::tags;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use tch::{Kind, Tensor};
use tensorboard_writer::proto::{value, Event};
use tensorboard_writer::record::values;

/// One digit's row: (digit, precision at 0.5, recall at 0.5, average precision).
pub type ClassRow = (usize, f64, f64, f64);

/// The last PR curve of each digit: precision and recall at the threshold 0.5, and the average
/// precision Σ (Rᵢ − Rᵢ₊₁)·Pᵢ over the thresholds. None if the run logged no PR curves.
pub fn per_class(events: &[Event]) -> Option<Vec<ClassRow>> {
    (0..10)
        .map(|d| {
            let tag = tags::pr_curve(d);
            let rows = values(events, &tag).filter_map(|(_, k)| match k {
                value::Kind::Tensor(t) => Some(&t.float_val),
                _ => None,
            });
            let v = rows.last()?;
            let n = v.len() / 6;
            if n < 2 {
                return None;
            }
            let (p, r) = (&v[4 * n..5 * n], &v[5 * n..6 * n]);
            let half = (n - 1) / 2;
            let ap: f64 = (0..n - 1).map(|i| (r[i] - r[i + 1]) as f64 * p[i] as f64).sum::<f64>()
                + r[n - 1] as f64 * p[n - 1] as f64;
            Some((d, p[half] as f64, r[half] as f64, ap))
        })
        .collect()
}

/// The embedding files of the run in `dir`: `<step>/fc1_activations/{tensors,metadata}.tsv`.
fn embedding_dir(dir: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path().join(tags::EMBEDDING))
        .filter(|p| p.join("tensors.tsv").is_file())
        .collect();
    found.sort();
    found.pop()
}

/// fc1's activations projected on their first two principal components, drawn as points coloured
/// by the true digit, into `out`. Returns the share of the variance the two components hold, or
/// None if the run has no embedding.
pub fn projection(run_dir: &Path, out: &Path) -> Result<Option<f64>> {
    let Some(dir) = embedding_dir(run_dir) else { return Ok(None) };
    let text = read_own_text(&dir.join("tensors.tsv")).context("reading the embedding")?;
    let rows: Vec<Vec<f64>> = text
        .lines()
        .map(|l| l.split('\t').map(|v| v.parse::<f64>()).collect::<Result<_, _>>())
        .collect::<Result<_, _>>()
        .context("parsing the embedding")?;
    let meta = read_own_text(&dir.join("metadata.tsv")).context("reading the embedding's labels")?;
    let labels: Vec<i64> =
        meta.lines().skip(1).map(|l| l.split('\t').next().unwrap_or("").parse()).collect::<Result<_, _>>()?;
    let (n, d) = (rows.len(), rows.first().map_or(0, Vec::len));
    if n < 3 || labels.len() != n || rows.iter().any(|r| r.len() != d) {
        bail!("{}: {n} rows and {} labels", dir.display(), labels.len());
    }
    let x = Tensor::from_slice(&rows.concat()).view([n as i64, d as i64]);
    let x = &x - x.mean_dim(0, true, Kind::Double);
    let (_, s, v) = x.f_svd(true, true)?;
    let xy = x.f_matmul(&v.narrow(1, 0, 2))?;
    let var = s.square();
    let share = f64::try_from(var.narrow(0, 0, 2).sum(Kind::Double) / var.sum(Kind::Double))?;
    let y = Tensor::from_slice(&labels);
    let data = LabeledData { y_onehot: y.one_hot(10).to_kind(Kind::Double), x: xy, y, num_classes: 10 };
    let panel =
        Panel { title: "fc1 activations, first two principal components".into(), data: &data, grid: None };
    png_file(out, panels_size(1, 1, 640)?, |root| draw_panels(root, &[panel], 1))?;
    Ok(Some(share))
}

/// The report's "what the network learned" for the run in `dir`: the per-digit table and the
/// projection, where the run logged them (runs from before PR curves and embeddings were logged
/// have neither, and the section is left out).
pub fn write(
    doc: &mut crate::report::doc::Doc,
    events: &[Event],
    dir: &Path,
    figure: (&Path, &str),
) -> Result<()> {
    let Some(rows) = per_class(events) else { return Ok(()) };
    doc.h3("What the network learned, digit by digit");
    let cells = rows
        .iter()
        .map(|&(d, p, r, ap)| {
            vec![
                d.to_string(),
                format!("{:.2}", 100.0 * p),
                format!("{:.2}", 100.0 * r),
                format!("{:.4}", ap),
            ]
        })
        .collect();
    let worst = rows.iter().min_by(|a, b| a.3.total_cmp(&b.3)).expect("ten rows");
    doc.table(
        &["digit", "precision (%)", "recall (%)", "average precision"],
        cells,
        "Each digit against the rest on the test set at the last evaluation, from the run's PR curves \
         (pr_test/digit_N in TensorBoard): precision and recall at the softmax threshold 0.5, and the \
         area under the precision-recall curve.",
    );
    doc.para(format!(
        "The lowest average precision is that of digit {} ({:.4}); the mean over the ten digits is {:.4}.",
        worst.0,
        worst.3,
        rows.iter().map(|r| r.3).sum::<f64>() / rows.len() as f64
    ));
    if let Some(share) = projection(dir, figure.0)? {
        doc.figure(
            figure.1,
            format!(
                "fc1's 1,024 activations of the first test images (the Projector's embedding in \
                 TensorBoard), projected on their first two principal components ({:.0}% of the \
                 variance), each point coloured by its true digit.",
                100.0 * share
            ),
            0.6,
        );
    }
    Ok(())
}
