//! Bad input and a hostile file system give typed errors, never panics, and never a torn file.
mod common;

use common::{read, scalars, whole_records};
use std::os::unix::fs::symlink;
use std::process::Command;
use tensorboard_writer::proto::HistogramProto;
use tensorboard_writer::{DataFormat, Error, Graph, Metadata, Node, Sprite, SummaryWriter};

fn invalid<T: std::fmt::Debug>(r: Result<T, Error>, what: &str) -> String {
    match r {
        Err(Error::InvalidArgument(m)) => {
            assert!(!m.is_empty(), "{what}: empty message");
            m
        }
        other => panic!("{what}: expected InvalidArgument, got {other:?}"),
    }
}

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
    invalid(w.add_embedding::<f32>(&[1.0, 2.0], 1, Some(Metadata::Labels(&labels)), None, 0, "e"), "labels for 1 of 2");
    let header = ["x".to_string(), "y".to_string()];
    let rows = vec![vec!["1".to_string()], vec!["2".to_string(), "3".to_string()]];
    invalid(w.add_embedding::<f32>(&[1.0, 2.0], 1, Some(Metadata::Table { header: &header, rows: &rows }), None, 0, "e"), "short row");
    let px = [0u8; 2 * 4];
    invalid(w.add_embedding(&[1.0, 2.0], 1, None, Some(Sprite { pixels: &px[..7], shape: [2, 1, 2, 2] }), 0, "e"), "sprite pixels");
    invalid(w.add_embedding(&[1.0, 2.0, 3.0], 1, None, Some(Sprite { pixels: &px, shape: [2, 1, 2, 2] }), 0, "e"), "sprite count");
    let big = vec![0u8; 4 * 5000 * 5000];
    invalid(w.add_embedding(&[1.0; 4], 1, None, Some(Sprite { pixels: &big, shape: [4, 1, 5000, 5000] }), 0, "e"), "sprite > 8192 px");
    // Shapes whose products overflow, 2 channels, zero sizes: refused, and no directory made.
    for shape in [[4, 1, usize::MAX / 2, 1], [1, 1, usize::MAX, 2], [1, 2, 2, 2], [1, 1, 0, 2], [1, usize::MAX, 1, 1]] {
        let s = Sprite { pixels: &px, shape };
        invalid(w.add_embedding(&[1.0; 4][..shape[0]], 1, None, Some(s), 0, "e"), "sprite shape");
    }
    let one_col = ["x".to_string()];
    let rows = vec![vec!["1".to_string()]];
    invalid(w.add_embedding::<f32>(&[1.0], 1, Some(Metadata::Table { header: &one_col, rows: &rows }), None, 0, "e"), "1-column table");
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
    invalid(SummaryWriter::builder(dir.path().join("x")).filename_suffix("a/b").build().map(|_| ()), "suffix with /");

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
fn a_deleted_event_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_scalar("x", 1.0, 0).unwrap();
    std::fs::remove_file(w.file_path()).unwrap();
    match w.add_scalar("x", 2.0, 1) {
        Err(Error::FileReplaced(p)) => assert_eq!(p, w.file_path()),
        other => panic!("expected FileReplaced, got {other:?}"),
    }
    // After that the writer is closed, and it created nothing in the file's place.
    assert!(matches!(w.add_scalar("x", 3.0, 2), Err(Error::Closed(_))));
    assert!(!w.file_path().exists());
}

#[test]
fn an_event_file_replaced_by_a_rename_is_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_scalar("x", 1.0, 0).unwrap();
    let other = dir.path().join("other");
    std::fs::write(&other, b"someone else's file").unwrap();
    std::fs::rename(&other, w.file_path()).unwrap();
    let e = w.add_scalar("x", 2.0, 1).unwrap_err();
    assert!(matches!(e, Error::FileReplaced(_)), "{e:?}");
    assert!(e.to_string().contains("replaced"), "{e}");
    assert_eq!(std::fs::read(w.file_path()).unwrap(), b"someone else's file");
    // A file moved away is reported too.
    let dir2 = tempfile::tempdir().unwrap();
    let mut w2 = SummaryWriter::new(dir2.path()).unwrap();
    std::fs::rename(w2.file_path(), dir2.path().join("moved")).unwrap();
    assert!(matches!(w2.add_text("t", "x", 0), Err(Error::FileReplaced(_))));
    assert_eq!(read_len(&dir2.path().join("moved")), 1);
}

fn read_len(p: &std::path::Path) -> usize {
    tensorboard_writer::record::read_events(p).unwrap().len()
}

