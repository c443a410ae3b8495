//===- TorchScriptOps.cpp - aten/prim operator handlers -------------------===//
//
// One handler per operator, registered in getHandlers(). A handler reads its
// arguments through the Importer accessors (which know what is constant at
// import) and builds graph ops with createInferred, so a shape error in the
// model is a diagnostic, not a crash.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

using namespace mlir;
using namespace neuron;
using namespace neuron::torchscript;
namespace g = neuron::graph;
using torch::jit::Node;

namespace {

/// Short names for building.
struct Ctx {
  Importer &imp;
  Node *node;
  Location loc;
  OpBuilder &b;
  Ctx(Importer &imp, Node *node)
      : imp(imp), node(node), loc(imp.getLoc(node)), b(imp.getBuilder()) {}

  NamedAttribute attr(StringRef name, Attribute value) {
    return b.getNamedAttr(name, value);
  }
  NamedAttribute i64(StringRef name, int64_t v) {
    return attr(name, b.getI64IntegerAttr(v));
  }
  NamedAttribute f32(StringRef name, double v) {
    return attr(name, b.getF32FloatAttr(v));
  }
  NamedAttribute array(StringRef name, ArrayRef<int64_t> v) {
    return attr(name, b.getDenseI64ArrayAttr(v));
  }
  NamedAttribute flag(StringRef name, bool v) {
    return attr(name, b.getBoolAttr(v));
  }

