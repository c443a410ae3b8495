//===- NodeBinder.cpp - node operands, attributes and the handler table ---===//

#include "ONNXImporter.h"

#include "neuron/Dialect/Graph/IR/ShapeInference.h"

using namespace mlir;
using namespace neuron;
using namespace neuron::onnx_import;

//===----------------------------------------------------------------------===//
// OpTable
//===----------------------------------------------------------------------===//

void OpTable::onOp(llvm::StringRef name, int64_t sinceVersion,
                   OpHandler handler) {
  handlers[name.str()][sinceVersion] = std::move(handler);
}

const OpHandler *OpTable::lookup(llvm::StringRef name, int64_t opset) const {
  auto it = handlers.find(name.str());
  if (it == handlers.end() || opset > kMaxOpset)
    return nullptr;
  // The handler of the latest version not newer than the model's opset.
  auto version = it->second.upper_bound(opset);
  if (version == it->second.begin())
    return nullptr;
  return &std::prev(version)->second;
}

std::vector<std::string> OpTable::describe() const {
  std::vector<std::string> out;
  for (const auto &[name, versions] : handlers) {
    int64_t first = std::max(versions.begin()->first, kMinOpset);
    out.push_back(name +
                  (first == kMaxOpset
                       ? " (opset " + std::to_string(first) + ")"
                       : " (opsets " + std::to_string(first) + "-" +
                             std::to_string(kMaxOpset) + ")"));
  }
  return out;
}

const OpTable &neuron::onnx_import::getOpTable() {
  static const OpTable table = [] {
    OpTable t;
    populateOpsAtoF(t);
    populateOpsGtoP(t);
    populateOpsQtoZ(t);
    populateOpsComposite(t);
    return t;
  }();
  return table;
}

//===----------------------------------------------------------------------===//
// NodeBinder
//===----------------------------------------------------------------------===//

InFlightDiagnostic NodeBinder::emitError() {
  return mlir::emitError(loc) << node.op_type() << " node '" << displayName
                              << "': ";
}

InFlightDiagnostic NodeBinder::emitUnsupported() {
  return mlir::emitError(loc) << "unsupported: " << node.op_type() << " node '"
                              << displayName << "': ";
}

LogicalResult NodeBinder::requireInputs(int min, int max) {
  if (max < 0)
    max = min;
  if (numInputs() < min || numInputs() > max)
    return emitError() << "expects " << min
                       << (min == max ? "" : " to " + std::to_string(max))
                       << " inputs, got " << numInputs();
  for (int i = 0; i < min; ++i)
    if (!hasInput(i))
      return emitError() << "input " << i << " is required";
  return success();
}

LogicalResult NodeBinder::requireVariadicInputs(int min) {
  if (numInputs() < min)
    return emitError() << "expects at least " << min << " inputs, got "
                       << numInputs();
  for (int i = 0; i < numInputs(); ++i)
    if (!hasInput(i))
      return emitError() << "input " << i
                         << " is omitted (empty name); variadic inputs "
                            "cannot be";
  return success();
}

ArrayRef<int64_t> NodeBinder::shape(int i) {
  return importer.lookup(node.input(i))->shape;
}

int32_t NodeBinder::dtype(int i) {
  return importer.lookup(node.input(i))->dtype;
}

const ConstTensor *NodeBinder::constant(int i) {
  if (!hasInput(i))
    return nullptr;
  TensorEntry *entry = importer.lookup(node.input(i));
  return entry->constant ? &*entry->constant : nullptr;
}

FailureOr<const ConstTensor *> NodeBinder::requireConstant(int i,
                                                            StringRef what) {
  if (const ConstTensor *value = constant(i))
    return value;
  // A small float initializer is a weight unless an op needs its values
  // (Resize's scales, Pad's constant_value): decoded here on demand.
  if (hasInput(i))
    if (TensorEntry *entry = importer.lookup(node.input(i));
        entry && entry->initializer && numElements(entry->shape) <= kMaxFoldElements) {
      FailureOr<ConstTensor> decoded = importer.decodeTensor(*entry->initializer, loc);
      if (failed(decoded))
        return failure();
      entry->constant = std::move(*decoded);
      return &*entry->constant;
    }
  return emitUnsupported() << what << " (input '" << node.input(i)
                           << "') must be a constant or computable from "
                              "shapes at import time";
}

bool NodeBinder::allConstant() {
  for (int i = 0; i < numInputs(); ++i)
    if (hasInput(i) && !constant(i))
      return false;
  return true;
}

FailureOr<Value> NodeBinder::value(int i) {
  return importer.getValue(node.input(i), loc);
}

FailureOr<Value> NodeBinder::floatValue(int i) {
  if (!isFloatDType(dtype(i)))
    return emitUnsupported() << "input '" << node.input(i)
                             << "' has element type " << dtypeName(dtype(i))
                             << "; the graph op takes floats only";
  return value(i);
}

