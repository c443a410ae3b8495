//===- Partition.cpp - Input contraction and the partitioner driver ------===//
//
// Validates the input, contracts colocated nodes into groups, and chooses
// between the exact algorithms and the topological-order fallback.
//
//===----------------------------------------------------------------------===//

#include "PartitionInternal.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>
#include <unordered_map>

using namespace neuron::partition;
using namespace neuron::partition::detail;

namespace {
/// Union-find over node indices, used to merge colocation groups.
struct UnionFind {
  std::vector<unsigned> parent;
  explicit UnionFind(unsigned n) : parent(n) {
    std::iota(parent.begin(), parent.end(), 0u);
  }
  unsigned find(unsigned x) {
    while (parent[x] != x)
      x = parent[x] = parent[parent[x]];
    return x;
  }
  void merge(unsigned a, unsigned b) { parent[find(a)] = find(b); }
};
} // namespace

/// Strongly connected components of a graph on `n` vertices (iterative
/// Tarjan); returns the component of each vertex.
static std::vector<unsigned>
stronglyConnected(unsigned n, const std::vector<std::vector<unsigned>> &succ,
                  unsigned &numComponents) {
  std::vector<unsigned> index(n, ~0u), low(n, 0), comp(n, ~0u);
  std::vector<unsigned char> onStack(n, 0);
  std::vector<unsigned> stack;
  std::vector<std::pair<unsigned, unsigned>> work;
  unsigned counter = 0;
  numComponents = 0;
  for (unsigned root = 0; root < n; ++root) {
    if (index[root] != ~0u)
      continue;
    work.push_back({root, 0});
    while (!work.empty()) {
      auto [v, next] = work.back();
      if (next == 0) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        onStack[v] = 1;
      }
      if (next < succ[v].size()) {
        work.back().second = next + 1;
        unsigned w = succ[v][next];
        if (index[w] == ~0u)
          work.push_back({w, 0});
        else if (onStack[w])
          low[v] = std::min(low[v], index[w]);
        continue;
      }
      work.pop_back();
      if (!work.empty())
        low[work.back().first] = std::min(low[work.back().first], low[v]);
      if (low[v] == index[v]) {
        unsigned w;
        do {
          w = stack.back();
          stack.pop_back();
          onStack[w] = 0;
          comp[w] = numComponents;
        } while (w != v);
        ++numComponents;
      }
    }
  }
  return comp;
}

static std::string describeGroup(const PartitionGraph &graph,
                                 const std::vector<unsigned> &members) {
  auto name = [&](unsigned u) {
    return graph.nodes[u].name.empty() ? "#" + std::to_string(u)
                                       : "'" + graph.nodes[u].name + "'";
  };
  if (members.size() == 1)
    return "node " + name(members[0]) + " alone needs ";
  std::string text = "nodes " + name(members[0]) + ", " + name(members[1]);
  if (members.size() > 2)
    text += " and " + std::to_string(members.size() - 2) + " more";
  return text + " must share a stage and together need ";
}

