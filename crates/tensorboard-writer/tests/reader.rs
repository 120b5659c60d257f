//! The reader (`reader::EventReader`) and the purge (`reader::truncate_from`): files written by the
//! crate's writer read back in order, a torn end, a flipped byte, a FIFO, a file followed while a
//! writer appends, and a purge checked by TensorBoard's own event-file loader.
mod common;

use common::{scalars, whole_records};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;
use tensorboard_writer::proto::{event, Event};
use tensorboard_writer::reader::{truncate_from, EventReader, TornRecord, Truncate};
use tensorboard_writer::record::{event_files, frame_record};
use tensorboard_writer::summary::hparams::{session_end, SESSION_END_TAG};
use tensorboard_writer::{Corruption, Error, SessionStatus, SummaryWriter};

/// A run of two event files: steps 0..5 in the first, 5..10 in the second (a resumed writer).
fn two_files(dir: &Path) {
    let mut w = SummaryWriter::new(dir).unwrap();
    for step in 0..5 {
        w.add_scalar("loss", step as f64, step).unwrap();
    }
    w.close().unwrap();
    // The second file's name must sort after the first: the writer's names hold the time in seconds.
    std::thread::sleep(Duration::from_millis(1100));
    let mut w = SummaryWriter::builder(dir).purge_step(5).build().unwrap();
    for step in 5..10 {
        w.add_scalar("loss", step as f64, step).unwrap();
    }
    w.close().unwrap();
}

fn steps(events: &[Event]) -> Vec<i64> {
    scalars(events, "loss").iter().map(|p| p.0).collect()
}

#[test]
fn reads_every_file_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    two_files(dir.path());
    assert_eq!(event_files(dir.path()).unwrap().len(), 2);
    let mut reader = EventReader::new(dir.path());
    let events = reader.poll().unwrap();
    assert_eq!(steps(&events), (0..10).collect::<Vec<_>>());
    // Each file starts with its version record.
    let versions = events.iter().filter(|e| matches!(e.what, Some(event::What::FileVersion(_)))).count();
    assert_eq!(versions, 2);
    assert!(reader.torn().is_empty());
    assert!(reader.poll().unwrap().is_empty(), "nothing new");
}

#[test]
fn a_torn_last_record_ends_the_file_quietly_and_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    for step in 0..4 {
        w.add_scalar("loss", step as f64, step).unwrap();
    }
    let path = w.file_path().to_path_buf();
    w.close().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let (_, whole_but_last) = whole_records(&bytes[..bytes.len() - 1]);
    std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();

    let mut reader = EventReader::new(dir.path());
    assert_eq!(steps(&reader.read_to_end().unwrap()), [0, 1, 2]);
    let torn = TornRecord {
        path: path.clone(),
        offset: whole_but_last as u64,
        len: (bytes.len() - 5 - whole_but_last) as u64,
    };
    assert_eq!(reader.torn(), [torn]);
    assert_eq!(steps(&tensorboard_writer::record::read_events(&path).unwrap()), [0, 1, 2]);
}

/// The byte offset of record `n` in `bytes`.
fn offset_of_record(bytes: &[u8], n: usize) -> usize {
    let mut at = 0;
    for _ in 0..n {
        at += 16 + u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
    }
    at
}

#[test]
fn a_flipped_byte_is_a_corrupt_record_at_its_offset() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    for step in 0..6 {
        w.add_scalar("loss", step as f64, step).unwrap();
    }
    let path = w.file_path().to_path_buf();
    w.close().unwrap();
    let clean = std::fs::read(&path).unwrap();
    // Records: the file version, then steps 0..6; record 4 holds step 3.
    let at = offset_of_record(&clean, 4);

    for (flip, problem) in [(at + 14, Corruption::DataChecksum), (at + 1, Corruption::LengthChecksum)] {
        let mut bytes = clean.clone();
        bytes[flip] ^= 0x40;
        std::fs::write(&path, &bytes).unwrap();
        let expected = |e: &Error| {
            matches!(e, Error::Corrupt { path: p, offset, problem: q }
                if *p == path && *offset == at as u64 && *q == problem)
        };
        // One read: the error, naming the file and the offset.
        let e = EventReader::new(dir.path()).read_to_end().unwrap_err();
        assert!(expected(&e), "{e:?}");
        assert!(e.to_string().contains(&format!("at byte {at}")), "{e}");
        // Following: the events before it first, then the error, again and again.
        let mut reader = EventReader::new(dir.path());
        assert_eq!(steps(&reader.poll().unwrap()), [0, 1, 2]);
        for _ in 0..2 {
            let e = reader.poll().unwrap_err();
            assert!(expected(&e), "{e:?}");
        }
        let e = truncate_from(dir.path(), 3).unwrap_err();
        assert!(expected(&e), "{e:?}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "a corrupt file is left as it was");
    }
}

