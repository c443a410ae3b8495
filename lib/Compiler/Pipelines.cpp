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

void buildOptimizePipeline(mlir::OpPassManager &pm) {
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
