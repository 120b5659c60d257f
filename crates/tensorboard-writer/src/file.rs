//! One event file, written through: every event reaches the kernel with one `write` before the call
//! returns, so a process killed at any moment leaves whole records (at most a torn last one, which
//! readers skip). A failed write is cut back out of the file; a file deleted, moved or replaced
//! under the writer is noticed at the next event.
use crate::error::{Error, Result};
use crate::proto::{event, Event, SessionLog, SESSION_START};
use crate::record::frame_record;
use prost::Message;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Seconds since the Unix epoch, the `wall_time` of events.
pub fn now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

pub(crate) struct EventFile {
    file: File,
    path: PathBuf,
    /// (device, inode) of the file when created: the identity checked before each write.
    id: (u64, u64),
    buf: Vec<u8>,
    /// Bytes of whole records written; after a failed write the file is cut back to this length.
    len: u64,
    closed: bool,
}

impl EventFile {
    /// A new file `events.out.tfevents.<time>.<host>.<pid>.<n><suffix>` in `dir` (which must exist),
    /// created exclusively (O_CREAT|O_EXCL: never an existing file, never through a link), starting
    /// with the file version and, with `purge_step`, TensorBoard's restart marker at that step.
    pub fn create(dir: &Path, suffix: &str, purge_step: Option<i64>) -> Result<EventFile> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let host =
            std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_else(|_| "localhost".into());
        let name = format!(
            "events.out.tfevents.{:010}.{}.{}.{}{suffix}",
            now() as u64,
            host.trim(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = dir.join(name);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| Error::io("cannot create event file", &path, e))?;
        let meta = file.metadata().map_err(|e| Error::io("cannot stat", &path, e))?;
        let mut f =
            EventFile { file, path, id: (meta.dev(), meta.ino()), buf: Vec::new(), len: 0, closed: false };
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

    /// Whether the path still names the file this writer appends to.
    fn still_ours(&self) -> bool {
        std::fs::symlink_metadata(&self.path).is_ok_and(|m| (m.dev(), m.ino()) == self.id)
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
        if !self.still_ours() {
            self.closed = true;
            return Err(Error::FileReplaced(self.path.clone()));
        }
        self.buf.clear();
        frame_record(&ev.encode_to_vec(), &mut self.buf);
        if let Err(e) = self.file.write_all(&self.buf) {
            self.closed = true;
            let _ = self.file.set_len(self.len);
            return Err(Error::io("cannot write to", &self.path, e));
        }
        self.len += self.buf.len() as u64;
        Ok(())
    }

    /// Asks the kernel to put what was written on the disk (durable across a power cut).
    pub fn sync(&mut self) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        self.file.sync_data().map_err(|e| Error::io("cannot flush", &self.path, e))
    }

    pub fn close(&mut self) -> Result<()> {
        let r = self.sync();
        self.closed = true;
        r
    }
}
