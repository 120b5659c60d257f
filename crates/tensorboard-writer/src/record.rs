//! TFRecord framing, the container of event files: each record is its length (u64, little endian),
//! the masked CRC-32C of the length, the data, and the masked CRC-32C of the data. Reading checks
//! both CRCs, so a file read back is exactly what was written. The queries at the end pick values
//! out of the events read.
use crate::error::{Corruption, Error, Result};
use crate::proto::{event, value, Event, HistogramProto};
use prost::Message;
use std::path::{Path, PathBuf};

/// TFRecord's CRC mask, so that a CRC of data holding CRCs is not itself a CRC.
pub fn masked_crc(data: &[u8]) -> u32 {
    let crc = crc32c::crc32c(data);
    crc.rotate_right(15).wrapping_add(0xa282_ead8)
}

/// Appends one record holding `data` to `out`.
pub fn frame_record(data: &[u8], out: &mut Vec<u8>) {
    let len = (data.len() as u64).to_le_bytes();
    out.extend_from_slice(&len);
    out.extend_from_slice(&masked_crc(&len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked_crc(data).to_le_bytes());
}

/// What the start of a byte slice holds.
pub(crate) enum Frame<'a> {
    /// A whole record whose CRCs match: its data (the record takes `data.len() + 16` bytes).
    Whole(&'a [u8]),
    /// The start of a record whose end is not there (yet): a writer killed mid-write, or still
    /// writing. Also an empty slice.
    Torn,
    /// A record that fails a check.
    Bad(Corruption),
}

/// The record at the start of `bytes`.
pub(crate) fn frame(bytes: &[u8]) -> Frame<'_> {
    if bytes.len() < 12 {
        return Frame::Torn;
    }
    let len_bytes: [u8; 8] = bytes[..8].try_into().expect("8 bytes");
    if bytes[8..12] != masked_crc(&len_bytes).to_le_bytes() {
        return Frame::Bad(Corruption::LengthChecksum);
    }
    // A length beyond what remains is a torn record (a length near u64::MAX must not wrap around).
    let Some(len) =
        usize::try_from(u64::from_le_bytes(len_bytes)).ok().filter(|&l| l <= bytes.len().saturating_sub(16))
    else {
        return Frame::Torn;
    };
    let data = &bytes[12..12 + len];
    if bytes[12 + len..16 + len] != masked_crc(data).to_le_bytes() {
        return Frame::Bad(Corruption::DataChecksum);
    }
    Frame::Whole(data)
}

/// The events at the start of `bytes`, decoded up to the first record that is torn or bad.
pub(crate) struct Scan {
    pub events: Vec<Event>,
    /// The bytes the events take: where the torn or bad record, if any, starts.
    pub whole: usize,
    /// What stopped the scan before the end of `bytes`: `None` for a torn record (or none).
    pub bad: Option<Corruption>,
}

/// Decodes the records of `bytes` up to the first torn or bad one.
pub(crate) fn scan(bytes: &[u8]) -> Scan {
    let (mut events, mut at) = (Vec::new(), 0);
    let bad = loop {
        match frame(&bytes[at..]) {
            Frame::Whole(data) => match Event::decode(data) {
                Ok(e) => {
                    events.push(e);
                    at += data.len() + 16;
                }
                Err(e) => break Some(Corruption::NotAnEvent(e.to_string())),
            },
            Frame::Torn => break None,
            Frame::Bad(problem) => break Some(problem),
        }
    };
    Scan { events, whole: at, bad }
}

/// The events framed in `bytes`. A torn last record (a writer killed mid-write) ends the list
/// quietly, as in TensorBoard; a bad CRC or an undecodable record elsewhere is an error saying
/// where (see [`crate::reader::EventReader`] for a reader that says which file and whether the
/// end was torn).
pub fn parse_records(bytes: &[u8]) -> std::result::Result<Vec<Event>, String> {
    let Scan { events, whole, bad } = scan(bytes);
    match bad {
        None => Ok(events),
        Some(problem) => Err(format!("{problem} in the record at byte {whole} (record {})", events.len())),
    }
}

/// Every event of one event file, up to a torn last record (see [`crate::reader`]).
pub fn read_events(path: &Path) -> Result<Vec<Event>> {
    crate::reader::read_file(path)
}

/// The event files (`events.out.tfevents.*`) directly in `dir`, in name order (TensorBoard's order).
pub fn event_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io("cannot read", dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("events.out.tfevents."))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Every event of every event file in `dir`, files in name order, each up to a torn last record
/// (see [`crate::reader::EventReader`]).
pub fn read_dir_events(dir: &Path) -> Result<Vec<Event>> {
    crate::reader::EventReader::new(dir).read_to_end()
}

/// (step, value) of every scalar logged under `tag`, in file order.
pub fn scalars(events: &[Event], tag: &str) -> Vec<(i64, f64)> {
    values(events, tag)
        .filter_map(|(step, k)| match k {
            value::Kind::SimpleValue(v) => Some((step, *v as f64)),
            _ => None,
        })
        .collect()
}

/// (step, histogram) of every histogram logged under `tag`, in file order.
pub fn histograms<'a>(events: &'a [Event], tag: &'a str) -> Vec<(i64, &'a HistogramProto)> {
    values(events, tag)
        .filter_map(|(step, k)| match k {
            value::Kind::Histo(h) => Some((step, h)),
            _ => None,
        })
        .collect()
}

/// (step, value) of every summary value under `tag`.
pub fn values<'a>(events: &'a [Event], tag: &'a str) -> impl Iterator<Item = (i64, &'a value::Kind)> + 'a {
    events.iter().flat_map(move |e| {
        let summary = match &e.what {
            Some(event::What::Summary(s)) => s.value.as_slice(),
            _ => &[],
        };
        let step = e.step;
        summary.iter().filter(move |v| v.tag == tag).filter_map(move |v| v.kind.as_ref().map(|k| (step, k)))
    })
}

/// Every distinct summary tag, sorted.
pub fn tags(events: &[Event]) -> Vec<String> {
    let mut t: Vec<String> = events
        .iter()
        .flat_map(|e| match &e.what {
            Some(event::What::Summary(s)) => s.value.iter().map(|v| v.tag.clone()).collect(),
            _ => Vec::new(),
        })
        .collect();
    t.sort();
    t.dedup();
    t
}
