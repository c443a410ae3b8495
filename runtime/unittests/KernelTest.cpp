//===- KernelTest.cpp - reference kernels and oneDNN cross-checks ---------===//
#include "KernelTestUtil.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace neuron::rt;
using namespace neuron::rt::testkit;

//===----------------------------------------------------------------------===//
// Reference kernels against hand-computed values.
//===----------------------------------------------------------------------===//

TEST(ReferenceKernelTest, BinaryBroadcast) {
  auto r = runOp(OpKind::Sub, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({3}, {1, 1, 2})},
                 defaultAttrs(OpKind::Sub));
  expectValues(r[0], {2, 3}, {0, 1, 1, 3, 4, 4});
  r = runOp(OpKind::Mul, {f32({2, 1}, {2, 3}), f32({1, 3}, {1, 2, 3})}, defaultAttrs(OpKind::Mul));
  expectValues(r[0], {2, 3}, {2, 4, 6, 3, 6, 9});
  r = runOp(OpKind::Div, {i64({3}, {7, -7, 5}), i64({3}, {2, 2, 0})}, defaultAttrs(OpKind::Div));
  expectValues(r[0], {3}, {3, -3, 0});
  r = runOp(OpKind::Pow, {f32({2}, {2, 3}), f32({}, {2})}, defaultAttrs(OpKind::Pow));
  expectValues(r[0], {2}, {4, 9});
  r = runOp(OpKind::Max, {f32({2}, {1, 5}), f32({2}, {3, 2})}, defaultAttrs(OpKind::Max));
  expectValues(r[0], {2}, {3, 5});
}

TEST(ReferenceKernelTest, Unary) {
  HostTensor x = f32({4}, {-2, -0.5, 0.5, 2});
  auto one = [&](OpKind k, OpAttrs a = OpAttrs()) { return runOp(k, {x}, a)[0]; };
  expectValues(one(OpKind::Relu), {4}, {0, 0, 0.5, 2});
  expectValues(one(OpKind::Neg), {4}, {2, 0.5, -0.5, -2});
  expectValues(one(OpKind::Abs), {4}, {2, 0.5, 0.5, 2});
  expectValues(one(OpKind::Sigmoid), {4}, {1 / (1 + std::exp(2.0)), 1 / (1 + std::exp(0.5)),
                                           1 / (1 + std::exp(-0.5)), 1 / (1 + std::exp(-2.0))});
  expectValues(one(OpKind::Erf), {4}, {std::erf(-2.0), std::erf(-0.5), std::erf(0.5), std::erf(2.0)});
  expectValues(one(OpKind::Sin), {4}, {std::sin(-2.0), std::sin(-0.5), std::sin(0.5), std::sin(2.0)});
  expectValues(one(OpKind::Cos), {4}, {std::cos(-2.0), std::cos(-0.5), std::cos(0.5), std::cos(2.0)});
  // Inverse and hyperbolic functions, at points with known values.
  HostTensor u = f32({3}, {-1, 0, 1});
  auto at = [&](OpKind k, HostTensor in) { return runOp(k, {in}, OpAttrs())[0]; };
  const double pi = 3.14159265358979323846;
  expectValues(at(OpKind::Tan, f32({3}, {-pi / 4, 0, pi / 4})), {3}, {-1, 0, 1});
  expectValues(at(OpKind::Asin, u), {3}, {-pi / 2, 0, pi / 2});
  expectValues(at(OpKind::Acos, u), {3}, {pi, pi / 2, 0});
  expectValues(at(OpKind::Atan, u), {3}, {-pi / 4, 0, pi / 4});
  expectValues(at(OpKind::Sinh, u), {3}, {-1.1752011936438014, 0, 1.1752011936438014});
  expectValues(at(OpKind::Cosh, u), {3}, {1.5430806348152437, 1, 1.5430806348152437});
  expectValues(at(OpKind::Asinh, u), {3}, {-0.881373587019543, 0, 0.881373587019543});
  expectValues(at(OpKind::Acosh, f32({3}, {1, 2, 10})), {3},
               {0, 1.3169578969248166, 2.993222846126381});
  expectValues(at(OpKind::Atanh, f32({3}, {-0.5, 0, 0.5})), {3},
               {-0.5493061443340549, 0, 0.5493061443340549});
  // Rounding, with ties (halves go to the even neighbour, as ONNX and torch round).
  HostTensor r = f32({8}, {-2.5, -1.5, -0.7, -0.5, 0.5, 1.5, 2.5, 2.7});
  expectValues(runOp(OpKind::Floor, {r}, OpAttrs())[0], {8}, {-3, -2, -1, -1, 0, 1, 2, 2});
  expectValues(runOp(OpKind::Ceil, {r}, OpAttrs())[0], {8}, {-2, -1, -0, -0, 1, 2, 3, 3});
  expectValues(runOp(OpKind::Round, {r}, OpAttrs())[0], {8}, {-2, -2, -1, -0, 0, 2, 2, 3});
  OpAttrs clip;
  clip.min = -1.0f;
  clip.max = 1.0f;
  expectValues(one(OpKind::Clip, clip), {4}, {-1, -0.5, 0.5, 1});
  OpAttrs gelu;
  expectValues(one(OpKind::Gelu, gelu), {4},
               {-2 * 0.5 * (1 + std::erf(-2 / std::sqrt(2.0))), -0.5 * 0.5 * (1 + std::erf(-0.5 / std::sqrt(2.0))),
                0.5 * 0.5 * (1 + std::erf(0.5 / std::sqrt(2.0))), 2 * 0.5 * (1 + std::erf(2 / std::sqrt(2.0)))});
  gelu.geluTanh = true;
  double t = 0.5 * 2 * (1 + std::tanh(std::sqrt(2 / M_PI) * (2 + 0.044715 * 8)));
  EXPECT_NEAR(elementAsDouble(one(OpKind::Gelu, gelu), 3), t, 1e-6);
  auto ir = runOp(OpKind::Abs, {i64({2}, {-3, 4})}, OpAttrs());
  expectValues(ir[0], {2}, {3, 4});
}

