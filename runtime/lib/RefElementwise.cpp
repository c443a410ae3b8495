//===- RefElementwise.cpp - reference binary, unary, cast, where ----------===//
#include "Kernels.h"

#include <cmath>
#include <limits>

namespace neuron::rt {

namespace {
template <typename C> C binaryOp(OpKind kind, C a, C b) {
  switch (kind) {
  case OpKind::Add: return a + b;
  case OpKind::Sub: return a - b;
  case OpKind::Mul: return a * b;
  case OpKind::Div:
    if constexpr (std::is_integral_v<C>) {
      // Integer division truncates; x/0 and MIN/-1 (which trap) give 0.
      if (b == 0 || (b == C(-1) && a == std::numeric_limits<C>::min()))
        return b == 0 ? C(0) : a;
      return a / b;
    } else {
      return a / b;
    }
  case OpKind::Pow:
    if constexpr (std::is_integral_v<C>)
      return C(std::pow(double(a), double(b)));
    else
      return std::pow(a, b);
  case OpKind::Max:
    if constexpr (std::is_floating_point_v<C>)
      if (std::isnan(a) || std::isnan(b))
        return std::numeric_limits<C>::quiet_NaN();
    return a > b ? a : b;
  case OpKind::Min:
    if constexpr (std::is_floating_point_v<C>)
      if (std::isnan(a) || std::isnan(b))
        return std::numeric_limits<C>::quiet_NaN();
    return a < b ? a : b;
  default: return a;
  }
}
} // namespace

void refBinary(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &os = op.out[0].shape;
  uint64_t n = numElements(os);
  if (n == 0)
    return;
  dispatchNumeric(op.out[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    using C = Compute<T>;
    if (op.in[0].shape == os && op.in[1].shape == os) {
      for (uint64_t i = 0; i < n; ++i)
        st<T>(out[0], i, C(binaryOp<C>(op.kind, ld<T>(in[0], i), ld<T>(in[1], i))));
      return;
    }
    NdCounter c(os, {broadcastStrides(op.in[0].shape, os),
                     broadcastStrides(op.in[1].shape, os)});
    for (uint64_t i = 0; i < n; ++i, c.next())
      st<T>(out[0], i,
            C(binaryOp<C>(op.kind, ld<T>(in[0], c.offset[0]), ld<T>(in[1], c.offset[1]))));
  });
}

void refUnary(const OpInfo &op, const void *const *in, void *const *out) {
  uint64_t n = numElements(op.out[0].shape);
  const OpAttrs &a = op.attrs;
  if (op.kind == OpKind::Identity) {
    refCopy(op, in, out);
    return;
  }
  dispatchNumeric(op.out[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    using C = Compute<T>;
    for (uint64_t i = 0; i < n; ++i) {
      C x = ld<T>(in[0], i);
      C y = x;
      if constexpr (std::is_floating_point_v<C>) {
        switch (op.kind) {
        case OpKind::Relu: y = x > 0 ? x : C(0); if (std::isnan(x)) y = x; break;
        case OpKind::Tanh: y = std::tanh(x); break;
        case OpKind::Sigmoid: y = C(1) / (C(1) + std::exp(-x)); break;
        case OpKind::Erf: y = std::erf(x); break;
        case OpKind::Exp: y = std::exp(x); break;
        case OpKind::Log: y = std::log(x); break;
        case OpKind::Sqrt: y = std::sqrt(x); break;
        case OpKind::Reciprocal: y = C(1) / x; break;
        case OpKind::Neg: y = -x; break;
        case OpKind::Abs: y = std::fabs(x); break;
        case OpKind::Floor: y = std::floor(x); break;
        case OpKind::Ceil: y = std::ceil(x); break;
        // Halves to even (ONNX Round, torch.round): the default rounding mode.
        case OpKind::Round: y = std::nearbyint(x); break;
        case OpKind::Sin: y = std::sin(x); break;
        case OpKind::Cos: y = std::cos(x); break;
        case OpKind::Tan: y = std::tan(x); break;
        case OpKind::Asin: y = std::asin(x); break;
        case OpKind::Acos: y = std::acos(x); break;
        case OpKind::Atan: y = std::atan(x); break;
        case OpKind::Sinh: y = std::sinh(x); break;
        case OpKind::Cosh: y = std::cosh(x); break;
        case OpKind::Asinh: y = std::asinh(x); break;
        case OpKind::Acosh: y = std::acosh(x); break;
        case OpKind::Atanh: y = std::atanh(x); break;
        case OpKind::Gelu:
          if (a.geluTanh) {
            double xd = x;
            y = C(0.5 * xd * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) *
                                               (xd + 0.044715 * xd * xd * xd))));
          } else {
            y = C(0.5 * double(x) * (1.0 + std::erf(double(x) / std::sqrt(2.0))));
          }
          break;
        case OpKind::Clip:
          if (a.min && x < *a.min) y = *a.min;
          if (a.max && x > *a.max) y = *a.max;
          break;
        default: break;
        }
      } else {
        switch (op.kind) {
        case OpKind::Neg: y = C(-x); break;
        case OpKind::Abs: y = x < 0 ? C(-x) : x; break;
        default: break;
        }
      }
      st<T>(out[0], i, y);
    }
  });
}

