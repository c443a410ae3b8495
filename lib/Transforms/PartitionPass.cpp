//===- PartitionPass.cpp - split a graph function into pipeline stages ----===//
//
// neuron-partition: cost analysis + exact partitioner, then outlining of the
// function body into a pipe.pipeline whose stage i + 1 reads only the results
// of stage i (values needed further on are forwarded through the stages in
// between). See docs/Partitioning.md.
//
//===----------------------------------------------------------------------===//

#include "neuron/Transforms/Passes.h"

#include "neuron/Analysis/CostModel.h"
#include "neuron/Analysis/Partition.h"
#include "neuron/Dialect/Graph/IR/GraphInterfaces.h"
#include "neuron/Dialect/Graph/IR/GraphOps.h"
#include "neuron/Dialect/Pipe/IR/PipeOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <cmath>

namespace neuron {
#define GEN_PASS_DEF_NEURONPARTITION
#include "neuron/Transforms/Passes.h.inc"
} // namespace neuron

using namespace mlir;
using namespace neuron;

namespace {

/// Where each value lives in the pipeline: the values handed from stage i to
/// stage i + 1 ("live after i"), computed once from the assignment.
struct StageFlow {
  /// liveAfter[i + 1] = values defined at or before stage i (pipeline inputs
  /// are "stage -1") and used after it, in definition order. liveAfter[0]
  /// are the pipeline inputs used anywhere; liveAfter[k] the return values.
  std::vector<SmallVector<Value>> liveAfter;
};

struct NeuronPartitionPass final
    : neuron::impl::NeuronPartitionBase<NeuronPartitionPass> {
  using Base::Base;
  void runOnOperation() override;

private:
  /// Runs the partitioner, choosing the stage count when numStages is 0.
  /// Emits the error or remark on `func`.
  LogicalResult choosePartition(func::FuncOp func, const CostModel &model,
                                double cap, bool defaultCap,
                                partition::PartitionResult &result,
                                unsigned &stages);
  /// Rewrites the body of `func` into the pipeline for `result`.
  LogicalResult outline(func::FuncOp func, const CostModel &model,
                        const partition::PartitionResult &result,
                        unsigned stages, double cap);
};

} // namespace

void NeuronPartitionPass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  // Already partitioned (e.g. the pass ran twice): nothing to do.
  if (!func.getBody().getOps<pipe::PipelineOp>().empty())
    return;

  // A model whose body folded away (Identity, inference Dropout, Shape, ...)
  // is still a model: give each returned value an identity op so one stage
  // computes the outputs.
  if (func.getBody().hasOneBlock()) {
    Block &body = func.getBody().front();
    bool computes = llvm::any_of(body.without_terminator(), [](Operation &op) {
      return !isa<graph::WeightOp, graph::ConstantOp>(op);
    });
    Operation *ret = body.getTerminator();
    if (!computes && ret) {
      OpBuilder builder(ret);
      for (OpOperand &operand : ret->getOpOperands())
        if (isa<RankedTensorType>(operand.get().getType()))
          operand.set(graph::IdentityOp::create(builder, ret->getLoc(),
                                                operand.get()));
    }
  }

  FailureOr<CostModel> model = CostModel::build(func);
  if (failed(model))
    return signalPassFailure();
  if (partition::Status status = model->verify(); !status.ok()) {
    func.emitError("internal error: invalid cost model: ")
        << status.getMessage();
    return signalPassFailure();
  }

  if (coreMemory < 0) {
    func.emitError("core-memory must be >= 0 bytes, got ") << coreMemory;
    return signalPassFailure();
  }
  // The cap: explicit, or the default for auto and balanced, or none.
  int64_t capBytes = coreMemory;
  bool defaultCap = false;
  if (capBytes == 0 &&
      (numStages == 0 || objective == PartitionObjective::Balanced)) {
    capBytes = kDefaultCoreMemory;
    defaultCap = true;
  }
  double cap = capBytes > 0 ? double(capBytes) : -1.0;

  size_t numOps = model->nodes.size();
  if (numOps == 0) {
    func.emitError("cannot partition a function without ops (only weights, "
                   "constants and the return)");
    return signalPassFailure();
  }
  if (numStages > numOps) {
    func.emitError("cannot split ")
        << numOps << " ops into " << unsigned(numStages)
        << " stages: every stage needs at least one op";
    return signalPassFailure();
  }

  partition::PartitionResult result;
  unsigned stages = 0;
  if (failed(choosePartition(func, *model, cap, defaultCap, result, stages)) ||
      failed(outline(func, *model, result, stages, cap)))
    return signalPassFailure();
  numStagesCreated += stages;
}

