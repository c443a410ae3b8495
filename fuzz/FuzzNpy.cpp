//===- FuzzNpy.cpp - libFuzzer target: the .npy reader --------------------===//
//
// Bytes -> parseNpy. A file parseNpy accepts must survive a round trip
// through encodeNpy unchanged (same dtype, shape and bytes); anything else
// must be refused with neuron::rt::Error.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Npy.h"

#include <cstdlib>
#include <cstring>

using namespace neuron::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  HostTensor tensor;
  try {
    tensor = parseNpy(bytes, "fuzz.npy");
  } catch (const Error &) {
    return 0;
  }
  HostTensor again = parseNpy(encodeNpy(tensor), "round-trip.npy");
  if (again.dtype() != tensor.dtype() || again.shape() != tensor.shape() ||
      again.byteSize() != tensor.byteSize() ||
      (tensor.byteSize() &&
       std::memcmp(again.data(), tensor.data(), tensor.byteSize()) != 0))
    std::abort(); // The writer and the reader disagree.
  return 0;
}
