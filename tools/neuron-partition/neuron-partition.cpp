//===- neuron-partition.cpp - Partition a DNN graph file into stages -----===//
//
// Reads a graph in the JSON format of the dnn-partitioning benchmark
// (msr-fiddle/dnn-partitioning: nodes with fpgaLatency, size, colorClass;
// edges with cost) and prints the optimal split into --cores pipeline stages.
//
//===----------------------------------------------------------------------===//

#include "neuron/Analysis/Partition.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

using namespace llvm;
namespace np = neuron::partition;

static cl::OptionCategory toolCategory("neuron-partition options");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<graph.json>"),
                                      cl::Required, cl::cat(toolCategory));
static cl::opt<int> cores("cores", cl::desc("Number of pipeline stages"),
                          cl::Required, cl::cat(toolCategory));
static cl::opt<bool> jsonOutput("json", cl::desc("Print the result as JSON"),
                                cl::cat(toolCategory));
static cl::opt<double>
    memoryCap("memory-cap",
              cl::desc("Per-core memory cap in bytes (default: "
                       "maxSizePerFPGA from the file; negative: no cap)"),
              cl::cat(toolCategory));
static cl::opt<bool> ignoreColorClass(
    "ignore-color-class",
    cl::desc("Do not force nodes of one colorClass into the same stage"),
    cl::cat(toolCategory));
static cl::opt<double> exactTimeBudget(
    "exact-time-budget",
    cl::desc("Seconds the exact ideal DP may run before the fallback result "
             "is used"),
    cl::init(0.5), cl::cat(toolCategory));
static cl::opt<uint64_t> idealPairBudget(
    "ideal-pair-budget",
    cl::desc("Stages the exact ideal DP may enumerate before the fallback "
             "result is used"),
    cl::init(np::PartitionOptions().idealPairBudget), cl::cat(toolCategory));
static cl::opt<bool>
    printTime("time", cl::desc("Print the partitioning time to stderr"),
              cl::cat(toolCategory));

/// Formats a number with up to 15 significant digits.
static std::string formatCost(double value) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.15g", value);
  return buf;
}

namespace {
/// Reads the benchmark JSON into a PartitionGraph. Stops at the first problem
/// and keeps a message naming the node or edge concerned.
struct GraphReader {
  std::string error;
  bool fail(std::string message) {
    if (error.empty())
      error = std::move(message);
    return false;
  }

  static std::optional<int64_t> getId(const json::Value *v) {
    if (!v)
      return std::nullopt;
    if (auto i = v->getAsInteger())
      return *i;
    if (auto d = v->getAsNumber())
      if (std::floor(*d) == *d && std::abs(*d) < 9e15)
        return int64_t(*d);
    return std::nullopt;
  }

  bool getNumber(const json::Object &o, StringRef key, StringRef what,
                 double &out, bool required) {
    const json::Value *v = o.get(key);
    if (!v) {
      if (required)
        return fail(what.str() + " has no '" + key.str() + "'");
      return true;
    }
    std::optional<double> d = v->getAsNumber();
    if (!d || !std::isfinite(*d) || *d < 0)
      return fail(what.str() + ": '" + key.str() +
                  "' must be a non-negative number");
    out = *d;
    return true;
  }

