//===- Passes.h - the compiler's passes ---------------------------*- C++ -*-===//
//
// Declarations of the passes in Passes.td: `create*Pass` functions, their
// options structs, and `registerNeuronTransformsPasses()` for pass drivers.
//
//===----------------------------------------------------------------------===//

#ifndef NEURON_TRANSFORMS_PASSES_H
#define NEURON_TRANSFORMS_PASSES_H

#include "neuron/Analysis/CostModel.h"
#include "neuron/Dialect/Graph/IR/GraphDialect.h"
#include "neuron/Dialect/Pipe/IR/PipeDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace neuron {

#define GEN_PASS_DECL
#include "neuron/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "neuron/Transforms/Passes.h.inc"

} // namespace neuron

#endif // NEURON_TRANSFORMS_PASSES_H
