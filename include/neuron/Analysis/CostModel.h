//===- CostModel.h - Partitioning costs of a graph function -------*- C++ -*-===//
//
// The cost analysis of the partitioner: from a `func.func` of graph ops it
// records, per operator, FLOPs, the weights it reads and the bytes of its
// results, and turns them into the `PartitionGraph` of Partition.h for one of
// three objectives. Plain data with a `verify()`; no pass is needed to use it.
//
// See docs/Partitioning.md, "The cost model".
//
//===----------------------------------------------------------------------===//

#ifndef NEURON_ANALYSIS_COSTMODEL_H
#define NEURON_ANALYSIS_COSTMODEL_H

#include "neuron/Analysis/Partition.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace neuron {

/// What the partitioner minimises (the largest stage's ...).
enum class PartitionObjective {
  /// ... weight bytes: the weights of every stage as even as possible.
  Weights,
  /// ... FLOPs, ignoring memory.
  Compute,
  /// ... FLOPs, subject to the per-core weight cap.
  Balanced,
};

/// Returns "weights", "compute" or "balanced".
const char *getObjectiveName(PartitionObjective objective);

/// Parses the name returned by getObjectiveName.
std::optional<PartitionObjective> parseObjective(llvm::StringRef name);

/// Per-core weight cap used by `auto` stage counts and by the `balanced`
/// objective when no cap is given: 2 MiB, the L2 plus a share of L3 of one
/// core of the development host (docs/Partitioning.md, "Core memory").
constexpr int64_t kDefaultCoreMemory = int64_t(2) << 20;

/// The cost of one operator: a node of the partition graph.
struct OpCost {
  /// The operator (owned by the analysed function).
  mlir::Operation *op = nullptr;
  /// Name used in diagnostics: the location's name if it has one, else the
  /// op name and its node index.
  std::string name;
  /// FLOPs of one execution (CostOpInterface; 0 for ops without it).
  int64_t flops = 0;
  /// Bytes of the distinct weights the op reads.
  int64_t weightBytes = 0;
  /// Bytes of all the op's results: what crosses a stage boundary when a
  /// result is used by another stage.
  int64_t activationBytes = 0;
  /// Indices into CostModel::weights of the distinct weights the op reads.
  std::vector<unsigned> weights;
};

/// One `graph.weight` op read by some node: a shared resource, counted once
/// per stage holding one of its users.
struct WeightCost {
  /// The `graph.weight` op.
  mlir::Operation *op = nullptr;
  /// Its bytes.
  int64_t bytes = 0;
};

/// How to turn a CostModel into a PartitionGraph.
struct CostModelOptions {
  /// The quantity minimised.
  PartitionObjective objective = PartitionObjective::Weights;
  /// Cost, in the objective's unit, of one activation byte crossing a stage
  /// boundary (charged to both sides by the partitioner). 0 (the default)
  /// makes the load exactly the objective's quantity.
  double transferCostPerByte = 0.0;
};

/// The partitioning costs of a function of graph ops.
///
/// Nodes are the ops of the function body other than weights, constants
/// (`ConstantLike` ops) and the terminator, in program order (which is a
/// topological order). Weights and constants are not nodes: the outliner
/// clones them into every stage that uses them, and weights count in the
/// memory of each such stage once. An edge (u, v) means v reads a result of u.
struct CostModel {
  /// The nodes, in program order.
  std::vector<OpCost> nodes;
  /// Data dependences between nodes (producer, consumer), without duplicates.
  std::vector<std::pair<unsigned, unsigned>> edges;
  /// The weights read by nodes, in order of first use.
  std::vector<WeightCost> weights;
  /// Node index of each node op.
  llvm::DenseMap<mlir::Operation *, unsigned> nodeIndex;

  /// Analyses `func`, which must have a single block whose ops have no
  /// regions; fails with a diagnostic on the offending op otherwise.
  static mlir::FailureOr<CostModel> build(mlir::func::FuncOp func);

  /// Returns true if `op` is a weight or constant: cloned into its users'
  /// stages rather than partitioned.
  static bool isClonedIntoStages(mlir::Operation *op);

  /// Returns the partition graph for `options`. A weight read by a single op
  /// is part of that op's size; a weight read by several ops is a shared
  /// resource of its bytes (resourceSizes has every weight, by index), so
  /// stage memory = distinct weight bytes. Cost = the op's own weight bytes
  /// (weights: the shared ones count through
  /// PartitionOptions::resourcesInLoad, see getPartitionOptions) or FLOPs
  /// (compute, balanced); edge cost = transferCostPerByte x activation bytes.
  partition::PartitionGraph
  getPartitionGraph(const CostModelOptions &options) const;

  /// Returns the sum of the bytes of all weights (each counted once).
  int64_t getTotalWeightBytes() const;
  /// Returns the sum of the FLOPs of all nodes.
  int64_t getTotalFlops() const;

  /// Checks that node indices, weight indices and edges are in range, edges
  /// go forward in program order, and figures are non-negative and agree
  /// with the per-op fields.
  partition::Status verify() const;
};

/// Returns partitioner options matching getPartitionGraph(options): for
/// `weights`, `resourcesInLoad` is set so that a stage's load is exactly its
/// distinct weight bytes (plus transfers). The stage count and memory cap are
/// left at their defaults for the caller to set.
partition::PartitionOptions
getPartitionOptions(const CostModelOptions &options);

/// Figures of one stage of an assignment, as attached to `pipe.stage`.
struct StageSummary {
  /// Bytes of the distinct weights of the stage's nodes.
  int64_t weightBytes = 0;
  /// FLOPs of the stage's nodes.
  int64_t flops = 0;
  /// Number of nodes.
  int64_t numOps = 0;
};

/// Returns the summary of each stage of `stageOf` (one stage per entry of
/// `numStages`), computed from `model`.
std::vector<StageSummary> summarizeStages(const CostModel &model,
                                          const std::vector<unsigned> &stageOf,
                                          unsigned numStages);

} // namespace neuron

#endif // NEURON_ANALYSIS_COSTMODEL_H
