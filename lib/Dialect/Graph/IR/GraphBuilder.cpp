//===- GraphBuilder.cpp - build graph ops from untrusted input ------------===//

#include "neuron/Dialect/Graph/IR/GraphBuilder.h"
#include "neuron/Dialect/Graph/IR/GraphOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

using namespace mlir;

namespace neuron::graph {

FailureOr<Operation *> createInferred(OpBuilder &builder, Location loc,
                                      StringRef opName, ValueRange operands,
                                      ArrayRef<NamedAttribute> attributes,
                                      unsigned numResults) {
  MLIRContext *context = builder.getContext();
  // Type inference assumes the operand types ODS guarantees.
  for (Value operand : operands) {
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type || !type.hasStaticShape())
      return emitError(loc) << "'" << opName
                            << "' needs statically shaped tensor operands, got "
                            << operand.getType();
  }
  OperationState state(loc, opName);
  state.addOperands(operands);
  state.addAttributes(attributes);
  // Placeholder result types, replaced by the inferred ones below.
  state.addTypes(SmallVector<Type>(numResults, NoneType::get(context)));
  Operation *op = builder.create(state);
  auto inferable = dyn_cast<InferTypeOpInterface>(op);
  SmallVector<Type> types;
  if (!inferable ||
      failed(inferable.inferReturnTypes(
          context, loc, op->getOperands(), op->getRawDictionaryAttrs(),
          op->getPropertiesStorage(), op->getRegions(), types)) ||
      types.size() != numResults) {
    if (!inferable)
      emitError(loc) << "'" << opName << "' does not infer its result types";
    op->erase();
    return failure();
  }
  for (auto [result, type] : llvm::zip(op->getResults(), types))
    result.setType(type);
  return op;
}

namespace {
/// A 0-d i1 constant.
Value boolScalar(OpBuilder &builder, Location loc, bool value) {
  auto type = RankedTensorType::get({}, builder.getI1Type());
  return ConstantOp::create(
      builder, loc, SplatElementsAttr::get(type, builder.getBoolAttr(value)));
}

bool isBool(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType().isInteger(1);
}

/// `a != b` on operands of one numeric element type.
FailureOr<Value> notEqual(OpBuilder &builder, Location loc, Value a, Value b) {
  FailureOr<Value> diff = createInferred<SubOp>(builder, loc, {a, b});
  if (failed(diff))
    return failure();
  auto type = cast<RankedTensorType>(diff->getType());
  return CastOp::create(builder, loc, type.clone(builder.getI1Type()), *diff)
      .getResult();
}

/// `a > b` on operands of one numeric element type.
FailureOr<Value> greater(OpBuilder &builder, Location loc, Value a, Value b) {
  FailureOr<Value> larger = createInferred<MaxOp>(builder, loc, {a, b});
  if (failed(larger))
    return failure();
  return notEqual(builder, loc, *larger, b);
}
} // namespace

FailureOr<Value> createCompare(OpBuilder &builder, Location loc,
                               CompareKind kind, Value lhs, Value rhs) {
  auto lhsType = dyn_cast<RankedTensorType>(lhs.getType());
  auto rhsType = dyn_cast<RankedTensorType>(rhs.getType());
  if (!lhsType || !rhsType ||
      lhsType.getElementType() != rhsType.getElementType())
    return emitError(loc) << "comparison operands must be tensors of one "
                             "element type, got "
                          << lhs.getType() << " and " << rhs.getType();
  if (isBool(lhs)) {
    Type i32 = builder.getI32Type();
    lhs = CastOp::create(builder, loc, lhsType.clone(i32), lhs);
    rhs = CastOp::create(builder, loc, rhsType.clone(i32), rhs);
  }
  FailureOr<Value> r;
  bool negate = false;
  switch (kind) {
  case CompareKind::Eq:
    negate = true;
    [[fallthrough]];
  case CompareKind::Ne:
    r = notEqual(builder, loc, lhs, rhs);
    break;
  case CompareKind::Ge:
    negate = true;
    [[fallthrough]];
  case CompareKind::Lt:
    r = greater(builder, loc, rhs, lhs);
    break;
  case CompareKind::Le:
    negate = true;
    [[fallthrough]];
  case CompareKind::Gt:
    r = greater(builder, loc, lhs, rhs);
    break;
  }
  if (failed(r) || !negate)
    return r;
  return createLogicalNot(builder, loc, *r);
}

FailureOr<Value> createLogicalNot(OpBuilder &builder, Location loc, Value p) {
  if (!isa<RankedTensorType>(p.getType()) || !isBool(p))
    return emitError(loc) << "logical not needs an i1 tensor, got "
                          << p.getType();
  return createInferred<WhereOp>(
      builder, loc,
      {p, boolScalar(builder, loc, false), boolScalar(builder, loc, true)});
}

