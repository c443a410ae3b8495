//===- TorchScriptOps.cpp - aten/prim operator handlers -------------------===//
//
// One handler per operator, registered in getHandlers(). A handler reads its
// arguments through the Importer accessors (which know what is constant at
// import) and builds graph ops with createInferred, so a shape error in the
// model is a diagnostic, not a crash.
//
//===----------------------------------------------------------------------===//

#include "OpHelpers.h"

using namespace mlir;
using namespace neuron;
using namespace neuron::torchscript;
using namespace neuron::torchscript::detail;

namespace {

template <typename OpTy, bool trueDivide = false>
LogicalResult binary(Importer &imp, Node *node) {
  Ctx c(imp, node);
  Type et = promote(imp, node, 0, 1);
  if (!et)
    return c.fail("operands must be tensors or numbers");
  if (trueDivide && !isa<FloatType>(et))
    et = c.b.getF32Type();
  FailureOr<Value> lhs = imp.getTensor(node, 0, et);
  FailureOr<Value> rhs = imp.getTensor(node, 1, et);
  if (failed(lhs) || failed(rhs))
    return failure();
  return c.done(c.make<OpTy>({*lhs, *rhs}));
}

/// Returns `v * alpha`, or `v` itself when alpha is 1 (add/sub/rsub's alpha).
FailureOr<Value> scaleBy(Ctx &c, Value v, double alpha) {
  if (alpha == 1.0)
    return v;
  Type et = typeOf(v).getElementType();
  return c.make<g::MulOp>(
      {v, c.imp.splat(c.loc, RankedTensorType::get({}, et), alpha)});
}

/// Returns inputs 0 and 1 (input, weight) and input 2 (bias) unless it is
/// None: the operands of linear and the convolutions.
FailureOr<SmallVector<Value>> inputWeightBias(Importer &imp, Node *node) {
  FailureOr<Value> x = imp.getTensor(node, 0), w = imp.getTensor(node, 1);
  if (failed(x) || failed(w))
    return failure();
  SmallVector<Value> operands = {*x, *w};
  if (!imp.isNone(node, 2)) {
    FailureOr<Value> bias = imp.getTensor(node, 2);
    if (failed(bias))
      return failure();
    operands.push_back(*bias);
  }
  return operands;
}

/// add/sub with `alpha`: lhs op alpha * rhs.
template <typename OpTy> LogicalResult addSub(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<double> alpha =
      node->inputs().size() > 2 ? imp.getDouble(node, 2) : 1.0;
  if (!alpha)
    return c.fail("alpha must be known at import time");
  Type et = promote(imp, node, 0, 1);
  if (!et)
    return c.fail("operands must be tensors or numbers");
  FailureOr<Value> lhs = imp.getTensor(node, 0, et);
  FailureOr<Value> rhs = imp.getTensor(node, 1, et);
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Value> r = scaleBy(c, *rhs, *alpha);
  if (failed(r))
    return failure();
  return c.done(c.make<OpTy>({*lhs, *r}));
}

/// rsub(a, b, alpha) = b - alpha * a.
LogicalResult rsub(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<double> alpha = imp.getDouble(node, 2);
  Type et = promote(imp, node, 0, 1);
  if (!alpha || !et)
    return c.fail("operands must be tensors or numbers and alpha constant");
  FailureOr<Value> a = imp.getTensor(node, 0, et),
                   b = imp.getTensor(node, 1, et);
  if (failed(a) || failed(b))
    return failure();
  FailureOr<Value> scaled = scaleBy(c, *a, *alpha);
  if (failed(scaled))
    return failure();
  return c.done(c.make<g::SubOp>({*b, *scaled}));
}

/// aten::eq/ne/lt/le/gt/ge, Tensor and Scalar overloads: the operands are
/// promoted as for arithmetic, then compared with ops of the graph dialect
/// (see graph::createCompare).
template <g::CompareKind kind>
LogicalResult compare(Importer &imp, Node *node) {
  Ctx c(imp, node);
  Type et = promote(imp, node, 0, 1);
  if (!et)
    return c.fail("operands must be tensors or numbers");
  FailureOr<Value> lhs = imp.getTensor(node, 0, et);
  FailureOr<Value> rhs = imp.getTensor(node, 1, et);
  if (failed(lhs) || failed(rhs))
    return failure();
  return c.done(g::createCompare(c.b, c.loc, kind, *lhs, *rhs));
}

/// Returns input `i` as an i1 tensor: a bool tensor as is, a number tensor
/// as `x != 0` (the truth value logical_* take).
FailureOr<Value> truthOf(Ctx &c, size_t i) {
  FailureOr<Value> x = c.imp.getTensor(c.node, i);
  if (failed(x))
    return failure();
  Type et = typeOf(*x).getElementType();
  if (et.isInteger(1))
    return *x;
  return g::createCompare(c.b, c.loc, g::CompareKind::Ne, *x,
                          c.imp.splat(c.loc, RankedTensorType::get({}, et), 0));
}

/// aten::logical_not, and bitwise_not on a bool tensor (`~mask`).
template <bool bitwise> LogicalResult logicalNot(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  if (bitwise && !typeOf(*x).getElementType().isInteger(1))
    return c.fail("unsupported: bitwise_not of a non-bool tensor");
  FailureOr<Value> p = truthOf(c, 0);
  if (failed(p))
    return failure();
  return c.done(g::createLogicalNot(c.b, c.loc, *p));
}

/// aten::logical_and/or/xor, and the bitwise (`&`, `|`, `^`) forms on bool
/// tensors.
template <g::LogicalKind kind, bool bitwise>
LogicalResult logical(Importer &imp, Node *node) {
  Ctx c(imp, node);
  if (bitwise && (elementTypeOf(imp, node, 0) != c.b.getI1Type() ||
                  elementTypeOf(imp, node, 1) != c.b.getI1Type()))
    return c.fail("unsupported: bitwise and/or/xor of non-bool tensors");
  FailureOr<Value> p = truthOf(c, 0), q = truthOf(c, 1);
  if (failed(p) || failed(q))
    return failure();
  return c.done(g::createLogical(c.b, c.loc, kind, *p, *q));
}

LogicalResult divide(Importer &imp, Node *node) {
  if (node->inputs().size() > 2 && !imp.isNone(node, 2))
    return imp.error(node, "division with a rounding_mode is only supported "
                           "on values known at import time");
  return binary<g::DivOp, /*trueDivide=*/true>(imp, node);
}

/// Unary elementwise op on a float tensor (integers are cast to f32, as
/// torch promotes them; floor, ceil and round keep them as they are).
template <typename OpTy> LogicalResult unary(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  Value in = *x;
  constexpr bool kRounding = std::is_same_v<OpTy, g::FloorOp> ||
                             std::is_same_v<OpTy, g::CeilOp> || std::is_same_v<OpTy, g::RoundOp>;
  if constexpr (std::is_same_v<OpTy, g::RoundOp>) {
    // aten::round.decimals(self, int decimals).
    if (node->inputs().size() > 1) {
      std::optional<int64_t> decimals = imp.getInt(node, 1);
      if (!decimals || *decimals != 0)
        return imp.error(node, "round with decimals other than 0 is not supported");
    }
  }
  if (kRounding && !isa<FloatType>(typeOf(in).getElementType()))
    return c.done(in);
  if (!isa<FloatType>(typeOf(in).getElementType()) &&
      !std::is_same_v<OpTy, g::NegOp> && !std::is_same_v<OpTy, g::AbsOp>)
    in = imp.castTo(c.loc, in, c.b.getF32Type());
  return c.done(c.make<OpTy>({in}));
}

LogicalResult rsqrt(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  FailureOr<Value> s = c.make<g::SqrtOp>({*x});
  if (failed(s))
    return failure();
  return c.done(c.make<g::ReciprocalOp>({*s}));
}

LogicalResult gelu(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::string approximate = "none";
  if (node->inputs().size() > 1) {
    std::optional<std::string> s = imp.getString(node, 1);
    if (!s || (*s != "none" && *s != "tanh"))
      return c.fail("approximate must be 'none' or 'tanh'");
    approximate = *s;
  }
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return c.done(c.make<g::GeluOp>(
      {*x}, {c.attr("approximate", c.b.getStringAttr(approximate))}));
}

/// clip with optional bounds from inputs `lo` and `hi` (or fixed values).
LogicalResult clipWith(Importer &imp, Node *node, std::optional<double> lo,
                       std::optional<double> hi) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  Type et = typeOf(*x).getElementType();
  if (!isa<FloatType>(et)) {
    // graph.clip is float-only; an integer tensor is bounded by max / min
    // with its own element type (the bounds truncated, as torch does).
    Value cur = *x;
    for (auto [bound, lower] : {std::pair{lo, true}, std::pair{hi, false}}) {
      if (!bound)
        continue;
      Value k = imp.splat(c.loc, RankedTensorType::get({}, et), std::trunc(*bound));
      FailureOr<Value> next = lower ? c.make<g::MaxOp>({cur, k}) : c.make<g::MinOp>({cur, k});
      if (failed(next))
        return failure();
      cur = *next;
    }
    return c.done(cur);
  }
  SmallVector<NamedAttribute> attrs;
  if (lo)
    attrs.push_back(c.f32("min", *lo));
  if (hi)
    attrs.push_back(c.f32("max", *hi));
  return c.done(c.make<g::ClipOp>({*x}, attrs));
}

