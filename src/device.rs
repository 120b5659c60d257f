//! Choosing CPU or CUDA. rustc links with --as-needed, which drops libtorch_cuda.so from the binary,
//! so CUDA is loaded by hand before the first torch call; on a machine without it the load fails and
//! the user gets one line saying so. Also the CPU-side tuning every program gets: glibc's allocator
//! thresholds and MKL's vendor check.
use anyhow::{bail, Result};
use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use std::ffi::c_int;
use std::sync::OnceLock;
use tch::Device;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceArg {
    Cpu,
    Cuda,
}

pub fn select(arg: DeviceArg) -> Result<Device> {
    match arg {
        DeviceArg::Cpu => Ok(Device::Cpu),
        DeviceArg::Cuda => {
            load_cuda()?;
            if !tch::Cuda::is_available() {
                bail!("--device cuda: libtorch_cuda.so loaded but no CUDA device is visible (driver missing? CUDA_VISIBLE_DEVICES?)");
            }
            Ok(Device::Cuda(0))
        }
    }
}

fn load_cuda() -> Result<()> {
    let name = c"libtorch_cuda.so";
    // SAFETY: dlopen with a valid C string; the handle is deliberately kept for the process lifetime.
    let handle = unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
    if handle.is_null() {
        // SAFETY: dlerror returns a thread-local C string or null.
        let err = unsafe {
            let e = libc::dlerror();
            if e.is_null() {
                "unknown error".to_string()
            } else {
                std::ffi::CStr::from_ptr(e).to_string_lossy().into_owned()
            }
        };
        bail!("--device cuda: CUDA is not available on this machine ({err}); use --device cpu");
    }
    Ok(())
}

/// Keeps freed tensor memory in the process heap instead of returning it to the kernel. With glibc's
/// defaults every large CPU tensor is a fresh mmap, so each training step page-faults its ~50 MB of
/// activations anew (measured: 24 → 35-45 ms per DCN step after a monitoring step freed its buffers).
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
/// changes. Measured on AMD EPYC: MKL's matrix products 2–3× faster, f64 tanh 4×, a DCN step 16% less
/// (BENCHMARKS.md). `NNLAB_MKL_VENDOR_CHECK=1` restores MKL's own answer.
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
