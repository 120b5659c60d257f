//! Running out of memory as an error, not a panic. tch's infallible calls `unwrap` libtorch's
//! errors, so an allocation that fails inside libtorch (CPU or CUDA) arrives as a Rust panic whose
//! message holds libtorch's text. [`guard`] turns such a panic into an [`OutOfMemory`] error naming
//! what was being done and how many bytes were asked for; a failure outside any guard is still one
//! line, printed by the program's panic hook through [`panic_line`]. Large Rust buffers whose size
//! comes from input are reserved with [`try_reserve`], which fails the same way; any other failed Rust
//! allocation ends the process with one line (the global allocator, [`super::allocator`]).
use std::cell::RefCell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::Mutex;

/// An allocation that failed: what it was for and, when the allocator said, how many bytes.
#[derive(Debug, Clone)]
pub struct OutOfMemory {
    pub what: String,
    pub bytes: Option<u64>,
}

impl std::fmt::Display for OutOfMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "out of memory while {}", self.what)?;
        match self.bytes {
            Some(n) => write!(f, ": could not allocate {n} bytes ({})", human(n)),
            None => write!(f, ": an allocation failed"),
        }?;
        f.write_str(" (use smaller sizes, or allow more memory: ulimit -v, free RAM or GPU memory)")
    }
}

impl std::error::Error for OutOfMemory {}

/// `n` bytes as MiB or GiB.
pub fn human(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
    }
}

/// Whether a libtorch error message reports a failed allocation, and the bytes it names.
/// CPU: "DefaultCPUAllocator: can't allocate memory: you tried to allocate N bytes"; CUDA: "CUDA out
/// of memory. Tried to allocate 2.00 GiB"; else std::bad_alloc.
pub fn allocation_failure(msg: &str) -> Option<Option<u64>> {
    const MARKS: [&str; 5] = [
        "can't allocate memory",
        "not enough memory",
        "out of memory",
        "bad_alloc",
        "Cannot allocate memory",
    ];
    if !MARKS.iter().any(|m| msg.contains(m)) {
        return None;
    }
    let after = |key: &str| msg.split(key).nth(1).map(str::trim_start);
    if let Some(rest) = after("you tried to allocate ") {
        return Some(rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|d| d.parse().ok()));
    }
    if let Some(rest) = after("Tried to allocate ") {
        let mut it = rest.split_whitespace();
        let (num, unit) = (it.next().and_then(|v| v.parse::<f64>().ok()), it.next().unwrap_or(""));
        let scale = match unit.trim_end_matches(['.', ';', ')']) {
            "GiB" => 1u64 << 30,
            "MiB" => 1 << 20,
            "KiB" => 1 << 10,
            _ => 1,
        };
        return Some(num.map(|v| (v * scale as f64) as u64));
    }
    Some(None)
}

thread_local! {
    /// What this thread is doing, innermost last, for the error line.
    static DOING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The one-line error of the last panic (set by the program's hook), for a run's failed status.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn doing() -> String {
    DOING.with(|d| d.borrow().last().cloned()).unwrap_or_else(|| "computing".into())
}

fn guarded() -> bool {
    DOING.with(|d| !d.borrow().is_empty())
}

/// The text of a panic payload.
pub fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// The error line (without the program's name) of a panic with message `msg`; None when a [`guard`]
/// will turn it into an error (the hook then prints nothing). Recorded for [`last_panic`].
pub fn panic_line(msg: &str) -> Option<String> {
    let line = match allocation_failure(msg) {
        Some(_) if guarded() => return None,
        Some(bytes) => OutOfMemory { what: doing(), bytes }.to_string(),
        None => format!("internal error: {}", crate::cli::one_line(msg)),
    };
    *LAST_PANIC.lock().unwrap_or_else(|p| p.into_inner()) = Some(line.clone());
    Some(line)
}

/// The line of the last panic that was not turned into an error.
pub fn last_panic() -> Option<String> {
    LAST_PANIC.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// Runs `work`, naming it `what` ("training (batch 4000)"): a failed libtorch allocation in it
/// becomes an [`OutOfMemory`] error; any other panic goes on unwinding.
pub fn guard<T>(what: impl Into<String>, work: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    DOING.with(|d| d.borrow_mut().push(what.into()));
    let result = catch_unwind(AssertUnwindSafe(work));
    let what = DOING.with(|d| d.borrow_mut().pop()).unwrap_or_default();
    match result {
        Ok(r) => r,
        Err(payload) => match allocation_failure(&payload_text(payload.as_ref())) {
            Some(bytes) => Err(OutOfMemory { what, bytes }.into()),
            None => resume_unwind(payload),
        },
    }
}

/// A fallible tch call's result, a failed allocation as [`OutOfMemory`] for `what`.
pub fn tch<T>(what: &str, result: Result<T, tch::TchError>) -> anyhow::Result<T> {
    result.map_err(|e| match allocation_failure(&e.to_string()) {
        Some(bytes) => OutOfMemory { what: what.into(), bytes }.into(),
        None => anyhow::Error::new(e).context(what.to_string()),
    })
}

/// Room for `n` more items in `v`, or an [`OutOfMemory`] error for `what` (not [`Checked`]'s exit).
pub fn try_reserve<T>(v: &mut Vec<T>, n: usize, what: &str) -> anyhow::Result<()> {
    FALLIBLE.with(|f| f.set(true));
    let reserved = v.try_reserve(n);
    FALLIBLE.with(|f| f.set(false));
    reserved.map_err(|_| {
        let bytes = (v.len().saturating_add(n) as u64).saturating_mul(std::mem::size_of::<T>() as u64);
        OutOfMemory { what: what.into(), bytes: Some(bytes) }.into()
    })
}

thread_local! {
    /// Set while [`try_reserve`] asks: a failure then returns null to it instead of exiting.
    static FALLIBLE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is inside [`try_reserve`] (for the allocator; never allocates).
pub(crate) fn fallible() -> bool {
    FALLIBLE.try_with(|f| f.get()).unwrap_or(false)
}

/// Writes what this thread is doing (its innermost [`guard`]), if anything, without allocating.
pub(crate) fn write_doing(out: &mut impl std::fmt::Write) -> bool {
    DOING
        .try_with(|d| match d.try_borrow().ok().as_ref().and_then(|d| d.last()) {
            Some(what) => out.write_str(what).is_ok(),
            None => false,
        })
        .unwrap_or(false)
}

/// Bytes this process may still allocate: what `ulimit -v` leaves beyond what it has mapped, and
/// what the machine has available (MemAvailable + free swap), whichever is smaller.
pub fn available_bytes() -> u64 {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |text: &str, key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map(|v| v * 1024)
    };
    let machine = match (kib(&meminfo, "MemAvailable:"), kib(&meminfo, "SwapFree:")) {
        (Some(m), s) => m + s.unwrap_or(0),
        (None, _) => u64::MAX,
    };
    let mut limit: libc::rlimit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit into a struct we own.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } == 0;
    let address_space = if ok && limit.rlim_cur != libc::RLIM_INFINITY {
        limit.rlim_cur.saturating_sub(kib(&status, "VmSize:").unwrap_or(0))
    } else {
        u64::MAX
    };
    machine.min(address_space)
}

/// Fails when `bytes` (an estimate of what `what` needs) is more than [`available_bytes`].
pub fn ensure_fits(bytes: u64, what: &str) -> anyhow::Result<()> {
    let available = available_bytes();
    if bytes > available {
        anyhow::bail!(
            "{what} needs about {}, more than the {} this process can allocate (ulimit -v, free memory)",
            human(bytes),
            human(available)
        );
    }
    Ok(())
}
