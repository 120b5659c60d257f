//! Printing that never panics. `println!` panics when stdout is a closed pipe (`| head -1`, quitting
//! `less`) or a full device (`>/dev/full`); these functions remember the first failure instead, so
//! the run finishes and saves everything, and `main` reports the failure at the end.
use std::io::Write;
use std::sync::Mutex;

static STDOUT_ERROR: Mutex<Option<std::io::ErrorKind>> = Mutex::new(None);
static STDOUT_MESSAGE: Mutex<String> = Mutex::new(String::new());

/// A line on stdout (results).
pub fn out(line: impl std::fmt::Display) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = writeln!(stdout, "{line}").and_then(|_| stdout.flush()) {
        if let Ok(mut first) = STDOUT_ERROR.lock() {
            if first.is_none() {
                *first = Some(e.kind());
                if let Ok(mut m) = STDOUT_MESSAGE.lock() {
                    *m = e.to_string();
                }
            }
        }
    }
}

/// A line on stderr (progress, warnings). A failure to write it is ignored: there is nowhere left
/// to say anything.
pub fn err(line: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The first failed write to stdout, other than a closed pipe (whose reader has gone on purpose).
pub fn stdout_failure() -> Option<String> {
    let kind = (*STDOUT_ERROR.lock().ok()?)?;
    if kind == std::io::ErrorKind::BrokenPipe {
        return None;
    }
    STDOUT_MESSAGE.lock().ok().map(|m| m.clone())
}
