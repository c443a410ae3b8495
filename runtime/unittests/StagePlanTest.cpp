//===- StagePlanTest.cpp - load-time fusion, layouts and views ------------===//
//
// Each test builds a small stage, loads it with the reference backend (which
// runs the ops as written) and with oneDNN (which plans: fuses, changes
// layouts, turns reshapes into views, re-plans the arena), checks that the
// plan did what the rule says, and that both give the same numbers.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/ArtifactWriter.h"
#include "neuron/runtime/Compare.h"
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Model.h"
#include "neuron/runtime/TestArtifacts.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>

using namespace neuron::rt;
using namespace neuron::rt::testkit;

namespace {

struct Built {
  std::shared_ptr<const Artifact> artifact;
  std::vector<HostTensor> inputs;
};

/// Builds a one-stage artifact: `body` adds ops to the stage given its
/// input ids and returns the tensors to output.
Built build(const std::vector<TensorType> &inputTypes,
            const std::function<std::vector<uint32_t>(StageBuilder &, std::vector<uint32_t>,
                                                      std::mt19937 &)> &body) {
  std::mt19937 rng(7);
  ArtifactWriter w("plan");
  StageBuilder &s = w.addStage(0);
  std::vector<uint32_t> ins;
  Built b;
  for (size_t i = 0; i < inputTypes.size(); ++i) {
    uint32_t x = w.addInput("x" + std::to_string(i), inputTypes[i]);
    ins.push_back(s.addInput(ValueRef::pipelineInput(x)));
    b.inputs.push_back(randomTensor(inputTypes[i].dtype, inputTypes[i].shape, rng));
  }
  std::vector<uint32_t> outs = body(s, ins, rng);
  for (size_t i = 0; i < outs.size(); ++i)
    w.addOutput("y" + std::to_string(i), ValueRef::stageOutput(0, s.addOutput(outs[i])));
  b.artifact = Artifact::fromBytes(w.finish());
  return b;
}

uint32_t weight(StageBuilder &s, const std::string &name, Shape shape, std::mt19937 &rng,
                double lo = -0.5, double hi = 0.5) {
  HostTensor t = randomTensor(DType::F32, shape, rng, lo, hi);
  return s.addWeight(name, {DType::F32, shape}, t.data());
}

uint32_t scalar(StageBuilder &s, float v) {
  return s.addConstant("c", {DType::F32, {}}, &v);
}

/// Runs both backends, compares every output and returns the oneDNN model.
Model runBoth(const Built &b, double rtol = 1e-4, double atol = 1e-5) {
  Model ref = Model::load(b.artifact, {KernelBackend::Reference, 1});
  Model fast = Model::load(b.artifact, {KernelBackend::Auto, 1});
  auto want = ref.run(b.inputs), got = fast.run(b.inputs);
  EXPECT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size() && i < got.size(); ++i) {
    CompareResult r = compareTensors(got[i], want[i], rtol, atol);
    EXPECT_TRUE(r.ok) << "output " << i << ": " << r.problem << " " << r.mismatches
                      << " mismatches, worst at " << formatShape(r.worstPosition) << ": got "
                      << r.got << " expected " << r.expected;
  }
  // Running twice reuses the planned arena: the results must not change.
  auto again = fast.run(b.inputs);
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_TRUE(compareTensors(again[i], got[i], 0, 0).ok) << "second run, output " << i;
  // The reference backend runs the program as written.
  auto refPlan = ref.kernelPlan();
  for (const std::string &line : refPlan[0])
    EXPECT_EQ(line.find('+'), std::string::npos) << line;
  return fast;
}

bool hasStep(const Model &m, const std::string &text) {
  auto plan = m.kernelPlan();
  for (const std::string &line : plan[0])
    if (line.find(text) != std::string::npos)
      return true;
  return false;
}

std::string planText(const Model &m) {
  std::string s;
  auto plan = m.kernelPlan();
  for (const std::string &line : plan[0])
    s += "  " + line + "\n";
  return s;
}