/// silu(x) = x * sigmoid(x) (EfficientNet, MobileNetV3).
LogicalResult silu(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  FailureOr<Value> s = c.make<g::SigmoidOp>({*x});
  if (failed(s))
    return failure();
  return c.done(c.make<g::MulOp>({*x, *s}));
}

/// hardsigmoid(x) = clip(x / 6 + 1/2, 0, 1), as PyTorch defines it.
FailureOr<Value> hardSigmoidOf(Ctx &c, Value x) {
  FailureOr<Value> scaled = scaleBy(c, x, 1.0 / 6.0);
  if (failed(scaled))
    return failure();
  Type et = typeOf(x).getElementType();
  FailureOr<Value> shifted = c.make<g::AddOp>(
      {*scaled, c.imp.splat(c.loc, RankedTensorType::get({}, et), 0.5)});
  if (failed(shifted))
    return failure();
  return c.make<g::ClipOp>({*shifted}, {c.f32("min", 0.0), c.f32("max", 1.0)});
}

LogicalResult hardsigmoid(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return c.done(hardSigmoidOf(c, *x));
}

/// hardswish(x) = x * hardsigmoid(x).
LogicalResult hardswish(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  FailureOr<Value> hs = hardSigmoidOf(c, *x);
  if (failed(hs))
    return failure();
  return c.done(c.make<g::MulOp>({*x, *hs}));
}