TEST(ReferenceKernelTest, CastAndWhere) {
  OpAttrs a;
  a.castTo = DType::I32;
  auto r = runOp(OpKind::Cast, {f32({4}, {-1.7f, 2.9f, 0, 1e20f})}, a);
  EXPECT_EQ(r[0].dtype(), DType::I32);
  expectValues(r[0], {4}, {-1, 2, 0, 2147483647});
  a.castTo = DType::Bool;
  expectValues(runOp(OpKind::Cast, {f32({3}, {0, 0.5, -2})}, a)[0], {3}, {0, 1, 1});
  a.castTo = DType::BF16;
  expectValues(runOp(OpKind::Cast, {f32({2}, {1.5, -3})}, a)[0], {2}, {1.5, -3});
  a.castTo = DType::F16;
  expectValues(runOp(OpKind::Cast, {f32({2}, {0.333333f, 65504})}, a)[0], {2}, {0.33325195, 65504});
  bool c[4] = {true, false, false, true};
  HostTensor cond = HostTensor::copyOf(DType::Bool, {2, 2}, c);
  r = runOp(OpKind::Where, {cond, f32({2, 2}, {1, 2, 3, 4}), f32({}, {0})}, OpAttrs());
  expectValues(r[0], {2, 2}, {1, 0, 0, 4});
}

TEST(ReferenceKernelTest, MatMulAndGemm) {
  // [2,2,3] x [3,2] with batch broadcast.
  auto r = runOp(OpKind::MatMul, {f32({2, 1, 3}, {1, 2, 3, 4, 5, 6}), f32({3, 2}, {1, 0, 0, 1, 1, 1})},
                 OpAttrs());
  expectValues(r[0], {2, 1, 2}, {4, 5, 10, 11});
  // 1-D operands.
  r = runOp(OpKind::MatMul, {f32({3}, {1, 2, 3}), f32({3}, {4, 5, 6})}, OpAttrs());
  expectValues(r[0], {}, {32});
  OpAttrs g = defaultAttrs(OpKind::Gemm);
  g.transA = true;
  g.transB = true;
  g.alpha = 2;
  g.beta = 0.5;
  // A^T = [[1,3],[2,4]] ; B^T = [[1,0],[0,1]] ; C broadcast [2].
  r = runOp(OpKind::Gemm, {f32({2, 2}, {1, 2, 3, 4}), f32({2, 2}, {1, 0, 0, 1}), f32({2}, {10, 20})}, g);
  expectValues(r[0], {2, 2}, {2 + 5, 6 + 10, 4 + 5, 8 + 10});
}

