//===- ONNXImporter.cpp - ONNX model to graph dialect ---------------------===//

#include "ONNXImporter.h"

#include "neuron/Dialect/Graph/IR/GraphDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include <google/protobuf/io/zero_copy_stream_impl.h>
#include "llvm/Support/Path.h"

#include "onnx/checker.h"
#include "onnx/defs/parser.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <exception>
#include <limits>

namespace onnx::checker {
// Exported by libonnx 1.12 but not declared in its header: checks a model
// with a context whose model directory locates external data.
void check_model(const ModelProto &model, CheckerContext &ctx);
} // namespace onnx::checker

using namespace mlir;
using namespace neuron;
using namespace neuron::onnx_import;

//===----------------------------------------------------------------------===//
// Importer
//===----------------------------------------------------------------------===//

Importer::Importer(MLIRContext &context, onnx::ModelProto &model,
                   llvm::StringRef sourceName, llvm::StringRef modelDir,
                   const ImportOptions &options)
    : context(context), model(model), sourceName(sourceName.str()),
      modelDir(modelDir.str()), options(options), builder(&context),
      fileLoc(FileLineColLoc::get(&context, sourceName, 0, 0)) {}

Importer::~Importer() = default;

TensorEntry *Importer::lookup(llvm::StringRef name) {
  auto it = tensors.find(name);
  return it == tensors.end() ? nullptr : &it->second;
}

void Importer::define(llvm::StringRef name, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  TensorEntry entry{value, std::nullopt, nullptr,
                    llvm::SmallVector<int64_t>(type.getShape()),
                    getDType(type.getElementType()), value.getLoc()};
  tensors.insert_or_assign(name, std::move(entry));
}

void Importer::defineConstant(llvm::StringRef name, ConstTensor value,
                              Location loc) {
  TensorEntry entry{Value(), std::nullopt, nullptr, value.shape, value.dtype,
                    loc};
  entry.constant = std::move(value);
  tensors.insert_or_assign(name, std::move(entry));
}

LogicalResult Importer::defineTensorProto(llvm::StringRef name,
                                          onnx::TensorProto &proto,
                                          Location loc) {
  llvm::SmallVector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  for (int64_t d : shape)
    if (d < 0)
      return emitError(loc) << "tensor '" << name
                            << "' has a negative dimension";
  if (std::optional<std::string> problem = checkShapeLimits(shape))
    return emitError(loc) << "tensor '" << name << "' has " << *problem;
  TensorEntry entry{Value(), std::nullopt, &proto, shape, proto.data_type(),
                    loc};
  // Integer tensors of shape size are kept for folding; float ones are
  // model parameters, except scalars (Clip bounds, Pow exponents...).
  int64_t n = numElements(shape);
  if (n <= 1 || (!isFloatDType(proto.data_type()) && n <= kMaxFoldElements)) {
    FailureOr<ConstTensor> value = decodeTensor(proto, loc);
    if (failed(value))
      return failure();
    entry.constant = std::move(*value);
  }
  tensors.insert_or_assign(name, std::move(entry));
  return success();
}

LogicalResult Importer::alias(llvm::StringRef name, llvm::StringRef from,
                              Location loc) {
  TensorEntry *entry = lookup(from);
  // A weight is materialized once, under its own name.
  if (entry->initializer && failed(getValue(from, loc)))
    return failure();
  TensorEntry copy = *lookup(from);
  tensors.insert_or_assign(name, std::move(copy));
  return success();
}

FailureOr<Value> Importer::getValue(llvm::StringRef name, Location useLoc) {
  TensorEntry *entry = lookup(name);
  if (!entry)
    return emitError(useLoc) << "tensor '" << name << "' is not defined";
  if (entry->value)
    return entry->value;
  FailureOr<Value> value = failure();
  if (entry->initializer)
    value = materializeWeight(name, *entry);
  else if (entry->constant)
    value = materialize(*entry->constant, name, entry->loc);
  if (failed(value))
    return failure();
  entry->value = *value;
  return *value;
}

