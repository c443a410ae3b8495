//===- Compare.h - comparing tensors with tolerances ------------*- C++ -*-===//
#ifndef NEURON_RUNTIME_COMPARE_H
#define NEURON_RUNTIME_COMPARE_H

#include "neuron/runtime/HostTensor.h"

#include <string>

namespace neuron::rt {

/// The outcome of comparing `got` with `expected` elementwise with
/// |got - expected| <= atol + rtol * |expected| (NaN matches only NaN).
struct CompareResult {
  bool ok = true;
  std::string problem;     ///< Set when shapes or dtypes differ.
  uint64_t mismatches = 0; ///< Elements outside the tolerance.
  uint64_t worstIndex = 0; ///< Linear index of the worst element.
  Shape worstPosition;     ///< Its multi-index.
  double got = 0, expected = 0, absError = 0, relError = 0;
};

/// Compares two tensors of the same shape and dtype. The worst element is
/// the one that exceeds its tolerance by the largest factor.
CompareResult compareTensors(const HostTensor &got, const HostTensor &expected,
                             double rtol, double atol);

/// Reads element `i` of any dtype as a double.
double elementAsDouble(const HostTensor &t, uint64_t i);

} // namespace neuron::rt

#endif // NEURON_RUNTIME_COMPARE_H
