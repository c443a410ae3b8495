//===- NeffEmitter.cpp - pipe/graph IR to a .neff artifact ----------------===//
//
// Walks the pipeline stage by stage and replays it into the runtime's
// ArtifactWriter: stage operands become stage inputs fed by the pipeline input
// or earlier stage output they come from, graph.weight/graph.constant become
// weight-section entries or inline constants, and every other graph op maps
// by mnemonic to the runtime's OpKind with its attributes. The writer infers
// result types with the runtime's own shape rules; the emitter checks they
// agree with the IR, so compiler and runtime cannot silently disagree.
//
//===----------------------------------------------------------------------===//

#include "neuron/Target/Neff/NeffEmitter.h"

#include "neuron/Dialect/Graph/IR/GraphOps.h"
#include "neuron/Dialect/Pipe/IR/PipeOps.h"

#include "neuron/runtime/ArtifactWriter.h"
#include "neuron/runtime/Error.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/Support/raw_ostream.h"

#include <fstream>

using namespace mlir;
namespace rt = neuron::rt;
namespace graph = neuron::graph;
namespace pipe = neuron::pipe;

namespace {

/// Inline constants up to this size; larger ones go to the weight section.
constexpr size_t kMaxInlineConstantBytes = 256;

FailureOr<rt::DType> toDType(Operation *op, Type type) {
  if (type.isF32())
    return rt::DType::F32;
  if (type.isBF16())
    return rt::DType::BF16;
  if (type.isF16())
    return rt::DType::F16;
  if (type.isInteger(64))
    return rt::DType::I64;
  if (type.isInteger(32))
    return rt::DType::I32;
  if (type.isInteger(8))
    return rt::DType::I8;
  if (type.isInteger(1))
    return rt::DType::Bool;
  return op->emitError("element type ") << type << " has no artifact dtype";
}

FailureOr<rt::TensorType> toTensorType(Operation *op, Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return op->emitError("expected a statically shaped tensor, got ") << type;
  FailureOr<rt::DType> dtype = toDType(op, tensor.getElementType());
  if (failed(dtype))
    return failure();
  rt::TensorType result;
  result.dtype = *dtype;
  result.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  return result;
}

/// Returns the row-major bytes of an elements attribute as the runtime stores
/// them (i1 as one byte per element).
FailureOr<std::vector<uint8_t>> elementBytes(Operation *op, ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  int64_t count = type.getNumElements();
  Type et = type.getElementType();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return op->emitError("weight data (resource '")
             << resource.getRawHandle().getKey() << "') is missing";
    ArrayRef<char> data = blob->getData();
    size_t expected =
        count * std::max<size_t>(1, et.getIntOrFloatBitWidth() / 8);
    if (data.size() != expected)
      return op->emitError("weight data has ")
             << data.size() << " bytes, expected " << expected;
    return std::vector<uint8_t>(data.begin(), data.end());
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return op->emitError("unsupported constant attribute kind");
  std::vector<uint8_t> bytes;
  if (et.isInteger(1)) {
    for (bool b : dense.getValues<bool>())
      bytes.push_back(b ? 1 : 0);
    return bytes;
  }
  size_t width = et.getIntOrFloatBitWidth() / 8;
  ArrayRef<char> raw = dense.getRawData();
  bytes.reserve(count * width);
  if (dense.isSplat()) {
    for (int64_t i = 0; i < count; ++i)
      bytes.insert(bytes.end(), raw.begin(), raw.begin() + width);
  } else {
    bytes.assign(raw.begin(), raw.end());
  }
  return bytes;
}

std::vector<int64_t> i64s(Attribute attr) {
  if (auto array = dyn_cast_if_present<DenseI64ArrayAttr>(attr))
    return std::vector<int64_t>(array.asArrayRef().begin(),
                                array.asArrayRef().end());
  return {};
}

/// Fills the runtime attributes of `op` from its MLIR attributes; absent
/// (default-valued) attributes keep the runtime's defaults, which are the
/// dialect's.
rt::OpAttrs toAttrs(Operation *op, rt::OpKind kind) {
  rt::OpAttrs attrs = rt::defaultAttrs(kind);
  auto get = [&](StringRef name) { return op->getAttr(name); };
  if (auto a = dyn_cast_if_present<FloatAttr>(get("alpha")))
    attrs.alpha = a.getValueAsDouble();
  if (auto a = dyn_cast_if_present<FloatAttr>(get("beta")))
    attrs.beta = a.getValueAsDouble();
  if (auto a = dyn_cast_if_present<BoolAttr>(get("trans_a")))
    attrs.transA = a.getValue();
  if (auto a = dyn_cast_if_present<BoolAttr>(get("trans_b")))
    attrs.transB = a.getValue();
  if (Attribute a = get("kernel_shape"))
    attrs.kernelShape = i64s(a);
  if (Attribute a = get("strides"))
    attrs.strides = i64s(a);
  if (Attribute a = get("pads"))
    attrs.pads = i64s(a);
  if (Attribute a = get("dilations"))
    attrs.dilations = i64s(a);
  if (auto a = dyn_cast_if_present<IntegerAttr>(get("group")))
    attrs.group = a.getInt();
  if (auto a = dyn_cast_if_present<BoolAttr>(get("ceil_mode")))
    attrs.ceilMode = a.getValue();
  if (auto a = dyn_cast_if_present<BoolAttr>(get("count_include_pad")))
    attrs.countIncludePad = a.getValue();
  if (auto a = dyn_cast_if_present<IntegerAttr>(get("axis")))
    attrs.axis = a.getInt();
  if (auto a = dyn_cast_if_present<FloatAttr>(get("epsilon")))
    attrs.epsilon = a.getValueAsDouble();
  if (Attribute a = get("axes"))
    attrs.axes = i64s(a);
  if (auto a = dyn_cast_if_present<BoolAttr>(get("keepdims")))
    attrs.keepdims = a.getValue();
  if (auto a = dyn_cast_if_present<BoolAttr>(get("select_last_index")))
    attrs.selectLastIndex = a.getValue();
  if (auto a = dyn_cast_if_present<FloatAttr>(get("min")))
    attrs.min = a.getValueAsDouble();
  if (auto a = dyn_cast_if_present<FloatAttr>(get("max")))
    attrs.max = a.getValueAsDouble();
  if (auto a = dyn_cast_if_present<StringAttr>(get("approximate")))
    attrs.geluTanh = a.getValue() == "tanh";
  if (Attribute a = get("perm"))
    attrs.perm = i64s(a);
  if (Attribute a = get("sizes"))
    attrs.sizes = i64s(a);
  if (Attribute a = get("starts"))
    attrs.starts = i64s(a);
  if (Attribute a = get("ends"))
    attrs.ends = i64s(a);
  if (Attribute a = get("steps"))
    attrs.steps = i64s(a);
  if (Attribute a = get("shape"))
    attrs.shape = i64s(a);
  return attrs;
}

class Emitter {
public:
  Emitter(func::FuncOp func, pipe::PipelineOp pipeline,
          const neuron::NeffEmitOptions &options)
      : func(func), pipeline(pipeline), options(options) {}

