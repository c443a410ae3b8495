//===- RefLinalg.cpp - reference matmul, gemm, conv and pooling -----------===//
#include "Kernels.h"

#include <cmath>
#include <limits>

namespace neuron::rt {

void refMatMul(const OpInfo &op, const void *const *in, void *const *out) {
  Shape a = op.in[0].shape, b = op.in[1].shape;
  if (a.size() == 1)
    a.insert(a.begin(), 1);
  if (b.size() == 1)
    b.push_back(1);
  int64_t M = a[a.size() - 2], K = a.back(), N = b.back();
  Shape ab(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
  Shape batch = *broadcastShapes({ab, bb});
  uint64_t numBatch = numElements(batch);
  std::vector<int64_t> as = broadcastStrides(ab, batch), bs = broadcastStrides(bb, batch);
  dispatchNumeric(op.out[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    using C = Compute<T>;
    using Acc = std::conditional_t<std::is_floating_point_v<C>, double, int64_t>;
    NdCounter c(batch, {as, bs});
    for (uint64_t bi = 0; bi < numBatch; ++bi, c.next()) {
      int64_t aOff = c.offset[0] * M * K, bOff = c.offset[1] * K * N;
      int64_t oOff = int64_t(bi) * M * N;
      for (int64_t m = 0; m < M; ++m)
        for (int64_t nn = 0; nn < N; ++nn) {
          Acc acc = 0;
          for (int64_t k = 0; k < K; ++k)
            acc += Acc(ld<T>(in[0], aOff + m * K + k)) * Acc(ld<T>(in[1], bOff + k * N + nn));
          st<T>(out[0], oOff + m * N + nn, C(acc));
        }
    }
  });
}

void refGemm(const OpInfo &op, const void *const *in, void *const *out) {
  const OpAttrs &at = op.attrs;
  const Shape &as = op.in[0].shape, &bs = op.in[1].shape;
  int64_t M = op.out[0].shape[0], N = op.out[0].shape[1];
  int64_t K = at.transA ? as[0] : as[1];
  std::vector<int64_t> cs;
  if (op.in.size() == 3)
    cs = broadcastStrides(op.in[2].shape, {M, N});
  dispatchFloat(op.out[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        double acc = 0;
        for (int64_t k = 0; k < K; ++k) {
          double x = ld<T>(in[0], at.transA ? k * as[1] + m : m * as[1] + k);
          double y = ld<T>(in[1], at.transB ? n * bs[1] + k : k * bs[1] + n);
          acc += x * y;
        }
        acc *= at.alpha;
        if (op.in.size() == 3)
          acc += double(at.beta) * ld<T>(in[2], m * cs[0] + n * cs[1]);
        st<T>(out[0], m * N + n, float(acc));
      }
  });
}

namespace {
struct Window {
  int64_t sh, sw, pt, pl, pb, pr, dh, dw;
};
Window windowOf(const OpAttrs &a) {
  Window w{1, 1, 0, 0, 0, 0, 1, 1};
  if (!a.strides.empty()) { w.sh = a.strides[0]; w.sw = a.strides[1]; }
  if (!a.pads.empty()) { w.pt = a.pads[0]; w.pl = a.pads[1]; w.pb = a.pads[2]; w.pr = a.pads[3]; }
  if (!a.dilations.empty()) { w.dh = a.dilations[0]; w.dw = a.dilations[1]; }
  return w;
}
} // namespace

void refConv(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &x = op.in[0].shape, &w = op.in[1].shape, &y = op.out[0].shape;
  Window win = windowOf(op.attrs);
  int64_t N = x[0], C = x[1], H = x[2], W = x[3];
  int64_t M = w[0], Cg = w[1], KH = w[2], KW = w[3];
  int64_t OH = y[2], OW = y[3], G = op.attrs.group, Mg = M / G;
  bool bias = op.in.size() == 3;
  dispatchFloat(op.out[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t m = 0; m < M; ++m) {
        int64_t g = m / Mg;
        for (int64_t oh = 0; oh < OH; ++oh)
          for (int64_t ow = 0; ow < OW; ++ow) {
            double acc = bias ? double(ld<T>(in[2], m)) : 0.0;
            for (int64_t c = 0; c < Cg; ++c)
              for (int64_t kh = 0; kh < KH; ++kh) {
                int64_t ih = oh * win.sh - win.pt + kh * win.dh;
                if (ih < 0 || ih >= H)
                  continue;
                for (int64_t kw = 0; kw < KW; ++kw) {
                  int64_t iw = ow * win.sw - win.pl + kw * win.dw;
                  if (iw < 0 || iw >= W)
                    continue;
                  acc += double(ld<T>(in[0], ((n * C + g * Cg + c) * H + ih) * W + iw)) *
                         double(ld<T>(in[1], ((m * Cg + c) * KH + kh) * KW + kw));
                }
              }
            st<T>(out[0], ((n * M + m) * OH + oh) * OW + ow, float(acc));
          }
      }
  });
}

void refPool(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &x = op.in[0].shape, &y = op.out[0].shape;
  Window win = windowOf(op.attrs);
  int64_t KH = op.attrs.kernelShape[0], KW = op.attrs.kernelShape[1];
  int64_t NC = x[0] * x[1], H = x[2], W = x[3], OH = y[2], OW = y[3];
  bool isMax = op.kind == OpKind::MaxPool;
  dispatchFloat(op.out[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t p = 0; p < NC; ++p)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double acc = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
          int64_t count = 0;
          for (int64_t kh = 0; kh < KH; ++kh) {
            int64_t ih = oh * win.sh - win.pt + kh * win.dh;
            bool hPad = ih >= -win.pt && ih < H + win.pb, hIn = ih >= 0 && ih < H;
            for (int64_t kw = 0; kw < KW; ++kw) {
              int64_t iw = ow * win.sw - win.pl + kw * win.dw;
              bool wPad = iw >= -win.pl && iw < W + win.pr, wIn = iw >= 0 && iw < W;
              if (op.attrs.countIncludePad ? (hPad && wPad) : (hIn && wIn))
                ++count;
              if (!hIn || !wIn)
                continue;
              double v = ld<T>(in[0], (p * H + ih) * W + iw);
              if (isMax)
                acc = (v > acc || std::isnan(v)) ? v : acc;
              else
                acc += v;
            }
          }
          if (!isMax)
            acc = count ? acc / double(count) : 0.0;
          st<T>(out[0], (p * OH + oh) * OW + ow, float(acc));
        }
  });
}

void refGlobalAveragePool(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &x = op.in[0].shape;
  uint64_t NC = uint64_t(x[0]) * x[1], S = 1;
  for (size_t i = 2; i < x.size(); ++i)
    S *= x[i];
  dispatchFloat(op.out[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    for (uint64_t p = 0; p < NC; ++p) {
      double acc = 0;
      for (uint64_t s = 0; s < S; ++s)
        acc += ld<T>(in[0], p * S + s);
      st<T>(out[0], p, float(S ? acc / double(S) : 0.0));
    }
  });
}

} // namespace neuron::rt
