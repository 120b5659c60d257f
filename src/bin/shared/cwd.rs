//! A working directory that was deleted. libtorch's bundled MKL calls `getcwd()` while the dynamic
//! loader initialises libtorch_cpu.so, before `main`, and aborts the process with "Intel oneMKL FATAL
//! ERROR: Cannot load libtorch_cpu.so" when it fails. A function in the executable's `.preinit_array`
//! runs before any shared library's initialiser (glibc and musl both honour it), so it can check first:
//! - `--help`, `-h`, `--version`, `-V` touch no file: the process moves to `/` (which always exists)
//!   and prints what was asked;
//! - anything else stops with one line `<program>: error: …` and exit status 2, since every relative
//!   path (`runs/`, `data/`) would name nothing.

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".preinit_array"]
static CHECK_CWD: extern "C" fn(libc::c_int, *const *const libc::c_char, *const *const libc::c_char) =
    check_cwd;

#[cfg(target_os = "linux")]
extern "C" fn check_cwd(
    argc: libc::c_int,
    argv: *const *const libc::c_char,
    _env: *const *const libc::c_char,
) {
    let mut buf = [0 as libc::c_char; 4096];
    // SAFETY: buf is valid for its length; getcwd writes at most that many bytes.
    if !unsafe { libc::getcwd(buf.as_mut_ptr(), buf.len()) }.is_null() {
        return;
    }
    // ERANGE (a path over 4 KiB) is not a deleted directory: leave it to the program.
    if std::io::Error::last_os_error().raw_os_error() != Some(libc::ENOENT) {
        return;
    }
    // SAFETY: argv holds argc valid C strings, as the loader passes them to preinit functions.
    let args: Vec<&[u8]> = (0..argc.max(0) as usize)
        .map(|i| unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) }.to_bytes())
        .collect();
    if args.iter().skip(1).any(|a| matches!(*a, b"--help" | b"-h" | b"--version" | b"-V")) {
        // SAFETY: a plain system call with a static, NUL-terminated path.
        if unsafe { libc::chdir(c"/".as_ptr()) } == 0 {
            return;
        }
    }
    let program = args.first().map(|a| a.rsplit(|&b| b == b'/').next().unwrap_or(a)).unwrap_or(b"nnlab");
    let mut line = program.to_vec();
    line.extend_from_slice(
        b": error: the current directory no longer exists (it was deleted); cd to a directory that exists and run again\n",
    );
    // SAFETY: writes a buffer we own to stderr, then ends the process without running anything else.
    unsafe {
        libc::write(2, line.as_ptr().cast(), line.len());
        libc::_exit(2);
    }
}