OpAttrs convAttrs(int64_t k, int64_t stride) {
  OpAttrs a = defaultAttrs(OpKind::Conv);
  a.kernelShape = {k, k};
  a.strides = {stride, stride};
  int64_t p = k / 2;
  a.pads = {p, p, p, p};
  return a;
}

uint32_t batchNorm(StageBuilder &s, uint32_t x, int64_t c, std::mt19937 &rng,
                   const std::string &name) {
  uint32_t scale = weight(s, name + ".scale", {c}, rng, 0.5, 1.5);
  uint32_t shift = weight(s, name + ".shift", {c}, rng);
  uint32_t mean = weight(s, name + ".mean", {c}, rng);
  uint32_t var = weight(s, name + ".var", {c}, rng, 0.5, 2.0);
  return s.addOp(OpKind::BatchNorm, {x, scale, shift, mean, var}, std::nullopt, name);
}

#ifdef NEURON_RUNTIME_HAVE_DNNL

// A ResNet basic block with a downsampling shortcut, then a flatten.
TEST(StagePlanTest, ResidualBlockFusesBatchNormActivationAndAdd) {
  Built b = build({{DType::F32, {1, 8, 12, 12}}}, [](StageBuilder &s, std::vector<uint32_t> in,
                                                     std::mt19937 &rng) {
    uint32_t x = in[0];
    uint32_t c1 = s.addOp(OpKind::Conv, {x, weight(s, "w1", {16, 8, 3, 3}, rng),
                                         weight(s, "b1", {16}, rng)},
                          convAttrs(3, 2));
    uint32_t a = s.addOp(OpKind::Relu, {batchNorm(s, c1, 16, rng, "bn1")});
    uint32_t c2 = s.addOp(OpKind::Conv, {a, weight(s, "w2", {16, 16, 3, 3}, rng)}, convAttrs(3, 1));
    uint32_t b2 = batchNorm(s, c2, 16, rng, "bn2");
    uint32_t d = s.addOp(OpKind::Conv, {x, weight(s, "wd", {16, 8, 1, 1}, rng)}, convAttrs(1, 2));
    uint32_t sum = s.addOp(OpKind::Add, {b2, batchNorm(s, d, 16, rng, "bnd")});
    uint32_t r = s.addOp(OpKind::Relu, {sum});
    OpAttrs flat = defaultAttrs(OpKind::Flatten);
    return std::vector<uint32_t>{s.addOp(OpKind::Flatten, {r}, flat)};
  });
  Model m = runBoth(b);
  std::string plan = planText(m);
  EXPECT_TRUE(hasStep(m, "conv+batch_norm+relu [nhwc]")) << plan;
  // The add joins the later of its two producers (the shortcut conv).
  EXPECT_TRUE(hasStep(m, "conv+batch_norm+add+relu [nhwc]")) << plan;
  // NCHW input to NHWC, and back before the flatten.
  EXPECT_TRUE(hasStep(m, "reorder [nhwc]")) << plan;
  EXPECT_EQ(m.kernelPlan()[0].size(), 5u) << plan;
  EXPECT_EQ(m.kernelBackends()[0].back(), "view");
}

// A transformer feed-forward tail: matmul, bias, gelu, residual add.
TEST(StagePlanTest, MatMulAbsorbsBiasActivationAndResidual) {
  Built b = build({{DType::F32, {2, 16, 32}}, {DType::F32, {2, 16, 48}}},
                  [](StageBuilder &s, std::vector<uint32_t> in, std::mt19937 &rng) {
                    uint32_t m = s.addOp(OpKind::MatMul, {in[0], weight(s, "w", {32, 48}, rng)});
                    uint32_t bias = s.addOp(OpKind::Add, {m, weight(s, "b", {48}, rng)});
                    uint32_t g = s.addOp(OpKind::Gelu, {bias});
                    return std::vector<uint32_t>{s.addOp(OpKind::Add, {in[1], g})};
                  });
  Model m = runBoth(b);
  EXPECT_TRUE(hasStep(m, "matmul+add+gelu+add")) << planText(m);
  EXPECT_EQ(m.kernelPlan()[0].size(), 1u) << planText(m);
}

