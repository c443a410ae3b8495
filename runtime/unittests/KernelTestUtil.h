//===- KernelTestUtil.h - running one op in tests ---------------*- C++ -*-===//
#ifndef NEURON_RUNTIME_UNITTESTS_KERNELTESTUTIL_H
#define NEURON_RUNTIME_UNITTESTS_KERNELTESTUTIL_H

#include "neuron/runtime/Compare.h"
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Model.h"
#include "neuron/runtime/TestArtifacts.h"

#include <gtest/gtest.h>

namespace neuron::rt::testkit {

/// Runs `kind` with every operand a pipeline input holding `values`.
inline std::vector<HostTensor> runOp(OpKind kind, const std::vector<HostTensor> &values,
                                     const OpAttrs &attrs,
                                     KernelBackend backend = KernelBackend::Reference) {
  std::vector<Operand> ops;
  for (const HostTensor &v : values)
    ops.push_back(Operand::input(v.dtype(), v.shape()));
  Model m = Model::load(Artifact::fromBytes(buildSingleOpArtifact(kind, ops, attrs)),
                        {backend, 1});
  return m.run(values);
}

inline HostTensor f32(Shape shape, std::vector<float> v) {
  return HostTensor::copyOf(DType::F32, std::move(shape), v.data());
}
inline HostTensor i64(Shape shape, std::vector<int64_t> v) {
  return HostTensor::copyOf(DType::I64, std::move(shape), v.data());
}

/// Expects `t` to hold exactly `expected` (converted to double).
inline void expectValues(const HostTensor &t, const Shape &shape,
                         const std::vector<double> &expected, double tol = 1e-5) {
  ASSERT_EQ(t.shape(), shape);
  ASSERT_EQ(t.numElements(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(elementAsDouble(t, i), expected[i], tol) << "element " << i;
}

/// Builds the op with weights where `weights[i]` is set (pre-packable), runs
/// it with the reference and the default (oneDNN) backend on random inputs
/// and compares; with `expectDnnl`, also checks that oneDNN was used.
inline void crossCheck(OpKind kind, const std::vector<Operand> &operands,
                       const OpAttrs &attrs, std::mt19937 &rng, bool expectDnnl = true,
                       double rtol = 1e-4, double atol = 1e-5) {
  std::vector<HostTensor> inputs;
  for (const Operand &o : operands)
    if (o.kind == Operand::Input)
      inputs.push_back(randomTensor(o.value.dtype(), o.value.shape(), rng));
  auto art = Artifact::fromBytes(buildSingleOpArtifact(kind, operands, attrs));
  Model ref = Model::load(art, {KernelBackend::Reference, 1});
  Model fast = Model::load(art, {KernelBackend::Auto, 1});
#ifdef NEURON_RUNTIME_HAVE_DNNL
  if (expectDnnl)
    EXPECT_EQ(fast.kernelBackends()[0][0], "onednn") << opKindName(kind);
#endif
  std::vector<HostTensor> a = ref.run(inputs), b = fast.run(inputs);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CompareResult r = compareTensors(b[i], a[i], rtol, atol);
    EXPECT_TRUE(r.ok) << opKindName(kind) << " output " << i << ": " << r.problem << " "
                      << r.mismatches << " mismatches, worst at " << formatShape(r.worstPosition)
                      << ": got " << r.got << " expected " << r.expected;
  }
}

} // namespace neuron::rt::testkit

#endif
