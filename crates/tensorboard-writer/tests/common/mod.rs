//! Helpers shared by the crate's integration tests: read a run back with the crate's own reader
//! and pick values out of the events.
#![allow(dead_code)]
use std::path::Path;
use tensorboard_writer::proto::{event, value, Event, Value};
use tensorboard_writer::record::{event_files, masked_crc, read_dir_events};

/// Every summary value of the events in `dir` with its step, in file order.
pub fn values(events: &[Event]) -> Vec<(i64, Value)> {
    events
        .iter()
        .filter_map(|e| match &e.what {
            Some(event::What::Summary(s)) => Some(s.value.iter().map(move |v| (e.step, v.clone()))),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The values with `tag`.
pub fn tagged(events: &[Event], tag: &str) -> Vec<(i64, Value)> {
    values(events).into_iter().filter(|(_, v)| v.tag == tag).collect()
}

/// (step, value) of every scalar `tag`.
pub fn scalars(events: &[Event], tag: &str) -> Vec<(i64, f32)> {
    tagged(events, tag)
        .into_iter()
        .map(|(s, v)| match v.kind {
            Some(value::Kind::SimpleValue(x)) => (s, x),
            other => panic!("{tag} at {s} is not a scalar: {other:?}"),
        })
        .collect()
}

/// Events of a run directory, read with the crate's reader.
pub fn read(dir: &Path) -> Vec<Event> {
    read_dir_events(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
}

/// Walks the TFRecord framing of `bytes` and returns how many whole, CRC-correct records it holds
/// and how many bytes they take: a file with only whole records has `bytes.len()` of them.
pub fn whole_records(bytes: &[u8]) -> (usize, usize) {
    let (mut n, mut at) = (0, 0);
    while bytes.len() - at >= 16 {
        let len_bytes: [u8; 8] = bytes[at..at + 8].try_into().unwrap();
        if bytes[at + 8..at + 12] != masked_crc(&len_bytes).to_le_bytes() {
            break;
        }
        let len = u64::from_le_bytes(len_bytes) as usize;
        if len > bytes.len() - at - 16 {
            break;
        }
        let data = &bytes[at + 12..at + 12 + len];
        if bytes[at + 12 + len..at + 16 + len] != masked_crc(data).to_le_bytes() {
            break;
        }
        n += 1;
        at += 16 + len;
    }
    (n, at)
}

/// The one event file directly in `dir`.
pub fn only_event_file(dir: &Path) -> std::path::PathBuf {
    let files = event_files(dir).unwrap();
    assert_eq!(files.len(), 1, "event files in {}: {files:?}", dir.display());
    files.into_iter().next().unwrap()
}