/// Runs `f` on a thread; a call that blocks fails the test after 20 s instead of hanging it.
fn within_20s<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(f()));
    rx.recv_timeout(Duration::from_secs(20)).unwrap_or_else(|_| panic!("{what} blocked"))
}

#[test]
fn a_fifo_named_like_an_event_file_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_scalar("loss", 1.0, 1).unwrap();
    w.close().unwrap();
    let fifo = dir.path().join("events.out.tfevents.9999999999.host.1.0");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let d = dir.path().to_path_buf();
    let (read, truncated) = within_20s("reading a FIFO", move || {
        (EventReader::new(&d).read_to_end().map(|e| e.len()), truncate_from(&d, 0))
    });
    for r in [read, truncated] {
        assert!(matches!(&r, Err(Error::NotRegularFile(p)) if *p == fifo), "{r:?}");
    }
}

#[test]
fn follows_a_file_as_it_grows_never_returning_half_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_scalar("loss", 0.0, 0).unwrap();
    let path = w.file_path().to_path_buf();
    let mut reader = EventReader::new(dir.path());
    assert_eq!(steps(&reader.poll().unwrap()), [0]);

    // A record written in two pieces: nothing until it is whole, then it.
    let mut half = Vec::new();
    let mut record = Vec::new();
    w.add_scalar("loss", 1.0, 1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    record.extend_from_slice(&bytes[offset_of_record(&bytes, 2)..]);
    std::fs::write(&path, &bytes[..offset_of_record(&bytes, 2)]).unwrap();
    half.extend_from_slice(&record[..record.len() / 2]);
    append(&path, &half);
    assert!(reader.poll().unwrap().is_empty());
    assert_eq!(reader.torn().len(), 1);
    append(&path, &record[half.len()..]);
    assert_eq!(steps(&reader.poll().unwrap()), [1]);
    assert!(reader.torn().is_empty());
    drop(w);

    // Another writer appending while the reader polls: every event once, in order.
    let writer_dir = dir.path().to_path_buf();
    let writer = std::thread::spawn(move || {
        let mut w = SummaryWriter::builder(&writer_dir).filename_suffix(".second").build().unwrap();
        for step in 2..2002 {
            w.add_scalar("loss", step as f64, step).unwrap();
        }
        w.close().unwrap();
    });
    let mut seen = Vec::new();
    while !writer.is_finished() {
        seen.extend(steps(&reader.poll().unwrap()));
    }
    writer.join().unwrap();
    seen.extend(steps(&reader.poll().unwrap()));
    assert_eq!(seen, (2..2002).collect::<Vec<_>>());
}

fn append(path: &Path, bytes: &[u8]) {
    use std::io::Write;
    std::fs::OpenOptions::new().append(true).open(path).unwrap().write_all(bytes).unwrap();
}

/// TensorBoard's Python, from `TENSORBOARD_PYTHON` (a relative path from the workspace root too).
fn tensorboard_python() -> Option<PathBuf> {
    let python = PathBuf::from(std::env::var_os("TENSORBOARD_PYTHON")?);
    let from_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(&python);
    Some(if python.is_relative() && !python.exists() && from_root.exists() { from_root } else { python })
}