  template <typename OpTy>
  FailureOr<Value> make(ValueRange operands,
                        ArrayRef<NamedAttribute> attrs = {}) {
    return g::createInferred<OpTy>(b, loc, operands, attrs);
  }
  LogicalResult done(FailureOr<Value> v, size_t output = 0) {
    if (failed(v))
      return failure();
    imp.setTensor(node, output, *v);
    return success();
  }
  LogicalResult fail(const Twine &message) { return imp.error(node, message); }
};

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Whether input `i` is a tensor with dimensions (not a Python scalar or a
/// 0-dim tensor, which do not decide the result dtype in PyTorch).
bool isDimensioned(Importer &imp, Node *node, size_t i) {
  TorchValue &v = imp.lookup(node->input(i));
  if (v.kind == TorchValue::Kind::Tensor)
    return typeOf(v.tensor).getRank() > 0;
  return v.kind == TorchValue::Kind::Constant && v.constant.isTensor() &&
         v.constant.toTensor().dim() > 0;
}

/// The element type input `i` would have, or null for non-numbers.
Type elementTypeOf(Importer &imp, Node *node, size_t i) {
  TorchValue &v = imp.lookup(node->input(i));
  Builder b(imp.getContext());
  if (v.kind == TorchValue::Kind::Tensor)
    return typeOf(v.tensor).getElementType();
  if (v.kind != TorchValue::Kind::Constant)
    return {};
  const c10::IValue &c = v.constant;
  if (c.isTensor()) {
    c10::ScalarType st = c.toTensor().scalar_type();
    return st == c10::ScalarType::Double ? b.getF32Type()
                                         : getElementType(imp.getContext(), st);
  }
  if (c.isDouble())
    return b.getF32Type();
  if (c.isInt())
    return b.getI64Type();
  if (c.isBool())
    return b.getI1Type();
  return {};
}

int floatRank(Type t) { return isa<FloatType>(t) ? 2 : t.isInteger(1) ? 0 : 1; }

/// PyTorch type promotion for two operands: dimensioned tensors decide over
/// scalars and 0-dim tensors unless the scalar is of a higher category
/// (float over int over bool), in which case the default float32 is used.
Type promote(Importer &imp, Node *node, size_t a, size_t b) {
  Type ta = elementTypeOf(imp, node, a), tb = elementTypeOf(imp, node, b);
  if (!ta || !tb)
    return {};
  bool da = isDimensioned(imp, node, a), db = isDimensioned(imp, node, b);
  if (da != db) {
    Type tensor = da ? ta : tb, scalar = da ? tb : ta;
    if (floatRank(scalar) > floatRank(tensor))
      return isa<FloatType>(scalar) ? Builder(imp.getContext()).getF32Type()
                                    : scalar;
    return tensor;
  }
  if (ta == tb)
    return ta;
  if (floatRank(ta) != floatRank(tb))
    return floatRank(ta) > floatRank(tb) ? ta : tb;
  return ta.getIntOrFloatBitWidth() >= tb.getIntOrFloatBitWidth() ? ta : tb;
}

/// Builds a broadcasting binary op on inputs 0 and 1, promoted.
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

/// add/sub with `alpha`: lhs op alpha * rhs.
template <typename OpTy>
LogicalResult addSub(Importer &imp, Node *node) {
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
  Value r = *rhs;
  if (*alpha != 1.0) {
    FailureOr<Value> scaled = c.make<g::MulOp>(
        {r, imp.splat(c.loc, RankedTensorType::get({}, et), *alpha)});
    if (failed(scaled))
      return failure();
    r = *scaled;
  }
  return c.done(c.make<OpTy>({*lhs, r}));
}

/// rsub(a, b, alpha) = b - alpha * a.
LogicalResult rsub(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<double> alpha = imp.getDouble(node, 2);
  Type et = promote(imp, node, 0, 1);
  if (!alpha || !et)
    return c.fail("operands must be tensors or numbers and alpha constant");
  FailureOr<Value> a = imp.getTensor(node, 0, et), b = imp.getTensor(node, 1, et);
  if (failed(a) || failed(b))
    return failure();
  Value scaled = *a;
  if (*alpha != 1.0) {
    FailureOr<Value> m = c.make<g::MulOp>(
        {*a, imp.splat(c.loc, RankedTensorType::get({}, et), *alpha)});
    if (failed(m))
      return failure();
    scaled = *m;
  }
  return c.done(c.make<g::SubOp>({*b, scaled}));
}

LogicalResult divide(Importer &imp, Node *node) {
  if (node->inputs().size() > 2 && !imp.isNone(node, 2))
    return imp.error(node, "division with a rounding_mode is only supported "
                           "on values known at import time");
  return binary<g::DivOp, /*trueDivide=*/true>(imp, node);
}

/// Unary elementwise op on a float tensor.
template <typename OpTy>
LogicalResult unary(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  Value in = *x;
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
  SmallVector<NamedAttribute> attrs;
  if (lo)
    attrs.push_back(c.f32("min", *lo));
  if (hi)
    attrs.push_back(c.f32("max", *hi));
  return c.done(c.make<g::ClipOp>({*x}, attrs));
}

LogicalResult hardtanh(Importer &imp, Node *node) {
  std::optional<double> lo = imp.getDouble(node, 1), hi = imp.getDouble(node, 2);
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

LogicalResult identity(Importer &imp, Node *node) {
  TorchValue v = imp.lookup(node->input(0));
  imp.lookup(node->output(0)) = v;
  return success();
}

/// aten::linear(input, weight, bias?): gemm on 2-D input, otherwise the
/// leading dimensions are flattened around a gemm.
LogicalResult linear(Importer &imp, Node *node) {
  Ctx c(imp, node);
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
  RankedTensorType xt = typeOf(*x);
  if (xt.getRank() < 1)
    return c.fail("input must have rank 1 or more");
  SmallVector<NamedAttribute> attrs = {c.flag("trans_b", true)};
  if (xt.getRank() == 2)
    return c.done(c.make<g::GemmOp>(operands, attrs));
  int64_t k = xt.getShape().back();
  int64_t rows = xt.getNumElements() / std::max<int64_t>(k, 1);
  Value flat = g::ReshapeOp::create(
      c.b, c.loc, RankedTensorType::get({rows, k}, xt.getElementType()), *x);
  operands[0] = flat;
  FailureOr<Value> y = c.make<g::GemmOp>(operands, attrs);
  if (failed(y))
    return failure();
  SmallVector<int64_t> shape(xt.getShape().drop_back());
  shape.push_back(typeOf(*y).getShape().back());
  if (xt.getRank() == 1)
    shape = {typeOf(*y).getShape().back()};
  return c.done(g::ReshapeOp::create(
                    c.b, c.loc, RankedTensorType::get(shape, xt.getElementType()),
                    *y)
                    .getResult());
}

/// aten::addmm(bias, m1, m2, beta, alpha).
LogicalResult addmm(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<double> beta = imp.getDouble(node, 3), alpha = imp.getDouble(node, 4);
  if (!beta || !alpha)
    return c.fail("beta and alpha must be known at import time");
  FailureOr<Value> bias = imp.getTensor(node, 0), a = imp.getTensor(node, 1),
                   b = imp.getTensor(node, 2);
  if (failed(bias) || failed(a) || failed(b))
    return failure();
  return c.done(c.make<g::GemmOp>({*a, *b, *bias},
                                  {c.f32("alpha", *alpha), c.f32("beta", *beta)}));
}

LogicalResult matmul(Importer &imp, Node *node) {
  Ctx c(imp, node);
  Type et = promote(imp, node, 0, 1);
  if (!et)
    return c.fail("operands must be tensors");
  FailureOr<Value> a = imp.getTensor(node, 0, et), b = imp.getTensor(node, 1, et);
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
std::optional<SmallVector<int64_t>> pair(std::optional<SmallVector<int64_t>> v) {
  if (!v || v->size() > 2 || v->empty())
    return std::nullopt;
  if (v->size() == 1)
    v->push_back(v->front());
  return v;
}

LogicalResult convolution(Importer &imp, Node *node, size_t strideArg,
                          size_t padArg, size_t dilationArg, size_t groupArg) {
  Ctx c(imp, node);
  auto stride = pair(imp.getIntList(node, strideArg));
  auto padding = imp.getIntList(node, padArg);
  auto dilation = pair(imp.getIntList(node, dilationArg));
  std::optional<int64_t> groups = imp.getInt(node, groupArg);
  if (!padding && imp.getString(node, padArg))
    return c.fail("string padding ('same'/'valid') is not supported; trace "
                  "with explicit padding");
  std::optional<SmallVector<int64_t>> pads = padding ? pads4(*padding) : std::nullopt;
  if (!stride || !pads || !dilation || !groups)
    return c.fail("only 2-D convolution with constant stride, padding, "
                  "dilation and groups is supported");
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
  return c.done(c.make<g::ConvOp>(
      operands, {c.array("strides", *stride), c.array("pads", *pads),
                 c.array("dilations", *dilation), c.i64("group", *groups)}));
}

/// aten::_convolution(input, weight, bias, stride, padding, dilation,
/// transposed, output_padding, groups, ...).
LogicalResult underscoreConvolution(Importer &imp, Node *node) {
  std::optional<bool> transposed = imp.getBool(node, 6);
  if (!transposed || *transposed)
    return imp.error(node, "transposed convolution is not supported");
  return convolution(imp, node, 3, 4, 5, 8);
}

/// aten::conv2d(input, weight, bias, stride, padding, dilation, groups).
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
  FailureOr<Value> scale = imp.isNone(node, 2)
                               ? FailureOr<Value>(imp.splat(c.loc, shapeType, 1.0))
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

/// aten::softmax(input, dim, dtype?).
LogicalResult softmax(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  if (!dim)
    return c.fail("dim must be known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  Value in = *x;
  if (node->inputs().size() > 2 && !imp.isNone(node, 2)) {
    std::optional<int64_t> dtype = imp.getInt(node, 2);
    Type et = dtype ? getElementType(imp.getContext(),
                                     static_cast<c10::ScalarType>(*dtype))
                    : Type();
    if (!et)
      return c.fail("unsupported softmax dtype");
    in = imp.castTo(c.loc, in, et);
  }
  return c.done(c.make<g::SoftmaxOp>({in}, {c.i64("axis", *dim)}));
}

/// aten::max_pool2d(input, kernel, stride, padding, dilation, ceil_mode).
LogicalResult maxPool2d(Importer &imp, Node *node) {
  Ctx c(imp, node);
  auto kernel = pair(imp.getIntList(node, 1));
  auto strideList = imp.getIntList(node, 2);
  auto padding = imp.getIntList(node, 3);
  auto dilation = pair(imp.getIntList(node, 4));
  std::optional<bool> ceil = imp.getBool(node, 5);
  if (!kernel || !strideList || !padding || !dilation || !ceil)
    return c.fail("pooling parameters must be known at import time");
  auto stride = strideList->empty() ? kernel : pair(strideList);
  auto pads = pads4(*padding);
  if (!stride || !pads)
    return c.fail("only 2-D pooling is supported");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return c.done(c.make<g::MaxPoolOp>(
      {*x}, {c.array("kernel_shape", *kernel), c.array("strides", *stride),
             c.array("pads", *pads), c.array("dilations", *dilation),
             c.flag("ceil_mode", *ceil)}));
}

/// aten::avg_pool2d(input, kernel, stride, padding, ceil_mode,
/// count_include_pad, divisor_override).
LogicalResult avgPool2d(Importer &imp, Node *node) {
  Ctx c(imp, node);
  auto kernel = pair(imp.getIntList(node, 1));
  auto strideList = imp.getIntList(node, 2);
  auto padding = imp.getIntList(node, 3);
  std::optional<bool> ceil = imp.getBool(node, 4);
  std::optional<bool> includePad = imp.getBool(node, 5);
  if (!kernel || !strideList || !padding || !ceil || !includePad)
    return c.fail("pooling parameters must be known at import time");
  if (node->inputs().size() > 6 && !imp.isNone(node, 6))
    return c.fail("divisor_override is not supported");
  auto stride = strideList->empty() ? kernel : pair(strideList);
  auto pads = pads4(*padding);
  if (!stride || !pads)
    return c.fail("only 2-D pooling is supported");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return c.done(c.make<g::AveragePoolOp>(
      {*x}, {c.array("kernel_shape", *kernel), c.array("strides", *stride),
             c.array("pads", *pads), c.flag("ceil_mode", *ceil),
             c.flag("count_include_pad", *includePad)}));
}

/// aten::adaptive_avg_pool2d(input, output_size): global pooling for 1x1,
/// a plain average pool when the input divides evenly.
LogicalResult adaptiveAvgPool2d(Importer &imp, Node *node) {
  Ctx c(imp, node);
  auto size = pair(imp.getIntList(node, 1));
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  RankedTensorType xt = typeOf(*x);
  if (!size || xt.getRank() != 4)
    return c.fail("only 4-D input with a constant output_size is supported");
  if ((*size)[0] == 1 && (*size)[1] == 1)
    return c.done(c.make<g::GlobalAveragePoolOp>({*x}));
  int64_t h = xt.getDimSize(2), w = xt.getDimSize(3);
  if ((*size)[0] < 1 || (*size)[1] < 1 || h % (*size)[0] || w % (*size)[1])
    return c.fail("output_size must divide the input's spatial size");
  SmallVector<int64_t> kernel = {h / (*size)[0], w / (*size)[1]};
  return c.done(c.make<g::AveragePoolOp>(
      {*x}, {c.array("kernel_shape", kernel), c.array("strides", kernel)}));
}

/// Reductions: aten::mean/sum(input, dims, keepdim, dtype?) and amax.
template <typename OpTy>
LogicalResult reduce(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> axes;
  bool keepdims = false;
  if (node->inputs().size() >= 3) {
    auto dims = imp.isNone(node, 1) ? std::optional<SmallVector<int64_t>>(
                                          SmallVector<int64_t>{})
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
  return c.done(
      c.make<OpTy>({in}, {c.array("axes", axes), c.flag("keepdims", keepdims)}));
}

/// Resolves a PyTorch view shape (with at most one -1) for `count` elements.
std::optional<SmallVector<int64_t>> resolveShape(ArrayRef<int64_t> shape,
                                                 int64_t count) {
  SmallVector<int64_t> result(shape);
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(result)) {
    if (d == -1) {
      if (inferred >= 0)
        return std::nullopt;
      inferred = i;
    } else if (d < 0) {
      return std::nullopt;
    } else {
      known *= d;
    }
  }
  if (inferred >= 0) {
    if (known == 0 || count % known)
      return std::nullopt;
    result[inferred] = count / known;
  } else if (known != count) {
    return std::nullopt;
  }
  return result;
}

LogicalResult reshapeTo(Ctx &c, Value x, ArrayRef<int64_t> shape) {
  RankedTensorType xt = typeOf(x);
  auto resolved = resolveShape(shape, xt.getNumElements());
  if (!resolved) {
    std::string s;
    llvm::raw_string_ostream os(s);
    llvm::interleaveComma(shape, os);
    return c.fail("cannot view " + Twine(xt.getNumElements()) +
                  " elements as [" + s + "]");
  }
  return c.done(g::ReshapeOp::create(
                    c.b, c.loc,
                    RankedTensorType::get(*resolved, xt.getElementType()), x)
                    .getResult());
}

/// aten::view / aten::reshape(input, shape).
LogicalResult view(Importer &imp, Node *node) {
  Ctx c(imp, node);
  auto shape = imp.getIntList(node, 1);
  if (!shape)
    return c.fail("the shape must be known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return reshapeTo(c, *x, *shape);
}

/// aten::flatten(input, start_dim, end_dim).
LogicalResult flatten(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> start = imp.getInt(node, 1), end = imp.getInt(node, 2);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  int64_t rank = in.size();
  if (rank == 0)
    return reshapeTo(c, *x, {1});
  std::optional<int64_t> s = start ? g::normalizeAxis(*start, rank) : std::nullopt;
  std::optional<int64_t> e = end ? g::normalizeAxis(*end, rank) : std::nullopt;
  if (!s || !e || *s > *e)
    return c.fail("start_dim and end_dim must be constant and in range");
  SmallVector<int64_t> shape(in.take_front(*s));
  int64_t merged = 1;
  for (int64_t i = *s; i <= *e; ++i)
    merged *= in[i];
  shape.push_back(merged);
  llvm::append_range(shape, in.drop_front(*e + 1));
  return reshapeTo(c, *x, shape);
}

LogicalResult transposeBy(Ctx &c, Value x, ArrayRef<int64_t> perm) {
  return c.done(c.make<g::TransposeOp>({x}, {c.array("perm", perm)}));
}

/// aten::permute(input, dims).
LogicalResult permute(Importer &imp, Node *node) {
  Ctx c(imp, node);
  auto dims = imp.getIntList(node, 1);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  if (!dims)
    return c.fail("dims must be known at import time");
  int64_t rank = typeOf(*x).getRank();
  SmallVector<int64_t> perm;
  for (int64_t d : *dims) {
    auto n = g::normalizeAxis(d, rank);
    if (!n)
      return c.fail("dimension " + Twine(d) + " is out of range");
    perm.push_back(*n);
  }
  return transposeBy(c, *x, perm);
}

/// aten::transpose(input, dim0, dim1) and aten::t(input).
LogicalResult transpose(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  std::optional<int64_t> d0 = 0, d1 = 1;
  if (node->inputs().size() > 1) {
    d0 = imp.getInt(node, 1);
    d1 = imp.getInt(node, 2);
  } else if (rank < 2) {
    return identity(imp, node);
  }
  d0 = d0 ? g::normalizeAxis(*d0, rank) : std::nullopt;
  d1 = d1 ? g::normalizeAxis(*d1, rank) : std::nullopt;
  if (!d0 || !d1)
    return c.fail("dimensions must be constant and in range");
  SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(perm[*d0], perm[*d1]);
  return transposeBy(c, *x, perm);
}

/// aten::slice(input, dim, start, end, step).
LogicalResult slice(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1), step = imp.getInt(node, 4);
  std::optional<int64_t> start =
      imp.isNone(node, 2) ? std::optional<int64_t>(0) : imp.getInt(node, 2);
  std::optional<int64_t> end = imp.isNone(node, 3)
                                   ? std::optional<int64_t>(INT64_MAX)
                                   : imp.getInt(node, 3);
  if (!dim || !start || !end || !step)
    return c.fail("slice bounds must be known at import time");
  if (*step < 1)
    return c.fail("slice step must be positive");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return c.done(c.make<g::SliceOp>(
      {*x}, {c.array("starts", {*start}), c.array("ends", {*end}),
             c.array("axes", {*dim}), c.array("steps", {*step})}));
}

/// aten::select(input, dim, index): a slice of one, then the dim removed.
LogicalResult select(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1), index = imp.getInt(node, 2);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  std::optional<int64_t> axis = dim ? g::normalizeAxis(*dim, rank) : std::nullopt;
  if (!axis || !index)
    return c.fail("dim and index must be constant and in range");
  int64_t size = typeOf(*x).getDimSize(*axis);
  int64_t i = *index < 0 ? *index + size : *index;
  if (i < 0 || i >= size)
    return c.fail("index " + Twine(*index) + " is out of range for size " +
                  Twine(size));
  FailureOr<Value> s = c.make<g::SliceOp>(
      {*x}, {c.array("starts", {i}), c.array("ends", {i + 1}),
             c.array("axes", {*axis})});
  if (failed(s))
    return failure();
  return c.done(c.make<g::SqueezeOp>({*s}, {c.array("axes", {*axis})}));
}

LogicalResult unsqueeze(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  if (!dim)
    return c.fail("dim must be known at import time");
  return c.done(c.make<g::UnsqueezeOp>({*x}, {c.array("axes", {*dim})}));
}

/// aten::squeeze(input[, dim]); squeezing a dimension that is not 1 is a
/// no-op in PyTorch.
LogicalResult squeeze(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> axes;
  if (node->inputs().size() > 1) {
    std::optional<int64_t> dim = imp.getInt(node, 1);
    auto axis = dim ? g::normalizeAxis(*dim, typeOf(*x).getRank()) : std::nullopt;
    if (!axis)
      return c.fail("dim must be constant and in range");
    if (typeOf(*x).getDimSize(*axis) != 1)
      return identity(imp, node);
    axes.push_back(*axis);
  }
  return c.done(c.make<g::SqueezeOp>({*x}, {c.array("axes", axes)}));
}

/// Returns the tensors of a list input (aten::cat's operand).
FailureOr<SmallVector<Value>> tensorList(Importer &imp, Node *node, size_t i) {
  TorchValue &list = imp.lookup(node->input(i));
  SmallVector<Value> result;
  Location loc = imp.getLoc(node);
  auto add = [&](const TorchValue &e) -> LogicalResult {
    if (e.kind == TorchValue::Kind::Tensor) {
      result.push_back(e.tensor);
      return success();
    }
    if (e.kind == TorchValue::Kind::Constant && e.constant.isTensor()) {
      FailureOr<Value> v = imp.materialize(e.constant.toTensor(), loc);
      if (failed(v))
        return failure();
      result.push_back(*v);
      return success();
    }
    return imp.error(node, "expected a list of tensors");
  };
  if (list.kind == TorchValue::Kind::Sequence) {
    for (const TorchValue &e : list.elements)
      if (failed(add(e)))
        return failure();
  } else if (list.kind == TorchValue::Kind::Constant &&
             list.constant.isTensorList()) {
    for (const at::Tensor &t : list.constant.toTensorVector())
      if (failed(add(TorchValue::ofConstant(t))))
        return failure();
  } else {
    return imp.error(node, "expected a list of tensors");
  }
  return result;
}

/// aten::cat(tensors, dim), promoting to a common element type.
LogicalResult cat(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  FailureOr<SmallVector<Value>> inputs = tensorList(imp, node, 0);
  if (failed(inputs))
    return failure();
  if (!dim)
    return c.fail("dim must be known at import time");
  Type et = typeOf(inputs->front()).getElementType();
  for (Value &v : *inputs)
    v = imp.castTo(c.loc, v, et);
  return c.done(c.make<g::ConcatOp>(*inputs, {c.i64("axis", *dim)}));
}

/// aten::stack(tensors, dim): unsqueeze each, then concatenate.
LogicalResult stack(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  FailureOr<SmallVector<Value>> inputs = tensorList(imp, node, 0);
  if (failed(inputs))
    return failure();
  if (!dim)
    return c.fail("dim must be known at import time");
  int64_t axis = *dim < 0 ? *dim + typeOf(inputs->front()).getRank() + 1 : *dim;
  for (Value &v : *inputs) {
    FailureOr<Value> u = c.make<g::UnsqueezeOp>({v}, {c.array("axes", {axis})});
    if (failed(u))
      return failure();
    v = *u;
  }
  return c.done(c.make<g::ConcatOp>(*inputs, {c.i64("axis", axis)}));
}

/// aten::embedding(weight, indices, ...): a gather on axis 0.
LogicalResult embedding(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> table = imp.getTensor(node, 0), ids = imp.getTensor(node, 1);
  if (failed(table) || failed(ids))
    return failure();
  Type it = typeOf(*ids).getElementType();
  Value indices = *ids;
  if (!it.isInteger(64) && !it.isInteger(32))
    indices = imp.castTo(c.loc, indices, c.b.getI64Type());
  return c.done(c.make<g::GatherOp>({*table, indices}, {c.i64("axis", 0)}));
}

/// aten::index_select(input, dim, index).
LogicalResult indexSelect(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  FailureOr<Value> x = imp.getTensor(node, 0), ids = imp.getTensor(node, 2);
  if (failed(x) || failed(ids))
    return failure();
  if (!dim)
    return c.fail("dim must be known at import time");
  return c.done(c.make<g::GatherOp>({*x, *ids}, {c.i64("axis", *dim)}));
}

/// The dtype argument of aten::to / zeros_like / ..., or std::nullopt.
std::optional<Type> dtypeArg(Importer &imp, Node *node, StringRef name) {
  std::optional<size_t> index;
  const auto &args = node->schema().arguments();
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].name() == name)
      index = i;
  if (!index || imp.isNone(node, *index))
    return std::nullopt;
  std::optional<int64_t> dtype = imp.getInt(node, *index);
  if (!dtype)
    return Type();
  c10::ScalarType st = static_cast<c10::ScalarType>(*dtype);
  if (st == c10::ScalarType::Double)
    st = c10::ScalarType::Float;
  return getElementType(imp.getContext(), st);
}

/// aten::to in its overloads: to(dtype), to(device, dtype), to(other).
LogicalResult to(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  std::optional<Type> dtype = dtypeArg(imp, node, "dtype");
  if (!dtype) {
    // to(other, ...) takes other's dtype; to(device) changes nothing.
    const auto &args = node->schema().arguments();
    if (args.size() > 1 && args[1].name() == "other")
      dtype = elementTypeOf(imp, node, 1);
    else
      return identity(imp, node);
  }
  if (!*dtype)
    return c.fail("unsupported target dtype");
  return c.done(imp.castTo(c.loc, *x, *dtype));
}

LogicalResult typeAs(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  Type et = elementTypeOf(imp, node, 1);
  if (failed(x) || !et)
    return failure();
  return c.done(imp.castTo(c.loc, *x, et));
}

/// zeros_like / ones_like(input, dtype, ...): a splat of the input's shape.
LogicalResult fillLike(Importer &imp, Node *node, double value) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  std::optional<Type> dtype = dtypeArg(imp, node, "dtype");
  if (dtype && !*dtype)
    return c.fail("unsupported dtype");
  RankedTensorType xt = typeOf(*x);
  return c.done(imp.splat(
      c.loc, dtype ? xt.clone(*dtype) : xt, value));
}
LogicalResult zerosLike(Importer &imp, Node *node) {
  return fillLike(imp, node, 0.0);
}
LogicalResult onesLike(Importer &imp, Node *node) {
  return fillLike(imp, node, 1.0);
}

/// aten::expand(input, size, implicit): -1 keeps a dimension.
LogicalResult expand(Importer &imp, Node *node) {
  Ctx c(imp, node);
  auto size = imp.getIntList(node, 1);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  if (!size)
    return c.fail("size must be known at import time");
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  SmallVector<int64_t> shape(*size);
  int64_t offset = static_cast<int64_t>(shape.size()) - in.size();
  for (auto [i, d] : llvm::enumerate(shape))
    if (d == -1) {
      if (static_cast<int64_t>(i) < offset)
        return c.fail("-1 is not allowed for a new leading dimension");
      d = in[i - offset];
    }
  return c.done(c.make<g::ExpandOp>({*x}, {c.array("shape", shape)}));
}

LogicalResult expandAs(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0), other = imp.getTensor(node, 1);
  if (failed(x) || failed(other))
    return failure();
  return c.done(c.make<g::ExpandOp>(
      {*x}, {c.array("shape", typeOf(*other).getShape())}));
}

