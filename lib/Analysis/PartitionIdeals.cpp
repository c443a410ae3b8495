//===- PartitionIdeals.cpp - Exact DP over the ideals of a DAG -----------===//
//
// A contiguous partition is a chain of ideals (down-closed sets)
// {} = I0 < I1 < ... < Ik = V, stage s being I(s+1) \ I(s). The DP keeps, for
// each number of stages s, the best max-load of every ideal reachable with s
// stages, and extends each of them by every stage that can still beat the
// incumbent `bound`. Stages are enumerated from their start ideal J by reverse
// search (each ideal I > J generated exactly once, as the child of I minus its
// highest maximal element), with the load of I \ J maintained incrementally.
// Costs that only grow with the stage (node costs, values read from J, memory,
// distinct resources when they count in the load) prune whole subtrees, which
// keeps the search near the stages of a good solution.
//
//===----------------------------------------------------------------------===//

#include "PartitionInternal.h"

#include <algorithm>
#include <cmath>

using namespace neuron::partition;
using namespace neuron::partition::detail;

namespace {

/// The ideals reached with a given number of stages, hashed by their bitset.
struct Frontier {
  unsigned words = 0;
  std::vector<uint64_t> bits;
  std::vector<uint64_t> hash;
  std::vector<double> value;    // best max-load of the stages so far
  std::vector<double> weight;   // node costs of the ideal
  std::vector<double> frontier; // edge costs of its nodes read outside it
  std::vector<double> sizeSum;  // node sizes of the ideal (no resources)
  std::vector<unsigned> count;  // number of groups in the ideal
  std::vector<unsigned> parent; // entry in the previous frontier
  std::vector<uint32_t> table;

  explicit Frontier(unsigned w) : words(w), table(1024, ~0u) {}
  size_t size() const { return value.size(); }
  const uint64_t *bitsOf(size_t i) const { return &bits[i * words]; }

  /// Returns the entry for `key`, inserting it (value infinity) if absent.
  size_t lookup(const uint64_t *key, uint64_t h) {
    if (2 * (size() + 1) > table.size())
      grow();
    size_t mask = table.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      uint32_t e = table[i];
      if (e == ~0u) {
        table[i] = size();
        hash.push_back(h);
        bits.insert(bits.end(), key, key + words);
        value.push_back(kInf);
        weight.push_back(0);
        frontier.push_back(0);
        sizeSum.push_back(0);
        count.push_back(0);
        parent.push_back(0);
        return size() - 1;
      }
      if (hash[e] == h && std::equal(key, key + words, bitsOf(e)))
        return e;
    }
  }

  void grow() {
    std::vector<uint32_t> bigger(table.size() * 2, ~0u);
    size_t mask = bigger.size() - 1;
    for (size_t e = 0; e < size(); ++e) {
      size_t i = hash[e] & mask;
      while (bigger[i] != ~0u)
        i = (i + 1) & mask;
      bigger[i] = e;
    }
    table.swap(bigger);
  }
};

class IdealSearch {
public:
  IdealSearch(const Problem &problem, const PartitionOptions &options,
              double bound, std::chrono::steady_clock::time_point deadline)
      : problem(problem), graph(*problem.graph), G(problem.numGroups),
        k(problem.numStages), words((G + 63) / 64),
        limit(std::isfinite(bound) ? slack(bound) : kInf),
        budget(options.idealPairBudget), deadline(deadline) {}

  IdealOutcome run(GroupSolution &solution);

private:
  const Problem &problem;
  const PartitionGraph &graph;
  unsigned G, k, words;
  double limit;
  uint64_t budget;
  std::chrono::steady_clock::time_point deadline;
  uint64_t steps = 0;
  bool over = false;

  double totalSize = 0.0;
  std::vector<uint64_t> zobrist;

