//===- ShapeRules.cpp - op names, defaults, result types and FLOPs --------===//
//
// Mirrors the compiler's inferReturnTypes/verifiers (GraphOps.cpp,
// ShapeInference.cpp) so that a manifest the compiler accepts is accepted
// here, and a hand-built or hostile one is checked as strictly.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Ops.h"

#include <algorithm>
#include <sstream>

namespace neuron::rt {

static const char *const kOpNames[kNumOpKinds] = {
    "add", "sub", "mul", "div", "pow", "max", "min",
    "relu", "tanh", "sigmoid", "erf", "exp", "log", "sqrt", "reciprocal",
    "neg", "abs", "identity", "gelu", "clip", "cast", "where",
    "matmul", "gemm", "conv",
    "batch_norm", "layer_norm", "softmax", "max_pool", "average_pool",
    "global_average_pool", "reduce_mean", "reduce_sum", "reduce_max",
    "reshape", "transpose", "flatten", "concat", "split", "slice", "gather",
    "unsqueeze", "squeeze", "expand",
    "floor", "ceil", "round", "sin", "cos", "argmax", "argmin",
    "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "gather_elements"};

const char *opKindName(OpKind kind) {
  int k = static_cast<int>(kind);
  return k >= 0 && k < kNumOpKinds ? kOpNames[k] : "<invalid op>";
}

std::optional<OpKind> parseOpKind(const std::string &name) {
  for (int i = 0; i < kNumOpKinds; ++i)
    if (name == kOpNames[i])
      return OpKind(i);
  return std::nullopt;
}

bool isBinary(OpKind kind) { return kind >= OpKind::Add && kind <= OpKind::Min; }
bool isUnary(OpKind kind) {
  return (kind >= OpKind::Relu && kind <= OpKind::Clip) ||
         (kind >= OpKind::Floor && kind <= OpKind::Cos) ||
         (kind >= OpKind::Tan && kind <= OpKind::Atanh);
}

OpAttrs defaultAttrs(OpKind kind) {
  OpAttrs a;
  switch (kind) {
  case OpKind::Softmax:
  case OpKind::LayerNorm:
    a.axis = -1;
    break;
  case OpKind::Flatten:
    a.axis = 1;
    break;
  default:
    break;
  }
  return a;
}

std::optional<Shape> broadcastShapes(const std::vector<Shape> &shapes) {
  size_t rank = 0;
  for (const Shape &s : shapes)
    rank = std::max(rank, s.size());
  Shape result(rank, 1);
  for (const Shape &s : shapes) {
    size_t offset = rank - s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &out = result[offset + i];
      if (s[i] == out || s[i] == 1)
        continue;
      if (out != 1)
        return std::nullopt;
      out = s[i];
    }
  }
  return result;
}

std::optional<int64_t> slidingWindowSize(int64_t input, int64_t kernel,
                                         int64_t stride, int64_t padBegin,
                                         int64_t padEnd, int64_t dilation,
                                         bool ceilMode) {
  // Bound everything so the arithmetic below cannot overflow on hostile input.
  const int64_t big = int64_t(1) << 40;
  if (kernel < 1 || stride < 1 || dilation < 1 || padBegin < 0 || padEnd < 0 ||
      kernel > big || stride > big || dilation > (int64_t(1) << 20) ||
      padBegin > big || padEnd > big || input < 0 || input > big)
    return std::nullopt;
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t padded = input + padBegin + padEnd;
  if (padded < span)
    return std::nullopt;
  int64_t steps = padded - span;
  int64_t out = (ceilMode ? (steps + stride - 1) / stride : steps / stride) + 1;
  if (ceilMode && (out - 1) * stride >= input + padBegin)
    --out;
  return out;
}

namespace {
/// Builds the "op 'x': ..." message and throws.
struct Fail {
  OpKind kind;
  template <typename... Args> [[noreturn]] void operator()(const Args &...args) const {
    std::ostringstream os;
    os << "op '" << opKindName(kind) << "': ";
    (os << ... << args);
    throw Error(os.str());
  }
};

std::string typeStr(const TensorType &t) {
  return std::string(dtypeName(t.dtype)) + formatShape(t.shape);
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}
} // namespace

std::vector<TensorType> inferResultTypes(OpKind kind, const OpAttrs &attrs,
                                         const std::vector<TensorType> &in) {
  Fail fail{kind};
  auto expectCount = [&](size_t lo, size_t hi) {
    if (in.size() < lo || in.size() > hi) {
      if (lo == hi)
        fail("expected ", lo, " operands, got ", in.size());
      fail("expected ", lo, " to ", hi, " operands, got ", in.size());
    }
  };
  auto expectFloat = [&](size_t i) {
    if (!isFloat(in[i].dtype))
      fail("operand ", i, " must be f32, bf16 or f16, got ", typeStr(in[i]));
  };
  auto expectNumeric = [&](size_t i) {
    if (in[i].dtype == DType::Bool)
      fail("operand ", i, " must be numeric, got ", typeStr(in[i]));
  };
  auto expectSameDType = [&](size_t i, size_t j) {
    if (in[i].dtype != in[j].dtype)
      fail("operands ", i, " and ", j, " must have the same element type, got ",
           typeStr(in[i]), " and ", typeStr(in[j]));
  };
  auto axisOf = [&](int64_t axis, int64_t rank) {
    auto a = normalizeAxis(axis, rank);
    if (!a)
      fail("axis ", axis, " is out of range for rank ", rank);
    return *a;
  };
  auto one = [](TensorType t) { return std::vector<TensorType>{std::move(t)}; };

  if (isBinary(kind)) {
    expectCount(2, 2);
    expectNumeric(0);
    expectSameDType(0, 1);
    auto s = broadcastShapes({in[0].shape, in[1].shape});
    if (!s)
      fail("operand shapes are not broadcast-compatible: ",
           formatShape(in[0].shape), ", ", formatShape(in[1].shape));
    return one({in[0].dtype, *s});
  }

  switch (kind) {
  case OpKind::Relu: case OpKind::Tanh: case OpKind::Sigmoid: case OpKind::Erf:
  case OpKind::Exp: case OpKind::Log: case OpKind::Sqrt:
  case OpKind::Reciprocal: case OpKind::Gelu:
  case OpKind::Floor: case OpKind::Ceil: case OpKind::Round:
  case OpKind::Sin: case OpKind::Cos:
  case OpKind::Tan: case OpKind::Asin: case OpKind::Acos: case OpKind::Atan:
  case OpKind::Sinh: case OpKind::Cosh: case OpKind::Asinh: case OpKind::Acosh:
  case OpKind::Atanh:
    expectCount(1, 1);
    expectFloat(0);
    return one(in[0]);
  case OpKind::Clip:
    expectCount(1, 1);
    expectFloat(0);
    if (attrs.min && attrs.max && *attrs.min > *attrs.max)
      fail("min ", *attrs.min, " exceeds max ", *attrs.max);
    return one(in[0]);
  case OpKind::Neg: case OpKind::Abs:
    expectCount(1, 1);
    expectNumeric(0);
    return one(in[0]);
  case OpKind::Identity:
    expectCount(1, 1);
    return one(in[0]);
  case OpKind::Cast:
    expectCount(1, 1);
    return one({attrs.castTo, in[0].shape});
  case OpKind::Where: {
    expectCount(3, 3);
    if (in[0].dtype != DType::Bool)
      fail("condition must be i1, got ", typeStr(in[0]));
    expectSameDType(1, 2);
    auto s = broadcastShapes({in[0].shape, in[1].shape, in[2].shape});
    if (!s)
      fail("operand shapes are not broadcast-compatible");
    return one({in[1].dtype, *s});
  }
  case OpKind::MatMul: {
    expectCount(2, 2);
    expectNumeric(0);
    expectSameDType(0, 1);
    if (in[0].shape.empty() || in[1].shape.empty())
      fail("operands must have rank 1 or more");
    Shape a = in[0].shape, b = in[1].shape;
    if (a.size() == 1)
      a.insert(a.begin(), 1);
    if (b.size() == 1)
      b.push_back(1);
    int64_t m = a[a.size() - 2], k = a.back(), kb = b[b.size() - 2], n = b.back();
    if (k != kb)
      fail("contracting dimensions differ: lhs has ", k, ", rhs has ", kb);
    auto batch = broadcastShapes({Shape(a.begin(), a.end() - 2),
                                  Shape(b.begin(), b.end() - 2)});
    if (!batch)
      fail("batch dimensions are not broadcast-compatible");
    Shape s = *batch;
    if (in[0].shape.size() != 1)
      s.push_back(m);
    if (in[1].shape.size() != 1)
      s.push_back(n);
    return one({in[0].dtype, s});
  }
  case OpKind::Gemm: {
    expectCount(2, 3);
    expectFloat(0);
    expectSameDType(0, 1);
    if (in[0].shape.size() != 2 || in[1].shape.size() != 2)
      fail("A and B must be 2-D, got ", typeStr(in[0]), " and ", typeStr(in[1]));
    int64_t m = in[0].shape[attrs.transA ? 1 : 0], k = in[0].shape[attrs.transA ? 0 : 1];
    int64_t kb = in[1].shape[attrs.transB ? 1 : 0], n = in[1].shape[attrs.transB ? 0 : 1];
    if (k != kb)
      fail("contracting dimensions differ: op(A) is ", m, "x", k, ", op(B) is ",
           kb, "x", n);
    if (in.size() == 3) {
      expectSameDType(0, 2);
      auto s = broadcastShapes({in[2].shape, Shape{m, n}});
      if (in[2].shape.size() > 2 || !s || (*s)[0] != m || (*s)[1] != n)
        fail("C ", typeStr(in[2]), " does not broadcast to ", m, "x", n);
    }
    return one({in[0].dtype, {m, n}});
  }
  case OpKind::Conv: {
    expectCount(2, 3);
    expectFloat(0);
    expectSameDType(0, 1);
    const Shape &x = in[0].shape, &w = in[1].shape;
    if (x.size() != 4 || w.size() != 4)
      fail("input and filter must be 4-D, got ", typeStr(in[0]), " and ",
           typeStr(in[1]));
    int64_t g = attrs.group;
    if (g < 1 || x[1] % g != 0 || w[0] % g != 0 || w[1] * g != x[1])
      fail("group ", g, " does not divide input channels ", x[1],
           " and filter ", formatShape(w));
    if (in.size() == 3) {
      expectSameDType(0, 2);
      if (in[2].shape != Shape{w[0]})
        fail("bias must be [", w[0], "], got ", formatShape(in[2].shape));
    }
    Shape st = attrs.strides.empty() ? Shape{1, 1} : attrs.strides;
    Shape pd = attrs.pads.empty() ? Shape{0, 0, 0, 0} : attrs.pads;
    Shape dl = attrs.dilations.empty() ? Shape{1, 1} : attrs.dilations;
    if (st.size() != 2 || pd.size() != 4 || dl.size() != 2)
      fail("expected 2 strides, 4 pads and 2 dilations");
    Shape out{x[0], w[0]};
    for (int i = 0; i < 2; ++i) {
      auto s = slidingWindowSize(x[2 + i], w[2 + i], st[i], pd[i], pd[2 + i],
                                 dl[i], false);
      if (!s)
        fail("filter ", formatShape(w), " does not fit input ", formatShape(x),
             " along spatial dimension ", i);
      out.push_back(*s);
    }
    return one({in[0].dtype, out});
  }
  case OpKind::BatchNorm: {
    expectCount(5, 5);
    expectFloat(0);
    if (in[0].shape.size() < 2)
      fail("input must have rank 2 or more, got ", typeStr(in[0]));
    for (size_t i = 1; i < 5; ++i) {
      expectSameDType(0, i);
      if (in[i].shape != Shape{in[0].shape[1]})
        fail("operand ", i, " must be [", in[0].shape[1], "], got ",
             formatShape(in[i].shape));
    }
    return one(in[0]);
  }
  case OpKind::LayerNorm: {
    expectCount(2, 3);
    expectFloat(0);
    int64_t axis = axisOf(attrs.axis, in[0].shape.size());
    Shape norm(in[0].shape.begin() + axis, in[0].shape.end());
    for (size_t i = 1; i < in.size(); ++i) {
      expectSameDType(0, i);
      if (in[i].shape != norm)
        fail("scale and bias must have the normalized shape ", formatShape(norm),
             ", got ", formatShape(in[i].shape));
    }
    return one(in[0]);
  }
  case OpKind::Softmax:
    expectCount(1, 1);
    expectFloat(0);
    axisOf(attrs.axis, in[0].shape.size());
    return one(in[0]);
  case OpKind::MaxPool:
  case OpKind::AveragePool: {
    expectCount(1, 1);
    expectFloat(0);
    const Shape &x = in[0].shape;
    if (x.size() != 4)
      fail("expected a 4-D NCHW input, got ", typeStr(in[0]));
    Shape st = attrs.strides.empty() ? Shape{1, 1} : attrs.strides;
    Shape pd = attrs.pads.empty() ? Shape{0, 0, 0, 0} : attrs.pads;
    Shape dl = attrs.dilations.empty() ? Shape{1, 1} : attrs.dilations;
    if (attrs.kernelShape.size() != 2 || st.size() != 2 || pd.size() != 4 ||
        dl.size() != 2)
      fail("expected 2 kernel_shape, strides and dilations values and 4 pads");
    Shape out{x[0], x[1]};
    for (int i = 0; i < 2; ++i) {
      auto s = slidingWindowSize(x[2 + i], attrs.kernelShape[i], st[i], pd[i],
                                 pd[2 + i], dl[i], attrs.ceilMode);
      if (!s)
        fail("window of size ", attrs.kernelShape[i], " does not fit spatial "
             "dimension ", i, " of ", formatShape(x));
      out.push_back(*s);
    }
    return one({in[0].dtype, out});
  }
  case OpKind::GlobalAveragePool: {
    expectCount(1, 1);
    expectFloat(0);
    if (in[0].shape.size() < 3)
      fail("expected an [N, C, D1, ...] input, got ", typeStr(in[0]));
    Shape s = in[0].shape;
    std::fill(s.begin() + 2, s.end(), 1);
    return one({in[0].dtype, s});
  }
  case OpKind::ReduceMean: case OpKind::ReduceSum: case OpKind::ReduceMax: {
    expectCount(1, 1);
    expectNumeric(0);
    int64_t rank = in[0].shape.size();
    std::vector<bool> reduced(rank, attrs.axes.empty());
    for (int64_t a : attrs.axes) {
      int64_t n = axisOf(a, rank);
      if (reduced[n])
        fail("reduction axis ", a, " is listed twice");
      reduced[n] = true;
    }
    Shape s;
    for (int64_t i = 0; i < rank; ++i) {
      if (!reduced[i])
        s.push_back(in[0].shape[i]);
      else if (attrs.keepdims)
        s.push_back(1);
    }
    return one({in[0].dtype, s});
  }
  case OpKind::ArgMax: case OpKind::ArgMin: {
    expectCount(1, 1);
    expectNumeric(0);
    int64_t rank = in[0].shape.size();
    if (rank == 0)
      fail("expected an input of rank 1 or more, got ", typeStr(in[0]));
    int64_t axis = axisOf(attrs.axis, rank);
    Shape s;
    for (int64_t i = 0; i < rank; ++i) {
      if (i != axis)
        s.push_back(in[0].shape[i]);
      else if (attrs.keepdims)
        s.push_back(1);
    }
    if (in[0].shape[axis] == 0)
      fail("axis ", attrs.axis, " is empty");
    return one({DType::I64, s});
  }
  case OpKind::Reshape: {
    expectCount(1, 1);
    auto n = checkedNumElements(attrs.shape);
    if (!n || *n != numElements(in[0].shape))
      fail("cannot reshape ", typeStr(in[0]), " to ", formatShape(attrs.shape));
    return one({in[0].dtype, attrs.shape});
  }
  case OpKind::Transpose: {
    expectCount(1, 1);
    size_t rank = in[0].shape.size();
    std::vector<bool> seen(rank, false);
    if (attrs.perm.size() != rank)
      fail("perm has ", attrs.perm.size(), " entries for rank ", rank);
    Shape s;
    for (int64_t p : attrs.perm) {
      if (p < 0 || size_t(p) >= rank || seen[p])
        fail("perm is not a permutation of [0, ", rank, ")");
      seen[p] = true;
      s.push_back(in[0].shape[p]);
    }
    return one({in[0].dtype, s});
  }
  case OpKind::Flatten: {
    expectCount(1, 1);
    int64_t rank = in[0].shape.size(), axis = attrs.axis;
    if (axis < -rank || axis > rank)
      fail("axis ", axis, " is out of range [", -rank, ", ", rank, "]");
    if (axis < 0)
      axis += rank;
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < rank; ++i)
      (i < axis ? outer : inner) *= in[0].shape[i];
    return one({in[0].dtype, {outer, inner}});
  }
  case OpKind::Concat: {
    if (in.empty())
      fail("requires at least one input");
    int64_t axis = axisOf(attrs.axis, in[0].shape.size());
    Shape s = in[0].shape;
    for (size_t i = 1; i < in.size(); ++i) {
      expectSameDType(0, i);
      if (in[i].shape.size() != s.size())
        fail("operand ", i, " has rank ", in[i].shape.size(), ", expected ", s.size());
      for (size_t d = 0; d < s.size(); ++d)
        if (int64_t(d) != axis && in[i].shape[d] != s[d])
          fail("operand ", i, " ", formatShape(in[i].shape),
               " differs from ", formatShape(in[0].shape), " off the axis");
      s[axis] += in[i].shape[axis];
    }
    return one({in[0].dtype, s});
  }
  case OpKind::Split: {
    expectCount(1, 1);
    int64_t axis = axisOf(attrs.axis, in[0].shape.size());
    if (attrs.sizes.empty())
      fail("sizes must not be empty");
    int64_t total = 0;
    std::vector<TensorType> out;
    for (int64_t size : attrs.sizes) {
      if (size <= 0 || size > in[0].shape[axis])
        fail("sizes must be positive and fit the dimension");
      total += size;
      Shape s = in[0].shape;
      s[axis] = size;
      out.push_back({in[0].dtype, s});
    }
    if (total != in[0].shape[axis])
      fail("sizes add up to ", total, ", but the dimension is ", in[0].shape[axis]);
    return out;
  }
  case OpKind::Slice: {
    expectCount(1, 1);
    int64_t rank = in[0].shape.size();
    size_t n = attrs.starts.size();
    std::vector<int64_t> axes = attrs.axes, steps = attrs.steps;
    if (axes.empty())
      for (size_t i = 0; i < n; ++i)
        axes.push_back(i);
    if (steps.empty())
      steps.assign(n, 1);
    if (attrs.ends.size() != n || axes.size() != n || steps.size() != n)
      fail("starts, ends, axes and steps must have the same length");
    Shape s = in[0].shape;
    std::vector<bool> seen(rank, false);
    for (size_t i = 0; i < n; ++i) {
      auto axis = normalizeAxis(axes[i], rank);
      if (!axis || seen[*axis])
        fail("axis ", axes[i], " is out of range or repeated");
      seen[*axis] = true;
      if (steps[i] == 0)
        fail("steps must be non-zero");
      int64_t dim = s[*axis];
      if (dim == 0)
        continue;
      auto clampIndex = [&](int64_t v, int64_t lowNeg) {
        if (v < 0)
          v += dim;
        return steps[i] > 0 ? std::clamp<int64_t>(v, 0, dim)
                            : std::clamp<int64_t>(v, lowNeg, dim - 1);
      };
      int64_t start = clampIndex(attrs.starts[i], 0), end = clampIndex(attrs.ends[i], -1);
      int64_t distance = steps[i] > 0 ? end - start : start - end;
      uint64_t absStep = steps[i] > 0 ? uint64_t(steps[i]) : 0 - uint64_t(steps[i]);
      s[*axis] = distance <= 0 ? 0 : int64_t(1 + uint64_t(distance - 1) / absStep);
    }
    return one({in[0].dtype, s});
  }
  case OpKind::Gather: {
    expectCount(2, 2);
    if (in[1].dtype != DType::I64 && in[1].dtype != DType::I32)
      fail("indices must be i64 or i32, got ", typeStr(in[1]));
    int64_t axis = axisOf(attrs.axis, in[0].shape.size());
    Shape s(in[0].shape.begin(), in[0].shape.begin() + axis);
    s.insert(s.end(), in[1].shape.begin(), in[1].shape.end());
    s.insert(s.end(), in[0].shape.begin() + axis + 1, in[0].shape.end());
    return one({in[0].dtype, s});
  }
  case OpKind::GatherElements: {
    expectCount(2, 2);
    if (in[1].dtype != DType::I64 && in[1].dtype != DType::I32)
      fail("indices must be i64 or i32, got ", typeStr(in[1]));
    const Shape &ds = in[0].shape, &is = in[1].shape;
    int64_t axis = axisOf(attrs.axis, ds.size());
    if (is.size() != ds.size())
      fail("indices have rank ", is.size(), ", data rank ", ds.size());
    for (size_t d = 0; d < ds.size(); ++d)
      if (int64_t(d) != axis && is[d] > ds[d])
        fail("indices dimension ", d, " is ", is[d], ", larger than data's ", ds[d]);
    return one({in[0].dtype, is});
  }
  case OpKind::Unsqueeze: {
    expectCount(1, 1);
    if (attrs.axes.empty())
      fail("axes must not be empty");
    int64_t outRank = in[0].shape.size() + attrs.axes.size();
    std::vector<bool> inserted(outRank, false);
    for (int64_t a : attrs.axes) {
      int64_t n = axisOf(a, outRank);
      if (inserted[n])
        fail("axis ", a, " is listed twice");
      inserted[n] = true;
    }
    Shape s;
    size_t j = 0;
    for (int64_t i = 0; i < outRank; ++i)
      s.push_back(inserted[i] ? 1 : in[0].shape[j++]);
    return one({in[0].dtype, s});
  }
  case OpKind::Squeeze: {
    expectCount(1, 1);
    int64_t rank = in[0].shape.size();
    std::vector<bool> removed(rank, false);
    if (attrs.axes.empty()) {
      for (int64_t i = 0; i < rank; ++i)
        removed[i] = in[0].shape[i] == 1;
    }
    for (int64_t a : attrs.axes) {
      int64_t n = axisOf(a, rank);
      if (removed[n])
        fail("axis ", a, " is listed twice");
      if (in[0].shape[n] != 1)
        fail("dimension ", n, " of ", formatShape(in[0].shape), " is not 1");
      removed[n] = true;
    }
    Shape s;
    for (int64_t i = 0; i < rank; ++i)
      if (!removed[i])
        s.push_back(in[0].shape[i]);
    return one({in[0].dtype, s});
  }
  case OpKind::Expand: {
    expectCount(1, 1);
    for (int64_t d : attrs.shape)
      if (d < 0)
        fail("shape ", formatShape(attrs.shape), " has a negative dimension");
    auto s = broadcastShapes({in[0].shape, attrs.shape});
    if (!s)
      fail("cannot expand ", formatShape(in[0].shape), " to ",
           formatShape(attrs.shape));
    return one({in[0].dtype, *s});
  }
  default:
    break;
  }
  fail("unknown op kind ", static_cast<int>(kind));
}