/// aten::where(condition, x, y).
LogicalResult where(Importer &imp, Node *node) {
  Ctx c(imp, node);
  Type et = promote(imp, node, 1, 2);
  FailureOr<Value> cond = imp.getTensor(node, 0, c.b.getI1Type());
  FailureOr<Value> x = imp.getTensor(node, 1, et), y = imp.getTensor(node, 2, et);
  if (failed(cond) || failed(x) || failed(y))
    return failure();
  return c.done(c.make<g::WhereOp>({*cond, *x, *y}));
}

/// aten::masked_fill(input, mask, value) = where(mask, value, input).
LogicalResult maskedFill(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  Type et = typeOf(*x).getElementType();
  FailureOr<Value> mask = imp.getTensor(node, 1, c.b.getI1Type());
  FailureOr<Value> value = imp.getTensor(node, 2, et);
  if (failed(mask) || failed(value))
    return failure();
  return c.done(c.make<g::WhereOp>({*mask, *value, *x}));
}

/// aten::split(input, split_size or sizes, dim) / aten::chunk / split_with_sizes.
LogicalResult splitInto(Importer &imp, Node *node, bool chunks) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  auto arg = imp.getIntList(node, 1);
  std::optional<int64_t> dim = imp.getInt(node, 2);
  auto axis = dim ? g::normalizeAxis(*dim, typeOf(*x).getRank()) : std::nullopt;
  if (!arg || !axis)
    return c.fail("split sizes and dim must be constant and in range");
  int64_t total = typeOf(*x).getDimSize(*axis);
  SmallVector<int64_t> sizes;
  bool single = node->input(1)->type()->kind() == c10::TypeKind::IntType;
  if (single || chunks) {
    int64_t n = arg->front();
    if (n < 1)
      return c.fail("split size must be positive");
    // chunk(n) uses ceil(total / n)-sized pieces; split(s) pieces of size s.
    int64_t piece = chunks ? (total + n - 1) / n : n;
    for (int64_t done = 0; done < total; done += piece)
      sizes.push_back(std::min(piece, total - done));
  } else {
    sizes = *arg;
  }
  FailureOr<Operation *> op = g::createInferred(
      c.b, c.loc, g::SplitOp::getOperationName(), {*x},
      {c.i64("axis", *axis), c.array("sizes", sizes)}, sizes.size());
  if (failed(op))
    return failure();
  TorchValue list;
  list.kind = TorchValue::Kind::Sequence;
  for (Value r : (*op)->getResults())
    list.elements.push_back(TorchValue::ofTensor(r));
  imp.lookup(node->output(0)) = list;
  return success();
}
LogicalResult split(Importer &imp, Node *node) { return splitInto(imp, node, false); }
LogicalResult chunk(Importer &imp, Node *node) { return splitInto(imp, node, true); }