LogicalResult NeuronPartitionPass::choosePartition(
    func::FuncOp func, const CostModel &model, double cap, bool defaultCap,
    partition::PartitionResult &result, unsigned &stages) {
  CostModelOptions costOptions{objective,
                               static_cast<double>(transferCostPerByte)};
  partition::PartitionGraph graph = model.getPartitionGraph(costOptions);
  partition::PartitionOptions options = getPartitionOptions(costOptions);
  options.memoryCap = cap;
  auto capText = [&] {
    std::string text = std::to_string(int64_t(cap)) + " bytes";
    if (defaultCap)
      text += " (the default core memory)";
    return text;
  };

  if (numStages != 0) {
    options.numStages = unsigned(numStages);
    partition::Status status = partition::partition(graph, options, result);
    if (!status.ok())
      return func.emitError("cannot partition into ")
             << unsigned(numStages) << " stages"
             << (cap > 0 ? " with a per-core weight cap of " + capText() : "")
             << ": " << status.getMessage();
    stages = unsigned(numStages);
    return success();
  }

  // auto: the smallest count whose stages fit the cap. Splitting a stage never
  // raises a stage's memory, so feasibility is monotone in the count and a
  // bisection finds it. Every weight sits in at least one stage, so the count
  // is at least total / cap.
  unsigned numOps = model.nodes.size();
  int64_t total = model.getTotalWeightBytes();
  unsigned lo = std::max<int64_t>(
      1, std::min<int64_t>(numOps, (total + int64_t(cap) - 1) / int64_t(cap)));
  unsigned hi = numOps;
  options.numStages = hi;
  partition::PartitionResult best;
  partition::Status status = partition::partition(graph, options, best);
  if (!status.ok()) {
    // The cap that one op per stage needs, rounded up to whole MiB: a value
    // to try.
    int64_t need = 0;
    for (const OpCost &node : model.nodes)
      need = std::max(need, node.weightBytes);
    int64_t mib = (need + (int64_t(1) << 20) - 1) >> 20;
    return func.emitError("no stage count fits the per-core weight cap of ")
           << capText() << ", even one op per stage (" << numOps
           << " stages): " << status.getMessage() << "; raise the cap to at least " << mib
           << "M (neuron-cc --core-memory " << mib << "M, the pass's core-memory option)";
  }
  while (lo < hi) {
    unsigned mid = lo + (hi - lo) / 2;
    options.numStages = mid;
    partition::PartitionResult candidate;
    if (partition::partition(graph, options, candidate).ok()) {
      hi = mid;
      best = std::move(candidate);
    } else {
      lo = mid + 1;
    }
  }
  result = std::move(best);
  stages = hi;
  InFlightDiagnostic remark = func.emitRemark("auto: ")
                              << stages << " stage" << (stages == 1 ? "" : "s")
                              << ", the smallest count whose stages each hold "
                                 "at most "
                              << capText() << " of weights (the weights total "
                              << total << " bytes";
  if (stages > 1)
    remark << "; " << stages - 1 << (stages == 2 ? " stage cannot" : " stages cannot")
           << " hold them";
  remark << ")";
  return success();
}