TEST(ReferenceKernelTest, ConvWithPadsStridesGroups) {
  // 1x1x3x3 input, 1x1x2x2 ones filter, pad 1, stride 2.
  OpAttrs a = defaultAttrs(OpKind::Conv);
  a.pads = {1, 1, 1, 1};
  a.strides = {2, 2};
  auto r = runOp(OpKind::Conv, {f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}), f32({1, 1, 2, 2}, {1, 1, 1, 1})}, a);
  expectValues(r[0], {1, 1, 2, 2}, {1, 2 + 3, 4 + 7, 5 + 6 + 8 + 9});
  // Depthwise: 2 channels, group 2, 1x1 filters scale by 2 and 3, bias.
  OpAttrs d = defaultAttrs(OpKind::Conv);
  d.group = 2;
  r = runOp(OpKind::Conv, {f32({1, 2, 1, 2}, {1, 2, 3, 4}), f32({2, 1, 1, 1}, {2, 3}), f32({2}, {1, -1})}, d);
  expectValues(r[0], {1, 2, 1, 2}, {3, 5, 8, 11});
}

TEST(ReferenceKernelTest, PoolingCeilModeAndPads) {
  // 1x1x4x4 = 0..15; 3x3 window, stride 2, ceil_mode: 2x2 output (last
  // window starts at 2, inside the input).
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i)
    v[i] = float(i);
  OpAttrs a;
  a.kernelShape = {3, 3};
  a.strides = {2, 2};
  a.ceilMode = true;
  auto r = runOp(OpKind::MaxPool, {f32({1, 1, 4, 4}, v)}, a);
  expectValues(r[0], {1, 1, 2, 2}, {10, 11, 14, 15});
  r = runOp(OpKind::AveragePool, {f32({1, 1, 4, 4}, v)}, a);
  expectValues(r[0], {1, 1, 2, 2}, {5, 6.5, 11, 12.5});
  // Padding: count_include_pad divides by the padded window.
  OpAttrs p;
  p.kernelShape = {2, 2};
  p.pads = {1, 1, 1, 1};
  p.strides = {2, 2};
  p.countIncludePad = true;
  r = runOp(OpKind::AveragePool, {f32({1, 1, 2, 2}, {1, 2, 3, 4})}, p);
  expectValues(r[0], {1, 1, 2, 2}, {0.25, 0.5, 0.75, 1});
  p.countIncludePad = false;
  r = runOp(OpKind::AveragePool, {f32({1, 1, 2, 2}, {1, 2, 3, 4})}, p);
  expectValues(r[0], {1, 1, 2, 2}, {1, 2, 3, 4});
  r = runOp(OpKind::GlobalAveragePool, {f32({1, 2, 1, 2}, {1, 2, 3, 5})}, OpAttrs());
  expectValues(r[0], {1, 2, 1, 1}, {1.5, 4});
}