LogicalResult hardtanh(Importer &imp, Node *node) {
  std::optional<double> lo = imp.getDouble(node, 1),
                        hi = imp.getDouble(node, 2);
  if (!lo || !hi)
    return imp.error(node, "min_val and max_val must be known at import time");
  return clipWith(imp, node, lo, hi);
}

LogicalResult relu6(Importer &imp, Node *node) {
  return clipWith(imp, node, 0.0, 6.0);
}

LogicalResult clamp(Importer &imp, Node *node) {
  std::optional<double> lo, hi;
  if (!imp.isNone(node, 1) && !(lo = imp.getDouble(node, 1)))
    return imp.error(node, "min must be a number known at import time");
  if (!imp.isNone(node, 2) && !(hi = imp.getDouble(node, 2)))
    return imp.error(node, "max must be a number known at import time");
  return clipWith(imp, node, lo, hi);
}

/// aten::linear(input, weight, bias?): gemm on 2-D input, otherwise the
/// leading dimensions are flattened around a gemm.
LogicalResult linear(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<SmallVector<Value>> inputs = inputWeightBias(imp, node);
  if (failed(inputs))
    return failure();
  SmallVector<Value> operands = *inputs;
  RankedTensorType xt = typeOf(operands[0]);
  if (xt.getRank() < 1)
    return c.fail("input must have rank 1 or more");
  SmallVector<NamedAttribute> attrs = {c.flag("trans_b", true)};
  if (xt.getRank() == 2)
    return c.done(c.make<g::GemmOp>(operands, attrs));
  int64_t k = xt.getShape().back();
  int64_t rows = xt.getNumElements() / std::max<int64_t>(k, 1);
  Value flat = g::ReshapeOp::create(
      c.b, c.loc, RankedTensorType::get({rows, k}, xt.getElementType()),
      operands[0]);
  operands[0] = flat;
  FailureOr<Value> y = c.make<g::GemmOp>(operands, attrs);
  if (failed(y))
    return failure();
  SmallVector<int64_t> shape(xt.getShape().drop_back());
  shape.push_back(typeOf(*y).getShape().back());
  if (xt.getRank() == 1)
    shape = {typeOf(*y).getShape().back()};
  return c.done(
      g::ReshapeOp::create(
          c.b, c.loc, RankedTensorType::get(shape, xt.getElementType()), *y)
          .getResult());
}

/// aten::addmm(bias, m1, m2, beta, alpha).
LogicalResult addmm(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<double> beta = imp.getDouble(node, 3),
                        alpha = imp.getDouble(node, 4);
  if (!beta || !alpha)
    return c.fail("beta and alpha must be known at import time");
  FailureOr<Value> bias = imp.getTensor(node, 0), a = imp.getTensor(node, 1),
                   b = imp.getTensor(node, 2);
  if (failed(bias) || failed(a) || failed(b))
    return failure();
  return c.done(c.make<g::GemmOp>(
      {*a, *b, *bias}, {c.f32("alpha", *alpha), c.f32("beta", *beta)}));
}

LogicalResult matmul(Importer &imp, Node *node) {
  Ctx c(imp, node);
  Type et = promote(imp, node, 0, 1);
  if (!et)
    return c.fail("operands must be tensors");
  FailureOr<Value> a = imp.getTensor(node, 0, et),
                   b = imp.getTensor(node, 1, et);
  if (failed(a) || failed(b))
    return failure();
  return c.done(c.make<g::MatMulOp>({*a, *b}));
}

/// Pads [h, w] (or [p]) as [top, left, bottom, right].
std::optional<SmallVector<int64_t>> pads4(ArrayRef<int64_t> p) {
  if (p.size() == 1)
    return SmallVector<int64_t>{p[0], p[0], p[0], p[0]};
  if (p.size() == 2)
    return SmallVector<int64_t>{p[0], p[1], p[0], p[1]};
  return std::nullopt;
}

/// Returns `v` expanded to two values ([k] -> [k, k]).
std::optional<SmallVector<int64_t>>
pair(std::optional<SmallVector<int64_t>> v) {
  if (!v || v->size() > 2 || v->empty())
    return std::nullopt;
  if (v->size() == 1)
    v->push_back(v->front());
  return v;
}

/// The window parameters of a 1-D op ([k]) as those of a 2-D one over
/// [N, C, 1, L] ([1, k]; pads [0, p, 0, p]).
std::optional<SmallVector<int64_t>> lift1d(std::optional<SmallVector<int64_t>> v,
                                           int64_t front) {
  if (!v || v->size() != 1)
    return std::nullopt;
  return SmallVector<int64_t>{front, v->front()};
}
std::optional<SmallVector<int64_t>> liftPads1d(std::optional<SmallVector<int64_t>> p) {
  if (!p || p->size() != 1)
    return std::nullopt;
  return SmallVector<int64_t>{0, p->front(), 0, p->front()};
}

