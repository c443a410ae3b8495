//===- PipeDialect.h - pipe dialect declaration -------------------*- C++ -*-===//

#ifndef NEURON_DIALECT_PIPE_IR_PIPEDIALECT_H
#define NEURON_DIALECT_PIPE_IR_PIPEDIALECT_H

#include "mlir/IR/Dialect.h"

#include "neuron/Dialect/Pipe/IR/PipeDialect.h.inc"

#endif // NEURON_DIALECT_PIPE_IR_PIPEDIALECT_H
