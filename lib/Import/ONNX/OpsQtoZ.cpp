//===- OpsQtoZ.cpp - ONNX operators Range to Xor --------------------------===//

#include "ONNXImporter.h"

#include "neuron/Dialect/Graph/IR/ShapeInference.h"

#include <cmath>

using namespace mlir;
using namespace neuron;
using namespace neuron::onnx_import;
using onnx::TensorProto;

/// Returns axes given as an attribute (before `inputSince`) or as input 1,
/// or std::nullopt if there are none. Fails if the input is not constant.
static FailureOr<std::optional<SmallVector<int64_t>>>
getAxes(NodeBinder &b, int64_t inputSince) {
  if (b.opset < inputSince)
    return b.attrInts("axes");
  if (!b.hasInput(1))
    return std::optional<SmallVector<int64_t>>();
  FailureOr<const ConstTensor *> axes = b.requireConstant(1, "axes");
  if (failed(axes))
    return failure();
  return std::optional<SmallVector<int64_t>>((*axes)->toInts());
}

/// Defines output 0 as input 0's known value with a new shape.
static void setReshapedConstant(NodeBinder &b, ArrayRef<int64_t> shape) {
  ConstTensor out = *b.constant(0);
  out.shape.assign(shape.begin(), shape.end());
  b.setConstant(0, std::move(out));
}

/// Emits graph.reshape of `x` to `shape`.
static Value emitReshape(NodeBinder &b, Value x, ArrayRef<int64_t> shape) {
  return graph::ReshapeOp::create(b.builder(), b.loc,
                                  NodeBinder::withShape(x, shape), x);
}

static LogicalResult importRange(NodeBinder &b) {
  if (failed(b.requireInputs(3)))
    return failure();
  const ConstTensor *args[3];
  for (int i = 0; i < 3; ++i) {
    FailureOr<const ConstTensor *> c = b.requireConstant(
        i, i == 0 ? "start" : (i == 1 ? "limit" : "delta"));
    if (failed(c))
      return failure();
    if ((*c)->size() != 1)
      return b.emitError() << "inputs must be scalars";
    args[i] = *c;
  }
  double start = args[0]->getDouble(0), limit = args[1]->getDouble(0),
         delta = args[2]->getDouble(0);
  if (delta == 0)
    return b.emitError() << "delta must not be zero";
  int64_t n = std::max<int64_t>(
      0, saturatingToInt64(std::ceil((limit - start) / delta)));
  // Range is always folded: its values are materialized here.
  if (n > kMaxFoldElements)
    return b.emitUnsupported() << "Range of " << n << " elements (at most "
                               << kMaxFoldElements << " are folded)";
  ConstTensor out = ConstTensor::empty(args[0]->dtype, {n});
  for (int64_t i = 0; i < n; ++i) {
    if (out.isFloat())
      out.floats.push_back(start + i * delta);
    else
      out.ints.push_back(args[0]->getInt(0) + i * args[2]->getInt(0));
  }
  b.setConstant(0, std::move(out));
  return success();
}

template <typename OpTy>
static OpHandler reduceOp(int64_t axesInputSince) {
  return [=](NodeBinder &b) -> LogicalResult {
    if (failed(b.requireInputs(1, b.opset >= axesInputSince ? 2 : 1)))
      return failure();
    FailureOr<std::optional<SmallVector<int64_t>>> axes =
        getAxes(b, axesInputSince);
    if (failed(axes))
      return failure();
    bool keepdims = b.attrInt("keepdims", 1) != 0;
    if ((!*axes || (*axes)->empty()) &&
        b.attrInt("noop_with_empty_axes", 0) != 0)
      return forwardInput(b, 0);
    if (b.dtype(0) == TensorProto::BOOL)
      return b.emitUnsupported() << "element type BOOL";
    FailureOr<Value> x = b.value(0);
    if (failed(x))
      return failure();
    return b.emitInferred<OpTy>(
        *x, b.builder().getDenseI64ArrayAttr(axes->value_or(SmallVector<int64_t>())),
        b.builder().getBoolAttr(keepdims));
  };
}

