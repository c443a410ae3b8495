//===- NeffEmitter.h - pipe/graph IR to a .neff artifact ----------*- C++
//-*-===//
//
// Serializes a partitioned module (one func.func whose body is a pipe.pipeline
// of stages of graph ops) into the runtime's artifact format through the
// runtime's ArtifactWriter, which owns the format (docs/ArtifactFormat.md).
//
//===----------------------------------------------------------------------===//

#ifndef NEURON_TARGET_NEFF_NEFFEMITTER_H
#define NEURON_TARGET_NEFF_NEFFEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>
#include <utility>
#include <vector>

namespace neuron {

/// What the emitter records besides the program.
struct NeffEmitOptions {
  /// Model name stored in the header (default: the function's name).
  std::string modelName;
  /// Compile options shown by neuron-dump, as key/value pairs.
  std::vector<std::pair<std::string, std::string>> compileOptions;
};

/// Writes `module` as an artifact to `path`. The module must hold one
/// func.func whose body is a pipe.pipeline and a return of its results.
/// Errors are emitted as diagnostics on the offending op.
llvm::LogicalResult emitNeff(mlir::ModuleOp module, llvm::StringRef path,
                             const NeffEmitOptions &options = {});

/// Like emitNeff, but returns the file image instead of writing it.
llvm::FailureOr<std::vector<uint8_t>>
emitNeffImage(mlir::ModuleOp module, const NeffEmitOptions &options = {});

} // namespace neuron

#endif // NEURON_TARGET_NEFF_NEFFEMITTER_H
