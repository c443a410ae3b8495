//===- neuron-opt.cpp - the project's mlir-opt ----------------------------===//
//
// Parses graph/pipe IR, runs passes named on the command line, prints the
// result. Only the dialects our IR contains are registered.
//
//===----------------------------------------------------------------------===//

#include "neuron/Dialect/Graph/IR/GraphDialect.h"
#include "neuron/Dialect/Pipe/IR/PipeDialect.h"
#include "neuron/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<neuron::graph::GraphDialect, neuron::pipe::PipeDialect,
                  mlir::func::FuncDialect, mlir::arith::ArithDialect,
                  mlir::tensor::TensorDialect>();
  // Upstream passes our pipelines use: canonicalize, cse, inline, symbol-dce...
  mlir::registerTransformsPasses();
  neuron::registerNeuronTransformsPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Neuron compiler pass driver\n", registry));
}
