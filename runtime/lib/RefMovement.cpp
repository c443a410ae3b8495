//===- RefMovement.cpp - reference data movement kernels ------------------===//
#include "Kernels.h"

#include <algorithm>
#include <cstring>

namespace neuron::rt {

void refCopy(const OpInfo &op, const void *const *in, void *const *out) {
  size_t bytes = numElements(op.out[0].shape) * dtypeSize(op.out[0].dtype);
  if (bytes && out[0] != in[0])
    std::memmove(out[0], in[0], bytes);
}

void refTranspose(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &os = op.out[0].shape;
  uint64_t n = numElements(os);
  size_t es = dtypeSize(op.out[0].dtype);
  std::vector<int64_t> inStrides = stridesOf(op.in[0].shape), s(os.size());
  for (size_t d = 0; d < os.size(); ++d)
    s[d] = inStrides[op.attrs.perm[d]];
  NdCounter c(os, {s});
  const uint8_t *src = static_cast<const uint8_t *>(in[0]);
  uint8_t *dst = static_cast<uint8_t *>(out[0]);
  for (uint64_t i = 0; i < n; ++i, c.next())
    std::memcpy(dst + i * es, src + c.offset[0] * es, es);
}

namespace {
/// Splits `shape` around `axis` into outer * dim * inner.
void around(const Shape &shape, int64_t axis, uint64_t &outer, uint64_t &inner) {
  outer = inner = 1;
  for (int64_t i = 0; i < int64_t(shape.size()); ++i) {
    if (i < axis)
      outer *= shape[i];
    else if (i > axis)
      inner *= shape[i];
  }
}
int64_t normAxis(int64_t axis, size_t rank) { return axis < 0 ? axis + int64_t(rank) : axis; }
} // namespace

void refConcat(const OpInfo &op, const void *const *in, void *const *out) {
  int64_t axis = normAxis(op.attrs.axis, op.out[0].shape.size());
  size_t es = dtypeSize(op.out[0].dtype);
  uint64_t outer, inner;
  around(op.out[0].shape, axis, outer, inner);
  uint8_t *dst = static_cast<uint8_t *>(out[0]);
  for (uint64_t o = 0; o < outer; ++o)
    for (size_t i = 0; i < op.in.size(); ++i) {
      size_t chunk = op.in[i].shape[axis] * inner * es;
      if (chunk)
        std::memcpy(dst, static_cast<const uint8_t *>(in[i]) + o * chunk, chunk);
      dst += chunk;
    }
}

void refSplit(const OpInfo &op, const void *const *in, void *const *out) {
  int64_t axis = normAxis(op.attrs.axis, op.in[0].shape.size());
  size_t es = dtypeSize(op.in[0].dtype);
  uint64_t outer, inner;
  around(op.in[0].shape, axis, outer, inner);
  const uint8_t *src = static_cast<const uint8_t *>(in[0]);
  for (uint64_t o = 0; o < outer; ++o)
    for (size_t i = 0; i < op.out.size(); ++i) {
      size_t chunk = op.out[i].shape[axis] * inner * es;
      if (chunk)
        std::memcpy(static_cast<uint8_t *>(out[i]) + o * chunk, src, chunk);
      src += chunk;
    }
}

void refSlice(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &is = op.in[0].shape, &os = op.out[0].shape;
  uint64_t n = numElements(os);
  if (n == 0)
    return;
  size_t es = dtypeSize(op.out[0].dtype), rank = is.size();
  std::vector<int64_t> start(rank, 0), step(rank, 1), inStrides = stridesOf(is);
  const OpAttrs &a = op.attrs;
  for (size_t i = 0; i < a.starts.size(); ++i) {
    int64_t axis = a.axes.empty() ? int64_t(i) : normAxis(a.axes[i], rank);
    int64_t st = a.steps.empty() ? 1 : a.steps[i];
    int64_t dim = is[axis], v = a.starts[i];
    if (v < 0)
      v += dim;
    start[axis] = st > 0 ? std::clamp<int64_t>(v, 0, dim) : std::clamp<int64_t>(v, 0, dim - 1);
    step[axis] = st;
  }
  std::vector<int64_t> s(rank);
  int64_t base = 0;
  for (size_t d = 0; d < rank; ++d) {
    s[d] = inStrides[d] * step[d];
    base += start[d] * inStrides[d];
  }
  NdCounter c(os, {s});
  const uint8_t *src = static_cast<const uint8_t *>(in[0]);
  uint8_t *dst = static_cast<uint8_t *>(out[0]);
  for (uint64_t i = 0; i < n; ++i, c.next())
    std::memcpy(dst + i * es, src + (base + c.offset[0]) * es, es);
}

void refGather(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &ds = op.in[0].shape;
  int64_t axis = normAxis(op.attrs.axis, ds.size());
  size_t es = dtypeSize(op.in[0].dtype);
  uint64_t outer, inner;
  around(ds, axis, outer, inner);
  int64_t dim = ds[axis];
  uint64_t numIdx = numElements(op.in[1].shape);
  bool i64 = op.in[1].dtype == DType::I64;
  const uint8_t *src = static_cast<const uint8_t *>(in[0]);
  uint8_t *dst = static_cast<uint8_t *>(out[0]);
  size_t row = inner * es;
  for (uint64_t o = 0; o < outer; ++o)
    for (uint64_t k = 0; k < numIdx; ++k) {
      int64_t idx = i64 ? static_cast<const int64_t *>(in[1])[k]
                        : static_cast<const int32_t *>(in[1])[k];
      if (idx < -dim || idx >= dim)
        throw Error("gather" + (op.name.empty() ? "" : " '" + op.name + "'") +
                    ": index " + std::to_string(idx) + " is out of range [" +
                    std::to_string(-dim) + ", " + std::to_string(dim) + ")");
      if (idx < 0)
        idx += dim;
      if (row)
        std::memcpy(dst, src + (o * dim + idx) * row, row);
      dst += row;
    }
}

void refGatherElements(const OpInfo &op, const void *const *in, void *const *out) {
  const Shape &ds = op.in[0].shape, &is = op.in[1].shape;
  int64_t axis = normAxis(op.attrs.axis, ds.size());
  size_t es = dtypeSize(op.in[0].dtype);
  uint64_t n = numElements(is);
  if (n == 0)
    return;
  std::vector<int64_t> dataStrides = stridesOf(ds);
  int64_t axisStride = dataStrides[axis], dim = ds[axis];
  // The data offset of each index position, without the axis term.
  std::vector<int64_t> s = dataStrides;
  s[axis] = 0;
  NdCounter c(is, {s});
  bool i64 = op.in[1].dtype == DType::I64;
  const uint8_t *src = static_cast<const uint8_t *>(in[0]);
  uint8_t *dst = static_cast<uint8_t *>(out[0]);
  for (uint64_t i = 0; i < n; ++i, c.next()) {
    int64_t idx = i64 ? static_cast<const int64_t *>(in[1])[i]
                      : static_cast<const int32_t *>(in[1])[i];
    if (idx < -dim || idx >= dim)
      throw Error("gather_elements" + (op.name.empty() ? "" : " '" + op.name + "'") +
                  ": index " + std::to_string(idx) + " is out of range [" +
                  std::to_string(-dim) + ", " + std::to_string(dim) + ")");
    if (idx < 0)
      idx += dim;
    std::memcpy(dst + i * es, src + (c.offset[0] + idx * axisStride) * es, es);
  }
}

} // namespace neuron::rt