FailureOr<Value> createLogical(OpBuilder &builder, Location loc,
                               LogicalKind kind, Value p, Value q) {
  if (!isa<RankedTensorType>(p.getType()) ||
      !isa<RankedTensorType>(q.getType()) || !isBool(p) || !isBool(q))
    return emitError(loc) << "logical operators need i1 tensors, got "
                          << p.getType() << " and " << q.getType();
  switch (kind) {
  case LogicalKind::And:
    return createInferred<WhereOp>(builder, loc,
                                   {p, q, boolScalar(builder, loc, false)});
  case LogicalKind::Or:
    return createInferred<WhereOp>(builder, loc,
                                   {p, boolScalar(builder, loc, true), q});
  case LogicalKind::Xor: {
    FailureOr<Value> notQ = createLogicalNot(builder, loc, q);
    if (failed(notQ))
      return failure();
    return createInferred<WhereOp>(builder, loc, {p, *notQ, q});
  }
  }
  return failure();
}

namespace {
/// A 0-d constant of `type`'s element type holding `value`.
Value floatScalar(OpBuilder &builder, Location loc, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  return ConstantOp::create(builder, loc,
                            SplatElementsAttr::get(type, builder.getFloatAttr(elementType, value)));
}

NamedAttribute i64Array(OpBuilder &builder, StringRef name, ArrayRef<int64_t> v) {
  return builder.getNamedAttr(name, builder.getDenseI64ArrayAttr(v));
}
} // namespace

FailureOr<Value> createConstantPad(OpBuilder &builder, Location loc, Value x,
                                   ArrayRef<int64_t> before,
                                   ArrayRef<int64_t> after, Attribute fill) {
  auto xt = cast<RankedTensorType>(x.getType());
  if (before.size() != size_t(xt.getRank()) ||
      after.size() != size_t(xt.getRank()))
    return emitError(loc) << "pad amounts for " << before.size() << " and "
                          << after.size() << " dimensions of a rank-"
                          << xt.getRank() << " tensor";
  SmallVector<int64_t> shape(xt.getShape());
  Value cur = x;
  // Bounded so that the sums below cannot overflow; the importers' size
  // limits refuse far smaller results anyway.
  constexpr int64_t kMaxPad = int64_t(1) << 48;
  for (int64_t axis = 0; axis < xt.getRank(); ++axis) {
    int64_t b = before[axis], a = after[axis];
    if (b > kMaxPad || b < -kMaxPad || a > kMaxPad || a < -kMaxPad)
      return emitError(loc) << "pads " << b << " and " << a << " of axis "
                            << axis << " exceed 2^48";
    if (shape[axis] + b + a < 0)
      return emitError(loc) << "pads " << b << " and " << a
                            << " remove more than the " << shape[axis]
                            << " elements of axis " << axis;
    if (b < 0 || a < 0) {
      int64_t start = std::max<int64_t>(0, -b);
      int64_t end = shape[axis] - std::max<int64_t>(0, -a);
      FailureOr<Value> sliced = createInferred<SliceOp>(
          builder, loc, {cur},
          {i64Array(builder, "starts", {start}), i64Array(builder, "ends", {end}),
           i64Array(builder, "axes", {axis})});
      if (failed(sliced))
        return failure();
      cur = *sliced;
      shape[axis] = end - start;
    }
    SmallVector<Value> parts;
    auto block = [&](int64_t n) -> Value {
      SmallVector<int64_t> blockShape(shape);
      blockShape[axis] = n;
      auto type = RankedTensorType::get(blockShape, xt.getElementType());
      return ConstantOp::create(builder, loc, SplatElementsAttr::get(type, fill));
    };
    if (b > 0)
      parts.push_back(block(b));
    parts.push_back(cur);
    if (a > 0)
      parts.push_back(block(a));
    if (parts.size() == 1)
      continue;
    FailureOr<Value> joined = createInferred<ConcatOp>(
        builder, loc, parts,
        {builder.getNamedAttr("axis", builder.getI64IntegerAttr(axis))});
    if (failed(joined))
      return failure();
    cur = *joined;
    shape[axis] += std::max<int64_t>(0, b) + std::max<int64_t>(0, a);
  }
  return cur;
}


