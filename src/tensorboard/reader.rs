//! Reading event files back (tests, the report, resume): TFRecord framing with both CRCs checked.
use crate::run::files::write_file;
use crate::tensorboard::hparams::END_TAG;
use crate::tensorboard::proto::{event, value, Event, HistogramProto, Summary};
use crate::tensorboard::writer::{frame_record, masked_crc};
use anyhow::{bail, Context, Result};
use prost::Message;
use std::path::Path;

fn event_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("events.out.tfevents."))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Drops every summary event at `step` or later from the event files in `dir` (and a torn last
/// record), so a run resumed from a checkpoint at `step` logs no step twice, and any earlier HParams
/// outcome (a failed run resumed: TensorBoard would keep that first one for good). Returns how many
/// events went.
pub fn truncate_dir_events(dir: &Path, step: i64) -> Result<usize> {
    let mut dropped = 0;
    for f in event_files(dir)? {
        let bytes = std::fs::read(&f).with_context(|| format!("cannot read {}", f.display()))?;
        let events = parse_records(&bytes).with_context(|| format!("corrupt event file {}", f.display()))?;
        let keep: Vec<Event> = events.iter().filter_map(|e| kept(e, step)).collect();
        let mut out = Vec::with_capacity(bytes.len());
        for e in &keep {
            frame_record(&e.encode_to_vec(), &mut out);
        }
        if out.len() != bytes.len() {
            dropped += events.len() - keep.len();
            write_file(&f, &out)?;
        }
    }
    Ok(dropped)
}

/// What stays of `e` in a run resumed at `step`: summaries before `step`, less any HParams outcome.
fn kept(e: &Event, step: i64) -> Option<Event> {
    match &e.what {
        Some(event::What::Summary(s)) if e.step < step => {
            let value: Vec<_> = s.value.iter().filter(|v| v.tag != END_TAG).cloned().collect();
            if value.is_empty() {
                return None;
            }
            Some(Event { what: Some(event::What::Summary(Summary { value })), ..e.clone() })
        }
        Some(event::What::Summary(_)) => None,
        _ => Some(e.clone()),
    }
}

/// Every event of every `events.out.tfevents.*` file in `dir`, files in name order (as TensorBoard).
/// A torn last record (a writer killed mid-write) ends that file quietly; a bad CRC elsewhere is an error.
pub fn read_dir_events(dir: &Path) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    for f in event_files(dir)? {
        let bytes = std::fs::read(&f).with_context(|| format!("cannot read {}", f.display()))?;
        events.extend(parse_records(&bytes).with_context(|| format!("corrupt event file {}", f.display()))?);
    }
    Ok(events)
}

pub fn parse_records(mut bytes: &[u8]) -> Result<Vec<Event>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        if bytes.len() < 12 {
            break;
        }
        let len_bytes: [u8; 8] = bytes[..8].try_into()?;
        let crc: [u8; 4] = bytes[8..12].try_into()?;
        if u32::from_le_bytes(crc) != masked_crc(&len_bytes) {
            bail!("length CRC mismatch at record {}", out.len());
        }
        // A length beyond what remains is a torn record (a length near u64::MAX must not wrap around).
        let Some(len) = usize::try_from(u64::from_le_bytes(len_bytes))
            .ok()
            .filter(|&l| l <= bytes.len().saturating_sub(16))
        else {
            break;
        };
        let data = &bytes[12..12 + len];
        if u32::from_le_bytes(bytes[12 + len..16 + len].try_into()?) != masked_crc(data) {
            bail!("data CRC mismatch at record {}", out.len());
        }
        out.push(Event::decode(data).with_context(|| format!("record {} is not an Event", out.len()))?);
        bytes = &bytes[16 + len..];
    }
    Ok(out)
}

/// (step, value) of every scalar logged under `tag`.
pub fn scalars(events: &[Event], tag: &str) -> Vec<(i64, f64)> {
    values(events, tag)
        .filter_map(|(step, k)| match k {
            value::Kind::SimpleValue(v) => Some((step, *v as f64)),
            _ => None,
        })
        .collect()
}

pub fn histograms<'a>(events: &'a [Event], tag: &'a str) -> Vec<(i64, &'a HistogramProto)> {
    values(events, tag)
        .filter_map(|(step, k)| match k {
            value::Kind::Histo(h) => Some((step, h)),
            _ => None,
        })
        .collect()
}

fn values<'a>(events: &'a [Event], tag: &'a str) -> impl Iterator<Item = (i64, &'a value::Kind)> + 'a {
    events.iter().flat_map(move |e| match &e.what {
        Some(event::What::Summary(s)) => s
            .value
            .iter()
            .filter(|v| v.tag == tag)
            .filter_map(|v| v.kind.as_ref().map(|k| (e.step, k)))
            .collect(),
        _ => Vec::new(),
    })
}

/// Every distinct tag, sorted.
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
