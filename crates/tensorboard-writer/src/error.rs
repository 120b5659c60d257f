//! The one error type of the crate.
use std::fmt;
use std::path::PathBuf;

/// What can go wrong while writing or reading TensorBoard files. No method of this crate panics on
/// bad input: it returns one of these.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be created, written or read (a full disk, a missing
    /// permission, a link where the writer's own file belongs).
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done, for the message ("cannot write to").
        action: &'static str,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The event file this writer appends to was deleted, moved or replaced while it was open:
    /// what it wrote before is no longer where TensorBoard looks, so the writer stops.
    FileReplaced(PathBuf),
    /// A link (a symbolic link; on Windows any reparse point: a junction, a mount point) where the
    /// writer creates or enters a directory or file below the log directory: refused, never followed,
    /// so nothing is written outside the log directory.
    Link {
        /// The path of the link.
        path: PathBuf,
    },
    /// An earlier write failed, or the writer was closed; nothing more is written.
    Closed(PathBuf),
    /// An argument the summary cannot be made from (an empty histogram, a shape that does not
    /// match the data, a prediction outside [0, 1], …).
    InvalidArgument(String),
    /// An event file that is not a TFRecord of `Event`s (a bad checksum, an undecodable record).
    /// A record cut short at the end of a file is not this: readers stop there quietly (see
    /// [`crate::reader::EventReader::torn`]).
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The byte offset in the file where the bad record starts.
        offset: u64,
        /// What is wrong with it.
        problem: Corruption,
    },
    /// An event file that is not a regular file (a FIFO, a device, a directory, a socket; or, where
    /// links are not followed, a symbolic link): refused before anything is read from it, so that
    /// no read ever blocks.
    NotRegularFile(PathBuf),
    /// A libtorch error while computing a summary from a tensor (`tch` feature).
    #[cfg(feature = "tch")]
    Tch(tch::TchError),
}

/// What is wrong with a corrupt record ([`Error::Corrupt`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Corruption {
    /// The CRC of the record's length does not match.
    LengthChecksum,
    /// The CRC of the record's data does not match.
    DataChecksum,
    /// The record is whole and its CRCs match, but it does not decode as an `Event`.
    NotAnEvent(String),
}

impl fmt::Display for Corruption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Corruption::LengthChecksum => f.write_str("length CRC mismatch"),
            Corruption::DataChecksum => f.write_str("data CRC mismatch"),
            Corruption::NotAnEvent(e) => write!(f, "the record is not an Event ({e})"),
        }
    }
}

/// `Result<T, Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), action, source }
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Error {
        Error::InvalidArgument(msg.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, action, source } => write!(f, "{action} {}: {source}", path.display()),
            Error::FileReplaced(p) => write!(
                f,
                "event file {} was deleted, moved or replaced while being written: the events before are not \
                 where TensorBoard reads them",
                p.display()
            ),
            Error::Link { path } => write!(
                f,
                "{} is a link: refused, since the writer follows no link below the log directory",
                path.display()
            ),
            Error::Closed(p) => write!(f, "{}: the writer is closed or an earlier write failed", p.display()),
            Error::InvalidArgument(m) => f.write_str(m),
            Error::Corrupt { path, offset, problem } => {
                write!(f, "corrupt event file {}: {problem} in the record at byte {offset}", path.display())
            }
            Error::NotRegularFile(p) => write!(
                f,
                "{} is not a regular file (a FIFO, a device, a socket, a directory or a link): refused",
                p.display()
            ),
            #[cfg(feature = "tch")]
            Error::Tch(e) => write!(f, "libtorch: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            #[cfg(feature = "tch")]
            Error::Tch(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(feature = "tch")]
impl From<tch::TchError> for Error {
    fn from(e: tch::TchError) -> Error {
        Error::Tch(e)
    }
}
