//===- ONNXImporter.h - internals shared by the ONNX importer ---*- C++ -*-===//
//
// The importer walks the ONNX graph once, in order. Every tensor name maps to
// an entry that holds either an MLIR value, a small constant known at import
// time (so shape computations fold), or an initializer that becomes a
// `graph.weight` on first use. Each operator is imported by a handler
// registered in an `OpTable` under (op type, since-opset); handlers see the
// node through a `NodeBinder`, which parses inputs and attributes and fails
// with a located diagnostic instead of asserting.
//
//===----------------------------------------------------------------------===//

#ifndef NEURON_LIB_IMPORT_ONNX_ONNXIMPORTER_H
#define NEURON_LIB_IMPORT_ONNX_ONNXIMPORTER_H

#include "neuron/Dialect/Graph/IR/GraphBuilder.h"
#include "neuron/Dialect/Graph/IR/GraphOps.h"
#include "neuron/Import/ONNX.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class MemoryBuffer;
} // namespace llvm

namespace neuron::onnx_import {

/// Lowest and highest default-domain opset the importer accepts.
constexpr int64_t kMinOpset = 11;
constexpr int64_t kMaxOpset = 17;

/// Largest tensor (in elements) kept as a known constant for folding.
constexpr int64_t kMaxFoldElements = 65536;

/// Limits that keep a hostile model from making the importer (or the
/// compiler after it) allocate or loop without bound; checked before
/// anything is sized from the model. docs/Security.md lists them.
/// Largest tensor, in elements (the runtime refuses tensors over 64 GiB).
constexpr int64_t kMaxTensorElements = int64_t(1) << 36;
/// Highest tensor rank (the artifact format's ManifestLimits::maxRank).
constexpr int64_t kMaxRank = 16;
/// Most nodes and most initializers of a graph.
constexpr int64_t kMaxNodes = int64_t(1) << 20;
constexpr int64_t kMaxInitializers = int64_t(1) << 20;

/// Returns a description of how `shape` breaks kMaxRank or
/// kMaxTensorElements (negative dimensions are left to the caller), or
/// std::nullopt if it is within them.
std::optional<std::string> checkShapeLimits(llvm::ArrayRef<int64_t> shape);

/// Returns what is inconsistent in a tensor proto's data (a negative or
/// over-limit shape; raw_data together with typed fields; a value or byte
/// count that disagrees with the shape), or std::nullopt. Run on every
/// initializer and Constant before libonnx's checker and shape inference,
/// which trust these and can crash otherwise.
std::optional<std::string> checkTensorData(const onnx::TensorProto &proto);

/// Returns true for ONNX floating-point data types.
bool isFloatDType(int32_t dtype);
/// Returns the ONNX name of a data type (`FLOAT`, `DOUBLE`, ...).
std::string dtypeName(int32_t dtype);
/// Returns the graph element type for an ONNX data type, or null if the
/// graph dialect does not model it.
mlir::Type getElementType(mlir::MLIRContext *context, int32_t dtype);
/// Returns the ONNX data type of a graph element type (0 if none).
int32_t getDType(mlir::Type elementType);
/// Formats a shape as `[2, 3]` for diagnostics.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Converts `value` to int64 as an integer Cast does, saturating at the
/// type's range and mapping NaN to 0 (a plain cast of an out-of-range double
/// is undefined behaviour, and constants come straight from the model).
inline int64_t saturatingToInt64(double value) {
  if (std::isnan(value))
    return 0;
  if (value >= 9223372036854775808.0)
    return std::numeric_limits<int64_t>::max();
  if (value < -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

/// Two's-complement int64 arithmetic for folding constants (wrapping, as
/// the runtime's int64 kernels do; signed overflow is undefined behaviour).
/// Division by zero folds to 0 and INT64_MIN / -1 to INT64_MIN.
inline int64_t wrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) +
                              static_cast<uint64_t>(b));
}
inline int64_t wrappingSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) -
                              static_cast<uint64_t>(b));
}
inline int64_t wrappingMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) *
                              static_cast<uint64_t>(b));
}
inline int64_t wrappingDiv(int64_t a, int64_t b) {
  if (b == 0)
    return 0;
  if (b == -1)
    return wrappingSub(0, a);
  return a / b;
}