// Attention scores: scaled by a constant, masked, then softmax.
TEST(StagePlanTest, MatMulAbsorbsScaleAndMask) {
  Built b = build({{DType::F32, {1, 2, 16, 8}}, {DType::F32, {1, 2, 8, 16}},
                   {DType::F32, {1, 1, 1, 16}}},
                  [](StageBuilder &s, std::vector<uint32_t> in, std::mt19937 &) {
                    uint32_t m = s.addOp(OpKind::MatMul, {in[0], in[1]});
                    uint32_t d = s.addOp(OpKind::Div, {m, scalar(s, 2.8284271f)});
                    uint32_t k = s.addOp(OpKind::Add, {d, in[2]});
                    return std::vector<uint32_t>{s.addOp(OpKind::Softmax, {k})};
                  });
  Model m = runBoth(b);
  EXPECT_TRUE(hasStep(m, "matmul+div")) << planText(m);
}

// A result that is also a stage output, or read twice, is not fused away.
TEST(StagePlanTest, SharedResultsAreNotFused) {
  Built b = build({{DType::F32, {4, 32}}}, [](StageBuilder &s, std::vector<uint32_t> in,
                                             std::mt19937 &rng) {
    uint32_t m = s.addOp(OpKind::MatMul, {in[0], weight(s, "w", {32, 32}, rng)});
    uint32_t r = s.addOp(OpKind::Relu, {m});
    uint32_t m2 = s.addOp(OpKind::MatMul, {r, weight(s, "w2", {32, 32}, rng)});
    uint32_t t = s.addOp(OpKind::Tanh, {m2});
    uint32_t sg = s.addOp(OpKind::Sigmoid, {m2});
    return std::vector<uint32_t>{m, t, sg};
  });
  Model m = runBoth(b);
  EXPECT_FALSE(hasStep(m, "+")) << planText(m);
}

// `c - matmul` and `c / matmul` have no post-op form; `matmul - c` has.
TEST(StagePlanTest, OrderedBinaryOpsFuseOnlyWithTheResultFirst) {
  Built b = build({{DType::F32, {4, 16}}, {DType::F32, {4, 16}}},
                  [](StageBuilder &s, std::vector<uint32_t> in, std::mt19937 &rng) {
                    uint32_t m = s.addOp(OpKind::MatMul, {in[0], weight(s, "w", {16, 16}, rng)});
                    uint32_t d = s.addOp(OpKind::Sub, {in[1], m});
                    uint32_t m2 = s.addOp(OpKind::MatMul, {d, weight(s, "w2", {16, 16}, rng)});
                    uint32_t e = s.addOp(OpKind::Sub, {m2, in[1]});
                    return std::vector<uint32_t>{e};
                  });
  Model m = runBoth(b);
  std::vector<std::string> plan = m.kernelPlan()[0];
  ASSERT_EQ(plan.size(), 3u) << planText(m);
  EXPECT_EQ(plan[0].rfind("matmul (", 0), 0u) << planText(m);
  EXPECT_EQ(plan[2].rfind("matmul+sub", 0), 0u) << planText(m);
}

// A reshape of a stage input that is itself a stage output stays a copy: a
// view would point into the previous stage's recycled buffers.
TEST(StagePlanTest, ViewsOfStageInputsAreNotStageOutputs) {
  Built b = build({{DType::F32, {2, 6}}}, [](StageBuilder &s, std::vector<uint32_t> in,
                                            std::mt19937 &) {
    OpAttrs r = defaultAttrs(OpKind::Reshape);
    r.shape = {3, 4};
    uint32_t out = s.addOp(OpKind::Reshape, {in[0]}, r);
    r.shape = {12};
    uint32_t inner = s.addOp(OpKind::Reshape, {in[0]}, r);
    return std::vector<uint32_t>{out, s.addOp(OpKind::Relu, {inner})};
  });
  Model m = runBoth(b);
  EXPECT_EQ(m.kernelBackends()[0][0], "reference");
  EXPECT_EQ(m.kernelBackends()[0][1], "view");
}

