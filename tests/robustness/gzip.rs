//! Class 11: a compressed input is read whole. A gzip file of several members (what `cat a.gz b.gz`
//! or a parallel compressor makes) gives every member's rows, for the CSVs and the IDX files alike.
use crate::common::{self, stderr_of};
use nnlab::dcn::idx::encode_idx;
use std::io::Write;
use std::path::Path;

/// `parts`, each compressed as its own gzip member, one after the other in `path`.
fn write_members(path: &Path, parts: &[&[u8]]) {
    let mut bytes = Vec::new();
    for part in parts {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(part).unwrap();
        bytes.extend(gz.finish().unwrap());
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn every_member_of_a_multi_member_csv_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let rows: Vec<String> = (0..200).map(|i| format!("{},{},{}\n", i % 13, i % 7, i % 2)).collect();
    let (first, second) = (rows[..100].concat(), rows[100..].concat());
    let path = tmp.path().join("two.csv.gz");
    write_members(&path, &[first.as_bytes(), second.as_bytes()]);
    let out = common::cmd(common::NLAYER, &["--passes", "1", "--print-every", "1", "--quiet", "--no-plot"])
        .arg("--data")
        .arg(&path)
        .arg("--runs")
        .arg(tmp.path().join("runs"))
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("160 training rows + 40 held out"), "all 200 rows: {stderr}");
}

#[test]
fn every_member_of_multi_member_idx_files_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mnist");
    std::fs::create_dir(&dir).unwrap();
    // (file, images); each file's bytes split across two members in the middle of its data.
    for (name, n) in [("train", 24u32), ("t10k", 4)] {
        let pixels: Vec<u8> = (0..n * 784).map(|i| (i % 251) as u8).collect();
        let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
        for (kind, bytes) in
            [("images-idx3", encode_idx(&[n, 28, 28], &pixels)), ("labels-idx1", encode_idx(&[n], &labels))]
        {
            let half = bytes.len() / 2;
            write_members(&dir.join(format!("{name}-{kind}-ubyte.gz")), &[&bytes[..half], &bytes[half..]]);
        }
    }
    let out = common::cmd(
        common::DCN,
        &["--dataset", "mnist", "--iterations", "1", "--batch-size", "2", "--quiet"],
    )
    .arg("--data")
    .arg(&dir)
    .arg("--runs")
    .arg(tmp.path().join("runs"))
    .output()
    .unwrap();
    let stderr = stderr_of(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("22 train / 2 validation / 4 test images"), "{stderr}");
}
