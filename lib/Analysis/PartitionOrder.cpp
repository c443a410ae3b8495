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
  if (!std::isfinite(bound) || problem.totalLoad <= 0)
    return p * p;
  return p * std::min(p, p * bound / problem.totalLoad + 1);
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

namespace {
/// Range add and range minimum over an array. Tags are not pushed down: a
/// node's minimum includes its own tag, so a query adds the tags on its path.
class MinAddTree {
public:
  /// Resets the tree to `values`.
  void assign(const std::vector<double> &values) {
    leaves = 1;
    while (leaves < values.size())
      leaves *= 2;
    minimum.assign(2 * leaves, kInf);
    tag.assign(2 * leaves, 0.0);
    std::copy(values.begin(), values.end(), minimum.begin() + leaves);
    for (size_t i = leaves; i-- > 1;)
      minimum[i] = std::min(minimum[2 * i], minimum[2 * i + 1]);
  }
  /// Adds `value` to positions [l, r].
  void add(size_t l, size_t r, double value) {
    add(1, 0, leaves - 1, l, r, value);
  }
  /// Returns the minimum over positions [l, r].
  double min(size_t l, size_t r) const { return min(1, 0, leaves - 1, l, r); }

private:
  size_t leaves = 1;
  std::vector<double> minimum, tag;

  void add(size_t node, size_t nl, size_t nr, size_t l, size_t r,
           double value) {
    if (r < nl || nr < l)
      return;
    if (l <= nl && nr <= r) {
      minimum[node] += value;
      tag[node] += value;
      return;
    }
    size_t mid = (nl + nr) / 2;
    add(2 * node, nl, mid, l, r, value);
    add(2 * node + 1, mid + 1, nr, l, r, value);
    minimum[node] =
        std::min(minimum[2 * node], minimum[2 * node + 1]) + tag[node];
  }
  double min(size_t node, size_t nl, size_t nr, size_t l, size_t r) const {
    if (r < nl || nr < l)
      return kInf;
    if (l <= nl && nr <= r)
      return minimum[node];
    size_t mid = (nl + nr) / 2;
    return std::min(min(2 * node, nl, mid, l, r),
                    min(2 * node + 1, mid + 1, nr, l, r)) +
           tag[node];
  }
};
} // namespace

