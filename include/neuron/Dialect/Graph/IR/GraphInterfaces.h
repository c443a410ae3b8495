//===- GraphInterfaces.h - cost interface of graph ops ------------*- C++ -*-===//

#ifndef NEURON_DIALECT_GRAPH_IR_GRAPHINTERFACES_H
#define NEURON_DIALECT_GRAPH_IR_GRAPHINTERFACES_H

#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/TypeRange.h"

namespace neuron::graph {

/// Returns the number of elements of a statically shaped tensor type, or 0 for
/// anything else.
int64_t getNumElements(mlir::Type type);

/// Returns the bytes a statically shaped tensor of `type` occupies (i1 counts
/// as one byte, as the runtime stores it), or 0 for anything else.
int64_t getTensorBytes(mlir::Type type);

/// Returns the sum of getTensorBytes over `types`.
int64_t getTotalTensorBytes(mlir::TypeRange types);

/// Returns true if `value` is produced by a `graph.weight` op.
bool isWeight(mlir::Value value);

} // namespace neuron::graph

#include "neuron/Dialect/Graph/IR/GraphInterfaces.h.inc"

#endif // NEURON_DIALECT_GRAPH_IR_GRAPHINTERFACES_H
