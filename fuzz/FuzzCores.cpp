//===- FuzzCores.cpp - libFuzzer target: NEURON_RT_* core lists -----------===//
//
// Bytes -> parseCoreList (NEURON_RT_VISIBLE_CORES) and parseCoreCount
// (NEURON_RT_NUM_CORES / NEURON_RT_HOST_CORES). An accepted list is sorted,
// unique and within kMaxCoreIndex, and formatCoreList writes it back in a
// form that parses to the same list.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Cores.h"
#include "neuron/runtime/Error.h"

#include <algorithm>
#include <cstdlib>

using namespace neuron::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  try {
    std::vector<uint32_t> cores =
        parseCoreList(text, "NEURON_RT_VISIBLE_CORES");
    if (!std::is_sorted(cores.begin(), cores.end()) ||
        std::adjacent_find(cores.begin(), cores.end()) != cores.end() ||
        (!cores.empty() && cores.back() > kMaxCoreIndex))
      std::abort();
    if (!cores.empty() &&
        parseCoreList(formatCoreList(cores), "round trip") != cores)
      std::abort();
  } catch (const Error &) {
  }
  try {
    uint32_t n = parseCoreCount(text, "NEURON_RT_NUM_CORES");
    if (n < 1 || n > kMaxCoreIndex + 1)
      std::abort();
  } catch (const Error &) {
  }
  return 0;
}
