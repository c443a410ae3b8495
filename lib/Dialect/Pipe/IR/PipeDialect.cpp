//===- PipeDialect.cpp - pipe dialect and its verifiers -------------------===//

#include "neuron/Dialect/Pipe/IR/PipeDialect.h"
#include "neuron/Dialect/Pipe/IR/PipeOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace neuron::pipe;

#include "neuron/Dialect/Pipe/IR/PipeDialect.cpp.inc"

void PipeDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "neuron/Dialect/Pipe/IR/PipeOps.cpp.inc"
      >();
}

/// Checks that `yield` returns exactly `expected` types; `what` names the
/// parent in the message.
static LogicalResult verifyYield(Operation *op, Block &block,
                                 TypeRange expected, StringRef what) {
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return op->emitOpError("body must end with pipe.yield");
  if (yield.getResults().getTypes() != expected)
    return yield.emitOpError("returns ")
           << yield.getResults().getTypes() << " but the " << what
           << " produces " << expected;
  return success();
}

int64_t PipelineOp::getNumStages() {
  return std::distance(getStages().begin(), getStages().end());
}

LogicalResult PipelineOp::verifyRegions() {
  Block &body = getBody().front();
  if (body.getArgumentTypes() != getInputs().getTypes())
    return emitOpError("block arguments ")
           << body.getArgumentTypes() << " do not match the inputs "
           << getInputs().getTypes();

  int64_t expectedIndex = 0, lastCore = -1;
  for (Operation &op : body.without_terminator()) {
    auto stage = dyn_cast<StageOp>(op);
    if (!stage)
      return op.emitOpError("is not allowed in a pipeline: only pipe.stage "
                            "ops may appear before the pipe.yield");
    if (static_cast<int64_t>(stage.getIndex()) != expectedIndex)
      return stage.emitOpError("has index ")
             << stage.getIndex() << " but is stage " << expectedIndex
             << " of the pipeline";
    if (static_cast<int64_t>(stage.getCore()) <= lastCore)
      return stage.emitOpError("runs on core ")
             << stage.getCore() << ", which is not after core " << lastCore
             << " of the previous stage";
    lastCore = stage.getCore();
    ++expectedIndex;

    // Values flow forward only: from pipeline inputs or earlier stages.
    for (OpOperand &operand : stage->getOpOperands()) {
      Value value = operand.get();
      if (auto arg = dyn_cast<BlockArgument>(value); arg && arg.getOwner() == &body)
        continue;
      auto producer = value.getDefiningOp<StageOp>();
      if (!producer || producer->getBlock() != &body ||
          producer.getIndex() >= stage.getIndex())
        return stage.emitOpError("operand #")
               << operand.getOperandNumber()
               << " must be a pipeline input or a result of an earlier stage";
    }
  }
  if (expectedIndex == 0)
    return emitOpError("must contain at least one pipe.stage");

  if (failed(verifyYield(*this, body, getResultTypes(), "pipeline")))
    return failure();
  for (OpOperand &operand : body.getTerminator()->getOpOperands()) {
    Value value = operand.get();
    if (auto arg = dyn_cast<BlockArgument>(value); arg && arg.getOwner() == &body)
      continue;
    if (!value.getDefiningOp<StageOp>())
      return emitOpError("result #")
             << operand.getOperandNumber()
             << " is not produced by a stage or a pipeline input";
  }
  return success();
}

LogicalResult StageOp::verifyRegions() {
  Block &body = getBody().front();
  if (body.getArgumentTypes() != getInputs().getTypes())
    return emitOpError("block arguments ")
           << body.getArgumentTypes() << " do not match the operands "
           << getInputs().getTypes();
  return verifyYield(*this, body, getResultTypes(), "stage");
}

#define GET_OP_CLASSES
#include "neuron/Dialect/Pipe/IR/PipeOps.cpp.inc"
