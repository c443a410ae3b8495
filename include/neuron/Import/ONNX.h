//===- ONNX.h - import ONNX models into the graph dialect ---------*- C++
//-*-===//

#ifndef NEURON_IMPORT_ONNX_H
#define NEURON_IMPORT_ONNX_H

#include "neuron/Import/ImportOptions.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace neuron {

/// Imports the ONNX model at `path` (with its external data files, if any)
/// into a module holding one func.func of graph ops. Errors are reported
/// through the context's diagnostic engine, located in the file; returns null
/// on any error.
mlir::OwningOpRef<mlir::ModuleOp> importONNXFile(llvm::StringRef path,
                                                 mlir::MLIRContext &context,
                                                 const ImportOptions &options);

/// Imports an in-memory model; `modelDir` resolves external data paths.
/// `sourceName` names the model in diagnostics.
mlir::OwningOpRef<mlir::ModuleOp> importONNXModel(onnx::ModelProto &model,
                                                  llvm::StringRef sourceName,
                                                  llvm::StringRef modelDir,
                                                  mlir::MLIRContext &context,
                                                  const ImportOptions &options);

/// Imports a model written in ONNX's textual syntax (onnx::OnnxParser), as
/// lit tests do.
mlir::OwningOpRef<mlir::ModuleOp> importONNXText(llvm::StringRef text,
                                                 llvm::StringRef sourceName,
                                                 mlir::MLIRContext &context,
                                                 const ImportOptions &options);

/// Returns the ONNX operators the importer handles, sorted, each as
/// "Name (opsets A-B)", generated from its handler table.
std::vector<std::string> getSupportedONNXOperators();

} // namespace neuron

#endif // NEURON_IMPORT_ONNX_H
