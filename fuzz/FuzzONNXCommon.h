//===- FuzzONNXCommon.h - shared driver of the ONNX fuzz targets -*- C++
//-*-===//

#ifndef NEURON_FUZZ_FUZZONNXCOMMON_H
#define NEURON_FUZZ_FUZZONNXCOMMON_H

#include "neuron/Import/ONNX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstdlib>
#include <functional>

namespace neuron::fuzz {

/// A directory that does not exist: external data references of fuzzed
/// models resolve there and fail, instead of reading files next to the
/// fuzzer's working directory.
inline constexpr const char *kNoModelDir = "/nonexistent-neuron-fuzz-model-dir";

/// Runs one import in a fresh context (uniqued types and attributes of one
/// input never accumulate into the next), with diagnostics discarded. An
/// import that succeeds must return a module the verifier accepts.
inline void
importAndVerify(const std::function<mlir::OwningOpRef<mlir::ModuleOp>(
                    mlir::MLIRContext &, const ImportOptions &)> &import) {
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  ImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module = import(context, options);
  if (module && mlir::failed(mlir::verify(*module)))
    std::abort(); // The importer returned IR that does not verify.
}

} // namespace neuron::fuzz

#endif // NEURON_FUZZ_FUZZONNXCOMMON_H
