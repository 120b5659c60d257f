// With the `tch` feature, the crate's own tests and examples link libtorch: give them its rpath, so
// they run without LD_LIBRARY_PATH (link arguments apply only to the package that emits them).
fn main() {
    if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    }
}