#endif // NEURON_RUNTIME_HAVE_DNNL

// Without oneDNN nothing is fused, but views and the re-planned arena still
// apply and must give the same numbers as the compiler's plan.
TEST(StagePlanTest, ReferencePlanKeepsEveryOp) {
  Built b = build({{DType::F32, {3, 8}}}, [](StageBuilder &s, std::vector<uint32_t> in,
                                            std::mt19937 &rng) {
    uint32_t m = s.addOp(OpKind::MatMul, {in[0], weight(s, "w", {8, 8}, rng)});
    uint32_t a = s.addOp(OpKind::Relu, {m});
    OpAttrs r = defaultAttrs(OpKind::Reshape);
    r.shape = {24};
    uint32_t v = s.addOp(OpKind::Reshape, {a}, r);
    return std::vector<uint32_t>{s.addOp(OpKind::Neg, {v})};
  });
  Model ref = Model::load(b.artifact, {KernelBackend::Reference, 1});
  EXPECT_EQ(ref.kernelPlan()[0].size(), 3u);
  EXPECT_EQ(ref.kernelBackends()[0][2], "view");
  auto out = ref.run(b.inputs);
  ASSERT_EQ(out.size(), 1u);
  // -relu(x W) computed by hand.
  const float *x = static_cast<const float *>(b.inputs[0].data());
  std::mt19937 rng(7);
  randomTensor(DType::F32, {3, 8}, rng); // The input drew first.
  HostTensor w = randomTensor(DType::F32, {8, 8}, rng, -0.5, 0.5);
  const float *W = static_cast<const float *>(w.data());
  const float *y = static_cast<const float *>(out[0].data());
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 8; ++j) {
      float acc = 0;
      for (int k = 0; k < 8; ++k)
        acc += x[i * 8 + k] * W[k * 8 + j];
      EXPECT_NEAR(y[i * 8 + j], -std::max(acc, 0.0f), 1e-5) << i << "," << j;
    }
}

} // namespace