TEST(ReferenceKernelTest, Normalization) {
  auto r = runOp(OpKind::BatchNorm,
                 {f32({1, 2, 1, 1}, {1, 2}), f32({2}, {2, 1}), f32({2}, {0, 1}), f32({2}, {1, 0}),
                  f32({2}, {4, 1})},
                 OpAttrs{});
  OpAttrs bn;
  bn.epsilon = 0;
  r = runOp(OpKind::BatchNorm,
            {f32({1, 2, 1, 1}, {1, 2}), f32({2}, {2, 1}), f32({2}, {0, 1}), f32({2}, {1, 0}),
             f32({2}, {4, 1})},
            bn);
  expectValues(r[0], {1, 2, 1, 1}, {0, 3});
  OpAttrs ln = defaultAttrs(OpKind::LayerNorm);
  ln.epsilon = 0;
  r = runOp(OpKind::LayerNorm, {f32({2, 2}, {1, 3, 2, 4}), f32({2}, {1, 2}), f32({2}, {0, 1})}, ln);
  expectValues(r[0], {2, 2}, {-1, 3, -1, 3});
  r = runOp(OpKind::Softmax, {f32({2, 2}, {0, 0, 0, std::log(3.0f)})}, defaultAttrs(OpKind::Softmax));
  expectValues(r[0], {2, 2}, {0.5, 0.5, 0.25, 0.75});
  OpAttrs ax0 = defaultAttrs(OpKind::Softmax);
  ax0.axis = 0;
  r = runOp(OpKind::Softmax, {f32({2, 1}, {0, 0})}, ax0);
  expectValues(r[0], {2, 1}, {0.5, 0.5});
}

TEST(ReferenceKernelTest, Reductions) {
  HostTensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  OpAttrs a;
  a.axes = {-1};
  expectValues(runOp(OpKind::ReduceSum, {x}, a)[0], {2, 1}, {6, 15});
  a.keepdims = false;
  expectValues(runOp(OpKind::ReduceMean, {x}, a)[0], {2}, {2, 5});
  a.axes = {0};
  expectValues(runOp(OpKind::ReduceMax, {x}, a)[0], {3}, {4, 5, 6});
  a.axes = {};
  expectValues(runOp(OpKind::ReduceSum, {x}, a)[0], {}, {21});
}

TEST(ReferenceKernelTest, Movement) {
  HostTensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  OpAttrs t;
  t.perm = {1, 0};
  expectValues(runOp(OpKind::Transpose, {x}, t)[0], {3, 2}, {1, 4, 2, 5, 3, 6});
  OpAttrs c;
  c.axis = 1;
  expectValues(runOp(OpKind::Concat, {x, f32({2, 1}, {7, 8})}, c)[0], {2, 4}, {1, 2, 3, 7, 4, 5, 6, 8});
  OpAttrs s;
  s.axis = 1;
  s.sizes = {1, 2};
  auto parts = runOp(OpKind::Split, {x}, s);
  ASSERT_EQ(parts.size(), 2u);
  expectValues(parts[0], {2, 1}, {1, 4});
  expectValues(parts[1], {2, 2}, {2, 3, 5, 6});
  OpAttrs fl = defaultAttrs(OpKind::Flatten);
  fl.axis = 0;
  expectValues(runOp(OpKind::Flatten, {x}, fl)[0], {1, 6}, {1, 2, 3, 4, 5, 6});
  OpAttrs un;
  un.axes = {0, -1};
  expectValues(runOp(OpKind::Unsqueeze, {x}, un)[0], {1, 2, 3, 1}, {1, 2, 3, 4, 5, 6});
  OpAttrs sq;
  expectValues(runOp(OpKind::Squeeze, {f32({1, 3, 1}, {1, 2, 3})}, sq)[0], {3}, {1, 2, 3});
  OpAttrs ex;
  ex.shape = {2, 1, 3};
  expectValues(runOp(OpKind::Expand, {f32({1, 3}, {1, 2, 3})}, ex)[0], {2, 1, 3}, {1, 2, 3, 1, 2, 3});
  OpAttrs rs;
  rs.shape = {3, 2};
  expectValues(runOp(OpKind::Reshape, {x}, rs)[0], {3, 2}, {1, 2, 3, 4, 5, 6});
}

