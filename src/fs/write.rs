//! Writing files so that a reader never sees half of one and a failure leaves no debris.
use crate::fs::open::{ensure_replaceable, random_hex};
use anyhow::{Context, Result};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Held while a file is being written: a second Ctrl-C waits for it before exiting, so that it never
/// cuts a write in half (the run layer's interrupt handler takes it).
pub(crate) static WRITING: Mutex<()> = Mutex::new(());

/// Writes via a temporary file and a rename. On failure the temporary file is removed and the error
/// names the file that could not be written. The temporary name is hidden and never contains
/// "tfevents": TensorBoard takes any such file for an event file, and its loader would stick to the
/// vanished name after the rename.
///
/// The directory may be writable by others: the temporary file is created new (O_CREAT|O_EXCL, so
/// never through a planted link) under a random name, written through its own descriptor, and the
/// rename replaces only a regular file of nnlab's (a link, FIFO or directory at `path` is an error).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(path, |tmp| Ok(std::fs::write(tmp, bytes)?))
}

/// Like [`write_file`] for a writer that takes a path (`write(tmp)` writes the whole file there;
/// `tmp` names the temporary file's open descriptor, /proc/self/fd/N, so whatever is planted at its
/// name meanwhile, the writer writes the file this process created). `tmp` has no extension: the
/// writer must not pick its format by the name (tch's `VarStore::save` does).
pub fn write_with(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let _writing = WRITING.lock().unwrap_or_else(PoisonError::into_inner);
    write_unguarded(path, write)
}

/// The temporary name of a file being written by this process: `.partial-<pid>-<random>-<name>`.
fn partial_prefix() -> String {
    format!("{PARTIAL}{}-", std::process::id())
}

/// Every temporary file starts with this.
pub const PARTIAL: &str = ".partial-";

/// Removes this process's temporary files from `dir` (best effort).
pub(crate) fn remove_partials(dir: &Path) {
    remove_matching(dir, &partial_prefix());
}

/// Removes every temporary file in `dir`, whoever left it: for the process that holds the
/// directory's lock, any other writer is dead (best effort; a link is removed, not followed).
pub(crate) fn remove_all_partials(dir: &Path) {
    remove_matching(dir, PARTIAL);
}

fn remove_matching(dir: &Path, prefix: &str) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.file_name().to_string_lossy().starts_with(prefix) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// [`write_with`] without taking [`WRITING`] (for the one thread that already holds it).
pub(crate) fn write_unguarded(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    // The file's own name stays at the end: debris a killed process leaves says what it was.
    let name =
        path.file_name().map(|f| f.to_string_lossy().replace("tfevents", "events")).unwrap_or_default();
    let (tmp, file) = create_partial(path, &name)?;
    let through = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
    let result = write(&through)
        .map_err(|e| name_partial(e, &through, &tmp))
        .and_then(|()| ensure_replaceable(path))
        .and_then(|()| Ok(std::fs::rename(&tmp, path)?));
    drop(file);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// `e` with the descriptor's path (which a writer may quote) replaced by the temporary file's name.
fn name_partial(e: anyhow::Error, through: &Path, tmp: &Path) -> anyhow::Error {
    let line = crate::cli::error_line(&e);
    let fd = through.display().to_string();
    match line.contains(&fd) {
        true => anyhow::anyhow!(line.replace(&fd, &tmp.display().to_string())),
        false => e,
    }
}

/// A new, empty temporary file beside `path`, created with O_EXCL under a random name.
fn create_partial(path: &Path, name: &str) -> Result<(PathBuf, std::fs::File)> {
    loop {
        let tmp = path.with_file_name(format!("{}{}-{name}", partial_prefix(), random_hex()));
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp);
        match created {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
        }
    }
}