static LogicalResult importReshape(NodeBinder &b) {
  if (failed(b.requireInputs(2)))
    return failure();
  FailureOr<const ConstTensor *> shapeValue =
      b.requireConstant(1, "the shape");
  if (failed(shapeValue))
    return failure();
  SmallVector<int64_t> shape = (*shapeValue)->toInts();
  ArrayRef<int64_t> inShape = b.shape(0);
  bool allowZero = b.attrInt("allowzero", 0) != 0;
  int64_t inferred = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == 0 && !allowZero) {
      if (i >= inShape.size())
        return b.emitError() << "shape " << formatShape(shape)
                             << " copies dimension " << i << " of "
                             << formatShape(inShape);
      d = inShape[i];
    } else if (d == -1) {
      if (inferred >= 0)
        return b.emitError() << "shape " << formatShape(shape)
                             << " has more than one -1";
      inferred = i;
      continue;
    } else if (d < 0) {
      return b.emitError() << "invalid dimension " << d << " in shape";
    }
    // The product must not overflow (a fuzz finding: signed overflow).
    if (d != 0 && known > std::numeric_limits<int64_t>::max() / d)
      return b.emitError() << "shape " << formatShape(shape)
                           << " has more elements than int64 can count";
    known *= d;
  }
  int64_t total = numElements(inShape);
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return b.emitError() << "cannot reshape " << formatShape(inShape)
                           << " to " << formatShape(shape);
    shape[inferred] = total / known;
  }
  if (numElements(shape) != total)
    return b.emitError() << "cannot reshape " << formatShape(inShape) << " to "
                         << formatShape(shape);
  if (b.constant(0)) {
    setReshapedConstant(b, shape);
    return success();
  }
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  b.setResult(0, emitReshape(b, *x, shape));
  return success();
}

static LogicalResult importShape(NodeBinder &b) {
  if (failed(b.requireInputs(1)))
    return failure();
  ArrayRef<int64_t> shape = b.shape(0);
  int64_t rank = shape.size();
  int64_t start = b.attrInt("start", 0), end = b.attrInt("end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  ArrayRef<int64_t> dims = shape.slice(start, end - start);
  b.setConstant(0, ConstTensor::ofInts(dims, {end - start}));
  return success();
}

static LogicalResult importSize(NodeBinder &b) {
  if (failed(b.requireInputs(1)))
    return failure();
  b.setConstant(0, ConstTensor::ofInts({numElements(b.shape(0))}, {}));
  return success();
}

/// Per-axis slice after ONNX clamping: first index, step and count.
struct SliceDim {
  int64_t start = 0, step = 1, count = 0;
};

static LogicalResult importSlice(NodeBinder &b) {
  if (failed(b.requireInputs(3, 5)))
    return failure();
  SmallVector<int64_t> params[4];
  const char *names[] = {"starts", "ends", "axes", "steps"};
  for (int i = 1; i < 5; ++i) {
    if (!b.hasInput(i))
      continue;
    FailureOr<const ConstTensor *> c = b.requireConstant(i, names[i - 1]);
    if (failed(c))
      return failure();
    params[i - 1] = (*c)->toInts();
  }
  auto &[starts, ends, axes, steps] = params;
  ArrayRef<int64_t> shape = b.shape(0);
  int64_t rank = shape.size();
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return b.emitError() << "starts, ends, axes and steps differ in length";
  SmallVector<SliceDim> dims;
  for (int64_t d : shape)
    dims.push_back({0, 1, d});
  for (size_t i = 0; i < starts.size(); ++i) {
    std::optional<int64_t> axis = graph::normalizeAxis(axes[i], rank);
    if (!axis)
      return b.emitError() << "axis " << axes[i] << " is out of range";
    int64_t dim = shape[*axis], step = steps[i];
    if (step == 0)
      return b.emitError() << "steps must not be zero";
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
    }
    int64_t count =
        step > 0 ? (end - start + step - 1) / step : (start - end - step - 1) / -step;
    dims[*axis] = {start, step, std::max<int64_t>(0, count)};
  }
  SmallVector<int64_t> outShape;
  for (const SliceDim &d : dims)
    outShape.push_back(d.count);
  if (const ConstTensor *c = b.constant(0)) {
    ConstTensor out = ConstTensor::empty(c->dtype, outShape);
    int64_t n = numElements(outShape);
    SmallVector<int64_t> index(rank, 0);
    for (int64_t linear = 0; linear < n; ++linear) {
      int64_t at = 0;
      for (int64_t d = 0; d < rank; ++d)
        at = at * shape[d] + dims[d].start + index[d] * dims[d].step;
      out.append(*c, at);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < outShape[d])
          break;
        index[d] = 0;
      }
    }
    b.setConstant(0, std::move(out));
    return success();
  }
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  OpBuilder &ob = b.builder();
  return b.emitInferred<graph::SliceOp>(
      *x, ob.getDenseI64ArrayAttr(starts), ob.getDenseI64ArrayAttr(ends),
      ob.getDenseI64ArrayAttr(axes), ob.getDenseI64ArrayAttr(steps));
}

