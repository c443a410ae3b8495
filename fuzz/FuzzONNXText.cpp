//===- FuzzONNXText.cpp - libFuzzer target: textual ONNX models -----------===//
//
// Bytes -> importONNXText (onnx::OnnxParser, then the importer as for binary
// models) -> graph dialect IR -> verifier.
//
//===----------------------------------------------------------------------===//
#include "FuzzONNXCommon.h"

using namespace neuron;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  fuzz::importAndVerify(
      [&](mlir::MLIRContext &context, const ImportOptions &options) {
        return importONNXText(text,
                              std::string(fuzz::kNoModelDir) + "/fuzz.onnxtxt",
                              context, options);
      });
  return 0;
}