Location Importer::nodeLoc(const onnx::NodeProto &node, size_t index) {
  std::string name = node.name();
  if (name.empty())
    name = node.output_size() && !node.output(0).empty()
               ? node.output(0)
               : node.op_type() + "#" + std::to_string(index);
  return NameLoc::get(StringAttr::get(&context, name), fileLoc);
}

LogicalResult Importer::checkLimits() {
  const onnx::GraphProto &graph = model.graph();
  if (graph.node_size() > kMaxNodes)
    return emitError(fileLoc)
           << "the model has " << graph.node_size()
           << " nodes; the importer's limit is " << kMaxNodes;
  if (graph.initializer_size() > kMaxInitializers)
    return emitError(fileLoc)
           << "the model has " << graph.initializer_size()
           << " initializers; the importer's limit is " << kMaxInitializers;
  for (const onnx::TensorProto &init : graph.initializer())
    if (std::optional<std::string> problem = checkTensorData(init))
      return emitError(fileLoc)
             << "initializer '" << init.name() << "' has " << *problem;
  for (auto [index, node] : llvm::enumerate(graph.node()))
    for (const onnx::AttributeProto &attr : node.attribute())
      if (attr.has_t())
        if (std::optional<std::string> problem = checkTensorData(attr.t()))
          return emitError(nodeLoc(node, index))
                 << "tensor attribute '" << attr.name() << "' of node '"
                 << cast<NameLoc>(nodeLoc(node, index)).getName().getValue()
                 << "' has " << *problem;
  // libonnx 1.12's Conv shape inference reads the filter's spatial dims by
  // the input's rank without checking the filter's (a fuzz finding: null
  // read in convPoolShapeInference): check the ranks it would trust.
  llvm::StringMap<int> ranks;
  for (const onnx::ValueInfoProto &info : graph.input())
    if (info.type().has_tensor_type() && info.type().tensor_type().has_shape())
      ranks[info.name()] = info.type().tensor_type().shape().dim_size();
  for (const onnx::TensorProto &init : graph.initializer())
    ranks[init.name()] = init.dims_size();
  // Its convPoolShapeInference also divides by strides and multiplies by
  // dilations and kernel sizes unchecked (a fuzz finding: SIGFPE on a
  // MaxPool with strides = [0, 1]): they must be positive.
  static constexpr llvm::StringLiteral kConvPoolOps[] = {
      "Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool", "MaxUnpool"};
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    if (!llvm::is_contained(kConvPoolOps, node.op_type()))
      continue;
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.name() != "strides" && attr.name() != "dilations" &&
          attr.name() != "kernel_shape")
        continue;
      for (int64_t v : attr.ints())
        if (v <= 0)
          return emitError(nodeLoc(node, index))
                 << node.op_type() << " node '"
                 << cast<NameLoc>(nodeLoc(node, index)).getName().getValue()
                 << "': attribute '" << attr.name() << "' has the value " << v
                 << "; every entry must be positive";
    }
  }
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    if (node.op_type() != "Conv" || node.input_size() < 2)
      continue;
    auto x = ranks.find(node.input(0)), w = ranks.find(node.input(1));
    if (w == ranks.end())
      continue;
    if (w->second < 3 || (x != ranks.end() && x->second != w->second))
      return emitError(nodeLoc(node, index))
             << "Conv node '"
             << cast<NameLoc>(nodeLoc(node, index)).getName().getValue()
             << "': the filter '" << node.input(1) << "' has rank " << w->second
             << (x != ranks.end()
                     ? ", the input rank " + std::to_string(x->second)
                     : std::string())
             << "; they must be equal and at least 3";
  }
  // Declared value types (inputs, outputs, value_info): dynamic dims are
  // skipped, static ones must fit.
  auto checkValues = [&](const auto &values, llvm::StringRef what) {
    for (const onnx::ValueInfoProto &info : values) {
      if (!info.type().has_tensor_type() ||
          !info.type().tensor_type().has_shape())
        continue;
      llvm::SmallVector<int64_t> shape;
      for (const onnx::TensorShapeProto::Dimension &dim :
           info.type().tensor_type().shape().dim())
        shape.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
      if (std::optional<std::string> problem = checkShapeLimits(shape)) {
        emitError(fileLoc) << what << " '" << info.name() << "' has "
                           << *problem;
        return false;
      }
    }
    return true;
  };
  if (!checkValues(graph.input(), "input") ||
      !checkValues(graph.output(), "output") ||
      !checkValues(graph.value_info(), "value"))
    return failure();
  return success();
}