  bool read(const json::Value &root, np::PartitionGraph &graph,
            std::vector<int64_t> &ids, std::optional<double> &fileCap) {
    const json::Object *top = root.getAsObject();
    if (!top)
      return fail("the top level is not a JSON object");
    if (const json::Value *cap = top->get("maxSizePerFPGA")) {
      std::optional<double> d = cap->getAsNumber();
      if (!d || std::isnan(*d))
        return fail("'maxSizePerFPGA' must be a number");
      fileCap = *d;
    }
    const json::Array *nodes = top->getArray("nodes");
    if (!nodes)
      return fail(top->get("nodes") ? "'nodes' is not an array"
                                    : "missing key 'nodes'");
    const json::Array *edges = top->getArray("edges");
    if (!edges)
      return fail(top->get("edges") ? "'edges' is not an array"
                                    : "missing key 'edges'");
    std::map<int64_t, unsigned> indexOf;
    for (size_t i = 0; i < nodes->size(); ++i) {
      std::string what = "node #" + std::to_string(i);
      const json::Object *n = (*nodes)[i].getAsObject();
      if (!n)
        return fail(what + " is not an object");
      std::optional<int64_t> id = getId(n->get("id"));
      if (!id)
        return fail(what + " has no integer 'id'");
      what = "node " + std::to_string(*id);
      if (!indexOf.insert({*id, graph.nodes.size()}).second)
        return fail("two nodes have id " + std::to_string(*id));
      np::PartitionNode node;
      if (std::optional<StringRef> name = n->getString("name"))
        node.name = name->str();
      else
        node.name = std::to_string(*id);
      if (!getNumber(*n, "fpgaLatency", what, node.cost, true) ||
          !getNumber(*n, "size", what, node.size, false))
        return false;
      if (!ignoreColorClass)
        if (const json::Value *color = n->get("colorClass")) {
          std::optional<int64_t> c = getId(color);
          if (!c || *c < 0)
            return fail(what + ": 'colorClass' must be a non-negative "
                               "integer");
          node.colocationGroup = *c;
        }
      graph.nodes.push_back(std::move(node));
      ids.push_back(*id);
    }
    std::vector<bool> hasCost(graph.nodes.size(), false);
    for (size_t i = 0; i < edges->size(); ++i) {
      std::string what = "edge #" + std::to_string(i);
      const json::Object *e = (*edges)[i].getAsObject();
      if (!e)
        return fail(what + " is not an object");
      std::optional<int64_t> src = getId(e->get("sourceId"));
      std::optional<int64_t> dst = getId(e->get("destId"));
      if (!src || !dst)
        return fail(what + " needs integer 'sourceId' and 'destId'");
      what = "edge " + std::to_string(*src) + " -> " + std::to_string(*dst);
      auto u = indexOf.find(*src), v = indexOf.find(*dst);
      if (u == indexOf.end() || v == indexOf.end())
        return fail(what + " refers to unknown node id " +
                    std::to_string(u == indexOf.end() ? *src : *dst));
      double cost = 0.0;
      if (!getNumber(*e, "cost", what, cost, true))
        return false;
      // The format gives the cost per edge but it models the producer's
      // output, so every edge leaving a node must agree.
      np::PartitionNode &producer = graph.nodes[u->second];
      if (hasCost[u->second] && std::abs(producer.edgeCost - cost) >
                                    1e-9 * std::max(1.0, std::abs(cost)))
        return fail("node " + std::to_string(*src) +
                    " has edges with different costs (" +
                    formatCost(producer.edgeCost) + " and " + formatCost(cost) +
                    ")");
      producer.edgeCost = cost;
      hasCost[u->second] = true;
      graph.addEdge(u->second, v->second);
    }
    return true;
  }
};
} // namespace

int main(int argc, char **argv) {
  cl::HideUnrelatedOptions(toolCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "neuron-partition: split a DNN operator graph into pipeline stages\n");

  auto fail = [&](const Twine &message) {
    errs() << "neuron-partition: error: " << message << "\n";
    return 1;
  };
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFileOrSTDIN(inputFile);
  if (!buffer)
    return fail("cannot read '" + inputFile +
                "': " + buffer.getError().message());
  Expected<json::Value> root = json::parse((*buffer)->getBuffer());
  if (!root)
    return fail(inputFile + ": invalid JSON: " + toString(root.takeError()));

  np::PartitionGraph graph;
  std::vector<int64_t> ids;
  std::optional<double> fileCap;
  GraphReader reader;
  if (!reader.read(*root, graph, ids, fileCap))
    return fail(inputFile + ": " + reader.error);

  if (cores < 1)
    return fail("--cores must be at least 1, got " + Twine(cores.getValue()));
  np::PartitionOptions options;
  options.numStages = cores;
  options.exactTimeBudget = exactTimeBudget;
  options.idealPairBudget = idealPairBudget;
  if (memoryCap.getNumOccurrences())
    options.memoryCap = memoryCap;
  else if (fileCap)
    options.memoryCap = *fileCap;

  auto start = std::chrono::steady_clock::now();
  np::PartitionResult result;
  np::Status status = np::partition(graph, options, result);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!status.ok())
    return fail(inputFile + ": " + status.getMessage());
  if (printTime)
    errs() << "partition time: " << format("%.3f", seconds) << " s\n";

  std::vector<std::vector<unsigned>> stages = result.getStages();
  if (jsonOutput) {
    json::Array stageArray, loads, memory;
    for (unsigned s = 0; s < stages.size(); ++s) {
      json::Array members;
      for (unsigned u : stages[s])
        members.push_back(ids[u]);
      stageArray.push_back(std::move(members));
      loads.push_back(result.stageLoad[s]);
      memory.push_back(result.stageMemory[s]);
    }
    json::Object out{{"maxLoad", result.maxLoad},
                     {"optimal", result.optimal},
                     {"algorithm", np::getAlgorithmName(result.algorithm)},
                     {"stages", std::move(stageArray)},
                     {"stageLoads", std::move(loads)},
                     {"stageMemory", std::move(memory)}};
    outs() << formatv("{0:2}", json::Value(std::move(out))) << "\n";
    return 0;
  }
  outs() << "max-load: " << format("%.6g", result.maxLoad) << "\n";
  outs() << "optimal: " << (result.optimal ? "yes" : "not proven") << " ("
         << np::getAlgorithmName(result.algorithm) << ")\n";
  for (unsigned s = 0; s < stages.size(); ++s) {
    outs() << "stage " << s << ": load " << format("%.6g", result.stageLoad[s])
           << ", memory " << format("%.0f", result.stageMemory[s])
           << " bytes, nodes:";
    for (unsigned u : stages[s])
      outs() << " " << ids[u];
    outs() << "\n";
  }
  return 0;
}