TEST(ReferenceKernelTest, SliceNegativeSteps) {
  std::vector<float> v(10);
  for (int i = 0; i < 10; ++i)
    v[i] = float(i);
  OpAttrs a;
  a.starts = {-1};
  a.ends = {-100}; // Clamped to -1: runs to the front.
  a.steps = {-3};
  expectValues(runOp(OpKind::Slice, {f32({10}, v)}, a)[0], {4}, {9, 6, 3, 0});
  a.starts = {100};
  a.ends = {2};
  a.steps = {-2};
  expectValues(runOp(OpKind::Slice, {f32({10}, v)}, a)[0], {4}, {9, 7, 5, 3});
  // 2-D, axes reordered, mixed steps.
  OpAttrs b;
  b.starts = {0, 2};
  b.ends = {3, 0};
  b.axes = {1, 0};
  b.steps = {2, -1};
  expectValues(runOp(OpKind::Slice, {f32({3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8})}, b)[0], {2, 2},
               {6, 8, 3, 5});
  // Empty result.
  OpAttrs e;
  e.starts = {5};
  e.ends = {5};
  EXPECT_EQ(runOp(OpKind::Slice, {f32({10}, v)}, e)[0].numElements(), 0u);
}

TEST(ReferenceKernelTest, ArgMaxArgMin) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // [2, 4]: ties in row 0, a NaN in row 1 (it counts as the extreme).
  HostTensor x = f32({2, 4}, {3, 1, 3, -2, 0, nan, 5, nan});
  OpAttrs a;
  a.axis = 1;
  a.keepdims = false;
  expectValues(runOp(OpKind::ArgMax, {x}, a)[0], {2}, {0, 1});
  expectValues(runOp(OpKind::ArgMin, {x}, a)[0], {2}, {3, 1});
  a.selectLastIndex = true;
  expectValues(runOp(OpKind::ArgMax, {x}, a)[0], {2}, {2, 3});
  a.selectLastIndex = false;
  a.axis = -2;
  a.keepdims = true;
  auto r = runOp(OpKind::ArgMax, {x}, a)[0];
  EXPECT_EQ(r.dtype(), DType::I64);
  expectValues(r, {1, 4}, {0, 1, 1, 1});
  expectValues(runOp(OpKind::ArgMin, {i64({3}, {4, -1, -1})}, OpAttrs())[0], {1}, {1});
  try {
    OpAttrs bad;
    bad.axis = 2;
    runOp(OpKind::ArgMax, {x}, bad);
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("axis 2"), std::string::npos) << e.what();
  }
}

TEST(ReferenceKernelTest, GatherNegativeIndicesAndErrors) {
  HostTensor table = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  OpAttrs a;
  auto r = runOp(OpKind::Gather, {table, i64({2, 2}, {0, -1, 1, 2})}, a);
  expectValues(r[0], {2, 2, 2}, {1, 2, 5, 6, 3, 4, 5, 6});
  a.axis = 1;
  int32_t idx[1] = {1};
  r = runOp(OpKind::Gather, {table, HostTensor::copyOf(DType::I32, {1}, idx)}, a);
  expectValues(r[0], {3, 1}, {2, 4, 6});
  try {
    runOp(OpKind::Gather, {table, i64({1}, {3})}, OpAttrs());
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("index 3 is out of range [-3, 3)"), std::string::npos)
        << e.what();
  }
}

TEST(ReferenceKernelTest, GatherElements) {
  // data [[1, 2, 3], [4, 5, 6]].
  HostTensor data = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  OpAttrs a;
  // Axis 0: result[i][j] = data[idx[i][j]][j]; indices may be narrower.
  auto r = runOp(OpKind::GatherElements, {data, i64({2, 2}, {1, 0, -2, 1})}, a);
  expectValues(r[0], {2, 2}, {4, 2, 1, 5});
  // Axis 1, i32 indices, and more indices than the axis is long.
  a.axis = -1;
  int32_t idx[8] = {2, 2, 0, 1, -1, 0, 0, 1};
  r = runOp(OpKind::GatherElements, {data, HostTensor::copyOf(DType::I32, {2, 4}, idx)}, a);
  expectValues(r[0], {2, 4}, {3, 3, 1, 2, 6, 4, 4, 5});
  try {
    runOp(OpKind::GatherElements, {data, i64({1, 1}, {2})}, OpAttrs());
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("index 2 is out of range [-2, 2)"), std::string::npos)
        << e.what();
  }
  // Indices larger than the data off the axis are refused by the shape rules.
  EXPECT_THROW(inferResultTypes(OpKind::GatherElements, OpAttrs(),
                                {{DType::F32, {2, 3}}, {DType::I64, {2, 4}}}),
               Error);
}

