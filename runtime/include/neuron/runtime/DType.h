//===- DType.h - element types and shapes -----------------------*- C++ -*-===//
#ifndef NEURON_RUNTIME_DTYPE_H
#define NEURON_RUNTIME_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace neuron::rt {

/// The graph dialect's element types; the values are the artifact's encoding.
enum class DType : uint8_t { F32 = 0, BF16, F16, I64, I32, I8, Bool };

/// Number of DType values.
inline constexpr int kNumDTypes = 7;

/// A static tensor shape (row-major, C order).
using Shape = std::vector<int64_t>;

/// Returns the size of one element in bytes.
size_t dtypeSize(DType type);
/// Returns the MLIR spelling: f32, bf16, f16, i64, i32, i8, i1.
const char *dtypeName(DType type);
/// Parses an MLIR spelling (also accepts `bool`).
std::optional<DType> parseDType(const std::string &name);
/// Returns true for f32, bf16 and f16.
bool isFloat(DType type);

/// Returns the number of elements, or nullopt when a dimension is negative or
/// the product overflows `limit`.
std::optional<uint64_t> checkedNumElements(const Shape &shape,
                                           uint64_t limit = UINT64_MAX);
/// Returns the number of elements of a shape already known to be valid.
uint64_t numElements(const Shape &shape);
/// Formats a shape as `[2, 3, 4]`.
std::string formatShape(const Shape &shape);

} // namespace neuron::rt

#endif // NEURON_RUNTIME_DTYPE_H
