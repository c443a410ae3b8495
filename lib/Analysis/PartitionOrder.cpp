//===- PartitionOrder.cpp - Cutting a topological order into intervals ---===//
//
// Every contiguous partition is a set of intervals of some topological order,
// so cutting one order optimally is exact for chains and a good heuristic for
// DAGs when several orders are tried. Two cutters: an exact interval DP, and a
// bisection on the max-load over separable interval costs that runs in
// O(positions * stages) per probe.
//
//===----------------------------------------------------------------------===//

#include "PartitionInternal.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <queue>

using namespace neuron::partition;
using namespace neuron::partition::detail;

bool detail::hasUniqueOrder(const Problem &problem) {
  for (unsigned g = 0; g + 1 < problem.numGroups; ++g)
    if (!std::binary_search(problem.groupSucc[g].begin(),
                            problem.groupSucc[g].end(), g + 1))
      return false;
  return true;
}

static std::vector<unsigned> positionsOf(const std::vector<unsigned> &order) {
  std::vector<unsigned> pos(order.size());
  for (unsigned i = 0; i < order.size(); ++i)
    pos[order[i]] = i;
  return pos;
}

bool detail::isSeparableOrder(const Problem &problem,
                              const std::vector<unsigned> &order) {
  std::vector<unsigned> pos = positionsOf(order);
  for (unsigned g = 0; g < problem.numGroups; ++g)
    for (unsigned h : problem.groupSucc[g])
      if (pos[h] > pos[g] + 1)
        return false;
  return true;
}

double detail::estimateIntervalPairs(const Problem &problem, double bound) {
  double p = problem.numGroups;
  if (!std::isfinite(bound) || problem.totalCost <= 0)
    return p * p;
  return p * std::min(p, p * bound / problem.totalCost + 1);
}

namespace {
/// splitmix64: a tiny deterministic generator for the random orders.
struct SplitMix {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};
} // namespace

/// Kahn's algorithm taking the ready group of smallest key first.
static std::vector<unsigned> kahnByKey(const Problem &problem,
                                       const std::vector<double> &key) {
  unsigned G = problem.numGroups;
  std::vector<unsigned> indegree(G), order;
  order.reserve(G);
  using Item = std::pair<double, unsigned>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> ready;
  for (unsigned g = 0; g < G; ++g)
    if ((indegree[g] = problem.groupPred[g].size()) == 0)
      ready.push({key[g], g});
  while (!ready.empty()) {
    unsigned g = ready.top().second;
    ready.pop();
    order.push_back(g);
    for (unsigned h : problem.groupSucc[g])
      if (--indegree[h] == 0)
        ready.push({key[h], h});
  }
  return order;
}

/// Kahn's algorithm with a LIFO ready set: finishes a branch before starting
/// the next, which keeps parallel branches in separate intervals.
static std::vector<unsigned> kahnDepthFirst(const Problem &problem) {
  unsigned G = problem.numGroups;
  std::vector<unsigned> indegree(G), order, stack;
  for (unsigned g = G; g-- > 0;)
    if ((indegree[g] = problem.groupPred[g].size()) == 0)
      stack.push_back(g);
  while (!stack.empty()) {
    unsigned g = stack.back();
    stack.pop_back();
    order.push_back(g);
    const auto &succ = problem.groupSucc[g];
    for (auto it = succ.rbegin(); it != succ.rend(); ++it)
      if (--indegree[*it] == 0)
        stack.push_back(*it);
  }
  return order;
}