/// Bisection on the max-load with separable interval costs A(b) + C(a), an
/// upper bound of the exact load that is exact for separable orders. When
/// resources count in the load, the interval cost is A(b) + C(a) + R(a, b)
/// with R the distinct resource bytes of [a, b), which is not separable: a
/// probe then keeps C(a) + R(a, b) of every start in a range-add / range-min
/// tree while the end b advances (each resource use adds its size to the
/// starts after its previous use), so it stays exact.
static GroupSolution cutSeparable(const OrderData &data, double bound,
                                  double tolerance) {
  const Problem &problem = data.problem;
  const PartitionGraph &graph = *problem.graph;
  unsigned P = data.P, k = problem.numStages;
  bool withResources = problem.resourcesInLoad;

  // A[b] = W(b) + F(b), C[a] = F(a) - W(a) where W(p) is the node cost and
  // F(p) the edge costs of nodes in the first p positions read by later ones.
  // V(p) adds to W(p) the resources first used in the first p positions when
  // they count in the load, so that a stage [a, b) costs at least
  // V(b) - V(a). uses[useStart[i] .. useStart[i + 1]) are the distinct
  // resources of position i.
  std::vector<unsigned> remaining(problem.numNodes, 0);
  std::vector<double> A(P + 1), C(P + 1), W(P + 1), V(P + 1);
  std::vector<unsigned> useStart(P + 1, 0);
  struct ResourceUse {
    int prev;  // previous position using the resource, or -1
    int next;  // next position using it, or P
    double size;
  };
  std::vector<ResourceUse> uses;
  std::vector<int> lastUse(withResources ? graph.resourceSizes.size() : 0, -1);
  std::vector<unsigned> lastEntry(lastUse.size(), 0);
  double weight = 0.0, frontier = 0.0, firstUses = 0.0;
  A[0] = C[0] = W[0] = V[0] = 0.0;
  for (unsigned p = 1; p <= P; ++p) {
    unsigned g = data.order[p - 1];
    for (unsigned x : problem.members[g]) {
      weight += graph.nodes[x].cost;
      remaining[x] = problem.extSuccCount[x];
      if (remaining[x] > 0)
        frontier += graph.nodes[x].edgeCost;
      if (!withResources)
        continue;
      for (unsigned r : graph.nodes[x].resources) {
        if (lastUse[r] == int(p - 1))
          continue; // already listed for this position
        if (lastUse[r] < 0)
          firstUses += graph.resourceSizes[r];
        else
          uses[lastEntry[r]].next = p - 1;
        lastEntry[r] = uses.size();
        uses.push_back({lastUse[r], int(P), graph.resourceSizes[r]});
        lastUse[r] = p - 1;
      }
    }
    for (unsigned x : problem.members[g])
      for (unsigned q : problem.pred[x])
        if (problem.groupOf[q] != g && --remaining[q] == 0)
          frontier -= graph.nodes[q].edgeCost;
    A[p] = weight + frontier;
    C[p] = frontier - weight;
    W[p] = weight;
    V[p] = weight + firstUses;
    useStart[p] = uses.size();
  }
  A[P] = weight; // nothing leaves the last stage

  // R(a, b) for every start a in [first, b): a use at position i in the
  // window is the first of its resource there for the starts after its
  // previous use.
  auto windowResources = [&](unsigned first, unsigned b) {
    std::vector<double> delta(b - first + 1, 0.0);
    for (unsigned i = first; i < b; ++i)
      for (unsigned j = useStart[i]; j < useStart[i + 1]; ++j) {
        unsigned from = std::max<int>(uses[j].prev + 1, first);
        delta[from - first] += uses[j].size;
        delta[i + 1 - first] -= uses[j].size;
      }
    double sum = 0.0;
    for (double &d : delta)
      d = sum += d;
    delta.pop_back();
    return delta;
  };

  // Stage loads are at least V(b) - V(a), so after s stages of load <= B the
  // boundary b satisfies V(b) <= s B and V(P) - V(b) <= (k - s) B. Near the
  // optimum these bands are narrow, which makes a probe much cheaper than
  // O(P * k).
  std::vector<unsigned> bandLo(k + 1), bandHi(k + 1);
  std::vector<std::vector<unsigned char>> feasible(k + 1);
  auto at = [&](unsigned s, unsigned b) -> bool {
    return b >= bandLo[s] && b <= bandHi[s] && feasible[s][b - bandLo[s]];
  };
  // With resources in the load the bands come from greedy covers instead:
  // L(a, b) = W(b) - W(a) + R(a, b) is at most the load and only grows as a
  // stage extends either way, so s stages of L <= B end at or before reach[s]
  // (each stage extended as far as it goes from position 0) and k - s stages
  // start at or after back[k - s] (the same from position P).
  std::vector<unsigned> reach(k + 1), back(k + 1);
  auto greedyCovers = [&](double B) {
    double limit = slack(B);
    reach[0] = 0;
    for (unsigned s = 1; s <= k; ++s) {
      unsigned a = reach[s - 1], b = a;
      double load = 0.0;
      for (; b < P; ++b) {
        double grow = W[b + 1] - W[b];
        for (unsigned j = useStart[b]; j < useStart[b + 1]; ++j)
          if (uses[j].prev < int(a))
            grow += uses[j].size;
        if (load + grow > limit)
          break;
        load += grow;
      }
      reach[s] = b;
    }
    back[0] = P;
    for (unsigned s = 1; s <= k; ++s) {
      unsigned b = back[s - 1], a = b;
      double load = 0.0;
      for (; a > 0; --a) {
        double grow = W[a] - W[a - 1];
        for (unsigned j = useStart[a - 1]; j < useStart[a]; ++j)
          if (uses[j].next >= int(b))
            grow += uses[j].size;
        if (load + grow > limit)
          break;
        load += grow;
      }
      back[s] = a;
    }
  };
  MinAddTree tree;
  std::vector<double> startCosts;
  auto probe = [&](double B) {
    bandLo[0] = bandHi[0] = 0;
    feasible[0].assign(1, 1);
    if (withResources && std::isfinite(B))
      greedyCovers(B);
    std::deque<unsigned> window;
    for (unsigned s = 1; s <= k; ++s) {
      unsigned lo = s, hi = P - (k - s);
      if (std::isfinite(B)) {
        double need = V[P] - slack((k - s) * B);
        lo = std::max<unsigned>(lo, std::lower_bound(V.begin(), V.end(), need) -
                                        V.begin());
        hi = std::min<unsigned>(
            hi,
            std::upper_bound(V.begin(), V.end(), slack(s * B)) - V.begin() - 1);
      }
      unsigned startLo = bandLo[s - 1], startHi = bandHi[s - 1];
      if (withResources) {
        while (!feasible[s - 1][startLo - bandLo[s - 1]])
          ++startLo;
        while (!feasible[s - 1][startHi - bandLo[s - 1]])
          --startHi;
        lo = std::max(lo, startLo + 1);
        if (std::isfinite(B)) {
          lo = std::max(lo, back[k - s]);
          hi = std::min(hi, reach[s]);
        }
      }
      if (lo > hi)
        return false;
      bandLo[s] = lo;
      bandHi[s] = hi;
      feasible[s].assign(hi - lo + 1, 0);
      bool any = false;
      if (withResources) {
        // The tree holds C(a) + R(a, end) of the feasible starts a of the
        // previous stage (infinity for the others).
        startCosts.assign(startHi - startLo + 1, kInf);
        for (unsigned a = startLo; a <= startHi; ++a)
          if (at(s - 1, a))
            startCosts[a - startLo] = C[a];
        tree.assign(startCosts);
        unsigned end = startLo;
        for (unsigned b = lo; b <= hi; ++b) {
          for (; end < b; ++end)
            for (unsigned j = useStart[end]; j < useStart[end + 1]; ++j) {
              int from = std::max<int>(uses[j].prev + 1, startLo);
              int to = std::min(end, startHi);
              if (from <= to)
                tree.add(from - startLo, to - startLo, uses[j].size);
            }
          unsigned first = std::max(data.lo[b], startLo);
          unsigned last = std::min(b - 1, startHi);
          if (first > last)
            continue;
          // Infinite when no start is feasible, even if B is.
          double cost = tree.min(first - startLo, last - startLo);
          if (cost < kInf && cost + A[b] <= B) {
            feasible[s][b - lo] = 1;
            any = true;
          }
        }
        if (!any)
          return false;
        continue;
      }
      window.clear();
      unsigned nextA = bandLo[s - 1];
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
  // Stage boundaries of a solution of the last successful probe: each stage
  // starts at the feasible start of least cost (which is within the probe's
  // bound, up to rounding).
  auto reconstruct = [&](double &estimate) {
    std::vector<unsigned> bounds(k + 1, 0);
    bounds[k] = P;
    estimate = 0.0;
    unsigned b = P;
    for (unsigned s = k; s >= 1; --s) {
      unsigned best = ~0u;
      double bestCost = kInf;
      unsigned first = std::max(data.lo[b], bandLo[s - 1]);
      unsigned last = std::min(b - 1, bandHi[s - 1]);
      std::vector<double> resources;
      if (withResources && first <= last)
        resources = windowResources(first, b);
      for (unsigned a = first; a <= last; ++a) {
        if (!at(s - 1, a))
          continue;
        double cost = C[a] + (withResources ? resources[a - first] : 0.0);
        if (best == ~0u || cost < bestCost) {
          best = a;
          bestCost = cost;
        }
      }
      estimate = std::max(estimate, bestCost + A[b]);
      bounds[s - 1] = best;
      b = best;
    }
    return bounds;
  };

  double hi = std::isfinite(bound) ? slack(bound) : kInf;
  bool probed = false;
  if (!std::isfinite(hi)) {
    // An unbounded probe scans every (stage, boundary) pair; first try the
    // estimate of cutting at equal lower bounds, which narrows the bands.
    double guess = 0.0;
    unsigned prev = 0;
    for (unsigned s = 1; s <= k; ++s) {
      unsigned b =
          std::lower_bound(V.begin(), V.end(), V[P] * s / k) - V.begin();
      b = std::min(std::max(b, prev + 1), P - (k - s));
      if (s == k)
        b = P;
      double load = A[b] + C[prev];
      if (withResources)
        load += windowResources(prev, b)[0];
      guess = std::max(guess, load);
      prev = b;
    }
    if (probe(slack(guess))) {
      hi = slack(guess);
      probed = true;
    }
  }
  if (!probed && !probe(hi))
    return GroupSolution();
  std::vector<unsigned> bounds = reconstruct(hi);
  double lo = problem.lowerBound * (1 - 1e-12);
  for (int iter = 0; iter < 100 && hi - lo > tolerance * std::abs(hi); ++iter) {
    double mid = 0.5 * (lo + hi);
    if (probe(mid))
      bounds = reconstruct(hi);
    else
      lo = mid;
  }
  return data.fromBounds(bounds);
}

/// Exact interval DP: every (start, end) pair whose node costs (and resources
/// when they count in the load) stay within `bound`, with the load maintained
/// incrementally as the start moves back.
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
  std::vector<unsigned> resourceStamp(
      problem.resourcesInLoad ? graph.resourceSizes.size() : 0, ~0u);
  double limit = std::isfinite(bound) ? slack(bound) : kInf;
  for (unsigned b = 1; b <= P; ++b) {
    double weight = 0.0, in = 0.0, out = 0.0, resources = 0.0;
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
        if (problem.resourcesInLoad)
          for (unsigned r : node.resources)
            if (resourceStamp[r] != b) {
              resourceStamp[r] = b;
              resources += graph.resourceSizes[r];
            }
      }
      // Node costs and resources only grow as the stage extends back.
      if (weight + resources > limit)
        break;
      double load = weight + in + out + resources;
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
