//===- ShapeInference.cpp - result shapes of graph ops --------------------===//

#include "neuron/Dialect/Graph/IR/ShapeInference.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace neuron::graph {

std::optional<SmallVector<int64_t>>
broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (ArrayRef<int64_t> shape : shapes) {
    size_t offset = rank - shape.size();
    for (auto [i, dim] : llvm::enumerate(shape)) {
      int64_t &out = result[offset + i];
      if (dim == out || dim == 1)
        continue;
      if (out != 1)
        return std::nullopt;
      out = dim;
    }
  }
  return result;
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

/// Formats a shape as `2x3x4` for diagnostics (`scalar` for rank 0).
static std::string formatShape(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, "x");
  return s;
}

LogicalResult inferBroadcastResult(std::optional<Location> loc,
                                   ArrayRef<Type> operandTypes,
                                   SmallVectorImpl<Type> &inferred) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Type type : operandTypes) {
    auto ranked = dyn_cast<RankedTensorType>(type);
    if (!ranked)
      return emitOptionalError(loc, "expected ranked tensor operands");
    shapes.push_back(ranked.getShape());
  }
  std::optional<SmallVector<int64_t>> shape = broadcastShapes(shapes);
  if (!shape) {
    std::string list;
    llvm::raw_string_ostream os(list);
    llvm::interleave(
        shapes, os, [&](ArrayRef<int64_t> s) { os << formatShape(s); }, ", ");
    return emitOptionalError(loc, "operand shapes are not broadcast-compatible: ",
                             list);
  }
  auto elementType = cast<RankedTensorType>(operandTypes.back()).getElementType();
  inferred.push_back(RankedTensorType::get(*shape, elementType));
  return success();
}

LogicalResult inferReduceResult(std::optional<Location> loc, Type inputType,
                                ArrayRef<int64_t> axes, bool keepdims,
                                SmallVectorImpl<Type> &inferred) {
  auto type = cast<RankedTensorType>(inputType);
  int64_t rank = type.getRank();
  SmallVector<bool> reduced(rank, axes.empty());
  for (int64_t axis : axes) {
    std::optional<int64_t> normalized = normalizeAxis(axis, rank);
    if (!normalized)
      return emitOptionalError(loc, "reduction axis ", axis,
                               " is out of range for rank ", rank);
    if (reduced[*normalized])
      return emitOptionalError(loc, "reduction axis ", axis,
                               " is listed twice");
    reduced[*normalized] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced[i])
      shape.push_back(type.getDimSize(i));
    else if (keepdims)
      shape.push_back(1);
  }
  inferred.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

std::optional<int64_t> slidingWindowSize(int64_t input, int64_t kernel,
                                         int64_t stride, int64_t padBegin,
                                         int64_t padEnd, int64_t dilation,
                                         bool ceilMode) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t padded = input + padBegin + padEnd;
  if (kernel < 1 || stride < 1 || dilation < 1 || padded < span)
    return std::nullopt;
  int64_t steps = padded - span;
  int64_t out = (ceilMode ? (steps + stride - 1) / stride : steps / stride) + 1;
  // As in PyTorch and the ONNX reference: the last window must start inside
  // the input or its leading padding, never in the trailing padding.
  if (ceilMode && (out - 1) * stride >= input + padBegin)
    --out;
  return out;
}

LogicalResult inferPoolResult(std::optional<Location> loc, Type inputType,
                              ArrayRef<int64_t> kernel,
                              ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                              ArrayRef<int64_t> dilations, bool ceilMode,
                              SmallVectorImpl<Type> &inferred) {
  auto type = cast<RankedTensorType>(inputType);
  if (type.getRank() != 4)
    return emitOptionalError(loc, "expected a 4-D NCHW input, got rank ",
                             type.getRank());
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2 ||
      pads.size() != 4)
    return emitOptionalError(
        loc, "expected 2 kernel_shape, strides and dilations values and 4 "
             "pads, got ",
        kernel.size(), ", ", strides.size(), ", ", dilations.size(), " and ",
        pads.size());
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return emitOptionalError(loc, "pads must be non-negative");
  auto positive = [](int64_t v) { return v > 0; };
  if (!llvm::all_of(kernel, positive) || !llvm::all_of(strides, positive) ||
      !llvm::all_of(dilations, positive))
    return emitOptionalError(
        loc, "kernel_shape, strides and dilations must be positive");
  SmallVector<int64_t> shape(type.getShape().take_front(2));
  for (int i = 0; i < 2; ++i) {
    std::optional<int64_t> size =
        slidingWindowSize(type.getDimSize(2 + i), kernel[i], strides[i],
                          pads[i], pads[2 + i], dilations[i], ceilMode);
    if (!size)
      return emitOptionalError(loc, "window of size ", kernel[i],
                               " (stride ", strides[i], ", dilation ",
                               dilations[i], ") does not fit spatial dimension ",
                               i, " of size ", type.getDimSize(2 + i),
                               " with its padding");
    shape.push_back(*size);
  }
  inferred.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

} // namespace neuron::graph