LogicalResult NeuronPartitionPass::outline(
    func::FuncOp func, const CostModel &model,
    const partition::PartitionResult &result, unsigned stages, double cap) {
  Block &body = func.getBody().front();
  auto returnOp = dyn_cast<func::ReturnOp>(body.getTerminator());
  if (!returnOp)
    return body.getTerminator()->emitError(
        "cannot partition a function not ended by func.return");
  const int kInputs = -1;
  int returnStage = stages; // the return reads after the last stage

  // Stage that defines each value and the last stage that reads it.
  auto stageOfOp = [&](Operation *op) -> int {
    return result.stageOf[model.nodeIndex.lookup(op)];
  };
  llvm::DenseMap<Value, int> lastUse;
  auto noteUse = [&](Value value, int stage) {
    auto [it, inserted] = lastUse.try_emplace(value, stage);
    if (!inserted)
      it->second = std::max(it->second, stage);
  };
  for (const OpCost &node : model.nodes)
    for (Value operand : node.op->getOperands())
      noteUse(operand, stageOfOp(node.op));
  for (Value operand : returnOp.getOperands())
    noteUse(operand, returnStage);

  // Candidates in definition order: inputs, then op results.
  SmallVector<std::pair<Value, int>> defined;
  for (BlockArgument arg : body.getArguments())
    defined.push_back({arg, kInputs});
  for (Operation &op : body.without_terminator()) {
    // A weight or constant returned directly is cloned into the last stage.
    int stage = CostModel::isClonedIntoStages(&op) ? stages - 1
                                                    : stageOfOp(&op);
    for (Value value : op.getResults())
      defined.push_back({value, stage});
  }
  StageFlow flow;
  flow.liveAfter.resize(stages + 1);
  for (auto [value, def] : defined) {
    auto it = lastUse.find(value);
    if (it == lastUse.end())
      continue;
    Operation *op = value.getDefiningOp();
    if (op && CostModel::isClonedIntoStages(op) && it->second != returnStage)
      continue; // cloned where used, never handed over
    for (int after = def; after < it->second; ++after) {
      if (!isa<RankedTensorType>(value.getType())) {
        InFlightDiagnostic diag =
            op ? op->emitError("result of type ") : func.emitError("input of type ");
        return diag << value.getType()
                    << " crosses a stage boundary; only ranked tensors can";
      }
      flow.liveAfter[after + 1].push_back(value);
    }
  }

  // The pipeline replaces the body; its block arguments mirror the function's.
  OpBuilder builder(returnOp);
  auto pipeline = pipe::PipelineOp::create(builder, func.getLoc(),
                                           returnOp.getOperandTypes(),
                                           body.getArguments());
  SmallVector<Location> argLocs;
  for (BlockArgument arg : body.getArguments())
    argLocs.push_back(arg.getLoc());
  Block *pipelineBody = builder.createBlock(
      &pipeline.getBody(), {}, body.getArgumentTypes(), argLocs);
  // The value standing for each handed-over value at the pipeline level.
  llvm::DenseMap<Value, Value> outer;
  for (BlockArgument arg : body.getArguments())
    outer[arg] = pipelineBody->getArgument(arg.getArgNumber());

  std::vector<std::vector<Operation *>> opsOf(stages);
  for (const OpCost &node : model.nodes)
    opsOf[stageOfOp(node.op)].push_back(node.op);
  std::vector<StageSummary> summaries =
      summarizeStages(model, result.stageOf, stages);

  MLIRContext *context = func.getContext();
  Type i64 = IntegerType::get(context, 64);
  for (unsigned s = 0; s < stages; ++s) {
    ArrayRef<Value> ins = flow.liveAfter[s], outs = flow.liveAfter[s + 1];
    SmallVector<Value> operands;
    SmallVector<Type> inTypes, outTypes;
    SmallVector<Location> inLocs;
    for (Value value : ins) {
      operands.push_back(outer.lookup(value));
      inTypes.push_back(value.getType());
      inLocs.push_back(value.getLoc());
    }
    for (Value value : outs)
      outTypes.push_back(value.getType());

    builder.setInsertionPointToEnd(pipelineBody);
    Location loc = opsOf[s].front()->getLoc();
    auto stage = pipe::StageOp::create(builder, loc, outTypes, operands,
                                       /*index=*/s, /*core=*/s);
    Block *stageBody =
        builder.createBlock(&stage.getBody(), {}, inTypes, inLocs);
    IRMapping mapping;
    for (auto [value, arg] : llvm::zip(ins, stageBody->getArguments()))
      mapping.map(value, arg);
    // Weights and constants are cloned on first use in the stage.
    auto materialize = [&](Value value) {
      Operation *def = value.getDefiningOp();
      if (def && !mapping.contains(value) &&
          CostModel::isClonedIntoStages(def))
        builder.clone(*def, mapping);
    };
    for (Operation *op : opsOf[s]) {
      for (Value operand : op->getOperands())
        materialize(operand);
      builder.clone(*op, mapping);
    }
    SmallVector<Value> yielded;
    for (Value value : outs) {
      materialize(value);
      yielded.push_back(mapping.lookup(value));
    }
    pipe::YieldOp::create(builder, loc, yielded);

    int64_t boundary = graph::getTotalTensorBytes(inTypes) +
                       graph::getTotalTensorBytes(outTypes);
    for (auto [index, value] : llvm::enumerate(outs)) {
      // A result that is one of the stage's arguments only forwards it.
      if (isa<BlockArgument>(mapping.lookup(value)))
        ++numForwarded;
      outer[value] = stage.getResult(index);
    }
    stage->setAttr("weight_bytes", IntegerAttr::get(i64, summaries[s].weightBytes));
    stage->setAttr("flops", IntegerAttr::get(i64, summaries[s].flops));
    stage->setAttr("boundary_bytes", IntegerAttr::get(i64, boundary));
    stage->setAttr("ops", IntegerAttr::get(i64, summaries[s].numOps));
  }

  SmallVector<Value> results;
  for (Value value : returnOp.getOperands())
    results.push_back(outer.lookup(value));
  builder.setInsertionPointToEnd(pipelineBody);
  pipe::YieldOp::create(builder, func.getLoc(), results);

  pipeline->setAttr("objective",
                    StringAttr::get(context, getObjectiveName(objective)));
  pipeline->setAttr("max_load",
                    IntegerAttr::get(i64, std::llround(result.maxLoad)));
  pipeline->setAttr("optimal", BoolAttr::get(context, result.optimal));
  pipeline->setAttr("algorithm",
                    StringAttr::get(context,
                                    partition::getAlgorithmName(result.algorithm)));
  if (cap > 0)
    pipeline->setAttr("core_memory", IntegerAttr::get(i64, int64_t(cap)));

  returnOp->setOperands(pipeline.getResults());
  // The originals now only feed each other: erase users before producers.
  SmallVector<Operation *> originals;
  for (Operation &op : body.without_terminator())
    if (&op != pipeline.getOperation())
      originals.push_back(&op);
  for (Operation *op : llvm::reverse(originals))
    op->erase();
  return success();
}