  FailureOr<std::vector<uint8_t>> run();

private:
  LogicalResult emitStage(rt::ArtifactWriter &writer, pipe::StageOp stage);
  FailureOr<rt::ValueRef> sourceOf(Value value);

  func::FuncOp func;
  pipe::PipelineOp pipeline;
  const neuron::NeffEmitOptions &options;
  /// Stage index and output position of each stage result.
  DenseMap<Value, rt::ValueRef> pipelineValues;
};

FailureOr<rt::ValueRef> Emitter::sourceOf(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value);
      arg && arg.getOwner() == &pipeline.getBody().front()) {
    // Pipeline block argument j is pipeline operand j, a function argument.
    auto funcArg =
        dyn_cast<BlockArgument>(pipeline.getInputs()[arg.getArgNumber()]);
    if (!funcArg || funcArg.getOwner() != &func.getBody().front())
      return pipeline.emitOpError("inputs must be function arguments");
    return rt::ValueRef::pipelineInput(funcArg.getArgNumber());
  }
  auto it = pipelineValues.find(value);
  if (it == pipelineValues.end())
    return pipeline.emitOpError("a stage reads a value that is neither a "
                                "pipeline input nor a stage result");
  return it->second;
}

LogicalResult Emitter::emitStage(rt::ArtifactWriter &writer,
                                 pipe::StageOp stage) {
  rt::StageBuilder &builder = writer.addStage(stage.getCore());
  DenseMap<Value, uint32_t> ids;
  Block &body = stage.getBody().front();
  for (auto [operand, arg] :
       llvm::zip(stage.getInputs(), body.getArguments())) {
    FailureOr<rt::ValueRef> source = sourceOf(operand);
    if (failed(source))
      return failure();
    ids[arg] = builder.addInput(*source);
  }
  for (Operation &op : body.without_terminator()) {
    if (auto weight = dyn_cast<graph::WeightOp>(op)) {
      FailureOr<rt::TensorType> type = toTensorType(&op, weight.getType());
      FailureOr<std::vector<uint8_t>> bytes =
          elementBytes(&op, weight.getValue());
      if (failed(type) || failed(bytes))
        return failure();
      ids[weight] =
          builder.addWeight(weight.getName().str(), *type, bytes->data());
      continue;
    }
    if (auto constant = dyn_cast<graph::ConstantOp>(op)) {
      FailureOr<rt::TensorType> type = toTensorType(&op, constant.getType());
      FailureOr<std::vector<uint8_t>> bytes =
          elementBytes(&op, constant.getValue());
      if (failed(type) || failed(bytes))
        return failure();
      std::string name = "constant." + std::to_string(ids.size());
      ids[constant] = bytes->size() <= kMaxInlineConstantBytes
                          ? builder.addConstant(name, *type, bytes->data())
                          : builder.addWeight(name, *type, bytes->data());
      continue;
    }
    if (op.getDialect() !=
        op.getContext()->getLoadedDialect<graph::GraphDialect>())
      return op.emitOpError("cannot be emitted: only graph ops may appear in "
                            "a stage");
    std::optional<rt::OpKind> kind =
        rt::parseOpKind(op.getName().stripDialect().str());
    if (!kind)
      return op.emitOpError("has no runtime kernel");
    std::vector<uint32_t> inputs;
    for (Value operand : op.getOperands())
      inputs.push_back(ids.lookup(operand));
    rt::OpAttrs attrs = toAttrs(&op, *kind);
    if (*kind == rt::OpKind::Cast || *kind == rt::OpKind::Reshape) {
      FailureOr<rt::TensorType> result =
          toTensorType(&op, op.getResult(0).getType());
      if (failed(result))
        return failure();
      attrs.castTo = result->dtype;
      if (*kind == rt::OpKind::Reshape)
        attrs.shape = result->shape;
    }
    std::string name;
    llvm::raw_string_ostream nameStream(name);
    op.getLoc().print(nameStream);
    std::vector<uint32_t> results =
        builder.addOpMulti(*kind, inputs, attrs, name);
    if (results.size() != op.getNumResults())
      return op.emitOpError("the runtime gives ")
             << results.size() << " results, the IR has " << op.getNumResults();
    for (auto [value, id] : llvm::zip(op.getResults(), results)) {
      FailureOr<rt::TensorType> expected = toTensorType(&op, value.getType());
      if (failed(expected))
        return failure();
      if (!(builder.type(id) == *expected))
        return op.emitOpError("the runtime's shape rules give a different "
                              "result type than the compiler's");
      ids[value] = id;
    }
  }
  auto yield = cast<pipe::YieldOp>(body.getTerminator());
  for (auto [i, value] : llvm::enumerate(yield.getResults())) {
    auto it = ids.find(value);
    if (it == ids.end())
      return yield.emitOpError("yields a value the stage does not define");
    uint32_t output = builder.addOutput(it->second);
    pipelineValues[stage.getResult(i)] = rt::ValueRef::stageOutput(
        static_cast<int32_t>(builder.index()), output);
  }
  return success();
}

