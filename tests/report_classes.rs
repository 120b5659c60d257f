//! The report's per-digit table and fc1 projection, from what a real DCN run logged: its PR curves
//! and its Projector embedding.
mod common;
use nnlab::report::classes::{per_class, projection};
use std::process::Stdio;
use tensorboard_writer::record::read_dir_events;

#[test]
fn per_digit_precision_recall_and_the_fc1_projection_come_from_a_real_run() {
    let runs = tempfile::tempdir().unwrap();
    let out = common::dcn(runs.path(), 60, &["--eval-every", "30", "--embedding-samples", "200"])
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dir = common::only_run(runs.path(), "mnist_dcn");
    let rows = per_class(&read_dir_events(&dir).unwrap()).expect("ten PR curves");
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), (0..10).collect::<Vec<_>>());
    for &(d, p, r, ap) in &rows {
        assert!([p, r, ap].iter().all(|v| (0.0..=1.0).contains(v)), "digit {d}: {p} {r} {ap}");
    }
    let mean_ap = rows.iter().map(|r| r.3).sum::<f64>() / 10.0;
    assert!(mean_ap > 0.5, "60 iterations already rank digits well: mean AP {mean_ap}");
    let png = runs.path().join("projection.png");
    let share = projection(&dir, &png).unwrap().expect("an embedding");
    assert!(share > 0.0 && share <= 1.0, "{share}");
    let bytes = std::fs::read(&png).unwrap();
    assert!(tensorboard_writer::summary::image::png_header(&bytes).is_some_and(|(w, _, _)| w >= 600));
}