TEST(ReferenceKernelTest, HalfPrecision) {
  std::mt19937 rng(3);
  for (DType d : {DType::BF16, DType::F16}) {
    HostTensor a = randomTensor(d, {3, 4}, rng), b = randomTensor(d, {4}, rng);
    auto r = runOp(OpKind::Add, {a, b}, OpAttrs());
    for (uint64_t i = 0; i < 12; ++i)
      EXPECT_NEAR(elementAsDouble(r[0], i), elementAsDouble(a, i) + elementAsDouble(b, i % 4),
                  d == DType::BF16 ? 2e-2 : 2e-3);
  }
}

//===----------------------------------------------------------------------===//
// oneDNN against the reference on random shapes.
//===----------------------------------------------------------------------===//

namespace {
Operand in(Shape s, DType d = DType::F32) { return Operand::input(d, std::move(s)); }
Operand wt(Shape s, std::mt19937 &rng) { return Operand::weight(randomTensor(DType::F32, s, rng)); }
int64_t pick(std::mt19937 &rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}
} // namespace

TEST(CrossCheckTest, MatMul) {
  std::mt19937 rng(11);
  for (int i = 0; i < 12; ++i) {
    int64_t b = pick(rng, 1, 3), m = pick(rng, 1, 17), k = pick(rng, 1, 33), n = pick(rng, 1, 19);
    crossCheck(OpKind::MatMul, {in({b, m, k}), in({k, n})}, OpAttrs(), rng);
    crossCheck(OpKind::MatMul, {in({m, k}), wt({k, n}, rng)}, OpAttrs(), rng);
    crossCheck(OpKind::MatMul, {in({b, 1, m, k}), in({1, 2, k, n})}, OpAttrs(), rng);
    crossCheck(OpKind::MatMul, {in({k}), in({b, k, n})}, OpAttrs(), rng);
  }
}

TEST(CrossCheckTest, Gemm) {
  std::mt19937 rng(12);
  for (int i = 0; i < 16; ++i) {
    int64_t m = pick(rng, 1, 9), k = pick(rng, 1, 40), n = pick(rng, 1, 21);
    OpAttrs a = defaultAttrs(OpKind::Gemm);
    a.transA = i & 1;
    a.transB = i & 2;
    a.alpha = (i & 4) ? 0.5f : 1.0f;
    a.beta = (i & 8) ? 2.0f : 1.0f;
    Shape as = a.transA ? Shape{k, m} : Shape{m, k}, bs = a.transB ? Shape{n, k} : Shape{k, n};
    Shape cs = (i % 3 == 0) ? Shape{n} : (i % 3 == 1) ? Shape{m, n} : Shape{m, 1};
    crossCheck(OpKind::Gemm, {in(as), wt(bs, rng), wt(cs, rng)}, a, rng);
    crossCheck(OpKind::Gemm, {in(as), wt(bs, rng), in(cs)}, a, rng, a.beta == 1.0f);
    crossCheck(OpKind::Gemm, {in(as), in(bs)}, a, rng);
  }
}

TEST(CrossCheckTest, Conv) {
  std::mt19937 rng(13);
  for (int i = 0; i < 20; ++i) {
    int64_t g = (i % 4 == 0) ? pick(rng, 2, 3) : 1;
    int64_t cg = pick(rng, 1, 4), mg = pick(rng, 1, 4);
    int64_t kh = pick(rng, 1, 3), kw = pick(rng, 1, 3);
    OpAttrs a = defaultAttrs(OpKind::Conv);
    a.group = g;
    a.strides = {pick(rng, 1, 2), pick(rng, 1, 3)};
    a.dilations = {pick(rng, 1, 2), pick(rng, 1, 2)};
    a.pads = {pick(rng, 0, 2), pick(rng, 0, 1), pick(rng, 0, 1), pick(rng, 0, 2)};
    int64_t h = pick(rng, 5, 11), w = pick(rng, 5, 12);
    std::vector<Operand> ops{in({pick(rng, 1, 2), cg * g, h, w}), wt({mg * g, cg, kh, kw}, rng)};
    if (i % 2)
      ops.push_back(wt({mg * g}, rng));
    crossCheck(OpKind::Conv, ops, a, rng);
  }
  // Depthwise.
  OpAttrs dw = defaultAttrs(OpKind::Conv);
  dw.group = 8;
  dw.pads = {1, 1, 1, 1};
  crossCheck(OpKind::Conv, {in({1, 8, 9, 9}), wt({8, 1, 3, 3}, rng), wt({8}, rng)}, dw, rng);
}

