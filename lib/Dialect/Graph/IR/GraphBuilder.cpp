//===- GraphBuilder.cpp - build graph ops from untrusted input ------------===//

#include "neuron/Dialect/Graph/IR/GraphBuilder.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

using namespace mlir;

namespace neuron::graph {

FailureOr<Operation *> createInferred(OpBuilder &builder, Location loc,
                                      StringRef opName, ValueRange operands,
                                      ArrayRef<NamedAttribute> attributes,
                                      unsigned numResults) {
  MLIRContext *context = builder.getContext();
  // Type inference assumes the operand types ODS guarantees.
  for (Value operand : operands) {
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type || !type.hasStaticShape())
      return emitError(loc) << "'" << opName
                            << "' needs statically shaped tensor operands, got "
                            << operand.getType();
  }
  OperationState state(loc, opName);
  state.addOperands(operands);
  state.addAttributes(attributes);
  // Placeholder result types, replaced by the inferred ones below.
  state.addTypes(SmallVector<Type>(numResults, NoneType::get(context)));
  Operation *op = builder.create(state);
  auto inferable = dyn_cast<InferTypeOpInterface>(op);
  SmallVector<Type> types;
  if (!inferable ||
      failed(inferable.inferReturnTypes(
          context, loc, op->getOperands(), op->getRawDictionaryAttrs(),
          op->getPropertiesStorage(), op->getRegions(), types)) ||
      types.size() != numResults) {
    if (!inferable)
      emitError(loc) << "'" << opName << "' does not infer its result types";
    op->erase();
    return failure();
  }
  for (auto [result, type] : llvm::zip(op->getResults(), types))
    result.setType(type);
  return op;
}

} // namespace neuron::graph