FailureOr<Value> createGroupNorm(OpBuilder &builder, Location loc, Value x, int64_t groups,
                                 double eps, Value weight, Value bias) {
  auto xt = cast<RankedTensorType>(x.getType());
  if (xt.getRank() < 2)
    return emitError(loc) << "normalization expects an input of rank 2 or more, got "
                          << xt.getRank();
  const int64_t n = xt.getDimSize(0), ch = xt.getDimSize(1);
  if (groups <= 0 || ch % groups != 0)
    return emitError(loc) << "the " << ch << " channels are not a multiple of the " << groups
                          << " groups";
  for (auto [p, what] : {std::pair<Value, const char *>{weight, "weight"}, {bias, "bias"}}) {
    if (!p)
      continue;
    auto pt = cast<RankedTensorType>(p.getType());
    if (pt.getRank() != 1 || pt.getDimSize(0) != ch)
      return emitError(loc) << "the " << what << " must have shape [" << ch << "], got "
                            << pt;
  }
  Type et = xt.getElementType();
  int64_t rest = n * groups != 0 ? xt.getNumElements() / (n * groups) : 0;
  Value grouped = ReshapeOp::create(builder, loc, RankedTensorType::get({n, groups, rest}, et), x);
  auto mean = [&](Value v) {
    return createInferred<ReduceMeanOp>(builder, loc, {v}, {i64Array(builder, "axes", {2})});
  };
  FailureOr<Value> mu = mean(grouped);
  if (failed(mu))
    return failure();
  FailureOr<Value> centered = createInferred<SubOp>(builder, loc, {grouped, *mu});
  if (failed(centered))
    return failure();
  FailureOr<Value> squared = createInferred<MulOp>(builder, loc, {*centered, *centered});
  if (failed(squared))
    return failure();
  FailureOr<Value> var = mean(*squared);
  if (failed(var))
    return failure();
  FailureOr<Value> shifted =
      createInferred<AddOp>(builder, loc, {*var, floatScalar(builder, loc, et, eps)});
  if (failed(shifted))
    return failure();
  FailureOr<Value> stddev = createInferred<SqrtOp>(builder, loc, {*shifted});
  if (failed(stddev))
    return failure();
  FailureOr<Value> normed = createInferred<DivOp>(builder, loc, {*centered, *stddev});
  if (failed(normed))
    return failure();
  Value y = ReshapeOp::create(builder, loc, xt, *normed);
  SmallVector<int64_t> paramShape{ch};
  paramShape.append(xt.getRank() - 2, 1);
  for (auto [p, isWeight] : {std::pair<Value, bool>{weight, true}, {bias, false}}) {
    if (!p)
      continue;
    Value shaped = ReshapeOp::create(builder, loc, RankedTensorType::get(paramShape, et), p);
    FailureOr<Value> next = isWeight ? createInferred<MulOp>(builder, loc, {y, shaped})
                                     : createInferred<AddOp>(builder, loc, {y, shaped});
    if (failed(next))
      return failure();
    y = *next;
  }
  return y;
}

namespace {
/// The [in, out] matrix (x * A resamples a row) of one axis.
std::vector<float> resampleMatrix(int64_t in, int64_t out, function_ref<double(int64_t)> source,
                                  bool linear, ResampleNearest rounding) {
  std::vector<float> a(size_t(in * out), 0.0f);
  auto clampIndex = [&](double v) { return std::clamp<int64_t>(int64_t(v), 0, in - 1); };
  for (int64_t o = 0; o < out; ++o) {
    double x = source(o);
    if (!linear) {
      double r = 0;
      const bool half = x - std::floor(x) == 0.5;
      switch (rounding) {
      case ResampleNearest::RoundPreferFloor: r = half ? std::floor(x) : std::round(x); break;
      case ResampleNearest::RoundPreferCeil: r = half ? std::ceil(x) : std::round(x); break;
      case ResampleNearest::Floor: r = std::floor(x); break;
      case ResampleNearest::Ceil: r = std::ceil(x); break;
      }
      a[clampIndex(r) * out + o] = 1.0f;
      continue;
    }
    x = std::clamp(x, 0.0, double(in - 1));
    int64_t i0 = clampIndex(std::floor(x)), i1 = std::min<int64_t>(i0 + 1, in - 1);
    double l = x - double(i0);
    a[i0 * out + o] += float(1.0 - l);
    a[i1 * out + o] += float(l);
  }
  return a;
}

/// k when the [in, out] matrix `a` copies input i to outputs i*k .. i*k+k-1
/// (out == in * k), else 0.
int64_t repeatFactor(const std::vector<float> &a, int64_t in, int64_t out) {
  if (out % in != 0)
    return 0;
  int64_t k = out / in;
  for (int64_t i = 0; i < in; ++i)
    for (int64_t o = 0; o < out; ++o)
      if (a[i * out + o] != (o / k == i ? 1.0f : 0.0f))
        return 0;
  return k;
}
} // namespace

