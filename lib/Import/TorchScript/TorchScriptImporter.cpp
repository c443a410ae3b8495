//===- TorchScriptImporter.cpp - traced TorchScript -> graph dialect ------===//
//
// Loads the archive with LibTorch, inlines every method call, and walks the
// straight-line graph once. Module attributes (parameters, buffers) are
// resolved from prim::GetAttr chains, which keeps their names and shares
// LibTorch's buffers instead of freezing a copy of the module. Everything
// known at import time (sizes, shape lists, constant subexpressions) is
// evaluated with LibTorch's own operator implementations; only tensor work on
// the inputs becomes graph ops.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "neuron/Import/TorchScript.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/inliner.h>

using namespace mlir;
using namespace neuron;
using namespace neuron::torchscript;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

Type torchscript::getElementType(MLIRContext *context, c10::ScalarType type) {
  Builder b(context);
  switch (type) {
  case c10::ScalarType::Float:
    return b.getF32Type();
  case c10::ScalarType::Half:
    return b.getF16Type();
  case c10::ScalarType::BFloat16:
    return b.getBF16Type();
  case c10::ScalarType::Long:
    return b.getI64Type();
  case c10::ScalarType::Int:
    return b.getI32Type();
  case c10::ScalarType::Char:
    return b.getI8Type();
  case c10::ScalarType::Bool:
    return b.getI1Type();
  default:
    return {};
  }
}

c10::ScalarType torchscript::getScalarType(Type type) {
  if (type.isF32())
    return c10::ScalarType::Float;
  if (type.isF16())
    return c10::ScalarType::Half;
  if (type.isBF16())
    return c10::ScalarType::BFloat16;
  if (type.isInteger(64))
    return c10::ScalarType::Long;
  if (type.isInteger(32))
    return c10::ScalarType::Int;
  if (type.isInteger(8))
    return c10::ScalarType::Char;
  if (type.isInteger(1))
    return c10::ScalarType::Bool;
  return c10::ScalarType::Float;
}

