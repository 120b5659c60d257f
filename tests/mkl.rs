//! The MKL vendor-check override (src/native/cpu.rs) is the definition libtorch's MKL calls.

#[test]
fn our_mkl_vendor_check_takes_precedence_over_libtorchs() {
    // Any libtorch call first, so libtorch_cpu is loaded and bound.
    let _ =
        tch::Tensor::ones([2, 2], tch::kind::FLOAT_CPU).mm(&tch::Tensor::ones([2, 2], tch::kind::FLOAT_CPU));
    // SAFETY: symbol lookups only.
    let (found, theirs) = unsafe {
        (
            libc::dlsym(libc::RTLD_DEFAULT, c"mkl_serv_intel_cpu_true".as_ptr()),
            libc::dlsym(libc::RTLD_NEXT, c"mkl_serv_intel_cpu_true".as_ptr()),
        )
    };
    assert_eq!(
        found as usize,
        nnlab::native::cpu::mkl_serv_intel_cpu_true as *const () as usize,
        "the executable's definition is not the one found"
    );
    // A libtorch without MKL's function would leave the override (and its speed-up) silently dead.
    assert!(!theirs.is_null() && theirs != found, "libtorch_cpu no longer has mkl_serv_intel_cpu_true");
    assert_eq!(nnlab::native::cpu::mkl_serv_intel_cpu_true(), 1);
}