/// (step, kind, tags) of every event of `dir`, as TensorBoard's own event-file loader reads them.
fn tensorboard_reads(python: &Path, dir: &Path) -> Vec<(i64, String, Vec<String>)> {
    const SCRIPT: &str = r#"
import json, sys
from tensorboard.backend.event_processing import event_file_loader, io_wrapper
out = []
for path in sorted(io_wrapper.ListDirectoryAbsolute(sys.argv[1])):
    if io_wrapper.IsSummaryEventsFile(path):
        for ev in event_file_loader.LegacyEventFileLoader(path).Load():
            tags = [v.tag for v in ev.summary.value] if ev.HasField("summary") else []
            out.append([ev.step, ev.WhichOneof("what"), tags])
print(json.dumps(out))
"#;
    let out = Command::new(python).arg("-c").arg(SCRIPT).arg(dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn truncate_from_purges_what_tensorboard_reads() {
    let dir = tempfile::tempdir().unwrap();
    two_files(dir.path());
    // An outcome at step 4 in the first file, and a torn record at the end of the second.
    let first = event_files(dir.path()).unwrap()[0].clone();
    let mut outcome = Vec::new();
    let end = Event {
        wall_time: 1.0,
        step: 4,
        what: Some(event::What::Summary(tensorboard_writer::proto::Summary {
            value: vec![
                session_end(SessionStatus::Failure, 1.0),
                tensorboard_writer::summary::scalar("x", 1.0),
            ],
        })),
    };
    frame_record(&prost::Message::encode_to_vec(&end), &mut outcome);
    append(&first, &outcome);
    let second = event_files(dir.path()).unwrap()[1].clone();
    append(&second, &outcome[..7]);
    let mut reader = EventReader::new(dir.path());
    assert_eq!(steps(&reader.read_to_end().unwrap()), (0..10).collect::<Vec<_>>());
    assert_eq!(reader.torn().len(), 1);

    // Steps 7.. go (3 scalars), with the torn record; the outcome stays.
    assert_eq!(truncate_from(dir.path(), 7).unwrap(), 3);
    let events = EventReader::new(dir.path()).read_to_end().unwrap();
    assert_eq!(steps(&events), (0..7).collect::<Vec<_>>());
    assert_eq!(common::tagged(&events, SESSION_END_TAG).len(), 1);
    // Then 5.. go, and the outcome (its other value stays): nothing is left to drop after.
    assert_eq!(Truncate::from_step(5).drop_session_end().apply(dir.path()).unwrap(), 2);
    assert_eq!(truncate_from(dir.path(), 5).unwrap(), 0);
    let mut reader = EventReader::new(dir.path());
    let events = reader.read_to_end().unwrap();
    assert!(reader.torn().is_empty(), "the torn record went too");
    assert_eq!(steps(&events), (0..5).collect::<Vec<_>>());
    assert!(common::tagged(&events, SESSION_END_TAG).is_empty());
    assert_eq!(common::tagged(&events, "x").len(), 1);
    // Each file is whole records only, and nothing else is in the directory.
    for f in event_files(dir.path()).unwrap() {
        let bytes = std::fs::read(&f).unwrap();
        assert_eq!(whole_records(&bytes).1, bytes.len(), "{}", f.display());
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file left");

    let Some(python) = tensorboard_python() else {
        println!("skipped TensorBoard's check: set TENSORBOARD_PYTHON (e.g. .venv-test/bin/python)");
        return;
    };
    let read = tensorboard_reads(&python, dir.path());
    let ours: Vec<(i64, String, Vec<String>)> = events
        .iter()
        .map(|e| {
            let (kind, tags) = match &e.what {
                Some(event::What::Summary(s)) => ("summary", s.value.iter().map(|v| v.tag.clone()).collect()),
                Some(event::What::FileVersion(_)) => ("file_version", vec![]),
                Some(event::What::SessionLog(_)) => ("session_log", vec![]),
                other => panic!("unexpected event {other:?}"),
            };
            (e.step, kind.to_string(), tags)
        })
        .collect();
    assert_eq!(read, ours, "TensorBoard reads the purged run as the crate does");
    assert!(read.iter().all(|(step, kind, _)| kind != "summary" || *step < 5));
}