//===----------------------------------------------------------------------===//
// Structure: lists, tuples, sizes
//===----------------------------------------------------------------------===//

/// prim::ListConstruct / prim::TupleConstruct: an IValue when every member
/// is known at import, otherwise a sequence with runtime members.
LogicalResult construct(Importer &imp, Node *node) {
  bool allConstant = llvm::all_of(node->inputs(), [&](torch::jit::Value *v) {
    return imp.lookup(v).kind == TorchValue::Kind::Constant;
  });
  if (allConstant) {
    std::vector<c10::IValue> elements;
    for (torch::jit::Value *in : node->inputs())
      elements.push_back(imp.lookup(in).constant);
    if (node->kind() == c10::prim::TupleConstruct) {
      imp.setConstant(node, 0, c10::ivalue::Tuple::create(std::move(elements)));
      return success();
    }
    auto listType = node->output()->type()->cast<c10::ListType>();
    if (!listType)
      return imp.error(node, "unexpected list type");
    c10::impl::GenericList list(listType->getElementType());
    for (c10::IValue &e : elements)
      list.push_back(std::move(e));
    imp.setConstant(node, 0, c10::IValue(std::move(list)));
    return success();
  }
  TorchValue seq;
  seq.kind = TorchValue::Kind::Sequence;
  for (torch::jit::Value *in : node->inputs())
    seq.elements.push_back(imp.lookup(in));
  imp.lookup(node->output(0)) = seq;
  return success();
}

