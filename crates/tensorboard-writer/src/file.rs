//! One event file, written through: every event reaches the kernel with one `write` before the call
//! returns, so a process killed at any moment leaves whole records (at most a torn last one, which
//! readers skip). A failed write is cut back out of the file; a file deleted, moved or replaced
//! under the writer is noticed at the first event [`REPLACED_CHECK_INTERVAL`] or more after the
//! last check, and at every `flush` and `close`.
use crate::error::{Error, Result};
use crate::os::{self, Dir, FileId};
use crate::proto::{event, Event, SessionLog, SESSION_START};
use crate::record::masked_crc;
use prost::Message;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How often, at most, a writer checks that its event file is still the one at its path: a
/// `stat` of the name, at the first event this long after the last check, and at every `flush` and
/// `close`. Between checks an event costs one `write` and no other system call; what was logged
/// into a file replaced less than this long before is in the replaced file, and the next call
/// after that reports [`Error::FileReplaced`].
pub const REPLACED_CHECK_INTERVAL: Duration = Duration::from_millis(10);

/// How many names `create` tries (the counter of the name goes up each time) before giving up.
const NAME_ATTEMPTS: u32 = 10_000;

/// Seconds since the Unix epoch, the `wall_time` of events.
pub fn now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

pub(crate) struct EventFile {
    file: File,
    dir: Dir,
    name: String,
    path: PathBuf,
    /// The file's identity when created, compared with what its name refers to at each check.
    id: FileId,
    /// When the name was last checked.
    checked: Instant,
    buf: Vec<u8>,
    /// Bytes of whole records written; after a failed write the file is cut back to this length.
    len: u64,
    closed: bool,
}

impl EventFile {
    /// A new file `events.out.tfevents.<time>.<host>.<pid>.<n><suffix>` in `dir`, created
    /// exclusively (never an existing file, never through a link), starting with the file version
    /// and, with `purge_step`, TensorBoard's restart marker at that step. A name already taken (by
    /// another process with the same pid and host in the same second: containers) is skipped for
    /// the next `<n>`.
    pub fn create(dir: &Dir, suffix: &str, purge_step: Option<i64>) -> Result<EventFile> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let (time, host, pid) = (now() as u64, os::hostname(), std::process::id());
        let mut attempt = 0;
        let (file, name) = loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let name = format!("events.out.tfevents.{time:010}.{host}.{pid}.{n}{suffix}");
            match dir.create_new(&name) {
                Ok(f) => break (f, name),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < NAME_ATTEMPTS => {
                    attempt += 1
                }
                Err(e) => return Err(Error::io("cannot create event file", dir.join(&name), e)),
            }
        };
        let path = dir.join(&name);
        let id = os::file_id(&file).map_err(|e| Error::io("cannot stat", &path, e))?;
        let (dir, checked) = (dir.clone(), Instant::now());
        let mut f = EventFile { file, dir, name, path, id, checked, buf: Vec::new(), len: 0, closed: false };
        f.write(0, event::What::FileVersion("brain.Event:2".into()))?;
        if let Some(step) = purge_step {
            let log =
                SessionLog { status: SESSION_START, checkpoint_path: String::new(), msg: String::new() };
            f.write(step, event::What::SessionLog(log))?;
        }
        Ok(f)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `Err(Closed)` once the file is closed or a write failed.
    pub fn ensure_open(&self) -> Result<()> {
        if self.closed {
            return Err(Error::Closed(self.path.clone()));
        }
        Ok(())
    }

    /// Checks that the name still refers to the file this writer appends to (closing the writer if
    /// not): always when `now`, else when [`REPLACED_CHECK_INTERVAL`] has passed since the last check.
    fn check_ours(&mut self, now: bool) -> Result<()> {
        if !now && self.checked.elapsed() < REPLACED_CHECK_INTERVAL {
            return Ok(());
        }
        if self.dir.id(&self.name).is_ok_and(|id| id == self.id) {
            self.checked = Instant::now();
            return Ok(());
        }
        self.closed = true;
        Err(Error::FileReplaced(self.path.clone()))
    }

    /// Appends one event at `step` (wall time now) with one `write`.
    pub fn write(&mut self, step: i64, what: event::What) -> Result<()> {
        self.write_at(step, None, what)
    }

    /// Appends one event at `step` and `wall_time` (`None`: now) with one `write`.
    pub fn write_at(&mut self, step: i64, wall_time: Option<f64>, what: event::What) -> Result<()> {
        if wall_time.is_some_and(|t| !t.is_finite()) {
            return Err(Error::invalid(format!("wall time {wall_time:?}: must be finite")));
        }
        let ev = Event { wall_time: wall_time.unwrap_or_else(now), step, what: Some(what) };
        if self.closed {
            return Err(Error::Closed(self.path.clone()));
        }
        self.check_ours(false)?;
        frame_event(&ev, &mut self.buf);
        if let Err(e) = self.file.write_all(&self.buf) {
            self.closed = true;
            let _ = self.file.set_len(self.len);
            return Err(Error::io("cannot write to", &self.path, e));
        }
        self.len += self.buf.len() as u64;
        Ok(())
    }

    /// Checks that the file was not replaced, and asks the kernel to put what was written on the
    /// disk (durable across a power cut).
    pub fn sync(&mut self) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        self.check_ours(true)?;
        self.file.sync_data().map_err(|e| Error::io("cannot flush", &self.path, e))
    }

    pub fn close(&mut self) -> Result<()> {
        let r = self.sync();
        self.closed = true;
        r
    }
}

/// `buf` = the TFRecord of `ev` (as `record::frame_record` frames it), encoded in place: no
/// allocation once `buf` has grown to the largest event.
fn frame_event(ev: &Event, buf: &mut Vec<u8>) {
    buf.clear();
    buf.resize(12, 0);
    // `encode` minus its check of the room left, which a Vec (growing as needed) always has.
    ev.encode_raw(buf);
    let len = ((buf.len() - 12) as u64).to_le_bytes();
    buf[..8].copy_from_slice(&len);
    buf[8..12].copy_from_slice(&masked_crc(&len).to_le_bytes());
    let crc = masked_crc(&buf[12..]);
    buf.extend_from_slice(&crc.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_event_frames_as_frame_record() {
        let ev =
            Event { wall_time: 1.5, step: 7, what: Some(event::What::FileVersion("brain.Event:2".into())) };
        let (mut a, mut b) = (vec![1, 2, 3], Vec::new());
        frame_event(&ev, &mut a);
        crate::record::frame_record(&ev.encode_to_vec(), &mut b);
        assert_eq!(a, b);
    }
}