namespace {
/// Checks that `x` is a 4-D float tensor whose two trailing axes, and the
/// two sizes `outSize` they become, are in 1 .. 2^16; `what` names the
/// operation in the error.
LogicalResult checkSpatial2d(Location loc, Value x, ArrayRef<int64_t> outSize, StringRef what) {
  auto xt = cast<RankedTensorType>(x.getType());
  if (xt.getRank() != 4 || !isa<FloatType>(xt.getElementType()) || outSize.size() != 2)
    return emitError(loc) << what << " expects a 4-D float input and two sizes, got " << xt;
  const int64_t in[2] = {xt.getDimSize(2), xt.getDimSize(3)};
  for (int i = 0; i < 2; ++i)
    if (outSize[i] <= 0 || outSize[i] > (int64_t(1) << 16) || in[i] <= 0)
      return emitError(loc) << what << " size " << in[i] << " to " << outSize[i]
                            << " is out of range";
  return success();
}

/// x [N, C, H, W] times the [in, out] matrices `mats` of the columns and the
/// rows: [N, C, H, W] x Aw -> [N, C, H, Wo]; transposed to [N, C, Wo, H] x
/// Ah -> [N, C, Wo, Ho]; transposed back. An axis whose matrix is the
/// identity (`repeat` 1) is skipped.
FailureOr<Value> applySeparable2d(OpBuilder &builder, Location loc, Value x,
                                  const std::vector<float> (&mats)[2], const int64_t (&repeat)[2],
                                  ArrayRef<int64_t> outSize) {
  auto xt = cast<RankedTensorType>(x.getType());
  Type et = xt.getElementType();
  const int64_t in[2] = {xt.getDimSize(2), xt.getDimSize(3)};
  Value cur = x;
  bool transposed = false;
  auto transpose = [&](Value v) {
    return createInferred<TransposeOp>(builder, loc, {v},
                                       {i64Array(builder, "perm", {0, 1, 3, 2})});
  };
  for (int axis : {1, 0}) {
    if (outSize[axis] == in[axis] && repeat[axis] == 1)
      continue; // the identity
    if (axis == 0) {
      FailureOr<Value> t = transpose(cur);
      if (failed(t))
        return failure();
      cur = *t;
      transposed = true;
    }
    auto mt = RankedTensorType::get({in[axis], outSize[axis]}, builder.getF32Type());
    Value m = ConstantOp::create(builder, loc,
                                 DenseElementsAttr::get(mt, ArrayRef<float>(mats[axis])));
    if (et != builder.getF32Type())
      m = CastOp::create(builder, loc, RankedTensorType::get(mt.getShape(), et), m);
    FailureOr<Value> mm = createInferred<MatMulOp>(builder, loc, {cur, m});
    if (failed(mm))
      return failure();
    cur = *mm;
  }
  if (transposed) {
    FailureOr<Value> t = transpose(cur);
    if (failed(t))
      return failure();
    cur = *t;
  }
  return cur;
}
} // namespace

FailureOr<Value> createResample2d(OpBuilder &builder, Location loc, Value x,
                                  ArrayRef<int64_t> outSize,
                                  function_ref<double(int axis, int64_t o)> source, bool linear,
                                  ResampleNearest rounding) {
  if (failed(checkSpatial2d(loc, x, outSize, "resampling")))
    return failure();
  auto xt = cast<RankedTensorType>(x.getType());
  const int64_t in[2] = {xt.getDimSize(2), xt.getDimSize(3)};
  Type et = xt.getElementType();
  const int64_t n = xt.getDimSize(0), ch = xt.getDimSize(1);
  std::vector<float> mats[2];
  int64_t repeat[2];
  for (int i = 0; i < 2; ++i) {
    mats[i] = resampleMatrix(
        in[i], outSize[i], [&](int64_t o) { return source(i, o); }, linear, rounding);
    repeat[i] = repeatFactor(mats[i], in[i], outSize[i]);
  }
  auto type = [&](ArrayRef<int64_t> shape) { return RankedTensorType::get(shape, et); };
  if (repeat[0] && repeat[1]) {
    // Each element repeated k_h x k_w times: [N, C, H, 1, W, 1] expanded.
    Value r = ReshapeOp::create(builder, loc, type({n, ch, in[0], 1, in[1], 1}), x);
    FailureOr<Value> e = createInferred<ExpandOp>(
        builder, loc, {r},
        {i64Array(builder, "shape", {n, ch, in[0], repeat[0], in[1], repeat[1]})});
    if (failed(e))
      return failure();
    return ReshapeOp::create(builder, loc, type({n, ch, outSize[0], outSize[1]}), *e).getResult();
  }
  return applySeparable2d(builder, loc, x, mats, repeat, outSize);
}

FailureOr<Value> createAdaptiveAvgPool2d(OpBuilder &builder, Location loc, Value x,
                                         ArrayRef<int64_t> outSize) {
  if (failed(checkSpatial2d(loc, x, outSize, "adaptive average pooling")))
    return failure();
  auto xt = cast<RankedTensorType>(x.getType());
  const int64_t in[2] = {xt.getDimSize(2), xt.getDimSize(3)};
  if (outSize[0] == 1 && outSize[1] == 1)
    return createInferred<GlobalAveragePoolOp>(builder, loc, {x}, {});
  if (in[0] % outSize[0] == 0 && in[1] % outSize[1] == 0) {
    SmallVector<int64_t> kernel = {in[0] / outSize[0], in[1] / outSize[1]};
    return createInferred<AveragePoolOp>(
        builder, loc, {x},
        {i64Array(builder, "kernel_shape", kernel), i64Array(builder, "strides", kernel)});
  }
  std::vector<float> mats[2];
  int64_t repeat[2];
  for (int i = 0; i < 2; ++i) {
    const int64_t n = in[i], out = outSize[i];
    mats[i].assign(size_t(n * out), 0.0f);
    for (int64_t o = 0; o < out; ++o) {
      int64_t start = o * n / out, end = ((o + 1) * n + out - 1) / out;
      for (int64_t k = start; k < end; ++k)
        mats[i][size_t(k * out + o)] = 1.0f / float(end - start);
    }
    repeat[i] = n == out ? 1 : 0; // Each bin one element: the identity.
  }
  return applySeparable2d(builder, loc, x, mats, repeat, outSize);
}

