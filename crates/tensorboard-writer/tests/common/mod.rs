//! Helpers shared by the crate's integration tests: read a run back with the crate's own reader
//! and pick values out of the events.
#![allow(dead_code)]
pub mod serve;

use std::path::Path;
use tensorboard_writer::proto::{event, value, Event, HistogramProto, Value};
use tensorboard_writer::record::{event_files, masked_crc, read_dir_events};
use tensorboard_writer::Error;

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

/// The tensor of a tensor value.
pub fn tensor(v: &Value) -> &tensorboard_writer::proto::TensorProto {
    match &v.kind {
        Some(value::Kind::Tensor(t)) => t,
        other => panic!("{} is not a tensor: {other:?}", v.tag),
    }
}

/// (plugin name, content) of a value's plugin metadata.
pub fn plugin(v: &Value) -> (&str, &[u8]) {
    let p = v.metadata.as_ref().and_then(|m| m.plugin_data.as_ref()).expect("plugin metadata");
    (&p.plugin_name, &p.content)
}

/// The histogram of a histogram value.
pub fn histo(v: &Value) -> &HistogramProto {
    match &v.kind {
        Some(value::Kind::Histo(h)) => h,
        other => panic!("{} is not a histogram: {other:?}", v.tag),
    }
}

/// The image of an image value.
pub fn image(v: &Value) -> &tensorboard_writer::proto::Image {
    match &v.kind {
        Some(value::Kind::Image(i)) => i,
        other => panic!("{} is not an image: {other:?}", v.tag),
    }
}

/// Decodes a PNG: (width, height, channels, pixels).
pub fn decode_png(bytes: &[u8]) -> (u32, u32, usize, Vec<u8>) {
    let mut reader = png::Decoder::new(bytes).read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    buf.truncate(info.buffer_size());
    (info.width, info.height, info.color_type.samples(), buf)
}

/// The message of the `Error::InvalidArgument` that `r` must be; `what` names the case.
pub fn invalid<T: std::fmt::Debug>(r: Result<T, Error>, what: &str) -> String {
    match r {
        Err(Error::InvalidArgument(m)) => {
            assert!(!m.is_empty(), "{what}: empty message");
            m
        }
        other => panic!("{what}: expected InvalidArgument, got {other:?}"),
    }
}
