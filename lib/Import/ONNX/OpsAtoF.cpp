//===- OpsAtoF.cpp - ONNX operators Abs to Flatten ------------------------===//

#include "ONNXImporter.h"

#include "neuron/Dialect/Graph/IR/ShapeInference.h"

#include <cmath>

using namespace mlir;
using namespace neuron;
using namespace neuron::onnx_import;
using onnx::TensorProto;

static LogicalResult importAveragePool(NodeBinder &b) {
  if (failed(b.requireInputs(1)))
    return failure();
  FailureOr<Window> w = parseWindow(b, {});
  if (failed(w))
    return failure();
  if (b.attr("dilations"))
    return b.emitUnsupported() << "dilations are not supported";
  FailureOr<Value> x = b.floatValue(0);
  if (failed(x))
    return failure();
  return setWindowResult(b, *w, b.createInferred<graph::AveragePoolOp>(
      w->lifted ? liftNCL(b, *x) : *x, b.builder().getDenseI64ArrayAttr(w->kernel),
      b.builder().getDenseI64ArrayAttr(w->strides),
      b.builder().getDenseI64ArrayAttr(w->pads),
      b.builder().getDenseI64ArrayAttr(w->dilations),
      b.builder().getBoolAttr(b.attrInt("ceil_mode", 0) != 0),
      b.builder().getBoolAttr(b.attrInt("count_include_pad", 0) != 0)));
}

static LogicalResult importBatchNormalization(NodeBinder &b) {
  if (failed(b.requireInputs(5)))
    return failure();
  if (b.attrInt("training_mode", 0) != 0)
    return b.emitUnsupported() << "training_mode = 1";
  if (failed(b.requireUnusedOutputsFrom(1)))
    return failure();
  SmallVector<Value> operands;
  for (int i = 0; i < 5; ++i) {
    FailureOr<Value> v = b.floatValue(i);
    if (failed(v))
      return failure();
    // Opset 15 lets the statistics have their own float type.
    operands.push_back(castElements(
        b, *v, cast<RankedTensorType>(operands.empty() ? v->getType()
                                                       : operands[0].getType())
                   .getElementType()));
  }
  return b.emitInferred<graph::BatchNormOp>(
      operands[0], operands[1], operands[2], operands[3], operands[4],
      b.builder().getF32FloatAttr(b.attrFloat("epsilon", 1e-5f)));
}

/// Cast input 0 to ONNX element type `to`.
static LogicalResult castTo(NodeBinder &b, int32_t to) {
  if (const ConstTensor *c = b.constant(0)) {
    if (!isFloatDType(to) && !getElementType(b.getContext(), to) &&
        to != TensorProto::UINT8 && to != TensorProto::INT16 &&
        to != TensorProto::UINT16 && to != TensorProto::UINT32 &&
        to != TensorProto::UINT64)
      return b.emitUnsupported() << "Cast to " << dtypeName(to);
    ConstTensor out = ConstTensor::empty(to, c->shape);
    for (int64_t i = 0, e = c->size(); i < e; ++i) {
      if (isFloatDType(to))
        out.floats.push_back(convertScalar(c->getDouble(i), to));
      else if (c->isFloat())
        out.ints.push_back(
            saturatingToInt64(convertScalar(c->getDouble(i), to)));
      else
        out.ints.push_back(to == TensorProto::BOOL ? c->ints[i] != 0
                                                    : c->ints[i]);
    }
    b.setConstant(0, std::move(out));
    return success();
  }
  Type elementType = getElementType(b.getContext(), to);
  if (!elementType)
    return b.emitUnsupported() << "Cast to " << dtypeName(to)
                               << ", which the graph dialect does not model";
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  b.setResult(0, castElements(b, *x, elementType));
  return success();
}

static LogicalResult importCast(NodeBinder &b) {
  if (failed(b.requireInputs(1)))
    return failure();
  return castTo(b, static_cast<int32_t>(b.attrInt("to", 0)));
}