namespace {
/// The f32 values of a graph.weight or graph.constant, or nothing.
std::optional<std::vector<float>> constantFloats(Value v) {
  Operation *def = v.getDefiningOp();
  ElementsAttr value;
  if (auto w = dyn_cast_if_present<WeightOp>(def))
    value = w.getValue();
  else if (auto c = dyn_cast_if_present<ConstantOp>(def))
    value = c.getValue();
  auto type = cast<RankedTensorType>(v.getType());
  if (!value || !type.getElementType().isF32())
    return std::nullopt;
  size_t n = size_t(type.getNumElements());
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    auto values = dense.getValues<float>();
    return std::vector<float>(values.begin(), values.end());
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != n * sizeof(float))
      return std::nullopt;
    std::vector<float> out(n);
    std::memcpy(out.data(), blob->getData().data(), n * sizeof(float));
    return out;
  }
  return std::nullopt;
}
} // namespace

FailureOr<Value> createConvTranspose2d(OpBuilder &builder, Location loc, Value x, Value weight,
                                       Value bias, const ConvTransposeParams &p) {
  auto fail = [&](const Twine &message) -> FailureOr<Value> {
    emitError(loc) << "transposed convolution: " << message;
    return failure();
  };
  auto xt = cast<RankedTensorType>(x.getType());
  auto wt = cast<RankedTensorType>(weight.getType());
  if (xt.getRank() != 4 || wt.getRank() != 4)
    return fail("only 2-D is supported (a 4-D input and weight)");
  if (!xt.getElementType().isF32() || !wt.getElementType().isF32())
    return fail("only f32 is supported");
  if (p.strides.size() != 2 || p.dilations.size() != 2 || p.outputPadding.size() != 2 ||
      p.pads.size() != 4)
    return fail("expected 2 strides, dilations and output paddings and 4 pads");
  const int64_t n = xt.getDimSize(0), cin = xt.getDimSize(1), g = p.group;
  if (g < 1 || cin % g != 0 || wt.getDimSize(0) != cin)
    return fail("the weight's " + Twine(wt.getDimSize(0)) + " input channels in " + Twine(g) +
                " group(s) do not match the input's " + Twine(cin));
  const int64_t coutG = wt.getDimSize(1), cinG = cin / g, cout = coutG * g;
  const int64_t k[2] = {wt.getDimSize(2), wt.getDimSize(3)};
  const int64_t in[2] = {xt.getDimSize(2), xt.getDimSize(3)};
  int64_t padBegin[2], padEnd[2];
  for (int i = 0; i < 2; ++i) {
    int64_t s = p.strides[i], d = p.dilations[i], op = p.outputPadding[i];
    if (s < 1 || d < 1)
      return fail("strides and dilations must be at least 1");
    if (op < 0 || (op >= s && op >= d))
      return fail("output_padding " + Twine(op) + " must be smaller than the stride " +
                  Twine(s) + " or the dilation " + Twine(d));
    int64_t out = (in[i] - 1) * s - p.pads[i] - p.pads[i + 2] + d * (k[i] - 1) + op + 1;
    if (out < 1)
      return fail("the output would have " + Twine(out) + " elements along spatial axis " +
                  Twine(i));
    padBegin[i] = d * (k[i] - 1) - p.pads[i];
    // The zero-inserted input ends with s - 1 zeros, already padding.
    padEnd[i] = d * (k[i] - 1) - p.pads[i + 2] + op - (s - 1);
  }
  std::optional<std::vector<float>> w = constantFloats(weight);
  if (!w)
    return fail("the weight must be a constant f32 tensor (a model parameter)");
  // conv[g * coutG + o][i][y][x] = w[g * cinG + i][o][kH - 1 - y][kW - 1 - x].
  std::vector<float> flipped(w->size());
  for (int64_t gi = 0; gi < g; ++gi)
    for (int64_t o = 0; o < coutG; ++o)
      for (int64_t i = 0; i < cinG; ++i)
        for (int64_t y = 0; y < k[0]; ++y)
          for (int64_t xx = 0; xx < k[1]; ++xx)
            flipped[size_t((((gi * coutG + o) * cinG + i) * k[0] + y) * k[1] + xx)] =
                (*w)[size_t((((gi * cinG + i) * coutG + o) * k[0] + (k[0] - 1 - y)) * k[1] +
                            (k[1] - 1 - xx))];
  auto ft = RankedTensorType::get({cout, cinG, k[0], k[1]}, builder.getF32Type());
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<float>(flipped));
  std::string name = "conv_transpose.weight";
  if (auto source = weight.getDefiningOp<WeightOp>())
    name = (source.getName() + ".conv_transpose").str();
  Value filter = WeightOp::create(builder, loc, ft, builder.getStringAttr(name),
                                  DenseResourceElementsAttr::get(ft, name, std::move(blob)));

  Value cur = x;
  if (p.strides[0] > 1 || p.strides[1] > 1) {
    const int64_t s0 = p.strides[0], s1 = p.strides[1];
    auto et = xt.getElementType();
    Value split = ReshapeOp::create(
        builder, loc, RankedTensorType::get({n, cin, in[0], 1, in[1], 1}, et), cur);
    std::vector<float> mask(size_t(s0 * s1), 0.0f);
    mask[0] = 1.0f;
    Value m = ConstantOp::create(
        builder, loc,
        DenseElementsAttr::get(RankedTensorType::get({s0, 1, s1}, et), ArrayRef<float>(mask)));
    FailureOr<Value> spread = createInferred<MulOp>(builder, loc, {split, m});
    if (failed(spread))
      return failure();
    cur = ReshapeOp::create(builder, loc,
                            RankedTensorType::get({n, cin, in[0] * s0, in[1] * s1}, et), *spread);
  }
  // Negative padding crops the (zero-inserted) input.
  if (padBegin[0] < 0 || padBegin[1] < 0 || padEnd[0] < 0 || padEnd[1] < 0) {
    auto ct = cast<RankedTensorType>(cur.getType());
    SmallVector<int64_t> starts, ends;
    for (int i = 0; i < 2; ++i) {
      starts.push_back(std::max<int64_t>(0, -padBegin[i]));
      ends.push_back(ct.getDimSize(2 + i) - std::max<int64_t>(0, -padEnd[i]));
      padBegin[i] = std::max<int64_t>(0, padBegin[i]);
      padEnd[i] = std::max<int64_t>(0, padEnd[i]);
    }
    FailureOr<Value> cropped = createInferred<SliceOp>(
        builder, loc, {cur},
        {i64Array(builder, "starts", starts), i64Array(builder, "ends", ends),
         i64Array(builder, "axes", {2, 3})});
    if (failed(cropped))
      return failure();
    cur = *cropped;
  }
  SmallVector<Value> operands = {cur, filter};
  if (bias)
    operands.push_back(bias);
  return createInferred<ConvOp>(
      builder, loc, operands,
      {i64Array(builder, "pads", {padBegin[0], padBegin[1], padEnd[0], padEnd[1]}),
       i64Array(builder, "dilations", p.dilations),
       builder.getNamedAttr("group", builder.getI64IntegerAttr(g))});
}

