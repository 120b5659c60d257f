//! CPU tuning every program gets. Both pieces are measured (BENCHMARKS.md) and cost nothing on CUDA.
use std::ffi::c_int;
use std::sync::OnceLock;

/// Keeps freed tensor memory in the process heap instead of returning it to the kernel. With glibc's
/// defaults every large CPU tensor is a fresh mmap, so each training step page-faults its ~50 MB of
/// activations anew. Buys: a DCN step after a monitoring step 35–45 ms → 24 ms (2 CPU cores).
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator thresholds; called before any allocation-heavy work.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 30);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
    }
}

/// MKL, linked into libtorch_cpu, asks this whether the CPU is Intel's and otherwise runs generic SSE2
/// code for its BLAS and vector-math calls, AVX-512 and AVX2 unused (the long-known MKL-on-AMD issue;
/// HPC centres document this override). Defined in the executable and exported by build.rs, it takes
/// precedence over libtorch's; MKL still picks instruction sets from CPUID, so only the vendor test
/// changes. Buys, on AMD EPYC: MKL's matrix products 2–3× faster, f64 tanh 4×, a DCN step 16% less
/// (39.2 → 48.7 it/s). `NNLAB_MKL_VENDOR_CHECK=1` restores MKL's own answer; tests/mkl.rs checks that
/// libtorch binds to this definition.
#[no_mangle]
pub extern "C" fn mkl_serv_intel_cpu_true() -> c_int {
    static ANSWER: OnceLock<c_int> = OnceLock::new();
    *ANSWER.get_or_init(|| {
        if std::env::var_os("NNLAB_MKL_VENDOR_CHECK").is_some_and(|v| v != "0") {
            // SAFETY: looks up MKL's own definition, the next one after this executable's, and calls it
            // with its C signature (no arguments, int result).
            unsafe {
                let theirs = libc::dlsym(libc::RTLD_NEXT, c"mkl_serv_intel_cpu_true".as_ptr());
                if !theirs.is_null() {
                    return std::mem::transmute::<*mut libc::c_void, extern "C" fn() -> c_int>(theirs)();
                }
            }
        }
        1
    })
}
