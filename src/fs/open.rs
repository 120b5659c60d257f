//! Opening files safely where someone else may have planted something: a run or report directory
//! (nnlab's own files: never through a symbolic link) and a data path (links allowed, but only to a
//! regular file). No open ever blocks: a FIFO or a device is refused, not waited on.
use anyhow::{Context, Result};
use std::fs::{File, OpenOptions};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::Path;

/// What was found where a regular file was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotAFile {
    Symlink,
    Directory,
    Fifo,
    Device,
    Socket,
    /// A regular file with other hard links: writing it would change a file elsewhere.
    HardLinked,
}

impl NotAFile {
    /// What `meta` is, if not a lone regular file (`lstat` metadata: a link is a link).
    pub fn of(meta: &std::fs::Metadata) -> Option<NotAFile> {
        let t = meta.file_type();
        Some(match () {
            _ if t.is_symlink() => NotAFile::Symlink,
            _ if t.is_dir() => NotAFile::Directory,
            _ if t.is_fifo() => NotAFile::Fifo,
            _ if t.is_block_device() || t.is_char_device() => NotAFile::Device,
            _ if t.is_socket() => NotAFile::Socket,
            _ => return None,
        })
    }

    fn describe(self) -> &'static str {
        match self {
            NotAFile::Symlink => "a symbolic link",
            NotAFile::Directory => "a directory",
            NotAFile::Fifo => "a FIFO",
            NotAFile::Device => "a device",
            NotAFile::Socket => "a socket",
            NotAFile::HardLinked => "a file with other hard links",
        }
    }
}

/// A path that holds something other than the regular file nnlab expects there.
#[derive(Debug)]
pub struct Refused {
    pub path: std::path::PathBuf,
    pub found: NotAFile,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (path, found) = (self.path.display(), self.found.describe());
        write!(f, "{path} is {found}, not a regular file of nnlab's own: refused")
    }
}

impl std::error::Error for Refused {}

fn refuse(path: &Path, found: NotAFile) -> anyhow::Error {
    anyhow::Error::new(Refused { path: path.to_path_buf(), found })
}

/// Opens `path` with `options` plus O_NONBLOCK (a FIFO or device never blocks the open) and, for
/// nnlab's own files (`own`), O_NOFOLLOW; then accepts only a regular file (for `own`, with no other
/// hard link) and makes it blocking again.
fn open_checked(path: &Path, options: &mut OpenOptions, own: bool) -> Result<File> {
    let nofollow = if own { libc::O_NOFOLLOW } else { 0 };
    let opened = options.custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC | nofollow).open(path);
    let file = match opened {
        Ok(f) => f,
        Err(e) if own && e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(refuse(path, NotAFile::Symlink))
        }
        Err(e) if e.raw_os_error() == Some(libc::EISDIR) => return Err(refuse(path, NotAFile::Directory)),
        Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
    };
    let meta = file.metadata().with_context(|| format!("cannot read {}", path.display()))?;
    if let Some(found) = NotAFile::of(&meta) {
        return Err(refuse(path, found));
    }
    if own && meta.nlink() > 1 && options_write(&file) {
        return Err(refuse(path, NotAFile::HardLinked));
    }
    // SAFETY: fcntl on a descriptor this function owns.
    unsafe {
        let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
        libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK);
    }
    Ok(file)
}

/// Whether `file` was opened for writing.
fn options_write(file: &File) -> bool {
    // SAFETY: fcntl F_GETFL on an open descriptor.
    let flags = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETFL) };
    flags & libc::O_ACCMODE != libc::O_RDONLY
}

/// Opens one of nnlab's own files in a run or report directory (lock, status, config, checkpoint…)
/// with `options`: never through a symbolic link, only a regular file, never blocking.
pub fn open_own(path: &Path, options: &mut OpenOptions) -> Result<File> {
    open_checked(path, options, true)
}

/// The whole of one of nnlab's own files (see [`open_own`]).
pub fn read_own(path: &Path) -> Result<Vec<u8>> {
    read_all(open_own(path, OpenOptions::new().read(true))?, path)
}

/// [`read_own`] as text.
pub fn read_own_text(path: &Path) -> Result<String> {
    String::from_utf8(read_own(path)?).with_context(|| format!("{} is not UTF-8 text", path.display()))
}

/// Opens a data file for reading: links are followed, but only to a regular file; a FIFO, a device
/// or a directory is refused at once instead of blocking or reading forever.
pub fn open_input(path: &Path) -> Result<File> {
    open_checked(path, OpenOptions::new().read(true), false)
}

fn read_all(mut file: File, path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(bytes)
}

/// Fails if `path` exists as anything but a regular file of its own (a link, a FIFO, a directory…):
/// what nnlab is about to replace there must be its own file.
pub fn ensure_replaceable(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => match NotAFile::of(&meta) {
            Some(found) => Err(refuse(path, found)),
            None if meta.nlink() > 1 => Err(refuse(path, NotAFile::HardLinked)),
            None => Ok(()),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot inspect {}", path.display())),
    }
}

/// Eight bytes from the kernel's random source, as hex: temporary names nobody can predict.
pub fn random_hex() -> String {
    let mut buf = [0u8; 8];
    // SAFETY: getrandom fills at most buf.len() bytes of a buffer we own.
    let n = unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0) };
    if n != buf.len() as isize {
        // Never reached on Linux ≥ 3.17; still unpredictable enough to an outsider, and O_EXCL holds.
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        buf = (t.as_nanos() as u64 ^ u64::from(std::process::id()).rotate_left(32)).to_le_bytes();
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