#[test]
fn links_planted_at_projector_files_are_replaced_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let targets: Vec<_> = ["a", "b", "c", "d"].iter().map(|n| outside.path().join(n)).collect();
    for t in &targets {
        std::fs::write(t, b"precious").unwrap();
    }
    let e = dir.path().join("00003/emb");
    std::fs::create_dir_all(&e).unwrap();
    symlink(&targets[0], e.join("tensors.tsv")).unwrap();
    symlink(&targets[1], e.join("metadata.tsv")).unwrap();
    symlink(&targets[2], e.join("sprite.png")).unwrap();
    symlink(&targets[3], dir.path().join("projector_config.pbtxt")).unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let labels = vec!["x".to_string(), "y".to_string()];
    let px = [0.5f32; 2 * 4];
    w.add_embedding(&[1.0, 2.0], 1, Some(Metadata::Labels(&labels)), Some(Sprite { pixels: &px, shape: [2, 1, 2, 2] }), 3, "emb")
        .unwrap();
    w.close().unwrap();
    for t in &targets {
        assert_eq!(std::fs::read(t).unwrap(), b"precious", "{} was written through a link", t.display());
    }
    for f in [e.join("tensors.tsv"), e.join("metadata.tsv"), e.join("sprite.png"), dir.path().join("projector_config.pbtxt")] {
        let m = std::fs::symlink_metadata(&f).unwrap();
        assert!(m.file_type().is_file(), "{} is not a regular file", f.display());
    }
    assert_eq!(std::fs::read_to_string(e.join("tensors.tsv")).unwrap(), "1\n2\n");
    assert_eq!(std::fs::read_to_string(e.join("metadata.tsv")).unwrap(), "x\ny\n");
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

/// A relative log_dir, then a chdir (in a child process: the cwd is the process's).
#[test]
fn child_chdir() {
    let Ok(dir) = std::env::var("TBW_CHDIR_DIR") else { return };
    std::env::set_current_dir(&dir).unwrap();
    let mut w = SummaryWriter::new("run").unwrap();
    std::env::set_current_dir("/").unwrap();
    w.add_scalar("x", 1.0, 0).unwrap();
    w.add_scalars("s", &[("a", 2.0)], 0).unwrap();
    w.add_hparams(&[("lr", 1.into())], &[("m", 1.0)], Some("hp")).unwrap();
    w.close().unwrap();
    println!("LOGDIR {}", w.log_dir().display());
}

#[test]
fn a_relative_log_dir_survives_a_chdir() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_chdir", "--nocapture", "--test-threads=1"])
        .env("TBW_CHDIR_DIR", dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("LOGDIR /"), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let run = dir.path().join("run");
    assert_eq!(scalars(&read(&run), "x"), [(0, 1.0)]);
    assert_eq!(scalars(&read(&run.join("s_a")), "s"), [(0, 2.0)]);
    assert_eq!(scalars(&read(&run.join("hp")), "m"), [(0, 1.0)]);
}

#[test]
fn an_unwritable_log_dir_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, b"").unwrap();
    match SummaryWriter::new(file.join("run")) {
        Err(Error::Io { path, .. }) => assert_eq!(path, file.join("run")),
        other => panic!("expected Io, got {:?}", other.map(|_| ())),
    }
}

/// The child side of the full-disk test: run in a child process (the test binary re-executed),
/// with a file size limit of `TBW_FSIZE` bytes and SIGXFSZ ignored, so a write past the limit fails
/// with EFBIG as on a full disk. Logs until a call fails, then prints what happened.
#[test]
fn child_full_disk() {
    let Ok(dir) = std::env::var("TBW_FULL_DISK_DIR") else { return };
    let limit: u64 = std::env::var("TBW_FSIZE").unwrap().parse().unwrap();
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let rl = libc::rlimit { rlim_cur: limit, rlim_max: limit };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &rl), 0);
    }
    let mut w = SummaryWriter::new(&dir).unwrap();
    let mut ok = 0;
    let err = loop {
        // Events of varying sizes, so the limit falls inside a record.
        let text = "x".repeat(100 + (ok as usize * 37) % 900);
        match w.add_text("t", &text, ok) {
            Ok(()) => ok += 1,
            Err(e) => break e,
        }
    };
    let after = w.add_scalar("after", 1.0, 0).unwrap_err();
    println!("RESULT ok={ok} err={} after={}", matches!(err, Error::Io { .. }), matches!(after, Error::Closed(_)));
    println!("MESSAGE {err}");
}

#[test]
fn a_full_disk_leaves_only_whole_records() {
    let dir = tempfile::tempdir().unwrap();
    let limit = 20_000u64;
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_full_disk", "--nocapture", "--test-threads=1"])
        .env("TBW_FULL_DISK_DIR", dir.path())
        .env("TBW_FSIZE", limit.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    // The harness prints "test child_full_disk ... " before the child's own output.
    let line = stdout.lines().find_map(|l| l.find("RESULT").map(|i| &l[i..])).unwrap_or_else(|| panic!("no result: {stdout}"));
    let ok: i64 = line.split_whitespace().nth(1).unwrap().trim_start_matches("ok=").parse().unwrap();
    assert!(line.ends_with("err=true after=true"), "{line}\n{stdout}");
    let msg = stdout.lines().find(|l| l.contains("MESSAGE")).unwrap();
    assert!(msg.contains("File too large") || msg.contains("os error 27"), "{msg}");
    assert!(ok > 10, "only {ok} events fit in {limit} bytes");
    let file = common::only_event_file(dir.path());
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.len() as u64 <= limit);
    // Every byte belongs to a whole record: the torn tail was cut off.
    let (n, used) = whole_records(&bytes);
    assert_eq!(used, bytes.len(), "a torn record at the end");
    assert_eq!(n as i64, 1 + ok);
    let events = read(dir.path());
    assert_eq!(events.len() as i64, 1 + ok);
    assert_eq!(events.last().unwrap().step, ok - 1);
}
