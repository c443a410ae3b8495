//===- Kernels.h - kernel interface and helpers (internal) ------*- C++ -*-===//
#ifndef NEURON_RUNTIME_LIB_KERNELS_H
#define NEURON_RUNTIME_LIB_KERNELS_H

#include "Float16.h"
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Model.h"
#include "neuron/runtime/Ops.h"

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace neuron::rt {

/// An elementwise op applied to a kernel's result before it is stored (a
/// oneDNN post-op), placed there by the stage planner's fusion.
struct PostOp {
  /// A unary op (Relu, Gelu, Clip, ...) or a binary one (Add, Sub, Mul, Div,
  /// Max, Min) whose other operand is `scalar` or kernel input `input`.
  OpKind kind = OpKind::Relu;
  OpAttrs attrs;     ///< Clip bounds, the Gelu form.
  int input = -1;    ///< Binary: the other operand's kernel input index.
  float scalar = 0;  ///< Binary with input == -1: the other operand.
  bool resultFirst = true; ///< Binary: result op other (else other op result).
  /// Binary: the operand has the result's own shape (possibly after a
  /// reshape the planner looked through): it is read like the result.
  bool full = false;
  /// Add whose other operand is the kernel's own result buffer, which the
  /// planner pre-filled by aliasing: a oneDNN sum post-op (convolutions with
  /// a residual add keep their fastest implementation that way).
  bool inPlace = false;
};

/// How a 4-D activation is stored: the graph's NCHW, channels-last NHWC,
/// or oneDNN's blocked nChw16c (channels in blocks of 16, used only for
/// f32 tensors with a multiple of 16 channels between kernels that take it:
/// Winograd convolutions, pooling and elementwise ops).
enum class Layout : uint8_t { Nchw, Nhwc, Blocked };

/// Everything a kernel needs to know about one op, with static types.
struct OpInfo {
  OpKind kind = OpKind::Identity;
  std::string name;
  OpAttrs attrs;
  std::vector<TensorType> in, out;
  /// Fused post-ops, in order (oneDNN kernels only).
  std::vector<PostOp> post;
  /// Per input / output: the 4-D tensor's layout when it is not the
  /// graph's NCHW (oneDNN kernels only); missing entries are NCHW.
  std::vector<Layout> inLayout, outLayout;
  /// MatMul: per input, element strides that read it in place (a transpose
  /// the planner folded into the operand); empty means dense row-major.
  std::vector<std::vector<int64_t>> inStrides;
  /// MatMul: element strides the result is written with (a transpose of
  /// the result folded into the kernel); empty means dense.
  std::vector<int64_t> outStrides;
  Layout layoutIn(size_t i) const { return i < inLayout.size() ? inLayout[i] : Layout::Nchw; }
  Layout layoutOut(size_t i) const { return i < outLayout.size() ? outLayout[i] : Layout::Nchw; }
  bool nhwcIn(size_t i) const { return layoutIn(i) == Layout::Nhwc; }
  /// The op's own operands: post-op operands are appended after them.
  size_t ownInputs() const {
    size_t n = in.size();
    for (const PostOp &p : post)
      if (p.input >= 0)
        n = std::min(n, size_t(p.input));
    return n;
  }
  bool nhwcOut(size_t i) const { return layoutOut(i) == Layout::Nhwc; }
  bool anyBlocked() const {
    auto blocked = [](Layout l) { return l == Layout::Blocked; };
    return std::any_of(inLayout.begin(), inLayout.end(), blocked) ||
           std::any_of(outLayout.begin(), outLayout.end(), blocked);
  }
};

/// A prepared op: run() reads `in[i]` and writes `out[j]`, whose sizes and
/// types are those of the OpInfo it was made for. Run-time pointers change
/// per request (stage inputs, arenas), so they are passed in every call.
class Kernel {
public:
  virtual ~Kernel() = default;
  virtual void run(const void *const *in, void *const *out) = 0;
  /// "reference" or "onednn".
  virtual const char *backend() const = 0;
  /// The implementation oneDNN chose (e.g. "brg:avx512_core"), for profiles.
  virtual std::string implementation() const { return backend(); }
};

/// NEURON_RT_DISABLE: a comma-separated list of load-time rewrites to skip
/// (fusion, transposes, layouts, blocked, views, winograd), to rule one out when
/// chasing a problem.
bool rewriteDisabled(const char *what);

/// Runs the plain C++ reference implementation of `op`.
void runReference(const OpInfo &op, const void *const *in, void *const *out);
std::unique_ptr<Kernel> makeReferenceKernel(OpInfo op);

/// Per-model oneDNN state (engine, stream, thread count).
struct DnnlEnv;
std::shared_ptr<DnnlEnv> makeDnnlEnv(int numThreads);
/// Applies the env's thread count to the calling thread (OpenMP's thread
/// count is per thread); called before a request runs.
void enterDnnlThread(DnnlEnv &env);
/// Returns a oneDNN kernel for `op`, or null when oneDNN has none for this
/// op and dtype. `constIn[i]` is the data of input i when it is a weight or
/// constant known at load (so it can be pre-packed), otherwise null. With
/// `probe`, only checks that the kernel can be made: constants are not
/// packed and the result must not be run. May throw (oneDNN rejects).
std::unique_ptr<Kernel> makeDnnlKernel(const OpInfo &op,
                                       const std::vector<const void *> &constIn,
                                       DnnlEnv &env, bool probe = false);

// Reference kernels by family (RefElementwise.cpp, RefLinalg.cpp, ...).
void refBinary(const OpInfo &op, const void *const *in, void *const *out);
void refUnary(const OpInfo &op, const void *const *in, void *const *out);
void refCast(const OpInfo &op, const void *const *in, void *const *out);
void refWhere(const OpInfo &op, const void *const *in, void *const *out);
void refMatMul(const OpInfo &op, const void *const *in, void *const *out);
void refGemm(const OpInfo &op, const void *const *in, void *const *out);
void refConv(const OpInfo &op, const void *const *in, void *const *out);
void refPool(const OpInfo &op, const void *const *in, void *const *out);
void refGlobalAveragePool(const OpInfo &op, const void *const *in, void *const *out);
void refBatchNorm(const OpInfo &op, const void *const *in, void *const *out);
void refLayerNorm(const OpInfo &op, const void *const *in, void *const *out);
void refSoftmax(const OpInfo &op, const void *const *in, void *const *out);
void refReduce(const OpInfo &op, const void *const *in, void *const *out);
/// ArgMax / ArgMin: the index (i64) of the first (or, with selectLastIndex,
/// last) largest / smallest element along the axis; a NaN counts as the
/// extreme, as in PyTorch.
void refArgReduce(const OpInfo &op, const void *const *in, void *const *out);
void refCopy(const OpInfo &op, const void *const *in, void *const *out);
void refTranspose(const OpInfo &op, const void *const *in, void *const *out);
void refConcat(const OpInfo &op, const void *const *in, void *const *out);
void refSplit(const OpInfo &op, const void *const *in, void *const *out);
void refSlice(const OpInfo &op, const void *const *in, void *const *out);
void refGather(const OpInfo &op, const void *const *in, void *const *out);
void refGatherElements(const OpInfo &op, const void *const *in, void *const *out);
void refExpand(const OpInfo &op, const void *const *in, void *const *out);

//===----------------------------------------------------------------------===//
// Element access: bf16/f16 compute in float, integers in their own type.
//===----------------------------------------------------------------------===//

template <typename T> struct ComputeOf { using type = T; };
template <> struct ComputeOf<BF16> { using type = float; };
template <> struct ComputeOf<F16> { using type = float; };
template <typename T> using Compute = typename ComputeOf<T>::type;

template <typename T> inline Compute<T> ld(const void *p, size_t i) {
  const T *q = static_cast<const T *>(p) + i;
  if constexpr (std::is_same_v<T, BF16>)
    return bf16ToFloat(q->bits);
  else if constexpr (std::is_same_v<T, F16>)
    return f16ToFloat(q->bits);
  else
    return *q;
}
template <typename T> inline void st(void *p, size_t i, Compute<T> v) {
  T *q = static_cast<T *>(p) + i;
  if constexpr (std::is_same_v<T, BF16>)
    q->bits = floatToBf16(v);
  else if constexpr (std::is_same_v<T, F16>)
    q->bits = floatToF16(v);
  else
    *q = v;
}

/// Calls f(T{}) with the storage type of `t`.
template <typename F> void dispatchAll(DType t, F &&f) {
  switch (t) {
  case DType::F32: f(float{}); return;
  case DType::BF16: f(BF16{}); return;
  case DType::F16: f(F16{}); return;
  case DType::I64: f(int64_t{}); return;
  case DType::I32: f(int32_t{}); return;
  case DType::I8: f(int8_t{}); return;
  case DType::Bool: f(bool{}); return;
  }
}
/// Calls f(T{}) for float types only.
template <typename F> void dispatchFloat(DType t, F &&f) {
  switch (t) {
  case DType::F32: f(float{}); return;
  case DType::BF16: f(BF16{}); return;
  case DType::F16: f(F16{}); return;
  default: throw Error(std::string("kernel: unsupported dtype ") + dtypeName(t));
  }
}
/// Calls f(T{}) for numeric (non-bool) types.
template <typename F> void dispatchNumeric(DType t, F &&f) {
  if (t == DType::Bool)
    throw Error("kernel: bool is not numeric");
  dispatchAll(t, std::forward<F>(f));
}

//===----------------------------------------------------------------------===//
// Shapes and strides.
//===----------------------------------------------------------------------===//

inline constexpr int kMaxRank = 16;
using Dims = std::array<int64_t, kMaxRank>;

/// Row-major strides (in elements) of `shape`.
inline std::vector<int64_t> stridesOf(const Shape &shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/// Strides of `shape` broadcast (right-aligned) to `outShape`: 0 where the
/// dimension is broadcast.
inline std::vector<int64_t> broadcastStrides(const Shape &shape, const Shape &outShape) {
  std::vector<int64_t> own = stridesOf(shape), s(outShape.size(), 0);
  size_t off = outShape.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    s[off + i] = shape[i] == 1 ? 0 : own[i];
  return s;
}

/// Iterates the multi-index of `shape` in row-major order, maintaining the
/// linear offsets of up to four operands with their own strides.
struct NdCounter {
  int rank;
  Dims dims{}, idx{};
  std::array<Dims, 4> strides{};
  std::array<int64_t, 4> offset{};
  int numOperands;
  NdCounter(const Shape &shape, const std::vector<std::vector<int64_t>> &s)
      : rank(int(shape.size())), numOperands(int(s.size())) {
    for (int d = 0; d < rank; ++d)
      dims[d] = shape[d];
    for (int o = 0; o < numOperands; ++o)
      for (int d = 0; d < rank; ++d)
        strides[o][d] = s[o][d];
  }
  void next() {
    for (int d = rank - 1; d >= 0; --d) {
      ++idx[d];
      for (int o = 0; o < numOperands; ++o)
        offset[o] += strides[o][d];
      if (idx[d] < dims[d])
        return;
      for (int o = 0; o < numOperands; ++o)
        offset[o] -= strides[o][d] * dims[d];
      idx[d] = 0;
    }
  }
};

} // namespace neuron::rt

#endif // NEURON_RUNTIME_LIB_KERNELS_H
