//! Everything nnlab reads back from disk, fuzzed (proptest, random and mutated bytes): checkpoints,
//! run configurations, statuses, event files and the whole resume path. Errors only, never a panic.
mod common;
use nnlab::cli::Valid;
use nnlab::dcn::mnist::{load, DatasetKind, MnistData, Split};
use nnlab::dcn::train::checkpoint::{self, check_like, check_order, Meta};
use nnlab::dcn::train::{load_run_config, resume, train, TrainConfig};
use nnlab::native::device::DeviceArg;
use nnlab::run::events::truncate_dir_events;
use nnlab::run::{RunStatus, Status};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};
use std::path::Path;
use tch::{Device, Kind, Tensor};
use tensorboard_writer::record::{frame_record, masked_crc};
use tensorboard_writer::record::{parse_records, read_dir_events};

/// How a file's bytes are spoiled.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replaced by these bytes.
    Random(Vec<u8>),
    /// Bytes set at positions anywhere in the file.
    Set(Vec<(Index, u8)>),
    /// Bytes set within the first `n` bytes (a safetensors header, a JSON text).
    SetHead(usize, Vec<(Index, u8)>),
    /// Cut at a position.
    Truncate(Index),
    /// Bytes inserted at a position.
    Insert(Index, Vec<u8>),
}

impl Mutation {
    fn apply(&self, bytes: &[u8]) -> Vec<u8> {
        let mut b = bytes.to_vec();
        match self {
            Mutation::Random(r) => return r.clone(),
            Mutation::Set(edits) if !b.is_empty() => {
                edits.iter().for_each(|(i, v)| b[i.index(bytes.len())] = *v)
            }
            Mutation::SetHead(n, edits) if !b.is_empty() => {
                let n = (*n).clamp(1, b.len());
                edits.iter().for_each(|(i, v)| b[i.index(n)] = *v);
            }
            Mutation::Truncate(i) => b.truncate(i.index(bytes.len() + 1)),
            Mutation::Insert(i, more) => {
                let at = i.index(bytes.len() + 1);
                b.splice(at..at, more.iter().copied());
            }
            _ => {}
        }
        b
    }
}

/// Mutations of a file whose first `head` bytes matter most.
fn mutation(head: usize) -> impl Strategy<Value = Mutation> {
    let edits = || prop::collection::vec((any::<Index>(), any::<u8>()), 1..6);
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300).prop_map(Mutation::Random),
        edits().prop_map(Mutation::Set),
        edits().prop_map(move |e| Mutation::SetHead(head, e)),
        edits().prop_map(move |e| Mutation::SetHead(head, e)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 1..40)).prop_map(|(i, v)| Mutation::Insert(i, v)),
    ]
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, failure_persistence: None, max_shrink_iters: 64, ..Config::default() })
}

/// The length of a safetensors file's header (with its 8-byte size), or the whole file.
fn header_len(bytes: &[u8]) -> usize {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    (8 + n).min(bytes.len())
}

#[test]
fn checkpoint_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let meta = Meta { step: 2, optimizer_steps: 2, seed: 0, cursor: 4, device: DeviceArg::Cpu };
    let named = vec![
        ("conv1.weight".to_string(), Tensor::ones([2, 3], (Kind::Float, Device::Cpu))),
        ("data/perm".to_string(), Tensor::arange(6, (Kind::Int64, Device::Cpu))),
        ("rng/cpu".to_string(), nnlab::native::generator::state(Device::Cpu).unwrap()),
    ];
    checkpoint::save(dir.path(), named, &meta).unwrap();
    let valid = std::fs::read(dir.path().join(checkpoint::FILE)).unwrap();
    let like = Tensor::zeros([2, 3], (Kind::Float, Device::Cpu));
    runner(300)
        .run(&mutation(header_len(&valid)), |m| {
            std::fs::write(dir.path().join(checkpoint::FILE), m.apply(&valid)).unwrap();
            if let Ok((saved, meta)) = checkpoint::read(dir.path()) {
                for (name, t) in &saved {
                    let _ = check_like(name, t, &like);
                    let _ = check_order(t, meta.cursor, 6);
                }
                let _ = checkpoint::restore_generator(&saved, meta.device, Device::Cpu, 1);
            }
            Ok(())
        })
        .unwrap();
}

