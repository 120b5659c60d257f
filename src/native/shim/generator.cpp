// The state of libtorch's default random generators (CPU, CUDA), which tch can seed but not save:
// a checkpoint that holds it resumes with the same batches and dropout masks as an uninterrupted run.
#include <ATen/Context.h>
#include <ATen/core/Tensor.h>
#include <ATen/core/Generator.h>
#include <mutex>

#include "guarded.h"

using at::Tensor;

static at::Generator generator(int cuda, int index) {
  return at::globalContext().defaultGenerator(cuda ? c10::Device(c10::kCUDA, index) : c10::Device(c10::kCPU));
}

extern "C" {

/// A new tensor (uint8, CPU) with the generator's state, in *out.
char *nnlab_generator_state(int cuda, int index, Tensor **out) {
  return guarded([&] {
    auto gen = generator(cuda, index);
    std::lock_guard<std::mutex> lock(gen.mutex());
    *out = new Tensor(gen.get_state());
  });
}

char *nnlab_set_generator_state(int cuda, int index, Tensor *state) {
  return guarded([&] {
    auto gen = generator(cuda, index);
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(*state);
  });
}
}
