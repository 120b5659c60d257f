//! Bad input gives a typed [`Error::InvalidArgument`], never a panic, and writes nothing; a closed
//! writer refuses every call.
mod common;

use common::{invalid, read, scalars};
use tensorboard_writer::proto::HistogramProto;
use tensorboard_writer::{DataFormat, Error, Graph, Metadata, Node, Sprite, SummaryWriter};

#[test]
fn bad_input_is_an_invalid_argument_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    // Histograms.
    invalid(w.add_histogram::<f32>("h", &[], 0), "empty histogram");
    assert!(invalid(w.add_histogram("h", &[1.0, f64::NAN], 0), "NaN").contains("NaN"));
    invalid(w.add_histogram("h", &[f32::INFINITY], 0), "inf");
    invalid(w.add_histogram("h", &[1e39f64], 0), "beyond f32");
    for (l, c) in [(f64::NAN, 1.0), (1.0, -1.0), (1.0, f64::NAN)] {
        let raw = HistogramProto { bucket_limit: vec![0.0, l], bucket: vec![1.0, c], ..Default::default() };
        invalid(w.add_histogram_raw("h", raw, 0), "raw: NaN limit, negative or NaN count");
    }
    let raw = HistogramProto { bucket_limit: vec![1.0, 2.0], bucket: vec![1.0], ..Default::default() };
    invalid(w.add_histogram_raw("h", raw, 0), "raw: counts and limits differ");
    let raw = HistogramProto { bucket_limit: vec![2.0, 1.0], bucket: vec![1.0, 1.0], ..Default::default() };
    invalid(w.add_histogram_raw("h", raw, 0), "raw: decreasing limits");
    invalid(w.add_histogram_raw("h", HistogramProto::default(), 0), "raw: no buckets");
    // Images.
    invalid(w.add_image("i", &[0u8; 11], &[3, 2, 2], DataFormat::Chw, 0), "shape mismatch");
    invalid(w.add_image("i", &[0u8; 12], &[2, 2, 3], DataFormat::Chw, 0), "2 channels");
    invalid(w.add_image("i", &[0u8; 12], &[3, 4], DataFormat::Chw, 0), "wrong rank");
    invalid(w.add_image::<u8>("i", &[], &[3, 0, 2], DataFormat::Chw, 0), "zero size");
    invalid(w.add_image("i", &[0u8; 4], &[usize::MAX, 2, 2, 1], DataFormat::Nhwc, 0), "overflowing shape");
    invalid(w.add_images("i", &[0u8; 12], &[3, 2, 2], DataFormat::Chw, 0), "add_images of one CHW image");
    invalid(w.add_figure("f", b"GIF89a not a png at all....".to_vec(), 0), "figure not a PNG");
    let png = [&b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"[..], &[0x80, 0, 0, 0, 0, 0, 0, 1, 8, 6]].concat();
    invalid(w.add_figure("f", png, 0), "figure wider than i32::MAX");
    invalid(SummaryWriter::new("").map(|_| ()), "empty log_dir");
    // PR curves.
    invalid(w.add_pr_curve("p", &[true, false], &[0.5, 1.5], 0), "prediction above 1");
    invalid(w.add_pr_curve("p", &[true, false], &[-0.1, 0.5], 0), "prediction below 0");
    invalid(w.add_pr_curve("p", &[true], &[f32::NAN], 0), "NaN prediction");
    invalid(w.add_pr_curve("p", &[true, false], &[0.5], 0), "labels and predictions differ");
    invalid(w.add_pr_curve_with("p", &[true], &[0.5], Some(&[1.0, 2.0]), 3, 0), "weights differ");
    invalid(w.add_pr_curve_with("p", &[true], &[0.5], None, 1, 0), "1 threshold");
    invalid(w.add_pr_curve_with("p", &[true], &[0.5], None, 0, 0), "0 thresholds");
    invalid(w.add_pr_curve_with("p", &[true], &[0.5], None, 10_001, 0), "10,001 thresholds");
    let short = [vec![1.0; 3], vec![1.0; 3], vec![1.0; 3], vec![1.0; 3], vec![1.0; 3], vec![1.0; 2]];
    invalid(w.add_pr_curve_raw("p", &short, 0), "raw rows of different lengths");
    let one = [vec![1.0], vec![1.0], vec![1.0], vec![1.0], vec![1.0], vec![1.0]];
    invalid(w.add_pr_curve_raw("p", &one, 0), "raw curve of one threshold");
    for bad in [f32::NAN, f32::INFINITY, -1.0] {
        invalid(w.add_pr_curve_with("p", &[true, false], &[0.5, 0.5], Some(&[1.0, bad]), 3, 0), "bad weight");
    }
    for (r, bad) in [(0, f64::NAN), (2, -1.0), (5, f64::INFINITY)] {
        let mut rows = [vec![1.0; 3], vec![1.0; 3], vec![1.0; 3], vec![1.0; 3], vec![1.0; 3], vec![1.0; 3]];
        rows[r][1] = bad;
        invalid(w.add_pr_curve_raw("p", &rows, 0), "raw NaN, negative count, inf");
    }
    // Graphs.
    let mut g = Graph::new();
    g.add(Node::new("a", "Placeholder")).add(Node::new("b", "Relu").inputs(&["missing"]));
    assert!(invalid(w.add_graph(&g), "dangling input").contains("missing"));
    let mut g = Graph::new();
    g.add(Node::new("b", "Relu").inputs(&["a"])).add(Node::new("a", "Placeholder"));
    invalid(w.add_graph(&g), "input defined later");
    let mut g = Graph::new();
    g.add(Node::new("a", "Placeholder")).add(Node::new("a", "Relu"));
    invalid(w.add_graph(&g), "duplicate name");
    let mut g = Graph::new();
    g.add(Node::new("a", ""));
    invalid(w.add_graph(&g), "no op");
    let mut g = Graph::new();
    g.add(Node::new("", "Relu"));
    invalid(w.add_graph(&g), "no name");
    let mut g = Graph::new();
    g.add(Node::new("layer/", "Relu"));
    invalid(w.add_graph(&g), "name ending in /");
    // Embeddings.
    invalid(w.add_embedding::<f32>(&[1.0, 2.0, 3.0], 2, None, None, 0, "e"), "rows of 2 from 3 values");
    invalid(w.add_embedding::<f32>(&[1.0, 2.0], 0, None, None, 0, "e"), "dim 0");
    invalid(w.add_embedding::<f32>(&[], 2, None, None, 0, "e"), "empty");
    invalid(w.add_embedding::<f32>(&[1.0, f32::NAN], 1, None, None, 0, "e"), "NaN in embedding");
    let labels = vec!["a".to_string()];
    invalid(
        w.add_embedding::<f32>(&[1.0, 2.0], 1, Some(Metadata::Labels(&labels)), None, 0, "e"),
        "labels for 1 of 2",
    );
    let header = ["x".to_string(), "y".to_string()];
    let rows = vec![vec!["1".to_string()], vec!["2".to_string(), "3".to_string()]];
    invalid(
        w.add_embedding::<f32>(
            &[1.0, 2.0],
            1,
            Some(Metadata::Table { header: &header, rows: &rows }),
            None,
            0,
            "e",
        ),
        "short row",
    );
    let px = [0u8; 2 * 4];
    invalid(
        w.add_embedding(&[1.0, 2.0], 1, None, Some(Sprite { pixels: &px[..7], shape: [2, 1, 2, 2] }), 0, "e"),
        "sprite pixels",
    );
    invalid(
        w.add_embedding(&[1.0, 2.0, 3.0], 1, None, Some(Sprite { pixels: &px, shape: [2, 1, 2, 2] }), 0, "e"),
        "sprite count",
    );
    let big = vec![0u8; 4 * 5000 * 5000];
    invalid(
        w.add_embedding(&[1.0; 4], 1, None, Some(Sprite { pixels: &big, shape: [4, 1, 5000, 5000] }), 0, "e"),
        "sprite > 8192 px",
    );
    // Shapes whose products overflow, 2 channels, zero sizes: refused, and no directory made.
    for shape in
        [[4, 1, usize::MAX / 2, 1], [1, 1, usize::MAX, 2], [1, 2, 2, 2], [1, 1, 0, 2], [1, usize::MAX, 1, 1]]
    {
        let s = Sprite { pixels: &px, shape };
        invalid(w.add_embedding(&[1.0; 4][..shape[0]], 1, None, Some(s), 0, "e"), "sprite shape");
    }
    let one_col = ["x".to_string()];
    let rows = vec![vec!["1".to_string()]];
    invalid(
        w.add_embedding::<f32>(
            &[1.0],
            1,
            Some(Metadata::Table { header: &one_col, rows: &rows }),
            None,
            0,
            "e",
        ),
        "1-column table",
    );
    invalid(w.add_embedding::<f32>(&[1.0], 1, None, None, -5, "e"), "negative step");
    // Hparams run names must stay inside the log directory; suffixes must be file names.
    invalid(w.add_hparams(&[], &[], Some("../escape")), "run name ..");
    invalid(w.add_hparams(&[], &[], Some("/abs")), "absolute run name");
    invalid(w.add_hparams(&[], &[], Some("")), "empty run name");
    for name in [".", "a/./b", "a/", "a//b", "a/.."] {
        invalid(w.add_hparams(&[], &[], Some(name)), "run name with an empty, . or .. component");
    }
    invalid(w.add_hparams(&[("lr", 1.into()), ("lr", 2.into())], &[], Some("dup")), "duplicate hparam");
    invalid(w.add_hparams(&[], &[("m", 1.0), ("m", 2.0)], Some("dup")), "duplicate metric");
    for tag in ["x/..", "a//b", "a/", "x/./y"] {
        invalid(w.add_scalars("m", &[(tag, 1.0)], 0), "add_scalars run leaving its directory");
    }
    for suffix in ["a/b", "a\\b", "a\0b"] {
        invalid(
            SummaryWriter::builder(dir.path().join("x")).filename_suffix(suffix).build().map(|_| ()),
            &format!("suffix {suffix:?}"),
        );
    }

    // None of it reached the file, and the writer still works.
    w.add_scalar("ok", 1.0, 1).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(scalars(&events, "ok"), [(1, 1.0)]);
    // No projector files or run directories either: only the event file.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_closed_writer_refuses_every_call() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_scalars("s", &[("a", 1.0)], 0).unwrap();
    w.close().unwrap();
    assert!(matches!(w.add_scalar("x", 1.0, 0), Err(Error::Closed(_))));
    assert!(matches!(w.add_histogram("x", &[1.0f32], 0), Err(Error::Closed(_))));
    assert!(matches!(w.add_text("x", "t", 0), Err(Error::Closed(_))));
    assert!(matches!(w.add_scalars("s", &[("a", 1.0)], 1), Err(Error::Closed(_))));
    assert!(matches!(w.add_scalars("s", &[("new", 1.0)], 1), Err(Error::Closed(_))));
    assert!(matches!(w.add_hparams(&[], &[("m", 1.0)], Some("hp")), Err(Error::Closed(_))));
    assert!(matches!(w.add_embedding::<f32>(&[1.0], 1, None, None, 0, "e"), Err(Error::Closed(_))));
    assert!(matches!(w.flush(), Err(Error::Closed(_))));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "only the event file and s_a");
    let mut g = Graph::new();
    g.add(Node::new("a", "Placeholder"));
    assert!(matches!(w.add_graph(&g), Err(Error::Closed(_))));
    // Closing twice is harmless.
    w.close().unwrap();
    let e = w.add_scalar("x", 1.0, 0).unwrap_err();
    assert!(e.to_string().contains("closed"), "{e}");
    assert_eq!(read(dir.path()).len(), 1);
    assert_eq!(read(&dir.path().join("s_a")).len(), 2);
}

#[test]
fn add_scalars_runs_never_merge() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_scalars("m", &[("x/y", 1.0), ("x_y", 2.0)], 0).unwrap(); // as PyTorch: m_x/y and m_x_y
    invalid(w.add_scalars("m/x", &[("y", 3.0)], 0), "m/x + y clashes with m + x_y");
    invalid(w.add_scalars("n", &[("a", 1.0), ("b/..", 2.0)], 0), "one bad tag: nothing written");
    w.add_hparams(&[("x", 1.into())], &[("x", 1.0)], Some("a..b")).unwrap(); // ".." only as a component
    w.close().unwrap();
    assert_eq!(scalars(&read(&dir.path().join("a..b")), "x"), [(0, 1.0)]);
    assert_eq!(scalars(&read(&dir.path().join("m_x/y")), "m"), [(0, 1.0)]);
    assert_eq!(scalars(&read(&dir.path().join("m_x_y")), "m"), [(0, 2.0)]);
    assert!(!dir.path().join("n_a").exists());
}