  // State of the ideal I = J + S being grown from the root J.
  std::vector<uint64_t> cur;
  uint64_t curHash = 0;
  std::vector<unsigned char> inJ, inS;
  std::vector<unsigned> predMissing, succInS;
  std::vector<unsigned> remaining, inCount, outsideJ, stamp, resRef;
  unsigned rootStamp = 0;
  double weight = 0, in = 0, out = 0, covered = 0, memory = 0, sizes = 0;
  /// Distinct resource bytes of S when they count in the load, else 0.
  double resourceLoad = 0;
  unsigned countS = 0;
  std::vector<std::vector<unsigned>> availAt, maxAt;

  // The root being extended.
  const Frontier *from = nullptr;
  size_t root = 0;
  unsigned level = 0;
  Frontier *to = nullptr;

  void add(unsigned v);
  void remove(unsigned v);
  void search(unsigned depth);
  void extendFrom(const Frontier &f, size_t entry, unsigned lvl, Frontier &t);
  /// Node sizes and distinct resource bytes of the groups outside `ideal`.
  void complementResources(const uint64_t *ideal, double &nodeSizes,
                           double &resources) const;
  bool outOfBudget() {
    ++steps;
    if (steps > budget)
      over = true;
    else if ((steps & 1023) == 0 && std::chrono::steady_clock::now() > deadline)
      over = true;
    return over;
  }
};

} // namespace

void IdealSearch::add(unsigned v) {
  inS[v] = 1;
  cur[v / 64] |= uint64_t(1) << (v % 64);
  curHash ^= zobrist[v];
  ++countS;
  for (unsigned h : problem.groupSucc[v])
    --predMissing[h];
  for (unsigned x : problem.members[v]) {
    const PartitionNode &node = graph.nodes[x];
    weight += node.cost;
    sizes += node.size;
    memory += node.size;
    for (unsigned r : node.resources)
      if (resRef[r]++ == 0) {
        memory += graph.resourceSizes[r];
        if (problem.resourcesInLoad)
          resourceLoad += graph.resourceSizes[r];
      }
    remaining[x] = problem.extSuccCount[x];
    if (remaining[x] > 0)
      out += node.edgeCost;
  }
  for (unsigned x : problem.members[v])
    for (unsigned q : problem.pred[x]) {
      unsigned gq = problem.groupOf[q];
      if (gq == v)
        continue;
      double c = graph.nodes[q].edgeCost;
      if (inS[gq]) {
        if (--remaining[q] == 0)
          out -= c;
        continue;
      }
      if (stamp[q] != rootStamp) {
        stamp[q] = rootStamp;
        unsigned outside = 0;
        for (unsigned y : problem.succ[q])
          outside += !inJ[problem.groupOf[y]];
        outsideJ[q] = outside;
      }
      if (inCount[q]++ == 0)
        in += c;
      if (inCount[q] == outsideJ[q])
        covered += c;
    }
  for (unsigned u : problem.groupPred[v])
    if (inS[u])
      ++succInS[u];
}

void IdealSearch::remove(unsigned v) {
  for (unsigned u : problem.groupPred[v])
    if (inS[u])
      --succInS[u];
  for (unsigned x : problem.members[v])
    for (unsigned q : problem.pred[x]) {
      unsigned gq = problem.groupOf[q];
      if (gq == v)
        continue;
      double c = graph.nodes[q].edgeCost;
      if (inS[gq]) {
        if (remaining[q]++ == 0)
          out += c;
        continue;
      }
      if (inCount[q] == outsideJ[q])
        covered -= c;
      if (--inCount[q] == 0)
        in -= c;
    }
  for (unsigned x : problem.members[v]) {
    const PartitionNode &node = graph.nodes[x];
    weight -= node.cost;
    sizes -= node.size;
    memory -= node.size;
    for (unsigned r : node.resources)
      if (--resRef[r] == 0) {
        memory -= graph.resourceSizes[r];
        if (problem.resourcesInLoad)
          resourceLoad -= graph.resourceSizes[r];
      }
    if (remaining[x] > 0)
      out -= node.edgeCost;
  }
  for (unsigned h : problem.groupSucc[v])
    ++predMissing[h];
  inS[v] = 0;
  cur[v / 64] &= ~(uint64_t(1) << (v % 64));
  curHash ^= zobrist[v];
  --countS;
}