/// CastLike (opset 15): Cast to the element type of input 1.
static LogicalResult importCastLike(NodeBinder &b) {
  if (failed(b.requireInputs(2, 2)))
    return failure();
  return castTo(b, b.dtype(1));
}

static LogicalResult importClip(NodeBinder &b) {
  if (failed(b.requireInputs(1, 3)))
    return failure();
  std::optional<double> bounds[2];
  for (int i = 1; i < 3; ++i) {
    if (!b.hasInput(i))
      continue;
    FailureOr<const ConstTensor *> c =
        b.requireConstant(i, i == 1 ? "the min bound" : "the max bound");
    if (failed(c))
      return failure();
    if ((*c)->size() != 1)
      return b.emitError() << "bounds must be scalars";
    bounds[i - 1] = (*c)->getDouble(0);
  }
  if (const ConstTensor *c = b.constant(0)) {
    ConstTensor out = *c;
    for (int64_t i = 0, e = out.size(); i < e; ++i) {
      double v = out.getDouble(i);
      if (bounds[0])
        v = std::max(v, *bounds[0]);
      if (bounds[1])
        v = std::min(v, *bounds[1]);
      if (out.isFloat())
        out.floats[i] = v;
      else
        out.ints[i] = saturatingToInt64(v);
    }
    b.setConstant(0, std::move(out));
    return success();
  }
  if (b.dtype(0) == TensorProto::BOOL)
    return b.emitUnsupported() << "element type BOOL";
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  if (!isFloatDType(b.dtype(0))) {
    // graph.clip takes floats; integers clamp with max/min of scalars.
    Value result = *x;
    for (int i = 0; i < 2; ++i) {
      if (!bounds[i])
        continue;
      ConstTensor bound = ConstTensor::empty(b.dtype(0), {});
      bound.ints.push_back(saturatingToInt64(*bounds[i]));
      FailureOr<Value> c = b.importer.materialize(bound, "bound", b.loc);
      if (failed(c))
        return failure();
      FailureOr<Value> next =
          i == 0 ? emitBinary<graph::MaxOp>(b, result, *c)
                 : emitBinary<graph::MinOp>(b, result, *c);
      if (failed(next))
        return failure();
      result = *next;
    }
    b.setResult(0, result);
    return success();
  }
  auto f32 = [&](std::optional<double> v) {
    return v ? b.builder().getF32FloatAttr(static_cast<float>(*v))
             : FloatAttr();
  };
  b.setResult(0, graph::ClipOp::create(b.builder(), b.loc, x->getType(), *x,
                                       f32(bounds[0]), f32(bounds[1])));
  return success();
}

