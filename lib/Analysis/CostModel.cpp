//===- CostModel.cpp - Partitioning costs of a graph function -------------===//

#include "neuron/Analysis/CostModel.h"

#include "neuron/Dialect/Graph/IR/GraphOps.h"

#include "llvm/ADT/StringSwitch.h"

#include <set>

using namespace mlir;

namespace neuron {

const char *getObjectiveName(PartitionObjective objective) {
  switch (objective) {
  case PartitionObjective::Weights:
    return "weights";
  case PartitionObjective::Compute:
    return "compute";
  case PartitionObjective::Balanced:
    return "balanced";
  }
  return "unknown";
}

std::optional<PartitionObjective> parseObjective(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<PartitionObjective>>(name)
      .Case("weights", PartitionObjective::Weights)
      .Case("compute", PartitionObjective::Compute)
      .Case("balanced", PartitionObjective::Balanced)
      .Default(std::nullopt);
}

bool CostModel::isClonedIntoStages(Operation *op) {
  return isa<graph::WeightOp>(op) || op->hasTrait<OpTrait::ConstantLike>();
}

/// Returns the name of `loc` if it (or a location fused into it) is a NameLoc.
static std::optional<std::string> getLocName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto name = getLocName(inner))
        return name;
  return std::nullopt;
}

FailureOr<CostModel> CostModel::build(func::FuncOp func) {
  CostModel model;
  if (func.isExternal())
    return func.emitError("cannot partition a function without a body");
  if (!func.getBody().hasOneBlock())
    return func.emitError("cannot partition a function with ")
           << func.getBody().getBlocks().size() << " blocks; expected one";

  llvm::DenseMap<Operation *, unsigned> weightIndex;
  for (Operation &op : func.getBody().front().without_terminator()) {
    if (isClonedIntoStages(&op))
      continue;
    if (op.getNumRegions() != 0)
      return op.emitError("cannot partition an op with regions");

    OpCost cost;
    cost.op = &op;
    unsigned index = model.nodes.size();
    cost.name = getLocName(op.getLoc())
                    .value_or(op.getName().getStringRef().str() + " #" +
                              std::to_string(index));
    auto costOp = dyn_cast<graph::CostOpInterface>(&op);
    if (costOp)
      cost.flops = costOp.getFlops();
    cost.activationBytes = graph::getTotalTensorBytes(op.getResultTypes());

    std::set<unsigned> producers;
    for (OpOperand &operand : op.getOpOperands()) {
      Operation *def = operand.get().getDefiningOp();
      if (!def)
        continue; // A function argument: a pipeline input, not a node.
      if (auto weight = dyn_cast<graph::WeightOp>(def)) {
        auto [it, inserted] = weightIndex.try_emplace(def, model.weights.size());
        if (inserted)
          model.weights.push_back({def, weight.getWeightBytes()});
        if (llvm::find(cost.weights, it->second) == cost.weights.end()) {
          cost.weights.push_back(it->second);
          cost.weightBytes += model.weights[it->second].bytes;
        }
        continue;
      }
      if (isClonedIntoStages(def))
        continue;
      auto it = model.nodeIndex.find(def);
      if (it == model.nodeIndex.end())
        return op.emitError("operand #")
               << operand.getOperandNumber()
               << " is defined after its user; the body is not in "
                  "topological order";
      producers.insert(it->second);
    }
    for (unsigned producer : producers)
      model.edges.emplace_back(producer, index);
    model.nodeIndex[&op] = index;
    model.nodes.push_back(std::move(cost));
  }
  return model;
}

partition::PartitionGraph
CostModel::getPartitionGraph(const CostModelOptions &options) const {
  // A weight read by one op is part of that op; only the others are shared
  // resources, which the partitioner counts once per stage.
  std::vector<unsigned> readers(weights.size(), 0);
  for (const OpCost &node : nodes)
    for (unsigned w : node.weights)
      ++readers[w];
  partition::PartitionGraph graph;
  for (const OpCost &node : nodes) {
    double ownBytes = 0.0;
    std::vector<unsigned> shared;
    for (unsigned w : node.weights) {
      if (readers[w] == 1)
        ownBytes += double(weights[w].bytes);
      else
        shared.push_back(w);
    }
    double cost = options.objective == PartitionObjective::Weights
                      ? ownBytes
                      : double(node.flops);
    unsigned index =
        graph.addNode(node.name, cost, /*size=*/ownBytes,
                      options.transferCostPerByte * node.activationBytes);
    graph.nodes[index].resources = std::move(shared);
  }
  graph.edges = edges;
  for (const WeightCost &weight : weights)
    graph.resourceSizes.push_back(double(weight.bytes));
  return graph;
}

