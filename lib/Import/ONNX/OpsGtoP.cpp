//===- OpsGtoP.cpp - ONNX operators Gather to Pow -------------------------===//

#include "ONNXImporter.h"

#include "neuron/Dialect/Graph/IR/ShapeInference.h"

#include <cmath>

using namespace mlir;
using namespace neuron;
using namespace neuron::onnx_import;
using onnx::TensorProto;

static LogicalResult importGather(NodeBinder &b) {
  if (failed(b.requireInputs(2)))
    return failure();
  ArrayRef<int64_t> dataShape = b.shape(0);
  std::optional<int64_t> axis =
      graph::normalizeAxis(b.attrInt("axis", 0), dataShape.size());
  if (!axis)
    return b.emitError() << "axis " << b.attrInt("axis", 0)
                         << " is out of range for rank " << dataShape.size();
  if (isFloatDType(b.dtype(1)) || b.dtype(1) == TensorProto::BOOL)
    return b.emitError() << "indices must be integers";
  const ConstTensor *data = b.constant(0), *indices = b.constant(1);
  SmallVector<int64_t> shape(dataShape.take_front(*axis));
  llvm::append_range(shape, b.shape(1));
  llvm::append_range(shape, dataShape.drop_front(*axis + 1));
  if (data && indices && numElements(shape) <= kMaxFoldElements) {
    int64_t outer = numElements(dataShape.take_front(*axis));
    int64_t inner = numElements(dataShape.drop_front(*axis + 1));
    int64_t dim = dataShape[*axis];
    ConstTensor out = ConstTensor::empty(data->dtype, shape);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0, e = indices->size(); j < e; ++j) {
        int64_t index = indices->getInt(j);
        if (index < -dim || index >= dim)
          return b.emitError() << "index " << index
                               << " is out of range for dimension " << dim;
        if (index < 0)
          index += dim;
        for (int64_t k = 0; k < inner; ++k)
          out.append(*data, (o * dim + index) * inner + k);
      }
    b.setConstant(0, std::move(out));
    return success();
  }
  FailureOr<Value> x = b.value(0), idx = b.value(1);
  if (failed(x) || failed(idx))
    return failure();
  if (b.dtype(1) != TensorProto::INT64 && b.dtype(1) != TensorProto::INT32)
    idx = castElements(b, *idx, b.builder().getI64Type());
  return b.emitInferred<graph::GatherOp>(*x, *idx,
                                         b.builder().getI64IntegerAttr(*axis));
}

/// GatherElements: graph.gather_elements (the shape rules, same rank and
/// indices no larger than the data off the axis, are the op's).
static LogicalResult importGatherElements(NodeBinder &b) {
  if (failed(b.requireInputs(2, 2)))
    return failure();
  int64_t rank = b.rank(0), given = b.attrInt("axis", 0);
  std::optional<int64_t> axis = graph::normalizeAxis(given, rank);
  if (!axis)
    return b.emitError() << "axis " << given << " is out of range for rank " << rank;
  if (isFloatDType(b.dtype(1)) || b.dtype(1) == TensorProto::BOOL)
    return b.emitError() << "indices must be integers";
  FailureOr<Value> x = b.value(0), idx = b.value(1);
  if (failed(x) || failed(idx))
    return failure();
  if (b.dtype(1) != TensorProto::INT64 && b.dtype(1) != TensorProto::INT32)
    idx = castElements(b, *idx, b.builder().getI64Type());
  return b.emitInferred<graph::GatherElementsOp>(*x, *idx,
                                                 b.builder().getI64IntegerAttr(*axis));
}

