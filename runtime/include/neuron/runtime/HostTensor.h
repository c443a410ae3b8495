//===- HostTensor.h - a tensor in host memory -------------------*- C++ -*-===//
#ifndef NEURON_RUNTIME_HOSTTENSOR_H
#define NEURON_RUNTIME_HOSTTENSOR_H

#include "neuron/runtime/DType.h"

#include <cstring>
#include <memory>
#include <string>

namespace neuron::rt {

/// A dense, row-major tensor in host memory whose bytes are either owned (a
/// 64-byte aligned buffer freed with the tensor) or borrowed (the caller keeps
/// them alive while the tensor is in use). Copying a HostTensor shares the
/// owned buffer; use clone() for a deep copy.
class HostTensor {
public:
  HostTensor() = default;
  /// Allocates an owned, zero-filled tensor.
  HostTensor(DType dtype, Shape shape);
  /// Wraps `data` without copying; it must hold numElements * dtypeSize bytes.
  static HostTensor borrow(DType dtype, Shape shape, void *data);
  /// Wraps read-only `data` without copying (the runtime never writes inputs).
  static HostTensor borrow(DType dtype, Shape shape, const void *data);
  /// Allocates an owned tensor and copies `bytes` into it.
  static HostTensor copyOf(DType dtype, Shape shape, const void *bytes);

  DType dtype() const { return dtype_; }
  const Shape &shape() const { return shape_; }
  uint64_t numElements() const;
  size_t byteSize() const { return numElements() * dtypeSize(dtype_); }
  void *data() { return data_; }
  const void *data() const { return data_; }
  bool isOwned() const { return owned_ != nullptr; }
  /// Returns the data as T; T must match the dtype's size.
  template <typename T> T *as() { return static_cast<T *>(data_); }
  template <typename T> const T *as() const {
    return static_cast<const T *>(data_);
  }
  /// Returns an owned deep copy.
  HostTensor clone() const { return copyOf(dtype_, shape_, data_); }
  /// Returns `f32[2, 3]`.
  std::string describe() const;

private:
  DType dtype_ = DType::F32;
  Shape shape_;
  void *data_ = nullptr;
  std::shared_ptr<void> owned_;
};

} // namespace neuron::rt

#endif // NEURON_RUNTIME_HOSTTENSOR_H
