//===- Importer.h - TorchScript importer internals ----------------*- C++
//-*-===//
//
// Shared between the importer driver and the per-operator handlers. Includes
// LibTorch headers: never include it from a public header.
//
//===----------------------------------------------------------------------===//

#ifndef NEURON_LIB_IMPORT_TORCHSCRIPT_IMPORTER_H
#define NEURON_LIB_IMPORT_TORCHSCRIPT_IMPORTER_H

#include "neuron/Dialect/Graph/IR/GraphBuilder.h"
#include "neuron/Dialect/Graph/IR/GraphOps.h"
#include "neuron/Import/ImportOptions.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <torch/script.h>

namespace neuron::torchscript {

/// What a TorchScript value is at import time: a runtime tensor (an SSA value
/// of the graph function), a value known at import (an IValue: parameters,
/// ints, shapes, lists of ints, submodules), or a list/tuple with runtime
/// members.
struct TorchValue {
  enum class Kind { Unset, Tensor, Constant, Sequence, Poisoned };
  Kind kind = Kind::Unset;
  mlir::Value tensor;
  c10::IValue constant;
  std::vector<TorchValue> elements;

  static TorchValue ofTensor(mlir::Value v) {
    TorchValue t;
    t.kind = Kind::Tensor;
    t.tensor = v;
    return t;
  }
  static TorchValue ofConstant(c10::IValue v) {
    TorchValue t;
    t.kind = Kind::Constant;
    t.constant = std::move(v);
    return t;
  }
};

class Importer;
using Handler = llvm::LogicalResult (*)(Importer &, torch::jit::Node *);

/// Returns the handler table: aten/prim operator name -> handler.
const llvm::StringMap<Handler> &getHandlers();

/// Maps a LibTorch scalar type to a graph element type, or null.
mlir::Type getElementType(mlir::MLIRContext *context, c10::ScalarType type);

/// Maps a graph element type back to a LibTorch scalar type.
c10::ScalarType getScalarType(mlir::Type type);

/// Walks a traced graph and builds the graph-dialect function.
class Importer {
public:
  Importer(mlir::MLIRContext &context, llvm::StringRef path,
           const ImportOptions &options);

  /// Loads, inlines and imports; returns null after reporting errors.
  mlir::OwningOpRef<mlir::ModuleOp> run();

  //===--------------------------------------------------------------------===//
  // API for the handlers
  //===--------------------------------------------------------------------===//

  mlir::MLIRContext *getContext() { return &context; }
  mlir::OpBuilder &getBuilder() { return builder; }
  mlir::Location getLoc(torch::jit::Node *node);

  TorchValue &lookup(const torch::jit::Value *value) { return values[value]; }
  void setTensor(torch::jit::Node *node, size_t i, mlir::Value v) {
    values[node->output(i)] = TorchValue::ofTensor(v);
  }
  void setConstant(torch::jit::Node *node, size_t i, c10::IValue v) {
    values[node->output(i)] = TorchValue::ofConstant(std::move(v));
  }

  /// Argument accessors: std::nullopt if the argument is not known at import
  /// time or has another type.
  std::optional<int64_t> getInt(torch::jit::Node *node, size_t i);
  std::optional<double> getDouble(torch::jit::Node *node, size_t i);
  std::optional<bool> getBool(torch::jit::Node *node, size_t i);
  std::optional<llvm::SmallVector<int64_t>> getIntList(torch::jit::Node *node,
                                                       size_t i);
  std::optional<std::string> getString(torch::jit::Node *node, size_t i);
  bool isNone(torch::jit::Node *node, size_t i);
  bool isConstant(torch::jit::Node *node, size_t i);

  /// Returns input `i` as a tensor value, materializing import-time tensors
  /// and scalars. Scalars and converted constants take `elementType` if given.
  llvm::FailureOr<mlir::Value> getTensor(torch::jit::Node *node, size_t i,
                                         mlir::Type elementType = {});

  /// Materializes an import-time tensor: parameters become named
  /// graph.weight ops (dense_resource, sharing LibTorch's buffer), small
  /// values graph.constant.
  llvm::FailureOr<mlir::Value> materialize(const at::Tensor &tensor,
                                           mlir::Location loc,
                                           mlir::Type elementType = {});

  /// Returns a splat graph.constant of `type`.
  mlir::Value splat(mlir::Location loc, mlir::RankedTensorType type,
                    double value);

  /// Casts `v` to `elementType` if it has another one.
  mlir::Value castTo(mlir::Location loc, mlir::Value v, mlir::Type elementType);

  /// Reports an error at the node; returns failure.
  llvm::LogicalResult error(torch::jit::Node *node, const llvm::Twine &message);

private:
  llvm::LogicalResult load();
  llvm::LogicalResult createFunction();
  llvm::LogicalResult importNode(torch::jit::Node *node);
  llvm::LogicalResult importGetAttr(torch::jit::Node *node);
  llvm::LogicalResult foldNode(torch::jit::Node *node);
  llvm::LogicalResult createReturn();
  void flattenOutputs(const TorchValue &value, mlir::Location loc,
                      llvm::SmallVectorImpl<mlir::Value> &outputs, bool &ok);

  mlir::MLIRContext &context;
  std::string path;
  const ImportOptions &options;
  mlir::OpBuilder builder;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::func::FuncOp function;

  torch::jit::Module torchModule;
  std::shared_ptr<torch::jit::Graph> graph;
  llvm::DenseMap<const torch::jit::Value *, TorchValue> values;
  /// Parameter and buffer names by tensor storage, for weight names.
  std::unordered_map<const c10::TensorImpl *, std::string> parameterNames;
  /// Weights already materialized, by tensor storage.
  std::unordered_map<const c10::TensorImpl *, mlir::Value> weights;
  unsigned anonymousConstants = 0;
  /// The last weight or constant materialized; the next goes after it.
  mlir::Operation *lastConstant = nullptr;
  /// Unsupported operators found, reported together at the end.
  std::vector<std::pair<std::string, mlir::Location>> unsupported;
};

} // namespace neuron::torchscript

#endif // NEURON_LIB_IMPORT_TORCHSCRIPT_IMPORTER_H