#ifdef NEURON_RUNTIME_HAVE_DNNL
namespace {
// A linear layer on [batch, seq, d] as the importers write it: a 2-D Gemm
// between reshapes, then the activation and the residual add, which fusion
// reaches through the reshape.
// A residual read for the last time by the add is overwritten in place (a
// sum post-op); one that is read again later must survive the add; and a
// stage output in an NHWC class is computed in NHWC and reordered back.
TEST(StagePlanTest, ResidualsAreOverwrittenOnlyAfterTheirLastRead) {
  Built b = build({{DType::F32, {1, 8, 10, 10}}}, [](StageBuilder &s, std::vector<uint32_t> in,
                                                     std::mt19937 &rng) {
    uint32_t x = s.addOp(OpKind::Relu, {s.addOp(OpKind::Conv, {in[0], weight(s, "w0", {8, 8, 3, 3}, rng)},
                                                 convAttrs(3, 1))});
    uint32_t a = s.addOp(OpKind::Relu, {s.addOp(OpKind::Conv, {x, weight(s, "w1", {8, 8, 3, 3}, rng)},
                                                 convAttrs(3, 1))});
    uint32_t c = s.addOp(OpKind::Conv, {a, weight(s, "w2", {8, 8, 3, 3}, rng)}, convAttrs(3, 1));
    uint32_t y = s.addOp(OpKind::Relu, {s.addOp(OpKind::Add, {c, x})}); // x: last read
    uint32_t c2 = s.addOp(OpKind::Conv, {y, weight(s, "w3", {8, 8, 3, 3}, rng)}, convAttrs(3, 1));
    uint32_t z = s.addOp(OpKind::Add, {c2, y});
    uint32_t later = s.addOp(OpKind::Sigmoid, {y}); // y is read after the add.
    uint32_t c3 = s.addOp(OpKind::Conv, {later, weight(s, "w4", {8, 8, 1, 1}, rng)}, convAttrs(1, 1));
    uint32_t c4 = s.addOp(OpKind::Conv, {z, weight(s, "w5", {8, 8, 1, 1}, rng)}, convAttrs(1, 1));
    return std::vector<uint32_t>{s.addOp(OpKind::Add, {c4, c3})};
  });
  Model m = runBoth(b);
  EXPECT_TRUE(hasStep(m, "conv+add+relu [nhwc]")) << planText(m);
  auto plan = m.kernelPlan()[0];
  size_t reorders = 0;
  for (const std::string &line : plan)
    reorders += line.rfind("reorder", 0) == 0;
  // Into NHWC (unless the first conv is a Winograd one, which reads the
  // NCHW input itself), and the output back.
  bool wino = plan[0].find("wino") != std::string::npos;
  EXPECT_EQ(reorders, wino ? 1u : 2u) << planText(m);
  EXPECT_EQ(plan.back().rfind("reorder (", 0), 0u) << planText(m);
}

// 3x3 stride-1 convolutions run as Winograd on AVX-512, in oneDNN's blocked
// layout: the first reads the NCHW input (its class holds the stage input)
// and writes a blocked result that the second reads in place; the second
// stages its NCHW residual in, sums into it and stages the result out. The
// numbers must match the reference's direct convolutions.
TEST(StagePlanTest, WinogradConvolutionsStageTheirLayouts) {
  if (!__builtin_cpu_supports("avx512f"))
    GTEST_SKIP() << "oneDNN's Winograd kernels need AVX-512";
  Built b = build({{DType::F32, {2, 32, 14, 14}}}, [](StageBuilder &s, std::vector<uint32_t> in,
                                                      std::mt19937 &rng) {
    uint32_t x = s.addOp(OpKind::Relu, {in[0]});
    uint32_t c1 = s.addOp(OpKind::Conv, {x, weight(s, "w1", {32, 32, 3, 3}, rng),
                                         weight(s, "b1", {32}, rng)},
                          convAttrs(3, 1));
    uint32_t a = s.addOp(OpKind::Relu, {batchNorm(s, c1, 32, rng, "bn1")});
    uint32_t c2 = s.addOp(OpKind::Conv, {a, weight(s, "w2", {32, 32, 3, 3}, rng)}, convAttrs(3, 1));
    uint32_t y = s.addOp(OpKind::Relu, {s.addOp(OpKind::Add, {c2, x})}); // x: last read
    return std::vector<uint32_t>{
        s.addOp(OpKind::Conv, {y, weight(s, "w3", {8, 32, 1, 1}, rng)}, convAttrs(1, 1))};
  });
  Model m = runBoth(b);
  std::string plan = planText(m);
  EXPECT_TRUE(hasStep(m, "conv+batch_norm+relu [blocked] (onednn jit_wino")) << plan;
  EXPECT_TRUE(hasStep(m, "conv+add+relu (onednn jit_wino")) << plan;
  // No reorder between them: only into the 1x1 conv's NHWC and back out.
  size_t reorders = 0, wino = 0;
  auto steps = m.kernelPlan()[0];
  for (const std::string &line : steps) {
    reorders += line.rfind("reorder", 0) == 0;
    wino += line.find("wino") != std::string::npos;
  }
  EXPECT_EQ(reorders, 2u) << plan;
  EXPECT_EQ(wino, 2u) << plan;
}

// A ResNet stage: stem conv and max pool, two basic blocks of Winograd
// convolutions, a stride-2 transition. The pool's result and the blocks'
// tensors are kept blocked (nChw16c): the pool runs in its input's NHWC and
// its smaller result is reordered, the Winograd convolutions read and write
// (and sum into) blocked tensors in place, and the transition's direct
// convolutions get one NHWC copy of the blocks' output.
TEST(StagePlanTest, WinogradChainsStayBlocked) {
  if (!__builtin_cpu_supports("avx512f"))
    GTEST_SKIP() << "oneDNN's Winograd kernels need AVX-512";
  Built b = build({{DType::F32, {1, 3, 32, 32}}}, [](StageBuilder &s, std::vector<uint32_t> in,
                                                     std::mt19937 &rng) {
    uint32_t x = s.addOp(OpKind::Relu, {s.addOp(OpKind::Conv, {in[0], weight(s, "stem", {32, 3, 3, 3}, rng)},
                                                  convAttrs(3, 2))});
    OpAttrs pool = defaultAttrs(OpKind::MaxPool);
    pool.kernelShape = {3, 3};
    pool.strides = {2, 2};
    pool.pads = {1, 1, 1, 1};
    x = s.addOp(OpKind::MaxPool, {x}, pool);
    for (int blk = 0; blk < 2; ++blk) {
      std::string p = "b" + std::to_string(blk);
      uint32_t a = s.addOp(OpKind::Relu, {batchNorm(s, s.addOp(OpKind::Conv, {x, weight(s, p + "w1", {32, 32, 3, 3}, rng)},
                                                               convAttrs(3, 1)), 32, rng, p + "bn1")});
      uint32_t c = batchNorm(s, s.addOp(OpKind::Conv, {a, weight(s, p + "w2", {32, 32, 3, 3}, rng)},
                                        convAttrs(3, 1)), 32, rng, p + "bn2");
      x = s.addOp(OpKind::Relu, {s.addOp(OpKind::Add, {c, x})});
    }
    uint32_t down = s.addOp(OpKind::Conv, {x, weight(s, "down", {64, 32, 1, 1}, rng)}, convAttrs(1, 2));
    uint32_t t = s.addOp(OpKind::Conv, {x, weight(s, "t", {64, 32, 3, 3}, rng)}, convAttrs(3, 2));
    return std::vector<uint32_t>{s.addOp(OpKind::Add, {t, down})};
  });
  // Four chained Winograd convolutions round differently from the
  // reference's direct ones (a few 1e-4 relative).
  Model m = runBoth(b, 1e-3, 1e-4);
  std::string plan = planText(m);
  auto steps = m.kernelPlan()[0];
  size_t blocked = 0, toBlocked = 0, reorders = 0;
  for (const std::string &line : steps) {
    if (line.find("[blocked] (onednn jit_") != std::string::npos &&
        line.find("wino") != std::string::npos)
      ++blocked;
    if (line.rfind("reorder", 0) == 0) {
      ++reorders;
      toBlocked += line.rfind("reorder [blocked]", 0) == 0;
    }
  }
  EXPECT_TRUE(hasStep(m, "max_pool [nhwc]")) << plan;
  EXPECT_EQ(blocked, 4u) << plan; // Every block conv, the sums included.
  EXPECT_TRUE(hasStep(m, "conv+batch_norm+add+relu [blocked] (onednn jit_")) << plan;
  // Into NHWC for the stem, the pool's result into blocked, the blocks'
  // output into NHWC for the transition, the stage output back to NCHW.
  EXPECT_EQ(toBlocked, 1u) << plan;
  EXPECT_EQ(reorders, 4u) << plan;
}

// NEURON_RT_DISABLE names rewrites; a name it does not know is an error
// that says which, not a silently ignored typo.
TEST(StagePlanTest, UnknownDisabledRewriteIsAnError) {
  Built b = build({{DType::F32, {1, 16, 8, 8}}}, [](StageBuilder &s, std::vector<uint32_t> in,
                                                    std::mt19937 &rng) {
    return std::vector<uint32_t>{
        s.addOp(OpKind::Conv, {in[0], weight(s, "w", {16, 16, 3, 3}, rng)}, convAttrs(3, 1))};
  });
  ::setenv("NEURON_RT_DISABLE", "layouts,winogard", 1);
  try {
    Model::load(b.artifact, {KernelBackend::Auto, 1});
    ADD_FAILURE() << "loaded with an unknown rewrite name";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("unknown rewrite 'winogard'"), std::string::npos)
        << e.what();
  }
  ::setenv("NEURON_RT_DISABLE", "layouts,,winograd", 1); // Known names load.
  EXPECT_NO_THROW(Model::load(b.artifact, {KernelBackend::Auto, 1}));
  ::unsetenv("NEURON_RT_DISABLE");
}

