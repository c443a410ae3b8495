//===- VerifyPipeline.cpp - per-core caps and hand-offs of a pipeline -----===//
//
// neuron-verify-pipeline: checks what the pipe dialect's verifier does not,
// because it depends on the target: each stage's weights fit a core, and
// stage i + 1 reads only stage i's results (the runtime's hand-off).
//
//===----------------------------------------------------------------------===//

#include "neuron/Transforms/Passes.h"

#include "neuron/Dialect/Graph/IR/GraphOps.h"
#include "neuron/Dialect/Pipe/IR/PipeOps.h"

namespace neuron {
#define GEN_PASS_DEF_NEURONVERIFYPIPELINE
#include "neuron/Transforms/Passes.h.inc"
} // namespace neuron

using namespace mlir;
using namespace neuron;

namespace {

struct NeuronVerifyPipelinePass final
    : neuron::impl::NeuronVerifyPipelineBase<NeuronVerifyPipelinePass> {
  using Base::Base;
  void runOnOperation() override;

private:
  LogicalResult verifyPipeline(pipe::PipelineOp pipeline);
};

} // namespace

/// Returns the bytes of the distinct `graph.weight` ops in `stage`.
static int64_t getStageWeightBytes(pipe::StageOp stage) {
  int64_t bytes = 0;
  stage.walk([&](graph::WeightOp weight) { bytes += weight.getWeightBytes(); });
  return bytes;
}

LogicalResult
NeuronVerifyPipelinePass::verifyPipeline(pipe::PipelineOp pipeline) {
  int64_t cap = coreMemory;
  if (cap == 0)
    if (auto attr = pipeline->getAttrOfType<IntegerAttr>("core_memory"))
      cap = attr.getInt();

  bool ok = true;
  pipe::StageOp previous;
  for (pipe::StageOp stage : pipeline.getStages()) {
    uint64_t index = stage.getIndex();
    int64_t bytes = getStageWeightBytes(stage);
    if (auto recorded = stage->getAttrOfType<IntegerAttr>("weight_bytes");
        recorded && recorded.getInt() != bytes) {
      stage.emitError("stage ")
          << index << " records weight_bytes = " << recorded.getInt()
          << " but its weights add up to " << bytes << " bytes";
      ok = false;
    }
    if (cap > 0 && bytes > cap) {
      stage.emitError("stage ")
          << index << " holds " << bytes
          << " bytes of weights, over the per-core cap of " << cap << " bytes";
      ok = false;
    }
    if (adjacentOnly && previous) {
      for (OpOperand &operand : stage->getOpOperands()) {
        if (operand.get().getDefiningOp() == previous.getOperation())
          continue;
        stage.emitError("stage ")
            << index << " operand #" << operand.getOperandNumber()
            << " is not a result of stage " << index - 1
            << "; values must be forwarded through every stage in between";
        ok = false;
      }
    }
    previous = stage;
  }
  if (adjacentOnly && previous) {
    Operation *yield = pipeline.getBody().front().getTerminator();
    for (OpOperand &operand : yield->getOpOperands()) {
      if (operand.get().getDefiningOp() == previous.getOperation())
        continue;
      pipeline.emitError("pipeline result #")
          << operand.getOperandNumber()
          << " does not come from the last stage (" << previous.getIndex()
          << ")";
      ok = false;
    }
  }
  return success(ok);
}

void NeuronVerifyPipelinePass::runOnOperation() {
  if (coreMemory < 0) {
    getOperation().emitError("core-memory must be >= 0 bytes, got ")
        << coreMemory;
    return signalPassFailure();
  }
  bool ok = true;
  getOperation().walk([&](pipe::PipelineOp pipeline) {
    ok &= succeeded(verifyPipeline(pipeline));
  });
  if (!ok)
    signalPassFailure();
  markAllAnalysesPreserved();
}
