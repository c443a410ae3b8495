//===- GraphOps.h - graph dialect operations ----------------------*- C++ -*-===//

#ifndef NEURON_DIALECT_GRAPH_IR_GRAPHOPS_H
#define NEURON_DIALECT_GRAPH_IR_GRAPHOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "neuron/Dialect/Graph/IR/GraphDialect.h"
#include "neuron/Dialect/Graph/IR/GraphInterfaces.h"
#include "neuron/Dialect/Graph/IR/ShapeInference.h"

#define GET_OP_CLASSES
#include "neuron/Dialect/Graph/IR/GraphOps.h.inc"

#endif // NEURON_DIALECT_GRAPH_IR_GRAPHOPS_H
