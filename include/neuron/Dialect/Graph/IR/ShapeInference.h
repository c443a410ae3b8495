//===- ShapeInference.h - result shapes of graph ops --------------*- C++ -*-===//
//
// Shape rules shared by the ops' type inference and the importers, which need
// them to fold ONNX shape computations.
//
//===----------------------------------------------------------------------===//

#ifndef NEURON_DIALECT_GRAPH_IR_SHAPEINFERENCE_H
#define NEURON_DIALECT_GRAPH_IR_SHAPEINFERENCE_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Types.h"
#include "mlir/Support/LLVM.h"

#include <optional>

namespace neuron::graph {

/// Returns the ONNX multidirectional broadcast of `shapes`, or std::nullopt if
/// two dimensions differ and neither is 1.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);

/// Normalizes `axis` (negative counts from the back) for a tensor of `rank`
/// dimensions; returns std::nullopt if it is outside [-rank, rank).
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Infers the result of an elementwise op broadcasting `operandTypes`; the
/// element type is taken from the last operand (for `where`, a value operand,
/// not the i1 condition). Emits at `loc` on failure.
llvm::LogicalResult
inferBroadcastResult(std::optional<mlir::Location> loc,
                     llvm::ArrayRef<mlir::Type> operandTypes,
                     llvm::SmallVectorImpl<mlir::Type> &inferred);

/// Infers the result of a reduction over `axes` of `inputType`.
llvm::LogicalResult inferReduceResult(std::optional<mlir::Location> loc,
                                      mlir::Type inputType,
                                      llvm::ArrayRef<int64_t> axes,
                                      bool keepdims,
                                      llvm::SmallVectorImpl<mlir::Type> &inferred);

/// Infers the result of 2-D pooling of an NCHW `inputType`.
llvm::LogicalResult
inferPoolResult(std::optional<mlir::Location> loc, mlir::Type inputType,
                llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
                llvm::ArrayRef<int64_t> pads, llvm::ArrayRef<int64_t> dilations,
                bool ceilMode, llvm::SmallVectorImpl<mlir::Type> &inferred);

/// Returns the output size of a sliding window along one dimension, or
/// std::nullopt if the window does not fit.
std::optional<int64_t> slidingWindowSize(int64_t input, int64_t kernel,
                                         int64_t stride, int64_t padBegin,
                                         int64_t padEnd, int64_t dilation,
                                         bool ceilMode);

} // namespace neuron::graph

#endif // NEURON_DIALECT_GRAPH_IR_SHAPEINFERENCE_H
