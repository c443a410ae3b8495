//===- PartitionInternal.h - Shared state of the partitioners ---*- C++ -*-===//
//
// Private to lib/Analysis. The algorithms work on groups: colocated nodes and
// the strongly connected components their contraction creates are merged into
// one group, and groups are numbered in a topological order.
//
//===----------------------------------------------------------------------===//

#ifndef NEURON_LIB_ANALYSIS_PARTITIONINTERNAL_H
#define NEURON_LIB_ANALYSIS_PARTITIONINTERNAL_H

#include "neuron/Analysis/Partition.h"

#include <chrono>
#include <cmath>
#include <limits>

namespace neuron {
namespace partition {
namespace detail {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Relative slack used when comparing accumulated floating-point loads, so
/// that rounding never prunes an optimal stage.
constexpr double kRelTol = 1e-9;

/// Returns `x` widened by the comparison slack.
inline double slack(double x) { return x + std::abs(x) * kRelTol + 1e-12; }

/// The validated, contracted input shared by all algorithms.
struct Problem {
  const PartitionGraph *graph = nullptr;
  unsigned numNodes = 0;
  unsigned numStages = 0;
  /// Memory cap; infinity when there is none.
  double cap = kInf;
  bool hasResources = false;
  /// Distinct shared resources count in a stage's load
  /// (PartitionOptions::resourcesInLoad, and some node uses a resource).
  bool resourcesInLoad = false;

  /// Deduplicated adjacency of the original nodes.
  std::vector<std::vector<unsigned>> succ, pred;

  /// Groups, numbered in a topological order of the contracted DAG.
  unsigned numGroups = 0;
  std::vector<unsigned> groupOf;
  std::vector<std::vector<unsigned>> members;
  /// Deduplicated adjacency between different groups.
  std::vector<std::vector<unsigned>> groupSucc, groupPred;
  /// Sum of the members' costs.
  std::vector<double> groupCost;
  /// Memory of the group alone (sizes plus its distinct resources).
  std::vector<double> groupMemory;
  /// Per original node: number of successors in other groups.
  std::vector<unsigned> extSuccCount;

  /// Sum of the node costs.
  double totalCost = 0.0;
  /// Lower bound of the sum of the stage loads: the node costs plus, when
  /// resources are in the load, each used resource once.
  double totalLoad = 0.0;
  /// max(total load / numStages, largest load of a group alone): no stage
  /// can do better.
  double lowerBound = 0.0;
};

/// Validates the input and builds the contracted problem; fails with a
/// user-facing message (bad graph, bad stage count, a group over the cap).
Status buildProblem(const PartitionGraph &graph,
                    const PartitionOptions &options, Problem &problem);

/// Formats a number without trailing zeros ("123", "0.5").
std::string formatNumber(double value);

/// A candidate solution: the stage of every group.
struct GroupSolution {
  std::vector<unsigned> stageOfGroup;
  /// Max-load as evaluated exactly on the original graph.
  double maxLoad = kInf;
  bool valid() const { return !stageOfGroup.empty(); }
};

/// Evaluates a group assignment on the original graph and checks the cap;
/// returns infinity when a stage is over the cap.
double evaluateGroups(const Problem &problem,
                      const std::vector<unsigned> &stageOfGroup);

/// Several topological orders of the groups: deterministic ones first, then
/// `randomOrders` random ones.
std::vector<std::vector<unsigned>> makeTopologicalOrders(const Problem &problem,
                                                         unsigned randomOrders,
                                                         uint64_t seed);

/// True if the groups have exactly one topological order (the identity).
bool hasUniqueOrder(const Problem &problem);

/// Cuts `order` into numStages intervals minimising the max-load. When
/// `exactCosts` is set the interval loads are exact (O(P * window) pairs);
/// otherwise an upper bound of each load that ignores values skipping over a
/// whole stage is minimised by bisection in O(P * numStages) per probe (exact
/// when no edge skips a position; resources in the load are always exact, at
/// a log factor). Only solutions with max-load <= `bound`
/// are searched; the bisection stops at relative width `tolerance`. Returns an
/// invalid solution when none exists.
GroupSolution cutOrder(const Problem &problem,
                       const std::vector<unsigned> &order, bool exactCosts,
                       double bound, double tolerance = 1e-10);

/// True if no original edge skips over a group position of `order`, so that
/// interval loads are separable and the bisection in cutOrder is exact.
bool isSeparableOrder(const Problem &problem,
                      const std::vector<unsigned> &order);

/// Estimated number of (start, end) pairs the exact interval DP visits.
double estimateIntervalPairs(const Problem &problem, double bound);

/// Outcome of the exact DP over ideals.
enum class IdealOutcome { Solved, OverBudget };

/// Exact DP over ideals of the group DAG, searching only max-loads <= bound.
/// On Solved, `solution` is an optimal solution if one with max-load <=
/// bound exists (else left invalid).
IdealOutcome solveIdeals(const Problem &problem,
                         const PartitionOptions &options, double bound,
                         std::chrono::steady_clock::time_point deadline,
                         GroupSolution &solution);

} // namespace detail
} // namespace partition
} // namespace neuron

#endif // NEURON_LIB_ANALYSIS_PARTITIONINTERNAL_H