Status detail::buildProblem(const PartitionGraph &graph,
                            const PartitionOptions &options, Problem &problem) {
  if (Status st = graph.verify(); !st.ok())
    return st;
  unsigned n = graph.nodes.size();
  unsigned k = options.numStages;
  if (k < 1)
    return Status::error("the number of stages must be at least 1, got 0");
  if (n == 0)
    return Status::error("the graph has no nodes");
  if (k > n)
    return Status::error("cannot split " + std::to_string(n) + " nodes into " +
                         std::to_string(k) + " non-empty stages");
  if (std::isnan(options.memoryCap))
    return Status::error("the memory cap is not a number");

  problem = Problem();
  problem.graph = &graph;
  problem.numNodes = n;
  problem.numStages = k;
  problem.cap = options.memoryCap < 0 ? kInf : options.memoryCap;
  problem.succ.assign(n, {});
  problem.pred.assign(n, {});
  for (auto [u, v] : graph.edges)
    problem.succ[u].push_back(v);
  for (unsigned u = 0; u < n; ++u) {
    auto &s = problem.succ[u];
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    for (unsigned v : s)
      problem.pred[v].push_back(u);
    problem.hasResources |= !graph.nodes[u].resources.empty();
  }

  // Colocated nodes form one vertex of the quotient graph; a cycle through
  // quotient vertices forces all of them into one stage, so SCCs merge too.
  UnionFind uf(n);
  std::unordered_map<int64_t, unsigned> firstOfGroup;
  for (unsigned u = 0; u < n; ++u) {
    int64_t g = graph.nodes[u].colocationGroup;
    if (g < 0)
      continue;
    auto [it, inserted] = firstOfGroup.insert({g, u});
    if (!inserted)
      uf.merge(u, it->second);
  }
  std::vector<unsigned> rootIndex(n, ~0u);
  unsigned numRoots = 0;
  for (unsigned u = 0; u < n; ++u)
    if (uf.find(u) == u)
      rootIndex[u] = numRoots++;
  std::vector<std::vector<unsigned>> quotient(numRoots);
  for (unsigned u = 0; u < n; ++u)
    for (unsigned v : problem.succ[u]) {
      unsigned a = rootIndex[uf.find(u)], b = rootIndex[uf.find(v)];
      if (a != b)
        quotient[a].push_back(b);
    }
  unsigned numComps = 0;
  std::vector<unsigned> comp = stronglyConnected(numRoots, quotient, numComps);

  // Number the components topologically, preferring the smallest node index
  // so that a graph given in topological order keeps its order.
  std::vector<unsigned> compOfNode(n), minNode(numComps, ~0u);
  for (unsigned u = 0; u < n; ++u) {
    compOfNode[u] = comp[rootIndex[uf.find(u)]];
    minNode[compOfNode[u]] = std::min(minNode[compOfNode[u]], u);
  }
  std::vector<std::vector<unsigned>> compSucc(numComps);
  std::vector<unsigned> indegree(numComps, 0);
  for (unsigned u = 0; u < n; ++u)
    for (unsigned v : problem.succ[u])
      if (compOfNode[u] != compOfNode[v])
        compSucc[compOfNode[u]].push_back(compOfNode[v]);
  for (auto &s : compSucc) {
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    for (unsigned c : s)
      ++indegree[c];
  }
  using Item = std::pair<unsigned, unsigned>; // (min node, component)
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> ready;
  for (unsigned c = 0; c < numComps; ++c)
    if (indegree[c] == 0)
      ready.push({minNode[c], c});
  std::vector<unsigned> groupOfComp(numComps);
  unsigned next = 0;
  while (!ready.empty()) {
    unsigned c = ready.top().second;
    ready.pop();
    groupOfComp[c] = next++;
    for (unsigned d : compSucc[c])
      if (--indegree[d] == 0)
        ready.push({minNode[d], d});
  }

  unsigned G = numComps;
  problem.numGroups = G;
  problem.groupOf.resize(n);
  problem.members.assign(G, {});
  for (unsigned u = 0; u < n; ++u) {
    problem.groupOf[u] = groupOfComp[compOfNode[u]];
    problem.members[problem.groupOf[u]].push_back(u);
  }
  problem.groupSucc.assign(G, {});
  problem.groupPred.assign(G, {});
  problem.extSuccCount.assign(n, 0);
  for (unsigned u = 0; u < n; ++u)
    for (unsigned v : problem.succ[u]) {
      unsigned a = problem.groupOf[u], b = problem.groupOf[v];
      if (a == b)
        continue;
      ++problem.extSuccCount[u];
      problem.groupSucc[a].push_back(b);
    }
  for (unsigned g = 0; g < G; ++g) {
    auto &s = problem.groupSucc[g];
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    for (unsigned h : s)
      problem.groupPred[h].push_back(g);
  }
  problem.resourcesInLoad = options.resourcesInLoad && problem.hasResources;
  problem.groupCost.assign(G, 0.0);
  problem.groupMemory.assign(G, 0.0);
  double maxGroupLoad = 0.0;
  std::vector<unsigned char> used(graph.resourceSizes.size(), 0);
  for (unsigned g = 0; g < G; ++g) {
    std::vector<unsigned> resources;
    for (unsigned u : problem.members[g]) {
      problem.groupCost[g] += graph.nodes[u].cost;
      problem.groupMemory[g] += graph.nodes[u].size;
      resources.insert(resources.end(), graph.nodes[u].resources.begin(),
                       graph.nodes[u].resources.end());
    }
    std::sort(resources.begin(), resources.end());
    resources.erase(std::unique(resources.begin(), resources.end()),
                    resources.end());
    double resourceBytes = 0.0;
    for (unsigned r : resources) {
      resourceBytes += graph.resourceSizes[r];
      if (!used[r]) {
        used[r] = 1;
        if (problem.resourcesInLoad)
          problem.totalLoad += graph.resourceSizes[r];
      }
    }
    problem.groupMemory[g] += resourceBytes;
    problem.totalCost += problem.groupCost[g];
    double groupLoad = problem.groupCost[g] +
                       (problem.resourcesInLoad ? resourceBytes : 0.0);
    maxGroupLoad = std::max(maxGroupLoad, groupLoad);
    if (problem.groupMemory[g] > problem.cap)
      return Status::error(describeGroup(graph, problem.members[g]) +
                           formatNumber(problem.groupMemory[g]) +
                           " bytes, over the per-core cap of " +
                           formatNumber(problem.cap) + " bytes");
  }
  if (k > G)
    return Status::error("colocation constraints leave " + std::to_string(G) +
                         " groups of nodes that must each stay together, "
                         "fewer than the " +
                         std::to_string(k) + " non-empty stages requested");
  problem.totalLoad += problem.totalCost;
  problem.lowerBound = std::max(problem.totalLoad / k, maxGroupLoad);
  return Status::success();
}

