//===- PartitionGraph.cpp - Partition data structures and brute force ----===//
//
// The graph and result checks, the load evaluation that defines the
// objective, and the brute-force reference used by the tests.
//
//===----------------------------------------------------------------------===//

#include "PartitionInternal.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace neuron::partition;
using namespace neuron::partition::detail;

std::string detail::formatNumber(double value) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.15g", value);
  return buf;
}

static std::string quoteName(const PartitionGraph &graph, unsigned node) {
  const std::string &name = graph.nodes[node].name;
  if (name.empty())
    return "#" + std::to_string(node);
  return "'" + name + "'";
}

unsigned PartitionGraph::addNode(std::string name, double cost, double size,
                                 double edgeCost) {
  PartitionNode node;
  node.name = std::move(name);
  node.cost = cost;
  node.size = size;
  node.edgeCost = edgeCost;
  nodes.push_back(std::move(node));
  return nodes.size() - 1;
}

static bool isBadNumber(double x) { return !std::isfinite(x) || x < 0.0; }

Status PartitionGraph::verify() const {
  unsigned n = nodes.size();
  for (unsigned i = 0; i < n; ++i) {
    const PartitionNode &node = nodes[i];
    if (isBadNumber(node.cost) || isBadNumber(node.size) ||
        isBadNumber(node.edgeCost))
      return Status::error("node " + quoteName(*this, i) +
                           " has a negative or non-finite cost, size or edge "
                           "cost");
    for (unsigned r : node.resources)
      if (r >= resourceSizes.size())
        return Status::error("node " + quoteName(*this, i) +
                             " uses unknown resource " + std::to_string(r));
  }
  for (double s : resourceSizes)
    if (isBadNumber(s))
      return Status::error("a shared resource has a negative or non-finite "
                           "size");
  std::vector<std::vector<unsigned>> succ(n);
  for (auto [u, v] : edges) {
    if (u >= n || v >= n)
      return Status::error("edge " + std::to_string(u) + " -> " +
                           std::to_string(v) +
                           " refers to a node index >= " + std::to_string(n));
    if (u == v)
      return Status::error("node " + quoteName(*this, u) +
                           " has an edge to itself");
    succ[u].push_back(v);
  }

  // Iterative DFS; a back edge closes a cycle, reported by its node names.
  std::vector<unsigned char> color(n, 0); // 0 new, 1 on stack, 2 done
  std::vector<unsigned> parent(n, ~0u);
  std::vector<std::pair<unsigned, unsigned>> stack;
  for (unsigned root = 0; root < n; ++root) {
    if (color[root])
      continue;
    stack.push_back({root, 0});
    color[root] = 1;
    while (!stack.empty()) {
      auto &[u, next] = stack.back();
      if (next == succ[u].size()) {
        color[u] = 2;
        stack.pop_back();
        continue;
      }
      unsigned v = succ[u][next++];
      if (color[v] == 0) {
        color[v] = 1;
        parent[v] = u;
        stack.push_back({v, 0});
      } else if (color[v] == 1) {
        std::vector<unsigned> cycle{v};
        for (unsigned x = u; x != v; x = parent[x])
          cycle.push_back(x);
        std::reverse(cycle.begin() + 1, cycle.end());
        std::string text;
        for (unsigned x : cycle)
          text += quoteName(*this, x) + " -> ";
        return Status::error("the graph has a cycle: " + text +
                             quoteName(*this, v));
      }
    }
  }
  return Status::success();
}

const char *neuron::partition::getAlgorithmName(Algorithm algorithm) {
  switch (algorithm) {
  case Algorithm::ChainBisection:
    return "chain-bisection";
  case Algorithm::IdealDP:
    return "ideal-dp";
  case Algorithm::TopoOrderIntervals:
    return "topo-order-intervals";
  case Algorithm::BruteForce:
    return "brute-force";
  }
  return "unknown";
}