static LogicalResult importGemm(NodeBinder &b) {
  if (failed(b.requireInputs(2, 3)))
    return failure();
  FailureOr<Value> a = b.floatValue(0), w = b.floatValue(1);
  if (failed(a) || failed(w))
    return failure();
  FailureOr<Value> c = b.optionalFloatValue(2);
  if (failed(c))
    return failure();
  OpBuilder &ob = b.builder();
  return b.emitInferred<graph::GemmOp>(
      *a, *w, *c, ob.getF32FloatAttr(b.attrFloat("alpha", 1.0f)),
      ob.getF32FloatAttr(b.attrFloat("beta", 1.0f)),
      ob.getBoolAttr(b.attrInt("transA", 0) != 0),
      ob.getBoolAttr(b.attrInt("transB", 0) != 0));
}

static LogicalResult importGlobalAveragePool(NodeBinder &b) {
  if (failed(b.requireInputs(1)))
    return failure();
  if (b.rank(0) < 3)
    return b.emitError() << "expects an input of rank 3 or more";
  FailureOr<Value> x = b.floatValue(0);
  if (failed(x))
    return failure();
  return b.emitInferred<graph::GlobalAveragePoolOp>(*x);
}

/// GlobalMaxPool: reduce_max over the spatial axes, kept as size 1.
static LogicalResult importGlobalMaxPool(NodeBinder &b) {
  if (failed(b.requireInputs(1)))
    return failure();
  int64_t rank = b.rank(0);
  if (rank < 3)
    return b.emitError() << "expects an input of rank 3 or more";
  FailureOr<Value> x = b.floatValue(0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t i = 2; i < rank; ++i)
    axes.push_back(i);
  return b.emitInferred<graph::ReduceMaxOp>(*x, b.builder().getDenseI64ArrayAttr(axes),
                                            b.builder().getBoolAttr(true));
}

/// Emits LayerNormalization's optional Mean and InvStdDev outputs (over the
/// axes from `axis`, kept as size 1) with graph ops.
static LogicalResult emitLayerNormStatistics(NodeBinder &b, Value x,
                                             int64_t axis) {
  OpBuilder &ob = b.builder();
  SmallVector<int64_t> axes;
  for (int64_t i = axis, e = b.rank(0); i < e; ++i)
    axes.push_back(i);
  auto mean = b.createInferred<graph::ReduceMeanOp>(
      x, ob.getDenseI64ArrayAttr(axes), ob.getBoolAttr(true));
  if (failed(mean))
    return failure();
  Value meanValue = (*mean)->getResult(0);
  b.setResult(1, meanValue);
  if (!b.outputUsed(2))
    return success();
  FailureOr<Value> centered = emitBinary<graph::SubOp>(b, x, meanValue);
  if (failed(centered))
    return failure();
  FailureOr<Value> square = emitBinary<graph::MulOp>(b, *centered, *centered);
  if (failed(square))
    return failure();
  auto var = b.createInferred<graph::ReduceMeanOp>(
      *square, ob.getDenseI64ArrayAttr(axes), ob.getBoolAttr(true));
  if (failed(var))
    return failure();
  ConstTensor eps = ConstTensor::empty(
      getDType(cast<RankedTensorType>(x.getType()).getElementType()), {});
  eps.floats.push_back(b.attrFloat("epsilon", 1e-5f));
  FailureOr<Value> epsValue =
      b.importer.materialize(eps, "epsilon", b.loc);
  if (failed(epsValue))
    return failure();
  FailureOr<Value> sum =
      emitBinary<graph::AddOp>(b, (*var)->getResult(0), *epsValue);
  if (failed(sum))
    return failure();
  Value root = graph::SqrtOp::create(ob, b.loc, sum->getType(), *sum);
  b.setResult(2, graph::ReciprocalOp::create(ob, b.loc, root.getType(), root));
  return success();
}