static Type elementKindType(MLIRContext *context, ElementKind kind) {
  Builder b(context);
  switch (kind) {
  case ElementKind::F32:
    return b.getF32Type();
  case ElementKind::F16:
    return b.getF16Type();
  case ElementKind::BF16:
    return b.getBF16Type();
  case ElementKind::I64:
    return b.getI64Type();
  case ElementKind::I32:
    return b.getI32Type();
  case ElementKind::I8:
    return b.getI8Type();
  case ElementKind::Bool:
    return b.getI1Type();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Importer
//===----------------------------------------------------------------------===//

/// LibTorch messages carry a backtrace after the first line; some start with
/// a newline.
static std::string firstLine(StringRef message) {
  message = message.ltrim("\n ");
  return message.take_until([](char c) { return c == '\n'; }).str();
}

Importer::Importer(MLIRContext &context, StringRef path,
                   const ImportOptions &options)
    : context(context), path(path.str()), options(options), builder(&context) {
  context.loadDialect<graph::GraphDialect, func::FuncDialect>();
}

Location Importer::getLoc(torch::jit::Node *node) {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  // The Python source line that produced the node, when the archive kept it.
  // Prefer the traced Python source over the archive's generated code.
  torch::jit::SourceRange range = node->sourceRange();
  if (range.source())
    if (auto original = range.findSourceRangeThatGenerated())
      range = *original;
  if (range.source())
    if (auto where = range.file_line_col()) {
      auto [file, line, col] = *where;
      fileLoc = FileLineColLoc::get(&context, file, line, col);
    }
  return NameLoc::get(StringAttr::get(&context, node->kind().toQualString()),
                      fileLoc);
}

LogicalResult Importer::error(torch::jit::Node *node, const Twine &message) {
  emitError(getLoc(node)) << node->kind().toQualString() << ": " << message;
  return failure();
}

LogicalResult Importer::load() {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  if (!llvm::sys::fs::exists(path))
    return emitError(fileLoc) << "no such file: '" << path << "'";
  try {
    torchModule = torch::jit::load(path);
    torchModule.eval();
    auto method = torchModule.find_method("forward");
    if (!method)
      return emitError(fileLoc) << "the TorchScript module in '" << path
                                << "' has no forward method";
    graph = method->graph()->copy();
    torch::jit::Inline(*graph);
    torch::jit::EliminateDeadCode(graph);
    for (const auto &param : torchModule.named_parameters(/*recurse=*/true))
      parameterNames[param.value.unsafeGetTensorImpl()] = param.name;
    for (const auto &buffer : torchModule.named_buffers(/*recurse=*/true))
      parameterNames[buffer.value.unsafeGetTensorImpl()] = buffer.name;
  } catch (const std::exception &e) {
    return emitError(fileLoc)
           << "'" << path << "' is not a readable TorchScript archive: "
           << firstLine(e.what());
  }
  return success();
}

LogicalResult Importer::createFunction() {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  auto inputs = graph->inputs();
  if (inputs.empty())
    return emitError(fileLoc) << "forward() takes no self argument";
  SmallVector<Type> argTypes;
  std::vector<const torch::jit::Value *> tensorInputs;
  llvm::StringSet<> seen;
  bool ok = true;
  for (size_t i = 1; i < inputs.size(); ++i) {
    const torch::jit::Value *input = inputs[i];
    std::string name = input->debugNameBase();
    seen.insert(name);
    if (!input->type()->cast<c10::TensorType>()) {
      emitError(fileLoc) << "input '" << name << "' has type "
                         << input->type()->repr_str()
                         << "; only tensor inputs are supported";
      ok = false;
      continue;
    }
    const InputSpec *spec = options.findInput(name);
    if (!spec) {
      // A saved archive does not record the traced shapes.
      emitError(fileLoc)
          << "input '" << name
          << "' has no static shape: TorchScript archives do not store the "
             "traced input shapes; give every input with --io-config, e.g. "
             "'{\"inputs\": {\""
          << name << "\": [[1, 3, 224, 224], \"float32\"]}}'";
      ok = false;
      continue;
    }
    argTypes.push_back(RankedTensorType::get(
        spec->shape, elementKindType(&context, spec->elementKind)));
    tensorInputs.push_back(input);
  }
  for (const InputSpec &spec : options.inputs) {
    if (!seen.contains(spec.name)) {
      std::string names;
      for (size_t i = 1; i < inputs.size(); ++i)
        names += (i > 1 ? ", " : "") + inputs[i]->debugNameBase();
      emitError(fileLoc) << "--io-config names input '" << spec.name
                         << "', which the model does not have (inputs: "
                         << names << ")";
      ok = false;
    }
  }
  if (!ok)
    return failure();

  module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  function = func::FuncOp::create(builder, fileLoc, options.functionName,
                                  builder.getFunctionType(argTypes, {}));
  Block *entry = function.addEntryBlock();
  for (auto [i, input] : llvm::enumerate(tensorInputs)) {
    values[input] = TorchValue::ofTensor(entry->getArgument(i));
    function.setArgAttr(i, "graph.name",
                        builder.getStringAttr(input->debugNameBase()));
  }
  // `self` is the module object, resolved by prim::GetAttr.
  values[inputs[0]] = TorchValue::ofConstant(torchModule._ivalue());
  builder.setInsertionPointToEnd(entry);
  return success();
}

//===----------------------------------------------------------------------===//
// Argument accessors
//===----------------------------------------------------------------------===//

/// Returns the import-time value of input `i`, or null.
static const c10::IValue *constantInput(Importer &imp, torch::jit::Node *node,
                                        size_t i) {
  if (i >= node->inputs().size())
    return nullptr;
  TorchValue &v = imp.lookup(node->input(i));
  return v.kind == TorchValue::Kind::Constant ? &v.constant : nullptr;
}

bool Importer::isConstant(torch::jit::Node *node, size_t i) {
  return constantInput(*this, node, i) != nullptr;
}

bool Importer::isNone(torch::jit::Node *node, size_t i) {
  const c10::IValue *v = constantInput(*this, node, i);
  return v && v->isNone();
}

std::optional<int64_t> Importer::getInt(torch::jit::Node *node, size_t i) {
  const c10::IValue *v = constantInput(*this, node, i);
  if (!v)
    return std::nullopt;
  if (v->isInt())
    return v->toInt();
  if (v->isBool())
    return v->toBool();
  if (v->isTensor() && v->toTensor().numel() == 1 &&
      !v->toTensor().is_floating_point())
    return v->toTensor().item<int64_t>();
  return std::nullopt;
}

std::optional<double> Importer::getDouble(torch::jit::Node *node, size_t i) {
  const c10::IValue *v = constantInput(*this, node, i);
  if (!v)
    return std::nullopt;
  if (v->isDouble())
    return v->toDouble();
  if (v->isInt())
    return static_cast<double>(v->toInt());
  if (v->isBool())
    return v->toBool() ? 1.0 : 0.0;
  if (v->isTensor() && v->toTensor().numel() == 1)
    return v->toTensor().item<double>();
  return std::nullopt;
}

std::optional<bool> Importer::getBool(torch::jit::Node *node, size_t i) {
  const c10::IValue *v = constantInput(*this, node, i);
  if (v && v->isBool())
    return v->toBool();
  if (v && v->isInt())
    return v->toInt() != 0;
  return std::nullopt;
}

std::optional<SmallVector<int64_t>> Importer::getIntList(torch::jit::Node *node,
                                                         size_t i) {
  const c10::IValue *v = constantInput(*this, node, i);
  if (!v)
    return std::nullopt;
  if (v->isIntList()) {
    auto list = v->toIntVector();
    return SmallVector<int64_t>(list.begin(), list.end());
  }
  if (v->isInt())
    return SmallVector<int64_t>{v->toInt()};
  if (v->isList()) {
    SmallVector<int64_t> result;
    for (const c10::IValue &e : v->toListRef()) {
      if (!e.isInt())
        return std::nullopt;
      result.push_back(e.toInt());
    }
    return result;
  }
  return std::nullopt;
}

std::optional<std::string> Importer::getString(torch::jit::Node *node,
                                               size_t i) {
  const c10::IValue *v = constantInput(*this, node, i);
  if (v && v->isString())
    return v->toStringRef();
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Materialization
//===----------------------------------------------------------------------===//

/// Weights up to this many elements are inline graph.constant values.
static constexpr int64_t kInlineConstantElements = 16;

/// Returns `name` with the characters a resource key cannot hold replaced.
static std::string blobKey(StringRef name) {
  std::string key;
  for (char c : name)
    key += llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_';
  return key;
}

FailureOr<Value> Importer::materialize(const at::Tensor &original, Location loc,
                                       Type elementType) {
  at::Tensor tensor = original;
  if (!elementType) {
    // float64 constants become float32, the dtype the graph computes in.
    c10::ScalarType st = tensor.scalar_type();
    if (st == c10::ScalarType::Double)
      st = c10::ScalarType::Float;
    elementType = getElementType(&context, st);
    if (!elementType)
      return emitError(loc) << "constant tensor of dtype "
                            << c10::toString(tensor.scalar_type())
                            << " is not supported (supported: float32, "
                               "float16, bfloat16, int64, int32, int8, bool)";
  }
  c10::ScalarType target = getScalarType(elementType);
  bool converted = tensor.scalar_type() != target || !tensor.is_contiguous();
  const c10::TensorImpl *key = original.unsafeGetTensorImpl();
  if (!converted)
    if (auto it = weights.find(key); it != weights.end())
      return it->second;

  tensor = tensor.to(target).contiguous();
  SmallVector<int64_t> shape(tensor.sizes().begin(), tensor.sizes().end());
  auto type = RankedTensorType::get(shape, elementType);
  auto nameIt = parameterNames.find(key);
  bool named = nameIt != parameterNames.end();

  OpBuilder::InsertionGuard guard(builder);
  // Weights and constants go to the top of the function, in order of first
  // use, where every later use is dominated by them.
  if (lastConstant)
    builder.setInsertionPointAfter(lastConstant);
  else
    builder.setInsertionPointToStart(&function.getBody().front());
  if (!named && tensor.numel() <= kInlineConstantElements) {
    DenseElementsAttr attr;
    if (elementType.isInteger(1)) {
      SmallVector<bool> bits;
      for (int64_t i = 0, e = tensor.numel(); i < e; ++i)
        bits.push_back(tensor.data_ptr<bool>()[i]);
      attr = DenseElementsAttr::get(type, bits);
    } else {
      ArrayRef<char> raw(static_cast<const char *>(tensor.data_ptr()),
                         tensor.nbytes());
      attr = DenseElementsAttr::getFromRawBuffer(type, raw);
    }
    lastConstant = graph::ConstantOp::create(builder, loc, attr);
    return lastConstant->getResult(0);
  }

  std::string name = named ? nameIt->second
                           : "constant." + std::to_string(anonymousConstants++);
  if (converted && named)
    name += "." + std::string(c10::toString(target));
  // The blob shares LibTorch's buffer: the deleter keeps the tensor alive.
  char *data = static_cast<char *>(tensor.data_ptr());
  size_t bytes = tensor.nbytes();
  size_t alignment =
      reinterpret_cast<uintptr_t>(data) % 64 == 0 ? 64 : tensor.element_size();
  AsmResourceBlob blob(
      ArrayRef<char>(data, bytes), alignment,
      [keep = tensor](void *, size_t, size_t) mutable { keep.reset(); },
      /*dataIsMutable=*/false);
  auto attr =
      DenseResourceElementsAttr::get(type, blobKey(name), std::move(blob));
  Value weight =
      graph::WeightOp::create(builder, loc, builder.getStringAttr(name), attr);
  lastConstant = weight.getDefiningOp();
  if (!converted)
    weights[key] = weight;
  return weight;
}

Value Importer::splat(Location loc, RankedTensorType type, double value) {
  Attribute element;
  Type et = type.getElementType();
  if (isa<FloatType>(et))
    element = builder.getFloatAttr(et, value);
  else if (et.isInteger(1))
    element = builder.getBoolAttr(value != 0);
  else
    element = builder.getIntegerAttr(et, static_cast<int64_t>(value));
  return graph::ConstantOp::create(builder, loc,
                                   SplatElementsAttr::get(type, element));
}

Value Importer::castTo(Location loc, Value v, Type elementType) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elementType)
    return v;
  return graph::CastOp::create(builder, loc, type.clone(elementType), v);
}

FailureOr<Value> Importer::getTensor(torch::jit::Node *node, size_t i,
                                     Type elementType) {
  TorchValue &v = lookup(node->input(i));
  Location loc = getLoc(node);
  if (v.kind == TorchValue::Kind::Tensor)
    return elementType ? castTo(loc, v.tensor, elementType) : v.tensor;
  if (v.kind == TorchValue::Kind::Constant) {
    const c10::IValue &c = v.constant;
    if (c.isTensor())
      return materialize(c.toTensor(), loc, elementType);
    if (c.isDouble() || c.isInt() || c.isBool()) {
      Type et = elementType;
      if (!et)
        et = c.isDouble() ? Type(builder.getF32Type())
             : c.isInt()  ? Type(builder.getI64Type())
                          : Type(builder.getI1Type());
      double value = c.isDouble() ? c.toDouble()
                     : c.isInt()  ? static_cast<double>(c.toInt())
                                  : (c.toBool() ? 1.0 : 0.0);
      return splat(loc, RankedTensorType::get({}, et), value);
    }
  }
  return error(node, "operand #" + Twine(i) + " must be a tensor");
}

//===----------------------------------------------------------------------===//
// Walking the graph
//===----------------------------------------------------------------------===//

LogicalResult Importer::importGetAttr(torch::jit::Node *node) {
  const c10::IValue *object = constantInput(*this, node, 0);
  if (!object || !object->isObject())
    return error(node, "attribute access on a value that is not a module");
  setConstant(node, 0, object->toObjectRef().getAttr(node->s(c10::attr::name)));
  return success();
}

LogicalResult Importer::foldNode(torch::jit::Node *node) {
  // Evaluate with LibTorch's own kernel: every input is known at import.
  try {
    torch::jit::Stack stack;
    for (size_t i = 0; i < node->inputs().size(); ++i)
      stack.push_back(*constantInput(*this, node, i));
    node->getOperation()(stack);
    if (stack.size() != node->outputs().size())
      return error(node, "constant evaluation gave an unexpected result");
    for (size_t i = 0; i < stack.size(); ++i)
      setConstant(node, i, stack[i]);
  } catch (const std::exception &e) {
    return error(node,
                 "cannot evaluate at import time: " + firstLine(e.what()));
  }
  return success();
}

LogicalResult Importer::importNode(torch::jit::Node *node) {
  c10::Symbol kind = node->kind();
  if (kind == c10::prim::Constant) {
    auto value = torch::jit::toIValue(node->output());
    if (!value)
      return error(node, "constant of an unsupported kind");
    setConstant(node, 0, *value);
    return success();
  }
  if (kind == c10::prim::GetAttr)
    return importGetAttr(node);

  // A value whose inputs are all known at import is folded, not imported.
  bool allConstant = llvm::all_of(node->inputs(), [&](torch::jit::Value *v) {
    return lookup(v).kind == TorchValue::Kind::Constant;
  });
  const auto &handlers = getHandlers();
  auto it = handlers.find(kind.toQualString());
  // prim ops (lists, tuples) have no standalone kernels: their handlers
  // deal with constants themselves.
  if (allConstant && !node->isNondeterministic() && node->blocks().empty() &&
      (it == handlers.end() || !kind.is_prim()))
    return foldNode(node);
  if (it == handlers.end()) {
    unsupported.emplace_back(kind.toQualString(), getLoc(node));
    return failure();
  }
  return it->second(*this, node);
}

void Importer::flattenOutputs(const TorchValue &value, Location loc,
                              SmallVectorImpl<Value> &outputs, bool &ok) {
  switch (value.kind) {
  case TorchValue::Kind::Tensor:
    outputs.push_back(value.tensor);
    return;
  case TorchValue::Kind::Sequence:
    for (const TorchValue &e : value.elements)
      flattenOutputs(e, loc, outputs, ok);
    return;
  case TorchValue::Kind::Constant:
    if (value.constant.isTensor()) {
      FailureOr<Value> v = materialize(value.constant.toTensor(), loc);
      if (succeeded(v)) {
        outputs.push_back(*v);
        return;
      }
    } else if (value.constant.isTuple() || value.constant.isList()) {
      for (const c10::IValue &e : value.constant.isTuple()
                                      ? value.constant.toTupleRef().elements()
                                      : value.constant.toListRef())
        flattenOutputs(TorchValue::ofConstant(e), loc, outputs, ok);
      return;
    }
    emitError(loc) << "the model returns a value that is not a tensor";
    ok = false;
    return;
  default:
    ok = false;
    return;
  }
}

LogicalResult Importer::createReturn() {
  Location loc = FileLineColLoc::get(&context, path, 0, 0);
  SmallVector<Value> outputs;
  bool ok = true;
  for (torch::jit::Value *out : graph->outputs())
    flattenOutputs(lookup(out), loc, outputs, ok);
  if (!ok)
    return failure();
  func::ReturnOp::create(builder, loc, outputs);
  function.setType(builder.getFunctionType(function.getArgumentTypes(),
                                           TypeRange(ValueRange(outputs))));
  return success();
}

OwningOpRef<ModuleOp> Importer::run() {
  if (failed(load()) || failed(createFunction()))
    return nullptr;
  bool failedAny = false;
  for (torch::jit::Node *node : graph->nodes()) {
    // Values downstream of an error are skipped, so that one bad operator
    // does not cause a cascade of messages.
    bool poisoned = llvm::any_of(node->inputs(), [&](torch::jit::Value *v) {
      TorchValue::Kind k = lookup(v).kind;
      return k == TorchValue::Kind::Poisoned || k == TorchValue::Kind::Unset;
    });
    if (poisoned || failed(importNode(node))) {
      failedAny = true;
      for (torch::jit::Value *out : node->outputs())
        values[out].kind = TorchValue::Kind::Poisoned;
    }
  }
  if (!unsupported.empty()) {
    // Every unsupported operator, not just the first.
    llvm::StringMap<unsigned> counts;
    for (auto &[name, loc] : unsupported)
      ++counts[name];
    std::vector<std::string> names;
    for (auto &entry : counts)
      names.push_back(entry.getKey().str() + " (" +
                      std::to_string(entry.getValue()) + "x)");
    llvm::sort(names);
    for (auto &[name, loc] : unsupported)
      emitError(loc) << "unsupported operator '" << name << "' in '" << path
                     << "'";
    InFlightDiagnostic diag =
        emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "'" << path << "' uses " << counts.size()
        << " unsupported operator(s): ";
    llvm::interleaveComma(names, diag);
    diag << "; see `neuron-cc list-operators --framework PYTORCH`";
  }
  if (failedAny || failed(createReturn()))
    return nullptr;
  if (failed(verify(*module)))
    return nullptr;
  return std::move(module);
}

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp>
neuron::importTorchScriptFile(StringRef path, MLIRContext &context,
                              const ImportOptions &options) {
  try {
    return Importer(context, path, options).run();
  } catch (const std::exception &e) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "TorchScript import failed: " << firstLine(e.what());
    return nullptr;
  }
}

std::vector<std::string> neuron::getSupportedTorchScriptOperators() {
  std::vector<std::string> names;
  for (const auto &entry : getHandlers())
    names.push_back(entry.getKey().str());
  names.push_back("prim::Constant");
  names.push_back("prim::GetAttr");
  llvm::sort(names);
  return names;
}