StageCosts neuron::partition::evaluate(const PartitionGraph &graph,
                                       const std::vector<unsigned> &stageOf,
                                       unsigned numStages,
                                       bool resourcesInLoad) {
  StageCosts costs;
  unsigned n = std::min<size_t>(graph.nodes.size(), stageOf.size());
  if (numStages == 0)
    for (unsigned i = 0; i < n; ++i)
      numStages = std::max(numStages, stageOf[i] + 1);
  costs.load.assign(numStages, 0.0);
  costs.memory.assign(numStages, 0.0);
  std::vector<std::vector<unsigned>> consumerStages(n);
  for (auto [u, v] : graph.edges)
    if (u < n && v < n && stageOf[v] < numStages)
      consumerStages[u].push_back(stageOf[v]);
  std::vector<std::pair<unsigned, unsigned>> stageResources;
  for (unsigned u = 0; u < n; ++u) {
    unsigned s = stageOf[u];
    if (s >= numStages)
      continue;
    const PartitionNode &node = graph.nodes[u];
    costs.load[s] += node.cost;
    costs.memory[s] += node.size;
    for (unsigned r : node.resources)
      stageResources.push_back({s, r});
    // The producer pays once if anyone elsewhere reads the value, and every
    // other consuming stage pays once however many of its nodes read it.
    std::vector<unsigned> &stages = consumerStages[u];
    std::sort(stages.begin(), stages.end());
    stages.erase(std::unique(stages.begin(), stages.end()), stages.end());
    bool crosses = false;
    for (unsigned t : stages) {
      if (t == s)
        continue;
      crosses = true;
      costs.load[t] += node.edgeCost;
    }
    if (crosses)
      costs.load[s] += node.edgeCost;
  }
  std::sort(stageResources.begin(), stageResources.end());
  stageResources.erase(
      std::unique(stageResources.begin(), stageResources.end()),
      stageResources.end());
  for (auto [s, r] : stageResources) {
    if (r >= graph.resourceSizes.size())
      continue;
    costs.memory[s] += graph.resourceSizes[r];
    if (resourcesInLoad)
      costs.load[s] += graph.resourceSizes[r];
  }
  for (double l : costs.load)
    costs.maxLoad = std::max(costs.maxLoad, l);
  return costs;
}

std::vector<std::vector<unsigned>> PartitionResult::getStages() const {
  std::vector<std::vector<unsigned>> stages(stageLoad.size());
  for (unsigned u = 0; u < stageOf.size(); ++u) {
    if (stageOf[u] >= stages.size())
      stages.resize(stageOf[u] + 1);
    stages[stageOf[u]].push_back(u);
  }
  return stages;
}

