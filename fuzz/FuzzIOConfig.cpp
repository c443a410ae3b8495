//===- FuzzIOConfig.cpp - libFuzzer target: --io-config JSON --------------===//
//
// Bytes -> parseIOConfig. `@FILE` values name a file to read; that is not
// parsing, so such inputs are skipped (a fuzzer-chosen path could name
// /dev/zero or the fuzzer's own logs).
//
//===----------------------------------------------------------------------===//
#include "neuron/Import/ImportOptions.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  if (text.starts_with("@"))
    return 0;
  llvm::Expected<neuron::ImportOptions> options = neuron::parseIOConfig(text);
  if (!options) {
    llvm::consumeError(options.takeError());
    return 0;
  }
  for (const neuron::InputSpec &spec : options->inputs)
    for (int64_t d : spec.shape)
      if (d < 0)
        std::abort(); // Negative dimensions must be refused.
  return 0;
}