/// [N, C, L] <-> [N, C, 1, L].
Value liftNCL(Ctx &c, Value x) {
  RankedTensorType t = typeOf(x);
  return g::ReshapeOp::create(
      c.b, c.loc,
      RankedTensorType::get({t.getDimSize(0), t.getDimSize(1), 1, t.getDimSize(2)},
                            t.getElementType()),
      x);
}
LogicalResult doneUnlifted(Ctx &c, FailureOr<Value> y) {
  if (failed(y))
    return failure();
  RankedTensorType t = typeOf(*y);
  return c.done(g::ReshapeOp::create(
                    c.b, c.loc,
                    RankedTensorType::get({t.getDimSize(0), t.getDimSize(1), t.getDimSize(3)},
                                          t.getElementType()),
                    *y)
                    .getResult());
}

/// A 2-D convolution, or a 1-D one (input [N, C, L], weight [O, I, k]) run
/// as a 2-D one over [N, C, 1, L] with the weight viewed as [O, I, 1, k].
LogicalResult convolution(Importer &imp, Node *node, size_t strideArg,
                          size_t padArg, size_t dilationArg, size_t groupArg) {
  Ctx c(imp, node);
  FailureOr<SmallVector<Value>> inputs = inputWeightBias(imp, node);
  if (failed(inputs))
    return failure();
  SmallVector<Value> operands = *inputs;
  bool oneD = typeOf(operands[0]).getRank() == 3 && typeOf(operands[1]).getRank() == 3;
  auto padding = imp.getIntList(node, padArg);
  if (!padding && imp.getString(node, padArg))
    return c.fail("string padding ('same'/'valid') is not supported; trace "
                  "with explicit padding");
  std::optional<int64_t> groups = imp.getInt(node, groupArg);
  std::optional<SmallVector<int64_t>> stride, pads, dilation;
  if (oneD) {
    stride = lift1d(imp.getIntList(node, strideArg), 1);
    dilation = lift1d(imp.getIntList(node, dilationArg), 1);
    pads = liftPads1d(padding);
  } else {
    stride = pair(imp.getIntList(node, strideArg));
    dilation = pair(imp.getIntList(node, dilationArg));
    pads = padding ? pads4(*padding) : std::nullopt;
  }
  if (!stride || !pads || !dilation || !groups)
    return c.fail("only 1-D and 2-D convolutions with constant stride, padding, "
                  "dilation and groups are supported");
  SmallVector<NamedAttribute> attrs = {c.array("strides", *stride), c.array("pads", *pads),
                                       c.array("dilations", *dilation),
                                       c.i64("group", *groups)};
  if (!oneD)
    return c.done(c.make<g::ConvOp>(operands, attrs));
  RankedTensorType wt = typeOf(operands[1]);
  operands[0] = liftNCL(c, operands[0]);
  operands[1] = g::reshapeParameter(
      c.b, c.loc, operands[1], {wt.getDimSize(0), wt.getDimSize(1), 1, wt.getDimSize(2)},
      "conv1d");
  return doneUnlifted(c, c.make<g::ConvOp>(operands, attrs));
}

/// A 2-D transposed convolution (graph::createConvTranspose2d) with the
/// arguments at the given positions.
LogicalResult transposedConvolution(Importer &imp, Node *node, size_t strideArg,
                                    size_t padArg, size_t outputPaddingArg,
                                    size_t groupArg, size_t dilationArg) {
  Ctx c(imp, node);
  FailureOr<SmallVector<Value>> inputs = inputWeightBias(imp, node);
  if (failed(inputs))
    return failure();
  bool oneD = typeOf((*inputs)[0]).getRank() == 3 && typeOf((*inputs)[1]).getRank() == 3;
  auto padding = imp.getIntList(node, padArg);
  std::optional<int64_t> groups = imp.getInt(node, groupArg);
  std::optional<SmallVector<int64_t>> stride, pads, outputPadding, dilation;
  if (oneD) {
    stride = lift1d(imp.getIntList(node, strideArg), 1);
    outputPadding = lift1d(imp.getIntList(node, outputPaddingArg), 0);
    dilation = lift1d(imp.getIntList(node, dilationArg), 1);
    pads = liftPads1d(padding);
  } else {
    stride = pair(imp.getIntList(node, strideArg));
    outputPadding = pair(imp.getIntList(node, outputPaddingArg));
    dilation = pair(imp.getIntList(node, dilationArg));
    pads = padding ? pads4(*padding) : std::nullopt;
  }
  if (!stride || !pads || !outputPadding || !dilation || !groups)
    return c.fail("only 1-D and 2-D transposed convolutions with constant stride, "
                  "padding, output_padding, dilation and groups are supported");
  g::ConvTransposeParams p;
  p.strides.assign(stride->begin(), stride->end());
  p.pads.assign(pads->begin(), pads->end());
  p.outputPadding.assign(outputPadding->begin(), outputPadding->end());
  p.dilations.assign(dilation->begin(), dilation->end());
  p.group = *groups;
  Value bias = inputs->size() > 2 ? (*inputs)[2] : Value();
  if (!oneD)
    return c.done(g::createConvTranspose2d(c.b, c.loc, (*inputs)[0], (*inputs)[1], bias, p));
  RankedTensorType wt = typeOf((*inputs)[1]);
  Value w = g::reshapeParameter(c.b, c.loc, (*inputs)[1],
                                {wt.getDimSize(0), wt.getDimSize(1), 1, wt.getDimSize(2)},
                                "conv_transpose1d");
  return doneUnlifted(c, g::createConvTranspose2d(c.b, c.loc, liftNCL(c, (*inputs)[0]), w, bias, p));
}

