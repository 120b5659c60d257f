//! Reading event files back: [`EventReader`] reads one run directory in TensorBoard's order and can
//! follow it while a writer appends; [`truncate_from`] purges a run from a step on, for resuming it.
//!
//! A run directory is a directory holding event files directly (`events.out.tfevents.*`), such as
//! the `log_dir` of one [`SummaryWriter`](crate::SummaryWriter) or one of `add_scalars`' runs; a
//! log directory holding several runs takes one reader per run, as TensorBoard does.
//!
//! No read ever blocks: a FIFO, a device or a directory named like an event file is refused
//! ([`Error::NotRegularFile`]) before it is opened, and opened non-blocking in case it is swapped in
//! meanwhile.
use crate::error::{Error, Result};
use crate::proto::{event, Event, Summary};
use crate::record::{event_files, frame, frame_record, scan, Frame, Scan};
use crate::summary::hparams::SESSION_END_TAG;
use prost::Message;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A file that ends in an incomplete record: a writer killed mid-write, or one still writing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TornRecord {
    /// The event file.
    pub path: PathBuf,
    /// Where the incomplete record starts: the length of the file's whole records.
    pub offset: u64,
    /// How many bytes of it there are.
    pub len: u64,
}

/// The events of one run directory, file after file in name order (TensorBoard's order), each file
/// in record order.
///
/// [`poll`](EventReader::poll) returns what is new since the last call: new files and what was
/// appended to known ones. A record not yet whole at the end of a file is never returned: it is read
/// again at the next poll, once its writer has finished it ([`torn`](EventReader::torn) says where
/// such records are). A checksum that does not match is an [`Error::Corrupt`] naming the file and the
/// record's byte offset.
///
/// ```no_run
/// use tensorboard_writer::reader::EventReader;
/// # fn main() -> Result<(), tensorboard_writer::Error> {
/// let mut reader = EventReader::new("runs/example");
/// loop {
///     for event in reader.poll()? {
///         println!("step {}: {:?}", event.step, event.what);
///     }
///     std::thread::sleep(std::time::Duration::from_secs(1));
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct EventReader {
    dir: PathBuf,
    /// Every event file seen, in name order.
    files: Vec<Cursor>,
    /// A corruption found after some events of the same poll were decoded: reported next time.
    deferred: Option<Error>,
    /// Whether an event file that is a symbolic link is read (TensorBoard does).
    follow: bool,
}

#[derive(Debug)]
struct Cursor {
    path: PathBuf,
    /// Bytes of whole records read.
    offset: u64,
    /// Bytes after them, at the last read: the start of a record not yet whole.
    torn: u64,
}

impl EventReader {
    /// A reader of the event files directly in `dir`; nothing is read before the first poll.
    pub fn new(dir: impl Into<PathBuf>) -> EventReader {
        EventReader { dir: dir.into(), files: Vec::new(), deferred: None, follow: true }
    }

    /// Whether an event file that is a symbolic link is read through (by default, as in
    /// TensorBoard) or refused as [`Error::NotRegularFile`].
    pub fn follow_links(self, follow: bool) -> EventReader {
        EventReader { follow, ..self }
    }

    /// The run directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every whole event not returned before, files in name order. After a corrupt record the
    /// events before it are returned first; the next poll returns the error (and so does every
    /// later one: the reader does not skip it).
    pub fn poll(&mut self) -> Result<Vec<Event>> {
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        let mut out = Vec::new();
        for path in event_files(&self.dir)? {
            let i = match self.files.binary_search_by(|c| c.path.cmp(&path)) {
                Ok(i) => i,
                Err(i) => {
                    self.files.insert(i, Cursor { path, offset: 0, torn: 0 });
                    i
                }
            };
            if let Err(e) = self.files[i].read_new(&mut out, self.follow) {
                if out.is_empty() {
                    return Err(e);
                }
                self.deferred = Some(e);
                break;
            }
        }
        Ok(out)
    }

