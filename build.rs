// torch-sys's own rpath flag does not reach our binaries; link args only apply to the package that emits them.
// src/native/shim/*.cpp reach libtorch functions tch does not wrap (src/native/fused.rs, generator.rs).
use std::path::Path;

fn main() {
    let lib = std::env::var("DEP_TCH_LIBTORCH_LIB").expect("torch-sys exports the libtorch lib dir");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    // src/native/cpu.rs overrides MKL's vendor check; exported, the executable's definition is the one found.
    println!("cargo:rustc-link-arg=-Wl,--export-dynamic-symbol=mkl_serv_intel_cpu_true");
    println!("cargo:rerun-if-changed=src/native/shim");
    // The report records which libtorch it ran on: the wheel's version.py says.
    let version = std::fs::read_to_string(Path::new(&lib).with_file_name("version.py"))
        .ok()
        .and_then(|v| {
            v.lines().find_map(|l| {
                l.strip_prefix("__version__ = ").map(|s| s.trim_matches(['\'', '"']).to_string())
            })
        })
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=NNLAB_LIBTORCH_VERSION={version}");
    cc::Build::new()
        .cpp(true)
        .pic(true)
        .std("c++17")
        .include(Path::new(&lib).with_file_name("include"))
        .define("_GLIBCXX_USE_CXX11_ABI", "1")
        .flag("-O2")
        .warnings(false)
        .file("src/native/shim/fused.cpp")
        .file("src/native/shim/generator.cpp")
        .compile("nnlab_shim");
}
