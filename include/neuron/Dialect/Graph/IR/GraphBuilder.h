//===- GraphBuilder.h - build graph ops from untrusted input ------*- C++
//-*-===//
//
// The ODS builders of ops with inferred result types abort when inference
// fails. Importers build from user models, so they use this instead: it
// reports the failure as a diagnostic at the op's location and returns failure.
//
//===----------------------------------------------------------------------===//

#ifndef NEURON_DIALECT_GRAPH_IR_GRAPHBUILDER_H
#define NEURON_DIALECT_GRAPH_IR_GRAPHBUILDER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"

namespace neuron::graph {

/// Creates the op `opName` with `operands` and `attributes` (inherent
/// attributes go to its properties) and `numResults` results whose types are
/// inferred through InferTypeOpInterface. On an inference failure the error
/// is emitted at `loc`, nothing is left in the IR, and failure is returned.
llvm::FailureOr<mlir::Operation *>
createInferred(mlir::OpBuilder &builder, mlir::Location loc,
               llvm::StringRef opName, mlir::ValueRange operands,
               llvm::ArrayRef<mlir::NamedAttribute> attributes = {},
               unsigned numResults = 1);

/// Typed convenience wrapper of createInferred for single-result ops.
template <typename OpTy>
llvm::FailureOr<mlir::Value>
createInferred(mlir::OpBuilder &builder, mlir::Location loc,
               mlir::ValueRange operands,
               llvm::ArrayRef<mlir::NamedAttribute> attributes = {}) {
  llvm::FailureOr<mlir::Operation *> op = createInferred(
      builder, loc, OpTy::getOperationName(), operands, attributes, 1);
  if (llvm::failed(op))
    return llvm::failure();
  return (*op)->getResult(0);
}

} // namespace neuron::graph

#endif // NEURON_DIALECT_GRAPH_IR_GRAPHBUILDER_H
