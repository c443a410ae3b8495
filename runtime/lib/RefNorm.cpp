//===- RefNorm.cpp - reference normalization, softmax and reductions ------===//
#include "Kernels.h"

#include <cmath>
#include <limits>

namespace neuron::rt {

void refBatchNorm(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &x = op.in[0].shape;
  uint64_t N = x[0], C = x[1], S = 1;
  for (size_t i = 2; i < x.size(); ++i)
    S *= x[i];
  float eps = op.attrs.epsilon;
  dispatchFloat(op.out[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    for (uint64_t c = 0; c < C; ++c) {
      double scale = double(ld<T>(in[1], c)) / std::sqrt(double(ld<T>(in[4], c)) + eps);
      double shift = double(ld<T>(in[2], c)) - double(ld<T>(in[3], c)) * scale;
      for (uint64_t n = 0; n < N; ++n)
        for (uint64_t s = 0; s < S; ++s) {
          uint64_t i = (n * C + c) * S + s;
          st<T>(out[0], i, float(double(ld<T>(in[0], i)) * scale + shift));
        }
    }
  });
}

void refLayerNorm(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &x = op.in[0].shape;
  int64_t axis = op.attrs.axis < 0 ? op.attrs.axis + int64_t(x.size()) : op.attrs.axis;
  uint64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < int64_t(x.size()); ++i)
    (i < axis ? outer : inner) *= x[i];
  bool bias = op.in.size() == 3;
  dispatchFloat(op.out[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    for (uint64_t o = 0; o < outer; ++o) {
      double mean = 0, var = 0;
      for (uint64_t i = 0; i < inner; ++i)
        mean += ld<T>(in[0], o * inner + i);
      mean /= double(inner ? inner : 1);
      for (uint64_t i = 0; i < inner; ++i) {
        double d = ld<T>(in[0], o * inner + i) - mean;
        var += d * d;
      }
      var /= double(inner ? inner : 1);
      double rstd = 1.0 / std::sqrt(var + op.attrs.epsilon);
      for (uint64_t i = 0; i < inner; ++i) {
        double v = (ld<T>(in[0], o * inner + i) - mean) * rstd * ld<T>(in[1], i);
        if (bias)
          v += ld<T>(in[2], i);
        st<T>(out[0], o * inner + i, float(v));
      }
    }
  });
}

void refSoftmax(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &x = op.in[0].shape;
  int64_t axis = op.attrs.axis < 0 ? op.attrs.axis + int64_t(x.size()) : op.attrs.axis;
  uint64_t outer = 1, inner = 1, D = x[axis];
  for (int64_t i = 0; i < int64_t(x.size()); ++i) {
    if (i < axis)
      outer *= x[i];
    else if (i > axis)
      inner *= x[i];
  }
  dispatchFloat(op.out[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    for (uint64_t o = 0; o < outer; ++o)
      for (uint64_t j = 0; j < inner; ++j) {
        uint64_t base = o * D * inner + j;
        double mx = -std::numeric_limits<double>::infinity();
        for (uint64_t d = 0; d < D; ++d)
          mx = std::max(mx, double(ld<T>(in[0], base + d * inner)));
        double sum = 0;
        for (uint64_t d = 0; d < D; ++d)
          sum += std::exp(double(ld<T>(in[0], base + d * inner)) - mx);
        for (uint64_t d = 0; d < D; ++d)
          st<T>(out[0], base + d * inner,
                float(std::exp(double(ld<T>(in[0], base + d * inner)) - mx) / sum));
      }
  });
}

void refArgReduce(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &x = op.in[0].shape;
  int64_t rank = int64_t(x.size());
  int64_t axis = op.attrs.axis < 0 ? op.attrs.axis + rank : op.attrs.axis;
  uint64_t outer = 1, inner = 1, n = uint64_t(x[axis]);
  for (int64_t d = 0; d < axis; ++d)
    outer *= uint64_t(x[d]);
  for (int64_t d = axis + 1; d < rank; ++d)
    inner *= uint64_t(x[d]);
  bool isMax = op.kind == OpKind::ArgMax, last = op.attrs.selectLastIndex;
  auto *y = static_cast<int64_t *>(out[0]);
  dispatchNumeric(op.in[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    using C = Compute<T>;
    for (uint64_t o = 0; o < outer; ++o)
      for (uint64_t i = 0; i < inner; ++i) {
        uint64_t base = o * n * inner + i;
        C best = ld<T>(in[0], base);
        int64_t at = 0;
        bool bestNan = false;
        if constexpr (std::is_floating_point_v<C>)
          bestNan = std::isnan(best);
        for (uint64_t k = 1; k < n && !(bestNan && !last); ++k) {
          C v = ld<T>(in[0], base + k * inner);
          bool take;
          if constexpr (std::is_floating_point_v<C>) {
            if (std::isnan(v))
              take = !bestNan || last;
            else
              take = !bestNan && (isMax ? (v > best || (last && v == best))
                                        : (v < best || (last && v == best)));
            if (take)
              bestNan = std::isnan(v);
          } else {
            take = isMax ? (v > best || (last && v == best)) : (v < best || (last && v == best));
          }
          if (take) {
            best = v;
            at = int64_t(k);
          }
        }
        y[o * inner + i] = at;
      }
  });
}

void refReduce(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &x = op.in[0].shape;
  int rank = int(x.size());
  std::vector<bool> reduced(rank, op.attrs.axes.empty());
  for (int64_t a : op.attrs.axes)
    reduced[a < 0 ? a + rank : a] = true;
  // Iterate the kept dimensions outside and the reduced ones inside.
  Shape kept, red;
  std::vector<int64_t> strides = stridesOf(x), keptStrides, redStrides;
  for (int d = 0; d < rank; ++d) {
    (reduced[d] ? red : kept).push_back(x[d]);
    (reduced[d] ? redStrides : keptStrides).push_back(strides[d]);
  }
  uint64_t numOut = numElements(kept), numRed = numElements(red);
  dispatchNumeric(op.out[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    using C = Compute<T>;
    NdCounter ko(kept, {keptStrides});
    for (uint64_t o = 0; o < numOut; ++o, ko.next()) {
      NdCounter ri(red, {redStrides});
      double acc = op.kind == OpKind::ReduceMax ? -std::numeric_limits<double>::infinity() : 0.0;
      for (uint64_t r = 0; r < numRed; ++r, ri.next()) {
        double v = double(ld<T>(in[0], ko.offset[0] + ri.offset[0]));
        if (op.kind == OpKind::ReduceMax)
          acc = (v > acc || std::isnan(v)) ? v : acc;
        else
          acc += v;
      }
      if (op.kind == OpKind::ReduceMean)
        acc = numRed ? acc / double(numRed) : std::numeric_limits<double>::quiet_NaN();
      if constexpr (std::is_integral_v<C>) {
        if (!std::isfinite(acc))
          acc = 0;
        st<T>(out[0], o, C(acc));
      } else {
        st<T>(out[0], o, C(acc));
      }
    }
  });
}

} // namespace neuron::rt
