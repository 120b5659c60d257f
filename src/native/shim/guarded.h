// Every shim function returns NULL or a malloc'd error message that the Rust side frees: C++
// exceptions must not cross into Rust. Runs with autograd off, as an optimizer step does.
#pragma once
#include <c10/core/GradMode.h>
#include <cstdlib>
#include <cstring>
#include <exception>

template <class F>
static char *guarded(F f) {
  try {
    c10::NoGradGuard no_grad;
    f();
    return nullptr;
  } catch (const std::exception &e) {
    return strdup(e.what());
  }
}
