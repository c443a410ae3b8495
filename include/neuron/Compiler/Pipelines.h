//===- Pipelines.h - the compiler's phases ------------------------*- C++ -*-===//
//
// The named phases neuron-cc runs (and --compile-to stops after), shared with
// embedders so a toolchain gets the same pipeline as the command line.
//
//===----------------------------------------------------------------------===//

#ifndef NEURON_COMPILER_PIPELINES_H
#define NEURON_COMPILER_PIPELINES_H

namespace mlir {
class MLIRContext;
class OpPassManager;
} // namespace mlir

namespace neuron {

/// The phases of a compilation, in order.
enum class CompilePhase { Import, Optimize };

/// Loads every dialect the compiler's IR contains into `context`.
void registerCompilerDialects(mlir::MLIRContext &context);

/// Adds the optimize phase: canonicalization (the graph folders) and CSE.
void buildOptimizePipeline(mlir::OpPassManager &pm);

} // namespace neuron

#endif // NEURON_COMPILER_PIPELINES_H