/// A header that declares more data than the file holds, or sizes that overflow, is refused
/// without allocating what it claims.
#[test]
fn checkpoint_headers_that_claim_huge_tensors_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (shape, offsets) in [
        ("[1099511627776]", "[0, 4398046511104]"),
        ("[4294967296, 4294967296, 4294967296]", "[0, 0]"),
        ("[0, 18446744073709551615]", "[0, 0]"),
        ("[9223372036854775807]", "[0, 16]"),
        ("[2]", "[18446744073709551615, 7]"),
    ] {
        let header = format!(r#"{{"data/perm":{{"dtype":"I64","shape":{shape},"data_offsets":{offsets}}}}}"#);
        let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(&[0; 16]);
        std::fs::write(dir.path().join(checkpoint::FILE), &bytes).unwrap();
        assert!(checkpoint::read(dir.path()).is_err(), "{shape} {offsets}");
    }
    let mut bytes = u64::MAX.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"{}");
    std::fs::write(dir.path().join(checkpoint::FILE), &bytes).unwrap();
    assert!(checkpoint::read(dir.path()).is_err());
}

#[test]
fn run_configs_and_statuses_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = TrainConfig { iterations: Some(100), ..TrainConfig::default() };
    let json = serde_json::to_vec_pretty(&cfg).unwrap();
    runner(300)
        .run(&mutation(json.len()), |m| {
            std::fs::write(dir.path().join("config.json"), m.apply(&json)).unwrap();
            let _ = load_run_config(dir.path());
            Ok(())
        })
        .unwrap();
    // Well-formed JSON with any value in any field.
    let values = prop_oneof![
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|v| serde_json::json!(v)),
        ".{0,12}".prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        Just(serde_json::json!([1, 2])),
        Just(serde_json::json!({"kind": "adam"})),
    ];
    let keys: Vec<String> =
        serde_json::from_slice::<serde_json::Map<_, _>>(&json).unwrap().keys().cloned().collect();
    runner(300)
        .run(&(prop::sample::select(keys), values), |(key, value)| {
            let mut v: serde_json::Value = serde_json::from_slice(&json).unwrap();
            v[&key] = value;
            std::fs::write(dir.path().join("config.json"), serde_json::to_vec(&v).unwrap()).unwrap();
            let _ = load_run_config(dir.path());
            Ok(())
        })
        .unwrap();
    let status =
        serde_json::to_vec(&Status { status: RunStatus::Failed, message: "x".into(), step: Some(3) })
            .unwrap();
    runner(300)
        .run(&mutation(status.len()), |m| {
            std::fs::write(dir.path().join("status.json"), m.apply(&status)).unwrap();
            let _ = Status::read(dir.path());
            Ok(())
        })
        .unwrap();
}

/// A record whose length field (with a valid CRC) claims `len` bytes, followed by `rest`.
fn record_claiming(len: u64, rest: &[u8]) -> Vec<u8> {
    let mut b = len.to_le_bytes().to_vec();
    b.extend_from_slice(&masked_crc(&len.to_le_bytes()).to_le_bytes());
    b.extend_from_slice(rest);
    b
}

#[test]
fn event_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = tensorboard_writer::SummaryWriter::builder(dir.path()).purge_step(0).build().unwrap();
    for s in 1..4 {
        w.add_scalar("train/loss", 1.0 / s as f64, s).unwrap();
    }
    let path = w.file_path().to_path_buf();
    drop(w);
    let valid = std::fs::read(&path).unwrap();
    runner(300)
        .run(&mutation(valid.len()), |m| {
            let bytes = m.apply(&valid);
            let _ = parse_records(&bytes);
            std::fs::write(&path, &bytes).unwrap();
            let _ = read_dir_events(dir.path());
            let _ = truncate_dir_events(dir.path(), 2);
            Ok(())
        })
        .unwrap();
}