FailureOr<Value> createEinsum(OpBuilder &builder, Location loc, StringRef equation,
                              ValueRange operands) {
  auto unsupported = [&](const Twine &why) {
    return emitError(loc) << "unsupported: einsum '" << equation << "' " << why;
  };
  std::string eq;
  for (char ch : equation)
    if (ch != ' ')
      eq += ch;
  if (eq.find("...") != std::string::npos)
    return unsupported("(an ellipsis '...' is not supported)");
  size_t arrow = eq.find("->");
  SmallVector<StringRef> parts;
  StringRef(eq).take_front(arrow).split(parts, ',');
  SmallVector<std::string> ins;
  for (StringRef part : parts)
    ins.push_back(part.str());
  if (ins.size() != operands.size() || ins.empty() || ins.size() > 2)
    return unsupported("with " + Twine(operands.size()) + " operands (one or two are supported)");
  auto has = [](const std::string &s, char ch) { return s.find(ch) != std::string::npos; };
  std::string out;
  if (arrow != std::string::npos) {
    out = eq.substr(arrow + 2);
  } else {
    // Implicit output: the indices that occur once, alphabetically.
    std::string all = ins.size() == 2 ? ins[0] + ins[1] : ins[0];
    for (char ch : all)
      if (std::count(all.begin(), all.end(), ch) == 1)
        out += ch;
    llvm::sort(out);
  }
  SmallVector<Value> xs(operands.begin(), operands.end());
  std::map<char, int64_t> size;
  for (size_t i = 0; i < ins.size(); ++i) {
    auto t = cast<RankedTensorType>(xs[i].getType());
    if (t.getRank() != int64_t(ins[i].size()))
      return emitError(loc) << "einsum operand " << i << " has rank " << t.getRank()
                            << ", the equation '" << ins[i] << "'";
    for (auto [k, ch] : llvm::enumerate(ins[i])) {
      if (!llvm::isAlpha(ch))
        return emitError(loc) << "einsum '" << equation << "': '" << ch
                              << "' is not an index letter";
      if (std::count(ins[i].begin(), ins[i].end(), ch) > 1)
        return unsupported("repeats an index within an operand");
      int64_t d = t.getDimSize(k);
      if (size.count(ch) && size[ch] != d)
        return emitError(loc) << "einsum index '" << ch << "' has sizes " << size[ch]
                              << " and " << d;
      size[ch] = d;
    }
  }
  for (char ch : out)
    if (!size.count(ch) || std::count(out.begin(), out.end(), ch) > 1)
      return emitError(loc) << "einsum output index '" << ch << "' is unknown or repeated";
  auto array = [&](StringRef name, ArrayRef<int64_t> v) { return i64Array(builder, name, v); };
  // Sum away what only one operand has and the output lacks.
  for (size_t i = 0; i < ins.size(); ++i) {
    const std::string &other = ins.size() == 2 ? ins[1 - i] : std::string();
    SmallVector<int64_t> axes;
    std::string kept;
    for (auto [k, ch] : llvm::enumerate(ins[i])) {
      if (!has(out, ch) && !has(other, ch))
        axes.push_back(k);
      else
        kept += ch;
    }
    if (axes.empty())
      continue;
    FailureOr<Value> r = createInferred<ReduceSumOp>(
        builder, loc, {xs[i]},
        {array("axes", axes), builder.getNamedAttr("keepdims", builder.getBoolAttr(false))});
    if (failed(r))
      return failure();
    xs[i] = *r;
    ins[i] = kept;
  }
  auto permute = [&](Value x, const std::string &from, const std::string &to) -> FailureOr<Value> {
    if (from == to)
      return x;
    SmallVector<int64_t> perm;
    for (char ch : to)
      perm.push_back(from.find(ch));
    return createInferred<TransposeOp>(builder, loc, {x}, {array("perm", perm)});
  };
  auto reshape = [&](Value x, ArrayRef<int64_t> shape) -> Value {
    return ReshapeOp::create(builder, loc, cast<RankedTensorType>(x.getType()).clone(shape), x);
  };
  auto product = [&](const std::string &idx) {
    int64_t p = 1;
    for (char ch : idx)
      p *= size[ch];
    return p;
  };
  if (ins.size() == 1)
    return permute(xs[0], ins[0], out);
  std::string batch, lfree, rfree, contract;
  for (char ch : ins[0]) {
    if (has(ins[1], ch))
      (has(out, ch) ? batch : contract) += ch;
    else
      lfree += ch;
  }
  for (char ch : ins[1])
    if (!has(ins[0], ch))
      rfree += ch;
  FailureOr<Value> l = permute(xs[0], ins[0], batch + lfree + contract);
  FailureOr<Value> r = permute(xs[1], ins[1], batch + contract + rfree);
  if (failed(l) || failed(r))
    return failure();
  int64_t b = product(batch), m = product(lfree), k = product(contract), n = product(rfree);
  FailureOr<Value> mm =
      createInferred<MatMulOp>(builder, loc, {reshape(*l, {b, m, k}), reshape(*r, {b, k, n})});
  if (failed(mm))
    return failure();
  std::string produced = batch + lfree + rfree;
  SmallVector<int64_t> producedShape;
  for (char ch : produced)
    producedShape.push_back(size[ch]);
  return permute(reshape(*mm, producedShape), produced, out);
}

