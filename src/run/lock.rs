//! One process per run directory: an exclusive `flock` on `<dir>/.lock`, held while the process
//! writes there and released by the kernel however the process ends.
use crate::fs::open::{open_own, read_own};
use crate::fs::write::remove_all_partials;
use anyhow::{bail, Context, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::Path;

pub struct DirLock {
    _file: File,
}

impl DirLock {
    /// Locks `dir`, or fails at once naming the process that holds it.
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        let path = dir.join(".lock");
        // Never through a planted link, never blocking on a planted FIFO (fs::open::open_own).
        let mut file =
            open_own(&path, OpenOptions::new().read(true).write(true).create(true).truncate(false))
                .with_context(|| format!("cannot lock {}", dir.display()))?;
        // SAFETY: flock on a descriptor we own.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() { String::new() } else { format!(" (pid {holder})") };
                bail!(
                    "{} is in use by another nnlab process{who}: one process per run; wait for it or stop it",
                    dir.display()
                );
            }
            return Err(err).with_context(|| format!("cannot lock {}", path.display()));
        }
        // Temporary files left by a writer that was killed: nobody else can be writing here now.
        remove_all_partials(dir);
        // Who holds it, for the message above, then the reserve; a full disk must not stop the run here.
        let _ = file.set_len(0).and_then(|_| file.rewind()).and_then(|_| {
            writeln!(file, "{}", std::process::id())?;
            file.write_all(&[b' '; RESERVE])
        });
        Ok(DirLock { _file: file })
    }
}

/// Bytes the lock file holds beyond the pid: space set aside so that status.json can still be
/// written when the disk fills up (see [`release_reserve`]).
const RESERVE: usize = 8192;

/// Gives the lock file's reserve back to the filesystem (keeping the pid). Returns whether there was
/// any to give.
pub fn release_reserve(dir: &Path) -> bool {
    let path = dir.join(".lock");
    let Ok(text) = read_own(&path) else { return false };
    let keep = text.iter().position(|&b| b == b'\n').map_or(text.len(), |i| i + 1);
    keep < text.len()
        && open_own(&path, OpenOptions::new().write(true)).is_ok_and(|f| f.set_len(keep as u64).is_ok())
}
