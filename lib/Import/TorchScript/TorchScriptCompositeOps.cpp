//===- TorchScriptCompositeOps.cpp - ops lowered to several graph ops -----===//
//
// aten::pad / aten::constant_pad_nd as concatenations with fill blocks
// (constant mode) or slices (reflect, replicate, circular), aten::roll as
// concatenations of slices, aten::flip as a slice with step -1, triu / tril
// as a where by a constant mask, group_norm and instance_norm as reductions, einsum (one or two operands) as a batched
// matmul between transposes, upsample_nearest2d / upsample_bilinear2d as
// repeats or matmuls by constant resampling matrices, and aten::_native_multi_head_attention (the fast path that
// nn.MultiheadAttention takes in eval mode under no_grad, e.g. torchvision's
// ViT) as projections, per-head attention and the output projection, and
// aten::_transformer_encoder_layer_fwd (nn.TransformerEncoderLayer's) as
// that attention with layer norms and the feed-forward network.
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

using namespace neuron;
using namespace neuron::torchscript;
using namespace neuron::torchscript::detail;

namespace {

/// Pads `x` with `value`; `pad` lists (before, after) pairs from the last
/// dimension backwards, as torch.nn.functional.pad. Negative amounts crop.
/// PyTorch's pad list (last dimension first, before / after pairs) as
/// amounts per dimension.
LogicalResult padAmounts(Ctx &c, int64_t rank, ArrayRef<int64_t> pad,
                         SmallVector<int64_t> &before, SmallVector<int64_t> &after) {
  if (pad.size() % 2 != 0 || int64_t(pad.size()) > 2 * rank)
    return c.fail("pad has " + std::to_string(pad.size()) +
                  " values; expected an even number, at most twice the rank " +
                  std::to_string(rank));
  before.assign(rank, 0);
  after.assign(rank, 0);
  for (size_t i = 0; i < pad.size() / 2; ++i) {
    before[rank - 1 - i] = pad[2 * i];
    after[rank - 1 - i] = pad[2 * i + 1];
  }
  return success();
}

LogicalResult padConstant(Ctx &c, Value x, ArrayRef<int64_t> pad, double value) {
  RankedTensorType xt = typeOf(x);
  SmallVector<int64_t> before, after;
  if (failed(padAmounts(c, xt.getRank(), pad, before, after)))
    return failure();
  Type et = xt.getElementType();
  Attribute fill = isa<FloatType>(et) ? Attribute(c.b.getFloatAttr(et, value))
                   : et.isInteger(1)  ? Attribute(c.b.getBoolAttr(value != 0))
                                      : Attribute(c.b.getIntegerAttr(et, int64_t(value)));
  return c.done(g::createConstantPad(c.b, c.loc, x, before, after, fill));
}

/// aten::pad(input, pad, mode="constant", value=None).
LogicalResult pad(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<SmallVector<int64_t>> amounts = imp.getIntList(node, 1);
  if (!amounts)
    return c.fail("pad must be a list of ints known at import time");
  std::optional<std::string> mode = imp.getString(node, 2);
  if (!mode)
    return c.fail("mode must be a string known at import time");
  if (*mode != "constant") {
    std::optional<g::BorderPad> border = *mode == "reflect"     ? std::optional(g::BorderPad::Reflect)
                                         : *mode == "replicate" ? std::optional(g::BorderPad::Edge)
                                         : *mode == "circular"  ? std::optional(g::BorderPad::Wrap)
                                                                : std::nullopt;
    if (!border)
      return c.fail("padding mode '" + *mode +
                    "' is not constant, reflect, replicate or circular");
    FailureOr<Value> x = imp.getTensor(node, 0);
    if (failed(x))
      return failure();
    SmallVector<int64_t> before, after;
    if (failed(padAmounts(c, typeOf(*x).getRank(), *amounts, before, after)))
      return failure();
    return c.done(g::createBorderPad(c.b, c.loc, *x, before, after, *border));
  }
  double value = 0;
  if (node->inputs().size() > 3 && !imp.isNone(node, 3)) {
    std::optional<double> v = imp.getDouble(node, 3);
    if (!v)
      return c.fail("value must be a number known at import time");
    value = *v;
  }
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return padConstant(c, *x, *amounts, value);
}

/// aten::constant_pad_nd(input, pad, value=0).
LogicalResult constantPadNd(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<SmallVector<int64_t>> amounts = imp.getIntList(node, 1);
  if (!amounts)
    return c.fail("pad must be a list of ints known at import time");
  std::optional<double> value = imp.getDouble(node, 2);
  if (!value)
    return c.fail("value must be a number known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return padConstant(c, *x, *amounts, *value);
}

/// aten::roll(input, shifts, dims=[]): per dimension, the last `shift`
/// elements move to the front (a concatenation of two slices). Without dims
/// the flattened tensor is rolled.
LogicalResult roll(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<SmallVector<int64_t>> shifts = imp.getIntList(node, 1), dims = imp.getIntList(node, 2);
  if (!shifts || !dims)
    return c.fail("shifts and dims must be lists of ints known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  RankedTensorType xt = typeOf(*x);
  Value cur = *x;
  bool flat = dims->empty();
  if (flat) {
    if (shifts->size() != 1)
      return c.fail("without dims, shifts must have one value");
    cur = g::ReshapeOp::create(
        c.b, c.loc, RankedTensorType::get({xt.getNumElements()}, xt.getElementType()), cur);
    dims->push_back(0);
  }
  if (shifts->size() != dims->size())
    return c.fail("shifts and dims differ in length");
  for (auto [shift, d] : llvm::zip(*shifts, *dims)) {
    RankedTensorType t = typeOf(cur);
    std::optional<int64_t> dim = g::normalizeAxis(d, t.getRank());
    if (!dim)
      return c.fail("dim " + std::to_string(d) + " is out of range for rank " +
                    std::to_string(t.getRank()));
    int64_t n = t.getDimSize(*dim);
    int64_t s = n == 0 ? 0 : ((shift % n) + n) % n;
    if (s == 0)
      continue;
    FailureOr<Value> tail = c.make<g::SliceOp>(
        {cur}, {c.array("starts", {n - s}), c.array("ends", {n}), c.array("axes", {*dim})});
    FailureOr<Value> head = c.make<g::SliceOp>(
        {cur}, {c.array("starts", {0}), c.array("ends", {n - s}), c.array("axes", {*dim})});
    if (failed(tail) || failed(head))
      return failure();
    FailureOr<Value> joined = c.make<g::ConcatOp>({*tail, *head}, {c.i64("axis", *dim)});
    if (failed(joined))
      return failure();
    cur = *joined;
  }
  if (flat)
    cur = g::ReshapeOp::create(c.b, c.loc, xt, cur);
  return c.done(cur);
}

/// aten::triu / aten::tril(input, diagonal=0): graph::createTriangular.
template <bool Upper> LogicalResult triangle(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> k = imp.getInt(node, 1);
  if (!k)
    return c.fail("diagonal must be an int known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return c.done(g::createTriangular(c.b, c.loc, *x, *k, Upper));
}

/// Builds activations for one node on a float tensor (an integer one is
/// cast to f32, as torch promotes it), with scalars of its element type.
struct Act {
  Ctx &c;
  Value x;
  Value scalar(double v) {
    return c.imp.splat(c.loc, RankedTensorType::get({}, typeOf(x).getElementType()), v);
  }
  template <typename OpTy> FailureOr<Value> un(FailureOr<Value> a) {
    if (failed(a))
      return failure();
    return c.make<OpTy>({*a});
  }
  template <typename OpTy> FailureOr<Value> bin(FailureOr<Value> a, FailureOr<Value> b) {
    if (failed(a) || failed(b))
      return failure();
    return c.make<OpTy>({*a, *b});
  }
  template <typename OpTy> FailureOr<Value> withScalar(FailureOr<Value> a, double v) {
    return bin<OpTy>(a, scalar(v));
  }
  /// relu(x) + alpha * (exp(min(x, 0) * inputScale) - 1).
  FailureOr<Value> elu(double alpha, double inputScale) {
    FailureOr<Value> n = withScalar<g::MinOp>(x, 0.0);
    if (inputScale != 1.0)
      n = withScalar<g::MulOp>(n, inputScale);
    FailureOr<Value> e = withScalar<g::SubOp>(un<g::ExpOp>(n), 1.0);
    return bin<g::AddOp>(un<g::ReluOp>(x), withScalar<g::MulOp>(e, alpha));
  }
  /// log(1 + exp(x)) as relu(x) + log(1 + exp(-|x|)) (no overflow).
  FailureOr<Value> softplus(Value v) {
    FailureOr<Value> negAbs = un<g::NegOp>(un<g::AbsOp>(v));
    FailureOr<Value> log = un<g::LogOp>(withScalar<g::AddOp>(un<g::ExpOp>(negAbs), 1.0));
    return bin<g::AddOp>(un<g::ReluOp>(v), log);
  }
};

FailureOr<Value> floatInput(Ctx &c, size_t i) {
  FailureOr<Value> x = c.imp.getTensor(c.node, i);
  if (failed(x))
    return failure();
  if (!isa<FloatType>(typeOf(*x).getElementType()))
    return c.imp.castTo(c.loc, *x, c.b.getF32Type());
  return *x;
}

/// aten::leaky_relu(x, negative_slope=0.01): relu(x) + slope * min(x, 0).
LogicalResult leakyRelu(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<double> slope =
      node->inputs().size() > 1 ? imp.getDouble(node, 1) : std::optional<double>(0.01);
  if (!slope)
    return c.fail("negative_slope must be a number known at import time");
  FailureOr<Value> x = floatInput(c, 0);
  if (failed(x))
    return failure();
  Act a{c, *x};
  FailureOr<Value> scaled = a.withScalar<g::MulOp>(a.withScalar<g::MinOp>(*x, 0.0), *slope);
  return c.done(a.bin<g::AddOp>(a.un<g::ReluOp>(*x), scaled));
}

/// aten::elu(x, alpha=1, scale=1, input_scale=1) and selu(x), whose alpha and
/// scale are fixed.
template <bool Selu> LogicalResult elu(Importer &imp, Node *node) {
  Ctx c(imp, node);
  double alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946,
         inputScale = 1.0;
  if (!Selu) {
    std::optional<double> a = imp.getDouble(node, 1), s = imp.getDouble(node, 2),
                          is = imp.getDouble(node, 3);
    if (!a || !s || !is)
      return c.fail("alpha, scale and input_scale must be numbers known at import time");
    alpha = *a, scale = *s, inputScale = *is;
  }
  FailureOr<Value> x = floatInput(c, 0);
  if (failed(x))
    return failure();
  Act a{c, *x};
  FailureOr<Value> y = a.elu(alpha, inputScale);
  return c.done(scale == 1.0 ? y : a.withScalar<g::MulOp>(y, scale));
}

/// aten::celu(x, alpha=1): relu(x) + alpha * (exp(min(x, 0) / alpha) - 1).
LogicalResult celu(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<double> alpha = imp.getDouble(node, 1);
  if (!alpha || *alpha == 0)
    return c.fail("alpha must be a nonzero number known at import time");
  FailureOr<Value> x = floatInput(c, 0);
  if (failed(x))
    return failure();
  Act a{c, *x};
  return c.done(a.elu(*alpha, 1.0 / *alpha));
}

/// aten::softplus(x, beta=1, threshold=20): softplus(beta x) / beta, in the
/// overflow-free form (above the threshold both are x to float precision).
LogicalResult softplus(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<double> beta = imp.getDouble(node, 1);
  if (!beta || *beta == 0)
    return c.fail("beta must be a nonzero number known at import time");
  FailureOr<Value> x = floatInput(c, 0);
  if (failed(x))
    return failure();
  Act a{c, *x};
  FailureOr<Value> bx = *beta == 1.0 ? FailureOr<Value>(*x) : a.withScalar<g::MulOp>(*x, *beta);
  if (failed(bx))
    return failure();
  FailureOr<Value> y = a.softplus(*bx);
  return c.done(*beta == 1.0 ? y : a.withScalar<g::DivOp>(y, *beta));
}

/// aten::mish(x) = x * tanh(softplus(x)) (YOLOv4).
LogicalResult mish(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = floatInput(c, 0);
  if (failed(x))
    return failure();
  Act a{c, *x};
  return c.done(a.bin<g::MulOp>(*x, a.un<g::TanhOp>(a.softplus(*x))));
}

/// aten::prelu(x, weight): relu(x) + w * min(x, 0), w ([C] or [1]) along
/// axis 1.
LogicalResult prelu(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = floatInput(c, 0), w = c.imp.getTensor(node, 1);
  if (failed(x) || failed(w))
    return failure();
  RankedTensorType xt = typeOf(*x), wt = typeOf(*w);
  int64_t n = wt.getNumElements();
  if (wt.getRank() > 1 || (n != 1 && (xt.getRank() < 2 || xt.getDimSize(1) != n)))
    return c.fail("weight of " + std::to_string(n) +
                  " values must have one value or one per channel (axis 1)");
  Value slope = *w;
  if (n != 1) {
    SmallVector<int64_t> shape(xt.getRank() - 1, 1);
    shape[0] = n;
    slope = g::reshapeParameter(c.b, c.loc, slope, shape, "prelu");
  } else {
    slope = g::reshapeParameter(c.b, c.loc, slope, {}, "prelu");
  }
  Act a{c, *x};
  FailureOr<Value> neg = a.bin<g::MulOp>(a.withScalar<g::MinOp>(*x, 0.0), slope);
  return c.done(a.bin<g::AddOp>(a.un<g::ReluOp>(*x), neg));
}

/// aten::log_softmax(x, dim, dtype?): (x - max) - log(sum(exp(x - max))).
LogicalResult logSoftmax(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  if (!dim)
    return c.fail("dim must be known at import time");
  FailureOr<Value> x = floatInput(c, 0);
  if (failed(x))
    return failure();
  std::optional<int64_t> axis = g::normalizeAxis(*dim, typeOf(*x).getRank());
  if (!axis)
    return c.fail("dim " + std::to_string(*dim) + " is out of range");
  if (node->inputs().size() > 2 && !imp.isNone(node, 2))
    return c.fail("log_softmax with a dtype is not supported");
  Act a{c, *x};
  SmallVector<NamedAttribute> attrs = {c.array("axes", {*axis}), c.flag("keepdims", true)};
  FailureOr<Value> max = c.make<g::ReduceMaxOp>({*x}, attrs);
  FailureOr<Value> shifted = a.bin<g::SubOp>(*x, max);
  FailureOr<Value> e = a.un<g::ExpOp>(shifted);
  if (failed(e))
    return failure();
  FailureOr<Value> sum = c.make<g::ReduceSumOp>({*e}, attrs);
  return c.done(a.bin<g::SubOp>(shifted, a.un<g::LogOp>(sum)));
}

/// aten::glu(x, dim=-1): first half * sigmoid(second half) along dim.
LogicalResult glu(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  FailureOr<Value> x = floatInput(c, 0);
  if (!dim || failed(x))
    return dim ? failure() : c.fail("dim must be known at import time");
  RankedTensorType xt = typeOf(*x);
  std::optional<int64_t> axis = g::normalizeAxis(*dim, xt.getRank());
  if (!axis || xt.getDimSize(*axis) % 2 != 0)
    return c.fail("dim " + std::to_string(*dim) + " is out of range or of odd size");
  int64_t half = xt.getDimSize(*axis) / 2;
  FailureOr<Value> first = c.make<g::SliceOp>(
      {*x}, {c.array("starts", {0}), c.array("ends", {half}), c.array("axes", {*axis})});
  FailureOr<Value> second = c.make<g::SliceOp>(
      {*x}, {c.array("starts", {half}), c.array("ends", {2 * half}), c.array("axes", {*axis})});
  Act a{c, *x};
  return c.done(a.bin<g::MulOp>(first, a.un<g::SigmoidOp>(second)));
}

/// aten::square(x) = x * x; log2 / log10 as log(x) / log(base).
LogicalResult square(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return c.done(c.make<g::MulOp>({*x, *x}));
}
template <int Base> LogicalResult logBase(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = floatInput(c, 0);
  if (failed(x))
    return failure();
  Act a{c, *x};
  return c.done(a.withScalar<g::DivOp>(a.un<g::LogOp>(*x), std::log(double(Base))));
}

/// aten::baddbmm(input, batch1, batch2, beta=1, alpha=1): beta * input +
/// alpha * (batch1 @ batch2) (BLOOM's and Falcon's attention scores).
LogicalResult baddbmm(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<double> beta = imp.getDouble(node, 3), alpha = imp.getDouble(node, 4);
  if (!beta || !alpha)
    return c.fail("beta and alpha must be numbers known at import time");
  FailureOr<Value> in = imp.getTensor(node, 0), b1 = imp.getTensor(node, 1),
                   b2 = imp.getTensor(node, 2);
  if (failed(in) || failed(b1) || failed(b2))
    return failure();
  Act a{c, *b1};
  FailureOr<Value> product = c.make<g::MatMulOp>({*b1, *b2});
  if (*alpha != 1.0)
    product = a.withScalar<g::MulOp>(product, *alpha);
  if (*beta == 0.0)
    return c.done(product);
  FailureOr<Value> scaled = *beta == 1.0 ? FailureOr<Value>(*in) : a.withScalar<g::MulOp>(*in, *beta);
  return c.done(a.bin<g::AddOp>(scaled, product));
}

/// aten::logsumexp(x, dim, keepdim=False): max + log(sum(exp(x - max))).
LogicalResult logsumexp(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<SmallVector<int64_t>> dims = imp.getIntList(node, 1);
  std::optional<bool> keepdim = imp.getBool(node, 2);
  if (!dims || !keepdim)
    return c.fail("dim and keepdim must be known at import time");
  FailureOr<Value> x = floatInput(c, 0);
  if (failed(x))
    return failure();
  RankedTensorType xt = typeOf(*x);
  SmallVector<int64_t> axes;
  for (int64_t d : *dims) {
    std::optional<int64_t> axis = g::normalizeAxis(d, xt.getRank());
    if (!axis)
      return c.fail("dim " + std::to_string(d) + " is out of range");
    axes.push_back(*axis);
  }
  Act a{c, *x};
  SmallVector<NamedAttribute> keep = {c.array("axes", axes), c.flag("keepdims", true)};
  FailureOr<Value> max = c.make<g::ReduceMaxOp>({*x}, keep);
  FailureOr<Value> e = a.un<g::ExpOp>(a.bin<g::SubOp>(*x, max));
  if (failed(e))
    return failure();
  FailureOr<Value> sum = c.make<g::ReduceSumOp>({*e}, keep);
  FailureOr<Value> y = a.bin<g::AddOp>(a.un<g::LogOp>(sum), max);
  if (failed(y) || *keepdim)
    return c.done(y);
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < xt.getRank(); ++d)
    if (!llvm::is_contained(axes, d) && !axes.empty())
      shape.push_back(xt.getDimSize(d));
  return c.done(
      g::ReshapeOp::create(c.b, c.loc, RankedTensorType::get(shape, xt.getElementType()), *y)
          .getResult());
}

/// aten::flip(input, dims): a slice with step -1 along each dim.
LogicalResult flip(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<SmallVector<int64_t>> dims = imp.getIntList(node, 1);
  if (!dims)
    return c.fail("dims must be a list of ints known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  SmallVector<int64_t> axes;
  for (int64_t d : *dims) {
    std::optional<int64_t> dim = g::normalizeAxis(d, rank);
    if (!dim || llvm::is_contained(axes, *dim))
      return c.fail("dim " + std::to_string(d) + " is out of range or repeated for rank " +
                    std::to_string(rank));
    axes.push_back(*dim);
  }
  if (axes.empty())
    return c.done(*x);
  SmallVector<int64_t> starts(axes.size(), -1), steps(axes.size(), -1),
      ends(axes.size(), std::numeric_limits<int64_t>::min());
  return c.done(c.make<g::SliceOp>({*x}, {c.array("starts", starts), c.array("ends", ends),
                                          c.array("axes", axes), c.array("steps", steps)}));
}

/// aten::new_zeros / new_ones / new_empty(self, size, dtype?, ...) and
/// new_full(self, size, fill_value, dtype?, ...): an import-time constant
/// (only self's dtype matters), so that writes into it (Swin's attention
/// mask: slices filled in place) are evaluated at import as well.
LogicalResult newFilled(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<SmallVector<int64_t>> size = imp.getIntList(node, 1);
  if (!size)
    return c.fail("size must be a list of ints known at import time");
  for (int64_t d : *size)
    if (d < 0 || d > (int64_t(1) << 24))
      return c.fail("size " + std::to_string(d) + " is negative or too large for an import-time constant");
  double value = 0;
  StringRef kind = node->kind().toQualString();
  if (kind == "aten::new_ones")
    value = 1;
  else if (kind == "aten::new_full") {
    std::optional<double> v = imp.getDouble(node, 2);
    if (!v)
      return c.fail("fill_value must be a number known at import time");
    value = *v;
  }
  Type et = elementTypeOf(imp, node, 0);
  const auto &args = node->schema().arguments();
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].name() == "dtype" && !imp.isNone(node, i)) {
      std::optional<int64_t> dtype = imp.getInt(node, i);
      et = dtype ? getElementType(imp.getContext(), static_cast<c10::ScalarType>(*dtype))
                 : Type();
    }
  if (!et)
    return c.fail("unsupported dtype");
  at::Tensor t = at::full(at::IntArrayRef(size->data(), size->size()), value,
                          at::TensorOptions().dtype(getScalarType(et)));
  imp.setConstant(node, 0, t);
  return success();
}

/// Group normalization (graph::createGroupNorm) with the per-channel
/// weight and bias of inputs `wi` and `bi` (None skips them).
LogicalResult groupNormalize(Ctx &c, Value x, int64_t groups, size_t wi, size_t bi,
                             double eps) {
  Value params[2];
  for (int k = 0; k < 2; ++k) {
    size_t i = k == 0 ? wi : bi;
    if (c.imp.isNone(c.node, i))
      continue;
    FailureOr<Value> p = c.imp.getTensor(c.node, i);
    if (failed(p))
      return failure();
    params[k] = *p;
  }
  return c.done(g::createGroupNorm(c.b, c.loc, x, groups, eps, params[0], params[1]));
}

/// aten::group_norm(input, num_groups, weight?, bias?, eps, cudnn_enabled).
LogicalResult groupNorm(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> groups = imp.getInt(node, 1);
  std::optional<double> eps = imp.getDouble(node, 4);
  if (!groups || !eps)
    return c.fail("num_groups and eps must be known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return groupNormalize(c, *x, *groups, 2, 3, *eps);
}

/// aten::instance_norm(input, weight?, bias?, running_mean?, running_var?,
/// use_input_stats, momentum, eps, cudnn_enabled): a group norm with one
/// channel per group when it uses the input's statistics (the default).
LogicalResult instanceNorm(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<bool> useInputStats = imp.getBool(node, 5);
  std::optional<double> eps = imp.getDouble(node, 7);
  if (!useInputStats || !eps)
    return c.fail("use_input_stats and eps must be known at import time");
  if (!*useInputStats)
    return c.fail("unsupported: instance norm with running statistics "
                  "(track_running_stats=True in eval mode)");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  if (typeOf(*x).getRank() < 2)
    return c.fail("expects an input of rank 2 or more");
  return groupNormalize(c, *x, typeOf(*x).getDimSize(1), 1, 2, *eps);
}

/// aten::einsum(equation, tensors, path=None): graph::createEinsum.
LogicalResult einsum(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<std::string> given = imp.getString(node, 0);
  if (!given)
    return c.fail("the equation must be a string known at import time");
  Node *listNode = node->input(1)->node();
  if (listNode->kind() != c10::prim::ListConstruct)
    return c.fail("the operands must be a list built in the model");
  SmallVector<Value> xs;
  for (size_t i = 0; i < listNode->inputs().size(); ++i) {
    FailureOr<Value> x = imp.getTensor(listNode, i);
    if (failed(x))
      return failure();
    xs.push_back(*x);
  }
  return c.done(g::createEinsum(c.b, c.loc, *given, xs));
}

/// The vector p-norm of x over `dims` (all when empty): p = 2 is
/// sqrt(sum(x * x)), p = 1 sum(|x|), p = inf reduce_max(|x|).
LogicalResult vectorNorm(Ctx &c, Value x, double p, SmallVector<int64_t> dims, bool keepdim) {
  int64_t rank = typeOf(x).getRank();
  if (dims.empty())
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(d);
  for (int64_t &d : dims) {
    std::optional<int64_t> n = g::normalizeAxis(d, rank);
    if (!n)
      return c.fail("dim " + std::to_string(d) + " is out of range for rank " + std::to_string(rank));
    d = *n;
  }
  SmallVector<NamedAttribute> attrs = {c.array("axes", dims), c.flag("keepdims", keepdim)};
  if (p == 2) {
    FailureOr<Value> sq = c.make<g::MulOp>({x, x});
    if (failed(sq))
      return failure();
    FailureOr<Value> sum = c.make<g::ReduceSumOp>({*sq}, attrs);
    if (failed(sum))
      return failure();
    return c.done(c.make<g::SqrtOp>({*sum}));
  }
  if (p == 1 || std::isinf(p)) {
    FailureOr<Value> a = c.make<g::AbsOp>({x});
    if (failed(a))
      return failure();
    return c.done(p == 1 ? c.make<g::ReduceSumOp>({*a}, attrs) : c.make<g::ReduceMaxOp>({*a}, attrs));
  }
  return c.fail("unsupported: a vector norm of order " + std::to_string(p) +
                " (1, 2 and inf are supported)");
}

/// aten::norm(self, p, dim, keepdim[, dtype]) and aten::norm(self, p=2).
LogicalResult norm(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<double> p = 2.0;
  if (node->inputs().size() > 1 && !imp.isNone(node, 1))
    p = imp.getDouble(node, 1);
  SmallVector<int64_t> dims;
  bool keepdim = false;
  if (node->inputs().size() > 3) {
    std::optional<SmallVector<int64_t>> d = imp.getIntList(node, 2);
    std::optional<bool> k = imp.getBool(node, 3);
    if (!d || !k)
      return c.fail("dim and keepdim must be known at import time");
    dims = *d;
    keepdim = *k;
  }
  if (!p)
    return c.fail("p must be a number known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return vectorNorm(c, *x, *p, dims, keepdim);
}

/// aten::frobenius_norm(self, dim, keepdim): the 2-norm over `dim`.
LogicalResult frobeniusNorm(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<SmallVector<int64_t>> dims = imp.getIntList(node, 1);
  std::optional<bool> keepdim = imp.getBool(node, 2);
  if (!dims || !keepdim)
    return c.fail("dim and keepdim must be known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return vectorNorm(c, *x, 2.0, *dims, *keepdim);
}

/// aten::linalg_vector_norm(self, ord=2, dim=None, keepdim=False, dtype=None).
LogicalResult linalgVectorNorm(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<double> p = imp.getDouble(node, 1);
  std::optional<bool> keepdim = imp.getBool(node, 3);
  SmallVector<int64_t> dims;
  if (!imp.isNone(node, 2)) {
    std::optional<SmallVector<int64_t>> d = imp.getIntList(node, 2);
    if (!d)
      return c.fail("dim must be known at import time");
    dims = *d;
  }
  if (!p || !keepdim)
    return c.fail("ord and keepdim must be known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return vectorNorm(c, *x, *p, dims, *keepdim);
}

/// aten::clamp_min(self, min) / clamp_max(self, max) with a number bound.
LogicalResult clampOneSide(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<double> bound = imp.getDouble(node, 1);
  if (!bound)
    return c.fail("the bound must be a number known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  bool isMin = StringRef(node->kind().toQualString()).starts_with("aten::clamp_min");
  return c.done(c.make<g::ClipOp>({*x}, {c.f32(isMin ? "min" : "max", *bound)}));
}

/// aten::upsample_nearest2d.vec(input, output_size?, scale_factors?) and
/// aten::upsample_bilinear2d.vec(input, output_size?, align_corners,
/// scale_factors?). Nearest at integer factors repeats rows and columns
/// (reshape, expand, reshape); otherwise each spatial axis is a matmul by a
/// constant resampling matrix (the transposes fold into the matmul).
LogicalResult upsample2d(Importer &imp, Node *node) {
  Ctx c(imp, node);
  bool linear = StringRef(node->kind().toQualString()) == "aten::upsample_bilinear2d";
  size_t scalesAt = linear ? 3 : 2;
  if (node->inputs().size() != scalesAt + 1)
    return c.fail("unsupported overload (expected the .vec form: output_size, " +
                  std::string(linear ? "align_corners, " : "") + "scale_factors)");
  bool alignCorners = false;
  if (linear) {
    std::optional<bool> a = imp.getBool(node, 2);
    if (!a)
      return c.fail("align_corners must be known at import time");
    alignCorners = *a;
  }
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  RankedTensorType xt = typeOf(*x);
  if (xt.getRank() != 4 || !isa<FloatType>(xt.getElementType()))
    return c.fail("expects a 4-D float input");
  int64_t in[2] = {xt.getDimSize(2), xt.getDimSize(3)}, out[2];
  double scale[2];
  std::optional<SmallVector<int64_t>> size;
  if (!imp.isNone(node, 1) && !(size = imp.getIntList(node, 1)))
    return c.fail("output_size must be known at import time");
  TorchValue &sv = imp.lookup(node->input(scalesAt));
  std::vector<double> factors;
  if (!imp.isNone(node, scalesAt)) {
    if (sv.kind != TorchValue::Kind::Constant || !sv.constant.isDoubleList())
      return c.fail("scale_factors must be known at import time");
    for (double f : sv.constant.toDoubleList())
      factors.push_back(f);
  }
  if ((size && size->size() != 2) || (!size && factors.size() != 2))
    return c.fail("needs two output sizes or two scale factors");
  for (int i = 0; i < 2; ++i) {
    if (size) {
      out[i] = (*size)[i];
      scale[i] = out[i] > 0 ? double(in[i]) / double(out[i]) : 0;
    } else {
      if (!(factors[i] > 0) || factors[i] > 4096)
        return c.fail("scale factor " + std::to_string(factors[i]) + " is not in (0, 4096]");
      out[i] = int64_t(std::floor(double(in[i]) * factors[i]));
      scale[i] = 1.0 / factors[i];
    }
    if (out[i] <= 0 || out[i] > (int64_t(1) << 16) || in[i] <= 0)
      return c.fail("output size " + std::to_string(out[i]) + " is out of range");
  }
  // PyTorch's source indices: nearest is floorf(dst * scale) in float
  // (UpSample.h's nearest_idx); linear is (dst + 0.5) * scale - 0.5
  // clamped at 0, or dst * (in - 1) / (out - 1) with align_corners.
  auto source = [&](int axis, int64_t o) -> double {
    if (!linear)
      return std::floor(float(o) * float(scale[axis]));
    if (alignCorners)
      return out[axis] > 1 ? o * double(in[axis] - 1) / double(out[axis] - 1) : 0.0;
    return std::max(0.0, (o + 0.5) * scale[axis] - 0.5);
  };
  return c.done(g::createResample2d(c.b, c.loc, *x, {out[0], out[1]}, source, linear,
                                    g::ResampleNearest::Floor));
}

/// Rows [begin, end) of the import-time tensor input `i` as a weight.
FailureOr<Value> weightRows(Ctx &c, size_t i, int64_t begin, int64_t end) {
  TorchValue &v = c.imp.lookup(c.node->input(i));
  if (v.kind != TorchValue::Kind::Constant || !v.constant.isTensor())
    return c.fail("the projection weights and biases must be parameters known at import time");
  at::Tensor t = v.constant.toTensor();
  if (t.dim() < 1 || t.size(0) < end)
    return c.fail("a projection weight or bias has too few rows");
  return c.imp.materialize(t.slice(0, begin, end), c.loc);
}

/// x [B, L, E] -> x W^T + b.
FailureOr<Value> project(Ctx &c, Value x, Value w, Value bias) {
  RankedTensorType xt = typeOf(x);
  int64_t rows = xt.getDimSize(0) * xt.getDimSize(1), e = xt.getDimSize(2);
  Value flat = g::ReshapeOp::create(c.b, c.loc,
                                    RankedTensorType::get({rows, e}, xt.getElementType()), x);
  FailureOr<Value> y = c.make<g::GemmOp>({flat, w, bias}, {c.flag("trans_b", true)});
  if (failed(y))
    return failure();
  int64_t n = typeOf(*y).getDimSize(1);
  return g::ReshapeOp::create(
             c.b, c.loc,
             RankedTensorType::get({xt.getDimSize(0), xt.getDimSize(1), n}, xt.getElementType()),
             *y)
      .getResult();
}

/// [B, L, H * D] -> [B, H, L, D] (or [B, H, D, L] when `keyT`).
FailureOr<Value> splitHeads(Ctx &c, Value x, int64_t heads, bool keyT) {
  RankedTensorType t = typeOf(x);
  int64_t b = t.getDimSize(0), l = t.getDimSize(1), d = t.getDimSize(2) / heads;
  Value r = g::ReshapeOp::create(c.b, c.loc,
                                 RankedTensorType::get({b, l, heads, d}, t.getElementType()), x);
  SmallVector<int64_t> perm = keyT ? SmallVector<int64_t>{0, 2, 3, 1}
                                   : SmallVector<int64_t>{0, 2, 1, 3};
  return c.make<g::TransposeOp>({r}, {c.array("perm", perm)});
}

/// Multi-head attention over [B, L, E] query / key / value, no mask: the
/// packed [3E, E] in-projection and its bias at node inputs `qkvArg` and
/// `qkvArg + 1`, the out-projection weight and bias at `projArg` and
/// `projArg + 1`.
FailureOr<Value> attention(Ctx &c, Value q, Value k, Value v, int64_t e, int64_t heads,
                           size_t qkvArg, size_t projArg) {
  SmallVector<Value> projected;
  for (int i = 0; i < 3; ++i) {
    FailureOr<Value> w = weightRows(c, qkvArg, i * e, (i + 1) * e);
    FailureOr<Value> b = weightRows(c, qkvArg + 1, i * e, (i + 1) * e);
    if (failed(w) || failed(b))
      return failure();
    FailureOr<Value> p = project(c, i == 0 ? q : i == 1 ? k : v, *w, *b);
    if (failed(p))
      return failure();
    projected.push_back(*p);
  }
  FailureOr<Value> qh = splitHeads(c, projected[0], heads, false);
  FailureOr<Value> kh = splitHeads(c, projected[1], heads, true);
  FailureOr<Value> vh = splitHeads(c, projected[2], heads, false);
  if (failed(qh) || failed(kh) || failed(vh))
    return failure();
  FailureOr<Value> scores = c.make<g::MatMulOp>({*qh, *kh});
  if (failed(scores))
    return failure();
  Type et = typeOf(q).getElementType();
  Value scale = c.imp.splat(c.loc, RankedTensorType::get({}, et),
                            1.0 / std::sqrt(double(e / heads)));
  FailureOr<Value> scaled = c.make<g::MulOp>({*scores, scale});
  if (failed(scaled))
    return failure();
  FailureOr<Value> probs = c.make<g::SoftmaxOp>({*scaled}, {c.i64("axis", -1)});
  if (failed(probs))
    return failure();
  FailureOr<Value> ctx = c.make<g::MatMulOp>({*probs, *vh});
  if (failed(ctx))
    return failure();
  FailureOr<Value> merged = c.make<g::TransposeOp>({*ctx}, {c.array("perm", {0, 2, 1, 3})});
  if (failed(merged))
    return failure();
  Value joined = g::ReshapeOp::create(c.b, c.loc, typeOf(q), *merged);
  FailureOr<Value> pw = c.imp.getTensor(c.node, projArg), pb = c.imp.getTensor(c.node, projArg + 1);
  if (failed(pw) || failed(pb))
    return failure();
  return project(c, joined, *pw, *pb);
}

/// aten::_native_multi_head_attention(query, key, value, embed_dim,
/// num_head, qkv_weight, qkv_bias, proj_weight, proj_bias, mask=None,
/// need_weights=True, average_attn_weights=True, mask_type=None) ->
/// (output, weights). Batched [B, L, E] inputs, no mask; the weights output
/// must be unused.
LogicalResult nativeMultiHeadAttention(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> embed = imp.getInt(node, 3), heads = imp.getInt(node, 4);
  if (!embed || !heads || *embed <= 0 || *heads <= 0 || *embed % *heads != 0)
    return c.fail("embed_dim and num_head must be positive ints known at import time, "
                  "num_head dividing embed_dim");
  if (!imp.isNone(node, 9))
    return c.fail("unsupported: an attention mask (only mask=None is supported)");
  if (node->outputs().size() > 1 && node->output(1)->hasUses())
    return c.fail("unsupported: the attention weights output is used");
  FailureOr<Value> q = imp.getTensor(node, 0), k = imp.getTensor(node, 1),
                   v = imp.getTensor(node, 2);
  if (failed(q) || failed(k) || failed(v))
    return failure();
  int64_t e = *embed;
  for (Value x : {*q, *k, *v})
    if (typeOf(x).getRank() != 3 || typeOf(x).getDimSize(2) != e)
      return c.fail("unsupported: query, key and value must be [batch, length, " +
                    std::to_string(e) + "] (batch_first)");
  if (typeOf(*k).getShape() != typeOf(*v).getShape() ||
      typeOf(*k).getDimSize(0) != typeOf(*q).getDimSize(0))
    return c.fail("key and value must have the same shape, and the query's batch");
  return c.done(attention(c, *q, *k, *v, e, *heads, 5, 7));
}

/// aten::_transformer_encoder_layer_fwd(src, embed_dim, num_heads,
/// qkv_weight, qkv_bias, proj_weight, proj_bias, use_gelu, norm_first, eps,
/// norm_weight_1, norm_bias_1, norm_weight_2, norm_bias_2, ffn_weight_1,
/// ffn_bias_1, ffn_weight_2, ffn_bias_2, mask=None, mask_type=None): the
/// fast path nn.TransformerEncoderLayer (batch_first) takes in eval mode
/// under no_grad. Post-norm: x = LN1(x + SA(x)), x = LN2(x + FF(x));
/// pre-norm (norm_first): x = x + SA(LN1(x)), x = x + FF(LN2(x)).
LogicalResult transformerEncoderLayer(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> embed = imp.getInt(node, 1), heads = imp.getInt(node, 2);
  std::optional<bool> useGelu = imp.getBool(node, 7), normFirst = imp.getBool(node, 8);
  std::optional<double> eps = imp.getDouble(node, 9);
  if (!embed || !heads || *embed <= 0 || *heads <= 0 || *embed % *heads != 0)
    return c.fail("embed_dim and num_heads must be positive ints known at import time, "
                  "num_heads dividing embed_dim");
  if (!useGelu || !normFirst || !eps)
    return c.fail("use_gelu, norm_first and eps must be known at import time");
  if (node->inputs().size() > 18 && !imp.isNone(node, 18))
    return c.fail("unsupported: an attention mask (only mask=None is supported)");
  FailureOr<Value> src = imp.getTensor(node, 0);
  if (failed(src))
    return failure();
  int64_t e = *embed;
  if (typeOf(*src).getRank() != 3 || typeOf(*src).getDimSize(2) != e)
    return c.fail("unsupported: src must be [batch, length, " + std::to_string(e) +
                  "] (batch_first)");
  auto layerNorm = [&](Value x, size_t weightArg) -> FailureOr<Value> {
    FailureOr<Value> w = imp.getTensor(node, weightArg), b = imp.getTensor(node, weightArg + 1);
    if (failed(w) || failed(b))
      return failure();
    return c.make<g::LayerNormOp>({x, *w, *b}, {c.i64("axis", 2), c.f32("epsilon", *eps)});
  };
  auto feedForward = [&](Value x) -> FailureOr<Value> {
    FailureOr<Value> w1 = imp.getTensor(node, 14), b1 = imp.getTensor(node, 15),
                     w2 = imp.getTensor(node, 16), b2 = imp.getTensor(node, 17);
    if (failed(w1) || failed(b1) || failed(w2) || failed(b2))
      return failure();
    FailureOr<Value> h = project(c, x, *w1, *b1);
    if (failed(h))
      return failure();
    h = *useGelu ? c.make<g::GeluOp>({*h}, {c.attr("approximate", c.b.getStringAttr("none"))})
                 : c.make<g::ReluOp>({*h});
    if (failed(h))
      return failure();
    return project(c, *h, *w2, *b2);
  };
  Value x = *src;
  if (*normFirst) {
    FailureOr<Value> n1 = layerNorm(x, 10);
    if (failed(n1))
      return failure();
    FailureOr<Value> sa = attention(c, *n1, *n1, *n1, e, *heads, 3, 5);
    FailureOr<Value> r1 = failed(sa) ? sa : c.make<g::AddOp>({x, *sa});
    FailureOr<Value> n2 = failed(r1) ? r1 : layerNorm(*r1, 12);
    FailureOr<Value> ff = failed(n2) ? n2 : feedForward(*n2);
    if (failed(ff))
      return failure();
    return c.done(c.make<g::AddOp>({*r1, *ff}));
  }
  FailureOr<Value> sa = attention(c, x, x, x, e, *heads, 3, 5);
  FailureOr<Value> r1 = failed(sa) ? sa : c.make<g::AddOp>({x, *sa});
  FailureOr<Value> n1 = failed(r1) ? r1 : layerNorm(*r1, 10);
  FailureOr<Value> ff = failed(n1) ? n1 : feedForward(*n1);
  FailureOr<Value> r2 = failed(ff) ? ff : c.make<g::AddOp>({*n1, *ff});
  if (failed(r2))
    return failure();
  return c.done(layerNorm(*r2, 12));
}

} // namespace

void neuron::torchscript::detail::registerCompositeHandlers(llvm::StringMap<Handler> &h) {
  h["aten::_native_multi_head_attention"] = nativeMultiHeadAttention;
  h["aten::_transformer_encoder_layer_fwd"] = transformerEncoderLayer;
  h["aten::constant_pad_nd"] = constantPadNd;
  h["aten::clamp_max"] = clampOneSide;
  h["aten::clamp_min"] = clampOneSide;
  h["aten::einsum"] = einsum;
  h["aten::flip"] = flip;
  h["aten::baddbmm"] = baddbmm;
  h["aten::celu"] = celu;
  h["aten::logsumexp"] = logsumexp;
  h["aten::elu"] = elu<false>;
  h["aten::elu_"] = inPlace<elu<false>>;
  h["aten::glu"] = glu;
  h["aten::leaky_relu"] = leakyRelu;
  h["aten::leaky_relu_"] = inPlace<leakyRelu>;
  h["aten::log10"] = logBase<10>;
  h["aten::log2"] = logBase<2>;
  h["aten::log_softmax"] = logSoftmax;
  h["aten::mish"] = mish;
  h["aten::prelu"] = prelu;
  h["aten::selu"] = elu<true>;
  h["aten::selu_"] = inPlace<elu<true>>;
  h["aten::softplus"] = softplus;
  h["aten::square"] = square;
  h["aten::tril"] = triangle<false>;
  h["aten::triu"] = triangle<true>;
  h["aten::frobenius_norm"] = frobeniusNorm;
  h["aten::group_norm"] = groupNorm;
  h["aten::instance_norm"] = instanceNorm;
  h["aten::linalg_vector_norm"] = linalgVectorNorm;
  h["aten::new_empty"] = newFilled;
  h["aten::new_full"] = newFilled;
  h["aten::new_ones"] = newFilled;
  h["aten::new_zeros"] = newFilled;
  h["aten::norm"] = norm;
  h["aten::pad"] = pad;
  h["aten::roll"] = roll;
  h["aten::upsample_bilinear2d"] = upsample2d;
  h["aten::upsample_nearest2d"] = upsample2d;
}
