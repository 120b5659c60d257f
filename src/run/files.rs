//! Writing files so that a reader never sees half of one and a failure leaves no debris.
use anyhow::{Context, Result};
use std::path::Path;
use std::sync::{Mutex, PoisonError};

/// Held while a file is being written: a second Ctrl-C waits for it before exiting, so that it never
/// cuts a write in half (see [`crate::run::interrupt::mark_active_runs`]).
pub(crate) static WRITING: Mutex<()> = Mutex::new(());

/// Writes via a temporary file and a rename. On failure the temporary file is removed and the error
/// names the file that could not be written. The temporary name is hidden and never contains
/// "tfevents": TensorBoard takes any such file for an event file, and its loader would stick to the
/// vanished name after the rename.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(path, |tmp| Ok(std::fs::write(tmp, bytes)?))
}

/// Like [`write_file`] for a writer that takes a path (`write(tmp)` writes the whole file there).
pub fn write_with(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let _writing = WRITING.lock().unwrap_or_else(PoisonError::into_inner);
    write_unguarded(path, write)
}

/// The temporary name of a file being written by this process: `.partial-<pid>-<n>-<name>`.
fn partial_prefix() -> String {
    format!(".partial-{}-", std::process::id())
}

/// Removes this process's temporary files from `dir` (best effort).
pub(crate) fn remove_partials(dir: &Path) {
    let prefix = partial_prefix();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// [`write_with`] without taking [`WRITING`] (for the one thread that already holds it).
pub(crate) fn write_unguarded(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // The file's own name stays at the end, so its extension (which some writers look at) is kept.
    let name =
        path.file_name().map(|f| f.to_string_lossy().replace("tfevents", "events")).unwrap_or_default();
    let tmp = path.with_file_name(format!("{}{n}-{name}", partial_prefix()));
    let result = write(&tmp).and_then(|_| Ok(std::fs::rename(&tmp, path)?));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// YYYYMMDD-HHMMSS in UTC (days-from-civil inverse, H. Hinnant).
pub fn utc_timestamp() -> String {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
            as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}{m:02}{d:02}-{:02}{:02}{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// FNV-1a, 64 bits, as 16 hex digits: stable across runs and machines (cache keys, short names).
pub fn fnv_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A directory name made of `name`: characters other than letters, digits and `.,+-_=` become `_`,
/// and a name longer than `max` bytes keeps a readable prefix plus a hash of the whole name, so two
/// long names stay different and the same name always shortens the same way.
pub fn safe_name(name: &str, max: usize) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || ".,+-_=".contains(c) { c } else { '_' })
        .collect();
    let clean = clean.trim_start_matches('.').to_string();
    if clean.len() <= max {
        return if clean.is_empty() { "run".into() } else { clean };
    }
    let hash = &fnv_hex(name.as_bytes())[..8];
    format!("{}-{hash}", &clean[..max - 9])
}