/// aten::_convolution(input, weight, bias, stride, padding, dilation,
/// transposed, output_padding, groups, ...).
LogicalResult underscoreConvolution(Importer &imp, Node *node) {
  std::optional<bool> transposed = imp.getBool(node, 6);
  if (!transposed)
    return imp.error(node, "transposed must be known at import time");
  if (*transposed)
    return transposedConvolution(imp, node, 3, 4, 7, 8, 5);
  return convolution(imp, node, 3, 4, 5, 8);
}

/// aten::conv_transpose2d / conv_transpose1d(input, weight, bias, stride,
/// padding, output_padding, groups, dilation).
LogicalResult convTranspose2d(Importer &imp, Node *node) {
  return transposedConvolution(imp, node, 3, 4, 5, 6, 7);
}

/// aten::conv2d / conv1d(input, weight, bias, stride, padding, dilation,
/// groups).
LogicalResult conv2d(Importer &imp, Node *node) {
  return convolution(imp, node, 3, 4, 5, 6);
}

/// Returns input `i`, or a splat of `value` shaped [channels] if it is None.
FailureOr<Value> optionalVector(Importer &imp, Node *node, size_t i,
                                int64_t channels, Type et, double value) {
  if (!imp.isNone(node, i))
    return imp.getTensor(node, i);
  return imp.splat(imp.getLoc(node), RankedTensorType::get({channels}, et),
                   value);
}

/// aten::batch_norm(input, weight, bias, running_mean, running_var, training,
/// momentum, eps, cudnn_enabled).
LogicalResult batchNorm(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<bool> training = imp.getBool(node, 5);
  std::optional<double> eps = imp.getDouble(node, 7);
  if (!training || *training)
    return c.fail("batch_norm in training mode; call model.eval() before "
                  "tracing");
  if (!eps || imp.isNone(node, 3) || imp.isNone(node, 4))
    return c.fail("batch_norm needs running statistics and a constant eps");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  RankedTensorType xt = typeOf(*x);
  if (xt.getRank() < 2)
    return c.fail("input must have rank 2 or more");
  int64_t channels = xt.getDimSize(1);
  Type et = xt.getElementType();
  FailureOr<Value> scale = optionalVector(imp, node, 1, channels, et, 1.0);
  FailureOr<Value> bias = optionalVector(imp, node, 2, channels, et, 0.0);
  FailureOr<Value> mean = imp.getTensor(node, 3), var = imp.getTensor(node, 4);
  if (failed(scale) || failed(bias) || failed(mean) || failed(var))
    return failure();
  return c.done(c.make<g::BatchNormOp>({*x, *scale, *bias, *mean, *var},
                                       {c.f32("epsilon", *eps)}));
}

