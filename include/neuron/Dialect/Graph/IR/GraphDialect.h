//===- GraphDialect.h - graph dialect declaration -----------------*- C++ -*-===//

#ifndef NEURON_DIALECT_GRAPH_IR_GRAPHDIALECT_H
#define NEURON_DIALECT_GRAPH_IR_GRAPHDIALECT_H

#include "mlir/IR/Dialect.h"

#include "neuron/Dialect/Graph/IR/GraphDialect.h.inc"

#endif // NEURON_DIALECT_GRAPH_IR_GRAPHDIALECT_H