// Kernels share the env's scratchpad and staging buffers, which grow as
// later kernels are made: the earlier kernels must run on the grown buffers
// (a stale pointer would be freed memory), and one kernel's staged source
// and result must not share a slot.
TEST(StagePlanTest, KernelsShareGrowingWorkBuffers) {
  if (!__builtin_cpu_supports("avx512f"))
    GTEST_SKIP() << "oneDNN's Winograd kernels need AVX-512";
  Built b = build({{DType::F32, {1, 16, 12, 12}}}, [](StageBuilder &s, std::vector<uint32_t> in,
                                                      std::mt19937 &rng) {
    uint32_t x = s.addOp(OpKind::Relu, {in[0]});
    uint32_t c1 = s.addOp(OpKind::Conv, {x, weight(s, "w1", {16, 16, 3, 3}, rng)}, convAttrs(3, 1));
    uint32_t c2 = s.addOp(OpKind::Conv, {s.addOp(OpKind::Relu, {c1}),
                                         weight(s, "w2", {128, 16, 3, 3}, rng)},
                          convAttrs(3, 1));
    uint32_t c3 = s.addOp(OpKind::Conv, {s.addOp(OpKind::Relu, {c2}),
                                         weight(s, "w3", {16, 128, 3, 3}, rng)},
                          convAttrs(3, 1));
    return std::vector<uint32_t>{s.addOp(OpKind::Add, {c3, c1})};
  });
  Model m = runBoth(b);
  // The first two (the first made before the second grew the buffers) are
  // Winograd kernels, which stage both operands and use a scratchpad.
  EXPECT_TRUE(hasStep(m, "conv [nhwc] (onednn jit_fp32_wino")) << planText(m);
  EXPECT_TRUE(hasStep(m, "conv+relu [nhwc] (onednn jit_fp32_wino")) << planText(m);
}