FailureOr<Value> NodeBinder::optionalFloatValue(int i) {
  return hasInput(i) ? floatValue(i) : FailureOr<Value>(Value());
}

const onnx::AttributeProto *NodeBinder::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeBinder::attrInt(StringRef name, int64_t dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : dflt;
}

float NodeBinder::attrFloat(StringRef name, float dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string NodeBinder::attrString(StringRef name, StringRef dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::optional<SmallVector<int64_t>> NodeBinder::attrInts(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

bool NodeBinder::outputUsed(int i) const {
  return i < node.output_size() && !node.output(i).empty() &&
         importer.getUseCount(node.output(i)) > 0;
}

LogicalResult NodeBinder::requireUnusedOutputsFrom(int count) {
  for (int i = count; i < numOutputs(); ++i)
    if (outputUsed(i))
      return emitUnsupported() << "output " << i << " ('" << node.output(i)
                               << "') is used; only the first " << count
                               << " output(s) can be imported";
  return success();
}

void NodeBinder::setResult(int i, Value value) {
  if (i < node.output_size() && !node.output(i).empty())
    importer.define(node.output(i), value);
}

void NodeBinder::setConstant(int i, ConstTensor value) {
  if (i < node.output_size() && !node.output(i).empty())
    importer.defineConstant(node.output(i), std::move(value), loc);
}

RankedTensorType NodeBinder::withShape(Value value, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(
      shape, cast<RankedTensorType>(value.getType()).getElementType());
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>>
neuron::onnx_import::resolvePads(NodeBinder &binder, ArrayRef<int64_t> inputHW,
                                 ArrayRef<int64_t> kernel,
                                 ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> dilations) {
  const size_t n = inputHW.size();
  std::string autoPad = binder.attrString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    SmallVector<int64_t> pads =
        binder.attrInts("pads").value_or(SmallVector<int64_t>(2 * n, 0));
    if (pads.size() != 2 * n)
      return binder.emitError() << "expects " << 2 * n << " pads for a " << n
                                << "-D window, got " << pads.size();
    return pads;
  }
  if (autoPad == "VALID")
    return SmallVector<int64_t>(2 * n, 0);
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return binder.emitError() << "unknown auto_pad '" << autoPad << "'";
  SmallVector<int64_t> pads(2 * n, 0);
  for (size_t i = 0; i < n; ++i) {
    int64_t out = (inputHW[i] + strides[i] - 1) / strides[i];
    int64_t total = std::max<int64_t>(
        0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 -
               inputHW[i]);
    int64_t small = total / 2, large = total - total / 2;
    pads[i] = autoPad == "SAME_UPPER" ? small : large;
    pads[i + n] = autoPad == "SAME_UPPER" ? large : small;
  }
  return pads;
}

Value neuron::onnx_import::liftNCL(NodeBinder &b, Value x) {
  ArrayRef<int64_t> s = cast<RankedTensorType>(x.getType()).getShape();
  return graph::ReshapeOp::create(b.builder(), b.loc,
                                  NodeBinder::withShape(x, {s[0], s[1], 1, s[2]}), x);
}

Value neuron::onnx_import::unliftNCL(NodeBinder &b, Value y) {
  ArrayRef<int64_t> s = cast<RankedTensorType>(y.getType()).getShape();
  return graph::ReshapeOp::create(b.builder(), b.loc,
                                  NodeBinder::withShape(y, {s[0], s[1], s[3]}), y);
}

LogicalResult neuron::onnx_import::setWindowResult(NodeBinder &b, const Window &w,
                                                   FailureOr<Operation *> op) {
  if (failed(op))
    return failure();
  Value y = (*op)->getResult(0);
  b.setResult(0, w.lifted ? unliftNCL(b, y) : y);
  return success();
}

bool neuron::onnx_import::canFoldElementwise(
    ArrayRef<const ConstTensor *> inputs) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (const ConstTensor *input : inputs) {
    if (!input)
      return false;
    shapes.push_back(input->shape);
  }
  std::optional<SmallVector<int64_t>> shape = graph::broadcastShapes(shapes);
  return shape && numElements(*shape) <= kMaxFoldElements;
}

FailureOr<ConstTensor> neuron::onnx_import::foldElementwise(
    NodeBinder &binder, ArrayRef<const ConstTensor *> inputs,
    int32_t resultDType, function_ref<double(ArrayRef<double>)> floatFn,
    function_ref<int64_t(ArrayRef<int64_t>)> intFn) {
  SmallVector<ArrayRef<int64_t>> shapes;
  bool useFloat = false;
  for (const ConstTensor *input : inputs) {
    shapes.push_back(input->shape);
    useFloat |= input->isFloat();
  }
  std::optional<SmallVector<int64_t>> shape = graph::broadcastShapes(shapes);
  if (!shape) {
    InFlightDiagnostic diag = binder.emitError()
                              << "input shapes are not broadcast-compatible:";
    for (ArrayRef<int64_t> s : shapes)
      diag << " " << formatShape(s);
    return diag;
  }
  ConstTensor out = ConstTensor::empty(resultDType, *shape);
  int64_t rank = shape->size(), n = numElements(*shape);
  SmallVector<int64_t> index(rank, 0);
  SmallVector<double> floatArgs(inputs.size());
  SmallVector<int64_t> intArgs(inputs.size());
  for (int64_t linear = 0; linear < n; ++linear) {
    for (auto [k, input] : llvm::enumerate(inputs)) {
      // Map the output index to the input's (broadcast) linear index.
      int64_t offset = rank - input->shape.size(), at = 0;
      for (size_t d = 0; d < input->shape.size(); ++d)
        at = at * input->shape[d] +
             (input->shape[d] == 1 ? 0 : index[offset + d]);
      floatArgs[k] = input->getDouble(at);
      intArgs[k] = input->getInt(at);
    }
    if (useFloat) {
      double result = convertScalar(floatFn(floatArgs), resultDType);
      if (isFloatDType(resultDType))
        out.floats.push_back(result);
      else
        out.ints.push_back(saturatingToInt64(result));
    } else {
      int64_t result = intFn(intArgs);
      if (isFloatDType(resultDType))
        out.floats.push_back(static_cast<double>(result));
      else
        out.ints.push_back(result);
    }
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < (*shape)[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

Value neuron::onnx_import::castElements(NodeBinder &b, Value value,
                                        Type elementType) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == elementType)
    return value;
  return graph::CastOp::create(b.builder(), b.loc, type.clone(elementType),
                               value);
}

LogicalResult neuron::onnx_import::forwardInput(NodeBinder &b, int i) {
  if (!b.hasInput(i))
    return b.emitError() << "input " << i << " is required";
  if (b.numOutputs() == 0 || b.node.output(0).empty())
    return success();
  return b.importer.alias(b.node.output(0), b.node.input(i), b.loc);
}

OpHandler neuron::onnx_import::foldOnlyOp(
    int32_t resultDType, std::function<double(ArrayRef<double>)> ff,
    std::function<int64_t(ArrayRef<int64_t>)> fi) {
  return [=](NodeBinder &b) -> LogicalResult {
    SmallVector<const ConstTensor *> constants;
    for (int i = 0; i < b.numInputs(); ++i)
      constants.push_back(b.constant(i));
    if (constants.empty() || !canFoldElementwise(constants))
      return b.emitUnsupported()
             << "supported only when every input is a constant known at "
                "import time";
    FailureOr<ConstTensor> out = foldElementwise(
        b, constants, resultDType ? resultDType : b.dtype(0), ff, fi);
    if (failed(out))
      return failure();
    b.setConstant(0, std::move(*out));
    return success();
  };
}

FailureOr<Window> neuron::onnx_import::parseWindow(
    NodeBinder &b, ArrayRef<int64_t> defaultKernel) {
  ArrayRef<int64_t> shape = b.shape(0);
  if (shape.size() != 4 && shape.size() != 3)
    return b.emitUnsupported() << "only 1-D and 2-D windows (NCL and NCHW "
                                  "inputs) are supported; input '"
                               << b.node.input(0) << "' has rank "
                               << shape.size();
  const size_t n = shape.size() - 2;
  Window w;
  w.kernel = b.attrInts("kernel_shape")
                 .value_or(SmallVector<int64_t>(defaultKernel));
  w.strides = b.attrInts("strides").value_or(SmallVector<int64_t>(n, 1));
  w.dilations = b.attrInts("dilations").value_or(SmallVector<int64_t>(n, 1));
  if (w.kernel.size() != n || w.strides.size() != n ||
      w.dilations.size() != n)
    return b.emitError() << "expects " << n << " values in kernel_shape, strides and "
                            "dilations";
  for (size_t i = 0; i < n; ++i)
    if (w.kernel[i] <= 0 || w.strides[i] <= 0 || w.dilations[i] <= 0)
      return b.emitError() << "kernel_shape, strides and dilations must be "
                              "positive";
  FailureOr<SmallVector<int64_t>> pads =
      resolvePads(b, shape.drop_front(2), w.kernel, w.strides, w.dilations);
  if (failed(pads))
    return failure();
  w.pads = std::move(*pads);
  if (n == 1) {
    // A 1-D window is a 2-D one over [N, C, 1, L].
    w.lifted = true;
    w.kernel.insert(w.kernel.begin(), 1);
    w.strides.insert(w.strides.begin(), 1);
    w.dilations.insert(w.dilations.begin(), 1);
    w.pads = {0, w.pads[0], 0, w.pads[1]};
  }
  return w;
}
