//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Reads and writes the .npy format (versions 1.0, 2.0 and 3.0 headers),
// little-endian, C order. Supported descrs: <f4 <f2 <i8 <i4 |i1 |b1, and
// bfloat16 as raw two-byte void `|V2` (NumPy has no bf16; ml_dtypes writes
// `<V2` too, so both spellings are accepted).
//
//===----------------------------------------------------------------------===//
#ifndef NEURON_RUNTIME_NPY_H
#define NEURON_RUNTIME_NPY_H

#include "neuron/runtime/HostTensor.h"

#include <string>
#include <vector>

namespace neuron::rt {

/// Reads a .npy file; throws Error naming the file and the problem (missing,
/// bad magic, unsupported dtype, Fortran order, truncated data, ...).
HostTensor readNpy(const std::string &path);
/// Parses a .npy image held in memory; `what` names it in messages.
HostTensor parseNpy(const std::vector<uint8_t> &bytes, const std::string &what);
/// Encodes a tensor as a version 1.0 .npy image.
std::vector<uint8_t> encodeNpy(const HostTensor &tensor);
/// Writes a tensor as a .npy file.
void writeNpy(const std::string &path, const HostTensor &tensor);

} // namespace neuron::rt

#endif // NEURON_RUNTIME_NPY_H