LogicalResult Importer::checkModel() {
  try {
    onnx::checker::CheckerContext ctx;
    ctx.set_model_dir(modelDir);
    onnx::checker::check_model(model, ctx);
  } catch (const std::exception &e) {
    return emitError(fileLoc) << "the ONNX checker rejected the model: "
                              << e.what();
  }
  return success();
}

LogicalResult Importer::checkOperators(int64_t opset) {
  const OpTable &table = getOpTable();
  bool ok = true;
  for (auto [index, node] : llvm::enumerate(model.graph().node())) {
    llvm::StringRef domain = node.domain();
    if ((domain.empty() || domain == "ai.onnx") &&
        table.lookup(node.op_type(), opset))
      continue;
    Location loc = nodeLoc(node, index);
    InFlightDiagnostic diag = emitError(loc);
    diag << "unsupported operator '";
    if (!domain.empty())
      diag << domain << ".";
    diag << node.op_type() << "'";
    if (domain.empty() || domain == "ai.onnx")
      diag << " (opset " << opset << ")";
    diag << " in node '"
         << cast<NameLoc>(loc).getName().getValue() << "' of '" << sourceName
         << "'";
    ok = false;
  }
  return success(ok);
}

LogicalResult
Importer::importInputs(SmallVectorImpl<Type> &types,
                       SmallVectorImpl<std::string> &names) {
  llvm::StringSet<> initializerNames;
  for (const onnx::TensorProto &init : model.graph().initializer())
    initializerNames.insert(init.name());
  llvm::StringSet<> inputNames;
  bool ok = true;
  for (const onnx::ValueInfoProto &input : model.graph().input()) {
    // Inputs that are also initializers (IR < 4 style) are weights.
    if (initializerNames.contains(input.name()))
      continue;
    inputNames.insert(input.name());
    Location loc = NameLoc::get(StringAttr::get(&context, input.name()), fileLoc);
    if (!input.type().has_tensor_type()) {
      emitError(loc) << "input '" << input.name()
                     << "' is not a tensor (sequence, map and optional "
                        "values are unsupported)";
      ok = false;
      continue;
    }
    const onnx::TypeProto::Tensor &tensorType = input.type().tensor_type();
    int32_t dtype = tensorType.elem_type();
    const InputSpec *spec = options.findInput(input.name());
    llvm::SmallVector<int64_t> shape;
    if (tensorType.has_shape()) {
      const onnx::TensorShapeProto &declared = tensorType.shape();
      if (spec && static_cast<int64_t>(spec->shape.size()) != declared.dim_size()) {
        emitError(loc) << "--io-config gives input '" << input.name()
                       << "' rank " << spec->shape.size() << " but the model "
                       << "declares rank " << declared.dim_size();
        ok = false;
        continue;
      }
      for (auto [i, dim] : llvm::enumerate(declared.dim())) {
        bool isStatic = dim.has_dim_value() && dim.dim_value() >= 0;
        if (spec) {
          if (isStatic && dim.dim_value() != spec->shape[i]) {
            emitError(loc) << "--io-config gives input '" << input.name()
                           << "' dimension " << i << " = " << spec->shape[i]
                           << " but the model declares " << dim.dim_value();
            ok = false;
          }
          shape.push_back(spec->shape[i]);
          continue;
        }
        if (!isStatic) {
          InFlightDiagnostic diag = emitError(loc);
          diag << "input '" << input.name() << "' has a dynamic dimension "
               << i;
          if (dim.has_dim_param())
            diag << " ('" << dim.dim_param() << "')";
          diag << "; fix it with --io-config";
          ok = false;
          continue;
        }
        shape.push_back(dim.dim_value());
      }
    } else if (spec) {
      shape.assign(spec->shape.begin(), spec->shape.end());
    } else {
      emitError(loc) << "input '" << input.name()
                     << "' has no declared shape; fix it with --io-config";
      ok = false;
      continue;
    }
    if (spec) {
      // The model's element type wins; an explicit different one (float32
      // is the io-config default) is an error.
      static const int32_t kindDTypes[] = {
          onnx::TensorProto::FLOAT, onnx::TensorProto::FLOAT16,
          onnx::TensorProto::BFLOAT16, onnx::TensorProto::INT64,
          onnx::TensorProto::INT32, onnx::TensorProto::INT8,
          onnx::TensorProto::BOOL};
      int32_t specDType = kindDTypes[static_cast<int>(spec->elementKind)];
      if (specDType != dtype && spec->elementKind != ElementKind::F32) {
        emitError(loc) << "--io-config gives input '" << input.name()
                       << "' element type "
                       << stringifyElementKind(spec->elementKind)
                       << " but the model declares " << dtypeName(dtype);
        ok = false;
        continue;
      }
    }
    Type elementType = getElementType(&context, dtype);
    if (!elementType) {
      emitError(loc) << "input '" << input.name() << "' has element type "
                     << dtypeName(dtype)
                     << ", unsupported by the graph dialect";
      ok = false;
      continue;
    }
    if (std::optional<std::string> problem = checkShapeLimits(shape)) {
      emitError(loc) << "input '" << input.name() << "' has " << *problem;
      ok = false;
      continue;
    }
    types.push_back(RankedTensorType::get(shape, elementType));
    names.push_back(input.name());
  }
  for (const InputSpec &spec : options.inputs) {
    if (inputNames.contains(spec.name))
      continue;
    InFlightDiagnostic diag = emitError(fileLoc);
    diag << "--io-config names input '" << spec.name
         << "', which the model does not have (inputs:";
    for (const onnx::ValueInfoProto &input : model.graph().input())
      if (inputNames.contains(input.name()))
        diag << " '" << input.name() << "'";
    diag << ")";
    ok = false;
  }
  return success(ok);
}

