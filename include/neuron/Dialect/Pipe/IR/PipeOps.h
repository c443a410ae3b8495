//===- PipeOps.h - pipe dialect operations ------------------------*- C++ -*-===//

#ifndef NEURON_DIALECT_PIPE_IR_PIPEOPS_H
#define NEURON_DIALECT_PIPE_IR_PIPEOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "neuron/Dialect/Pipe/IR/PipeDialect.h"

namespace neuron::pipe {
class StageOp;
} // namespace neuron::pipe

#define GET_OP_CLASSES
#include "neuron/Dialect/Pipe/IR/PipeOps.h.inc"

#endif // NEURON_DIALECT_PIPE_IR_PIPEOPS_H