/// Softmax before opset 13 coerces the input to 2-D at `axis`.
static LogicalResult importSoftmax11(NodeBinder &b) {
  if (failed(b.requireInputs(1)))
    return failure();
  int64_t rank = b.rank(0);
  std::optional<int64_t> axis =
      graph::normalizeAxis(b.attrInt("axis", 1), rank);
  if (!axis)
    return b.emitError() << "axis " << b.attrInt("axis", 1)
                         << " is out of range for rank " << rank;
  FailureOr<Value> x = b.floatValue(0);
  if (failed(x))
    return failure();
  OpBuilder &ob = b.builder();
  if (*axis == rank - 1) {
    b.setResult(0, graph::SoftmaxOp::create(ob, b.loc, x->getType(), *x,
                                            ob.getI64IntegerAttr(-1)));
    return success();
  }
  ArrayRef<int64_t> shape = b.shape(0);
  Value flat = emitReshape(b, *x,
                           {numElements(shape.take_front(*axis)),
                            numElements(shape.drop_front(*axis))});
  Value soft = graph::SoftmaxOp::create(ob, b.loc, flat.getType(), flat,
                                        ob.getI64IntegerAttr(-1));
  b.setResult(0, emitReshape(b, soft, shape));
  return success();
}

static LogicalResult importSoftmax13(NodeBinder &b) {
  if (failed(b.requireInputs(1)))
    return failure();
  int64_t rank = b.rank(0), axis = b.attrInt("axis", -1);
  if (!graph::normalizeAxis(axis, rank))
    return b.emitError() << "axis " << axis << " is out of range for rank "
                         << rank;
  FailureOr<Value> x = b.floatValue(0);
  if (failed(x))
    return failure();
  b.setResult(0, graph::SoftmaxOp::create(b.builder(), b.loc, x->getType(), *x,
                                          b.builder().getI64IntegerAttr(axis)));
  return success();
}

