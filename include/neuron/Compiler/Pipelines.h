//===- Pipelines.h - the compiler's phases ------------------------*- C++ -*-===//
//
// The named phases neuron-cc runs (and --compile-to stops after), shared with
// embedders so a toolchain gets the same pipeline as the command line.
//
//===----------------------------------------------------------------------===//

#ifndef NEURON_COMPILER_PIPELINES_H
#define NEURON_COMPILER_PIPELINES_H

#include "neuron/Analysis/CostModel.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir {
class MLIRContext;
class OpPassManager;
} // namespace mlir

namespace neuron {

/// The phases of a compilation, in order.
enum class CompilePhase { Import, Optimize, Partition, Neff };

/// Options of the partition phase (neuron-cc's --neuroncore-pipeline-cores,
/// --core-memory and --partition-objective).
struct PartitionPipelineOptions {
  /// Number of pipeline stages (cores); 0 = auto, the smallest count whose
  /// stages each fit `coreMemory`.
  unsigned numStages = 1;
  /// Per-core weight cap in bytes; 0 = no cap for an explicit stage count
  /// with the weights or compute objective, kDefaultCoreMemory for auto and
  /// for balanced.
  int64_t coreMemory = 0;
  /// What the largest stage minimises.
  PartitionObjective objective = PartitionObjective::Weights;
};

/// Which f32 ops the optimize phase computes in a lower precision
/// (neuron-cc's --auto-cast).
enum class AutoCastMode {
  /// Everything stays as imported (the default: the runtime's fp32 is exact).
  None,
  /// matmul, gemm and conv, with casts around them.
  MatMult,
  /// Every floating-point op; the model's inputs and outputs stay f32.
  All
};

/// Returns `none`, `matmult` or `all`.
llvm::StringRef getAutoCastModeName(AutoCastMode mode);

/// Parses `none`, `matmult` or `all`; nullopt for anything else.
std::optional<AutoCastMode> parseAutoCastMode(llvm::StringRef name);

/// Options of the optimize phase (neuron-cc's --auto-cast and
/// --auto-cast-type).
struct OptimizePipelineOptions {
  AutoCastMode autoCast = AutoCastMode::None;
  /// The low-precision type; the auto-cast pass accepts only "bf16".
  std::string autoCastType = "bf16";
};

/// Loads every dialect the compiler's IR contains into `context`.
void registerCompilerDialects(mlir::MLIRContext &context);

/// Adds the optimize phase: canonicalization (the graph folders) and CSE,
/// then, unless `options.autoCast` is None, neuron-auto-cast followed by
/// another canonicalization and CSE.
void buildOptimizePipeline(mlir::OpPassManager &pm,
                           const OptimizePipelineOptions &options = {});

/// Adds the partition phase on every func.func of the module: neuron-partition
/// then neuron-verify-pipeline (which checks the cap the pipeline records).
void buildPartitionPipeline(mlir::OpPassManager &pm,
                            const PartitionPipelineOptions &options);

} // namespace neuron

#endif // NEURON_COMPILER_PIPELINES_H
