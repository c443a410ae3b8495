//===- Compare.cpp - comparing tensors with tolerances --------------------===//
#include "neuron/runtime/Compare.h"
#include "Kernels.h"

#include <cmath>

namespace neuron::rt {

double elementAsDouble(const HostTensor &t, uint64_t i) {
  double v = 0;
  dispatchAll(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    v = double(ld<T>(t.data(), i));
  });
  return v;
}

CompareResult compareTensors(const HostTensor &got, const HostTensor &expected,
                             double rtol, double atol) {
  CompareResult r;
  if (got.dtype() != expected.dtype() || got.shape() != expected.shape()) {
    r.ok = false;
    r.problem = "expected " + expected.describe() + ", got " + got.describe();
    return r;
  }
  double worstRatio = -1;
  uint64_t n = got.numElements();
  for (uint64_t i = 0; i < n; ++i) {
    double g = elementAsDouble(got, i), e = elementAsDouble(expected, i);
    double err = std::fabs(g - e), tol = atol + rtol * std::fabs(e);
    bool bad;
    double ratio;
    if (std::isnan(g) || std::isnan(e)) {
      bad = std::isnan(g) != std::isnan(e);
      ratio = bad ? INFINITY : 0;
    } else if (std::isinf(g) || std::isinf(e)) {
      bad = g != e;
      ratio = bad ? INFINITY : 0;
    } else {
      bad = err > tol;
      ratio = tol > 0 ? err / tol : (err > 0 ? INFINITY : 0);
    }
    if (bad)
      ++r.mismatches;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      r.worstIndex = i;
      r.got = g;
      r.expected = e;
      r.absError = err;
      r.relError = e != 0 ? err / std::fabs(e) : (err > 0 ? INFINITY : 0);
    }
  }
  r.ok = r.mismatches == 0;
  uint64_t rem = r.worstIndex;
  r.worstPosition.assign(got.shape().size(), 0);
  for (int d = int(got.shape().size()) - 1; d >= 0; --d) {
    int64_t dim = got.shape()[d];
    if (dim > 0) {
      r.worstPosition[d] = int64_t(rem % uint64_t(dim));
      rem /= uint64_t(dim);
    }
  }
  return r;
}

} // namespace neuron::rt