/// Returns a constant list or tuple as a sequence of constants.
TorchValue asSequence(const TorchValue &v) {
  if (v.kind != TorchValue::Kind::Constant ||
      !(v.constant.isList() || v.constant.isTuple()))
    return v;
  TorchValue seq;
  seq.kind = TorchValue::Kind::Sequence;
  if (v.constant.isTuple())
    for (const c10::IValue &e : v.constant.toTupleRef().elements())
      seq.elements.push_back(TorchValue::ofConstant(e));
  else
    for (const c10::IValue &e : v.constant.toListRef())
      seq.elements.push_back(TorchValue::ofConstant(e));
  return seq;
}

/// prim::ListUnpack / prim::TupleUnpack.
LogicalResult unpack(Importer &imp, Node *node) {
  TorchValue seq = asSequence(imp.lookup(node->input(0)));
  if (seq.kind != TorchValue::Kind::Sequence ||
      seq.elements.size() != node->outputs().size())
    return imp.error(node, "cannot unpack this value");
  for (size_t i = 0; i < seq.elements.size(); ++i)
    imp.lookup(node->output(i)) = seq.elements[i];
  return success();
}

/// aten::__getitem__ / prim::TupleIndex with a constant index.
LogicalResult getItem(Importer &imp, Node *node) {
  TorchValue seq = asSequence(imp.lookup(node->input(0)));
  std::optional<int64_t> index = imp.getInt(node, 1);
  if (seq.kind != TorchValue::Kind::Sequence || !index)
    return imp.error(node, "indexing needs a list and a constant index");
  int64_t n = seq.elements.size();
  int64_t i = *index < 0 ? *index + n : *index;
  if (i < 0 || i >= n)
    return imp.error(node, "index " + Twine(*index) + " is out of range");
  imp.lookup(node->output(0)) = seq.elements[i];
  return success();
}

