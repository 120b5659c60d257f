//! Embeddings for the Projector: the tensor, metadata and sprite files and `projector_config.pbtxt`
//! the crate writes, read back. Needs neither libtorch nor Python.
mod common;

use common::{decode_png, read};
use tensorboard_writer::{Metadata, Sprite, SummaryWriter};

#[test]
fn embedding_files_for_the_projector() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let (n, d) = (10, 4);
    let mat: Vec<f32> = (0..n * d).map(|i| i as f32 * 0.5 - 3.0).collect();
    let labels: Vec<String> = (0..n).map(|i| format!("class\t{}", i % 3)).collect();
    let thumbs: Vec<u8> = (0..n * 3 * 6 * 5).map(|i| (i % 251) as u8).collect();
    w.add_embedding(
        &mat,
        d,
        Some(Metadata::Labels(&labels)),
        Some(Sprite { pixels: &thumbs, shape: [n, 3, 6, 5] }),
        7,
        "hidden/fc1",
    )
    .unwrap();
    // A second embedding, with a table of metadata and no sprite.
    let header = ["label".to_string(), "name".to_string()];
    let rows: Vec<Vec<String>> = (0..3).map(|i| vec![i.to_string(), format!("point {i}")]).collect();
    w.add_embedding::<f32>(
        &[1.0, 2.0, 3.0],
        1,
        Some(Metadata::Table { header: &header, rows: &rows }),
        None,
        0,
        "tiny",
    )
    .unwrap();
    // The same tag and step again replaces the entry (no duplicate).
    w.add_embedding::<f32>(&[1.0, 2.0, 3.0, 4.0], 2, None, None, 0, "tiny").unwrap();
    w.close().unwrap();

    let e = dir.path().join("00007/hidden%2Ffc1");
    let tsv = std::fs::read_to_string(e.join("tensors.tsv")).unwrap();
    let parsed: Vec<Vec<f32>> =
        tsv.lines().map(|l| l.split('\t').map(|x| x.parse().unwrap()).collect()).collect();
    assert_eq!(parsed.len(), n);
    assert!(parsed.iter().all(|r| r.len() == d));
    assert_eq!(parsed.concat(), mat);
    let meta = std::fs::read_to_string(e.join("metadata.tsv")).unwrap();
    assert_eq!(meta.lines().count(), n, "one label per line, tabs replaced, no header");
    assert_eq!(meta.lines().next(), Some("class 0"));
    let sprite = std::fs::read(e.join("sprite.png")).unwrap();
    // 10 points: a grid of ⌈√10⌉ = 4 columns and rows of 5 × 6 thumbnails.
    let (sw, sh, sc, px) = decode_png(&sprite);
    assert_eq!((sw, sh, sc), (20, 24, 3));
    // Point 5 is at row 1, column 1; its pixel (0, 0) channel 1 is thumbs[((5·3 + 1)·6 + 0)·5 + 0].
    assert_eq!(px[((6 * 20) + 5) * 3 + 1], thumbs[(5 * 3 + 1) * 6 * 5]);
    // Padding after the last point is black.
    assert_eq!(px[((18 * 20) + 19) * 3], 0);

    let t = dir.path().join("00000/tiny");
    assert_eq!(std::fs::read_to_string(t.join("tensors.tsv")).unwrap(), "1\t2\n3\t4\n");
    // Its metadata of the first call stays on disk but is no longer listed.
    assert_eq!(
        std::fs::read_to_string(t.join("metadata.tsv")).unwrap(),
        "label\tname\n0\tpoint 0\n1\tpoint 1\n2\tpoint 2\n"
    );

    let config = std::fs::read_to_string(dir.path().join("projector_config.pbtxt")).unwrap();
    assert_eq!(
        config,
        "embeddings {\n  tensor_name: \"hidden/fc1:00007\"\n  tensor_path: \"00007/hidden%2Ffc1/tensors.tsv\"\n  \
         metadata_path: \"00007/hidden%2Ffc1/metadata.tsv\"\n  sprite {\n    image_path: \"00007/hidden%2Ffc1/sprite.png\"\n    \
         single_image_dim: 5\n    single_image_dim: 6\n  }\n  tensor_shape: 10\n  tensor_shape: 4\n}\n\
         embeddings {\n  tensor_name: \"tiny:00000\"\n  tensor_path: \"00000/tiny/tensors.tsv\"\n  tensor_shape: 2\n  tensor_shape: 2\n}\n"
    );
    // No temporary files are left behind.
    for d in [dir.path().to_path_buf(), e, t] {
        let stray: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .filter_map(|x| x.ok())
            .filter(|x| x.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(stray.is_empty(), "{stray:?}");
    }
    // Embeddings write no events.
    assert_eq!(read(dir.path()).len(), 1);
}

#[test]
fn embedding_names_and_labels_the_projector_reads() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let labels = ["a".to_string(), "".into(), " \t".into()];
    w.add_embedding::<f32>(
        &[1.0, 2.0, 3.0],
        1,
        Some(Metadata::Labels(&labels)),
        None,
        0,
        "say \"hi\"\\\n\u{7}",
    )
    .unwrap();
    w.add_embedding::<f32>(&[1.0], 1, None, None, 0, "損失").unwrap();
    // "" is "default" in the name as in the directory: one entry.
    w.add_embedding::<f32>(&[1.0], 1, None, None, 0, "").unwrap();
    w.add_embedding::<f32>(&[2.0], 1, None, None, 0, "default").unwrap();
    w.close().unwrap();
    let config = std::fs::read_to_string(dir.path().join("projector_config.pbtxt")).unwrap();
    let names: Vec<&str> = config.lines().filter_map(|l| l.trim().strip_prefix("tensor_name: ")).collect();
    assert_eq!(names, [r#""say \"hi\"\\\n\007:00000""#, "\"損失:00000\"", "\"default:00000\""]);
    let meta =
        std::fs::read_to_string(dir.path().join("00000/say%20%22hi%22%5C%0A%07/metadata.tsv")).unwrap();
    assert_eq!(meta, "a\n(empty)\n(empty)\n");
}
