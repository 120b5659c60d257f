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
use crate::proto::Event;
use crate::record::{event_files, scan, Scan};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

mod truncate;
pub use truncate::{truncate_from, Truncate};

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
/// record's byte offset. The reader keeps only offsets, no open file: a file that shrinks (purged by
/// [`truncate_from`]) is read on from where the reader was, so make a new reader after a purge.
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

/// Opens `path` for reading without ever blocking: anything but a regular file is refused before it
/// is opened (by `lstat` unless `follow`), and the open is non-blocking in case one is swapped in.
pub(crate) fn open_regular(path: &Path, follow: bool) -> Result<File> {
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

/// The whole of the regular file at `path` (see [`open_regular`]).
pub(crate) fn read_all(path: &Path, follow: bool) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path, follow)?.read_to_end(&mut bytes).map_err(|e| Error::io("cannot read", path, e))?;
    Ok(bytes)
}
