//! The global allocator: the system's, except that a failed allocation that Rust would abort on
//! (with a backtrace) ends the process with one line `<program>: error: out of memory while … N
//! bytes` and exit status 1. Fallible reservations ([`memory::try_reserve`]) still get their null.
use crate::native::memory;

/// The program's name for [`Checked`]'s line (set once by `main`).
static PROGRAM: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// Names the program in the line [`Checked`] prints.
pub fn set_program(name: &'static str) {
    let _ = PROGRAM.set(name);
}

/// The system allocator, except that a failed allocation (Rust's own buffers: a table's labels, a
/// line) ends the process with one line `<program>: error: out of memory while … N bytes` and exit
/// status 1, instead of Rust's abort with a backtrace. The line is formatted without allocating.
pub struct Checked;

// SAFETY: every call is passed to the system allocator unchanged; only a null result is acted on.
unsafe impl std::alloc::GlobalAlloc for Checked {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        checked(std::alloc::System.alloc(layout), layout.size())
    }
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        checked(std::alloc::System.alloc_zeroed(layout), layout.size())
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        std::alloc::System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        checked(std::alloc::System.realloc(ptr, layout, new_size), new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Checked = Checked;

/// A stack buffer that formats without allocating (what does not fit is cut).
struct Line {
    buf: [u8; 512],
    len: usize,
}

impl std::fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

fn checked(ptr: *mut u8, size: usize) -> *mut u8 {
    // Rust would abort on an infallible allocation that fails; a fallible one gets its null.
    let fallible = memory::fallible();
    if ptr.is_null() && size > 0 && !fallible && !std::thread::panicking() {
        use std::fmt::Write;
        let mut line = Line { buf: [0; 512], len: 0 };
        let program = PROGRAM.get().copied().unwrap_or("nnlab");
        let _ = write!(line, "{program}: error: out of memory");
        let mark = line.len;
        let _ = line.write_str(" while ");
        if !memory::write_doing(&mut line) {
            line.len = mark;
        }
        let _ = writeln!(line, ": could not allocate {size} bytes (use smaller sizes, or allow more memory)");
        // SAFETY: write(2) of a buffer we own to stderr, then _exit: nothing here allocates.
        unsafe {
            libc::write(2, line.buf.as_ptr().cast(), line.len);
            libc::_exit(1);
        }
    }
    ptr
}