/// A record whose length field (CRC and all) claims nearly 2^64 bytes: `12 + len + 4` must not
/// wrap around (it did: "slice index starts at 12 but ends at 11", a panic in the reader, reachable
/// through `mnist_dcn --resume` on such a file).
#[test]
fn event_record_lengths_near_the_top_of_the_range_never_panic() {
    runner(300)
        .run(&(any::<u64>(), prop::collection::vec(any::<u8>(), 0..64)), |(len, rest)| {
            let mut bytes = Vec::new();
            frame_record(b"x", &mut bytes);
            bytes.extend(record_claiming(len, &rest));
            let _ = parse_records(&bytes);
            Ok(())
        })
        .unwrap();
    for len in [u64::MAX, u64::MAX - 3, u64::MAX - 15, u64::MAX - 16, 1 << 63] {
        assert!(parse_records(&record_claiming(len, &[0; 32])).map(|e| e.is_empty()).unwrap_or(true));
    }
}

fn tiny(s: &Split, n: i64) -> Split {
    Split { images: s.images.narrow(0, 0, n), labels: s.labels.narrow(0, 0, n) }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The resume path on a real run (3 iterations on 100 images, a checkpoint at each) whose files are
/// spoiled one at a time. A resume that fails leaves no run marked running.
#[test]
fn resuming_a_spoiled_run_never_panics() {
    tch::set_num_threads(1);
    let full = load(DatasetKind::Mnist5k, &common::root().join("data/mnist5k")).unwrap();
    let data = MnistData {
        train: tiny(&full.train, 100),
        validation: tiny(&full.validation, 10),
        test: tiny(&full.test, 10),
    };
    let runs = tempfile::tempdir().unwrap();
    let cfg = TrainConfig {
        dataset: DatasetKind::Mnist5k,
        iterations: Some(3),
        batch_size: 10,
        log_every: 1,
        eval_every: 1,
        checkpoint_every: 1,
        runs: runs.path().into(),
        quiet: true,
        ..TrainConfig::default()
    };
    let base = train(&Valid::new(cfg).unwrap(), Device::Cpu, &data).unwrap().run_dir;
    let event = std::fs::read_dir(&base)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("events.out.tfevents."))
        .unwrap();
    let files = vec![
        checkpoint::FILE.to_string(),
        "checkpoint.json".into(),
        "config.json".into(),
        "status.json".into(),
        event,
    ];
    let work = tempfile::tempdir().unwrap();
    let k = std::sync::atomic::AtomicU32::new(0);
    runner(100)
        .run(&(prop::sample::select(files), mutation(4096)), |(file, m)| {
            let dir = work.path().join(k.fetch_add(1, std::sync::atomic::Ordering::Relaxed).to_string());
            copy_dir(&base, &dir);
            let bytes = std::fs::read(dir.join(&file)).unwrap();
            let m = match m {
                Mutation::SetHead(_, e) if file == checkpoint::FILE => {
                    Mutation::SetHead(header_len(&bytes), e)
                }
                m => m,
            };
            std::fs::write(dir.join(&file), m.apply(&bytes)).unwrap();
            if let Ok(cfg) = load_run_config(&dir) {
                let cfg =
                    Valid::new(TrainConfig { iterations: Some(4), quiet: true, ..cfg.into_inner() }).unwrap();
                if resume(&dir, &cfg, Device::Cpu, &data).is_err() && file != "status.json" {
                    let s = Status::read(&dir).unwrap();
                    prop_assert_ne!(s.status, RunStatus::Running, "{:?}", s);
                }
            }
            std::fs::remove_dir_all(&dir).unwrap();
            Ok(())
        })
        .unwrap();
}