double detail::evaluateGroups(const Problem &problem,
                              const std::vector<unsigned> &stageOfGroup) {
  std::vector<unsigned> stageOf(problem.numNodes);
  for (unsigned u = 0; u < problem.numNodes; ++u)
    stageOf[u] = stageOfGroup[problem.groupOf[u]];
  StageCosts costs = evaluate(*problem.graph, stageOf, problem.numStages,
                              problem.resourcesInLoad);
  for (double m : costs.memory)
    if (m > problem.cap)
      return kInf;
  return costs.maxLoad;
}

/// Keeps `candidate` in `best` if it is valid and strictly better.
static void keepBest(const Problem &problem, GroupSolution candidate,
                     GroupSolution &best) {
  if (!candidate.valid())
    return;
  candidate.maxLoad = evaluateGroups(problem, candidate.stageOfGroup);
  if (candidate.maxLoad < best.maxLoad)
    best = std::move(candidate);
}

/// Work budget (pairs times per-pair effort) under which the exact interval
/// DP is run on an order rather than the separable bisection.
static constexpr double kExactIntervalWork = 2.5e7;

Status neuron::partition::partition(const PartitionGraph &graph,
                                    const PartitionOptions &options,
                                    PartitionResult &result) {
  auto start = std::chrono::steady_clock::now();
  Problem problem;
  if (Status st = buildProblem(graph, options, problem); !st.ok())
    return st;
  unsigned k = problem.numStages;
  double edgesPerGroup =
      1.0 + double(graph.edges.size()) / std::max(1u, problem.numGroups);
  auto exactAffordable = [&](double bound) {
    return estimateIntervalPairs(problem, bound) * (edgesPerGroup + k) <=
           kExactIntervalWork;
  };

  GroupSolution best;
  bool optimal = false;
  Algorithm algorithm = Algorithm::TopoOrderIntervals;
  if (hasUniqueOrder(problem)) {
    // Ideals are prefixes: cutting the single order is exact.
    std::vector<unsigned> order(problem.numGroups);
    std::iota(order.begin(), order.end(), 0u);
    bool separable = isSeparableOrder(problem, order);
    keepBest(problem, cutOrder(problem, order, false, kInf), best);
    if (separable) {
      optimal = true;
      algorithm = Algorithm::ChainBisection;
    } else if (best.valid() && exactAffordable(best.maxLoad)) {
      keepBest(problem, cutOrder(problem, order, true, best.maxLoad), best);
      optimal = true;
      algorithm = Algorithm::IdealDP;
    } else if (!best.valid() && exactAffordable(kInf)) {
      optimal = true; // the exact DP below proves infeasibility
      keepBest(problem, cutOrder(problem, order, true, kInf), best);
      algorithm = Algorithm::IdealDP;
    }
  } else {
    // Each separable cut costs about 25 probes of O(positions * stages);
    // large graphs try fewer orders so the fallback stays well under a second.
    double probeWork = 25.0 * problem.numGroups * k;
    unsigned maxOrders = std::max(3.0, std::min(1e3, 2e8 / probeWork));
    std::vector<std::vector<unsigned>> orders =
        makeTopologicalOrders(problem, options.randomOrders, options.seed);
    if (orders.size() > maxOrders)
      orders.resize(maxOrders);
    for (const std::vector<unsigned> &order : orders) {
      // The result is only a heuristic, so a coarse bisection is enough.
      keepBest(problem, cutOrder(problem, order, false, kInf, 1e-7), best);
      if (exactAffordable(best.valid() ? best.maxLoad : kInf))
        keepBest(problem, cutOrder(problem, order, true, best.maxLoad), best);
    }
    if (best.valid() && best.maxLoad <= slack(problem.lowerBound)) {
      optimal = true; // meets the trivial lower bound
    } else {
      auto deadline =
          start +
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
              std::chrono::duration<double>(options.exactTimeBudget));
      GroupSolution exact;
      IdealOutcome outcome =
          solveIdeals(problem, options, best.valid() ? best.maxLoad : kInf,
                      deadline, exact);
      if (outcome == IdealOutcome::Solved) {
        keepBest(problem, std::move(exact), best);
        optimal = true;
        algorithm = Algorithm::IdealDP;
      }
    }
  }

  if (!best.valid()) {
    // Every stage's memory added up: sizes, and each used resource at least
    // once.
    double totalMemory = 0.0;
    std::vector<unsigned char> used(graph.resourceSizes.size(), 0);
    for (const PartitionNode &node : graph.nodes) {
      totalMemory += node.size;
      for (unsigned r : node.resources)
        if (!used[r]) {
          used[r] = 1;
          totalMemory += graph.resourceSizes[r];
        }
    }
    std::string message =
        "no split into " + std::to_string(k) +
        " contiguous stages keeps every stage within the per-core cap of " +
        formatNumber(problem.cap) + " bytes";
    if (problem.cap * k < totalMemory)
      message += " (the nodes need " + formatNumber(totalMemory) +
                 " bytes in total, over " + std::to_string(k) + " x " +
                 formatNumber(problem.cap) + ")";
    else if (!optimal)
      message += " (none found within the search budget)";
    return Status::error(message);
  }

  result = PartitionResult();
  result.stageOf.resize(problem.numNodes);
  for (unsigned u = 0; u < problem.numNodes; ++u)
    result.stageOf[u] = best.stageOfGroup[problem.groupOf[u]];
  StageCosts costs =
      evaluate(graph, result.stageOf, k, problem.resourcesInLoad);
  result.stageLoad = std::move(costs.load);
  result.stageMemory = std::move(costs.memory);
  result.maxLoad = costs.maxLoad;
  result.optimal = optimal;
  result.algorithm = algorithm;
  return Status::success();
}