TEST(CrossCheckTest, Pooling) {
  std::mt19937 rng(14);
  for (int i = 0; i < 24; ++i) {
    OpAttrs a;
    a.kernelShape = {pick(rng, 1, 3), pick(rng, 1, 3)};
    a.strides = {pick(rng, 1, 3), pick(rng, 1, 2)};
    a.pads = {pick(rng, 0, a.kernelShape[0] / 2), pick(rng, 0, a.kernelShape[1] / 2),
              pick(rng, 0, a.kernelShape[0] / 2), pick(rng, 0, a.kernelShape[1] / 2)};
    a.ceilMode = i & 1;
    a.countIncludePad = i & 2;
    if (i % 5 == 0)
      a.dilations = {2, 1};
    Shape s{pick(rng, 1, 2), pick(rng, 1, 5), pick(rng, 4, 10), pick(rng, 4, 10)};
    crossCheck(OpKind::MaxPool, {in(s)}, a, rng);
    if (a.dilations.empty())
      crossCheck(OpKind::AveragePool, {in(s)}, a, rng, false); // oneDNN or reference
  }
  crossCheck(OpKind::GlobalAveragePool, {in({2, 5, 7, 3})}, OpAttrs(), rng);
}

TEST(CrossCheckTest, Normalization) {
  std::mt19937 rng(15);
  for (int i = 0; i < 6; ++i) {
    int64_t c = pick(rng, 1, 9);
    std::vector<Operand> bn{in({pick(rng, 1, 3), c, pick(rng, 1, 6), pick(rng, 1, 6)}), wt({c}, rng),
                            wt({c}, rng), wt({c}, rng),
                            Operand::weight(randomTensor(DType::F32, {c}, rng, 0.1, 2.0))};
    crossCheck(OpKind::BatchNorm, bn, defaultAttrs(OpKind::BatchNorm), rng);
    Shape x{pick(rng, 1, 3), pick(rng, 1, 5), pick(rng, 2, 33)};
    OpAttrs ln = defaultAttrs(OpKind::LayerNorm);
    ln.axis = (i % 2) ? -1 : -2;
    Shape norm(x.begin() + (ln.axis == -1 ? 2 : 1), x.end());
    crossCheck(OpKind::LayerNorm, {in(x), wt(norm, rng), wt(norm, rng)}, ln, rng);
    crossCheck(OpKind::LayerNorm, {in(x), wt(norm, rng)}, ln, rng);
    OpAttrs sm = defaultAttrs(OpKind::Softmax);
    sm.axis = pick(rng, -3, 2);
    crossCheck(OpKind::Softmax, {in(x)}, sm, rng);
  }
}

