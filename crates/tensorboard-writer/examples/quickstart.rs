//! Every kind of summary from plain slices, no libtorch needed:
//! `cargo run -p tensorboard-writer --example quickstart -- /tmp/tb-quickstart`, then
//! `tensorboard --logdir /tmp/tb-quickstart`.
use tensorboard_writer::{
    ChartSpec, DataFormat, Graph, HParamValue, Mesh, Metadata, Node, Sprite, Step, SummaryWriter,
};

fn main() -> Result<(), tensorboard_writer::Error> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "runs/quickstart".into());
    let mut w = SummaryWriter::new(&dir)?;
    // Scalars, and two series on one chart (Custom Scalars) and with add_scalars.
    for step in 0..50 {
        let t = step as f64;
        w.add_scalar("loss/train", (-t / 20.0).exp(), step)?;
        w.add_scalar("loss/validation", (-t / 25.0).exp() + 0.05, step)?;
        w.add_scalars("lr", &[("constant", 0.1), ("decayed", 0.1 * 0.95f64.powf(t))], step)?;
    }
    w.add_custom_scalars(&vec![(
        "losses".to_string(),
        vec![ChartSpec::Multiline { title: "train and validation".into(), tags: vec!["loss/.*".into()] }],
    )])?;
    // Histograms drifting to the right.
    for step in 0..5 {
        let values: Vec<f64> = (0..1000).map(|i| (i as f64 / 100.0).sin() + step as f64 * 0.5).collect();
        w.add_histogram("weights", &values, step)?;
    }
    // An image (a gradient, CHW floats) and a batch of four in one grid.
    let (h, wd) = (32, 48);
    let img: Vec<f32> = (0..3 * h * wd).map(|i| (i % (h * wd)) as f32 / (h * wd) as f32).collect();
    w.add_image("gradient", &img, &[3, h, wd], DataFormat::Chw, 0)?;
    let batch: Vec<u8> = (0..4 * h * wd).map(|i| (i * 7 % 256) as u8).collect();
    w.add_images("batch", &batch, &[4, 1, h, wd], DataFormat::Nchw, 0)?;
    w.add_text("notes", "**Markdown** works: *every* tab of TensorBoard.", 0)?;
    // The model graph, grouped by layer.
    let mut g = Graph::new();
    g.add(Node::new("input", "Placeholder").shape(&[-1, 4]))
        .add(Node::new("dense/weight", "Parameter").shape(&[4, 3]))
        .add(Node::new("dense/MatMul", "MatMul").inputs(&["input", "dense/weight"]).shape(&[-1, 3]))
        .add(Node::new("dense/Relu", "Relu").inputs(&["dense/MatMul"]).shape(&[-1, 3]))
        .add(Node::new("output", "Identity").inputs(&["dense/Relu"]).shape(&[-1, 3]));
    w.add_graph(&g)?;
    // Embeddings of 100 points on two spirals, labelled, with thumbnails.
    let n = 100;
    let mat: Vec<f32> = (0..n)
        .flat_map(|i| {
            let (t, c) = (i as f32 / 10.0, (i % 2) as f32);
            [t.cos() * t * (1.0 - 2.0 * c), t.sin() * t, c]
        })
        .collect();
    let labels: Vec<String> = (0..n).map(|i| format!("spiral {}", i % 2)).collect();
    let thumbs: Vec<f32> = (0..n * 8 * 8).map(|k| ((k / 64) % 2) as f32).collect();
    let sprite = Sprite { pixels: &thumbs, shape: [n, 1, 8, 8] };
    w.add_embedding(&mat, 3, Some(Metadata::Labels(&labels)), Some(sprite), 0, "spirals")?;
    // A PR curve that improves.
    for step in 0..3 {
        let labels: Vec<bool> = (0..200).map(|i| i % 2 == 0).collect();
        let preds: Vec<f32> = (0..200)
            .map(|i| {
                let noise = ((i * 37 % 100) as f32) / 100.0;
                let signal = if i % 2 == 0 { 1.0 } else { 0.0 };
                (signal * (0.3 + 0.3 * step as f32) + noise * (1.0 - 0.3 * step as f32)).clamp(0.0, 1.0)
            })
            .collect();
        w.add_pr_curve("pr/even", &labels, &preds, step)?;
    }
    // Audio (a 440 Hz tone, one second), a video (a dot moving across 8 frames), boxes on an image
    // and a mesh (a tetrahedron), each in its own tab; a scalar logged with a wall time of its own.
    let tone: Vec<f32> =
        (0..8000).map(|i| (i as f32 * 440.0 * std::f32::consts::TAU / 8000.0).sin() * 0.5).collect();
    w.add_audio("tone", &tone, 8000, 0)?;
    let (fh, fw) = (16, 16);
    let frames: Vec<u8> = (0..8)
        .flat_map(|t| {
            (0..3)
                .flat_map(move |c| (0..fh * fw).map(move |p| if p % fw == t * 2 && c == 0 { 255 } else { 0 }))
        })
        .collect();
    w.add_video("moving_dot", &frames, &[1, 8, 3, fh, fw], 4, 0)?;
    let grey: Vec<f32> = (0..h * wd).map(|p| (p % wd) as f32 / wd as f32).collect();
    w.add_image_with_boxes("boxes", &grey, &[h, wd], DataFormat::Hw, &[[4.0, 4.0, 20.0, 16.0]], 0)?;
    let vertices = [[1.0f32, 1.0, 1.0], [-1.0, -1.0, 1.0], [-1.0, 1.0, -1.0], [1.0, -1.0, -1.0]];
    let colors = [[255u8, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0]];
    let faces = [[0u32, 1, 2], [0, 3, 1], [0, 2, 3], [1, 3, 2]];
    w.add_mesh("tetrahedron", &Mesh::new(&vertices).colors(&colors).faces(&faces), 0)?;
    w.add_scalar("replayed", 1.0, Step::at(0, 1_700_000_000.0))?;
    w.add_hparams(
        &[("lr", HParamValue::from(0.1)), ("optimizer", "sgd".into())],
        &[("hparam/loss", 0.05)],
        Some("hparams"),
    )?;
    w.close()?;
    println!("wrote {dir}: tensorboard --logdir {dir}");
    Ok(())
}