static LogicalResult importSplit(NodeBinder &b) {
  if (failed(b.requireInputs(1, b.opset >= 13 ? 2 : 1)))
    return failure();
  ArrayRef<int64_t> shape = b.shape(0);
  std::optional<int64_t> axis =
      graph::normalizeAxis(b.attrInt("axis", 0), shape.size());
  if (!axis)
    return b.emitError() << "axis " << b.attrInt("axis", 0)
                         << " is out of range for rank " << shape.size();
  SmallVector<int64_t> sizes;
  if (b.opset < 13) {
    sizes = b.attrInts("split").value_or(SmallVector<int64_t>());
  } else if (b.hasInput(1)) {
    FailureOr<const ConstTensor *> split = b.requireConstant(1, "split");
    if (failed(split))
      return failure();
    sizes = (*split)->toInts();
  }
  int64_t dim = shape[*axis], parts = b.numOutputs();
  if (sizes.empty()) {
    if (parts == 0 || dim % parts != 0)
      return b.emitError() << "cannot split dimension " << dim << " into "
                           << parts << " equal parts";
    sizes.assign(parts, dim / parts);
  }
  if (static_cast<int64_t>(sizes.size()) != parts)
    return b.emitError() << "has " << parts << " outputs but " << sizes.size()
                         << " split sizes";
  if (const ConstTensor *c = b.constant(0)) {
    int64_t outer = numElements(shape.take_front(*axis));
    int64_t inner = numElements(shape.drop_front(*axis + 1));
    int64_t offset = 0;
    for (int64_t p = 0; p < parts; ++p) {
      SmallVector<int64_t> partShape(shape);
      partShape[*axis] = sizes[p];
      ConstTensor out = ConstTensor::empty(c->dtype, partShape);
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t k = 0; k < sizes[p] * inner; ++k)
          out.append(*c, (o * dim + offset) * inner + k);
      offset += sizes[p];
      b.setConstant(p, std::move(out));
    }
    return success();
  }
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  // ONNX allows empty parts, graph.split does not: they become empty
  // constants and the rest is split.
  SmallVector<int64_t> nonEmpty;
  for (int64_t p = 0; p < parts; ++p) {
    if (sizes[p] != 0) {
      nonEmpty.push_back(sizes[p]);
      continue;
    }
    SmallVector<int64_t> partShape(shape);
    partShape[*axis] = 0;
    b.setConstant(p, ConstTensor::empty(b.dtype(0), partShape));
  }
  if (nonEmpty.size() <= 1) {
    for (int64_t p = 0; p < parts; ++p)
      if (sizes[p] != 0)
        b.setResult(p, *x);
    return success();
  }
  OpBuilder &ob = b.builder();
  OperationState state(b.loc, graph::SplitOp::getOperationName());
  graph::SplitOp::build(ob, state, TypeRange(), *x,
                        ob.getI64IntegerAttr(*axis),
                        ob.getDenseI64ArrayAttr(nonEmpty));
  SmallVector<Type> types;
  if (failed(graph::SplitOp::inferReturnTypes(
          b.getContext(), b.loc, state.operands,
          state.attributes.getDictionary(b.getContext()),
          state.getRawProperties(), state.regions, types)))
    return failure();
  state.addTypes(types);
  Operation *op = ob.create(state);
  for (int64_t p = 0, next = 0; p < parts; ++p)
    if (sizes[p] != 0)
      b.setResult(p, op->getResult(next++));
  return success();
}

/// Squeeze and Unsqueeze: axes from the attribute (opset 11) or input 1.
static LogicalResult importSqueeze(NodeBinder &b) {
  if (failed(b.requireInputs(1, b.opset >= 13 ? 2 : 1)))
    return failure();
  FailureOr<std::optional<SmallVector<int64_t>>> axes = getAxes(b, 13);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> shape = b.shape(0);
  SmallVector<bool> drop(shape.size(), false);
  if (!*axes || (*axes)->empty()) {
    for (auto [i, d] : llvm::enumerate(shape))
      drop[i] = d == 1;
  } else {
    for (int64_t a : **axes) {
      std::optional<int64_t> axis = graph::normalizeAxis(a, shape.size());
      if (!axis || shape[*axis] != 1)
        return b.emitError() << "cannot squeeze axis " << a << " of "
                             << formatShape(shape);
      drop[*axis] = true;
    }
  }
  SmallVector<int64_t> outShape;
  for (auto [i, d] : llvm::enumerate(shape))
    if (!drop[i])
      outShape.push_back(d);
  if (b.constant(0)) {
    setReshapedConstant(b, outShape);
    return success();
  }
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  return b.emitInferred<graph::SqueezeOp>(
      *x, b.builder().getDenseI64ArrayAttr(
              axes->value_or(SmallVector<int64_t>())));
}

static LogicalResult importUnsqueeze(NodeBinder &b) {
  if (failed(b.requireInputs(b.opset >= 13 ? 2 : 1)))
    return failure();
  FailureOr<std::optional<SmallVector<int64_t>>> axes = getAxes(b, 13);
  if (failed(axes))
    return failure();
  if (!*axes || (*axes)->empty())
    return b.emitError() << "requires axes";
  ArrayRef<int64_t> shape = b.shape(0);
  int64_t outRank = shape.size() + (*axes)->size();
  SmallVector<bool> inserted(outRank, false);
  for (int64_t a : **axes) {
    std::optional<int64_t> axis = graph::normalizeAxis(a, outRank);
    if (!axis || inserted[*axis])
      return b.emitError() << "invalid axis " << a << " for output rank "
                           << outRank;
    inserted[*axis] = true;
  }
  SmallVector<int64_t> outShape;
  for (int64_t i = 0, next = 0; i < outRank; ++i)
    outShape.push_back(inserted[i] ? 1 : shape[next++]);
  if (b.constant(0)) {
    setReshapedConstant(b, outShape);
    return success();
  }
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  return b.emitInferred<graph::UnsqueezeOp>(
      *x, b.builder().getDenseI64ArrayAttr(**axes));
}