void IdealSearch::search(unsigned depth) {
  if (availAt.size() <= depth + 1) {
    availAt.resize(depth + 2);
    maxAt.resize(depth + 2);
  }
  unsigned rootCount = from->count[root];
  unsigned stagesAfter = k - level - 1;
  for (size_t i = 0; i < availAt[depth].size(); ++i) {
    unsigned v = availAt[depth][i];
    // Reverse search: accept v only if it is the highest maximal element of
    // S + v, i.e. every higher maximal element of S is a predecessor of v.
    bool canonical = true;
    for (unsigned u : maxAt[depth])
      if (u > v && !std::binary_search(problem.groupPred[v].begin(),
                                       problem.groupPred[v].end(), u)) {
        canonical = false;
        break;
      }
    if (!canonical)
      continue;
    if (outOfBudget())
      return;
    add(v);
    // These bounds only grow as S grows, so they prune the whole subtree.
    bool viable = weight + in + resourceLoad <= limit &&
                  memory <= problem.cap &&
                  rootCount + countS + stagesAfter <= G;
    if (viable) {
      double load = weight + in + out + resourceLoad;
      double ideaWeight = from->weight[root] + weight;
      if (load <= limit &&
          problem.totalCost - ideaWeight <= stagesAfter * limit) {
        double value = std::max(from->value[root], load);
        size_t e = to->lookup(cur.data(), curHash);
        if (value < to->value[e]) {
          to->value[e] = value;
          to->parent[e] = root;
          to->weight[e] = ideaWeight;
          to->frontier[e] = from->frontier[root] - covered + out;
          to->sizeSum[e] = from->sizeSum[root] + sizes;
          to->count[e] = rootCount + countS;
        }
      }
      std::vector<unsigned> &avail = availAt[depth + 1];
      std::vector<unsigned> &maximal = maxAt[depth + 1];
      avail.clear();
      for (unsigned a : availAt[depth])
        if (a != v)
          avail.push_back(a);
      for (unsigned h : problem.groupSucc[v])
        if (predMissing[h] == 0)
          avail.push_back(h);
      maximal.clear();
      for (unsigned u : maxAt[depth])
        if (succInS[u] == 0)
          maximal.push_back(u);
      maximal.push_back(v);
      search(depth + 1);
    }
    remove(v);
    if (over)
      return;
  }
}

void IdealSearch::extendFrom(const Frontier &f, size_t entry, unsigned lvl,
                             Frontier &t) {
  from = &f;
  root = entry;
  level = lvl;
  to = &t;
  ++rootStamp;
  const uint64_t *bits = f.bitsOf(entry);
  std::copy(bits, bits + words, cur.begin());
  curHash = f.hash[entry];
  for (unsigned g = 0; g < G; ++g)
    inJ[g] = (bits[g / 64] >> (g % 64)) & 1;
  if (availAt.empty()) {
    availAt.resize(1);
    maxAt.resize(1);
  }
  availAt[0].clear();
  maxAt[0].clear();
  for (unsigned g = 0; g < G; ++g) {
    if (inJ[g])
      continue;
    unsigned missing = 0;
    for (unsigned p : problem.groupPred[g])
      missing += !inJ[p];
    predMissing[g] = missing;
    if (missing == 0)
      availAt[0].push_back(g);
  }
  search(0);
}

void IdealSearch::complementResources(const uint64_t *ideal,
                                      double &nodeSizes,
                                      double &resources) const {
  nodeSizes = resources = 0.0;
  std::vector<unsigned char> used(graph.resourceSizes.size(), 0);
  for (unsigned x = 0; x < problem.numNodes; ++x) {
    unsigned g = problem.groupOf[x];
    if ((ideal[g / 64] >> (g % 64)) & 1)
      continue;
    nodeSizes += graph.nodes[x].size;
    for (unsigned r : graph.nodes[x].resources)
      if (!used[r]) {
        used[r] = 1;
        resources += graph.resourceSizes[r];
      }
  }
}

