//===- DType.cpp - element types, shapes and host tensors -----------------===//
#include "neuron/runtime/DType.h"
#include "neuron/runtime/Error.h"
#include "neuron/runtime/HostTensor.h"
#include "neuron/runtime/Manifest.h"

#include <cstdlib>
#include <new>
#include <sstream>

namespace neuron::rt {

size_t dtypeSize(DType type) {
  switch (type) {
  case DType::F32: return 4;
  case DType::BF16: return 2;
  case DType::F16: return 2;
  case DType::I64: return 8;
  case DType::I32: return 4;
  case DType::I8: return 1;
  case DType::Bool: return 1;
  }
  return 0;
}

const char *dtypeName(DType type) {
  switch (type) {
  case DType::F32: return "f32";
  case DType::BF16: return "bf16";
  case DType::F16: return "f16";
  case DType::I64: return "i64";
  case DType::I32: return "i32";
  case DType::I8: return "i8";
  case DType::Bool: return "i1";
  }
  return "<invalid dtype>";
}

std::optional<DType> parseDType(const std::string &name) {
  for (int i = 0; i < kNumDTypes; ++i)
    if (name == dtypeName(DType(i)))
      return DType(i);
  if (name == "bool")
    return DType::Bool;
  return std::nullopt;
}

bool isFloat(DType type) {
  return type == DType::F32 || type == DType::BF16 || type == DType::F16;
}

std::optional<uint64_t> checkedNumElements(const Shape &shape, uint64_t limit) {
  uint64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return std::nullopt;
    if (d != 0 && n > limit / uint64_t(d))
      return std::nullopt;
    n *= uint64_t(d);
  }
  return n;
}

uint64_t numElements(const Shape &shape) {
  uint64_t n = 1;
  for (int64_t d : shape)
    n *= uint64_t(d);
  return n;
}

std::string formatShape(const Shape &shape) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < shape.size(); ++i)
    os << (i ? ", " : "") << shape[i];
  os << ']';
  return os.str();
}

const char *tensorKindName(TensorKind kind) {
  switch (kind) {
  case TensorKind::Input: return "input";
  case TensorKind::Weight: return "weight";
  case TensorKind::Arena: return "arena";
  case TensorKind::Constant: return "constant";
  }
  return "<invalid kind>";
}

//===----------------------------------------------------------------------===//
// HostTensor
//===----------------------------------------------------------------------===//

static std::shared_ptr<void> allocateAligned(size_t bytes) {
  size_t rounded = (bytes + 63) / 64 * 64;
  void *p = std::aligned_alloc(64, rounded ? rounded : 64);
  if (!p)
    throw Error("cannot allocate " + std::to_string(bytes) + " bytes");
  std::memset(p, 0, rounded ? rounded : 64);
  return std::shared_ptr<void>(p, [](void *q) { std::free(q); });
}

HostTensor::HostTensor(DType dtype, Shape shape)
    : dtype_(dtype), shape_(std::move(shape)) {
  auto n = checkedNumElements(shape_, (uint64_t(1) << 48));
  if (!n)
    throw Error("invalid tensor shape " + formatShape(shape_));
  owned_ = allocateAligned(*n * dtypeSize(dtype_));
  data_ = owned_.get();
}

HostTensor HostTensor::borrow(DType dtype, Shape shape, void *data) {
  HostTensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.data_ = data;
  return t;
}

HostTensor HostTensor::borrow(DType dtype, Shape shape, const void *data) {
  return borrow(dtype, std::move(shape), const_cast<void *>(data));
}

HostTensor HostTensor::copyOf(DType dtype, Shape shape, const void *bytes) {
  HostTensor t(dtype, std::move(shape));
  if (t.byteSize())
    std::memcpy(t.data_, bytes, t.byteSize());
  return t;
}

uint64_t HostTensor::numElements() const { return rt::numElements(shape_); }

std::string HostTensor::describe() const {
  return std::string(dtypeName(dtype_)) + formatShape(shape_);
}

} // namespace neuron::rt