static LogicalResult importTranspose(NodeBinder &b) {
  if (failed(b.requireInputs(1)))
    return failure();
  ArrayRef<int64_t> shape = b.shape(0);
  int64_t rank = shape.size();
  SmallVector<int64_t> perm;
  if (std::optional<SmallVector<int64_t>> p = b.attrInts("perm"))
    perm = *p;
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  SmallVector<bool> seen(rank, false);
  if (static_cast<int64_t>(perm.size()) != rank)
    return b.emitError() << "perm has " << perm.size() << " entries for rank "
                         << rank;
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return b.emitError() << "perm is not a permutation";
    seen[p] = true;
  }
  if (const ConstTensor *c = b.constant(0)) {
    SmallVector<int64_t> outShape, strides(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * shape[d + 1];
    for (int64_t p : perm)
      outShape.push_back(shape[p]);
    ConstTensor out = ConstTensor::empty(c->dtype, outShape);
    SmallVector<int64_t> index(rank, 0);
    for (int64_t linear = 0, n = c->size(); linear < n; ++linear) {
      int64_t at = 0;
      for (int64_t d = 0; d < rank; ++d)
        at += index[d] * strides[perm[d]];
      out.append(*c, at);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < outShape[d])
          break;
        index[d] = 0;
      }
    }
    b.setConstant(0, std::move(out));
    return success();
  }
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  return b.emitInferred<graph::TransposeOp>(
      *x, b.builder().getDenseI64ArrayAttr(perm));
}

static LogicalResult importWhere(NodeBinder &b) {
  if (failed(b.requireInputs(3)))
    return failure();
  if (b.dtype(0) != TensorProto::BOOL)
    return b.emitError() << "condition must be BOOL";
  SmallVector<const ConstTensor *> constants = {b.constant(0), b.constant(1),
                                                b.constant(2)};
  if (canFoldElementwise(constants)) {
    FailureOr<ConstTensor> out = foldElementwise(
        b, constants, b.dtype(1),
        [](ArrayRef<double> v) { return v[0] != 0 ? v[1] : v[2]; },
        [](ArrayRef<int64_t> v) { return v[0] != 0 ? v[1] : v[2]; });
    if (failed(out))
      return failure();
    b.setConstant(0, std::move(*out));
    return success();
  }
  FailureOr<Value> c = b.value(0), x = b.value(1), y = b.value(2);
  if (failed(c) || failed(x) || failed(y))
    return failure();
  return b.emitInferred<graph::WhereOp>(*c, *x, *y);
}

