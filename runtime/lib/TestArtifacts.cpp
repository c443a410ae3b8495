//===- TestArtifacts.cpp - small artifacts built in C++ -------------------===//
#include "neuron/runtime/TestArtifacts.h"
#include "Kernels.h"

namespace neuron::rt::testkit {

HostTensor randomTensor(DType dtype, const Shape &shape, std::mt19937 &rng, double lo,
                        double hi) {
  HostTensor t(dtype, shape);
  std::uniform_real_distribution<double> dist(lo, hi);
  uint64_t n = t.numElements();
  dispatchAll(dtype, [&](auto tag) {
    using T = decltype(tag);
    using C = Compute<T>;
    for (uint64_t i = 0; i < n; ++i) {
      double v = dist(rng);
      if constexpr (std::is_same_v<C, bool>)
        st<T>(t.data(), i, v > (lo + hi) / 2);
      else if constexpr (std::is_integral_v<C>)
        st<T>(t.data(), i, C(std::llround(v)));
      else
        st<T>(t.data(), i, C(v));
    }
  });
  return t;
}

std::vector<uint8_t> buildSingleOpArtifact(OpKind kind, const std::vector<Operand> &operands,
                                           const OpAttrs &attrs) {
  ArtifactWriter w(std::string("single_") + opKindName(kind));
  std::vector<uint32_t> pipelineInputs;
  for (size_t i = 0; i < operands.size(); ++i)
    if (operands[i].kind == Operand::Input)
      pipelineInputs.push_back(w.addInput(
          "in" + std::to_string(i), {operands[i].value.dtype(), operands[i].value.shape()}));
  StageBuilder &s = w.addStage(0);
  std::vector<uint32_t> ids;
  size_t next = 0;
  for (size_t i = 0; i < operands.size(); ++i) {
    const Operand &o = operands[i];
    TensorType type{o.value.dtype(), o.value.shape()};
    std::string name = "operand" + std::to_string(i);
    if (o.kind == Operand::Input)
      ids.push_back(s.addInput(ValueRef::pipelineInput(pipelineInputs[next++])));
    else if (o.kind == Operand::Weight)
      ids.push_back(s.addWeight(name, type, o.value.data()));
    else
      ids.push_back(s.addConstant(name, type, o.value.data()));
  }
  std::vector<uint32_t> results = s.addOpMulti(kind, ids, attrs, "op");
  for (size_t r = 0; r < results.size(); ++r)
    w.addOutput("out" + std::to_string(r), ValueRef::stageOutput(0, s.addOutput(results[r])));
  return w.finish();
}

std::vector<uint8_t> buildMlpArtifact(int64_t batch, int64_t in, int64_t hidden,
                                      int64_t out, uint32_t seed) {
  std::mt19937 rng(seed);
  ArtifactWriter w("mlp");
  w.setBatchSize(uint32_t(batch));
  w.setOption("neuroncore-pipeline-cores", "2");
  uint32_t x = w.addInput("x", {DType::F32, {batch, in}});

  StageBuilder &s0 = w.addStage(0);
  HostTensor w1 = randomTensor(DType::F32, {hidden, in}, rng, -0.5, 0.5);
  HostTensor b1 = randomTensor(DType::F32, {hidden}, rng, -0.5, 0.5);
  uint32_t xi = s0.addInput(ValueRef::pipelineInput(x));
  uint32_t w1i = s0.addWeight("fc1.weight", {DType::F32, {hidden, in}}, w1.data());
  uint32_t b1i = s0.addWeight("fc1.bias", {DType::F32, {hidden}}, b1.data());
  OpAttrs gemm = defaultAttrs(OpKind::Gemm);
  gemm.transB = true;
  uint32_t h = s0.addOp(OpKind::Gemm, {xi, w1i, b1i}, gemm, "fc1");
  uint32_t r = s0.addOp(OpKind::Relu, {h}, std::nullopt, "relu1");
  uint32_t s0out = s0.addOutput(r);

  StageBuilder &s1 = w.addStage(1);
  HostTensor w2 = randomTensor(DType::F32, {hidden, out}, rng, -0.5, 0.5);
  HostTensor b2 = randomTensor(DType::F32, {out}, rng, -0.5, 0.5);
  uint32_t hi = s1.addInput(ValueRef::stageOutput(0, s0out));
  uint32_t w2i = s1.addWeight("fc2.weight", {DType::F32, {hidden, out}}, w2.data());
  uint32_t b2i = s1.addWeight("fc2.bias", {DType::F32, {out}}, b2.data());
  uint32_t m = s1.addOp(OpKind::MatMul, {hi, w2i}, std::nullopt, "fc2");
  uint32_t a = s1.addOp(OpKind::Add, {m, b2i}, std::nullopt, "fc2.bias_add");
  uint32_t p = s1.addOp(OpKind::Softmax, {a}, std::nullopt, "softmax");
  w.addOutput("probs", ValueRef::stageOutput(1, s1.addOutput(p)));
  w.addOutput("hidden", ValueRef::stageOutput(0, s0out));
  return w.finish();
}

} // namespace neuron::rt::testkit