FailureOr<std::vector<uint8_t>> Emitter::run() {
  rt::ArtifactWriter writer(options.modelName.empty() ? func.getName().str()
                                                      : options.modelName);
  for (const auto &[key, value] : options.compileOptions)
    writer.setOption(key, value);
  for (BlockArgument arg : func.getArguments()) {
    FailureOr<rt::TensorType> type = toTensorType(func, arg.getType());
    if (failed(type))
      return failure();
    std::string name = "input" + std::to_string(arg.getArgNumber());
    if (auto attr =
            func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "graph.name"))
      name = attr.getValue().str();
    writer.addInput(name, *type);
    if (arg.getArgNumber() == 0 && !type->shape.empty() && type->shape[0] > 0)
      writer.setBatchSize(static_cast<uint32_t>(type->shape[0]));
  }
  for (pipe::StageOp stage : pipeline.getStages())
    if (failed(emitStage(writer, stage)))
      return failure();

  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  auto yield = cast<pipe::YieldOp>(pipeline.getBody().front().getTerminator());
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    auto result = dyn_cast<OpResult>(value);
    if (!result || result.getOwner() != pipeline)
      return ret.emitOpError("every returned value must be a pipeline result");
    FailureOr<rt::ValueRef> source =
        sourceOf(yield.getResults()[result.getResultNumber()]);
    if (failed(source))
      return failure();
    writer.addOutput("output" + std::to_string(i), *source);
  }
  return writer.finish();
}

} // namespace

FailureOr<std::vector<uint8_t>>
neuron::emitNeffImage(ModuleOp module, const NeffEmitOptions &options) {
  auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
  if (funcs.size() != 1)
    return module.emitError("expected exactly one function to emit, found ")
           << funcs.size();
  func::FuncOp func = funcs.front();
  auto pipelines = llvm::to_vector(func.getOps<pipe::PipelineOp>());
  if (pipelines.size() != 1 || std::distance(func.getBody().front().begin(),
                                             func.getBody().front().end()) != 2)
    return func.emitError("expected a body of one pipe.pipeline and a return "
                          "(run the partition phase first)");
  try {
    return Emitter(func, pipelines.front(), options).run();
  } catch (const rt::Error &e) {
    return func.emitError("the artifact writer rejected the program: ")
           << e.what();
  }
}

LogicalResult neuron::emitNeff(ModuleOp module, StringRef path,
                               const NeffEmitOptions &options) {
  FailureOr<std::vector<uint8_t>> image = emitNeffImage(module, options);
  if (failed(image))
    return failure();
  std::ofstream out(path.str(), std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(image->data()),
            static_cast<std::streamsize>(image->size()));
  out.close();
  if (!out)
    return module.emitError("cannot write '") << path << "'";
  return success();
}