static LogicalResult importConcat(NodeBinder &b) {
  if (failed(b.requireVariadicInputs(1)))
    return failure();
  if (!b.attr("axis"))
    return b.emitError() << "requires the axis attribute";
  int64_t rank = b.rank(0);
  std::optional<int64_t> axis =
      graph::normalizeAxis(b.attrInt("axis", 0), rank);
  if (!axis)
    return b.emitError() << "axis " << b.attrInt("axis", 0)
                         << " is out of range for rank " << rank;
  // Fold when every input is known, the usual case for shape vectors.
  SmallVector<int64_t> shape(b.shape(0));
  bool fold = true;
  for (int i = 0; i < b.numInputs(); ++i) {
    if (!b.constant(i) || b.rank(i) != rank) {
      fold = false;
      break;
    }
    if (i)
      shape[*axis] += b.shape(i)[*axis];
  }
  if (fold && numElements(shape) <= kMaxFoldElements) {
    ConstTensor out = ConstTensor::empty(b.dtype(0), shape);
    int64_t outer = numElements(ArrayRef<int64_t>(shape).take_front(*axis));
    for (int64_t o = 0; o < outer; ++o)
      for (int i = 0; i < b.numInputs(); ++i) {
        const ConstTensor *c = b.constant(i);
        int64_t chunk =
            numElements(ArrayRef<int64_t>(c->shape).drop_front(*axis));
        for (int64_t k = 0; k < chunk; ++k)
          out.append(*c, o * chunk + k);
      }
    b.setConstant(0, std::move(out));
    return success();
  }
  SmallVector<Value> inputs;
  for (int i = 0; i < b.numInputs(); ++i) {
    FailureOr<Value> v = b.value(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  return b.emitInferred<graph::ConcatOp>(
      ValueRange(inputs), b.builder().getI64IntegerAttr(*axis));
}

static LogicalResult importConstant(NodeBinder &b) {
  if (b.numInputs() != 0 || b.node.attribute_size() != 1)
    return b.emitError() << "expects no inputs and exactly one attribute";
  onnx::AttributeProto &a = *b.node.mutable_attribute(0);
  const std::string &name = a.name();
  if (name == "value") {
    onnx::TensorProto &t = *a.mutable_t();
    int64_t n = numElements(SmallVector<int64_t>(t.dims().begin(),
                                                  t.dims().end()));
    if (n <= (isFloatDType(t.data_type()) ? 256 : kMaxFoldElements)) {
      FailureOr<ConstTensor> value = b.importer.decodeTensor(t, b.loc);
      if (failed(value))
        return failure();
      b.setConstant(0, std::move(*value));
      return success();
    }
    // A large Constant is a parameter in disguise: a weight named after its
    // output.
    return b.importer.defineTensorProto(b.node.output(0), t, b.loc);
  }
  if (name == "value_float") {
    ConstTensor c = ConstTensor::empty(TensorProto::FLOAT, {});
    c.floats.push_back(a.f());
    b.setConstant(0, std::move(c));
    return success();
  }
  if (name == "value_floats") {
    ConstTensor c = ConstTensor::empty(TensorProto::FLOAT, {a.floats_size()});
    c.floats.assign(a.floats().begin(), a.floats().end());
    b.setConstant(0, std::move(c));
    return success();
  }
  if (name == "value_int") {
    b.setConstant(0, ConstTensor::ofInts({a.i()}, {}));
    return success();
  }
  if (name == "value_ints") {
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    b.setConstant(0, ConstTensor::ofInts(v, {static_cast<int64_t>(v.size())}));
    return success();
  }
  return b.emitUnsupported() << "attribute '" << name << "'";
}

static LogicalResult importConstantOfShape(NodeBinder &b) {
  if (failed(b.requireInputs(1)))
    return failure();
  FailureOr<const ConstTensor *> shapeValue =
      b.requireConstant(0, "the shape");
  if (failed(shapeValue))
    return failure();
  SmallVector<int64_t> shape = (*shapeValue)->toInts();
  for (int64_t d : shape)
    if (d < 0)
      return b.emitError() << "negative dimension in shape "
                           << formatShape(shape);
  ConstTensor fill = ConstTensor::empty(TensorProto::FLOAT, {});
  fill.floats.push_back(0);
  if (const onnx::AttributeProto *a = b.attr("value")) {
    FailureOr<ConstTensor> v = b.importer.decodeTensor(a->t(), b.loc);
    if (failed(v))
      return failure();
    if (v->size() != 1)
      return b.emitError() << "value must have one element";
    fill = std::move(*v);
  }
  int64_t n = numElements(shape);
  if (n <= kMaxFoldElements) {
    ConstTensor out = ConstTensor::empty(fill.dtype, shape);
    for (int64_t i = 0; i < n; ++i)
      out.append(fill, 0);
    b.setConstant(0, std::move(out));
    return success();
  }
  Type elementType = getElementType(b.getContext(), fill.dtype);
  if (!elementType)
    return b.emitUnsupported() << "element type " << dtypeName(fill.dtype);
  auto type = RankedTensorType::get(shape, elementType);
  b.setResult(0, graph::ConstantOp::create(b.builder(), b.loc, type,
                                           buildDenseAttr(type, fill)));
  return success();
}

static LogicalResult importConv(NodeBinder &b) {
  if (failed(b.requireInputs(2, 3)))
    return failure();
  if (b.rank(1) != 4 && b.rank(1) != 3)
    return b.emitUnsupported() << "only 1-D and 2-D convolutions are supported; filter '"
                               << b.node.input(1) << "' has rank " << b.rank(1);
  if (b.rank(0) != b.rank(1))
    return b.emitError() << "input of rank " << b.rank(0) << " and filter of rank "
                         << b.rank(1) << " differ";
  FailureOr<Window> w = parseWindow(b, b.shape(1).drop_front(2));
  if (failed(w))
    return failure();
  SmallVector<int64_t> filterShape(b.shape(1));
  if (w->lifted)
    filterShape.insert(filterShape.begin() + 2, 1);
  if (w->kernel != ArrayRef<int64_t>(filterShape).drop_front(2))
    return b.emitError() << "kernel_shape " << formatShape(w->kernel)
                         << " does not match the filter "
                         << formatShape(b.shape(1));
  FailureOr<Value> x = b.floatValue(0), f = b.floatValue(1);
  if (failed(x) || failed(f))
    return failure();
  FailureOr<Value> bias = b.optionalFloatValue(2);
  if (failed(bias))
    return failure();
  Value in = *x, filter = *f;
  if (w->lifted) {
    in = liftNCL(b, in);
    filter = graph::reshapeParameter(b.builder(), b.loc, filter, filterShape, "conv1d");
  }
  return setWindowResult(
      b, *w,
      b.createInferred<graph::ConvOp>(in, filter, *bias, b.builder().getDenseI64ArrayAttr(w->strides),
                                      b.builder().getDenseI64ArrayAttr(w->pads),
                                      b.builder().getDenseI64ArrayAttr(w->dilations),
                                      b.builder().getI64IntegerAttr(b.attrInt("group", 1))));
}

/// CumSum(x, axis) with exclusive / reverse, through graph::createCumSum.
static LogicalResult importCumSum(NodeBinder &b) {
  if (failed(b.requireInputs(2)))
    return failure();
  FailureOr<const ConstTensor *> axis = b.requireConstant(1, "the axis");
  if (failed(axis))
    return failure();
  if ((*axis)->size() != 1)
    return b.emitError() << "axis must hold one value, got " << (*axis)->size();
  if (b.dtype(0) == onnx::TensorProto::BOOL)
    return b.emitUnsupported() << "element type BOOL";
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y =
      graph::createCumSum(b.builder(), b.loc, *x, (*axis)->getInt(0),
                          b.attrInt("exclusive", 0) != 0, b.attrInt("reverse", 0) != 0);
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

/// ConvTranspose (2-D), through graph::createConvTranspose2d. The pads come
/// from `pads`, or from `output_shape` / auto_pad SAME_* (the total padding
/// that gives that output, split as the operator's reference does).
static LogicalResult importConvTranspose(NodeBinder &b) {
  if (failed(b.requireInputs(2, 3)))
    return failure();
  if ((b.rank(1) != 4 && b.rank(1) != 3) || b.rank(0) != b.rank(1))
    return b.emitUnsupported() << "only 1-D and 2-D transposed convolutions are supported; "
                                  "input '"
                               << b.node.input(0) << "' has rank " << b.rank(0) << ", filter '"
                               << b.node.input(1) << "' rank " << b.rank(1);
  // n spatial axes; a 1-D one runs as 2-D over [N, C, 1, L].
  const size_t n = b.rank(0) - 2;
  ArrayRef<int64_t> in = b.shape(0).drop_front(2), kernel = b.shape(1).drop_front(2);
  auto listAttr = [&](StringRef name, int64_t dflt) -> FailureOr<SmallVector<int64_t, 2>> {
    std::optional<SmallVector<int64_t>> v = b.attrInts(name);
    if (!v)
      return SmallVector<int64_t, 2>(n, dflt);
    if (v->size() != n) {
      b.emitError() << name << " has " << v->size() << " values, expected " << n;
      return failure();
    }
    return SmallVector<int64_t, 2>(v->begin(), v->end());
  };
  graph::ConvTransposeParams p;
  FailureOr<SmallVector<int64_t, 2>> strides = listAttr("strides", 1),
                                     dilations = listAttr("dilations", 1),
                                     outputPadding = listAttr("output_padding", 0);
  if (failed(strides) || failed(dilations) || failed(outputPadding))
    return failure();
  p.strides = *strides;
  p.dilations = *dilations;
  p.outputPadding = *outputPadding;
  p.pads.assign(2 * n, 0);
  p.group = b.attrInt("group", 1);
  if (std::optional<SmallVector<int64_t>> k = b.attrInts("kernel_shape");
      k && ArrayRef<int64_t>(*k) != kernel)
    return b.emitError() << "kernel_shape " << formatShape(*k) << " does not match the filter "
                         << formatShape(b.shape(1));
  std::string autoPad = b.attrString("auto_pad", "NOTSET");
  std::optional<SmallVector<int64_t>> outputShape = b.attrInts("output_shape");
  if (outputShape && outputShape->size() > n)
    outputShape = SmallVector<int64_t>(ArrayRef<int64_t>(*outputShape).take_back(n));
  if (outputShape && outputShape->size() != n)
    return b.emitError() << "output_shape must give the " << n << " spatial sizes";
  if (autoPad == "VALID") {
    // All zero.
  } else if (outputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t i = 0; i < n; ++i) {
      int64_t out = outputShape ? (*outputShape)[i] : in[i] * p.strides[i];
      int64_t total = p.strides[i] * (in[i] - 1) + p.outputPadding[i] +
                      (kernel[i] - 1) * p.dilations[i] + 1 - out;
      // Floor division, as the reference (a negative total extends the end).
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      bool upper = autoPad == "SAME_UPPER";
      p.pads[i] = upper ? half : total - half;
      p.pads[i + n] = upper ? total - half : half;
    }
  } else if (autoPad == "NOTSET") {
    if (std::optional<SmallVector<int64_t>> pads = b.attrInts("pads")) {
      if (pads->size() != 2 * n)
        return b.emitError() << "pads has " << pads->size() << " values, expected " << 2 * n;
      p.pads.assign(pads->begin(), pads->end());
    }
  } else {
    return b.emitError() << "unknown auto_pad '" << autoPad << "'";
  }
  FailureOr<Value> x = b.floatValue(0), w = b.floatValue(1);
  if (failed(x) || failed(w))
    return failure();
  if (!w->getDefiningOp<graph::WeightOp>() && !w->getDefiningOp<graph::ConstantOp>())
    return b.emitUnsupported() << "the filter (input '" << b.node.input(1)
                               << "') must be a constant or computable from shapes at import time";
  FailureOr<Value> bias = b.optionalFloatValue(2);
  if (failed(bias))
    return failure();
  Value input = *x, filter = *w;
  if (n == 1) {
    p.strides.insert(p.strides.begin(), 1);
    p.dilations.insert(p.dilations.begin(), 1);
    p.outputPadding.insert(p.outputPadding.begin(), 0);
    p.pads = {0, p.pads[0], 0, p.pads[1]};
    input = liftNCL(b, input);
    ArrayRef<int64_t> ws = b.shape(1);
    filter = graph::reshapeParameter(b.builder(), b.loc, filter, {ws[0], ws[1], 1, ws[2]},
                                     "conv_transpose1d");
  }
  FailureOr<Value> y = graph::createConvTranspose2d(b.builder(), b.loc, input, filter, *bias, p);
  if (failed(y))
    return failure();
  b.setResult(0, n == 1 ? unliftNCL(b, *y) : *y);
  return success();
}

static LogicalResult importDropout(NodeBinder &b) {
  if (failed(b.requireInputs(1, b.opset >= 12 ? 3 : 1)))
    return failure();
  if (b.hasInput(2)) {
    FailureOr<const ConstTensor *> mode =
        b.requireConstant(2, "training_mode");
    if (failed(mode))
      return failure();
    // Training mode with a constant ratio of 0 (torchvision's Swin exports
    // its attention dropout so) keeps every element: still the identity.
    const ConstTensor *ratio = b.hasInput(1) ? b.constant(1) : nullptr;
    bool keepsAll = ratio && ratio->size() == 1 && ratio->getDouble(0) == 0.0;
    if ((*mode)->size() == 1 && (*mode)->getInt(0) != 0 && !keepsAll)
      return b.emitUnsupported() << "training_mode = true with a nonzero or unknown ratio";
  }
  if (b.outputUsed(1))
    return b.emitUnsupported()
           << "the mask output ('" << b.node.output(1)
           << "') is used; inference Dropout has no meaningful mask";
  return forwardInput(b, 0);
}

static LogicalResult importExpand(NodeBinder &b) {
  if (failed(b.requireInputs(2)))
    return failure();
  FailureOr<const ConstTensor *> shapeValue =
      b.requireConstant(1, "the shape");
  if (failed(shapeValue))
    return failure();
  SmallVector<int64_t> shape = (*shapeValue)->toInts();
  std::optional<SmallVector<int64_t>> result =
      graph::broadcastShapes({b.shape(0), shape});
  if (!result)
    return b.emitError() << "cannot expand " << formatShape(b.shape(0))
                         << " to " << formatShape(shape);
  if (const ConstTensor *c = b.constant(0)) {
    // A placeholder of the result's shape; int64 whatever c's type, since
    // foldElementwise reads each input through its own kind (a float
    // placeholder would need its values in `floats`).
    ConstTensor target = ConstTensor::ofInts(
        SmallVector<int64_t>(numElements(*result), 0), *result);
    if (canFoldElementwise({c, &target})) {
      FailureOr<ConstTensor> out = foldElementwise(
          b, {c, &target}, c->dtype,
          [](ArrayRef<double> v) { return v[0]; },
          [](ArrayRef<int64_t> v) { return v[0]; });
      if (failed(out))
        return failure();
      b.setConstant(0, std::move(*out));
      return success();
    }
  }
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  return b.emitInferred<graph::ExpandOp>(
      *x, b.builder().getDenseI64ArrayAttr(shape));
}

static LogicalResult importFlatten(NodeBinder &b) {
  if (failed(b.requireInputs(1)))
    return failure();
  int64_t rank = b.rank(0), axis = b.attrInt("axis", 1);
  if (axis < -rank || axis > rank)
    return b.emitError() << "axis " << axis << " is out of range for rank "
                         << rank;
  if (axis < 0)
    axis += rank;
  if (const ConstTensor *c = b.constant(0)) {
    ConstTensor out = *c;
    out.shape = {numElements(b.shape(0).take_front(axis)),
                 numElements(b.shape(0).drop_front(axis))};
    b.setConstant(0, std::move(out));
    return success();
  }
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  return b.emitInferred<graph::FlattenOp>(*x,
                                          b.builder().getI64IntegerAttr(axis));
}

/// ArgMax / ArgMin (select_last_index from opset 12).
template <typename OpTy> static LogicalResult importArg(NodeBinder &b) {
  if (failed(b.requireInputs(1)))
    return failure();
  if (b.dtype(0) == onnx::TensorProto::BOOL)
    return b.emitUnsupported() << "element type " << dtypeName(b.dtype(0)) << " of input '"
                               << b.node.input(0) << "'";
  int64_t rank = b.rank(0), axis = b.attrInt("axis", 0);
  if (rank == 0 || axis < -rank || axis >= rank)
    return b.emitError() << "axis " << axis << " is out of range for rank " << rank;
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  mlir::Builder &builder = b.builder();
  return b.emitInferred<OpTy>(*x, builder.getI64IntegerAttr(axis),
                              builder.getBoolAttr(b.attrInt("keepdims", 1) != 0),
                              builder.getBoolAttr(b.attrInt("select_last_index", 0) != 0));
}

void neuron::onnx_import::populateOpsAtoF(OpTable &t) {
  t.onOp("Abs", 11, unaryOp<graph::AbsOp>(std::fabs, /*floatOnly=*/false));
  t.onOp("Add", 11,
         binaryOp<graph::AddOp>([](double a, double b) { return a + b; },
                                wrappingAdd));
  t.onOp("And", 11,
         logicalOp(
             graph::LogicalKind::And,
             [](ArrayRef<double> v) -> double { return v[0] && v[1]; },
             [](ArrayRef<int64_t> v) -> int64_t { return v[0] && v[1]; }));
  t.onOp("AveragePool", 11, importAveragePool);
  t.onOp("BatchNormalization", 11, importBatchNormalization);
  t.onOp("ArgMax", 11, importArg<graph::ArgMaxOp>);
  t.onOp("ArgMin", 11, importArg<graph::ArgMinOp>);
  t.onOp("Asin", 11, unaryOp<graph::AsinOp>([](double x) { return std::asin(x); }));
  t.onOp("Acos", 11, unaryOp<graph::AcosOp>([](double x) { return std::acos(x); }));
  t.onOp("Atan", 11, unaryOp<graph::AtanOp>([](double x) { return std::atan(x); }));
  t.onOp("Asinh", 11, unaryOp<graph::AsinhOp>([](double x) { return std::asinh(x); }));
  t.onOp("Acosh", 11, unaryOp<graph::AcoshOp>([](double x) { return std::acosh(x); }));
  t.onOp("Atanh", 11, unaryOp<graph::AtanhOp>([](double x) { return std::atanh(x); }));
  t.onOp("Cast", 11, importCast);
  t.onOp("CastLike", 15, importCastLike);
  t.onOp("Ceil", 11, unaryOp<graph::CeilOp>([](double x) { return std::ceil(x); }));
  t.onOp("Clip", 11, importClip);
  t.onOp("Concat", 11, importConcat);
  t.onOp("Constant", 11, importConstant);
  t.onOp("ConstantOfShape", 11, importConstantOfShape);
  t.onOp("Conv", 11, importConv);
  t.onOp("ConvTranspose", 11, importConvTranspose);
  t.onOp("CumSum", 11, importCumSum);
  t.onOp("Cos", 11, unaryOp<graph::CosOp>([](double x) { return std::cos(x); }));
  t.onOp("Cosh", 11, unaryOp<graph::CoshOp>([](double x) { return std::cosh(x); }));
  t.onOp("Div", 11,
         binaryOp<graph::DivOp>([](double a, double b) { return a / b; },
                                wrappingDiv));
  t.onOp("Dropout", 11, importDropout);
  t.onOp("Equal", 11,
         comparisonOp(
             graph::CompareKind::Eq,
             [](ArrayRef<double> v) -> double { return v[0] == v[1]; },
             [](ArrayRef<int64_t> v) -> int64_t { return v[0] == v[1]; }));
  t.onOp("Erf", 11, unaryOp<graph::ErfOp>(std::erf));
  t.onOp("Exp", 11, unaryOp<graph::ExpOp>(std::exp));
  t.onOp("Expand", 11, importExpand);
  t.onOp("Flatten", 11, importFlatten);
  t.onOp("Floor", 11, unaryOp<graph::FloorOp>([](double x) { return std::floor(x); }));
}