    /// Every event there is now (one poll), with a corrupt record an error even after others.
    pub fn read_to_end(&mut self) -> Result<Vec<Event>> {
        let events = self.poll()?;
        match self.deferred.take() {
            Some(e) => Err(e),
            None => Ok(events),
        }
    }

    /// The files whose end, at the last poll, was a record not yet whole. For a run no writer is
    /// writing, each is a record cut short (its writer was killed): TensorBoard skips it too.
    pub fn torn(&self) -> Vec<TornRecord> {
        let torn = self.files.iter().filter(|c| c.torn > 0);
        torn.map(|c| TornRecord { path: c.path.clone(), offset: c.offset, len: c.torn }).collect()
    }
}

impl Cursor {
    /// Appends the whole records after `offset` to `out`.
    fn read_new(&mut self, out: &mut Vec<Event>, follow: bool) -> Result<()> {
        // Nothing new: the size is what was seen last (a file cut back is not read again).
        let meta = if follow { std::fs::metadata(&self.path) } else { std::fs::symlink_metadata(&self.path) };
        let size = match meta {
            Ok(m) if !m.is_file() => return Err(Error::NotRegularFile(self.path.clone())),
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io("cannot read", &self.path, e)),
        };
        if size <= self.offset + self.torn {
            return Ok(());
        }
        let mut file = open_regular(&self.path, follow)?;
        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(self.offset))
            .and_then(|_| file.read_to_end(&mut bytes))
            .map_err(|e| Error::io("cannot read", &self.path, e))?;
        let Scan { events, whole, bad } = scan(&bytes);
        out.extend(events);
        self.offset += whole as u64;
        match bad {
            // Read again at every poll: the error stays.
            Some(problem) => {
                self.torn = 0;
                Err(Error::Corrupt { path: self.path.clone(), offset: self.offset, problem })
            }
            None => {
                self.torn = (bytes.len() - whole) as u64;
                Ok(())
            }
        }
    }
}

/// Every event of the event file at `path`, up to a torn last record.
pub(crate) fn read_file(path: &Path) -> Result<Vec<Event>> {
    let bytes = read_all(path, true)?;
    let Scan { events, whole, bad } = scan(&bytes);
    match bad {
        Some(problem) => Err(Error::Corrupt { path: path.into(), offset: whole as u64, problem }),
        None => Ok(events),
    }
}

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
                    problem: crate::error::Corruption::NotAnEvent(e.to_string()),
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

/// Opens `path` for reading without ever blocking: anything but a regular file is refused before it
/// is opened (by `lstat` unless `follow`), and the open is non-blocking in case one is swapped in.
fn open_regular(path: &Path, follow: bool) -> Result<File> {
    let meta = if follow { std::fs::metadata(path) } else { std::fs::symlink_metadata(path) };
    match meta {
        Ok(m) if !m.is_file() => return Err(Error::NotRegularFile(path.into())),
        Ok(_) => {}
        Err(e) => return Err(Error::io("cannot read", path, e)),
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC | if follow { 0 } else { libc::O_NOFOLLOW });
    }
    let file = options.open(path).map_err(|e| match e.raw_os_error() {
        #[cfg(unix)]
        Some(libc::ELOOP) => Error::NotRegularFile(path.into()),
        _ => Error::io("cannot open", path, e),
    })?;
    match file.metadata() {
        Ok(m) if m.is_file() => Ok(file),
        Ok(_) => Err(Error::NotRegularFile(path.into())),
        Err(e) => Err(Error::io("cannot read", path, e)),
    }
}

fn read_all(path: &Path, follow: bool) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path, follow)?.read_to_end(&mut bytes).map_err(|e| Error::io("cannot read", path, e))?;
    Ok(bytes)
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
    if let Some(dir) = path.parent().and_then(|d| File::open(d).ok()) {
        let _ = dir.sync_all(); // the rename itself survives a power cut (best effort)
    }
    Ok(())
}