/// A small tensor whose value is known at import time. Integer and bool
/// values live in `ints`, floating-point values in `floats` (as double; they
/// are rounded to the data type when materialized).
struct ConstTensor {
  int32_t dtype = onnx::TensorProto::INT64;
  llvm::SmallVector<int64_t> shape;
  std::vector<int64_t> ints;
  std::vector<double> floats;

  bool isFloat() const { return isFloatDType(dtype); }
  int64_t size() const {
    return isFloat() ? static_cast<int64_t>(floats.size())
                     : static_cast<int64_t>(ints.size());
  }
  double getDouble(int64_t i) const {
    return isFloat() ? floats[i] : static_cast<double>(ints[i]);
  }
  int64_t getInt(int64_t i) const {
    return isFloat() ? saturatingToInt64(floats[i]) : ints[i];
  }
  /// Appends element `i` of `other` (converted to this tensor's kind).
  void append(const ConstTensor &other, int64_t i) {
    if (isFloat())
      floats.push_back(other.getDouble(i));
    else
      ints.push_back(other.getInt(i));
  }
  /// Returns an empty tensor of `dtype` and `shape` (values to be appended).
  static ConstTensor empty(int32_t dtype, llvm::ArrayRef<int64_t> shape) {
    ConstTensor t;
    t.dtype = dtype;
    t.shape.assign(shape.begin(), shape.end());
    return t;
  }
  /// Returns an int64 tensor.
  static ConstTensor ofInts(llvm::ArrayRef<int64_t> values,
                            llvm::ArrayRef<int64_t> shape) {
    ConstTensor t = empty(onnx::TensorProto::INT64, shape);
    t.ints.assign(values.begin(), values.end());
    return t;
  }
  /// Returns the values as int64 (floats truncated).
  llvm::SmallVector<int64_t> toInts() const {
    llvm::SmallVector<int64_t> out;
    for (int64_t i = 0, e = size(); i < e; ++i)
      out.push_back(getInt(i));
    return out;
  }
};

/// Returns the number of elements of `shape`, saturated at INT64_MAX (the
/// product of hostile dimensions must not overflow).
int64_t numElements(llvm::ArrayRef<int64_t> shape);

/// Converts `value` to what an element of `dtype` holds (integer truncation,
/// bool as 0/1), as Cast does.
double convertScalar(double value, int32_t dtype);

class Importer;
class NodeBinder;

/// Imports one node; returns failure after emitting a diagnostic.
using OpHandler = std::function<mlir::LogicalResult(NodeBinder &)>;

/// Handlers keyed by (op type, since-opset), as in onnx-mlir and
/// torch-mlir's `onOp`.
class OpTable {
public:
  /// Registers `handler` for `name` from opset `sinceVersion` until the next
  /// registered version of the same op.
  void onOp(llvm::StringRef name, int64_t sinceVersion, OpHandler handler);
  /// Returns the handler for `name` in a model of default-domain `opset`.
  const OpHandler *lookup(llvm::StringRef name, int64_t opset) const;
  /// Returns "Name (opsets A-B)" for every op, sorted.
  std::vector<std::string> describe() const;

private:
  std::map<std::string, std::map<int64_t, OpHandler>> handlers;
};

/// Returns the table of every handler (built once).
const OpTable &getOpTable();

// Handler registration, one function per source file (alphabetical split).
void populateOpsAtoF(OpTable &table);
void populateOpsGtoP(OpTable &table);
void populateOpsQtoZ(OpTable &table);
/// Ops lowered to compositions of graph ops (OpsComposite.cpp).
void populateOpsComposite(OpTable &table);

/// One imported tensor name.
struct TensorEntry {
  /// The SSA value, once materialized.
  mlir::Value value;
  /// The value, when known at import time and small.
  std::optional<ConstTensor> constant;
  /// An initializer (or a large Constant) not yet materialized as a weight.
  onnx::TensorProto *initializer = nullptr;
  /// Shape and data type without materializing (valid for every entry).
  llvm::SmallVector<int64_t> shape;
  int32_t dtype = 0;
  /// Where the tensor was defined.
  mlir::Location loc;
};