static LogicalResult importLayerNormalization(NodeBinder &b) {
  if (failed(b.requireInputs(2, 3)))
    return failure();
  FailureOr<Value> x = b.floatValue(0), scale = b.floatValue(1);
  if (failed(x) || failed(scale))
    return failure();
  std::optional<int64_t> axis =
      graph::normalizeAxis(b.attrInt("axis", -1), b.rank(0));
  if (!axis)
    return b.emitError() << "axis " << b.attrInt("axis", -1)
                         << " is out of range for rank " << b.rank(0);
  Type elementType = cast<RankedTensorType>(x->getType()).getElementType();
  Value bias;
  if (b.hasInput(2)) {
    FailureOr<Value> v = b.floatValue(2);
    if (failed(v))
      return failure();
    bias = castElements(b, *v, elementType);
  }
  if (failed(b.emitInferred<graph::LayerNormOp>(
          *x, castElements(b, *scale, elementType), bias,
          b.builder().getI64IntegerAttr(b.attrInt("axis", -1)),
          b.builder().getF32FloatAttr(b.attrFloat("epsilon", 1e-5f)))))
    return failure();
  if (b.outputUsed(1) || b.outputUsed(2))
    return emitLayerNormStatistics(b, *x, *axis);
  return success();
}

static LogicalResult importMatMul(NodeBinder &b) {
  if (failed(b.requireInputs(2)))
    return failure();
  if (b.rank(0) == 0 || b.rank(1) == 0)
    return b.emitError() << "operands must have rank 1 or more";
  for (int i = 0; i < 2; ++i)
    if (b.dtype(i) == TensorProto::BOOL)
      return b.emitUnsupported() << "element type BOOL";
  FailureOr<Value> lhs = b.value(0), rhs = b.value(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  Value r = castElements(
      b, *rhs, cast<RankedTensorType>(lhs->getType()).getElementType());
  return b.emitInferred<graph::MatMulOp>(*lhs, r);
}

static LogicalResult importMaxPool(NodeBinder &b) {
  if (failed(b.requireInputs(1)) || failed(b.requireUnusedOutputsFrom(1)))
    return failure();
  FailureOr<Window> w = parseWindow(b, {});
  if (failed(w))
    return failure();
  FailureOr<Value> x = b.floatValue(0);
  if (failed(x))
    return failure();
  OpBuilder &ob = b.builder();
  return setWindowResult(
      b, *w,
      b.createInferred<graph::MaxPoolOp>(
          w->lifted ? liftNCL(b, *x) : *x, ob.getDenseI64ArrayAttr(w->kernel),
          ob.getDenseI64ArrayAttr(w->strides), ob.getDenseI64ArrayAttr(w->pads),
          ob.getDenseI64ArrayAttr(w->dilations), ob.getBoolAttr(b.attrInt("ceil_mode", 0) != 0)));
}

static int64_t intPow(int64_t base, int64_t exp) {
  if (exp < 0)
    return base == 1 ? 1 : 0;
  int64_t r = 1;
  for (; exp > 0; --exp)
    r *= base;
  return r;
}

/// HardSigmoid: clip(alpha * x + beta, 0, 1) (defaults 0.2, 0.5); HardSwish:
/// x * HardSigmoid(x) with alpha 1/6 (MobileNetV3).
/// Pad in constant mode (graph::createConstantPad) or reflect / edge mode
/// (graph::createBorderPad).
static LogicalResult importPad(NodeBinder &b) {
  if (failed(b.requireInputs(2, 4)))
    return failure();
  std::string mode = b.attrString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return b.emitError() << "mode '" << mode << "' is not constant, reflect or edge";
  FailureOr<const ConstTensor *> padsValue = b.requireConstant(1, "pads");
  if (failed(padsValue))
    return failure();
  SmallVector<int64_t> pads = (*padsValue)->toInts();
  ArrayRef<int64_t> shape = b.shape(0);
  int64_t rank = shape.size();
  SmallVector<int64_t> axes;
  if (b.hasInput(3)) {
    FailureOr<const ConstTensor *> axesValue = b.requireConstant(3, "axes");
    if (failed(axesValue))
      return failure();
    for (int64_t a : (*axesValue)->toInts()) {
      std::optional<int64_t> axis = graph::normalizeAxis(a, rank);
      if (!axis)
        return b.emitError() << "axis " << a << " is out of range for rank "
                             << rank;
      axes.push_back(*axis);
    }
  } else {
    for (int64_t a = 0; a < rank; ++a)
      axes.push_back(a);
  }
  if (pads.size() != 2 * axes.size())
    return b.emitError() << "pads has " << pads.size()
                         << " values; expected " << 2 * axes.size();
  int32_t dtype = b.dtype(0);
  ConstTensor fill = ConstTensor::empty(dtype, {});
  if (b.hasInput(2)) {
    FailureOr<const ConstTensor *> v = b.requireConstant(2, "constant_value");
    if (failed(v))
      return failure();
    if ((*v)->size() != 1)
      return b.emitError() << "constant_value must have one element";
    fill.append(**v, 0);
  } else if (fill.isFloat()) {
    fill.floats.push_back(0);
  } else {
    fill.ints.push_back(0);
  }
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> before(rank, 0), after(rank, 0);
  for (auto [i, axis] : llvm::enumerate(axes)) {
    before[axis] = pads[i];
    after[axis] = pads[i + axes.size()];
  }
  if (mode != "constant") {
    FailureOr<Value> y = graph::createBorderPad(
        b.builder(), b.loc, *x, before, after,
        mode == "reflect" ? graph::BorderPad::Reflect : graph::BorderPad::Edge);
    if (failed(y))
      return failure();
    b.setResult(0, *y);
    return success();
  }
  auto scalarType = RankedTensorType::get(
      {}, cast<RankedTensorType>(x->getType()).getElementType());
  FailureOr<Value> y = graph::createConstantPad(
      b.builder(), b.loc, *x, before, after,
      buildDenseAttr(scalarType, fill).getSplatValue<Attribute>());
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

static LogicalResult importHardSigmoid(NodeBinder &b, bool swish) {
  if (failed(b.requireInputs(1, 1)))
    return failure();
  if (!isFloatDType(b.dtype(0)))
    return b.emitUnsupported() << "a non-float input";
  FailureOr<Value> x = b.value(0);
  if (failed(x))
    return failure();
  float alpha = swish ? 1.0f / 6.0f : b.attrFloat("alpha", 0.2f);
  float beta = swish ? 0.5f : b.attrFloat("beta", 0.5f);
  auto scalar = [&](float v) {
    ConstTensor c = ConstTensor::empty(TensorProto::FLOAT, {});
    c.floats.push_back(v);
    return b.importer.materialize(c, "hard_sigmoid", b.loc);
  };
  FailureOr<Value> a = scalar(alpha), c = scalar(beta);
  if (failed(a) || failed(c))
    return failure();
  FailureOr<Value> scaled = emitBinary<graph::MulOp>(b, *x, *a);
  if (failed(scaled))
    return failure();
  FailureOr<Value> shifted = emitBinary<graph::AddOp>(b, *scaled, *c);
  if (failed(shifted))
    return failure();
  Value gate = graph::ClipOp::create(b.builder(), b.loc, shifted->getType(), *shifted,
                                     b.builder().getF32FloatAttr(0.0f),
                                     b.builder().getF32FloatAttr(1.0f));
  if (!swish) {
    b.setResult(0, gate);
    return success();
  }
  FailureOr<Value> y = emitBinary<graph::MulOp>(b, *x, gate);
  if (failed(y))
    return failure();
  b.setResult(0, *y);
  return success();
}

void neuron::onnx_import::populateOpsGtoP(OpTable &t) {
  using V = ArrayRef<double>;
  using I = ArrayRef<int64_t>;
  t.onOp("Gather", 11, importGather);
  t.onOp("GatherElements", 11, importGatherElements);
  t.onOp("Gemm", 11, importGemm);
  t.onOp("GlobalAveragePool", 11, importGlobalAveragePool);
  t.onOp("GlobalMaxPool", 11, importGlobalMaxPool);
  t.onOp("Greater", 11,
         comparisonOp(
             graph::CompareKind::Gt, [](V v) -> double { return v[0] > v[1]; },
             [](I v) -> int64_t { return v[0] > v[1]; }));
  t.onOp("GreaterOrEqual", 12,
         comparisonOp(
             graph::CompareKind::Ge, [](V v) -> double { return v[0] >= v[1]; },
             [](I v) -> int64_t { return v[0] >= v[1]; }));
  t.onOp("HardSigmoid", 11, [](NodeBinder &b) { return importHardSigmoid(b, false); });
  t.onOp("HardSwish", 14, [](NodeBinder &b) { return importHardSigmoid(b, true); });
  t.onOp("Identity", 11, [](NodeBinder &b) { return forwardInput(b, 0); });
  t.onOp("LayerNormalization", 17, importLayerNormalization);
  t.onOp("Less", 11,
         comparisonOp(
             graph::CompareKind::Lt, [](V v) -> double { return v[0] < v[1]; },
             [](I v) -> int64_t { return v[0] < v[1]; }));
  t.onOp("LessOrEqual", 12,
         comparisonOp(
             graph::CompareKind::Le, [](V v) -> double { return v[0] <= v[1]; },
             [](I v) -> int64_t { return v[0] <= v[1]; }));
  t.onOp("Log", 11, unaryOp<graph::LogOp>(std::log));
  t.onOp("MatMul", 11, importMatMul);
  t.onOp("Max", 11,
         binaryOp<graph::MaxOp>(
             [](double a, double b) { return std::max(a, b); },
             [](int64_t a, int64_t b) { return std::max(a, b); },
             /*variadic=*/true));
  t.onOp("MaxPool", 11, importMaxPool);
  t.onOp("Min", 11,
         binaryOp<graph::MinOp>(
             [](double a, double b) { return std::min(a, b); },
             [](int64_t a, int64_t b) { return std::min(a, b); },
             /*variadic=*/true));
  // Mod: import-time shape arithmetic only (Swin's window padding, e.g.
  // (ws - W % ws) % ws); fmod = 0 takes the divisor's sign (Python's %),
  // fmod = 1 the dividend's (C's fmod). x % 0 folds to 0, as Div does.
  t.onOp("Mod", 10, [](NodeBinder &b) -> LogicalResult {
    int64_t fmod = b.attrInt("fmod", 0);
    if (fmod != 0 && fmod != 1)
      return b.emitError() << "fmod must be 0 or 1, got " << fmod;
    if (fmod == 0 && isFloatDType(b.dtype(0)))
      return b.emitError() << "fmod must be 1 for floating-point inputs";
    auto ff = [fmod](V v) -> double {
      if (v[1] == 0)
        return 0;
      double r = std::fmod(v[0], v[1]);
      if (!fmod && r != 0 && ((r < 0) != (v[1] < 0)))
        r += v[1];
      return r;
    };
    auto fi = [fmod](I v) -> int64_t {
      if (v[1] == 0 || (v[1] == -1))
        return 0;
      int64_t r = v[0] % v[1];
      if (!fmod && r != 0 && ((r < 0) != (v[1] < 0)))
        r += v[1];
      return r;
    };
    return foldOnlyOp(0, ff, fi)(b);
  });
  t.onOp("Mul", 11,
         binaryOp<graph::MulOp>([](double a, double b) { return a * b; },
                                wrappingMul));
  t.onOp("Neg", 11,
         unaryOp<graph::NegOp>([](double x) { return -x; },
                               /*floatOnly=*/false));
  t.onOp("Not", 11,
         logicalOp(
             std::nullopt, [](V v) -> double { return !v[0]; },
             [](I v) -> int64_t { return !v[0]; }));
  t.onOp("Or", 11,
         logicalOp(
             graph::LogicalKind::Or, [](V v) -> double { return v[0] || v[1]; },
             [](I v) -> int64_t { return v[0] || v[1]; }));
  t.onOp("Pad", 11, importPad);
  t.onOp("Pow", 11,
         binaryOp<graph::PowOp>([](double a, double b) { return std::pow(a, b); },
                                intPow));
}