// A ResNet block as `--auto-cast matmult` leaves it: each conv between casts
// to bf16 and back, batch norm and the residual in f32. The batch norms fold
// into the bf16 weights, and the residual add is a sum over the f32 residual,
// so the cast after it must stay a separate step (a bf16 result written over
// an f32 residual was a regression: NaNs). oneDNN runs the bf16 max pool
// after it.
TEST(StagePlanTest, AutoCastBlockFoldsBatchNormIntoBf16Weights) {
  Built b = build({{DType::F32, {1, 16, 12, 12}}}, [](StageBuilder &s, std::vector<uint32_t> in,
                                                      std::mt19937 &rng) {
    auto cast = [&](uint32_t x, DType to) {
      OpAttrs a = defaultAttrs(OpKind::Cast);
      a.castTo = to;
      return s.addOp(OpKind::Cast, {x}, a);
    };
    auto bf16Weight = [&](const std::string &name, Shape shape) {
      HostTensor t = randomTensor(DType::BF16, shape, rng, -0.3, 0.3);
      return s.addWeight(name, {DType::BF16, shape}, t.data());
    };
    // The residual, f32 (made by a conv: a stage input's class stays NCHW).
    uint32_t x = s.addOp(OpKind::Conv, {in[0], weight(s, "w0", {16, 16, 1, 1}, rng)},
                         convAttrs(1, 1));
    uint32_t c1 = s.addOp(OpKind::Conv, {cast(x, DType::BF16), bf16Weight("w1", {16, 16, 3, 3})},
                          convAttrs(3, 1));
    uint32_t a = s.addOp(OpKind::Relu, {batchNorm(s, cast(c1, DType::F32), 16, rng, "bn1")});
    uint32_t c2 = s.addOp(OpKind::Conv, {cast(a, DType::BF16), bf16Weight("w2", {16, 16, 3, 3})},
                          convAttrs(3, 1));
    uint32_t sum = s.addOp(OpKind::Add, {batchNorm(s, cast(c2, DType::F32), 16, rng, "bn2"), x});
    OpAttrs pool = defaultAttrs(OpKind::MaxPool);
    pool.kernelShape = {2, 2};
    pool.strides = {2, 2};
    uint32_t p = s.addOp(OpKind::MaxPool, {cast(s.addOp(OpKind::Relu, {sum}), DType::BF16)}, pool);
    return std::vector<uint32_t>{cast(p, DType::F32)};
  });
  // bf16 rounding: the reference rounds each conv's result and the
  // unfolded weights, the plan the folded weights.
  Model m = runBoth(b, 3e-2, 3e-2);
  std::string plan = planText(m);
  EXPECT_TRUE(hasStep(m, "conv+cast+batch_norm+relu+cast [nhwc]")) << plan;
  EXPECT_TRUE(hasStep(m, "conv+cast+batch_norm+add+relu [nhwc]")) << plan;
  EXPECT_TRUE(hasStep(m, "max_pool (onednn")) << plan;
}

