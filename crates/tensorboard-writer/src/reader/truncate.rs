//! The purge of a run from a step on, for resuming it: [`truncate_from`] and [`Truncate`].
use super::read_all;
use crate::error::{Corruption, Error, Result};
use crate::proto::{event, Event, Summary};
use crate::record::{event_files, frame, frame_record, Frame};
use crate::summary::hparams::SESSION_END_TAG;
use prost::Message;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

/// Drops every summary event at `step` or later from the event files in `dir`, and any torn last
/// record; returns how many events went. The same as [`Truncate::from_step`]`(step).apply(dir)`.
pub fn truncate_from(dir: &Path, step: i64) -> Result<usize> {
    Truncate::from_step(step).apply(dir)
}

/// A purge of a run from a step on, for resuming it: what a writer with
/// [`purge_step`](crate::SummaryWriterBuilder::purge_step) asks TensorBoard to hide, removed from
/// the files themselves, so that any reader sees each step once.
///
/// Summary events at the step or later go; the other events (the file version, graphs, session
/// logs) stay, as they do in TensorBoard's purge. Each file that changes is rewritten whole to a new
/// file in the same directory and renamed over the old one, so that a crash leaves either; records
/// kept are copied byte for byte. No writer may be appending to the run meanwhile. Event files are
/// never read or replaced through a symbolic link.
#[derive(Clone, Copy, Debug)]
pub struct Truncate {
    step: i64,
    session_end: bool,
}

/// What a purge does with one event.
enum Keep {
    All,
    Part(Event),
    None,
}

impl Truncate {
    /// Drops the summary events at `step` or later.
    pub fn from_step(step: i64) -> Truncate {
        Truncate { step, session_end: false }
    }

    /// Also drops the HParams session ends (its run's outcome) logged before the step: TensorBoard
    /// shows the first it reads, so a run that ended (failed, say) and is resumed must lose it to be
    /// shown with the outcome it logs next.
    pub fn drop_session_end(self) -> Truncate {
        Truncate { session_end: true, ..self }
    }

    /// Purges the event files in `dir`; returns how many events went. A corrupt record is an error
    /// and leaves its file as it was.
    pub fn apply(&self, dir: &Path) -> Result<usize> {
        let mut dropped = 0;
        for path in event_files(dir)? {
            let bytes = read_all(&path, false)?;
            let (mut out, mut at, mut gone) = (Vec::with_capacity(bytes.len()), 0, 0);
            loop {
                let data = match frame(&bytes[at..]) {
                    Frame::Whole(data) => data,
                    Frame::Torn => break,
                    Frame::Bad(problem) => return Err(Error::Corrupt { path, offset: at as u64, problem }),
                };
                let event = Event::decode(data).map_err(|e| Error::Corrupt {
                    path: path.clone(),
                    offset: at as u64,
                    problem: Corruption::NotAnEvent(e.to_string()),
                })?;
                match self.keep(event) {
                    Keep::All => out.extend_from_slice(&bytes[at..at + data.len() + 16]),
                    Keep::Part(e) => frame_record(&e.encode_to_vec(), &mut out),
                    Keep::None => gone += 1,
                }
                at += data.len() + 16;
            }
            if out.len() != bytes.len() {
                replace(&path, &out)?;
                dropped += gone;
            }
        }
        Ok(dropped)
    }

    fn keep(&self, e: Event) -> Keep {
        let Some(event::What::Summary(s)) = &e.what else { return Keep::All };
        if e.step >= self.step {
            return Keep::None;
        }
        if !self.session_end || !s.value.iter().any(|v| v.tag == SESSION_END_TAG) {
            return Keep::All;
        }
        let value: Vec<_> = s.value.iter().filter(|v| v.tag != SESSION_END_TAG).cloned().collect();
        if value.is_empty() {
            return Keep::None;
        }
        Keep::Part(Event { what: Some(event::What::Summary(Summary { value })), ..e })
    }
}

/// Replaces the file at `path` with `bytes`: written to a new file beside it (whose name TensorBoard
/// does not take for an event file), synced, and renamed over it.
fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let name =
        path.file_name().map(|n| n.to_string_lossy().replace("tfevents", "events")).unwrap_or_default();
    // One name per file: what a process killed here left is removed by the next purge.
    let tmp = path.with_file_name(format!(".truncating-{name}"));
    let _ = std::fs::remove_file(&tmp); // a link goes, unfollowed
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
    }
    let written = options
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io("cannot rewrite", path, e));
    }
    #[cfg(unix)]
    if let Some(dir) = path.parent().and_then(|d| std::fs::File::open(d).ok()) {
        let _ = dir.sync_all(); // the rename itself survives a power cut (best effort)
    }
    Ok(())
}
