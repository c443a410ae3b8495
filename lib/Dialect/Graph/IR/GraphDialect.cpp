//===- GraphDialect.cpp - graph dialect registration and helpers ----------===//

#include "neuron/Dialect/Graph/IR/GraphDialect.h"
#include "neuron/Dialect/Graph/IR/GraphOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace neuron::graph;

#include "neuron/Dialect/Graph/IR/GraphDialect.cpp.inc"
#include "neuron/Dialect/Graph/IR/GraphInterfaces.cpp.inc"

void GraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "neuron/Dialect/Graph/IR/GraphOps.cpp.inc"
      >();
}

Operation *GraphDialect::materializeConstant(OpBuilder &builder,
                                             Attribute value, Type type,
                                             Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

namespace neuron::graph {

int64_t getNumElements(Type type) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return 0;
  return shaped.getNumElements();
}

int64_t getTensorBytes(Type type) {
  int64_t elements = getNumElements(type);
  if (elements == 0)
    return 0;
  unsigned bits = cast<RankedTensorType>(type).getElementTypeBitWidth();
  return elements * std::max<int64_t>(1, bits / 8);
}

int64_t getTotalTensorBytes(TypeRange types) {
  int64_t total = 0;
  for (Type type : types)
    total += getTensorBytes(type);
  return total;
}

bool isWeight(Value value) { return value.getDefiningOp<WeightOp>() != nullptr; }

} // namespace neuron::graph