std::vector<std::vector<unsigned>>
detail::makeTopologicalOrders(const Problem &problem, unsigned randomOrders,
                              uint64_t seed) {
  unsigned G = problem.numGroups;
  std::vector<std::vector<unsigned>> orders;
  std::vector<unsigned> identity(G);
  for (unsigned g = 0; g < G; ++g)
    identity[g] = g;
  orders.push_back(identity);
  orders.push_back(kahnDepthFirst(problem));

  // Longest cost path to a sink first (critical branch first), and the
  // reverse preference (short branches first, the long one last).
  std::vector<double> tail(G, 0.0);
  for (unsigned g = G; g-- > 0;) {
    double best = 0.0;
    for (unsigned h : problem.groupSucc[g])
      best = std::max(best, tail[h]);
    tail[g] = best + problem.groupCost[g];
  }
  std::vector<double> key(G);
  for (unsigned g = 0; g < G; ++g)
    key[g] = -tail[g];
  orders.push_back(kahnByKey(problem, key));
  for (unsigned g = 0; g < G; ++g)
    key[g] = tail[g];
  orders.push_back(kahnByKey(problem, key));

  // Breadth-first by depth: interleaves parallel branches.
  std::vector<double> depth(G, 0.0);
  for (unsigned g = 0; g < G; ++g)
    for (unsigned h : problem.groupSucc[g])
      depth[h] = std::max(depth[h], depth[g] + 1);
  for (unsigned g = 0; g < G; ++g)
    key[g] = depth[g] * G + g;
  orders.push_back(kahnByKey(problem, key));

  SplitMix rng{seed};
  for (unsigned i = 0; i < randomOrders; ++i) {
    for (unsigned g = 0; g < G; ++g)
      key[g] = double(rng.next() >> 11);
    orders.push_back(kahnByKey(problem, key));
  }
  // Drop duplicates but keep the deterministic orders first.
  std::vector<std::vector<unsigned>> unique;
  for (std::vector<unsigned> &order : orders)
    if (std::find(unique.begin(), unique.end(), order) == unique.end())
      unique.push_back(std::move(order));
  return unique;
}

namespace {
/// Memory of a sliding window of consecutive positions, counting each shared
/// resource once.
struct WindowMemory {
  const Problem &problem;
  std::vector<unsigned> refCount;
  double memory = 0.0;

  explicit WindowMemory(const Problem &p)
      : problem(p), refCount(p.graph->resourceSizes.size(), 0) {}

  void add(unsigned group, int sign) {
    const PartitionGraph &graph = *problem.graph;
    for (unsigned u : problem.members[group]) {
      memory += sign * graph.nodes[u].size;
      for (unsigned r : graph.nodes[u].resources) {
        if (sign > 0 && refCount[r]++ == 0)
          memory += graph.resourceSizes[r];
        if (sign < 0 && --refCount[r] == 0)
          memory -= graph.resourceSizes[r];
      }
    }
  }
};

/// The order-specific data both cutters need.
struct OrderData {
  const Problem &problem;
  const std::vector<unsigned> &order;
  unsigned P;
  /// lo[b]: smallest start a such that positions [a, b) fit the cap.
  std::vector<unsigned> lo;

  OrderData(const Problem &p, const std::vector<unsigned> &o)
      : problem(p), order(o), P(o.size()), lo(o.size() + 1, 0) {
    WindowMemory window(problem);
    unsigned a = 0;
    for (unsigned b = 1; b <= P; ++b) {
      window.add(order[b - 1], +1);
      // Memory shrinks with the window, so the start only moves forward.
      while (window.memory > problem.cap && a + 1 < b) {
        window.add(order[a], -1);
        ++a;
      }
      // Tolerate rounding from the incremental sums.
      lo[b] = a;
    }
  }

  /// Turns stage boundaries (prefix lengths) into a group assignment.
  GroupSolution fromBounds(const std::vector<unsigned> &bounds) const {
    GroupSolution sol;
    sol.stageOfGroup.assign(problem.numGroups, 0);
    for (unsigned s = 0; s + 1 < bounds.size(); ++s)
      for (unsigned i = bounds[s]; i < bounds[s + 1]; ++i)
        sol.stageOfGroup[order[i]] = s;
    return sol;
  }
};
} // namespace