/// aten::size(input[, dim]), aten::dim, aten::numel on a runtime tensor:
/// static shapes make them constants.
LogicalResult size(Importer &imp, Node *node) {
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = typeOf(*x).getShape();
  if (node->inputs().size() == 1) {
    imp.setConstant(node, 0, c10::IValue(std::vector<int64_t>(shape.begin(), shape.end())));
    return success();
  }
  std::optional<int64_t> dim = imp.getInt(node, 1);
  auto axis = dim ? g::normalizeAxis(*dim, shape.size()) : std::nullopt;
  if (!axis)
    return imp.error(node, "dim must be constant and in range");
  imp.setConstant(node, 0, c10::IValue(shape[*axis]));
  return success();
}

LogicalResult dim(Importer &imp, Node *node) {
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  imp.setConstant(node, 0, c10::IValue(typeOf(*x).getRank()));
  return success();
}

LogicalResult numel(Importer &imp, Node *node) {
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  imp.setConstant(node, 0, c10::IValue(typeOf(*x).getNumElements()));
  return success();
}

} // namespace

/// In-place variants (relu_, add_) compute the same value; the importer
/// rebinds the mutated input to the result, as the traced code reads it.
template <Handler H>
static LogicalResult inPlace(Importer &imp, Node *node) {
  if (failed(H(imp, node)))
    return failure();
  imp.lookup(node->input(0)) = imp.lookup(node->output(0));
  return success();
}

