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

/// Group normalization of `x` [N, C, ...]: each sample's C channels split
/// into `groups` groups, each normalized over its channels and the trailing
/// axes, (x - mean) / sqrt(var + eps) with the biased variance, then
/// multiplied by `weight` and offset by `bias` ([C] each; a null Value skips
/// it). Instance normalization is groups = C (ONNX InstanceNormalization,
/// aten::instance_norm); aten::group_norm takes any divisor of C. Errors at
/// `loc`: rank below 2, groups not dividing C, a weight or bias not [C].
llvm::FailureOr<mlir::Value> createGroupNorm(mlir::OpBuilder &builder,
                                             mlir::Location loc, mlir::Value x,
                                             int64_t groups, double eps,
                                             mlir::Value weight,
                                             mlir::Value bias);

/// Nearest sampling's rounding of the source coordinate.
enum class ResampleNearest { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };

/// Resamples the two trailing axes of the 4-D float `x` to `outSize` (each
/// in 1 .. 2^16). `source(axis, o)` is the input coordinate that output
/// index o of axis 0 (rows) or 1 (columns) samples, in the frontend's own
/// formula (ONNX Resize's coordinate_transformation_mode, PyTorch's
/// interpolate). Nearest sampling rounds it with `rounding`; linear
/// interpolation clamps it to [0, in - 1] and blends the two neighbours.
/// Either way the index is clamped into the axis. An axis whose resampling
/// repeats each input element k times becomes a reshape and an expand; any
/// other is a matmul by a constant [in, out] resampling matrix (the rows'
/// axis through a transpose, which folds into the matmul at load).
llvm::FailureOr<mlir::Value>
createResample2d(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value x,
                 llvm::ArrayRef<int64_t> outSize,
                 llvm::function_ref<double(int axis, int64_t o)> source,
                 bool linear, ResampleNearest rounding);

/// PyTorch's adaptive average pooling of the two trailing axes of the 4-D
/// float `x` to `outSize`: output o of an axis of size n averages inputs
/// floor(o * n / out) .. ceil((o + 1) * n / out) - 1, bins that may overlap
/// or differ in size when out does not divide n. A 1x1 result is a global
/// average pool, evenly dividing bins an average pool, anything else the
/// separable matmuls of createResample2d by constant averaging matrices.
llvm::FailureOr<mlir::Value> createAdaptiveAvgPool2d(mlir::OpBuilder &builder,
                                                     mlir::Location loc, mlir::Value x,
                                                     llvm::ArrayRef<int64_t> outSize);

/// The cumulative sum of `x` (float or integer) along `axis` (ONNX CumSum,
/// torch.cumsum): with `exclusive` each element leaves itself out, with
/// `reverse` the sums run from the end. Built as a log-step (Hillis-Steele)
/// scan: ceil(log2(n)) rounds of y += y shifted by 1, 2, 4, ... (a slice
/// concatenated with zeros), exact in integers (position ids) and free of the
/// n x n constant a matmul form would need.
llvm::FailureOr<mlir::Value> createCumSum(mlir::OpBuilder &builder, mlir::Location loc,
                                          mlir::Value x, int64_t axis, bool exclusive,
                                          bool reverse);

/// Einsum (ONNX Einsum, torch.einsum) over one or two operands, without
/// `...` and without an index repeated within an operand; the output is
/// given after `->` or, without it, is every index that occurs once, in
/// alphabetical order. Indices only one operand has and the output lacks are
/// summed first (reduce_sum); then [batch, free, contracted] x [batch,
/// contracted, free] is one batched matmul between transposes and reshapes.
/// Other forms are an "unsupported" error at `loc`.
llvm::FailureOr<mlir::Value> createEinsum(mlir::OpBuilder &builder, mlir::Location loc,
                                          llvm::StringRef equation, mlir::ValueRange operands);

/// How createBorderPad fills.
enum class BorderPad {
  Reflect, ///< mirrored without the edge: [c b | a b c d | c b]
  Edge,    ///< the edge repeated:         [a a | a b c d | d d]
  Wrap,    ///< the other end (circular):  [c d | a b c d | a b]
};

/// Pads `x` by `before[d]` / `after[d]` (non-negative) along each dimension
/// d, filled from x itself (ONNX Pad's reflect / edge / wrap modes,
/// aten::pad's reflect / replicate / circular): per padded dimension a
/// `concat` of slices (step -1 for reflect) or an `expand`ed edge slice.
/// Reflect needs amounts below the dimension's size, wrap at most equal to
/// it, edge a non-empty dimension; violations are errors at `loc`.
llvm::FailureOr<mlir::Value> createBorderPad(mlir::OpBuilder &builder, mlir::Location loc,
                                             mlir::Value x, llvm::ArrayRef<int64_t> before,
                                             llvm::ArrayRef<int64_t> after, BorderPad mode);

/// `value` with the same elements in `shape`: a graph.weight becomes a new
/// graph.weight "<name>.<suffix>" sharing its data blob, a graph.constant a
/// reshaped constant (so kernels still see a parameter, e.g. a Conv1d
/// filter [O, I, k] as [O, I, 1, k]); anything else a graph.reshape.
mlir::Value reshapeParameter(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value value,
                             llvm::ArrayRef<int64_t> shape, llvm::StringRef suffix);

/// The upper (`upper`) or lower triangle of the two trailing axes of `x`
/// (rank 2 or more; ONNX Trilu, torch.triu / torch.tril): element [i, j]
/// is kept where j - i >= k (upper) or j - i <= k (lower), else 0. A
/// graph.where by a constant i1 mask.
llvm::FailureOr<mlir::Value> createTriangular(mlir::OpBuilder &builder, mlir::Location loc,
                                              mlir::Value x, int64_t k, bool upper);

/// The parameters of a 2-D transposed convolution, as ONNX ConvTranspose and
/// PyTorch's conv_transpose2d define them (pads are [top, left, bottom,
/// right] and are removed from the full output; a negative pad, which ONNX's
/// output_shape can imply, extends it).
struct ConvTransposeParams {
  llvm::SmallVector<int64_t, 2> strides{1, 1}, dilations{1, 1}, outputPadding{0, 0};
  llvm::SmallVector<int64_t, 4> pads{0, 0, 0, 0};
  int64_t group = 1;
};

/// A 2-D transposed convolution of the 4-D float `x` by `weight`
/// ([C_in, C_out / group, kH, kW], a graph.weight or graph.constant) and the
/// optional `bias` ([C_out]), as a direct convolution: the input with
/// stride - 1 zeros inserted between elements (a broadcasting multiply by a
/// [s, 1, s] mask and a reshape), padded by dilation * (k - 1) - pad on each
/// side (plus output_padding at the end; negative amounts crop), convolved
/// with the weight flipped spatially and its channel axes swapped per group
/// (a new weight, computed here). The result is
/// (in - 1) * stride - pad_begin - pad_end + dilation * (k - 1) +
/// output_padding + 1 per axis. A stride s costs s * s times the
/// multiply-adds of a native kernel (the inserted zeros are multiplied too).
llvm::FailureOr<mlir::Value> createConvTranspose2d(mlir::OpBuilder &builder,
                                                   mlir::Location loc, mlir::Value x,
                                                   mlir::Value weight, mlir::Value bias,
                                                   const ConvTransposeParams &params);

} // namespace neuron::graph

#endif // NEURON_DIALECT_GRAPH_IR_GRAPHBUILDER_H