/// aten::layer_norm(input, normalized_shape, weight, bias, eps, cudnn).
LogicalResult layerNorm(Importer &imp, Node *node) {
  Ctx c(imp, node);
  auto normalized = imp.getIntList(node, 1);
  std::optional<double> eps = imp.getDouble(node, 4);
  if (!normalized || !eps)
    return c.fail("normalized_shape and eps must be known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  RankedTensorType xt = typeOf(*x);
  auto shapeType = RankedTensorType::get(*normalized, xt.getElementType());
  FailureOr<Value> scale =
      imp.isNone(node, 2) ? FailureOr<Value>(imp.splat(c.loc, shapeType, 1.0))
                          : imp.getTensor(node, 2);
  if (failed(scale))
    return failure();
  SmallVector<Value> operands = {*x, *scale};
  if (!imp.isNone(node, 3)) {
    FailureOr<Value> bias = imp.getTensor(node, 3);
    if (failed(bias))
      return failure();
    operands.push_back(*bias);
  }
  int64_t axis = xt.getRank() - static_cast<int64_t>(normalized->size());
  return c.done(c.make<g::LayerNormOp>(
      operands, {c.i64("axis", axis), c.f32("epsilon", *eps)}));
}

/// The element type of an optional `dtype` argument at `i`: null when it is
/// absent or None, failure (with a diagnostic naming `op`) when unknown.
FailureOr<Type> dtypeArg(Importer &imp, Node *node, size_t i, StringRef op) {
  if (node->inputs().size() <= i || imp.isNone(node, i))
    return Type();
  std::optional<int64_t> dtype = imp.getInt(node, i);
  Type et = dtype ? getElementType(imp.getContext(), static_cast<c10::ScalarType>(*dtype))
                  : Type();
  if (!et)
    return imp.error(node, "unsupported " + op + " dtype");
  return et;
}

/// aten::softmax(input, dim, dtype?).
LogicalResult softmax(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  if (!dim)
    return c.fail("dim must be known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  FailureOr<Type> et = dtypeArg(imp, node, 2, "softmax");
  if (failed(et))
    return failure();
  Value in = *et ? imp.castTo(c.loc, *x, *et) : *x;
  return c.done(c.make<g::SoftmaxOp>({in}, {c.i64("axis", *dim)}));
}

/// aten::cumsum(self, dim, dtype?): integer and bool inputs sum in int64, as
/// PyTorch does (RoBERTa's position ids: cumsum(mask, dim=1)).
LogicalResult cumsum(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  if (!dim)
    return c.fail("dim must be known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  FailureOr<Type> dtype = dtypeArg(imp, node, 2, "cumsum");
  if (failed(dtype))
    return failure();
  Type et = *dtype ? *dtype : typeOf(*x).getElementType();
  if (!*dtype && !isa<FloatType>(et))
    et = c.b.getI64Type();
  Value in = imp.castTo(c.loc, *x, et);
  return c.done(g::createCumSum(c.b, c.loc, in, *dim, /*exclusive=*/false, /*reverse=*/false));
}

/// aten::max_pool2d(input, kernel, stride, padding, dilation, ceil_mode) and
/// aten::avg_pool2d(input, kernel, stride, padding, ceil_mode,
/// count_include_pad, divisor_override): the same window arguments, then
/// dilation (max) or the padding rules (average).
/// max_pool2d / avg_pool2d, and max_pool1d / avg_pool1d as 2-D pools over
/// [N, C, 1, L].
template <bool average> LogicalResult pool2d(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  bool oneD = typeOf(*x).getRank() == 3;
  auto kernelList = imp.getIntList(node, 1);
  auto strideList = imp.getIntList(node, 2);
  auto padding = imp.getIntList(node, 3);
  std::optional<bool> ceil = imp.getBool(node, average ? 4 : 5);
  std::optional<bool> includePad =
      average ? imp.getBool(node, 5) : std::optional<bool>(false);
  std::optional<SmallVector<int64_t>> kernel, stride, pads, dilation;
  if (oneD) {
    kernel = lift1d(kernelList, 1);
    stride = strideList && strideList->empty() ? kernel : lift1d(strideList, 1);
    pads = liftPads1d(padding);
    dilation = average ? std::optional<SmallVector<int64_t>>({1, 1})
                       : lift1d(imp.getIntList(node, 4), 1);
  } else {
    kernel = pair(kernelList);
    stride = strideList && strideList->empty() ? kernel : pair(strideList);
    pads = padding ? pads4(*padding) : std::nullopt;
    dilation = average ? std::optional<SmallVector<int64_t>>({1, 1})
                       : pair(imp.getIntList(node, 4));
  }
  if (!kernelList || !strideList || !padding || !ceil || !includePad)
    return c.fail("pooling parameters must be known at import time");
  if (average && node->inputs().size() > 6 && !imp.isNone(node, 6))
    return c.fail("divisor_override is not supported");
  if (!kernel || !stride || !pads || !dilation)
    return c.fail("only 1-D and 2-D pooling is supported");
  SmallVector<NamedAttribute> attrs = {
      c.array("kernel_shape", *kernel), c.array("strides", *stride),
      c.array("pads", *pads), c.flag("ceil_mode", *ceil)};
  Value in = oneD ? liftNCL(c, *x) : *x;
  FailureOr<Value> y;
  if (!average) {
    attrs.push_back(c.array("dilations", *dilation));
    y = c.make<g::MaxPoolOp>({in}, attrs);
  } else {
    attrs.push_back(c.flag("count_include_pad", *includePad));
    y = c.make<g::AveragePoolOp>({in}, attrs);
  }
  return oneD ? doneUnlifted(c, y) : c.done(y);
}

/// aten::adaptive_avg_pool2d(input, output_size): global pooling for 1x1,
/// a plain average pool when the input divides evenly, else PyTorch's
/// uneven bins as constant averaging matmuls (createAdaptiveAvgPool2d).
LogicalResult adaptiveAvgPool2d(Importer &imp, Node *node) {
  Ctx c(imp, node);
  auto size = pair(imp.getIntList(node, 1));
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  RankedTensorType xt = typeOf(*x);
  if (!size || xt.getRank() != 4)
    return c.fail("only 4-D input with a constant output_size is supported");
  return c.done(g::createAdaptiveAvgPool2d(c.b, c.loc, *x, *size));
}

/// aten::adaptive_max_pool2d(input, output_size) -> (values, indices): a max
/// pool with window and stride input / output when the input divides evenly
/// (1x1 is global max pooling); the indices output is not modelled.
LogicalResult adaptiveMaxPool2d(Importer &imp, Node *node) {
  Ctx c(imp, node);
  auto size = pair(imp.getIntList(node, 1));
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  RankedTensorType xt = typeOf(*x);
  if (!size || xt.getRank() != 4)
    return c.fail("only 4-D input with a constant output_size is supported");
  if (node->outputs().size() > 1 && node->output(1)->hasUses())
    return c.fail("unsupported: the indices output is used");
  SmallVector<int64_t> window;
  for (int i = 0; i < 2; ++i) {
    int64_t in = xt.getDimSize(2 + i), out = (*size)[i];
    if (out <= 0 || in % out != 0)
      return c.fail("unsupported: output_size " + std::to_string(out) +
                    " does not divide the input size " + std::to_string(in));
    window.push_back(in / out);
  }
  return c.done(c.make<g::MaxPoolOp>({*x}, {c.array("kernel_shape", window),
                                            c.array("strides", window)}));
}

/// Reductions: aten::mean/sum(input, dims, keepdim, dtype?) and amax.
template <typename OpTy> LogicalResult reduce(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> axes;
  bool keepdims = false;
  if (node->inputs().size() >= 3) {
    auto dims =
        imp.isNone(node, 1)
            ? std::optional<SmallVector<int64_t>>(SmallVector<int64_t>{})
            : imp.getIntList(node, 1);
    std::optional<bool> keep = imp.getBool(node, 2);
    if (!dims || !keep)
      return c.fail("dims and keepdim must be known at import time");
    axes = *dims;
    keepdims = *keep;
  }
  Value in = *x;
  if (!isa<FloatType>(typeOf(in).getElementType()) &&
      !std::is_same_v<OpTy, g::ReduceMaxOp>)
    in = imp.castTo(c.loc, in, c.b.getF32Type());
  return c.done(c.make<OpTy>(
      {in}, {c.array("axes", axes), c.flag("keepdims", keepdims)}));
}

/// aten::argmax / aten::argmin (self, dim?, keepdim): with dim None, over the
/// flattened input (the result then has rank 0, or all-ones dimensions with
/// keepdim).
template <typename OpTy> LogicalResult argReduce(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  std::optional<bool> keep = node->inputs().size() > 2 ? imp.getBool(node, 2) : false;
  if (!keep)
    return c.fail("keepdim must be known at import time");
  RankedTensorType xt = typeOf(*x);
  if (node->inputs().size() > 1 && !imp.isNone(node, 1)) {
    std::optional<int64_t> dim = imp.getInt(node, 1);
    if (!dim)
      return c.fail("dim must be known at import time");
    return c.done(c.make<OpTy>({*x}, {c.i64("axis", *dim), c.flag("keepdims", *keep)}));
  }
  Value flat = g::ReshapeOp::create(
      c.b, c.loc, RankedTensorType::get({xt.getNumElements()}, xt.getElementType()), *x);
  FailureOr<Value> r = c.make<OpTy>({flat}, {c.i64("axis", 0), c.flag("keepdims", false)});
  if (failed(r) || !*keep)
    return c.done(r);
  SmallVector<int64_t> ones(xt.getRank(), 1);
  return c.done(g::ReshapeOp::create(c.b, c.loc, RankedTensorType::get(ones, c.b.getI64Type()), *r)
                    .getResult());
}

/// aten::max / aten::min in their overloads: max(a, b) is graph.max;
/// max(x) reduces every dimension; max(x, dim, keepdim) returns (values,
/// indices), the indices by graph.argmax / argmin. There is no reduce_min:
/// min(x) is -reduce_max(-x).
template <bool isMax> LogicalResult maxMin(Importer &imp, Node *node) {
  Ctx c(imp, node);
  size_t n = node->inputs().size();
  if (n == 2)
    return binary<std::conditional_t<isMax, g::MaxOp, g::MinOp>>(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  SmallVector<int64_t> axes;
  bool keepdims = false;
  if (n == 1) {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  } else {
    std::optional<int64_t> dim = imp.getInt(node, 1);
    std::optional<bool> keep = imp.getBool(node, 2);
    if (n != 3 || !dim || !keep)
      return c.fail("unsupported overload: dim and keepdim must be known at "
                    "import time");
    if (node->outputs().size() > 1 && node->output(1)->hasUses()) {
      using ArgOp = std::conditional_t<isMax, g::ArgMaxOp, g::ArgMinOp>;
      if (failed(c.done(c.make<ArgOp>({*x}, {c.i64("axis", *dim), c.flag("keepdims", *keep)}),
                        /*output=*/1)))
        return failure();
    }
    axes.push_back(*dim);
    keepdims = *keep;
  }
  Value in = *x;
  if (!isMax) {
    FailureOr<Value> neg = c.make<g::NegOp>({in});
    if (failed(neg))
      return failure();
    in = *neg;
  }
  FailureOr<Value> r = c.make<g::ReduceMaxOp>(
      {in}, {c.array("axes", axes), c.flag("keepdims", keepdims)});
  if (failed(r) || isMax)
    return c.done(r);
  return c.done(c.make<g::NegOp>({*r}));
}

} // namespace

const llvm::StringMap<Handler> &torchscript::getHandlers() {
  static const llvm::StringMap<Handler> handlers = [] {
    llvm::StringMap<Handler> h;
    h["aten::_convolution"] = underscoreConvolution;
    h["aten::abs"] = unary<g::AbsOp>;
    h["aten::__and__"] = logical<g::LogicalKind::And, true>;
    h["aten::__or__"] = logical<g::LogicalKind::Or, true>;
    h["aten::__xor__"] = logical<g::LogicalKind::Xor, true>;
    h["aten::adaptive_avg_pool2d"] = adaptiveAvgPool2d;
    h["aten::adaptive_max_pool2d"] = adaptiveMaxPool2d;
    h["aten::add"] = addSub<g::AddOp>;
    h["aten::add_"] = inPlace<addSub<g::AddOp>>;
    h["aten::addmm"] = addmm;
    h["aten::amax"] = reduce<g::ReduceMaxOp>;
    h["aten::avg_pool1d"] = pool2d<true>;
    h["aten::avg_pool2d"] = pool2d<true>;
    h["aten::batch_norm"] = batchNorm;
    h["aten::argmax"] = argReduce<g::ArgMaxOp>;
    h["aten::argmin"] = argReduce<g::ArgMinOp>;
    h["aten::bitwise_and"] = logical<g::LogicalKind::And, true>;
    h["aten::bitwise_not"] = logicalNot<true>;
    h["aten::bitwise_or"] = logical<g::LogicalKind::Or, true>;
    h["aten::bitwise_xor"] = logical<g::LogicalKind::Xor, true>;
    h["aten::bmm"] = matmul;
    h["aten::clamp"] = clamp;
    h["aten::cumsum"] = cumsum;
    h["aten::ceil"] = unary<g::CeilOp>;
    h["aten::conv1d"] = conv2d;
    h["aten::conv2d"] = conv2d;
    h["aten::conv_transpose1d"] = convTranspose2d;
    h["aten::conv_transpose2d"] = convTranspose2d;
    h["aten::cos"] = unary<g::CosOp>;
    h["aten::div"] = divide;
    h["aten::div_"] = inPlace<divide>;
    h["aten::eq"] = compare<g::CompareKind::Eq>;
    h["aten::erf"] = unary<g::ErfOp>;
    h["aten::exp"] = unary<g::ExpOp>;
    h["aten::floor"] = unary<g::FloorOp>;
    h["aten::ge"] = compare<g::CompareKind::Ge>;
    h["aten::gelu"] = gelu;
    h["aten::gt"] = compare<g::CompareKind::Gt>;
    h["aten::hardtanh"] = hardtanh;
    h["aten::hardtanh_"] = inPlace<hardtanh>;
    h["aten::hardsigmoid"] = hardsigmoid;
    h["aten::hardsigmoid_"] = inPlace<hardsigmoid>;
    h["aten::hardswish"] = hardswish;
    h["aten::hardswish_"] = inPlace<hardswish>;
    h["aten::layer_norm"] = layerNorm;
    h["aten::le"] = compare<g::CompareKind::Le>;
    h["aten::linear"] = linear;
    h["aten::log"] = unary<g::LogOp>;
    h["aten::logical_and"] = logical<g::LogicalKind::And, false>;
    h["aten::logical_not"] = logicalNot<false>;
    h["aten::logical_or"] = logical<g::LogicalKind::Or, false>;
    h["aten::logical_xor"] = logical<g::LogicalKind::Xor, false>;
    h["aten::lt"] = compare<g::CompareKind::Lt>;
    h["aten::matmul"] = matmul;
    h["aten::max"] = maxMin<true>;
    h["aten::max_pool1d"] = pool2d<false>;
    h["aten::max_pool2d"] = pool2d<false>;
    h["aten::maximum"] = binary<g::MaxOp>;
    h["aten::mean"] = reduce<g::ReduceMeanOp>;
    h["aten::min"] = maxMin<false>;
    h["aten::minimum"] = binary<g::MinOp>;
    h["aten::mm"] = matmul;
    h["aten::mul"] = binary<g::MulOp>;
    h["aten::mul_"] = inPlace<binary<g::MulOp>>;
    h["aten::ne"] = compare<g::CompareKind::Ne>;
    h["aten::neg"] = unary<g::NegOp>;
    h["aten::pow"] = binary<g::PowOp>;
    h["aten::reciprocal"] = unary<g::ReciprocalOp>;
    h["aten::relu"] = unary<g::ReluOp>;
    h["aten::relu6"] = relu6;
    h["aten::relu_"] = inPlace<unary<g::ReluOp>>;
    h["aten::round"] = unary<g::RoundOp>;
    h["aten::rsqrt"] = rsqrt;
    h["aten::rsub"] = rsub;
    h["aten::sigmoid"] = unary<g::SigmoidOp>;
    h["aten::sigmoid_"] = inPlace<unary<g::SigmoidOp>>;
    h["aten::silu"] = silu;
    h["aten::silu_"] = inPlace<silu>;
    h["aten::sin"] = unary<g::SinOp>;
    h["aten::tan"] = unary<g::TanOp>;
    h["aten::asin"] = unary<g::AsinOp>;
    h["aten::acos"] = unary<g::AcosOp>;
    h["aten::atan"] = unary<g::AtanOp>;
    h["aten::sinh"] = unary<g::SinhOp>;
    h["aten::cosh"] = unary<g::CoshOp>;
    h["aten::asinh"] = unary<g::AsinhOp>;
    h["aten::acosh"] = unary<g::AcoshOp>;
    h["aten::atanh"] = unary<g::AtanhOp>;
    h["aten::softmax"] = softmax;
    h["aten::sqrt"] = unary<g::SqrtOp>;
    h["aten::sub"] = addSub<g::SubOp>;
    h["aten::sub_"] = inPlace<addSub<g::SubOp>>;
    h["aten::sum"] = reduce<g::ReduceSumOp>;
    h["aten::tanh"] = unary<g::TanhOp>;
    h["aten::tanh_"] = inPlace<unary<g::TanhOp>>;
    registerShapeHandlers(h);
    registerCompositeHandlers(h);
    return h;
  }();
  return handlers;
}