const llvm::StringMap<Handler> &torchscript::getHandlers() {
  static const llvm::StringMap<Handler> handlers = [] {
    llvm::StringMap<Handler> h;
    h["aten::_convolution"] = underscoreConvolution;
    h["aten::abs"] = unary<g::AbsOp>;
    h["aten::adaptive_avg_pool2d"] = adaptiveAvgPool2d;
    h["aten::add"] = addSub<g::AddOp>;
    h["aten::add_"] = inPlace<addSub<g::AddOp>>;
    h["aten::addmm"] = addmm;
    h["aten::alpha_dropout"] = identity;
    h["aten::amax"] = reduce<g::ReduceMaxOp>;
    h["aten::avg_pool2d"] = avgPool2d;
    h["aten::batch_norm"] = batchNorm;
    h["aten::bmm"] = matmul;
    h["aten::cat"] = cat;
    h["aten::chunk"] = chunk;
    h["aten::clamp"] = clamp;
    h["aten::clone"] = identity;
    h["aten::contiguous"] = identity;
    h["aten::conv2d"] = conv2d;
    h["aten::detach"] = identity;
    h["aten::dim"] = dim;
    h["aten::div"] = divide;
    h["aten::div_"] = inPlace<divide>;
    h["aten::dropout"] = identity;
    h["aten::embedding"] = embedding;
    h["aten::erf"] = unary<g::ErfOp>;
    h["aten::exp"] = unary<g::ExpOp>;
    h["aten::expand"] = expand;
    h["aten::expand_as"] = expandAs;
    h["aten::feature_dropout"] = identity;
    h["aten::flatten"] = flatten;
    h["aten::gelu"] = gelu;
    h["aten::hardtanh"] = hardtanh;
    h["aten::hardtanh_"] = inPlace<hardtanh>;
    h["aten::index_select"] = indexSelect;
    h["aten::layer_norm"] = layerNorm;
    h["aten::linear"] = linear;
    h["aten::log"] = unary<g::LogOp>;
    h["aten::masked_fill"] = maskedFill;
    h["aten::matmul"] = matmul;
    h["aten::max_pool2d"] = maxPool2d;
    h["aten::maximum"] = binary<g::MaxOp>;
    h["aten::mean"] = reduce<g::ReduceMeanOp>;
    h["aten::minimum"] = binary<g::MinOp>;
    h["aten::mm"] = matmul;
    h["aten::mul"] = binary<g::MulOp>;
    h["aten::mul_"] = inPlace<binary<g::MulOp>>;
    h["aten::neg"] = unary<g::NegOp>;
    h["aten::numel"] = numel;
    h["aten::ones_like"] = onesLike;
    h["aten::permute"] = permute;
    h["aten::pow"] = binary<g::PowOp>;
    h["aten::reciprocal"] = unary<g::ReciprocalOp>;
    h["aten::relu"] = unary<g::ReluOp>;
    h["aten::relu6"] = relu6;
    h["aten::relu_"] = inPlace<unary<g::ReluOp>>;
    h["aten::reshape"] = view;
    h["aten::rsqrt"] = rsqrt;
    h["aten::rsub"] = rsub;
    h["aten::select"] = select;
    h["aten::sigmoid"] = unary<g::SigmoidOp>;
    h["aten::size"] = size;
    h["aten::slice"] = slice;
    h["aten::softmax"] = softmax;
    h["aten::split"] = split;
    h["aten::split_with_sizes"] = split;
    h["aten::sqrt"] = unary<g::SqrtOp>;
    h["aten::squeeze"] = squeeze;
    h["aten::stack"] = stack;
    h["aten::sub"] = addSub<g::SubOp>;
    h["aten::sub_"] = inPlace<addSub<g::SubOp>>;
    h["aten::sum"] = reduce<g::ReduceSumOp>;
    h["aten::t"] = transpose;
    h["aten::tanh"] = unary<g::TanhOp>;
    h["aten::to"] = to;
    h["aten::transpose"] = transpose;
    h["aten::type_as"] = typeAs;
    h["aten::unsqueeze"] = unsqueeze;
    h["aten::view"] = view;
    h["aten::where"] = where;
    h["aten::zeros_like"] = zerosLike;
    h["aten::__getitem__"] = getItem;
    h["prim::ListConstruct"] = construct;
    h["prim::ListUnpack"] = unpack;
    h["prim::TupleConstruct"] = construct;
    h["prim::TupleIndex"] = getItem;
    h["prim::TupleUnpack"] = unpack;
    return h;
  }();
  return handlers;
}
