//===- GraphOps.cpp - graph op type inference and verifiers ---------------===//

#include "neuron/Dialect/Graph/IR/GraphOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace neuron::graph;

/// Shorthand for the ranked tensor type of a value or type.
static RankedTensorType tensorOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

// Note: ODS getters of I64Attr return uint64_t; axes are cast to int64_t
// before they are printed so that -1 reads as -1.

//===----------------------------------------------------------------------===//
// Constants and weights
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getValue().getType());
  return success();
}

LogicalResult WeightOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getValue().getType());
  return success();
}

LogicalResult WeightOp::verify() {
  if (getName().empty())
    return emitOpError("requires a non-empty weight name");
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << getApproximate() << "\"";
  return success();
}

LogicalResult ClipOp::verify() {
  std::optional<APFloat> min = getMin(), max = getMax();
  if (min && max && max->compare(*min) == APFloat::cmpLessThan)
    return emitOpError("min (")
           << min->convertToFloat() << ") must not exceed max ("
           << max->convertToFloat() << ")";
  return success();
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  auto y = cast<RankedTensorType>(adaptor.getY().getType());
  if (x.getElementType() != y.getElementType())
    return emitOptionalError(loc, "x and y must have the same element type, got ",
                             x.getElementType(), " and ", y.getElementType());
  return inferBroadcastResult(
      loc, {adaptor.getCondition().getType(), adaptor.getX().getType(),
            adaptor.getY().getType()},
      inferred);
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = cast<RankedTensorType>(adaptor.getRhs().getType());
  if (lhs.getRank() == 0 || rhs.getRank() == 0)
    return emitOptionalError(loc, "operands must have rank 1 or more");
  // numpy promotion: a 1-D lhs is [1, K], a 1-D rhs is [K, 1].
  SmallVector<int64_t> a(lhs.getShape()), b(rhs.getShape());
  if (lhs.getRank() == 1)
    a.insert(a.begin(), 1);
  if (rhs.getRank() == 1)
    b.push_back(1);
  int64_t m = a[a.size() - 2], k = a.back();
  int64_t kb = b[b.size() - 2], n = b.back();
  if (k != kb)
    return emitOptionalError(loc, "contracting dimensions differ: lhs has ", k,
                             ", rhs has ", kb);
  std::optional<SmallVector<int64_t>> batch = broadcastShapes(
      {ArrayRef(a).drop_back(2), ArrayRef(b).drop_back(2)});
  if (!batch)
    return emitOptionalError(loc, "batch dimensions are not broadcast-compatible");
  SmallVector<int64_t> shape = *batch;
  if (lhs.getRank() != 1)
    shape.push_back(m);
  if (rhs.getRank() != 1)
    shape.push_back(n);
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto a = cast<RankedTensorType>(adaptor.getA().getType());
  auto b = cast<RankedTensorType>(adaptor.getB().getType());
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(loc, "A and B must be 2-D, got ranks ", a.getRank(),
                             " and ", b.getRank());
  if (a.getElementType() != b.getElementType())
    return emitOptionalError(loc, "A and B must have the same element type");
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t k = a.getDimSize(adaptor.getTransA() ? 0 : 1);
  int64_t kb = b.getDimSize(adaptor.getTransB() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  if (k != kb)
    return emitOptionalError(loc, "contracting dimensions differ: op(A) is ", m,
                             "x", k, ", op(B) is ", kb, "x", n);
  if (Value c = adaptor.getC()) {
    auto cType = cast<RankedTensorType>(c.getType());
    // C broadcasts unidirectionally: its broadcast with [M, N] is [M, N].
    std::optional<SmallVector<int64_t>> shape =
        broadcastShapes({cType.getShape(), ArrayRef<int64_t>{m, n}});
    if (cType.getRank() > 2 || !shape || (*shape)[0] != m || (*shape)[1] != n)
      return emitOptionalError(loc, "C does not broadcast to ", m, "x", n);
    if (cType.getElementType() != a.getElementType())
      return emitOptionalError(loc, "C must have the element type of A");
  }
  inferred.push_back(RankedTensorType::get({m, n}, a.getElementType()));
  return success();
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  auto w = cast<RankedTensorType>(adaptor.getFilter().getType());
  if (x.getRank() != 4 || w.getRank() != 4)
    return emitOptionalError(loc, "input and filter must be 4-D, got ranks ",
                             x.getRank(), " and ", w.getRank());
  if (x.getElementType() != w.getElementType())
    return emitOptionalError(loc, "input and filter element types differ");
  ArrayRef<int64_t> strides = adaptor.getStrides(), pads = adaptor.getPads(),
                    dilations = adaptor.getDilations();
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return emitOptionalError(loc, "expected 2 strides, 2 dilations and 4 pads");
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return emitOptionalError(loc, "pads must be non-negative");
  int64_t group = adaptor.getGroup();
  int64_t channels = x.getDimSize(1), filters = w.getDimSize(0);
  if (group < 1 || channels % group != 0 || filters % group != 0)
    return emitOptionalError(loc, "group ", group,
                             " must divide the input channels (", channels,
                             ") and the filters (", filters, ")");
  if (w.getDimSize(1) * group != channels)
    return emitOptionalError(loc, "filter has ", w.getDimSize(1),
                             " channels per group, expected ",
                             channels / group);
  if (Value bias = adaptor.getBias()) {
    auto b = cast<RankedTensorType>(bias.getType());
    if (b.getRank() != 1 || b.getDimSize(0) != filters)
      return emitOptionalError(loc, "bias must be 1-D of size ", filters);
    // ONNX Conv types X, W and B alike (T).
    if (b.getElementType() != x.getElementType())
      return emitOptionalError(loc, "bias must have the element type of the "
                                    "input");
  }
  SmallVector<int64_t> shape = {x.getDimSize(0), filters};
  for (int i = 0; i < 2; ++i) {
    if (strides[i] < 1 || dilations[i] < 1)
      return emitOptionalError(loc, "strides and dilations must be positive");
    std::optional<int64_t> size =
        slidingWindowSize(x.getDimSize(2 + i), w.getDimSize(2 + i), strides[i],
                          pads[i], pads[2 + i], dilations[i], false);
    if (!size)
      return emitOptionalError(loc, "filter of size ", w.getDimSize(2 + i),
                               " does not fit spatial dimension ", i,
                               " of size ", x.getDimSize(2 + i),
                               " with its padding");
    shape.push_back(*size);
  }
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Normalization, pooling and softmax
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  if (x.getRank() < 2)
    return emitOptionalError(loc, "input must have rank 2 or more");
  int64_t channels = x.getDimSize(1);
  for (Value v : {adaptor.getScale(), adaptor.getBias(), adaptor.getMean(),
                  adaptor.getVar()}) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 1 || t.getDimSize(0) != channels)
      return emitOptionalError(loc, "scale, bias, mean and var must be 1-D of "
                                    "size ",
                               channels, ", got ", t);
  }
  inferred.push_back(x);
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  std::optional<int64_t> axis = normalizeAxis(adaptor.getAxis(), x.getRank());
  if (!axis)
    return emitOptionalError(loc, "axis ",
                             static_cast<int64_t>(adaptor.getAxis()),
                             " is out of range for rank ", x.getRank());
  ArrayRef<int64_t> normalized = x.getShape().drop_front(*axis);
  for (Value v : {adaptor.getScale(), adaptor.getBias()}) {
    if (!v)
      continue;
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getShape() != normalized)
      return emitOptionalError(loc, "scale and bias must have the normalized "
                                    "shape of the input, got ",
                               t);
    // ONNX LayerNormalization types X, Scale and B alike (T).
    if (t.getElementType() != x.getElementType())
      return emitOptionalError(loc,
                               "scale and bias must have the element "
                               "type of the input, got ",
                               t);
  }
  inferred.push_back(x);
  return success();
}

