//===- Partition.h - Exact pipeline partitioning of a DAG -------*- C++ -*-===//
//
// Splits a DAG of operators into a fixed number of contiguous pipeline stages
// minimising the largest stage load (the pipeline's period) under a per-core
// memory cap. Plain C++17 with no LLVM/MLIR dependency and no exceptions: the
// compiler, the `neuron-partition` tool and the tests all use this header.
//
// See docs/Partitioning.md for the objective, the algorithms and measurements.
//
//===----------------------------------------------------------------------===//

#ifndef NEURON_ANALYSIS_PARTITION_H
#define NEURON_ANALYSIS_PARTITION_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace neuron {
namespace partition {

/// The result of an operation that can fail on user input. The project is
/// built without exceptions, so errors travel as a message; an empty message
/// means success.
class Status {
public:
  /// Returns a successful status.
  static Status success() { return Status(); }
  /// Returns a failed status carrying `message` (must not be empty).
  static Status error(std::string message) {
    Status s;
    s.message = std::move(message);
    return s;
  }
  /// True on success.
  bool ok() const { return message.empty(); }
  /// The error message; empty on success.
  const std::string &getMessage() const { return message; }

private:
  std::string message;
};

/// One operator of the graph to partition.
struct PartitionNode {
  /// Name used in error messages and reports.
  std::string name;
  /// Cost of running the node on a core (FLOPs, time or bytes, depending on
  /// what the caller minimises). Must be finite and >= 0.
  double cost = 0.0;
  /// Memory the node needs on its core besides shared resources (bytes).
  double size = 0.0;
  /// Cost of moving this node's output to another stage. Charged once to the
  /// producing stage and once to every other stage that consumes it.
  double edgeCost = 0.0;
  /// Shared resources (e.g. a weight used by several ops) this node needs;
  /// indices into PartitionGraph::resourceSizes. A stage pays each distinct
  /// resource once however many of its nodes use it.
  std::vector<unsigned> resources;
  /// Nodes with the same non-negative group must be placed in the same stage
  /// (e.g. weight tying, or `colorClass` of the benchmark format); -1 = none.
  int64_t colocationGroup = -1;
};

/// A DAG of operators. Node indices are positions in `nodes`; an edge
/// (u, v) means v consumes u's output.
struct PartitionGraph {
  /// The operators.
  std::vector<PartitionNode> nodes;
  /// Data dependences (producer index, consumer index). Duplicates are allowed
  /// and count once.
  std::vector<std::pair<unsigned, unsigned>> edges;
  /// Size of each shared resource, indexed by PartitionNode::resources.
  std::vector<double> resourceSizes;

  /// Adds a node and returns its index.
  unsigned addNode(std::string name, double cost, double size = 0.0,
                   double edgeCost = 0.0);
  /// Adds the edge producer -> consumer.
  void addEdge(unsigned producer, unsigned consumer) {
    edges.emplace_back(producer, consumer);
  }
  /// Checks that indices are in range, numbers are finite and non-negative,
  /// there are no self loops and the graph is acyclic (a cycle is reported by
  /// the names on it).
  Status verify() const;
};

/// Which algorithm produced a result.
enum class Algorithm {
  /// Exact DP over the prefixes of a graph that has a single topological order
  /// (a chain), by bisection on the max-load.
  ChainBisection,
  /// Exact DP over the down-closed sets (ideals) of the graph.
  IdealDP,
  /// Best of several topological orders, each cut optimally into intervals.
  /// Not proven optimal.
  TopoOrderIntervals,
  /// The brute-force reference (partitionReference).
  BruteForce,
};

/// Returns a short lower-case name of `algorithm` ("chain-bisection", ...).
const char *getAlgorithmName(Algorithm algorithm);

/// What to compute.
struct PartitionOptions {
  /// Number of pipeline stages (cores); every stage gets at least one node.
  unsigned numStages = 1;
  /// Per-core memory cap in bytes; a negative value means no cap.
  double memoryCap = -1.0;
  /// When set, a stage's load also includes the size of each distinct shared
  /// resource its nodes use (counted once per stage, as in its memory). The
  /// compiler's `weights` objective uses it so that the load is exactly the
  /// stage's distinct weight bytes.
  bool resourcesInLoad = false;
  /// Work budget of the exact ideal DP, in enumerated (stage start, stage end)
  /// pairs. When it is exceeded the result of the topological-order fallback
  /// is returned with `optimal == false`.
  uint64_t idealPairBudget = 6'000'000;
  /// Time budget of the exact ideal DP in seconds (checked periodically).
  double exactTimeBudget = 0.5;
  /// Number of randomised topological orders tried by the fallback, on top of
  /// a few deterministic ones.
  unsigned randomOrders = 8;
  /// Seed for the randomised orders (results are deterministic per seed).
  uint64_t seed = 1;
};

/// Per-stage load and memory of an assignment.
struct StageCosts {
  /// Load of each stage: node costs plus the edge costs of values crossing
  /// into or out of it (plus its distinct shared resources when
  /// `resourcesInLoad`).
  std::vector<double> load;
  /// Memory of each stage: node sizes plus distinct shared resources.
  std::vector<double> memory;
  /// Largest load (0 if there are no stages).
  double maxLoad = 0.0;
};

/// A stage assignment.
struct PartitionResult {
  /// Stage of each node, in [0, numStages); every edge goes to the same or a
  /// later stage.
  std::vector<unsigned> stageOf;
  /// Load of each stage.
  std::vector<double> stageLoad;
  /// Memory of each stage.
  std::vector<double> stageMemory;
  /// The largest stage load: the quantity minimised.
  double maxLoad = 0.0;
  /// True if `maxLoad` is proven minimal (up to a relative 1e-9).
  bool optimal = false;
  /// The algorithm that produced the assignment.
  Algorithm algorithm = Algorithm::TopoOrderIntervals;

  /// Checks that the assignment covers every node, stages are non-empty and
  /// contiguous (edges never go backwards), colocated nodes share a stage,
  /// memory caps hold, and the recorded loads match `evaluate`.
  Status verify(const PartitionGraph &graph,
                const PartitionOptions &options) const;
  /// Returns the node indices of each stage, in increasing index order.
  std::vector<std::vector<unsigned>> getStages() const;
};

/// Computes the loads and memory of the stages of `stageOf` (stage count is
/// numStages, or the largest stage index + 1 when numStages is 0). With
/// `resourcesInLoad`, each stage's distinct shared resources count in its
/// load too (PartitionOptions::resourcesInLoad). Does not check contiguity.
StageCosts evaluate(const PartitionGraph &graph,
                    const std::vector<unsigned> &stageOf,
                    unsigned numStages = 0, bool resourcesInLoad = false);

/// Partitions `graph` into `options.numStages` contiguous non-empty stages
/// minimising the max-load under the memory cap. Picks the exact chain or
/// ideal DP when tractable and the topological-order fallback otherwise (see
/// PartitionResult::optimal and ::algorithm). Fails with a message naming
/// the numbers when the input is invalid or no partition exists.
Status partition(const PartitionGraph &graph, const PartitionOptions &options,
                 PartitionResult &result);

/// Brute-force reference: tries every monotone assignment of nodes to stages.
/// Exponential; meant for tests on graphs of up to about 12 nodes. Fails like
/// `partition` on invalid input.
Status partitionReference(const PartitionGraph &graph,
                          const PartitionOptions &options,
                          PartitionResult &result);

} // namespace partition
} // namespace neuron

#endif // NEURON_ANALYSIS_PARTITION_H