void refCast(const OpInfo &op, const void *const *in, void *const *out) {
  uint64_t n = numElements(op.out[0].shape);
  DType from = op.in[0].dtype, to = op.out[0].dtype;
  dispatchAll(from, [&](auto srcTag) {
    using S = decltype(srcTag);
    dispatchAll(to, [&](auto dstTag) {
      using D = decltype(dstTag);
      using CD = Compute<D>;
      for (uint64_t i = 0; i < n; ++i) {
        auto v = ld<S>(in[0], i);
        CD r;
        if constexpr (std::is_same_v<D, bool>) {
          r = v != 0;
        } else if constexpr (std::is_integral_v<CD> &&
                             std::is_floating_point_v<decltype(v)>) {
          // Truncate toward zero; NaN and out-of-range values saturate.
          double d = double(v);
          if (std::isnan(d))
            r = 0;
          else if (d <= double(std::numeric_limits<CD>::min()))
            r = std::numeric_limits<CD>::min();
          else if (d >= double(std::numeric_limits<CD>::max()))
            r = std::numeric_limits<CD>::max();
          else
            r = CD(d);
        } else {
          r = CD(v);
        }
        st<D>(out[0], i, r);
      }
    });
  });
}

namespace {
/// Copies one element of `size` bytes.
inline void copyElem(void *dst, size_t di, const void *src, size_t si, size_t size) {
  switch (size) {
  case 1: static_cast<uint8_t *>(dst)[di] = static_cast<const uint8_t *>(src)[si]; break;
  case 2: static_cast<uint16_t *>(dst)[di] = static_cast<const uint16_t *>(src)[si]; break;
  case 4: static_cast<uint32_t *>(dst)[di] = static_cast<const uint32_t *>(src)[si]; break;
  default: static_cast<uint64_t *>(dst)[di] = static_cast<const uint64_t *>(src)[si]; break;
  }
}
} // namespace

void refWhere(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &os = op.out[0].shape;
  uint64_t n = numElements(os);
  size_t es = dtypeSize(op.out[0].dtype);
  NdCounter c(os, {broadcastStrides(op.in[0].shape, os), broadcastStrides(op.in[1].shape, os),
                   broadcastStrides(op.in[2].shape, os)});
  const uint8_t *cond = static_cast<const uint8_t *>(in[0]);
  for (uint64_t i = 0; i < n; ++i, c.next()) {
    if (cond[c.offset[0]])
      copyElem(out[0], i, in[1], c.offset[1], es);
    else
      copyElem(out[0], i, in[2], c.offset[2], es);
  }
}

void refExpand(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &os = op.out[0].shape;
  uint64_t n = numElements(os);
  size_t es = dtypeSize(op.out[0].dtype);
  NdCounter c(os, {broadcastStrides(op.in[0].shape, os)});
  for (uint64_t i = 0; i < n; ++i, c.next())
    copyElem(out[0], i, in[0], c.offset[0], es);
}

} // namespace neuron::rt
