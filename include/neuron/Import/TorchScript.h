//===- TorchScript.h - import traced TorchScript models -----------*- C++
//-*-===//

#ifndef NEURON_IMPORT_TORCHSCRIPT_H
#define NEURON_IMPORT_TORCHSCRIPT_H

#include "neuron/Import/ImportOptions.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace neuron {

/// Imports the TorchScript archive at `path` (saved from torch.jit.trace)
/// into a module holding one func.func of graph ops: the module is loaded,
/// frozen and inlined with LibTorch, and shape arithmetic is evaluated from
/// the static input shapes. Errors go to the context's diagnostic engine;
/// returns null on any error.
mlir::OwningOpRef<mlir::ModuleOp>
importTorchScriptFile(llvm::StringRef path, mlir::MLIRContext &context,
                      const ImportOptions &options);

/// Returns the aten/prim operators the importer handles, sorted, generated
/// from its handler table.
std::vector<std::string> getSupportedTorchScriptOperators();

} // namespace neuron

#endif // NEURON_IMPORT_TORCHSCRIPT_H
