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

/// Comparisons and logical operators. The graph dialect has no op for them
/// (no model needed one on runtime tensors before attention masks such as
/// DistilBERT's `mask == 0`), so importers build them from existing ops:
///
///   ne(a, b) = cast(a - b) to i1      eq(a, b) = not(ne(a, b))
///   gt(a, b) = ne(max(a, b), b)       lt(a, b) = gt(b, a)
///   ge(a, b) = not(lt(a, b))          le(a, b) = not(gt(a, b))
///   not(p) = where(p, false, true)    and(p, q) = where(p, q, false)
///   or(p, q) = where(p, true, q)      xor(p, q) = where(p, not(q), q)
///
/// Exact for integers (the subtraction wraps, and a wrapped difference of
/// two different integers is never 0) and for finite floats. Boolean
/// operands of a comparison are compared as i32. Caveats on floats: two
/// equal infinities compare unequal (inf - inf is NaN) and a NaN operand
/// compares unequal and greater than anything.
enum class CompareKind { Eq, Ne, Lt, Le, Gt, Ge };
enum class LogicalKind { And, Or, Xor };

/// Builds `lhs <kind> rhs` with multidirectional broadcasting as an i1
/// tensor. `lhs` and `rhs` must have the same element type.
llvm::FailureOr<mlir::Value> createCompare(mlir::OpBuilder &builder,
                                           mlir::Location loc, CompareKind kind,
                                           mlir::Value lhs, mlir::Value rhs);

/// Builds the negation of the i1 tensor `p`.
llvm::FailureOr<mlir::Value>
createLogicalNot(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value p);

/// Builds `p <kind> q` on i1 tensors, with broadcasting.
llvm::FailureOr<mlir::Value> createLogical(mlir::OpBuilder &builder,
                                           mlir::Location loc, LogicalKind kind,
                                           mlir::Value p, mlir::Value q);

/// Pads `x` with `before[d]` / `after[d]` copies of `fill` (an element
/// attribute of x's element type) along each dimension d; negative amounts
/// crop. The graph dialect has no pad op: this is a `concat` with splat
/// `constant` blocks per padded dimension, after a `slice` where an amount
/// is negative (ONNX Pad, aten::pad / constant_pad_nd). Amounts beyond
/// 2^48, or crops longer than the dimension, are errors at `loc`.
llvm::FailureOr<mlir::Value>
createConstantPad(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value x,
                  llvm::ArrayRef<int64_t> before, llvm::ArrayRef<int64_t> after,
                  mlir::Attribute fill);

} // namespace neuron::graph

#endif // NEURON_DIALECT_GRAPH_IR_GRAPHBUILDER_H