// A fused operand is appended after the op's own operands: it must not be
// taken for Gemm's C or a convolution's bias (a regression).
TEST(StagePlanTest, FusedOperandsAreNotTheOpsOwnOperands) {
  Built b = build({{DType::F32, {8, 16}}, {DType::F32, {8, 24}}, {DType::F32, {1, 4, 6, 6}},
                   {DType::F32, {1, 4, 6, 6}}},
                  [](StageBuilder &s, std::vector<uint32_t> in, std::mt19937 &rng) {
                    OpAttrs g = defaultAttrs(OpKind::Gemm);
                    g.transB = true;
                    uint32_t y = s.addOp(OpKind::Gemm, {in[0], weight(s, "w", {24, 16}, rng),
                                                        weight(s, "b", {24}, rng)}, g);
                    uint32_t sum = s.addOp(OpKind::Add, {in[1], y});
                    uint32_t c = s.addOp(OpKind::Conv, {in[2], weight(s, "k", {4, 4, 3, 3}, rng)},
                                         convAttrs(3, 1));
                    return std::vector<uint32_t>{sum, s.addOp(OpKind::Add, {c, in[3]})};
                  });
  Model m = runBoth(b);
  EXPECT_TRUE(hasStep(m, "gemm+add")) << planText(m);
  EXPECT_TRUE(hasStep(m, "conv+add")) << planText(m);
}

TEST(StagePlanTest, FusionLooksThroughReshapes) {
  Built b = build({{DType::F32, {1, 8, 16}}, {DType::F32, {1, 8, 24}}},
                  [](StageBuilder &s, std::vector<uint32_t> in, std::mt19937 &rng) {
                    OpAttrs r = defaultAttrs(OpKind::Reshape);
                    r.shape = {8, 16};
                    uint32_t x2 = s.addOp(OpKind::Reshape, {in[0]}, r);
                    OpAttrs g = defaultAttrs(OpKind::Gemm);
                    g.transB = true;
                    uint32_t y = s.addOp(OpKind::Gemm, {x2, weight(s, "w", {24, 16}, rng),
                                                        weight(s, "b", {24}, rng)}, g);
                    r.shape = {1, 8, 24};
                    uint32_t y3 = s.addOp(OpKind::Reshape, {y}, r);
                    uint32_t act = s.addOp(OpKind::Gelu, {y3});
                    return std::vector<uint32_t>{s.addOp(OpKind::Add, {in[1], act})};
                  });
  Model m = runBoth(b);
  EXPECT_TRUE(hasStep(m, "gemm+reshape+gelu+add")) << planText(m);
}
} // namespace
#endif