/// Bisection on the max-load with separable interval costs A(b) + C(a), an
/// upper bound of the exact load that is exact for separable orders.
static GroupSolution cutSeparable(const OrderData &data, double bound,
                                  double tolerance) {
  const Problem &problem = data.problem;
  const PartitionGraph &graph = *problem.graph;
  unsigned P = data.P, k = problem.numStages;

  // A[b] = W(b) + F(b), C[a] = F(a) - W(a) where W(p) is the node cost and
  // F(p) the edge costs of nodes in the first p positions read by later ones.
  std::vector<unsigned> remaining(problem.numNodes, 0);
  std::vector<double> A(P + 1), C(P + 1), W(P + 1);
  double weight = 0.0, frontier = 0.0;
  A[0] = C[0] = W[0] = 0.0;
  for (unsigned p = 1; p <= P; ++p) {
    unsigned g = data.order[p - 1];
    for (unsigned x : problem.members[g]) {
      weight += graph.nodes[x].cost;
      remaining[x] = problem.extSuccCount[x];
      if (remaining[x] > 0)
        frontier += graph.nodes[x].edgeCost;
    }
    for (unsigned x : problem.members[g])
      for (unsigned q : problem.pred[x])
        if (problem.groupOf[q] != g && --remaining[q] == 0)
          frontier -= graph.nodes[q].edgeCost;
    A[p] = weight + frontier;
    C[p] = frontier - weight;
    W[p] = weight;
  }
  A[P] = weight; // nothing leaves the last stage

  // Stage loads are at least their node costs, so after s stages of load
  // <= B the boundary b satisfies W(b) <= s B and W(P) - W(b) <= (k - s) B.
  // Near the optimum these bands are narrow, which makes a probe much cheaper
  // than O(P * k).
  std::vector<unsigned> bandLo(k + 1), bandHi(k + 1);
  std::vector<std::vector<unsigned char>> feasible(k + 1);
  auto at = [&](unsigned s, unsigned b) -> bool {
    return b >= bandLo[s] && b <= bandHi[s] && feasible[s][b - bandLo[s]];
  };
  auto probe = [&](double B) {
    bandLo[0] = bandHi[0] = 0;
    feasible[0].assign(1, 1);
    std::deque<unsigned> window;
    for (unsigned s = 1; s <= k; ++s) {
      unsigned lo = s, hi = P - (k - s);
      if (std::isfinite(B)) {
        double need = W[P] - slack((k - s) * B);
        lo = std::max<unsigned>(lo, std::lower_bound(W.begin(), W.end(), need) -
                                        W.begin());
        hi = std::min<unsigned>(
            hi,
            std::upper_bound(W.begin(), W.end(), slack(s * B)) - W.begin() - 1);
      }
      if (lo > hi)
        return false;
      bandLo[s] = lo;
      bandHi[s] = hi;
      feasible[s].assign(hi - lo + 1, 0);
      window.clear();
      unsigned nextA = bandLo[s - 1];
      bool any = false;
      for (unsigned b = lo; b <= hi; ++b) {
        for (; nextA < b && nextA <= bandHi[s - 1]; ++nextA) {
          if (!at(s - 1, nextA))
            continue;
          while (!window.empty() && C[window.back()] >= C[nextA])
            window.pop_back();
          window.push_back(nextA);
        }
        while (!window.empty() && window.front() < data.lo[b])
          window.pop_front();
        if (!window.empty() && C[window.front()] + A[b] <= B) {
          feasible[s][b - lo] = 1;
          any = true;
        }
      }
      if (!any)
        return false;
    }
    return at(k, P);
  };
  // Stage boundaries of a solution of the last successful probe at B.
  auto reconstruct = [&](double B, double &estimate) {
    std::vector<unsigned> bounds(k + 1, 0);
    bounds[k] = P;
    estimate = 0.0;
    unsigned b = P;
    for (unsigned s = k; s >= 1; --s) {
      unsigned best = ~0u;
      unsigned first = std::max(data.lo[b], bandLo[s - 1]);
      unsigned last = std::min(b - 1, bandHi[s - 1]);
      for (unsigned a = first; a <= last; ++a)
        if (at(s - 1, a) && C[a] + A[b] <= B && (best == ~0u || C[a] < C[best]))
          best = a;
      estimate = std::max(estimate, C[best] + A[b]);
      bounds[s - 1] = best;
      b = best;
    }
    return bounds;
  };

  double hi = std::isfinite(bound) ? slack(bound) : kInf;
  bool probed = false;
  if (!std::isfinite(hi)) {
    // An unbounded probe scans every (stage, boundary) pair; first try the
    // estimate of cutting at equal node costs, which narrows the bands.
    double guess = 0.0;
    unsigned prev = 0;
    for (unsigned s = 1; s <= k; ++s) {
      unsigned b =
          std::lower_bound(W.begin(), W.end(), W[P] * s / k) - W.begin();
      b = std::min(std::max(b, prev + 1), P - (k - s));
      if (s == k)
        b = P;
      guess = std::max(guess, A[b] + C[prev]);
      prev = b;
    }
    if (probe(slack(guess))) {
      hi = slack(guess);
      probed = true;
    }
  }
  if (!probed && !probe(hi))
    return GroupSolution();
  std::vector<unsigned> bounds = reconstruct(hi, hi);
  double lo = problem.lowerBound * (1 - 1e-12);
  for (int iter = 0; iter < 100 && hi - lo > tolerance * std::abs(hi); ++iter) {
    double mid = 0.5 * (lo + hi);
    if (probe(mid))
      bounds = reconstruct(mid, hi);
    else
      lo = mid;
  }
  return data.fromBounds(bounds);
}