/// The state of one import.
class Importer {
public:
  Importer(mlir::MLIRContext &context, onnx::ModelProto &model,
           llvm::StringRef sourceName, llvm::StringRef modelDir,
           const ImportOptions &options);
  ~Importer();

  /// Runs the import; returns null after emitting diagnostics on failure.
  mlir::OwningOpRef<mlir::ModuleOp> run();

  mlir::MLIRContext *getContext() { return &context; }
  mlir::OpBuilder &getBuilder() { return builder; }
  mlir::Location getFileLoc() { return fileLoc; }
  /// The model's default-domain opset as written, before the version
  /// converter brought an older model to kMinOpset; for the few semantics
  /// the converter leaves alone (PRelu's per-channel slope before opset 7).
  int64_t getSourceOpset() const { return sourceOpset; }

  /// Returns the entry for `name`, or nullptr if no tensor has that name.
  TensorEntry *lookup(llvm::StringRef name);
  /// Returns the value of tensor `name`, materializing constants and weights.
  mlir::FailureOr<mlir::Value> getValue(llvm::StringRef name,
                                        mlir::Location useLoc);
  /// Defines tensor `name`.
  void define(llvm::StringRef name, mlir::Value value);
  void defineConstant(llvm::StringRef name, ConstTensor value,
                      mlir::Location loc);
  /// Defines `name` as another name for tensor `from`.
  mlir::LogicalResult alias(llvm::StringRef name, llvm::StringRef from,
                            mlir::Location loc);
  /// Defines `name` as a large tensor given by `proto` (a weight).
  mlir::LogicalResult defineTensorProto(llvm::StringRef name,
                                        onnx::TensorProto &proto,
                                        mlir::Location loc);

  /// Decodes a (small) tensor proto.
  mlir::FailureOr<ConstTensor> decodeTensor(const onnx::TensorProto &proto,
                                            mlir::Location loc);
  /// Materializes a constant as `graph.constant`.
  mlir::FailureOr<mlir::Value> materialize(const ConstTensor &value,
                                           llvm::StringRef name,
                                           mlir::Location loc);
  /// Returns the number of uses of tensor `name` as a node input or graph
  /// output.
  unsigned getUseCount(llvm::StringRef name) const {
    auto it = useCounts.find(name);
    return it == useCounts.end() ? 0 : it->second;
  }

private:
  mlir::LogicalResult checkLimits();
  mlir::LogicalResult checkModel();
  mlir::LogicalResult checkOperators(int64_t opset);
  mlir::LogicalResult importInputs(mlir::SmallVectorImpl<mlir::Type> &types,
                                   mlir::SmallVectorImpl<std::string> &names);
  mlir::LogicalResult importNode(onnx::NodeProto &node, int64_t opset,
                                 size_t index);
  mlir::FailureOr<mlir::Value> materializeWeight(llvm::StringRef name,
                                                 TensorEntry &entry);
  /// Returns the bytes of `proto`'s raw or external data, or std::nullopt if
  /// the data is in typed fields.
  mlir::FailureOr<std::optional<llvm::ArrayRef<char>>>
  getRawData(const onnx::TensorProto &proto, mlir::Location loc,
             std::unique_ptr<llvm::MemoryBuffer> *owner);
  mlir::Location nodeLoc(const onnx::NodeProto &node, size_t index);

  mlir::MLIRContext &context;
  onnx::ModelProto &model;
  std::string sourceName;
  std::string modelDir;
  const ImportOptions &options;
  mlir::OpBuilder builder;
  mlir::Location fileLoc;
  llvm::StringMap<TensorEntry> tensors;
  llvm::StringMap<unsigned> useCounts;
  int64_t sourceOpset = -1;
  /// External data files read by getRawData for small tensors.
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> buffers;
};

/// A view of one node for its handler.
class NodeBinder {
public:
  NodeBinder(Importer &importer, onnx::NodeProto &node, mlir::Location loc,
             int64_t opset, llvm::StringRef displayName)
      : importer(importer), node(node), loc(loc), opset(opset),
        displayName(displayName.str()) {}

  Importer &importer;
  onnx::NodeProto &node;
  mlir::Location loc;
  int64_t opset;
  std::string displayName;

