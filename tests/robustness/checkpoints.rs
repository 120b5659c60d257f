//! Classes 5 and 6 for checkpoints: a resume whose checkpoint holds tensors of the wrong shape
//! (broadcastable ones included), kind, range or length fails with one line naming the tensor; inputs
//! that make libtorch itself throw give one line without its C++ stack trace.
use crate::common::{self, assert_one_error};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use tch::{Kind, Tensor};

type Tensors = Vec<(String, Tensor)>;

fn edit_tensor(named: &mut Tensors, name: &str, f: impl FnOnce(&Tensor) -> Tensor) {
    let slot = named.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no {name}"));
    slot.1 = f(&slot.1);
}

/// Changes the JSON step record ("meta/checkpoint").
fn edit_meta(named: &mut Tensors, f: impl FnOnce(&mut serde_json::Value)) {
    edit_tensor(named, "meta/checkpoint", |t| {
        let mut meta: serde_json::Value = serde_json::from_slice(&Vec::<u8>::try_from(t).unwrap()).unwrap();
        f(&mut meta);
        Tensor::from_slice(serde_json::to_string(&meta).unwrap().as_bytes())
    });
}

/// A copy of the run in `base` with its checkpoint rewritten by `edit`.
fn mutant(base: &Path, into: &Path, edit: impl FnOnce(&mut Tensors)) -> PathBuf {
    let dir = into.to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(base).unwrap() {
        let e = e.unwrap();
        if e.path().is_file() {
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    let file = dir.join("checkpoint.safetensors");
    let mut named = Tensor::read_safetensors(&file).unwrap();
    edit(&mut named);
    Tensor::write_safetensors(&named, &file).unwrap();
    dir
}

/// A safetensors file that safetensors accepts but whose shape libtorch refuses (a dimension that is
/// negative as i64, in a tensor of no elements).
fn negative_dimension(dir: &Path) {
    let header = r#"{"data/perm":{"dtype":"I64","shape":[0,18446744073709551615],"data_offsets":[0,0]}}"#;
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    std::fs::write(dir.join("checkpoint.safetensors"), bytes).unwrap();
}

fn resume(dir: &Path) -> Child {
    common::cmd(common::DCN, &["--quiet", "--iterations", "3", "--resume"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_bad_checkpoint_is_one_line_naming_the_tensor() {
    let runs = tempfile::tempdir().unwrap();
    let out = common::dcn(runs.path(), 2, &["--checkpoint-every", "1"]).output().unwrap();
    assert!(out.status.success(), "{}", common::stderr_of(&out));
    let base = common::only_run(runs.path(), "mnist_dcn");
    let work = tempfile::tempdir().unwrap();
    let at = |k: &str| work.path().join(k);
    let perm = |f: fn(&Tensor)| {
        move |t: &Tensor| {
            let t = t.copy();
            f(&t);
            t
        }
    };
    let cases: Vec<(PathBuf, &[&str])> = vec![
        (mutant(&base, &at("plain"), |_| {}), &[]),
        (
            mutant(&base, &at("broadcast"), |n| {
                edit_tensor(n, "conv1.weight", |_| Tensor::zeros([1], (Kind::Float, tch::Device::Cpu)))
            }),
            &["conv1.weight", "[1]", "[32, 1, 5, 5]"],
        ),
        (
            mutant(&base, &at("kind"), |n| edit_tensor(n, "fc2.bias", |t| t.to_kind(Kind::Double))),
            &["fc2.bias", "Double"],
        ),
        (mutant(&base, &at("missing"), |n| n.retain(|(k, _)| k != "fc1.weight")), &["fc1.weight"]),
        (
            mutant(&base, &at("range"), |n| {
                edit_tensor(
                    n,
                    "data/perm",
                    perm(|t| {
                        let _ = t.get(0).fill_(4000);
                    }),
                )
            }),
            &["data/perm"],
        ),
        (
            mutant(&base, &at("negative"), |n| {
                edit_tensor(
                    n,
                    "data/perm",
                    perm(|t| {
                        let _ = t.get(0).fill_(-1);
                    }),
                )
            }),
            &["data/perm"],
        ),
        (
            mutant(&base, &at("duplicate"), |n| {
                edit_tensor(
                    n,
                    "data/perm",
                    perm(|t| {
                        t.get(1).copy_(&t.get(0));
                    }),
                )
            }),
            &["data/perm", "permutation"],
        ),
        (mutant(&base, &at("cursor"), |n| edit_meta(n, |m| m["cursor"] = 99999.into())), &["99999"]),
        (mutant(&base, &at("step"), |n| edit_meta(n, |m| m["step"] = 1000.into())), &["step 1000"]),
        (mutant(&base, &at("negative-step"), |n| edit_meta(n, |m| m["step"] = (-3).into())), &["step -3"]),
        (
            mutant(&base, &at("optim"), |n| {
                edit_tensor(n, "optim/fc1.weight/exp_avg", |t| t.narrow(0, 0, 1).copy())
            }),
            &["optim/fc1.weight/exp_avg"],
        ),
        (
            mutant(&base, &at("optim-kind"), |n| {
                edit_tensor(n, "optim/conv2.bias/exp_avg_sq", |t| t.to_kind(Kind::Int64))
            }),
            &["optim/conv2.bias/exp_avg_sq"],
        ),
        // libtorch throws for these two: its message, on one line, without the C++ trace.
        (
            mutant(&base, &at("rng"), |n| edit_tensor(n, "rng/cpu", |t| t.narrow(0, 0, 100).copy())),
            &["rng/cpu"],
        ),
        (
            mutant(&base, &at("libtorch"), |_| {}),
            &["checkpoint.safetensors", "Dimension size must be non-negative"],
        ),
    ];
    negative_dimension(&at("libtorch"));
    // Two at a time: each loads the data set first.
    for pair in cases.chunks(2) {
        let children: Vec<Child> = pair.iter().map(|(dir, _)| resume(dir)).collect();
        for ((dir, expected), child) in pair.iter().zip(children) {
            let out = child.wait_with_output().unwrap();
            if expected.is_empty() {
                assert!(out.status.success(), "{}", common::stderr_of(&out));
                continue;
            }
            let line = assert_one_error(&out, expected);
            assert!(line.contains(&*dir.to_string_lossy()), "{line}");
            let s = common::status(dir);
            assert_eq!(
                s.status,
                nnlab::run::RunStatus::Complete,
                "a refused resume leaves the run as it was"
            );
        }
    }
}

/// The one-line error of nnlab::cli on libtorch's own messages, which carry a C++ stack trace.
#[test]
fn error_lines_drop_libtorch_stack_traces() {
    let trace = "Trying to create tensor with negative dimension -1: [0, -1]\nException raised from \
                 check_size_nonnegative at /pytorch/aten/src/ATen/EmptyTensor.h:22 (most recent call \
                 first):\nframe #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x98 (0x7f01 in \
                 libc10.so)\nframe #1: at::empty_cpu + 0x5d (0x7f02 in libtorch_cpu.so)\n";
    let e = anyhow::anyhow!(trace.to_string()).context("cannot read x/checkpoint.safetensors");
    assert_eq!(
        nnlab::cli::error_line(&e),
        "cannot read x/checkpoint.safetensors: Trying to create tensor with negative dimension -1: [0, -1]"
    );
    // A real one, thrown by libtorch.
    let real = Tensor::f_zeros([2, -3], (Kind::Float, tch::Device::Cpu)).unwrap_err();
    let line = nnlab::cli::error_line(&anyhow::Error::from(real).context("zeros"));
    assert!(line.starts_with("zeros: ") && line.contains("negative"), "{line}");
    for mark in common::CRASH_MARKS {
        assert!(!line.contains(mark) && !line.contains('\n'), "{line}");
    }
}
