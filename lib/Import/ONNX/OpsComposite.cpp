//===- OpsComposite.cpp - ONNX ops lowered to compositions of graph ops ---===//
//
// Activations and reductions the graph dialect has no op for, written with
// the ops it has, in forms that stay exact where the input is large:
//   LeakyRelu  relu(x) + alpha * min(x, 0)
//   PRelu      relu(x) + slope * min(x, 0)
//   Elu        relu(x) + alpha * (exp(min(x, 0)) - 1)
//   Celu       relu(x) + alpha * (exp(min(x, 0) / alpha) - 1)
//   Selu       gamma * Elu(x; alpha)
//   Softplus   relu(x) + log(1 + exp(-|x|))        (no overflow of exp(x))
//   Softsign   x / (1 + |x|)
//   LogSoftmax (x - max) - log(sum(exp(x - max)))   (no log of an underflow)
//   ReduceMin  -reduce_max(-x); ReduceL1 sum(|x|); ReduceL2 sqrt(sum(x*x));
//   ReduceSumSquare sum(x*x)
//   Mean, Tile (constant repeats), DepthToSpace / SpaceToDepth (reshape,
//   transpose, reshape), InstanceNormalization (reductions)
//
//===----------------------------------------------------------------------===//
#include "ONNXImporter.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace neuron;
using namespace neuron::onnx_import;
using onnx::TensorProto;

namespace {

/// Builds graph ops for one node, the element type following input 0. Ops
/// are created in statement order (never two in one call's arguments, whose
/// evaluation order differs between compilers): the IR is the same for
/// every build.
struct Composer {
  NodeBinder &b;

