//===- Pipelines.cpp - the compiler's phases ------------------------------===//

#include "neuron/Compiler/Pipelines.h"

#include "neuron/Dialect/Graph/IR/GraphDialect.h"
#include "neuron/Dialect/Pipe/IR/PipeDialect.h"
#include "neuron/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace neuron {

void registerCompilerDialects(mlir::MLIRContext &context) {
  context.loadDialect<graph::GraphDialect, pipe::PipeDialect,
                      mlir::func::FuncDialect>();
}

llvm::StringRef getAutoCastModeName(AutoCastMode mode) {
  switch (mode) {
  case AutoCastMode::None:
    return "none";
  case AutoCastMode::MatMult:
    return "matmult";
  case AutoCastMode::All:
    return "all";
  }
  return "none";
}

std::optional<AutoCastMode> parseAutoCastMode(llvm::StringRef name) {
  for (AutoCastMode mode :
       {AutoCastMode::None, AutoCastMode::MatMult, AutoCastMode::All})
    if (name == getAutoCastModeName(mode))
      return mode;
  return std::nullopt;
}

void buildOptimizePipeline(mlir::OpPassManager &pm,
                           const OptimizePipelineOptions &options) {
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  if (options.autoCast == AutoCastMode::None)
    return;
  // After the folders, so casts are placed on the graph that will run; the
  // second round folds what the casts expose (identity casts, dead f32
  // copies) and merges duplicate casts.
  NeuronAutoCastOptions autoCast;
  autoCast.mode = getAutoCastModeName(options.autoCast).str();
  autoCast.type = options.autoCastType;
  pm.nest<mlir::func::FuncOp>().addPass(createNeuronAutoCast(autoCast));
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
}

void buildPartitionPipeline(mlir::OpPassManager &pm,
                            const PartitionPipelineOptions &options) {
  NeuronPartitionOptions partition;
  partition.numStages = options.numStages;
  partition.coreMemory = options.coreMemory;
  partition.objective = options.objective;
  mlir::OpPassManager &funcPm = pm.nest<mlir::func::FuncOp>();
  funcPm.addPass(createNeuronPartition(partition));
  funcPm.addPass(createNeuronVerifyPipeline());
}

} // namespace neuron
