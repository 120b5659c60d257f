// With the `tch` feature, the crate's own tests and examples link libtorch: give them its rpath, so
// they run without LD_LIBRARY_PATH (link arguments apply only to the package that emits them).
// Unix targets only: Windows has no rpath (libtorch's DLLs are found through PATH there).
fn main() {
    let unix = std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f.split(',').any(|f| f == "unix"));
    if let (Ok(lib), true) = (std::env::var("DEP_TCH_LIBTORCH_LIB"), unix) {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    }
}