  mlir::OpBuilder &builder() { return importer.getBuilder(); }
  mlir::MLIRContext *getContext() { return importer.getContext(); }

  /// Emits an error naming the node and its op type.
  mlir::InFlightDiagnostic emitError();
  /// Emits "unsupported ..." naming the node (used for attribute values and
  /// element types the graph dialect does not model).
  mlir::InFlightDiagnostic emitUnsupported();

  // Inputs.
  /// Returns true if input `i` is given (present with a non-empty name).
  bool hasInput(int i) const {
    return i < node.input_size() && !node.input(i).empty();
  }
  int numInputs() const { return node.input_size(); }
  /// Fails with a diagnostic unless inputs [min, max] are given.
  mlir::LogicalResult requireInputs(int min, int max = -1);
  /// A variadic input list (Concat, Sum, Max, ...): at least `min` inputs,
  /// none of them omitted (an empty name).
  mlir::LogicalResult requireVariadicInputs(int min);
  llvm::ArrayRef<int64_t> shape(int i);
  int64_t rank(int i) { return static_cast<int64_t>(shape(i).size()); }
  int32_t dtype(int i);
  /// Returns the known value of input `i`, or nullptr.
  const ConstTensor *constant(int i);
  /// Returns the known value of input `i`, or fails with a diagnostic that
  /// `what` must be a constant.
  mlir::FailureOr<const ConstTensor *> requireConstant(int i,
                                                       llvm::StringRef what);
  /// Returns true if every given input is a known constant.
  bool allConstant();
  /// Returns the value of input `i`, materializing it.
  mlir::FailureOr<mlir::Value> value(int i);
  /// Returns the value of input `i`, failing unless its element type is a
  /// float.
  mlir::FailureOr<mlir::Value> floatValue(int i);
  /// floatValue of an optional input (a bias): a null value when absent.
  mlir::FailureOr<mlir::Value> optionalFloatValue(int i);

  // Attributes.
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t attrInt(llvm::StringRef name, int64_t dflt) const;
  float attrFloat(llvm::StringRef name, float dflt) const;
  std::string attrString(llvm::StringRef name, llvm::StringRef dflt) const;
  std::optional<llvm::SmallVector<int64_t>>
  attrInts(llvm::StringRef name) const;

  // Outputs.
  int numOutputs() const { return node.output_size(); }
  /// Returns true if output `i` exists and something reads it.
  bool outputUsed(int i) const;
  /// Fails unless only the first `count` outputs are used.
  mlir::LogicalResult requireUnusedOutputsFrom(int count);
  void setResult(int i, mlir::Value value);
  void setConstant(int i, ConstTensor value);

  /// Creates an op whose result types are inferred, failing with the op's
  /// diagnostic (not a fatal error) if inference fails. `args` are those of
  /// the op's builder after the result type.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<mlir::Operation *> createInferred(Args &&...args) {
    mlir::OperationState state(loc, OpTy::getOperationName());
    // The builder taking a result type records operands and properties; the
    // placeholder type is replaced by the inferred one.
    OpTy::build(builder(), state, mlir::Type(), std::forward<Args>(args)...);
    state.types.clear();
    llvm::SmallVector<mlir::Type> types;
    if (mlir::failed(OpTy::inferReturnTypes(
            getContext(), loc, state.operands,
            state.attributes.getDictionary(getContext()),
            state.getRawProperties(), state.regions, types)))
      return mlir::failure();
    state.addTypes(types);
    return builder().create(state);
  }
  /// Like createInferred for a one-result op; defines output 0.
  template <typename OpTy, typename... Args>
  mlir::LogicalResult emitInferred(Args &&...args) {
    mlir::FailureOr<mlir::Operation *> op =
        createInferred<OpTy>(std::forward<Args>(args)...);
    if (mlir::failed(op))
      return mlir::failure();
    setResult(0, (*op)->getResult(0));
    return mlir::success();
  }
  /// Returns a tensor type of `shape` with the element type of `value`.
  static mlir::RankedTensorType withShape(mlir::Value value,
                                          llvm::ArrayRef<int64_t> shape);
};

