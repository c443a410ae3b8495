//===- Ops.h - op kinds, attributes and shape rules -------------*- C++ -*-===//
//
// The runtime's view of the graph dialect ops (GraphOps.td): one OpKind per
// computing op, one plain attribute struct, and the shape and dtype rules the
// writer uses to derive result types and the loader uses to verify them.
//
//===----------------------------------------------------------------------===//
#ifndef NEURON_RUNTIME_OPS_H
#define NEURON_RUNTIME_OPS_H

#include "neuron/runtime/DType.h"

#include <optional>
#include <string>
#include <vector>

namespace neuron::rt {

/// Every graph dialect op that computes; the values are the artifact's
/// encoding (neff.fbs OpKind). graph.constant / graph.weight are tensors.
enum class OpKind : uint16_t {
  Add = 0, Sub, Mul, Div, Pow, Max, Min,
  Relu, Tanh, Sigmoid, Erf, Exp, Log, Sqrt, Reciprocal, Neg, Abs, Identity,
  Gelu, Clip, Cast, Where,
  MatMul, Gemm, Conv,
  BatchNorm, LayerNorm, Softmax, MaxPool, AveragePool, GlobalAveragePool,
  ReduceMean, ReduceSum, ReduceMax,
  Reshape, Transpose, Flatten, Concat, Split, Slice, Gather, Unsqueeze,
  Squeeze, Expand,
  // Format 1.1.
  Floor, Ceil, Round, Sin, Cos, ArgMax, ArgMin,
  // Format 1.2.
  Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh, GatherElements
};

/// Number of OpKind values.
inline constexpr int kNumOpKinds = static_cast<int>(OpKind::GatherElements) + 1;

/// Returns the graph dialect mnemonic (`add`, `max_pool`, ...).
const char *opKindName(OpKind kind);
/// Parses a mnemonic.
std::optional<OpKind> parseOpKind(const std::string &name);
/// Returns true for the seven broadcasting binary ops.
bool isBinary(OpKind kind);
/// Returns true for the unary elementwise ops Relu ... Abs, Identity, Gelu, Clip
/// Floor ... Cos and Tan ... Atanh.
bool isUnary(OpKind kind);

/// The attributes of any op, with the graph dialect's names and defaults.
/// Only the fields of the op's kind are meaningful.
struct OpAttrs {
  // Gemm.
  float alpha = 1.0f, beta = 1.0f;
  bool transA = false, transB = false;
  // Conv, MaxPool, AveragePool. Pads are [top, left, bottom, right]; empty
  // vectors mean the defaults (strides/dilations 1, pads 0).
  std::vector<int64_t> kernelShape, strides, pads, dilations;
  int64_t group = 1;
  bool ceilMode = false, countIncludePad = false;
  // Softmax (-1), LayerNorm (-1), Flatten (1), Gather (0), Concat, Split,
  // ArgMax, ArgMin, GatherElements (0).
  int64_t axis = 0;
  // ArgMax, ArgMin: the last of equal extremes instead of the first.
  bool selectLastIndex = false;
  // BatchNorm, LayerNorm.
  float epsilon = 1e-5f;
  // Reduce*, Squeeze, Unsqueeze, Slice (keepdims: Reduce*, ArgMax, ArgMin).
  std::vector<int64_t> axes;
  bool keepdims = true;
  // Clip.
  std::optional<float> min, max;
  // Gelu: tanh approximation instead of erf.
  bool geluTanh = false;
  // Transpose.
  std::vector<int64_t> perm;
  // Split.
  std::vector<int64_t> sizes;
  // Slice.
  std::vector<int64_t> starts, ends, steps;
  // Expand (target shape) and Reshape (result shape; in the artifact it is
  // the result tensor's shape).
  std::vector<int64_t> shape;
  // Cast: the result element type (in the artifact, the result's dtype).
  DType castTo = DType::F32;
};

/// Returns the attributes with the graph dialect's defaults for `kind`
/// (e.g. axis -1 for Softmax, 1 for Flatten).
OpAttrs defaultAttrs(OpKind kind);

/// A tensor's element type and shape.
struct TensorType {
  DType dtype = DType::F32;
  Shape shape;
  bool operator==(const TensorType &o) const {
    return dtype == o.dtype && shape == o.shape;
  }
};

/// Computes the result types of an op from its operand types and attributes,
/// checking every invariant GraphOps.td states (operand count, dtypes, ranks,
/// axes in range, broadcast compatibility, window fits, ...). Throws Error
/// naming the op and the violated rule. `numResults` is only used by Split.
std::vector<TensorType> inferResultTypes(OpKind kind, const OpAttrs &attrs,
                                         const std::vector<TensorType> &inputs);

/// Returns the multiply-add count convention of the graph dialect's cost
/// interface (elements for elementwise ops, 2*M*N*K for matmul, ...).
uint64_t estimateFlops(OpKind kind, const OpAttrs &attrs,
                       const std::vector<TensorType> &inputs,
                       const std::vector<TensorType> &results);

/// Broadcasts shapes with ONNX multidirectional rules; nullopt if they are
/// incompatible.
std::optional<Shape> broadcastShapes(const std::vector<Shape> &shapes);

/// Returns the output size of a sliding window (conv/pool) along one spatial
/// dimension, or nullopt when the window does not fit (same rule as the
/// compiler's ShapeInference.cpp, including ceil_mode's last-window rule).
std::optional<int64_t> slidingWindowSize(int64_t input, int64_t kernel,
                                         int64_t stride, int64_t padBegin,
                                         int64_t padEnd, int64_t dilation,
                                         bool ceilMode);

} // namespace neuron::rt

#endif // NEURON_RUNTIME_OPS_H