partition::PartitionOptions
getPartitionOptions(const CostModelOptions &options) {
  partition::PartitionOptions result;
  // Shared weights are the graph's resources; with `weights` they belong in
  // the load too, so that it is the stage's distinct weight bytes.
  result.resourcesInLoad = options.objective == PartitionObjective::Weights;
  return result;
}

int64_t CostModel::getTotalWeightBytes() const {
  int64_t total = 0;
  for (const WeightCost &weight : weights)
    total += weight.bytes;
  return total;
}

int64_t CostModel::getTotalFlops() const {
  int64_t total = 0;
  for (const OpCost &node : nodes)
    total += node.flops;
  return total;
}

partition::Status CostModel::verify() const {
  using partition::Status;
  if (nodeIndex.size() != nodes.size())
    return Status::error("the node index has " +
                         std::to_string(nodeIndex.size()) + " entries for " +
                         std::to_string(nodes.size()) + " nodes");
  for (unsigned i = 0; i < nodes.size(); ++i) {
    const OpCost &node = nodes[i];
    auto it = nodeIndex.find(node.op);
    if (!node.op || it == nodeIndex.end() || it->second != i)
      return Status::error("node " + std::to_string(i) + " ('" + node.name +
                           "') is not indexed by its op");
    if (node.flops < 0 || node.activationBytes < 0 || node.weightBytes < 0)
      return Status::error("node '" + node.name + "' has a negative figure");
    int64_t bytes = 0;
    std::set<unsigned> seen;
    for (unsigned w : node.weights) {
      if (w >= weights.size())
        return Status::error("node '" + node.name + "' reads weight " +
                             std::to_string(w) + " of " +
                             std::to_string(weights.size()));
      if (!seen.insert(w).second)
        return Status::error("node '" + node.name + "' lists weight " +
                             std::to_string(w) + " twice");
      bytes += weights[w].bytes;
    }
    if (bytes != node.weightBytes)
      return Status::error("node '" + node.name + "' has " +
                           std::to_string(node.weightBytes) +
                           " weight bytes but its weights add up to " +
                           std::to_string(bytes));
  }
  for (const WeightCost &weight : weights)
    if (!weight.op || weight.bytes < 0)
      return Status::error("a weight has no op or negative bytes");
  std::set<std::pair<unsigned, unsigned>> seenEdges;
  for (auto [u, v] : edges) {
    if (u >= nodes.size() || v >= nodes.size() || u >= v)
      return Status::error("edge (" + std::to_string(u) + ", " +
                           std::to_string(v) +
                           ") does not go forward between nodes");
    if (!seenEdges.insert({u, v}).second)
      return Status::error("edge (" + std::to_string(u) + ", " +
                           std::to_string(v) + ") is duplicated");
  }
  return Status::success();
}

std::vector<StageSummary> summarizeStages(const CostModel &model,
                                          const std::vector<unsigned> &stageOf,
                                          unsigned numStages) {
  std::vector<StageSummary> stages(numStages);
  std::vector<std::set<unsigned>> weightsOf(numStages);
  for (unsigned i = 0; i < model.nodes.size() && i < stageOf.size(); ++i) {
    if (stageOf[i] >= numStages)
      continue;
    StageSummary &stage = stages[stageOf[i]];
    stage.flops += model.nodes[i].flops;
    ++stage.numOps;
    weightsOf[stageOf[i]].insert(model.nodes[i].weights.begin(),
                                 model.nodes[i].weights.end());
  }
  for (unsigned s = 0; s < numStages; ++s)
    for (unsigned w : weightsOf[s])
      stages[s].weightBytes += model.weights[w].bytes;
  return stages;
}

} // namespace neuron