Status PartitionResult::verify(const PartitionGraph &graph,
                               const PartitionOptions &options) const {
  unsigned k = options.numStages;
  if (stageOf.size() != graph.nodes.size())
    return Status::error("the assignment covers " +
                         std::to_string(stageOf.size()) + " nodes, not " +
                         std::to_string(graph.nodes.size()));
  std::vector<unsigned> count(k, 0);
  for (unsigned u = 0; u < stageOf.size(); ++u) {
    if (stageOf[u] >= k)
      return Status::error("node " + quoteName(graph, u) + " is in stage " +
                           std::to_string(stageOf[u]) + " of " +
                           std::to_string(k));
    ++count[stageOf[u]];
  }
  for (unsigned s = 0; s < k; ++s)
    if (count[s] == 0)
      return Status::error("stage " + std::to_string(s) + " is empty");
  for (auto [u, v] : graph.edges)
    if (u < stageOf.size() && v < stageOf.size() && stageOf[u] > stageOf[v])
      return Status::error("edge " + quoteName(graph, u) + " -> " +
                           quoteName(graph, v) + " goes from stage " +
                           std::to_string(stageOf[u]) + " back to stage " +
                           std::to_string(stageOf[v]));
  std::vector<std::pair<int64_t, unsigned>> groups;
  for (unsigned u = 0; u < stageOf.size(); ++u)
    if (graph.nodes[u].colocationGroup >= 0)
      groups.push_back({graph.nodes[u].colocationGroup, u});
  std::sort(groups.begin(), groups.end());
  for (size_t i = 1; i < groups.size(); ++i)
    if (groups[i].first == groups[i - 1].first &&
        stageOf[groups[i].second] != stageOf[groups[i - 1].second])
      return Status::error("colocated nodes " +
                           quoteName(graph, groups[i - 1].second) + " and " +
                           quoteName(graph, groups[i].second) +
                           " are in different stages");
  StageCosts costs = evaluate(graph, stageOf, k, options.resourcesInLoad);
  auto close = [](double a, double b) {
    return std::abs(a - b) <= 1e-9 * std::max(1.0, std::max(a, b));
  };
  if (stageLoad.size() != k || stageMemory.size() != k)
    return Status::error("the result has loads for " +
                         std::to_string(stageLoad.size()) + " stages, not " +
                         std::to_string(k));
  for (unsigned s = 0; s < k; ++s) {
    if (!close(costs.load[s], stageLoad[s]) ||
        !close(costs.memory[s], stageMemory[s]))
      return Status::error("the recorded load or memory of stage " +
                           std::to_string(s) + " is wrong");
    if (options.memoryCap >= 0 && costs.memory[s] > options.memoryCap)
      return Status::error("stage " + std::to_string(s) + " needs " +
                           formatNumber(costs.memory[s]) +
                           " bytes, over the per-core cap of " +
                           formatNumber(options.memoryCap));
  }
  if (!close(costs.maxLoad, maxLoad))
    return Status::error("the recorded max-load is wrong");
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Brute-force reference
//===----------------------------------------------------------------------===//

namespace {
/// Tries every assignment that is monotone along a topological order.
struct BruteForce {
  const PartitionGraph &graph;
  const PartitionOptions &options;
  std::vector<unsigned> order;
  std::vector<std::vector<unsigned>> pred;
  std::vector<unsigned> stageOf;
  std::vector<unsigned> best;
  double bestLoad = kInf;

  void search(unsigned i) {
    unsigned k = options.numStages;
    if (i == order.size()) {
      // Members of a contracted group are not ordered among themselves, so
      // check every edge here rather than trusting the pruning below.
      for (auto [u, v] : graph.edges)
        if (stageOf[u] > stageOf[v])
          return;
      std::vector<unsigned> count(k, 0);
      for (unsigned s : stageOf)
        ++count[s];
      if (std::count(count.begin(), count.end(), 0u) != 0)
        return;
      StageCosts costs = evaluate(graph, stageOf, k, options.resourcesInLoad);
      for (double m : costs.memory)
        if (options.memoryCap >= 0 && m > options.memoryCap)
          return;
      if (costs.maxLoad < bestLoad) {
        bestLoad = costs.maxLoad;
        best = stageOf;
      }
      return;
    }
    unsigned u = order[i];
    unsigned lo = 0;
    for (unsigned p : pred[u])
      lo = std::max(lo, stageOf[p]);
    for (unsigned s = lo; s < k; ++s) {
      stageOf[u] = s;
      bool ok = true;
      int64_t group = graph.nodes[u].colocationGroup;
      for (unsigned j = 0; j < i && ok && group >= 0; ++j)
        if (graph.nodes[order[j]].colocationGroup == group &&
            stageOf[order[j]] != s)
          ok = false;
      if (ok)
        search(i + 1);
    }
  }
};
} // namespace

Status neuron::partition::partitionReference(const PartitionGraph &graph,
                                             const PartitionOptions &options,
                                             PartitionResult &result) {
  Problem problem;
  if (Status st = buildProblem(graph, options, problem); !st.ok())
    return st;
  BruteForce bf{graph, options, {}, problem.pred, {}, {}, kInf};
  // Groups in topological order, members in index order: the pruning only
  // looks at predecessors already placed, the leaf checks every edge.
  for (unsigned g = 0; g < problem.numGroups; ++g)
    for (unsigned u : problem.members[g])
      bf.order.push_back(u);
  std::vector<unsigned> position(graph.nodes.size());
  for (unsigned i = 0; i < bf.order.size(); ++i)
    position[bf.order[i]] = i;
  for (unsigned u = 0; u < graph.nodes.size(); ++u) {
    std::vector<unsigned> placed;
    for (unsigned p : problem.pred[u])
      if (position[p] < position[u])
        placed.push_back(p);
    bf.pred[u] = placed;
  }
  bf.stageOf.assign(graph.nodes.size(), 0);
  bf.search(0);
  if (bf.best.empty())
    return Status::error("no split into " + std::to_string(options.numStages) +
                         " contiguous stages keeps every stage within the "
                         "per-core cap of " +
                         formatNumber(options.memoryCap) + " bytes");
  result = PartitionResult();
  result.stageOf = bf.best;
  StageCosts costs =
      evaluate(graph, bf.best, options.numStages, options.resourcesInLoad);
  result.stageLoad = costs.load;
  result.stageMemory = costs.memory;
  result.maxLoad = costs.maxLoad;
  result.optimal = true;
  result.algorithm = Algorithm::BruteForce;
  return Status::success();
}