/// Resolves ONNX `auto_pad` into explicit `[top, left, bottom, right]` pads for
/// a 2-D window; fails with a diagnostic for an unknown value.
mlir::FailureOr<llvm::SmallVector<int64_t>>
resolvePads(NodeBinder &binder, llvm::ArrayRef<int64_t> inputHW,
            llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
            llvm::ArrayRef<int64_t> dilations);

/// Returns true if every input is known and their broadcast is small enough
/// to fold.
bool canFoldElementwise(llvm::ArrayRef<const ConstTensor *> inputs);

/// Elementwise fold of constants with multidirectional broadcasting; `fn`
/// maps the input values (as double or int64 per `useFloat`) to the result.
mlir::FailureOr<ConstTensor>
foldElementwise(NodeBinder &binder, llvm::ArrayRef<const ConstTensor *> inputs,
                int32_t resultDType,
                llvm::function_ref<double(llvm::ArrayRef<double>)> floatFn,
                llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> intFn);

/// Builds a DenseElementsAttr of `type` from known values (a one-element
/// `value` gives a splat).
mlir::DenseElementsAttr buildDenseAttr(mlir::RankedTensorType type,
                                       const ConstTensor &value);

/// Defines output 0 of `b` as input `i` unchanged (Identity, Dropout).
mlir::LogicalResult forwardInput(NodeBinder &b, int i);

/// Returns a handler for ops modelled only on constants (Equal, Not, ...):
/// they fold when every input is known and are rejected otherwise.
/// `resultDType` 0 means the type of input 0.
OpHandler foldOnlyOp(int32_t resultDType,
                     std::function<double(llvm::ArrayRef<double>)> ff,
                     std::function<int64_t(llvm::ArrayRef<int64_t>)> fi);

/// Returns a handler for a comparison (Equal, Greater, ...): folded with
/// `ff` / `fi` when every input is known, otherwise built from graph ops by
/// graph::createCompare (the second input is cast to the first's type).
OpHandler comparisonOp(graph::CompareKind kind,
                       std::function<double(llvm::ArrayRef<double>)> ff,
                       std::function<int64_t(llvm::ArrayRef<int64_t>)> fi);

/// Returns a handler for Not (`kind` std::nullopt), And, Or or Xor on bool
/// tensors: folded when every input is known, otherwise built from
/// graph.where by graph::createLogical.
OpHandler logicalOp(std::optional<graph::LogicalKind> kind,
                    std::function<double(llvm::ArrayRef<double>)> ff,
                    std::function<int64_t(llvm::ArrayRef<int64_t>)> fi);

/// A 2-D sliding window (Conv, MaxPool, AveragePool).
struct Window {
  llvm::SmallVector<int64_t> kernel, strides, pads, dilations;
  /// Input 0 is NCL: the window is given for [N, C, 1, L] (see liftNCL).
  bool lifted = false;
};
/// Parses the window attributes of a node whose input 0 is NCHW or NCL
/// (then lifted to a 2-D window over [N, C, 1, L]); `kernel` defaults to
/// `defaultKernel` (a Conv filter's spatial dims).
mlir::FailureOr<Window> parseWindow(NodeBinder &b,
                                    llvm::ArrayRef<int64_t> defaultKernel);

/// [N, C, L] as [N, C, 1, L] (a reshape), and back: 1-D convolutions and
/// pools run as 2-D ones.
mlir::Value liftNCL(NodeBinder &b, mlir::Value x);
mlir::Value unliftNCL(NodeBinder &b, mlir::Value y);
/// Defines output 0 as the result of `op`, a window op on the lifted input
/// when `w.lifted` (the inserted axis is dropped again).
mlir::LogicalResult setWindowResult(NodeBinder &b, const Window &w,
                                    mlir::FailureOr<mlir::Operation *> op);

/// Returns `value` converted to `elementType` with `graph.cast` (or as is).
mlir::Value castElements(NodeBinder &binder, mlir::Value value,
                         mlir::Type elementType);