/// ScatterND on import-time constants only (Swin's shifted-window attention
/// mask: zeros with slices set). Each index tuple of `indices` addresses a
/// slice of `data` that the matching slice of `updates` replaces.
static LogicalResult importScatterND(NodeBinder &b) {
  if (failed(b.requireInputs(3)))
    return failure();
  std::string reduction = b.attrString("reduction", "none");
  if (reduction != "none")
    return b.emitUnsupported() << "reduction '" << reduction << "' (only 'none' is supported)";
  const ConstTensor *in[3] = {b.constant(0), b.constant(1), b.constant(2)};
  const ConstTensor *data = in[0], *indices = in[1], *updates = in[2];
  for (int i = 0; i < 3; ++i)
    if (!in[i])
      return b.emitUnsupported()
             << "supported only when every input is a constant known at import time; input "
             << i << " ('" << b.node.input(i) << "') is not";
  ArrayRef<int64_t> ds = data->shape, is = indices->shape;
  if (is.empty() || is.back() < 1 || is.back() > int64_t(ds.size()))
    return b.emitError() << "indices' last dimension must be in 1 .. " << ds.size()
                         << " (the data's rank)";
  const int64_t k = is.back();
  int64_t count = 1, slice = 1;
  for (size_t d = 0; d + 1 < is.size(); ++d)
    count *= is[d];
  for (size_t d = size_t(k); d < ds.size(); ++d)
    slice *= ds[d];
  if (updates->size() != count * slice || updates->isFloat() != data->isFloat())
    return b.emitError() << "updates must hold " << count * slice
                         << " elements of the data's kind, got " << updates->size();
  ConstTensor out = *data;
  for (int64_t j = 0; j < count; ++j) {
    int64_t offset = 0;
    for (int64_t d = 0; d < k; ++d) {
      int64_t i = indices->getInt(j * k + d);
      if (i < -ds[d] || i >= ds[d])
        return b.emitError() << "index " << i << " is out of range for dimension " << d
                             << " of size " << ds[d];
      offset = offset * ds[d] + (i < 0 ? i + ds[d] : i);
    }
    for (int64_t e = 0; e < slice; ++e) {
      if (out.isFloat())
        out.floats[size_t(offset * slice + e)] = updates->getDouble(j * slice + e);
      else
        out.ints[size_t(offset * slice + e)] = updates->getInt(j * slice + e);
    }
  }
  b.setConstant(0, std::move(out));
  return success();
}

void neuron::onnx_import::populateOpsQtoZ(OpTable &t) {
  t.onOp("Range", 11, importRange);
  t.onOp("Reciprocal", 11,
         unaryOp<graph::ReciprocalOp>([](double x) { return 1 / x; }));
  t.onOp("ReduceMax", 11, reduceOp<graph::ReduceMaxOp>(18));
  t.onOp("ReduceMean", 11, reduceOp<graph::ReduceMeanOp>(18));
  t.onOp("ReduceSum", 11, reduceOp<graph::ReduceSumOp>(13));
  t.onOp("Relu", 11,
         unaryOp<graph::ReluOp>([](double x) { return x > 0 ? x : 0; }));
  t.onOp("Reshape", 11, importReshape);
  // Halves to even, as nearbyint in the default rounding mode.
  t.onOp("Round", 11, unaryOp<graph::RoundOp>([](double x) { return std::nearbyint(x); }));
  t.onOp("ScatterND", 11, importScatterND);
  t.onOp("Shape", 11, importShape);
  t.onOp("Sigmoid", 11, unaryOp<graph::SigmoidOp>(
                            [](double x) { return 1 / (1 + std::exp(-x)); }));
  t.onOp("Sin", 11, unaryOp<graph::SinOp>([](double x) { return std::sin(x); }));
  t.onOp("Sinh", 11, unaryOp<graph::SinhOp>([](double x) { return std::sinh(x); }));
  t.onOp("Size", 11, importSize);
  t.onOp("Slice", 11, importSlice);
  t.onOp("Softmax", 11, importSoftmax11);
  t.onOp("Softmax", 13, importSoftmax13);
  t.onOp("Split", 11, importSplit);
  t.onOp("Sqrt", 11, unaryOp<graph::SqrtOp>(std::sqrt));
  t.onOp("Squeeze", 11, importSqueeze);
  t.onOp("Sub", 11,
         binaryOp<graph::SubOp>([](double a, double b) { return a - b; },
                                wrappingSub));
  t.onOp("Sum", 11,
         binaryOp<graph::AddOp>([](double a, double b) { return a + b; },
                                wrappingAdd,
                                /*variadic=*/true));
  t.onOp("Tan", 11, unaryOp<graph::TanOp>([](double x) { return std::tan(x); }));
  t.onOp("Tanh", 11, unaryOp<graph::TanhOp>(std::tanh));
  t.onOp("Transpose", 11, importTranspose);
  t.onOp("Unsqueeze", 11, importUnsqueeze);
  t.onOp("Where", 11, importWhere);
  t.onOp("Xor", 11,
         logicalOp(
             graph::LogicalKind::Xor,
             [](ArrayRef<double> v) -> double {
               return (v[0] != 0) != (v[1] != 0);
             },
             [](ArrayRef<int64_t> v) -> int64_t {
               return (v[0] != 0) != (v[1] != 0);
             }));
}
