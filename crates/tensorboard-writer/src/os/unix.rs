//! Unix (Linux, macOS, the BSDs): a directory is an open descriptor, and everything below it is
//! reached with `*at` calls relative to it, `O_NOFOLLOW` on every component: a link planted at
//! any name the writer creates or enters is refused by the kernel, with no window between a check
//! and a use.
use super::link_error;
use crate::error::{Error, Result};
use std::ffi::{CStr, CString};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A directory held open; `path` only names it in messages.
#[derive(Clone, Debug)]
pub(crate) struct Dir {
    fd: Arc<OwnedFd>,
    path: PathBuf,
}

/// (device, inode): what a name refers to.
pub(crate) type FileId = (u64, u64);

const DIR_FLAGS: libc::c_int = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;

fn c_name(name: &str) -> io::Result<CString> {
    CString::new(name).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in a file name"))
}

/// A descriptor returned by a libc call, or its error.
fn owned(fd: RawFd) -> io::Result<OwnedFd> {
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn zero(r: libc::c_int) -> io::Result<()> {
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

impl Dir {
    /// Opens the log directory itself. Links on the way to it are the caller's choice and are
    /// followed; nothing below it is.
    pub(crate) fn open(path: &Path) -> Result<Dir> {
        let c = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| Error::invalid(format!("{}: a NUL byte in the path", path.display())))?;
        // SAFETY: a NUL-terminated path.
        let fd = owned(unsafe { libc::open(c.as_ptr(), DIR_FLAGS) })
            .map_err(|e| Error::io("cannot open the directory", path, e))?;
        Ok(Dir { fd: Arc::new(fd), path: path.to_path_buf() })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// The directory `name` in this one, created if missing; a link there is [`Error::Link`].
    pub(super) fn child(&self, name: &str) -> Result<Dir> {
        let path = self.path.join(name);
        let c = c_name(name).map_err(|e| Error::io("cannot create", &path, e))?;
        // mkdirat does not follow a link at the name: it fails with EEXIST, and the open refuses it.
        // SAFETY: a NUL-terminated name relative to an open directory.
        if let Err(e) = zero(unsafe { libc::mkdirat(self.raw(), c.as_ptr(), 0o777) }) {
            if e.kind() != io::ErrorKind::AlreadyExists {
                return Err(Error::io("cannot create", &path, e));
            }
        }
        // SAFETY: as above.
        match owned(unsafe { libc::openat(self.raw(), c.as_ptr(), DIR_FLAGS | libc::O_NOFOLLOW) }) {
            Ok(fd) => Ok(Dir { fd: Arc::new(fd), path }),
            Err(_) if self.is_link(&c) => Err(link_error(&path)),
            Err(e) => Err(Error::io("cannot open the directory", &path, e)),
        }
    }

    fn stat(&self, name: &CStr) -> io::Result<libc::stat> {
        // SAFETY: an all-zero stat is a valid value to be overwritten.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: a NUL-terminated name, a stat to fill.
        zero(unsafe { libc::fstatat(self.raw(), name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) })?;
        Ok(st)
    }

    fn is_link(&self, name: &CStr) -> bool {
        self.stat(name).is_ok_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFLNK)
    }

    fn open_at(&self, name: &str, flags: libc::c_int) -> io::Result<File> {
        let c = c_name(name)?;
        let flags = flags | libc::O_NOFOLLOW | libc::O_CLOEXEC;
        // SAFETY: a NUL-terminated name relative to an open directory; the mode as a promoted vararg.
        let fd = owned(unsafe { libc::openat(self.raw(), c.as_ptr(), flags, 0o666 as libc::c_uint) });
        match fd {
            // Linux and macOS say ELOOP for O_NOFOLLOW on a link; FreeBSD says EMLINK.
            Err(e) if is_link_refusal(&e) => Err(super::LinkRefused::error()),
            r => r.map(File::from),
        }
    }

    /// A new file `name`: never an existing one, never through a link (`O_CREAT | O_EXCL |
    /// O_NOFOLLOW`); `AlreadyExists` when the name is taken.
    pub(crate) fn create_new(&self, name: &str) -> io::Result<File> {
        self.open_at(name, libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL)
    }

    /// The file `name`, created if missing, for locking; a link there is an error.
    pub(crate) fn open_lock(&self, name: &str) -> io::Result<File> {
        self.open_at(name, libc::O_RDWR | libc::O_CREAT)
    }

    /// The regular file `name` for reading, or `None` if there is none there: nothing, a link
    /// (never followed), a FIFO or a device (opened non-blocking: nothing there makes the writer wait).
    pub(crate) fn open_read(&self, name: &str) -> io::Result<Option<File>> {
        match self.open_at(name, libc::O_RDONLY | libc::O_NONBLOCK) {
            Err(e) if e.kind() == io::ErrorKind::NotFound || e.kind() == io::ErrorKind::InvalidInput => {
                Ok(None)
            }
            Err(e) => Err(e),
            Ok(f) => Ok(Some(f).filter(|f| f.metadata().is_ok_and(|m| m.is_file()))),
        }
    }

    /// Renames `from` to `to` in this directory (replacing `to`, a link there included, never
    /// following it).
    pub(crate) fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        let (f, t) = (c_name(from)?, c_name(to)?);
        // SAFETY: NUL-terminated names relative to an open directory.
        zero(unsafe { libc::renameat(self.raw(), f.as_ptr(), self.raw(), t.as_ptr()) })
    }

    /// Removes the file `name` (a link itself, never its target).
    pub(crate) fn remove(&self, name: &str) -> io::Result<()> {
        let c = c_name(name)?;
        // SAFETY: a NUL-terminated name relative to an open directory.
        zero(unsafe { libc::unlinkat(self.raw(), c.as_ptr(), 0) })
    }

    /// What `name` refers to now (a link itself, not its target).
    pub(crate) fn id(&self, name: &str) -> io::Result<FileId> {
        let st = self.stat(&c_name(name)?)?;
        #[allow(clippy::unnecessary_cast)] // dev_t and ino_t differ between Linux and macOS
        Ok((st.st_dev as u64, st.st_ino as u64))
    }
}

/// The identity of an open file.
pub(crate) fn file_id(f: &File) -> io::Result<FileId> {
    let m = f.metadata()?;
    Ok((m.dev(), m.ino()))
}

/// The host name (`gethostname`), "localhost" if it cannot be read.
pub(crate) fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: a buffer of its stated length; the last byte stays 0, so the result is terminated.
    if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) } != 0 {
        return "localhost".into();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
    super::file_name_safe(&String::from_utf8_lossy(&buf[..end]))
}

/// Whether an `openat(…, O_NOFOLLOW)` failed because the last component is a symbolic link.
fn is_link_refusal(e: &io::Error) -> bool {
    let code = e.raw_os_error();
    code == Some(libc::ELOOP) || (cfg!(target_os = "freebsd") && code == Some(libc::EMLINK))
}