/// Returns a handler for an elementwise unary op, folding constants with
/// `fold` when given. `floatOnly` ops reject integer inputs.
template <typename OpTy>
OpHandler unaryOp(double (*fold)(double), bool floatOnly = true) {
  return [=](NodeBinder &b) -> mlir::LogicalResult {
    if (mlir::failed(b.requireInputs(1)))
      return mlir::failure();
    if (fold && b.constant(0)) {
      const ConstTensor *c = b.constant(0);
      mlir::FailureOr<ConstTensor> out = foldElementwise(
          b, {c}, c->dtype,
          [&](llvm::ArrayRef<double> v) { return fold(v[0]); },
          [&](llvm::ArrayRef<int64_t> v) {
            return saturatingToInt64(fold(static_cast<double>(v[0])));
          });
      if (mlir::failed(out))
        return mlir::failure();
      b.setConstant(0, std::move(*out));
      return mlir::success();
    }
    if (b.dtype(0) == onnx::TensorProto::BOOL ||
        (floatOnly && !isFloatDType(b.dtype(0))))
      return b.emitUnsupported()
             << "element type " << dtypeName(b.dtype(0)) << " of input '"
             << b.node.input(0) << "'";
    mlir::FailureOr<mlir::Value> x = b.value(0);
    if (mlir::failed(x))
      return mlir::failure();
    b.setResult(0, OpTy::create(b.builder(), b.loc, x->getType(), *x));
    return mlir::success();
  };
}

/// Emits a broadcasting binary graph op on `lhs` and `rhs`, casting `rhs` to
/// the element type of `lhs` if they differ.
template <typename OpTy>
mlir::FailureOr<mlir::Value> emitBinary(NodeBinder &b, mlir::Value lhs,
                                        mlir::Value rhs) {
  mlir::Type lhsType =
      mlir::cast<mlir::RankedTensorType>(lhs.getType()).getElementType();
  rhs = castElements(b, rhs, lhsType);
  mlir::FailureOr<mlir::Operation *> op = b.createInferred<OpTy>(lhs, rhs);
  if (mlir::failed(op))
    return mlir::failure();
  return (*op)->getResult(0);
}

/// Returns a handler for a broadcasting binary op (variadic ops such as Max
/// chain pairwise), folding constant inputs with `ff` / `fi`.
template <typename OpTy>
OpHandler binaryOp(double (*ff)(double, double),
                   int64_t (*fi)(int64_t, int64_t), bool variadic = false) {
  return [=](NodeBinder &b) -> mlir::LogicalResult {
    if (mlir::failed(variadic ? b.requireVariadicInputs(1)
                              : b.requireInputs(2)))
      return mlir::failure();
    llvm::SmallVector<const ConstTensor *> constants;
    for (int i = 0; i < b.numInputs(); ++i)
      constants.push_back(b.constant(i));
    if (canFoldElementwise(constants)) {
      mlir::FailureOr<ConstTensor> out = foldElementwise(
          b, constants, b.dtype(0),
          [&](llvm::ArrayRef<double> v) {
            double r = v[0];
            for (double x : v.drop_front())
              r = ff(r, x);
            return r;
          },
          [&](llvm::ArrayRef<int64_t> v) {
            int64_t r = v[0];
            for (int64_t x : v.drop_front())
              r = fi(r, x);
            return r;
          });
      if (mlir::failed(out))
        return mlir::failure();
      b.setConstant(0, std::move(*out));
      return mlir::success();
    }
    for (int i = 0; i < b.numInputs(); ++i)
      if (b.dtype(i) == onnx::TensorProto::BOOL)
        return b.emitUnsupported() << "element type BOOL of input '"
                                   << b.node.input(i) << "'";
    mlir::FailureOr<mlir::Value> acc = b.value(0);
    if (mlir::failed(acc))
      return mlir::failure();
    for (int i = 1; i < b.numInputs(); ++i) {
      mlir::FailureOr<mlir::Value> rhs = b.value(i);
      if (mlir::failed(rhs))
        return mlir::failure();
      acc = emitBinary<OpTy>(b, *acc, *rhs);
      if (mlir::failed(acc))
        return mlir::failure();
    }
    b.setResult(0, *acc);
    return mlir::success();
  };
}

} // namespace neuron::onnx_import

#endif // NEURON_LIB_IMPORT_ONNX_ONNXIMPORTER_H