  FailureOr<Value> scalar(double v) {
    ConstTensor c = ConstTensor::empty(b.dtype(0), {});
    c.floats.push_back(v);
    return b.importer.materialize(c, b.node.op_type(), b.loc);
  }
  template <typename OpTy> Value unary(Value x) {
    return OpTy::create(b.builder(), b.loc, x.getType(), x);
  }
  template <typename OpTy> FailureOr<Value> binary(FailureOr<Value> x, FailureOr<Value> y) {
    if (failed(x) || failed(y))
      return failure();
    return emitBinary<OpTy>(b, *x, *y);
  }
  template <typename OpTy> FailureOr<Value> withScalar(FailureOr<Value> x, double v) {
    if (failed(x))
      return failure();
    FailureOr<Value> c = scalar(v);
    return binary<OpTy>(x, c);
  }
  /// min(x, 0).
  FailureOr<Value> negativePart(Value x) { return withScalar<graph::MinOp>(x, 0.0); }
  /// relu(x) + alpha * (exp(min(x, 0) / scale) - 1).
  FailureOr<Value> elu(Value x, double alpha, double scale) {
    FailureOr<Value> n = negativePart(x);
    if (failed(n))
      return failure();
    if (scale != 1.0)
      n = withScalar<graph::DivOp>(n, scale);
    if (failed(n))
      return failure();
    FailureOr<Value> e = withScalar<graph::SubOp>(unary<graph::ExpOp>(*n), 1.0);
    FailureOr<Value> scaled = withScalar<graph::MulOp>(e, alpha);
    return binary<graph::AddOp>(unary<graph::ReluOp>(x), scaled);
  }
  template <typename OpTy>
  FailureOr<Value> reduce(Value x, ArrayRef<int64_t> axes, bool keepdims) {
    FailureOr<Operation *> op = b.createInferred<OpTy>(
        x, b.builder().getDenseI64ArrayAttr(axes), b.builder().getBoolAttr(keepdims));
    if (failed(op))
      return failure();
    return (*op)->getResult(0);
  }
};

using Lowering = function_ref<FailureOr<Value>(Composer &, Value)>;

/// A one-input float op lowered by `lower`.
LogicalResult lowerUnary(NodeBinder &b, Lowering lower) {
  if (failed(b.requireInputs(1, 1)))
    return failure();
  FailureOr<Value> x = b.floatValue(0);
  if (failed(x))
    return failure();
  Composer c{b};
  FailureOr<Value> y = lower(c, *x);
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

/// The input of a softmax-like op along `axis` and the axis to use: before
/// opset 13 the input is coerced to 2-D at `axis` (reshaped unless `axis` is
/// already the last).
struct AxisInput {
  Value in;
  int64_t axis;
};
FailureOr<AxisInput> softmaxInput(NodeBinder &b) {
  bool coerce = b.opset < 13;
  int64_t rank = b.rank(0), given = b.attrInt("axis", coerce ? 1 : -1);
  std::optional<int64_t> axis = graph::normalizeAxis(given, rank);
  if (!axis)
    return b.emitError() << "axis " << given << " is out of range for rank " << rank;
  FailureOr<Value> x = b.floatValue(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = b.shape(0);
  if (coerce && *axis != rank - 1) {
    SmallVector<int64_t> flat{numElements(shape.take_front(*axis)),
                              numElements(shape.drop_front(*axis))};
    Value in = graph::ReshapeOp::create(b.builder(), b.loc, NodeBinder::withShape(*x, flat), *x);
    return AxisInput{in, 1};
  }
  return AxisInput{*x, coerce ? rank - 1 : *axis};
}

/// An i64 constant 0, 1, ..., n - 1 along `axis` of a rank-`rank` shape of
/// ones elsewhere (positions to compare indices with).
FailureOr<Value> positionsAlong(NodeBinder &b, int64_t n, int64_t rank, int64_t axis) {
  SmallVector<int64_t> iota, shape(rank, 1);
  shape[axis] = n;
  for (int64_t i = 0; i < n; ++i)
    iota.push_back(i);
  ConstTensor positions = ConstTensor::ofInts(iota, TensorProto::INT64);
  positions.shape.assign(shape.begin(), shape.end());
  return b.importer.materialize(positions, b.node.op_type(), b.loc);
}

LogicalResult importLeakyRelu(NodeBinder &b) {
  double alpha = b.attrFloat("alpha", 0.01f);
  return lowerUnary(b, [&](Composer &c, Value x) {
    FailureOr<Value> scaled = c.withScalar<graph::MulOp>(c.negativePart(x), alpha);
    return c.binary<graph::AddOp>(c.unary<graph::ReluOp>(x), scaled);
  });
}

LogicalResult importPRelu(NodeBinder &b) {
  if (failed(b.requireInputs(2, 2)))
    return failure();
  FailureOr<Value> x = b.floatValue(0), slope = b.floatValue(1);
  if (failed(x) || failed(slope))
    return failure();
  // The slope broadcasts to x (unidirectionally): the result has x's shape.
  ArrayRef<int64_t> xs = b.shape(0), ss = b.shape(1);
  SmallVector<int64_t> perChannel;
  if (b.importer.getSourceOpset() < 7 && ss.size() == 1 && ss[0] != 1 && xs.size() >= 2 &&
      ss[0] == xs[1]) {
    // Before opset 7 a slope of more than one value is per channel (axis 1),
    // as in Caffe; the version converter keeps the node as it is.
    perChannel.assign(xs.size() - 1, 1);
    perChannel[0] = ss[0];
    slope = graph::ReshapeOp::create(b.builder(), b.loc, NodeBinder::withShape(*slope, perChannel),
                                     *slope)
                .getResult();
    ss = perChannel;
  }
  bool fits = ss.size() <= xs.size();
  for (size_t i = 0; fits && i < ss.size(); ++i) {
    int64_t s = ss[ss.size() - 1 - i], d = xs[xs.size() - 1 - i];
    fits = s == 1 || s == d;
  }
  if (!fits)
    return b.emitError() << "slope of shape " << formatShape(ss)
                         << " does not broadcast to the input's "
                         << formatShape(xs);
  Composer c{b};
  FailureOr<Value> scaled = c.binary<graph::MulOp>(c.negativePart(*x), *slope);
  FailureOr<Value> y = c.binary<graph::AddOp>(c.unary<graph::ReluOp>(*x), scaled);
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

LogicalResult importElu(NodeBinder &b) {
  double alpha = b.attrFloat("alpha", 1.0f);
  return lowerUnary(b, [&](Composer &c, Value x) { return c.elu(x, alpha, 1.0); });
}

LogicalResult importCelu(NodeBinder &b) {
  double alpha = b.attrFloat("alpha", 1.0f);
  if (alpha == 0)
    return b.emitError() << "alpha must not be 0";
  return lowerUnary(b, [&](Composer &c, Value x) { return c.elu(x, alpha, alpha); });
}

LogicalResult importSelu(NodeBinder &b) {
  double alpha = b.attrFloat("alpha", 1.67326319217681884765625f);
  double gamma = b.attrFloat("gamma", 1.05070102214813232421875f);
  return lowerUnary(b, [&](Composer &c, Value x) {
    return c.withScalar<graph::MulOp>(c.elu(x, alpha, 1.0), gamma);
  });
}

LogicalResult importSoftplus(NodeBinder &b) {
  return lowerUnary(b, [&](Composer &c, Value x) -> FailureOr<Value> {
    Value negAbs = c.unary<graph::NegOp>(c.unary<graph::AbsOp>(x));
    FailureOr<Value> onePlus = c.withScalar<graph::AddOp>(c.unary<graph::ExpOp>(negAbs), 1.0);
    if (failed(onePlus))
      return failure();
    Value log = c.unary<graph::LogOp>(*onePlus);
    return c.binary<graph::AddOp>(c.unary<graph::ReluOp>(x), log);
  });
}

LogicalResult importSoftsign(NodeBinder &b) {
  return lowerUnary(b, [&](Composer &c, Value x) {
    FailureOr<Value> denominator = c.withScalar<graph::AddOp>(c.unary<graph::AbsOp>(x), 1.0);
    return c.binary<graph::DivOp>(x, denominator);
  });
}

/// LRN (AlexNet, GoogLeNet): x / (bias + alpha / size * sum of x^2 over the
/// `size` channels around each)^beta. The channel window sum is an average
/// pool (count_include_pad) over x^2 viewed as [N, 1, C, H * W].
LogicalResult importLRN(NodeBinder &b) {
  if (failed(b.requireInputs(1, 1)))
    return failure();
  ArrayRef<int64_t> s = b.shape(0);
  if (s.size() < 3)
    return b.emitError() << "expects an input of rank 3 or more, got " << s.size();
  int64_t size = b.attrInt("size", 0);
  if (size < 1 || size > 1024)
    return b.emitError() << "size " << size << " must be in 1..1024";
  double alpha = b.attrFloat("alpha", 1e-4f), beta = b.attrFloat("beta", 0.75f),
         bias = b.attrFloat("bias", 1.0f);
  FailureOr<Value> x = b.floatValue(0);
  if (failed(x))
    return failure();
  Composer c{b};
  OpBuilder &ob = b.builder();
  FailureOr<Value> sq = c.binary<graph::MulOp>(*x, *x);
  if (failed(sq))
    return failure();
  int64_t spatial = numElements(s.drop_front(2));
  Value view = graph::ReshapeOp::create(ob, b.loc, NodeBinder::withShape(*sq, {s[0], 1, s[1], spatial}),
                                        *sq);
  // ONNX's window: floor((size - 1) / 2) channels before, ceil after.
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  FailureOr<Operation *> avg = b.createInferred<graph::AveragePoolOp>(
      view, ob.getDenseI64ArrayAttr({size, 1}), ob.getDenseI64ArrayAttr({1, 1}),
      ob.getDenseI64ArrayAttr({before, 0, after, 0}), ob.getDenseI64ArrayAttr({1, 1}),
      ob.getBoolAttr(false), ob.getBoolAttr(true));
  if (failed(avg))
    return failure();
  Value mean = graph::ReshapeOp::create(ob, b.loc, x->getType(), (*avg)->getResult(0));
  FailureOr<Value> scaled = c.withScalar<graph::MulOp>(mean, alpha);
  FailureOr<Value> base = c.withScalar<graph::AddOp>(scaled, bias);
  FailureOr<Value> denom = c.withScalar<graph::PowOp>(base, beta);
  FailureOr<Value> y = c.binary<graph::DivOp>(*x, denom);
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

/// Einsum (opset 12): graph::createEinsum.
LogicalResult importEinsum(NodeBinder &b) {
  if (failed(b.requireVariadicInputs(1)))
    return failure();
  std::string equation = b.attrString("equation", "");
  SmallVector<Value> xs;
  for (int i = 0; i < b.numInputs(); ++i) {
    FailureOr<Value> x = b.value(i);
    if (failed(x))
      return failure();
    xs.push_back(*x);
  }
  FailureOr<Value> y = graph::createEinsum(b.builder(), b.loc, equation, xs);
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

/// LogSoftmax; before opset 13 the input is coerced to 2-D at `axis`.
LogicalResult importLogSoftmax(NodeBinder &b) {
  if (failed(b.requireInputs(1, 1)))
    return failure();
  FailureOr<AxisInput> input = softmaxInput(b);
  if (failed(input))
    return failure();
  Composer c{b};
  Value in = input->in;
  int64_t reduceAxis = input->axis;
  FailureOr<Value> max = c.reduce<graph::ReduceMaxOp>(in, {reduceAxis}, true);
  FailureOr<Value> shifted = c.binary<graph::SubOp>(in, max);
  if (failed(shifted))
    return failure();
  FailureOr<Value> sum =
      c.reduce<graph::ReduceSumOp>(c.unary<graph::ExpOp>(*shifted), {reduceAxis}, true);
  if (failed(sum))
    return failure();
  Value logSum = c.unary<graph::LogOp>(*sum);
  FailureOr<Value> y = c.binary<graph::SubOp>(shifted, logSum);
  if (failed(y))
    return failure();
  Value out = *y;
  RankedTensorType type = NodeBinder::withShape(out, b.shape(0));
  if (out.getType() != type)
    out = graph::ReshapeOp::create(b.builder(), b.loc, type, out);
  b.setResult(0, out);
  return success();
}

/// ThresholdedRelu: x where x > alpha, else 0.
LogicalResult importThresholdedRelu(NodeBinder &b) {
  double alpha = b.attrFloat("alpha", 1.0f);
  return lowerUnary(b, [&](Composer &c, Value x) -> FailureOr<Value> {
    FailureOr<Value> a = c.scalar(alpha), zero = c.scalar(0);
    if (failed(a) || failed(zero))
      return failure();
    FailureOr<Value> above = graph::createCompare(b.builder(), b.loc, graph::CompareKind::Gt, x, *a);
    if (failed(above))
      return failure();
    return graph::createInferred<graph::WhereOp>(b.builder(), b.loc, {*above, x, *zero});
  });
}

/// Shrink: x + bias below -lambd, x - bias above lambd, else 0.
LogicalResult importShrink(NodeBinder &b) {
  double lambd = b.attrFloat("lambd", 0.5f), bias = b.attrFloat("bias", 0.0f);
  return lowerUnary(b, [&](Composer &c, Value x) -> FailureOr<Value> {
    FailureOr<Value> lo = c.scalar(-lambd), hi = c.scalar(lambd), zero = c.scalar(0);
    if (failed(lo) || failed(hi) || failed(zero))
      return failure();
    OpBuilder &ob = b.builder();
    FailureOr<Value> below = graph::createCompare(ob, b.loc, graph::CompareKind::Lt, x, *lo);
    FailureOr<Value> above = graph::createCompare(ob, b.loc, graph::CompareKind::Gt, x, *hi);
    FailureOr<Value> plus = c.withScalar<graph::AddOp>(x, bias);
    FailureOr<Value> minus = c.withScalar<graph::SubOp>(x, bias);
    if (failed(below) || failed(above) || failed(plus) || failed(minus))
      return failure();
    FailureOr<Value> upper = graph::createInferred<graph::WhereOp>(ob, b.loc, {*above, *minus, *zero});
    if (failed(upper))
      return failure();
    return graph::createInferred<graph::WhereOp>(ob, b.loc, {*below, *plus, *upper});
  });
}

/// Hardmax: 1 at the first maximum along `axis`, 0 elsewhere (before opset
/// 13 the input is coerced to 2-D at `axis`): argmax, compared with the
/// positions along the axis, cast to the input's type.
LogicalResult importHardmax(NodeBinder &b) {
  if (failed(b.requireInputs(1, 1)))
    return failure();
  FailureOr<AxisInput> input = softmaxInput(b);
  if (failed(input))
    return failure();
  OpBuilder &ob = b.builder();
  auto inType = cast<RankedTensorType>(input->in.getType());
  int64_t a = input->axis;
  FailureOr<Operation *> arg = b.createInferred<graph::ArgMaxOp>(
      input->in, ob.getI64IntegerAttr(a), ob.getBoolAttr(true), ob.getBoolAttr(false));
  if (failed(arg))
    return failure();
  FailureOr<Value> pos = positionsAlong(b, inType.getDimSize(a), inType.getRank(), a);
  if (failed(pos))
    return failure();
  FailureOr<Value> hit =
      graph::createCompare(ob, b.loc, graph::CompareKind::Eq, (*arg)->getResult(0), *pos);
  if (failed(hit))
    return failure();
  Value y = castElements(b, *hit, inType.getElementType());
  RankedTensorType type = NodeBinder::withShape(y, b.shape(0));
  if (y.getType() != type)
    y = graph::ReshapeOp::create(ob, b.loc, type, y);
  b.setResult(0, y);
  return success();
}

/// OneHot(indices, depth, values): along a new axis `axis` of size depth,
/// values[1] where the position equals the index (a negative index counts
/// from the back), values[0] elsewhere and for an index out of range.
LogicalResult importOneHot(NodeBinder &b) {
  if (failed(b.requireInputs(3, 3)))
    return failure();
  FailureOr<const ConstTensor *> depthValue = b.requireConstant(1, "depth");
  FailureOr<const ConstTensor *> values = b.requireConstant(2, "values");
  if (failed(depthValue) || failed(values))
    return failure();
  if ((*depthValue)->size() != 1 || (*values)->size() != 2)
    return b.emitError() << "depth must have one value and values two";
  int64_t depth = (*depthValue)->isFloat()
                      ? static_cast<int64_t>((*depthValue)->getDouble(0))
                      : (*depthValue)->getInt(0);
  if (depth < 1 || depth > kMaxFoldElements)
    return b.emitError() << "depth " << depth << " is not in 1.." << kMaxFoldElements;
  int64_t rank = b.rank(0) + 1, given = b.attrInt("axis", -1);
  std::optional<int64_t> axis = graph::normalizeAxis(given, rank);
  if (!axis)
    return b.emitError() << "axis " << given << " is out of range for output rank " << rank;
  FailureOr<Value> indices = b.value(0);
  if (failed(indices))
    return failure();
  OpBuilder &ob = b.builder();
  // Indices of any numeric type are taken as int64 (floats truncated).
  Value idx = castElements(b, *indices, ob.getI64Type());
  auto scalarOf = [&](int32_t dtype, double v) {
    ConstTensor t = ConstTensor::empty(dtype, {});
    if (isFloatDType(dtype))
      t.floats.push_back(v);
    else
      t.ints.push_back(static_cast<int64_t>(v));
    return b.importer.materialize(t, b.node.op_type(), b.loc);
  };
  FailureOr<Value> zero = scalarOf(TensorProto::INT64, 0), d = scalarOf(TensorProto::INT64, depth);
  if (failed(zero) || failed(d))
    return failure();
  FailureOr<Value> negative = graph::createCompare(ob, b.loc, graph::CompareKind::Lt, idx, *zero);
  FailureOr<Value> wrapped = emitBinary<graph::AddOp>(b, idx, *d);
  if (failed(negative) || failed(wrapped))
    return failure();
  FailureOr<Value> fixed = graph::createInferred<graph::WhereOp>(ob, b.loc, {*negative, *wrapped, idx});
  if (failed(fixed))
    return failure();
  FailureOr<Operation *> expanded =
      b.createInferred<graph::UnsqueezeOp>(*fixed, ob.getDenseI64ArrayAttr({*axis}));
  if (failed(expanded))
    return failure();
  FailureOr<Value> pos = positionsAlong(b, depth, rank, *axis);
  if (failed(pos))
    return failure();
  FailureOr<Value> hit =
      graph::createCompare(ob, b.loc, graph::CompareKind::Eq, (*expanded)->getResult(0), *pos);
  FailureOr<Value> off = scalarOf((*values)->dtype, (*values)->getDouble(0));
  FailureOr<Value> on = scalarOf((*values)->dtype, (*values)->getDouble(1));
  if (failed(hit) || failed(off) || failed(on))
    return failure();
  return b.emitInferred<graph::WhereOp>(*hit, *on, *off);
}

/// EyeLike: a constant of the 2-D input's shape with ones on diagonal k.
LogicalResult importEyeLike(NodeBinder &b) {
  if (failed(b.requireInputs(1, 1)))
    return failure();
  ArrayRef<int64_t> shape = b.shape(0);
  if (shape.size() != 2)
    return b.emitError() << "expects a 2-D input, got rank " << shape.size();
  int32_t dtype = static_cast<int32_t>(b.attrInt("dtype", b.dtype(0)));
  if (numElements(shape) > kMaxFoldElements)
    return b.emitUnsupported() << "an output of more than " << kMaxFoldElements << " elements";
  int64_t k = b.attrInt("k", 0);
  ConstTensor out = ConstTensor::empty(dtype, shape);
  for (int64_t i = 0; i < shape[0]; ++i)
    for (int64_t j = 0; j < shape[1]; ++j) {
      int64_t v = j - i == k ? 1 : 0;
      if (out.isFloat())
        out.floats.push_back(v);
      else
        out.ints.push_back(v);
    }
  b.setConstant(0, std::move(out));
  return success();
}

/// Trilu(input, k?): graph::createTriangular with k known at import.
LogicalResult importTrilu(NodeBinder &b) {
  if (failed(b.requireInputs(1, 2)))
    return failure();
  int64_t k = 0;
  if (b.hasInput(1)) {
    FailureOr<const ConstTensor *> c = b.requireConstant(1, "k");
    if (failed(c))
      return failure();
    if ((*c)->size() != 1)
      return b.emitError() << "k must have one value";
    k = (*c)->getInt(0);
  }
  if (b.rank(0) < 2)
    return b.emitError() << "expects an input of rank 2 or more, got " << b.rank(0);
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = graph::createTriangular(b.builder(), b.loc, *x, k, b.attrInt("upper", 1) != 0);
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

/// The negative log-likelihood loss of log-probabilities `input` ([N, C] or
/// [N, C, d1, ...]) at class indices `target` ([N] or [N, d1, ...]), as ONNX
/// NegativeLogLikelihoodLoss defines it: loss = -input[n, target, ...] *
/// weight[target], 0 where target == ignore_index; reduced by "none",
/// "sum" or "mean" (the sum over the sum of the weights used).
FailureOr<Value> nllLoss(NodeBinder &b, Composer &c, Value input, Value target,
                         std::optional<Value> weight) {
  OpBuilder &ob = b.builder();
  auto inType = cast<RankedTensorType>(input.getType());
  auto tType = cast<RankedTensorType>(target.getType());
  bool fits = inType.getRank() >= 2 && tType.getRank() == inType.getRank() - 1;
  for (int64_t d = 0; fits && d < tType.getRank(); ++d)
    fits = tType.getDimSize(d) == inType.getDimSize(d == 0 ? 0 : d + 1);
  if (!fits)
    return b.emitError() << "target of shape " << formatShape(tType.getShape())
                         << " does not match input of shape " << formatShape(inType.getShape())
                         << " ([N, C, d...] and [N, d...])";
  std::string reduction = b.attrString("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return b.emitError() << "reduction '" << reduction << "' is not none, sum or mean";
  Value t = castElements(b, target, ob.getI64Type());
  std::optional<Value> valid;
  if (b.attr("ignore_index")) {
    ConstTensor ignore = ConstTensor::ofInts({b.attrInt("ignore_index", 0)}, TensorProto::INT64);
    ignore.shape.clear();
    FailureOr<Value> k = b.importer.materialize(ignore, b.node.op_type(), b.loc);
    ConstTensor zeroIndex = ConstTensor::ofInts({0}, TensorProto::INT64);
    zeroIndex.shape.clear();
    FailureOr<Value> zero = b.importer.materialize(zeroIndex, b.node.op_type(), b.loc);
    if (failed(k) || failed(zero))
      return failure();
    FailureOr<Value> ne = graph::createCompare(ob, b.loc, graph::CompareKind::Ne, t, *k);
    if (failed(ne))
      return failure();
    valid = *ne;
    // Ignored positions gather class 0 (in range) and are zeroed below.
    FailureOr<Value> safe = graph::createInferred<graph::WhereOp>(ob, b.loc, {*ne, t, *zero});
    if (failed(safe))
      return failure();
    t = *safe;
  }
  FailureOr<Operation *> idx = b.createInferred<graph::UnsqueezeOp>(t, ob.getDenseI64ArrayAttr({1}));
  if (failed(idx))
    return failure();
  FailureOr<Operation *> picked = b.createInferred<graph::GatherElementsOp>(
      input, (*idx)->getResult(0), ob.getI64IntegerAttr(1));
  if (failed(picked))
    return failure();
  FailureOr<Operation *> squeezed =
      b.createInferred<graph::SqueezeOp>((*picked)->getResult(0), ob.getDenseI64ArrayAttr({1}));
  if (failed(squeezed))
    return failure();
  Value loss = c.unary<graph::NegOp>((*squeezed)->getResult(0));
  std::optional<Value> w;
  if (weight) {
    FailureOr<Operation *> g = b.createInferred<graph::GatherOp>(*weight, t, ob.getI64IntegerAttr(0));
    if (failed(g))
      return failure();
    w = (*g)->getResult(0);
  }
  if (valid) {
    if (w) {
      FailureOr<Value> zero = c.scalar(0);
      if (failed(zero))
        return failure();
      FailureOr<Value> masked = graph::createInferred<graph::WhereOp>(ob, b.loc, {*valid, *w, *zero});
      if (failed(masked))
        return failure();
      w = *masked;
    } else {
      w = castElements(b, *valid, inType.getElementType());
    }
  }
  if (w) {
    FailureOr<Value> weighted = c.binary<graph::MulOp>(loss, *w);
    if (failed(weighted))
      return failure();
    loss = *weighted;
  }
  if (reduction == "none")
    return loss;
  SmallVector<int64_t> all;
  for (int64_t d = 0; d < tType.getRank(); ++d)
    all.push_back(d);
  FailureOr<Value> sum = c.reduce<graph::ReduceSumOp>(loss, all, false);
  if (reduction == "sum" || failed(sum))
    return sum;
  if (!w)
    return c.withScalar<graph::DivOp>(sum, double(tType.getNumElements()));
  FailureOr<Value> total = c.reduce<graph::ReduceSumOp>(*w, all, false);
  return c.binary<graph::DivOp>(sum, total);
}

LogicalResult importNegativeLogLikelihoodLoss(NodeBinder &b) {
  if (failed(b.requireInputs(2, 3)))
    return failure();
  FailureOr<Value> input = b.floatValue(0), target = b.value(1);
  if (failed(input) || failed(target))
    return failure();
  if (isFloatDType(b.dtype(1)) || b.dtype(1) == TensorProto::BOOL)
    return b.emitError() << "target must be integers";
  std::optional<Value> weight;
  if (b.hasInput(2)) {
    FailureOr<Value> w = b.floatValue(2);
    if (failed(w))
      return failure();
    weight = *w;
  }
  Composer c{b};
  FailureOr<Value> y = nllLoss(b, c, *input, *target, weight);
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

/// SoftmaxCrossEntropyLoss: the NLL loss of log_softmax(scores) over axis 1;
/// the log-probabilities are the optional second output.
LogicalResult importSoftmaxCrossEntropyLoss(NodeBinder &b) {
  if (failed(b.requireInputs(2, 3)))
    return failure();
  FailureOr<Value> scores = b.floatValue(0), labels = b.value(1);
  if (failed(scores) || failed(labels))
    return failure();
  if (b.rank(0) < 2)
    return b.emitError() << "scores must have rank 2 or more, got " << b.rank(0);
  if (isFloatDType(b.dtype(1)) || b.dtype(1) == TensorProto::BOOL)
    return b.emitError() << "labels must be integers";
  std::optional<Value> weight;
  if (b.hasInput(2)) {
    FailureOr<Value> w = b.floatValue(2);
    if (failed(w))
      return failure();
    weight = *w;
  }
  Composer c{b};
  // (x - max) - log(sum(exp(x - max))) over the class axis.
  FailureOr<Value> max = c.reduce<graph::ReduceMaxOp>(*scores, {1}, true);
  FailureOr<Value> shifted = c.binary<graph::SubOp>(*scores, max);
  if (failed(shifted))
    return failure();
  FailureOr<Value> sum = c.reduce<graph::ReduceSumOp>(c.unary<graph::ExpOp>(*shifted), {1}, true);
  if (failed(sum))
    return failure();
  FailureOr<Value> logProb = c.binary<graph::SubOp>(shifted, c.unary<graph::LogOp>(*sum));
  if (failed(logProb))
    return failure();
  FailureOr<Value> y = nllLoss(b, c, *logProb, *labels, weight);
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  if (b.numOutputs() > 1)
    b.setResult(1, *logProb);
  return success();
}

enum class ReduceForm { Min, L1, L2, SumSquare, LogSum, LogSumExp };

/// ReduceMin, ReduceL1, ReduceL2, ReduceSumSquare (axes attribute; an axes
/// input from opset 18, beyond the importer's range).
LogicalResult importReduce(NodeBinder &b, ReduceForm form) {
  if (failed(b.requireInputs(1, 1)))
    return failure();
  FailureOr<Value> x = b.floatValue(0);
  if (failed(x))
    return failure();
  int64_t rank = b.rank(0);
  SmallVector<int64_t> axes;
  if (std::optional<SmallVector<int64_t>> given = b.attrInts("axes"))
    for (int64_t a : *given) {
      std::optional<int64_t> axis = graph::normalizeAxis(a, rank);
      if (!axis)
        return b.emitError() << "axis " << a << " is out of range for rank " << rank;
      axes.push_back(*axis);
    }
  bool keepdims = b.attrInt("keepdims", 1) != 0;
  Composer c{b};
  FailureOr<Value> y = failure();
  switch (form) {
  case ReduceForm::Min: {
    FailureOr<Value> m = c.reduce<graph::ReduceMaxOp>(c.unary<graph::NegOp>(*x), axes, keepdims);
    if (succeeded(m))
      y = c.unary<graph::NegOp>(*m);
    break;
  }
  case ReduceForm::L1:
    y = c.reduce<graph::ReduceSumOp>(c.unary<graph::AbsOp>(*x), axes, keepdims);
    break;
  case ReduceForm::LogSum: {
    y = c.reduce<graph::ReduceSumOp>(*x, axes, keepdims);
    if (succeeded(y))
      y = c.unary<graph::LogOp>(*y);
    break;
  }
  case ReduceForm::LogSumExp: {
    // max + log(sum(exp(x - max))): no overflow of exp.
    FailureOr<Value> m = c.reduce<graph::ReduceMaxOp>(*x, axes, true);
    FailureOr<Value> shifted = c.binary<graph::SubOp>(*x, m);
    if (failed(shifted))
      break;
    FailureOr<Value> s = c.reduce<graph::ReduceSumOp>(c.unary<graph::ExpOp>(*shifted), axes, true);
    if (failed(s))
      break;
    y = c.binary<graph::AddOp>(c.unary<graph::LogOp>(*s), m);
    if (succeeded(y) && !keepdims) {
      SmallVector<int64_t> kept;
      for (int64_t d = 0; d < rank; ++d)
        if (!axes.empty() && !llvm::is_contained(axes, d))
          kept.push_back(b.shape(0)[d]);
      y = graph::ReshapeOp::create(b.builder(), b.loc, NodeBinder::withShape(*y, kept), *y)
              .getResult();
    }
    break;
  }
  case ReduceForm::L2:
  case ReduceForm::SumSquare: {
    FailureOr<Value> sq = c.binary<graph::MulOp>(*x, *x);
    if (succeeded(sq))
      y = c.reduce<graph::ReduceSumOp>(*sq, axes, keepdims);
    if (succeeded(y) && form == ReduceForm::L2)
      y = c.unary<graph::SqrtOp>(*y);
    break;
  }
  }
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

/// Mean of its (variadic) inputs: their broadcast sum over the count.
LogicalResult importMean(NodeBinder &b) {
  if (failed(b.requireVariadicInputs(1)))
    return failure();
  FailureOr<Value> acc = b.floatValue(0);
  for (int i = 1; i < b.numInputs() && succeeded(acc); ++i) {
    FailureOr<Value> next = b.floatValue(i);
    if (failed(next))
      return failure();
    acc = emitBinary<graph::AddOp>(b, *acc, *next);
  }
  if (failed(acc))
    return failure();
  Composer c{b};
  FailureOr<Value> y = b.numInputs() == 1 ? acc : c.withScalar<graph::DivOp>(acc, b.numInputs());
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

/// Tile with repeats known at import: copies concatenated along each axis.
LogicalResult importTile(NodeBinder &b) {
  if (failed(b.requireInputs(2, 2)))
    return failure();
  FailureOr<const ConstTensor *> repeatsValue = b.requireConstant(1, "repeats");
  if (failed(repeatsValue))
    return failure();
  SmallVector<int64_t> repeats = (*repeatsValue)->toInts();
  ArrayRef<int64_t> shape = b.shape(0);
  if (repeats.size() != shape.size())
    return b.emitError() << "repeats has " << repeats.size() << " values for rank "
                         << shape.size();
  for (int64_t r : repeats)
    if (r < 1 || r > 4096)
      return b.emitUnsupported() << "a repeat count of " << r << " (1 to 4096 are supported)";
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  Value cur = *x;
  for (auto [axis, r] : llvm::enumerate(repeats)) {
    if (r == 1)
      continue;
    SmallVector<Value> copies(r, cur);
    FailureOr<Operation *> concat = b.createInferred<graph::ConcatOp>(
        ValueRange(copies), b.builder().getI64IntegerAttr(axis));
    if (failed(concat))
      return failure();
    cur = (*concat)->getResult(0);
  }
  b.setResult(0, cur);
  return success();
}

/// DepthToSpace (DCR / CRD) and SpaceToDepth on [N, C, H, W]: a reshape to
/// 6-D, a transpose and a reshape back.
LogicalResult importDepthSpace(NodeBinder &b, bool toSpace) {
  if (failed(b.requireInputs(1, 1)))
    return failure();
  ArrayRef<int64_t> s = b.shape(0);
  int64_t k = b.attrInt("blocksize", 0);
  if (s.size() != 4)
    return b.emitError() << "expects a 4-D input, got rank " << s.size();
  if (k <= 0 || k > 4096)
    return b.emitError() << "blocksize " << k << " must be in 1..4096";
  int64_t n = s[0], c = s[1], h = s[2], w = s[3];
  SmallVector<int64_t> mid, perm, out;
  if (toSpace) {
    if (c % (k * k) != 0)
      return b.emitError() << "channels " << c << " are not a multiple of blocksize^2 = "
                           << k * k;
    std::string mode = b.attrString("mode", "DCR");
    if (mode == "DCR") {
      mid = {n, k, k, c / (k * k), h, w};
      perm = {0, 3, 4, 1, 5, 2};
    } else if (mode == "CRD") {
      mid = {n, c / (k * k), k, k, h, w};
      perm = {0, 1, 4, 2, 5, 3};
    } else {
      return b.emitError() << "mode '" << mode << "' is neither DCR nor CRD";
    }
    out = {n, c / (k * k), h * k, w * k};
  } else {
    if (h % k != 0 || w % k != 0)
      return b.emitError() << "spatial size " << h << "x" << w
                           << " is not a multiple of blocksize " << k;
    mid = {n, c, h / k, k, w / k, k};
    perm = {0, 3, 5, 1, 2, 4};
    out = {n, c * k * k, h / k, w / k};
  }
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  OpBuilder &ob = b.builder();
  Value r = graph::ReshapeOp::create(ob, b.loc, NodeBinder::withShape(*x, mid), *x);
  FailureOr<Operation *> t =
      b.createInferred<graph::TransposeOp>(r, ob.getDenseI64ArrayAttr(perm));
  if (failed(t))
    return failure();
  Value y = (*t)->getResult(0);
  b.setResult(0, graph::ReshapeOp::create(ob, b.loc, NodeBinder::withShape(y, out), y));
  return success();
}

/// InstanceNormalization: per sample and channel over the spatial axes,
/// (x - mean) / sqrt(var + epsilon) * scale + B. (PyTorch exports GroupNorm
/// at opsets below 18 as this between two reshapes.)
LogicalResult importInstanceNormalization(NodeBinder &b) {
  if (failed(b.requireInputs(3, 3)))
    return failure();
  ArrayRef<int64_t> s = b.shape(0);
  if (s.size() < 3)
    return b.emitError() << "expects an input of rank 3 or more, got " << s.size();
  for (int i : {1, 2})
    if (b.shape(i).size() != 1 || b.shape(i)[0] != s[1])
      return b.emitError() << (i == 1 ? "scale" : "B") << " must have shape [" << s[1] << "]";
  FailureOr<Value> x = b.floatValue(0), scale = b.floatValue(1), bias = b.floatValue(2);
  if (failed(x) || failed(scale) || failed(bias))
    return failure();
  FailureOr<Value> y =
      graph::createGroupNorm(b.builder(), b.loc, *x, s[1], b.attrFloat("epsilon", 1e-5f), *scale,
                             *bias);
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

/// Resize of the two trailing axes of a 4-D input with scales or sizes
/// known at import, modes nearest and linear (no antialiasing, no
/// exclude_outside), by graph::createResample2d: a repeat, or a matmul by a
/// constant resampling matrix per resized axis.
LogicalResult importResize(NodeBinder &b) {
  if (failed(b.requireInputs(1, 4)))
    return failure();
  std::string mode = b.attrString("mode", "nearest");
  std::string coord = b.attrString("coordinate_transformation_mode", "half_pixel");
  std::string nearestMode = b.attrString("nearest_mode", "round_prefer_floor");
  if (mode != "nearest" && mode != "linear")
    return b.emitUnsupported() << "mode '" << mode << "' (nearest and linear are supported)";
  if (b.attrInt("antialias", 0) != 0 || b.attrInt("exclude_outside", 0) != 0 ||
      b.attr("axes") || b.attrString("keep_aspect_ratio_policy", "stretch") != "stretch")
    return b.emitUnsupported() << "antialias, exclude_outside, axes or a keep_aspect_ratio_policy";
  ArrayRef<int64_t> shape = b.shape(0);
  if (shape.size() != 4)
    return b.emitUnsupported() << "a rank-" << shape.size() << " input (4-D is supported)";
  SmallVector<double> scales;
  SmallVector<int64_t> sizes;
  if (b.hasInput(2)) {
    FailureOr<const ConstTensor *> c = b.requireConstant(2, "scales");
    if (failed(c))
      return failure();
    for (int64_t i = 0; i < (*c)->size(); ++i)
      scales.push_back((*c)->getDouble(i));
  }
  if (b.hasInput(3)) {
    FailureOr<const ConstTensor *> c = b.requireConstant(3, "sizes");
    if (failed(c))
      return failure();
    sizes = (*c)->toInts();
  }
  if (scales.empty() == sizes.empty() ||
      (scales.size() != 4 && !scales.empty()) || (sizes.size() != 4 && !sizes.empty()))
    return b.emitError() << "needs either 4 scales or 4 sizes";
  SmallVector<int64_t> outShape(shape);
  SmallVector<double> scale(4, 1.0);
  for (int i = 0; i < 4; ++i) {
    if (!sizes.empty()) {
      outShape[i] = sizes[i];
      scale[i] = shape[i] > 0 ? double(sizes[i]) / double(shape[i]) : 1.0;
    } else {
      if (!(scales[i] > 0) || scales[i] > 4096)
        return b.emitError() << "scale " << scales[i] << " is not in (0, 4096]";
      scale[i] = scales[i];
      outShape[i] = int64_t(std::floor(double(shape[i]) * scales[i]));
    }
    if (outShape[i] <= 0 || outShape[i] > (int64_t(1) << 16))
      return b.emitError() << "output size " << outShape[i] << " is out of range";
  }
  if (outShape[0] != shape[0] || outShape[1] != shape[1])
    return b.emitUnsupported() << "resizing the batch or channel axis";
  using Nearest = graph::ResampleNearest;
  // nearest_mode matters (and is checked) only in nearest mode.
  std::optional<Nearest> rounding =
      mode == "linear" ? std::optional<Nearest>(Nearest::RoundPreferFloor)
                       : llvm::StringSwitch<std::optional<Nearest>>(nearestMode)
                             .Case("round_prefer_floor", Nearest::RoundPreferFloor)
                             .Case("round_prefer_ceil", Nearest::RoundPreferCeil)
                             .Case("floor", Nearest::Floor)
                             .Case("ceil", Nearest::Ceil)
                             .Default(std::nullopt);
  if (!rounding)
    return b.emitError() << "nearest_mode '" << nearestMode << "' is not an ONNX mode";
  enum class Coord { HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric, TfHalfPixelForNN };
  std::optional<Coord> cm = llvm::StringSwitch<std::optional<Coord>>(coord)
                                .Case("half_pixel", Coord::HalfPixel)
                                .Case("pytorch_half_pixel", Coord::PytorchHalfPixel)
                                .Case("align_corners", Coord::AlignCorners)
                                .Case("asymmetric", Coord::Asymmetric)
                                .Case("tf_half_pixel_for_nn", Coord::TfHalfPixelForNN)
                                .Default(std::nullopt);
  if (!cm)
    return b.emitUnsupported() << "coordinate_transformation_mode '" << coord << "'";
  // ONNX's formulas, with scale = out / in or the given scale.
  auto source = [&](int axis, int64_t o) {
    const double sc = scale[2 + axis];
    const int64_t in = shape[2 + axis], out = outShape[2 + axis];
    switch (*cm) {
    case Coord::HalfPixel: return (o + 0.5) / sc - 0.5;
    case Coord::PytorchHalfPixel: return out > 1 ? (o + 0.5) / sc - 0.5 : 0.0;
    case Coord::AlignCorners:
      // The resized length is in * scale, unrounded, when scales are given
      // (ONNX's reference; equal to `out` with sizes).
      return in * sc > 1 ? o * double(in - 1) / (in * sc - 1) : 0.0;
    case Coord::Asymmetric: return o / sc;
    case Coord::TfHalfPixelForNN: return (o + 0.5) / sc;
    }
    return 0.0;
  };
  FailureOr<Value> x = b.floatValue(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = graph::createResample2d(b.builder(), b.loc, *x, {outShape[2], outShape[3]},
                                               source, mode == "linear", *rounding);
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

} // namespace

void neuron::onnx_import::populateOpsComposite(OpTable &t) {
  t.onOp("Resize", 11, importResize);
  t.onOp("DepthToSpace", 11, [](NodeBinder &b) { return importDepthSpace(b, true); });
  t.onOp("InstanceNormalization", 11, importInstanceNormalization);
  t.onOp("Mean", 11, importMean);
  t.onOp("SpaceToDepth", 11, [](NodeBinder &b) { return importDepthSpace(b, false); });
  t.onOp("Tile", 11, importTile);
  t.onOp("Celu", 12, importCelu);
  t.onOp("Einsum", 12, importEinsum);
  t.onOp("LRN", 11, importLRN);
  t.onOp("Elu", 11, importElu);
  t.onOp("LeakyRelu", 11, importLeakyRelu);
  t.onOp("LogSoftmax", 11, importLogSoftmax);
  t.onOp("PRelu", 11, importPRelu);
  t.onOp("ReduceL1", 11, [](NodeBinder &b) { return importReduce(b, ReduceForm::L1); });
  t.onOp("ReduceL2", 11, [](NodeBinder &b) { return importReduce(b, ReduceForm::L2); });
  t.onOp("ReduceMin", 11, [](NodeBinder &b) { return importReduce(b, ReduceForm::Min); });
  t.onOp("ReduceLogSum", 11, [](NodeBinder &b) { return importReduce(b, ReduceForm::LogSum); });
  t.onOp("ReduceLogSumExp", 11,
         [](NodeBinder &b) { return importReduce(b, ReduceForm::LogSumExp); });
  t.onOp("ReduceSumSquare", 11,
         [](NodeBinder &b) { return importReduce(b, ReduceForm::SumSquare); });
  t.onOp("Selu", 11, importSelu);
  t.onOp("Shrink", 11, importShrink);
  t.onOp("ThresholdedRelu", 11, importThresholdedRelu);
  t.onOp("Hardmax", 11, importHardmax);
  t.onOp("OneHot", 11, importOneHot);
  t.onOp("EyeLike", 11, importEyeLike);
  t.onOp("Trilu", 14, importTrilu);
  t.onOp("NegativeLogLikelihoodLoss", 12, importNegativeLogLikelihoodLoss);
  t.onOp("SoftmaxCrossEntropyLoss", 12, importSoftmaxCrossEntropyLoss);
  t.onOp("Softplus", 11, importSoftplus);
  t.onOp("Softsign", 11, importSoftsign);
}