uint64_t estimateFlops(OpKind kind, const OpAttrs &attrs,
                       const std::vector<TensorType> &in,
                       const std::vector<TensorType> &out) {
  uint64_t outN = out.empty() ? 0 : numElements(out[0].shape);
  switch (kind) {
  case OpKind::MatMul: {
    const Shape &a = in[0].shape;
    uint64_t k = a.back();
    return 2 * outN * k;
  }
  case OpKind::Gemm:
    return 2 * outN * uint64_t(in[0].shape[attrs.transA ? 0 : 1]);
  case OpKind::Conv: {
    const Shape &w = in[1].shape;
    return 2 * outN * uint64_t(w[1] * w[2] * w[3]);
  }
  case OpKind::MaxPool:
  case OpKind::AveragePool:
    return outN * uint64_t(attrs.kernelShape[0] * attrs.kernelShape[1]);
  case OpKind::GlobalAveragePool:
  case OpKind::ReduceMean: case OpKind::ReduceSum: case OpKind::ReduceMax:
  case OpKind::ArgMax: case OpKind::ArgMin:
  case OpKind::Softmax: case OpKind::LayerNorm: case OpKind::BatchNorm:
    return numElements(in[0].shape);
  case OpKind::Identity: case OpKind::Reshape: case OpKind::Flatten:
  case OpKind::Squeeze: case OpKind::Unsqueeze: case OpKind::Transpose:
  case OpKind::Concat: case OpKind::Split: case OpKind::Slice:
  case OpKind::Gather: case OpKind::Expand: case OpKind::Cast:
  case OpKind::GatherElements:
    return 0;
  default:
    return outN;
  }
}

} // namespace neuron::rt