FailureOr<Value> createBorderPad(OpBuilder &builder, Location loc, Value x,
                                 ArrayRef<int64_t> before, ArrayRef<int64_t> after,
                                 BorderPad mode) {
  auto xt = cast<RankedTensorType>(x.getType());
  int64_t rank = xt.getRank();
  if (before.size() != size_t(rank) || after.size() != size_t(rank))
    return emitError(loc) << "pad amounts for " << before.size() << " and " << after.size()
                          << " dimensions of a rank-" << rank << " tensor";
  const char *name = mode == BorderPad::Reflect ? "reflect"
                     : mode == BorderPad::Edge  ? "edge"
                                                : "wrap";
  Value cur = x;
  SmallVector<int64_t> shape(xt.getShape());
  for (int64_t axis = 0; axis < rank; ++axis) {
    int64_t b = before[axis], a = after[axis], n = shape[axis];
    if (b == 0 && a == 0)
      continue;
    if (b < 0 || a < 0)
      return emitError(loc) << name << " padding by " << b << " and " << a << " along axis "
                            << axis << ": amounts must not be negative";
    int64_t limit = mode == BorderPad::Reflect ? n - 1 : n;
    if ((mode == BorderPad::Edge && n == 0) || (mode != BorderPad::Edge && (b > limit || a > limit)))
      return emitError(loc) << name << " padding by " << b << " and " << a << " along axis "
                            << axis << " of size " << n << " (at most " << limit << ")";
    // Elements [start, end) with `step`, along `axis`; an end before index 0
    // is INT64_MIN, as ONNX Slice has it.
    auto slice = [&](int64_t start, int64_t end, int64_t step) -> FailureOr<Value> {
      if (end < 0)
        end = std::numeric_limits<int64_t>::min();
      return createInferred<SliceOp>(
          builder, loc, {cur},
          {i64Array(builder, "starts", {start}), i64Array(builder, "ends", {end}),
           i64Array(builder, "axes", {axis}), i64Array(builder, "steps", {step})});
    };
    auto edge = [&](int64_t at, int64_t count) -> FailureOr<Value> {
      FailureOr<Value> e = slice(at, at + 1, 1);
      if (failed(e))
        return failure();
      SmallVector<int64_t> target(shape);
      target[axis] = count;
      return createInferred<ExpandOp>(builder, loc, {*e}, {i64Array(builder, "shape", target)});
    };
    SmallVector<Value> parts;
    FailureOr<Value> head = success(Value()), tail = success(Value());
    switch (mode) {
    case BorderPad::Reflect:
      if (b > 0)
        head = slice(b, 0, -1);
      if (a > 0)
        tail = slice(n - 2, n - 2 - a, -1);
      break;
    case BorderPad::Edge:
      if (b > 0)
        head = edge(0, b);
      if (a > 0)
        tail = edge(n - 1, a);
      break;
    case BorderPad::Wrap:
      if (b > 0)
        head = slice(n - b, n, 1);
      if (a > 0)
        tail = slice(0, a, 1);
      break;
    }
    if (failed(head) || failed(tail))
      return failure();
    if (*head)
      parts.push_back(*head);
    parts.push_back(cur);
    if (*tail)
      parts.push_back(*tail);
    FailureOr<Value> joined = createInferred<ConcatOp>(
        builder, loc, parts, {builder.getNamedAttr("axis", builder.getI64IntegerAttr(axis))});
    if (failed(joined))
      return failure();
    cur = *joined;
    shape[axis] += b + a;
  }
  return cur;
}