TEST(CrossCheckTest, Elementwise) {
  std::mt19937 rng(16);
  for (OpKind k : {OpKind::Add, OpKind::Sub, OpKind::Mul, OpKind::Div, OpKind::Max, OpKind::Min}) {
    crossCheck(k, {in({3, 5, 7}), in({3, 5, 7})}, OpAttrs(), rng);
    crossCheck(k, {in({3, 1, 7}), in({5, 1})}, OpAttrs(), rng, false); // Both broadcast.
    crossCheck(k, {in({3, 5, 7}), in({5, 1})}, OpAttrs(), rng);
    crossCheck(k, {in({2, 4}), wt({4}, rng)}, OpAttrs(), rng);
    crossCheck(k, {in({}), in({2, 3})}, OpAttrs(), rng,
               k != OpKind::Sub && k != OpKind::Div); // Only src1 broadcasts.
  }
  crossCheck(OpKind::Pow, {Operand::input(DType::F32, {4, 5}), in({5})}, OpAttrs(), rng, false);
  for (OpKind k : {OpKind::Relu, OpKind::Tanh, OpKind::Sigmoid, OpKind::Erf, OpKind::Exp,
                   OpKind::Sqrt, OpKind::Log, OpKind::Reciprocal, OpKind::Neg, OpKind::Abs,
                   OpKind::Identity}) {
    // Erf, Identity and Log (oneDNN's is 1-2 ulp low) stay on the reference.
    crossCheck(k, {in({3, 17})}, OpAttrs(), rng,
               k != OpKind::Erf && k != OpKind::Identity && k != OpKind::Log);
  }
  OpAttrs g;
  crossCheck(OpKind::Gelu, {in({4, 9})}, g, rng);
  g.geluTanh = true;
  crossCheck(OpKind::Gelu, {in({4, 9})}, g, rng);
  OpAttrs c;
  c.min = -0.25f;
  crossCheck(OpKind::Clip, {in({5, 5})}, c, rng);
  c.max = 0.5f;
  crossCheck(OpKind::Clip, {in({5, 5})}, c, rng);
}

TEST(CrossCheckTest, MovementReductionAndScalarPow) {
  std::mt19937 rng(17);
  for (int i = 0; i < 8; ++i) {
    int rank = int(pick(rng, 1, 5));
    Shape x;
    for (int d = 0; d < rank; ++d)
      x.push_back(pick(rng, 1, 6));
    OpAttrs t = defaultAttrs(OpKind::Transpose);
    t.perm.resize(rank);
    std::iota(t.perm.begin(), t.perm.end(), 0);
    std::shuffle(t.perm.begin(), t.perm.end(), rng);
    crossCheck(OpKind::Transpose, {in(x)}, t, rng);
    for (OpKind k : {OpKind::ReduceMean, OpKind::ReduceSum, OpKind::ReduceMax}) {
      OpAttrs r = defaultAttrs(k);
      r.keepdims = i % 2;
      int64_t axis = pick(rng, -rank, rank - 1);
      r.axes = {axis};
      // oneDNN has no reduction that reduces nothing: a size-1 axis stays
      // with the reference.
      crossCheck(k, {in(x)}, r, rng, x[axis < 0 ? axis + rank : axis] > 1);
    }
  }
  float two = 2.0f, half = 0.5f;
  crossCheck(OpKind::Pow, {in({4, 5}), Operand::constant(f32({}, {two}))}, OpAttrs(), rng);
  crossCheck(OpKind::Pow,
             {Operand::input(DType::F32, {3, 3}), Operand::constant(f32({}, {half}))}, OpAttrs(),
             rng, true, 1e-4, 1e-5);
}

// bf16 operands: oneDNN accumulates in f32 like the reference, so the two
// agree to bf16's rounding of the result.
TEST(CrossCheckTest, Bf16MatrixOps) {
  std::mt19937 rng(18);
  auto bf = [](Shape s) { return Operand::input(DType::BF16, std::move(s)); };
  crossCheck(OpKind::MatMul, {bf({2, 8, 32}), bf({32, 16})}, OpAttrs(), rng, true, 1e-2, 1e-2);
  OpAttrs g = defaultAttrs(OpKind::Gemm);
  g.transB = true;
  crossCheck(OpKind::Gemm, {bf({8, 32}), bf({16, 32}), bf({16})}, g, rng, true, 1e-2, 1e-2);
  OpAttrs cast = defaultAttrs(OpKind::Cast);
  cast.castTo = DType::BF16;
  crossCheck(OpKind::Cast, {in({3, 7})}, cast, rng, true, 1e-2, 0);
  // auto-cast all: layer norm with bf16 gamma and beta (widened at load).
  auto bfw = [&](Shape s) { return Operand::weight(randomTensor(DType::BF16, s, rng)); };
  crossCheck(OpKind::LayerNorm, {bf({4, 64}), bfw({64}), bfw({64})},
             defaultAttrs(OpKind::LayerNorm), rng, true, 2e-2, 2e-2);
}
