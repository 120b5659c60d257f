//! A resumed run's event files: what it logged after its checkpoint goes, so that no step is
//! logged twice.
use crate::fs::write::write_file;
use anyhow::{Context, Result};
use prost::Message;
use std::path::Path;
use tensorboard_writer::proto::{event, Event, Summary};
use tensorboard_writer::record::{event_files, frame_record, parse_records};
use tensorboard_writer::summary::hparams::SESSION_END_TAG;

/// Drops every summary event at `step` or later from the event files in `dir` (and a torn last
/// record), and any earlier HParams outcome (a failed run resumed: TensorBoard would keep that
/// first one for good). Returns how many events went.
pub fn truncate_dir_events(dir: &Path, step: i64) -> Result<usize> {
    let mut dropped = 0;
    for f in event_files(dir)? {
        let bytes = std::fs::read(&f).with_context(|| format!("cannot read {}", f.display()))?;
        let events = parse_records(&bytes)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("corrupt event file {}", f.display()))?;
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
            let value: Vec<_> = s.value.iter().filter(|v| v.tag != SESSION_END_TAG).cloned().collect();
            if value.is_empty() {
                return None;
            }
            Some(Event { what: Some(event::What::Summary(Summary { value })), ..e.clone() })
        }
        Some(event::What::Summary(_)) => None,
        _ => Some(e.clone()),
    }
}
