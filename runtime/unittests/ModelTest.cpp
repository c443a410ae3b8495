//===- ModelTest.cpp - loading and running whole models -------------------===//
#include "KernelTestUtil.h"

#include <cmath>
#include <fstream>

using namespace neuron::rt;
using namespace neuron::rt::testkit;

namespace {
std::string expectError(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  ADD_FAILURE() << "no Error thrown";
  return "";
}
} // namespace

TEST(ModelTest, TwoStageMlpMatchesHandComputation) {
  const int64_t B = 3, I = 5, H = 7, O = 4;
  auto art = Artifact::fromBytes(buildMlpArtifact(B, I, H, O, 42));
  std::mt19937 rng(1);
  HostTensor x = randomTensor(DType::F32, {B, I}, rng);
  for (KernelBackend backend : {KernelBackend::Reference, KernelBackend::Auto}) {
    Model m = Model::load(art, {backend, 1});
    ASSERT_EQ(m.numStages(), 2u);
    ASSERT_EQ(m.inputs().size(), 1u);
    ASSERT_EQ(m.outputs().size(), 2u);
    std::vector<HostTensor> out = m.run({x});
    ASSERT_EQ(out.size(), 2u);
    // Recompute from the weights in the artifact.
    const StageDesc &s0 = art->model().stages[0], &s1 = art->model().stages[1];
    auto weight = [&](const StageDesc &s, const std::string &name) {
      for (const StageTensor &t : s.tensors)
        if (t.name == name)
          return reinterpret_cast<const float *>(art->weightData(t));
      return static_cast<const float *>(nullptr);
    };
    const float *w1 = weight(s0, "fc1.weight"), *b1 = weight(s0, "fc1.bias");
    const float *w2 = weight(s1, "fc2.weight"), *b2 = weight(s1, "fc2.bias");
    for (int64_t b = 0; b < B; ++b) {
      std::vector<double> h(H), logits(O);
      for (int64_t j = 0; j < H; ++j) {
        double acc = b1[j];
        for (int64_t i = 0; i < I; ++i)
          acc += double(x.as<float>()[b * I + i]) * w1[j * I + i];
        h[j] = std::max(acc, 0.0);
        EXPECT_NEAR(out[1].as<float>()[b * H + j], h[j], 1e-5);
      }
      double mx = -1e30, sum = 0;
      for (int64_t o = 0; o < O; ++o) {
        double acc = b2[o];
        for (int64_t j = 0; j < H; ++j)
          acc += h[j] * w2[j * O + o];
        logits[o] = acc;
        mx = std::max(mx, acc);
      }
      for (double l : logits)
        sum += std::exp(l - mx);
      for (int64_t o = 0; o < O; ++o)
        EXPECT_NEAR(out[0].as<float>()[b * O + o], std::exp(logits[o] - mx) / sum, 1e-5);
    }
    // Running again gives the same answer (arenas are reused).
    std::vector<HostTensor> again = m.run({x});
    EXPECT_TRUE(compareTensors(again[0], out[0], 0, 0).ok);
  }
}

TEST(ModelTest, LoadFromFile) {
  std::string path = ::testing::TempDir() + "/model.neff";
  std::vector<uint8_t> bytes = buildMlpArtifact(1, 3, 3, 2);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  Model m = Model::load(path);
  EXPECT_EQ(m.run({HostTensor(DType::F32, {1, 3})}).size(), 2u);
}

TEST(ModelTest, WrongInputsAreReported) {
  Model m = Model::load(Artifact::fromBytes(buildMlpArtifact(2, 4, 4, 2)));
  std::string e = expectError([&] { m.run({}); });
  EXPECT_NE(e.find("expects 1 inputs, got 0"), std::string::npos) << e;
  e = expectError([&] { m.run({HostTensor(DType::F32, {2, 5})}); });
  EXPECT_NE(e.find("input 0 'x': expected f32[2, 4], got f32[2, 5]"), std::string::npos) << e;
  e = expectError([&] { m.run({HostTensor(DType::I64, {2, 4})}); });
  EXPECT_NE(e.find("expected f32[2, 4], got i64[2, 4]"), std::string::npos) << e;
  e = expectError([&] { m.run({HostTensor(DType::F32, {2, 4}), HostTensor(DType::F32, {2, 4})}); });
  EXPECT_NE(e.find("expects 1 inputs, got 2"), std::string::npos) << e;
  // Still usable afterwards.
  EXPECT_EQ(m.run({HostTensor(DType::F32, {2, 4})}).size(), 2u);
}

TEST(ModelTest, KernelErrorLeavesModelUsable) {
  OpAttrs a;
  Model m = Model::load(Artifact::fromBytes(buildSingleOpArtifact(
      OpKind::Gather,
      {Operand::weight(f32({3}, {1, 2, 3})), Operand::input(DType::I64, {2})}, a)));
  std::string e = expectError([&] { m.run({i64({2}, {0, 5})}); });
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
  expectValues(m.run({i64({2}, {2, -3})})[0], {2}, {3, 1});
}

TEST(ModelTest, PipelineInputsFeedLaterStagesAndOutputs) {
  // Stage 1 reads a pipeline input directly, and a pipeline input is also
  // returned as an output unchanged.
  ArtifactWriter w("skip");
  uint32_t x = w.addInput("x", {DType::F32, {2}});
  uint32_t y = w.addInput("y", {DType::F32, {2}});
  StageBuilder &s0 = w.addStage(0);
  uint32_t r = s0.addOp(OpKind::Relu, {s0.addInput(ValueRef::pipelineInput(x))});
  uint32_t o0 = s0.addOutput(r);
  StageBuilder &s1 = w.addStage(2);
  uint32_t a = s1.addInput(ValueRef::stageOutput(0, o0));
  uint32_t b = s1.addInput(ValueRef::pipelineInput(y));
  uint32_t sum = s1.addOp(OpKind::Add, {a, b});
  w.addOutput("sum", ValueRef::stageOutput(1, s1.addOutput(sum)));
  w.addOutput("y", ValueRef::pipelineInput(y));
  Model m = Model::load(Artifact::fromBytes(w.finish()));
  auto out = m.run({f32({2}, {-1, 2}), f32({2}, {10, 20})});
  expectValues(out[0], {2}, {10, 22});
  expectValues(out[1], {2}, {10, 20});
}

TEST(ModelTest, ConstantsAndWeightsAsOperands) {
  std::mt19937 rng(5);
  std::vector<Operand> ops{Operand::input(DType::F32, {2, 3}),
                           Operand::constant(f32({3}, {1, 2, 3}))};
  Model m = Model::load(Artifact::fromBytes(buildSingleOpArtifact(OpKind::Mul, ops, OpAttrs())));
  expectValues(m.run({f32({2, 3}, {1, 1, 1, 2, 2, 2})})[0], {2, 3}, {1, 2, 3, 2, 4, 6});
}