LogicalResult SoftmaxOp::verify() {
  if (!normalizeAxis(getAxis(), getType().getRank()))
    return emitOpError("axis ")
           << static_cast<int64_t>(getAxis()) << " is out of range for rank "
           << getType().getRank();
  return success();
}

LogicalResult GlobalAveragePoolOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  if (x.getRank() < 3)
    return emitOptionalError(loc, "input must have rank 3 or more, got ",
                             x.getRank());
  SmallVector<int64_t> shape(x.getShape());
  std::fill(shape.begin() + 2, shape.end(), 1);
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  RankedTensorType in = tensorOf(getInput()), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("element type changes from ")
           << in.getElementType() << " to " << out.getElementType();
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("element count changes from ")
           << in.getNumElements() << " to " << out.getNumElements();
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (static_cast<int64_t>(perm.size()) != x.getRank())
    return emitOptionalError(loc, "perm has ", perm.size(),
                             " entries for an input of rank ", x.getRank());
  llvm::SmallBitVector seen(perm.size());
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= x.getRank() || seen.test(p))
      return emitOptionalError(loc, "perm is not a permutation of [0, ",
                               x.getRank(), ")");
    seen.set(p);
    shape.push_back(x.getDimSize(p));
  }
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t rank = x.getRank(), axis = adaptor.getAxis();
  if (axis < -rank || axis > rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range [", -rank,
                             ", ", rank, "]");
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? outer : inner) *= x.getDimSize(i);
  inferred.push_back(RankedTensorType::get({outer, inner}, x.getElementType()));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "requires at least one input");
  auto first = cast<RankedTensorType>(adaptor.getInputs().front().getType());
  std::optional<int64_t> axis = normalizeAxis(adaptor.getAxis(), first.getRank());
  if (!axis)
    return emitOptionalError(loc, "axis ",
                             static_cast<int64_t>(adaptor.getAxis()),
                             " is out of range for rank ", first.getRank());
  SmallVector<int64_t> shape(first.getShape());
  shape[*axis] = 0;
  for (Value input : adaptor.getInputs()) {
    auto t = cast<RankedTensorType>(input.getType());
    if (t.getRank() != first.getRank())
      return emitOptionalError(loc, "inputs must have the same rank");
    for (int64_t i = 0; i < t.getRank(); ++i)
      if (i != *axis && t.getDimSize(i) != first.getDimSize(i))
        return emitOptionalError(loc, "input dimension ", i, " is ",
                                 t.getDimSize(i), ", expected ",
                                 first.getDimSize(i));
    shape[*axis] += t.getDimSize(*axis);
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  std::optional<int64_t> axis = normalizeAxis(adaptor.getAxis(), x.getRank());
  if (!axis)
    return emitOptionalError(loc, "axis ",
                             static_cast<int64_t>(adaptor.getAxis()),
                             " is out of range for rank ", x.getRank());
  ArrayRef<int64_t> sizes = adaptor.getSizes();
  if (sizes.empty())
    return emitOptionalError(loc, "sizes must not be empty");
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size < 1)
      return emitOptionalError(loc, "sizes must be positive, got ", size);
    total += size;
  }
  if (total != x.getDimSize(*axis))
    return emitOptionalError(loc, "sizes add up to ", total,
                             ", but the dimension is ", x.getDimSize(*axis));
  for (int64_t size : sizes) {
    SmallVector<int64_t> shape(x.getShape());
    shape[*axis] = size;
    inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  }
  return success();
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t rank = x.getRank();
  ArrayRef<int64_t> starts = adaptor.getStarts(), ends = adaptor.getEnds();
  size_t n = starts.size();
  SmallVector<int64_t> axes(adaptor.getAxes()), steps(adaptor.getSteps());
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, n));
  if (steps.empty())
    steps.assign(n, 1);
  if (ends.size() != n || axes.size() != n || steps.size() != n)
    return emitOptionalError(loc, "starts, ends, axes and steps must have the "
                                  "same length");
  SmallVector<int64_t> shape(x.getShape());
  llvm::SmallBitVector seen(rank);
  for (size_t i = 0; i < n; ++i) {
    std::optional<int64_t> axis = normalizeAxis(axes[i], rank);
    if (!axis || seen.test(*axis))
      return emitOptionalError(loc, "axis ", axes[i],
                               " is out of range or repeated");
    seen.set(*axis);
    if (steps[i] == 0)
      return emitOptionalError(loc, "steps must be non-zero");
    // ONNX clamping: negatives count from the back, then clamp to the valid
    // range. For positive steps both start and end clamp to [0, dim]; for
    // negative steps start clamps to [0, dim-1] and end to [-1, dim-1].
    int64_t dim = shape[*axis];
    if (dim == 0)
      continue; // Nothing to take (and the ranges below would be empty).
    auto clampIndex = [&](int64_t v, int64_t lowForNegativeStep) {
      if (v < 0)
        v += dim;
      return steps[i] > 0 ? std::clamp<int64_t>(v, 0, dim)
                          : std::clamp<int64_t>(v, lowForNegativeStep, dim - 1);
    };
    int64_t start = clampIndex(starts[i], 0), end = clampIndex(ends[i], -1);
    // ceil(distance / |step|), in unsigned arithmetic so that steps such as
    // INT64_MIN do not overflow.
    int64_t distance = steps[i] > 0 ? end - start : start - end;
    uint64_t absStep = steps[i] > 0 ? static_cast<uint64_t>(steps[i])
                                    : 0 - static_cast<uint64_t>(steps[i]);
    shape[*axis] = distance <= 0
                       ? 0
                       : static_cast<int64_t>(
                             1 + static_cast<uint64_t>(distance - 1) / absStep);
  }
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto data = cast<RankedTensorType>(adaptor.getData().getType());
  auto indices = cast<RankedTensorType>(adaptor.getIndices().getType());
  std::optional<int64_t> axis = normalizeAxis(adaptor.getAxis(), data.getRank());
  if (!axis)
    return emitOptionalError(loc, "axis ",
                             static_cast<int64_t>(adaptor.getAxis()),
                             " is out of range for rank ", data.getRank());
  SmallVector<int64_t> shape(data.getShape().take_front(*axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(*axis + 1));
  inferred.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult GatherElementsOp::inferReturnTypes(MLIRContext *,
                                                 std::optional<Location> loc,
                                                 Adaptor adaptor,
                                                 SmallVectorImpl<Type> &inferred) {
  auto data = cast<RankedTensorType>(adaptor.getData().getType());
  auto indices = cast<RankedTensorType>(adaptor.getIndices().getType());
  std::optional<int64_t> axis = normalizeAxis(adaptor.getAxis(), data.getRank());
  if (!axis)
    return emitOptionalError(loc, "axis ",
                             static_cast<int64_t>(adaptor.getAxis()),
                             " is out of range for rank ", data.getRank());
  if (indices.getRank() != data.getRank())
    return emitOptionalError(loc, "indices have rank ", indices.getRank(),
                             ", data rank ", data.getRank());
  for (int64_t d = 0; d < data.getRank(); ++d)
    if (d != *axis && indices.getDimSize(d) > data.getDimSize(d))
      return emitOptionalError(loc, "indices dimension ", d, " is ",
                               indices.getDimSize(d), ", larger than data's ",
                               data.getDimSize(d));
  inferred.push_back(RankedTensorType::get(indices.getShape(), data.getElementType()));
  return success();
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> axes = adaptor.getAxes();
  if (axes.empty())
    return emitOptionalError(loc, "axes must not be empty");
  int64_t rank = x.getRank() + axes.size();
  llvm::SmallBitVector inserted(rank);
  for (int64_t a : axes) {
    std::optional<int64_t> axis = normalizeAxis(a, rank);
    if (!axis || inserted.test(*axis))
      return emitOptionalError(loc, "axis ", a,
                               " is out of range or repeated for output rank ",
                               rank);
    inserted.set(*axis);
  }
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> in = x.getShape();
  for (int64_t i = 0; i < rank; ++i) {
    if (inserted.test(i)) {
      shape.push_back(1);
    } else {
      shape.push_back(in.front());
      in = in.drop_front();
    }
  }
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t rank = x.getRank();
  llvm::SmallBitVector removed(rank);
  if (adaptor.getAxes().empty()) {
    for (int64_t i = 0; i < rank; ++i)
      if (x.getDimSize(i) == 1)
        removed.set(i);
  }
  for (int64_t a : adaptor.getAxes()) {
    std::optional<int64_t> axis = normalizeAxis(a, rank);
    if (!axis || removed.test(*axis))
      return emitOptionalError(loc, "axis ", a,
                               " is out of range or repeated for rank ", rank);
    if (x.getDimSize(*axis) != 1)
      return emitOptionalError(loc, "cannot squeeze dimension ", a,
                               " of size ", x.getDimSize(*axis));
    removed.set(*axis);
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i)
    if (!removed.test(i))
      shape.push_back(x.getDimSize(i));
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult ExpandOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  if (llvm::any_of(adaptor.getShape(), [](int64_t d) { return d < 1; }))
    return emitOptionalError(loc, "shape entries must be positive");
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes({x.getShape(), adaptor.getShape()});
  if (!shape)
    return emitOptionalError(loc, "input does not broadcast to the shape");
  inferred.push_back(RankedTensorType::get(*shape, x.getElementType()));
  return success();
}

#define GET_OP_CLASSES
#include "neuron/Dialect/Graph/IR/GraphOps.cpp.inc"
