// libtorch's fused optimizer kernels and grad reset, which tch does not wrap (its generator skips
// functions over tensor lists). One call updates every parameter: on CUDA one multi-tensor launch
// instead of ~9 per parameter, on CPU one pass over memory instead of ~9.
#include <ATen/core/Tensor.h>
#include <ATen/ops/_fused_adam.h>
#include <ATen/ops/_fused_adamw.h>
#include <ATen/ops/_fused_sgd.h>
#include <stdexcept>
#include <string>
#include <vector>

#include "guarded.h"

using at::Tensor;

// The CPU kernels walk every list with the parameter's element count and do not check the others
// (measured: a too-small state tensor is accepted), so the shim checks.
static void check_like(const Tensor &p, const Tensor &t, const char *what) {
  if (!t.defined()) throw std::runtime_error(std::string("a parameter has no ") + what);
  if (t.sizes() != p.sizes() || t.strides() != p.strides() || t.dtype() != p.dtype() || t.device() != p.device())
    throw std::runtime_error(std::string("a ") + what + " does not match its parameter's shape, layout, type or device");
}

// get(i) for every parameter i, each checked against its parameter unless `what` is null.
template <class Get>
static std::vector<Tensor> collect(Tensor **ps, int n, const char *what, Get get) {
  std::vector<Tensor> v;
  v.reserve(n);
  for (int i = 0; i < n; i++) {
    Tensor t = get(i);
    if (what) check_like(*ps[i], t, what);
    v.push_back(t);
  }
  return v;
}

static std::vector<Tensor> params(Tensor **ps, int n) { return collect(ps, n, nullptr, [&](int i) { return *ps[i]; }); }

static std::vector<Tensor> grads(Tensor **ps, int n) {
  return collect(ps, n, "gradient", [&](int i) { return ps[i]->grad(); });
}

static std::vector<Tensor> list(Tensor **ps, Tensor **ts, int n, const char *what) {
  return collect(ps, n, what, [&](int i) { return *ts[i]; });
}

extern "C" {

/// Gradients set to undefined, so that the next backward writes them instead of adding to zeros.
char *nnlab_clear_grads(Tensor **ps, int n) {
  return guarded([&] {
    for (int i = 0; i < n; i++) ps[i]->mutable_grad().reset();
  });
}

/// Adam (L2 weight decay) or AdamW (decoupled), PyTorch's rule; `step` is a float scalar tensor on
/// the parameters' device that already holds the 1-based step number.
char *nnlab_fused_adam(Tensor **ps, Tensor **exp_avgs, Tensor **exp_avg_sqs, int n, Tensor *step, double lr, double beta1,
                       double beta2, double weight_decay, double eps, int decoupled) {
  return guarded([&] {
    std::vector<Tensor> steps(n, *step);
    auto p = params(ps, n), g = grads(ps, n), m = list(ps, exp_avgs, n, "first-moment state"), v = list(ps, exp_avg_sqs, n, "second-moment state");
    if (decoupled)
      at::_fused_adamw_(p, g, m, v, {}, steps, lr, beta1, beta2, weight_decay, eps, false, false);
    else
      at::_fused_adam_(p, g, m, v, {}, steps, lr, beta1, beta2, weight_decay, eps, false, false);
  });
}

/// SGD with optional (Nesterov) momentum; on the first step the buffers take the gradient, as in PyTorch.
char *nnlab_fused_sgd(Tensor **ps, Tensor **bufs, int n, double lr, double momentum, double weight_decay, int nesterov,
                      int first_step) {
  return guarded([&] {
    auto p = params(ps, n), g = grads(ps, n);
    std::vector<Tensor> b = momentum > 0 ? list(ps, bufs, n, "momentum buffer") : std::vector<Tensor>{};
    at::_fused_sgd_(p, g, b, weight_decay, momentum, lr, 0.0, nesterov != 0, false, first_step != 0);
  });
}
}