IdealOutcome IdealSearch::run(GroupSolution &solution) {
  cur.assign(words, 0);
  inJ.assign(G, 0);
  inS.assign(G, 0);
  predMissing.assign(G, 0);
  succInS.assign(G, 0);
  remaining.assign(problem.numNodes, 0);
  inCount.assign(problem.numNodes, 0);
  outsideJ.assign(problem.numNodes, 0);
  stamp.assign(problem.numNodes, 0);
  resRef.assign(graph.resourceSizes.size(), 0);
  zobrist.resize(G);
  uint64_t z = 0x243f6a8885a308d3ULL;
  for (unsigned g = 0; g < G; ++g) {
    z ^= z << 13;
    z ^= z >> 7;
    z ^= z << 17;
    zobrist[g] = z * 0x9e3779b97f4a7c15ULL + g;
  }
  for (unsigned x = 0; x < problem.numNodes; ++x)
    totalSize += graph.nodes[x].size;

  // levels[s]: ideals covered by exactly s non-empty stages.
  std::vector<Frontier> levels;
  levels.emplace_back(words);
  size_t empty = levels[0].lookup(cur.data(), 0);
  levels[0].value[empty] = 0.0;
  for (unsigned s = 0; s + 1 < k; ++s) {
    levels.emplace_back(words);
    for (size_t e = 0; e < levels[s].size(); ++e) {
      extendFrom(levels[s], e, s, levels[s + 1]);
      if (over)
        return IdealOutcome::OverBudget;
    }
  }

  // The last stage is everything not yet covered.
  const Frontier &last = levels[k - 1];
  double bestValue = kInf;
  size_t bestEntry = 0;
  for (size_t e = 0; e < last.size(); ++e) {
    double load = problem.totalCost - last.weight[e] + last.frontier[e];
    double value = std::max(last.value[e], load);
    if (value > limit || value >= bestValue)
      continue;
    // Without resources the complement's memory is a difference of sums;
    // with them its distinct resources are counted afresh.
    double mem = totalSize - last.sizeSum[e];
    if (problem.hasResources) {
      double resources = 0.0;
      complementResources(last.bitsOf(e), mem, resources);
      mem += resources;
      if (problem.resourcesInLoad) {
        value = std::max(value, load + resources);
        if (value > limit || value >= bestValue)
          continue;
      }
    }
    if (mem > problem.cap * (1 + 1e-12))
      continue;
    bestValue = value;
    bestEntry = e;
  }
  if (!std::isfinite(bestValue))
    return IdealOutcome::Solved; // nothing within the bound

  solution.stageOfGroup.assign(G, k - 1);
  size_t e = bestEntry;
  for (unsigned s = k - 1; s >= 1; --s) {
    // Groups of levels[s] entry e not in its parent form stage s - 1.
    const uint64_t *bits = levels[s].bitsOf(e);
    size_t p = levels[s].parent[e];
    const uint64_t *parentBits = levels[s - 1].bitsOf(p);
    for (unsigned g = 0; g < G; ++g) {
      bool inI = (bits[g / 64] >> (g % 64)) & 1;
      bool inParent = (parentBits[g / 64] >> (g % 64)) & 1;
      if (inI && !inParent)
        solution.stageOfGroup[g] = s - 1;
    }
    e = p;
  }
  return IdealOutcome::Solved;
}

IdealOutcome detail::solveIdeals(const Problem &problem,
                                 const PartitionOptions &options, double bound,
                                 std::chrono::steady_clock::time_point deadline,
                                 GroupSolution &solution) {
  // The enumeration recurses once per group of a stage, and a DAG this large
  // has far too many ideals for the budget anyway.
  if (problem.numGroups > 5000)
    return IdealOutcome::OverBudget;
  IdealSearch search(problem, options, bound, deadline);
  return search.run(solution);
}
