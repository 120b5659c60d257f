//! Windows: a directory is its path. Each component below the log directory is created, then
//! checked not to be a reparse point (a symbolic link, a junction, a mount point) before it is used;
//! files are opened with `FILE_FLAG_OPEN_REPARSE_POINT`, so a link at a file's own name is opened
//! as itself and refused, never followed. Windows has no `openat`, so a directory swapped for a
//! junction between the check and the use (a race needing write access to the log directory) is
//! not caught; the file index (`GetFileInformationByHandle`) identifies files for the
//! replaced-file check.
use super::link_error;
use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::windows::fs::{MetadataExt, OpenOptionsExt};
use std::os::windows::io::AsRawHandle;
use std::path::{Path, PathBuf};
use windows_sys::Win32::Storage::FileSystem::{
    GetFileInformationByHandle, BY_HANDLE_FILE_INFORMATION, FILE_ATTRIBUTE_REPARSE_POINT,
    FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT,
};
use windows_sys::Win32::System::SystemInformation::{ComputerNameDnsHostname, GetComputerNameExW};

/// A directory, by its path.
#[derive(Clone, Debug)]
pub(crate) struct Dir {
    path: PathBuf,
}

/// (volume serial number, file index): what a name refers to.
pub(crate) type FileId = (u64, u64);

fn is_reparse(m: &std::fs::Metadata) -> bool {
    m.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0
}

/// Opens `path` itself (a reparse point as itself), then refuses a reparse point.
fn open_no_follow(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    let f = options.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT).open(path)?;
    if is_reparse(&f.metadata()?) {
        return Err(super::LinkRefused::error());
    }
    Ok(f)
}

impl Dir {
    /// The log directory itself (reached however its path says).
    pub(crate) fn open(path: &Path) -> Result<Dir> {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Ok(Dir { path: path.to_path_buf() }),
            Ok(_) => Err(Error::io("cannot open the directory", path, io::Error::other("not a directory"))),
            Err(e) => Err(Error::io("cannot open the directory", path, e)),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The directory `name` in this one, created if missing; a reparse point there is
    /// [`Error::Link`].
    pub(super) fn child(&self, name: &str) -> Result<Dir> {
        let path = self.path.join(name);
        if let Err(e) = std::fs::create_dir(&path) {
            if e.kind() != io::ErrorKind::AlreadyExists {
                return Err(Error::io("cannot create", &path, e));
            }
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if is_reparse(&m) => Err(link_error(&path)),
            Ok(m) if m.is_dir() => Ok(Dir { path }),
            Ok(_) => Err(Error::io("cannot open the directory", &path, io::Error::other("not a directory"))),
            Err(e) => Err(Error::io("cannot open the directory", &path, e)),
        }
    }

    /// A new file `name`: never an existing one (`CREATE_NEW`), never through a link.
    pub(crate) fn create_new(&self, name: &str) -> io::Result<File> {
        open_no_follow(&self.path.join(name), OpenOptions::new().write(true).create_new(true))
    }

    /// The file `name`, created if missing, for locking; a reparse point there is an error.
    pub(crate) fn open_lock(&self, name: &str) -> io::Result<File> {
        open_no_follow(&self.path.join(name), OpenOptions::new().read(true).write(true).create(true))
    }

    /// The regular file `name` for reading, or `None` if there is none there: nothing, a reparse
    /// point (never followed) or something else than a file.
    pub(crate) fn open_read(&self, name: &str) -> io::Result<Option<File>> {
        match open_no_follow(&self.path.join(name), OpenOptions::new().read(true)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound || e.kind() == io::ErrorKind::InvalidInput => {
                Ok(None)
            }
            Err(e) => Err(e),
            Ok(f) => Ok(Some(f).filter(|f| f.metadata().is_ok_and(|m| m.is_file()))),
        }
    }

    /// Renames `from` to `to` in this directory (`MoveFileExW`, replacing `to` itself).
    pub(crate) fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        std::fs::rename(self.path.join(from), self.path.join(to))
    }

    /// Removes the file `name`.
    pub(crate) fn remove(&self, name: &str) -> io::Result<()> {
        std::fs::remove_file(self.path.join(name))
    }

    /// What `name` refers to now (a reparse point itself, not its target).
    pub(crate) fn id(&self, name: &str) -> io::Result<FileId> {
        let f = OpenOptions::new()
            .access_mode(0)
            .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS)
            .open(self.path.join(name))?;
        file_id(&f)
    }
}

/// The identity of an open file: its volume and file index.
pub(crate) fn file_id(f: &File) -> io::Result<FileId> {
    // SAFETY: an all-zero BY_HANDLE_FILE_INFORMATION is a valid value to be overwritten.
    let mut info: BY_HANDLE_FILE_INFORMATION = unsafe { std::mem::zeroed() };
    // SAFETY: an open handle and a struct to fill.
    if unsafe { GetFileInformationByHandle(f.as_raw_handle() as _, &mut info) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let index = (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow);
    Ok((u64::from(info.dwVolumeSerialNumber), index))
}

/// The host name (`GetComputerNameExW`, else `COMPUTERNAME`), "localhost" if neither is there.
pub(crate) fn hostname() -> String {
    let mut buf = [0u16; 256];
    let mut len = buf.len() as u32;
    // SAFETY: a buffer of `len` UTF-16 units; `len` then holds the length written.
    let ok = unsafe { GetComputerNameExW(ComputerNameDnsHostname, buf.as_mut_ptr(), &mut len) } != 0;
    let name = if ok {
        String::from_utf16_lossy(&buf[..(len as usize).min(buf.len())])
    } else {
        std::env::var("COMPUTERNAME").unwrap_or_default()
    };
    super::file_name_safe(&name)
}