Value reshapeParameter(OpBuilder &builder, Location loc, Value value, ArrayRef<int64_t> shape,
                       StringRef suffix) {
  auto type = cast<RankedTensorType>(value.getType()).clone(shape);
  if (auto w = value.getDefiningOp<WeightOp>())
    if (auto blob = dyn_cast<DenseResourceElementsAttr>(w.getValue()))
      return WeightOp::create(builder, loc, type,
                              builder.getStringAttr(w.getName() + "." + suffix),
                              DenseResourceElementsAttr::get(type, blob.getRawHandle()));
  if (auto c = value.getDefiningOp<ConstantOp>())
    if (auto dense = dyn_cast<DenseElementsAttr>(c.getValue()))
      return ConstantOp::create(builder, loc, dense.reshape(type));
  return ReshapeOp::create(builder, loc, type, value);
}

FailureOr<Value> createTriangular(OpBuilder &builder, Location loc, Value x, int64_t k,
                                  bool upper) {
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || type.getRank() < 2 || !type.hasStaticShape())
    return emitError(loc) << "a triangle needs a static tensor of rank 2 or more, got "
                          << x.getType();
  int64_t n = type.getDimSize(type.getRank() - 2), m = type.getDimSize(type.getRank() - 1);
  SmallVector<bool> keep;
  keep.reserve(n * m);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j)
      keep.push_back(upper ? j - i >= k : j - i <= k);
  auto maskType = RankedTensorType::get({n, m}, builder.getI1Type());
  Value mask = ConstantOp::create(builder, loc, DenseElementsAttr::get(maskType, ArrayRef(keep)));
  Type et = type.getElementType();
  Value zero = ConstantOp::create(
      builder, loc, SplatElementsAttr::get(RankedTensorType::get({}, et), builder.getZeroAttr(et)));
  return createInferred<WhereOp>(builder, loc, {mask, x, zero});
}

FailureOr<Value> createCumSum(OpBuilder &builder, Location loc, Value x, int64_t axis,
                              bool exclusive, bool reverse) {
  auto xt = cast<RankedTensorType>(x.getType());
  int64_t rank = xt.getRank();
  if (axis < -rank || axis >= rank || rank == 0) {
    emitError(loc) << "cumulative sum: axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  if (axis < 0)
    axis += rank;
  Type et = xt.getElementType();
  if (et.isInteger(1)) {
    emitError(loc) << "cumulative sum: bool input (cast it to a number first)";
    return failure();
  }
  const int64_t n = xt.getDimSize(axis);
  // v shifted by k along the axis, zeros filling in.
  auto shifted = [&](Value v, int64_t k) -> FailureOr<Value> {
    SmallVector<int64_t> zshape(xt.getShape());
    zshape[axis] = std::min(k, n);
    auto zt = RankedTensorType::get(zshape, et);
    Attribute zero = isa<FloatType>(et) ? Attribute(builder.getFloatAttr(et, 0.0))
                                        : Attribute(builder.getIntegerAttr(et, 0));
    Value zeros = ConstantOp::create(builder, loc, SplatElementsAttr::get(zt, zero));
    if (k >= n)
      return zeros;
    FailureOr<Value> part = createInferred<SliceOp>(
        builder, loc, {v},
        {i64Array(builder, "starts", {reverse ? k : 0}),
         i64Array(builder, "ends", {reverse ? n : n - k}), i64Array(builder, "axes", {axis})});
    if (failed(part))
      return failure();
    SmallVector<Value> pieces = reverse ? SmallVector<Value>{*part, zeros}
                                        : SmallVector<Value>{zeros, *part};
    return createInferred<ConcatOp>(builder, loc, pieces,
                                    {builder.getNamedAttr("axis", builder.getI64IntegerAttr(axis))});
  };
  Value y = x;
  for (int64_t k = 1; k < n; k *= 2) {
    FailureOr<Value> s = shifted(y, k);
    if (failed(s))
      return failure();
    FailureOr<Value> sum = createInferred<AddOp>(builder, loc, {y, *s});
    if (failed(sum))
      return failure();
    y = *sum;
  }
  if (exclusive && n > 0)
    return shifted(y, 1);
  return y;
}

} // namespace neuron::graph
