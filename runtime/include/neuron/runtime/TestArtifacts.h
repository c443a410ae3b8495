//===- TestArtifacts.h - small artifacts built in C++ -----------*- C++ -*-===//
//
// Helpers for tests (the runtime's, the emitter's, the tools'): random
// tensors, a one-op artifact, and a small two-stage MLP pipeline.
//
//===----------------------------------------------------------------------===//
#ifndef NEURON_RUNTIME_TESTARTIFACTS_H
#define NEURON_RUNTIME_TESTARTIFACTS_H

#include "neuron/runtime/ArtifactWriter.h"
#include "neuron/runtime/HostTensor.h"

#include <cstdint>
#include <random>
#include <vector>

namespace neuron::rt::testkit {

/// Returns a tensor of uniform values in [lo, hi] (integers: rounded; bool:
/// random 0/1).
HostTensor randomTensor(DType dtype, const Shape &shape, std::mt19937 &rng,
                        double lo = -1.0, double hi = 1.0);

/// An operand of a one-op artifact: a pipeline input, or a weight / constant
/// with the given value.
struct Operand {
  enum Kind { Input, Weight, Constant } kind = Input;
  HostTensor value; ///< Type and, for weights and constants, the bytes.
  static Operand input(DType d, Shape s) { return {Input, HostTensor(d, std::move(s))}; }
  static Operand weight(HostTensor v) { return {Weight, std::move(v)}; }
  static Operand constant(HostTensor v) { return {Constant, std::move(v)}; }
};

/// Builds an artifact with one stage holding one op. Its pipeline inputs are
/// the Input operands in order; its outputs are all the op's results.
std::vector<uint8_t> buildSingleOpArtifact(OpKind kind, const std::vector<Operand> &operands,
                                           const OpAttrs &attrs);

/// Builds a two-stage MLP: x[batch, in] -> (stage 0 on core 0) gemm + relu
/// -> (stage 1 on core 1) matmul + bias add -> softmax; outputs "probs" and,
/// straight from stage 0, "hidden". Weights are random from `seed`.
std::vector<uint8_t> buildMlpArtifact(int64_t batch, int64_t in, int64_t hidden,
                                      int64_t out, uint32_t seed = 1);

} // namespace neuron::rt::testkit

#endif // NEURON_RUNTIME_TESTARTIFACTS_H
