//! scripts/setup refuses a corrupt MNIST copy.
mod common;
use std::process::Command;

#[test]
fn md5_mismatch_is_a_loud_error() {
    let data = tempfile::tempdir().unwrap();
    let mnist = data.path().join("mnist");
    std::fs::create_dir_all(&mnist).unwrap();
    std::fs::create_dir_all(data.path().join("sklearn")).unwrap();
    std::fs::write(data.path().join("sklearn/.done"), "").unwrap();
    std::fs::write(mnist.join(".done"), "").unwrap();
    for f in [
        "train-images.idx3-ubyte",
        "train-labels.idx1-ubyte",
        "t10k-images.idx3-ubyte",
        "t10k-labels.idx1-ubyte",
    ] {
        std::fs::write(mnist.join(f), b"not mnist").unwrap();
    }
    let out = Command::new(common::root().join("scripts/setup"))
        .arg("mnist")
        .env("NNLAB_DATA", data.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("train-images.idx3-ubyte: md5") && stderr.contains("corrupt or wrong MNIST copy"),
        "{stderr}"
    );
}
