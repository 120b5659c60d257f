//! The operating system's side of the writer: a directory handle from which every file and
//! sub-directory below the log directory is created or entered without following links, file
//! identities for the replaced-file check, and the host name. One implementation per family:
//! `unix` (Linux, macOS, the BSDs: `openat` from the directory's descriptor) and `windows`
//! (per-component reparse-point checks, file indexes from `GetFileInformationByHandle`).
use crate::error::{Error, Result};
use std::path::Path;

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use unix::{file_id, hostname, Dir, FileId};

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub(crate) use windows::{file_id, hostname, Dir, FileId};

impl Dir {
    /// The directory `rel` (components separated by `/`) below this one, each component created
    /// if missing and entered only if it is a real directory: a link there is [`Error::Link`].
    pub(crate) fn subdir(&self, rel: &str) -> Result<Dir> {
        let mut dir = self.clone();
        for name in rel.split('/') {
            if name.is_empty() || name == "." || name == ".." {
                return Err(Error::invalid(format!("{rel:?}: an empty, '.' or '..' path component")));
            }
            // Windows also separates with '\\', and ':' names a drive or a stream.
            if cfg!(windows) && name.contains(['\\', ':']) {
                return Err(Error::invalid(format!("{rel:?}: '\\' or ':' in a path component")));
            }
            dir = dir.child(name)?;
        }
        Ok(dir)
    }

    /// A file name in this directory, as a path for messages.
    pub(crate) fn join(&self, name: &str) -> std::path::PathBuf {
        self.path().join(name)
    }
}

/// `s` with what cannot stand in a file name (separators, control characters, spaces) as `_`.
pub(crate) fn file_name_safe(s: &str) -> String {
    let s: String =
        s.trim().chars().map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    if s.is_empty() || s.chars().all(|c| c == '.') {
        "localhost".into()
    } else {
        s
    }
}

/// The error for a link found at `path` where the writer creates or enters a directory or file.
pub(crate) fn link_error(path: &Path) -> Error {
    Error::Link { path: path.to_path_buf() }
}

/// The I/O error of a file open refused because the name is a link.
#[derive(Debug)]
pub(crate) struct LinkRefused;

impl LinkRefused {
    pub(crate) fn error() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, LinkRefused)
    }
}

impl std::fmt::Display for LinkRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a link: refused, not followed")
    }
}

impl std::error::Error for LinkRefused {}

/// `e` as the crate's error: [`Error::Link`] if the open was refused for a link at `path`, else
/// [`Error::Io`] with `action`.
pub(crate) fn io_error(
    action: &'static str,
    path: impl Into<std::path::PathBuf>,
    e: std::io::Error,
) -> Error {
    let path = path.into();
    if e.get_ref().is_some_and(|r| r.is::<LinkRefused>()) {
        return link_error(&path);
    }
    Error::io(action, path, e)
}
