//! Choosing CPU or CUDA, and saying exactly why CUDA cannot be used.
//!
//! rustc links with --as-needed, which drops libtorch_cuda.so from the binary, so CUDA is loaded by
//! hand before the first torch call. Before that, the NVIDIA driver is asked directly (libcuda's C
//! API, through dlopen) whether it exists, how new it is and how many GPUs it sees, so each way CUDA
//! can be missing gets its own one-line error.
use anyhow::{bail, Result};
use clap::ValueEnum;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use tch::Device;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DeviceArg {
    Cpu,
    Cuda,
}

crate::clap_names!(DeviceArg);

/// libtorch 2.11.0's wheel is built for CUDA 13.0: the driver must support at least that.
pub const CUDA_BUILT_FOR: c_int = 13000;
/// The setup step that installs the CUDA libraries next to libtorch.
pub const SETUP_HINT: &str = "run `scripts/setup cuda` (make mnist DEVICE=cuda does it)";

/// The device to train on, and a line describing it ("NVIDIA H100 80GB HBM3, driver for CUDA 13.0").
pub fn select(arg: DeviceArg) -> Result<(Device, String)> {
    match arg {
        DeviceArg::Cpu => Ok((Device::Cpu, "cpu".into())),
        DeviceArg::Cuda => {
            let gpu = probe_driver()?;
            load_libtorch_cuda()?;
            if !tch::Cuda::is_available() {
                bail!(
                    "--device cuda: the driver sees {}, but libtorch cannot use it (CUDA_VISIBLE_DEVICES?)",
                    gpu.name
                );
            }
            Ok((Device::Cuda(0), format!("cuda:0 = {}, driver for CUDA {}", gpu.name, version(gpu.driver))))
        }
    }
}

/// What the NVIDIA driver reports.
pub struct Gpu {
    pub name: String,
    pub driver: c_int,
    pub count: c_int,
}

fn version(v: c_int) -> String {
    format!("{}.{}", v / 1000, v % 1000 / 10)
}

/// The driver library: libcuda.so.1, or the file named by NNLAB_LIBCUDA (tests use it to play
/// drivers that are missing, too old, or see no GPU).
fn driver_library() -> CString {
    let name = std::env::var("NNLAB_LIBCUDA").unwrap_or_else(|_| "libcuda.so.1".into());
    CString::new(name).unwrap_or_else(|_| c"libcuda.so.1".to_owned())
}

/// Asks the driver, through its C API, for its CUDA version and the first GPU's name.
pub fn probe_driver() -> Result<Gpu> {
    let lib = driver_library();
    // SAFETY: dlopen with a valid C string; the handle is kept for the process lifetime.
    let handle = unsafe { libc::dlopen(lib.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
    if handle.is_null() {
        bail!(
            "--device cuda: no NVIDIA driver on this machine ({} not found): CUDA needs an NVIDIA GPU with driver ≥ 580; use --device cpu",
            lib.to_string_lossy()
        );
    }
    let sym = |name: &CStr| {
        // SAFETY: a symbol lookup in a library we opened.
        let p = unsafe { libc::dlsym(handle, name.as_ptr()) };
        if p.is_null() {
            Err(anyhow::anyhow!("--device cuda: the NVIDIA driver library lacks {}", name.to_string_lossy()))
        } else {
            Ok(p)
        }
    };
    type IntOut = unsafe extern "C" fn(*mut c_int) -> c_int;
    // SAFETY (all calls below): each symbol is called with the C signature the CUDA driver API documents.
    let driver = unsafe {
        let f: IntOut = std::mem::transmute::<*mut c_void, IntOut>(sym(c"cuDriverGetVersion")?);
        let mut v = 0;
        let rc = f(&mut v);
        if rc != 0 {
            bail!("--device cuda: the NVIDIA driver does not answer (cuDriverGetVersion error {rc})");
        }
        v
    };
    if driver < CUDA_BUILT_FOR {
        bail!(
            "--device cuda: the NVIDIA driver supports CUDA {} but libtorch 2.11.0 is built for CUDA {}, which needs driver ≥ 580: update the driver or use --device cpu",
            version(driver),
            version(CUDA_BUILT_FOR)
        );
    }
    let (count, name) = unsafe {
        let init: unsafe extern "C" fn(u32) -> c_int = std::mem::transmute(sym(c"cuInit")?);
        let rc = init(0);
        if rc == 100 {
            bail!("--device cuda: the NVIDIA driver finds no GPU (CUDA_ERROR_NO_DEVICE); use --device cpu");
        }
        if rc != 0 {
            bail!("--device cuda: the NVIDIA driver failed to start (cuInit error {rc}); check nvidia-smi");
        }
        let count_fn: IntOut = std::mem::transmute(sym(c"cuDeviceGetCount")?);
        let mut count = 0;
        if count_fn(&mut count) != 0 || count < 1 {
            bail!("--device cuda: the NVIDIA driver sees no GPU (CUDA_VISIBLE_DEVICES?); use --device cpu");
        }
        let get: unsafe extern "C" fn(*mut c_int, c_int) -> c_int = std::mem::transmute(sym(c"cuDeviceGet")?);
        let get_name: unsafe extern "C" fn(*mut c_char, c_int, c_int) -> c_int =
            std::mem::transmute(sym(c"cuDeviceGetName")?);
        let (mut dev, mut buf) = (0, [0 as c_char; 256]);
        let name = if get(&mut dev, 0) == 0 && get_name(buf.as_mut_ptr(), buf.len() as c_int - 1, dev) == 0 {
            CStr::from_ptr(buf.as_ptr()).to_string_lossy().into_owned()
        } else {
            "an NVIDIA GPU".into()
        };
        (count, name)
    };
    Ok(Gpu { name, driver, count })
}

/// Loads libtorch_cuda.so (with everything it links: cuBLAS, cuDNN, …); a library that is missing
/// means the CUDA part of the install was not done.
fn load_libtorch_cuda() -> Result<()> {
    // SAFETY: dlopen with a valid C string; the handle is deliberately kept for the process lifetime.
    let handle = unsafe { libc::dlopen(c"libtorch_cuda.so".as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
    if handle.is_null() {
        // SAFETY: dlerror returns a thread-local C string or null.
        let err = unsafe {
            let e = libc::dlerror();
            if e.is_null() {
                "unknown error".to_string()
            } else {
                CStr::from_ptr(e).to_string_lossy().into_owned()
            }
        };
        bail!("{}", classify_load_error(&err));
    }
    Ok(())
}

/// The message for a failed dlopen of libtorch_cuda.so.
pub fn classify_load_error(dlerror: &str) -> String {
    // "libcublas.so.13: cannot open shared object file: No such file or directory"
    let missing = dlerror.split(':').map(str::trim).find(|s| s.starts_with("lib") && s.contains(".so"));
    match missing {
        Some(lib) if dlerror.contains("cannot open shared object file") && lib != "libtorch_cuda.so" => {
            format!("--device cuda: the CUDA libraries are not installed ({lib} is missing): {SETUP_HINT}")
        }
        _ => format!("--device cuda: cannot load libtorch's CUDA part ({dlerror}): {SETUP_HINT}"),
    }
}