/// Exact interval DP: every (start, end) pair whose node costs stay within
/// `bound`, with the load maintained incrementally as the start moves back.
static GroupSolution cutExact(const OrderData &data, double bound) {
  const Problem &problem = data.problem;
  const PartitionGraph &graph = *problem.graph;
  unsigned P = data.P, k = problem.numStages;
  std::vector<unsigned> pos = positionsOf(data.order);
  std::vector<int> maxSuccPos(problem.numNodes, -1);
  for (unsigned x = 0; x < problem.numNodes; ++x)
    for (unsigned v : problem.succ[x])
      if (problem.groupOf[v] != problem.groupOf[x])
        maxSuccPos[x] = std::max<int>(maxSuccPos[x], pos[problem.groupOf[v]]);

  std::vector<double> dp((k + 1) * (P + 1), kInf);
  std::vector<unsigned> arg((k + 1) * (P + 1), 0);
  auto idx = [&](unsigned s, unsigned b) { return s * (P + 1) + b; };
  dp[idx(0, 0)] = 0.0;
  std::vector<unsigned> inStamp(problem.numNodes, ~0u);
  double limit = std::isfinite(bound) ? slack(bound) : kInf;
  for (unsigned b = 1; b <= P; ++b) {
    double weight = 0.0, in = 0.0, out = 0.0;
    unsigned sMin = b + k > P ? k - (P - b) : 1;
    for (unsigned a = b; a-- > data.lo[b];) {
      unsigned g = data.order[a];
      for (unsigned x : problem.members[g]) {
        const PartitionNode &node = graph.nodes[x];
        weight += node.cost;
        if (maxSuccPos[x] >= int(b))
          out += node.edgeCost;
        if (inStamp[x] == b)
          in -= node.edgeCost; // was an input, now inside the stage
        for (unsigned q : problem.pred[x])
          if (pos[problem.groupOf[q]] < a && inStamp[q] != b) {
            inStamp[q] = b;
            in += graph.nodes[q].edgeCost;
          }
      }
      if (weight > limit)
        break; // node costs only grow as the stage extends back
      double load = weight + in + out;
      if (load > limit)
        continue;
      unsigned sMax = std::min(k, a + 1);
      for (unsigned s = sMin; s <= sMax; ++s) {
        double v = std::max(dp[idx(s - 1, a)], load);
        if (v < dp[idx(s, b)]) {
          dp[idx(s, b)] = v;
          arg[idx(s, b)] = a;
        }
      }
    }
  }
  if (!std::isfinite(dp[idx(k, P)]))
    return GroupSolution();
  std::vector<unsigned> bounds(k + 1, 0);
  bounds[k] = P;
  for (unsigned s = k, b = P; s >= 1; --s) {
    b = arg[idx(s, b)];
    bounds[s - 1] = b;
  }
  return data.fromBounds(bounds);
}

GroupSolution detail::cutOrder(const Problem &problem,
                               const std::vector<unsigned> &order,
                               bool exactCosts, double bound,
                               double tolerance) {
  OrderData data(problem, order);
  return exactCosts ? cutExact(data, bound)
                    : cutSeparable(data, bound, tolerance);
}