LogicalResult Importer::importNode(onnx::NodeProto &node, int64_t opset,
                                   size_t index) {
  Location loc = nodeLoc(node, index);
  const OpHandler *handler = getOpTable().lookup(node.op_type(), opset);
  if (!handler)
    return emitError(loc) << "unsupported operator '" << node.op_type() << "'";
  for (const std::string &input : node.input())
    if (!input.empty() && !lookup(input))
      return emitError(loc) << "node '"
                            << cast<NameLoc>(loc).getName().getValue()
                            << "' reads undefined tensor '" << input << "'";
  NodeBinder binder(*this, node, loc, opset,
                    cast<NameLoc>(loc).getName().getValue());
  if (failed((*handler)(binder)))
    return failure();
  // Shapes computed from constants (Expand, ConstantOfShape, Range, ...)
  // are held to the same limits as declared ones.
  for (const std::string &output : node.output())
    if (TensorEntry *entry = lookup(output))
      if (std::optional<std::string> problem = checkShapeLimits(entry->shape))
        return emitError(loc)
               << "node '" << cast<NameLoc>(loc).getName().getValue()
               << "' produces '" << output << "' with " << *problem;
  return success();
}

OwningOpRef<ModuleOp> Importer::run() {
  context.loadDialect<graph::GraphDialect, func::FuncDialect>();
  // Diagnostics located in a node name it, so errors raised by op builders
  // and verifiers point at the ONNX node too.
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    if (diag.getSeverity() != DiagnosticSeverity::Error)
      return failure();
    if (auto name = dyn_cast<NameLoc>(diag.getLocation())) {
      std::string message = diag.str();
      std::string quoted = "'" + name.getName().str() + "'";
      if (message.find(quoted) == std::string::npos)
        diag.attachNote(diag.getLocation())
            << "in ONNX node " << quoted;
    }
    return failure();
  });

  if (failed(checkLimits()) || failed(checkModel()))
    return nullptr;
  int64_t opset = -1;
  for (const onnx::OperatorSetIdProto &import : model.opset_import())
    if (import.domain().empty() || import.domain() == "ai.onnx")
      opset = import.version();
  sourceOpset = opset;
  if (opset >= 1 && opset < kMinOpset) {
    // An older model is brought to the importer's lowest opset by ONNX's own
    // version converter (Clip's and Pad's attributes become inputs, Upsample
    // becomes Resize, ...), which knows every op's history.
    try {
      // Some adapters (Gemm's, ...) need input shapes, as onnx's Python
      // binding provides them: infer first.
      onnx::shape_inference::InferShapes(model);
      model = onnx::version_conversion::ConvertVersion(model, kMinOpset);
    } catch (const std::exception &e) {
      emitError(fileLoc) << "model uses default-domain opset " << opset
                         << ", which ONNX's version converter could not bring to opset "
                         << kMinOpset << ": " << e.what();
      return nullptr;
    }
    opset = kMinOpset;
  }
  if (opset < kMinOpset || opset > kMaxOpset) {
    emitError(fileLoc) << "model uses default-domain opset " << opset
                       << "; the importer supports opsets 1-" << kMaxOpset
                       << " (those below " << kMinOpset
                       << " through ONNX's version converter)";
    return nullptr;
  }
  if (failed(checkOperators(opset)))
    return nullptr;

  SmallVector<Type> inputTypes;
  SmallVector<std::string> inputNames;
  if (failed(importInputs(inputTypes, inputNames)))
    return nullptr;

  // Fix the input shapes in the model so ONNX shape inference sees them.
  for (onnx::ValueInfoProto &input : *model.mutable_graph()->mutable_input()) {
    auto it = llvm::find(inputNames, input.name());
    if (it == inputNames.end())
      continue;
    auto type = cast<RankedTensorType>(inputTypes[it - inputNames.begin()]);
    onnx::TensorShapeProto *shape =
        input.mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->clear_dim();
    for (int64_t d : type.getShape())
      shape->add_dim()->set_dim_value(d);
  }
  try {
    onnx::shape_inference::InferShapes(model);
  } catch (const std::exception &e) {
    emitError(fileLoc) << "ONNX shape inference failed: " << e.what();
    return nullptr;
  }

  for (const onnx::NodeProto &node : model.graph().node())
    for (const std::string &input : node.input())
      ++useCounts[input];
  for (const onnx::ValueInfoProto &output : model.graph().output())
    ++useCounts[output.name()];

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc, options.functionName,
                                   builder.getFunctionType(inputTypes, {}));
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToEnd(body);

  for (onnx::TensorProto &init :
       *model.mutable_graph()->mutable_initializer()) {
    if (lookup(init.name()))
      continue;
    Location loc = NameLoc::get(StringAttr::get(&context, init.name()), fileLoc);
    if (failed(defineTensorProto(init.name(), init, loc)))
      return nullptr;
  }
  for (auto [i, name] : llvm::enumerate(inputNames)) {
    BlockArgument arg = body->getArgument(i);
    arg.setLoc(NameLoc::get(StringAttr::get(&context, name), fileLoc));
    define(name, arg);
  }

  for (auto [index, node] :
       llvm::enumerate(*model.mutable_graph()->mutable_node()))
    if (failed(importNode(node, opset, index)))
      return nullptr;

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : model.graph().output()) {
    Location loc = NameLoc::get(StringAttr::get(&context, output.name()), fileLoc);
    FailureOr<Value> value = getValue(output.name(), loc);
    if (failed(value))
      return nullptr;
    results.push_back(*value);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setType(builder.getFunctionType(inputTypes,
                                       ValueRange(results).getTypes()));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

/// Runs `fn`, turning any exception thrown by ONNX or protobuf into a
/// diagnostic at `loc`.
static OwningOpRef<ModuleOp>
guarded(MLIRContext &context, llvm::StringRef sourceName,
        llvm::function_ref<OwningOpRef<ModuleOp>()> fn) {
  try {
    return fn();
  } catch (const std::exception &e) {
    emitError(FileLineColLoc::get(&context, sourceName, 0, 0))
        << "failed to import the ONNX model: " << e.what();
  } catch (...) {
    emitError(FileLineColLoc::get(&context, sourceName, 0, 0))
        << "failed to import the ONNX model: unknown error";
  }
  return nullptr;
}

OwningOpRef<ModuleOp> neuron::importONNXModel(onnx::ModelProto &model,
                                              llvm::StringRef sourceName,
                                              llvm::StringRef modelDir,
                                              MLIRContext &context,
                                              const ImportOptions &options) {
  return guarded(context, sourceName, [&] {
    Importer importer(context, model, sourceName, modelDir, options);
    return importer.run();
  });
}

OwningOpRef<ModuleOp> neuron::importONNXFile(llvm::StringRef path,
                                             MLIRContext &context,
                                             const ImportOptions &options) {
  Location loc = FileLineColLoc::get(&context, path, 0, 0);
  uint64_t size = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(path, size)) {
    emitError(loc) << "cannot open ONNX model '" << path << "': " << ec.message();
    return nullptr;
  }
  if (size == 0) {
    emitError(loc) << "ONNX model '" << path << "' is empty";
    return nullptr;
  }
  if (size > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
    emitError(loc) << "ONNX model '" << path
                   << "' is larger than 2 GiB; store its weights as external "
                      "data";
    return nullptr;
  }
  int fd = -1;
  if (std::error_code ec = llvm::sys::fs::openFileForRead(path, fd)) {
    emitError(loc) << "cannot open ONNX model '" << path << "': " << ec.message();
    return nullptr;
  }
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  return guarded(context, path, [&]() -> OwningOpRef<ModuleOp> {
    onnx::ModelProto model;
    // Parse from a stream rather than a mapped copy of the file, so that the
    // file's bytes and the parsed weights are never resident at once: the
    // import peaks at about one copy of the weights.
    bool parsed;
    {
      google::protobuf::io::FileInputStream stream(fd);
      stream.SetCloseOnDelete(true);
      parsed = model.ParseFromZeroCopyStream(&stream) && stream.GetErrno() == 0;
    }
    if (!parsed || !model.has_graph()) {
      emitError(loc) << "'" << path
                     << "' is not a valid ONNX model (protobuf parsing failed; "
                        "the file may be truncated or not ONNX)";
      return nullptr;
    }
    Importer importer(context, model, path, dir, options);
    return importer.run();
  });
}

OwningOpRef<ModuleOp> neuron::importONNXText(llvm::StringRef text,
                                             llvm::StringRef sourceName,
                                             MLIRContext &context,
                                             const ImportOptions &options) {
  llvm::SmallString<256> dir(sourceName);
  llvm::sys::path::remove_filename(dir);
  return guarded(context, sourceName, [&]() -> OwningOpRef<ModuleOp> {
    onnx::ModelProto model;
    std::string source = text.str();
    onnx::Common::Status status = onnx::OnnxParser::Parse(model, source.c_str());
    if (!status.IsOK()) {
      emitError(FileLineColLoc::get(&context, sourceName, 0, 0))
          << "cannot parse ONNX text: " << status.ErrorMessage();
      return nullptr;
    }
    Importer importer(context, model, sourceName, dir, options);
    return importer.run();
  });
}

std::vector<std::string> neuron::getSupportedONNXOperators() {
  return getOpTable().describe();
}
