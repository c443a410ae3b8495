//===- CostModelTest.cpp - Cost model and neuron-partition vs reference ---===//

#include "neuron/Analysis/CostModel.h"
#include "neuron/Analysis/Partition.h"
#include "neuron/Dialect/Graph/IR/GraphDialect.h"
#include "neuron/Dialect/Pipe/IR/PipeDialect.h"
#include "neuron/Dialect/Pipe/IR/PipeOps.h"
#include "neuron/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "gtest/gtest.h"

#include <random>
#include <sstream>

using namespace mlir;
using namespace neuron;

namespace {

class CostModelTest : public ::testing::Test {
protected:
  CostModelTest() {
    context.loadDialect<graph::GraphDialect, pipe::PipeDialect,
                        func::FuncDialect>();
  }

  /// Parses `source` and returns its first function.
  func::FuncOp parse(const std::string &source) {
    module = parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module) << source;
    if (!module)
      return {};
    return *module->getOps<func::FuncOp>().begin();
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

// A weight shared by two ops, a constant, a multi-output split and a skip.
constexpr const char *kSmall = R"mlir(
func.func @f(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
  %w = graph.weight "w" dense<1.0> : tensor<4x4xf32>
  %b = graph.weight "b" dense<1.0> : tensor<4xf32>
  %c = graph.constant dense<2.0> : tensor<4xf32>
  %p, %q = graph.split %x {axis = 1 : i64, sizes = array<i64: 4, 4>} : tensor<1x8xf32> -> (tensor<1x4xf32>, tensor<1x4xf32>)
  %0 = graph.matmul %p, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %1 = graph.add %0, %b : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %2 = graph.matmul %1, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %3 = graph.mul %2, %c : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %4 = graph.add %3, %q : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %4 : tensor<1x4xf32>
}
)mlir";

TEST_F(CostModelTest, FiguresOfASmallFunction) {
  func::FuncOp func = parse(kSmall);
  ASSERT_TRUE(func);
  FailureOr<CostModel> model = CostModel::build(func);
  ASSERT_TRUE(succeeded(model));
  partition::Status status = model->verify();
  ASSERT_TRUE(status.ok()) << status.getMessage();

  // Nodes: split, matmul, add, matmul, mul, add (weights and the constant
  // are not nodes).
  ASSERT_EQ(model->nodes.size(), 6u);
  std::vector<int64_t> flops, weightBytes, activationBytes;
  for (const OpCost &node : model->nodes) {
    flops.push_back(node.flops);
    weightBytes.push_back(node.weightBytes);
    activationBytes.push_back(node.activationBytes);
  }
  EXPECT_EQ(flops, (std::vector<int64_t>{0, 32, 4, 32, 4, 4}));
  EXPECT_EQ(weightBytes, (std::vector<int64_t>{0, 64, 16, 64, 0, 0}));
  EXPECT_EQ(activationBytes, (std::vector<int64_t>{32, 16, 16, 16, 16, 16}));
  EXPECT_EQ(model->nodes[0].name, "graph.split #0");

  // The shared weight is one resource; the constant is none.
  ASSERT_EQ(model->weights.size(), 2u);
  EXPECT_EQ(model->weights[0].bytes, 64);
  EXPECT_EQ(model->weights[1].bytes, 16);
  EXPECT_EQ(model->nodes[1].weights, std::vector<unsigned>{0});
  EXPECT_EQ(model->nodes[3].weights, std::vector<unsigned>{0});
  EXPECT_EQ(model->getTotalWeightBytes(), 80);
  EXPECT_EQ(model->getTotalFlops(), 76);

  // Edges, including the skip from the split to the last add.
  std::vector<std::pair<unsigned, unsigned>> expected = {
      {0, 1}, {1, 2}, {2, 3}, {3, 4}, {0, 5}, {4, 5}};
  EXPECT_EQ(model->edges, expected);

  // Objectives choose the cost. A weight read by one op (b) is that op's
  // size (and, for weights, cost); the shared one (w) is a resource, in the
  // load only for weights.
  partition::PartitionGraph weights = model->getPartitionGraph({});
  partition::PartitionGraph compute =
      model->getPartitionGraph({PartitionObjective::Compute, 0.5});
  ASSERT_TRUE(weights.verify().ok());
  EXPECT_EQ(weights.nodes[1].cost, 0.0);
  EXPECT_EQ(weights.nodes[1].size, 0.0);
  EXPECT_EQ(weights.nodes[1].resources, std::vector<unsigned>{0});
  EXPECT_EQ(weights.nodes[2].cost, 16.0);
  EXPECT_EQ(weights.nodes[2].size, 16.0);
  EXPECT_TRUE(weights.nodes[2].resources.empty());
  EXPECT_EQ(weights.nodes[1].edgeCost, 0.0);
  EXPECT_EQ(compute.nodes[1].cost, 32.0);
  EXPECT_EQ(compute.nodes[2].size, 16.0);
  EXPECT_EQ(compute.nodes[1].edgeCost, 8.0);
  EXPECT_EQ(weights.resourceSizes, (std::vector<double>{64.0, 16.0}));
  EXPECT_TRUE(getPartitionOptions({}).resourcesInLoad);
  EXPECT_FALSE(getPartitionOptions({PartitionObjective::Compute, 0.5})
                   .resourcesInLoad);
  EXPECT_FALSE(getPartitionOptions({PartitionObjective::Balanced, 0.0})
                   .resourcesInLoad);

  // One stage holds the shared weight once: 80 bytes, not 144.
  std::vector<unsigned> allInOne(6, 0);
  std::vector<StageSummary> one = summarizeStages(*model, allInOne, 1);
  EXPECT_EQ(one[0].weightBytes, 80);
  EXPECT_EQ(one[0].flops, 76);
  EXPECT_EQ(one[0].numOps, 6);
  partition::StageCosts costs =
      partition::evaluate(weights, allInOne, 1, /*resourcesInLoad=*/true);
  EXPECT_EQ(costs.memory[0], 80.0);
  EXPECT_EQ(costs.load[0], 80.0);
  // Split after the first add: both stages hold the shared weight, and the
  // load of each is its weight bytes.
  std::vector<unsigned> split = {0, 0, 0, 1, 1, 1};
  std::vector<StageSummary> two = summarizeStages(*model, split, 2);
  EXPECT_EQ(two[0].weightBytes, 80);
  EXPECT_EQ(two[1].weightBytes, 64);
  costs = partition::evaluate(weights, split, 2, true);
  EXPECT_EQ(costs.load, (std::vector<double>{80.0, 64.0}));
  EXPECT_EQ(costs.memory, (std::vector<double>{80.0, 64.0}));
}

TEST_F(CostModelTest, VerifyCatchesInconsistencies) {
  func::FuncOp func = parse(kSmall);
  ASSERT_TRUE(func);
  FailureOr<CostModel> model = CostModel::build(func);
  ASSERT_TRUE(succeeded(model));
  CostModel broken = *model;
  broken.edges.emplace_back(3, 1);
  EXPECT_FALSE(broken.verify().ok());
  broken = *model;
  broken.nodes[1].weightBytes = 1;
  EXPECT_FALSE(broken.verify().ok());
  broken = *model;
  broken.nodes[2].weights.push_back(7);
  EXPECT_FALSE(broken.verify().ok());
}

TEST_F(CostModelTest, ObjectiveNamesRoundTrip) {
  for (PartitionObjective objective :
       {PartitionObjective::Weights, PartitionObjective::Compute,
        PartitionObjective::Balanced})
    EXPECT_EQ(parseObjective(getObjectiveName(objective)), objective);
  EXPECT_FALSE(parseObjective("latency").has_value());
}

/// A random chain-like function of `n` ops on 1x4 activations: matmuls
/// (64 bytes of weights), gemms (80), bias adds (16), layer norms (32) and
/// weightless relus, plus residual adds from a random earlier value. With
/// `shareWeights`, a matmul or bias add reuses an earlier weight of its
/// shape half of the time (tied weights).
std::string makeRandomChain(std::mt19937 &rng, unsigned n,
                            bool shareWeights = false) {
  std::ostringstream os;
  os << "func.func @chain(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {\n";
  const char *t = "tensor<1x4xf32>";
  std::vector<std::string> values = {"%x"};
  // Weights defined so far, by shape, for sharing.
  std::vector<std::string> matrices, vectors;
  auto reuse = [&](const std::vector<std::string> &defined) {
    return shareWeights && !defined.empty() && rng() % 2 == 0;
  };
  for (unsigned i = 0; i < n; ++i) {
    std::string cur = values.back(), out = "%v" + std::to_string(i);
    std::string w = "%w" + std::to_string(i), b = "%b" + std::to_string(i);
    std::string name = "\"p" + std::to_string(i);
    switch (rng() % 6) {
    case 0:
      if (reuse(matrices)) {
        w = matrices[rng() % matrices.size()];
      } else {
        os << w << " = graph.weight " << name
           << "\" dense<1.0> : tensor<4x4xf32>\n";
        matrices.push_back(w);
      }
      os << out << " = graph.matmul " << cur << ", " << w << " : (" << t
         << ", tensor<4x4xf32>) -> " << t << "\n";
      break;
    case 1:
      os << w << " = graph.weight " << name
         << ".w\" dense<1.0> : tensor<4x4xf32>\n"
         << b << " = graph.weight " << name
         << ".b\" dense<1.0> : tensor<4xf32>\n"
         << out << " = graph.gemm " << cur << ", " << w << ", " << b
         << " : (" << t << ", tensor<4x4xf32>, tensor<4xf32>) -> " << t
         << "\n";
      matrices.push_back(w);
      vectors.push_back(b);
      break;
    case 2:
      if (reuse(vectors)) {
        b = vectors[rng() % vectors.size()];
      } else {
        os << b << " = graph.weight " << name
           << "\" dense<1.0> : tensor<4xf32>\n";
        vectors.push_back(b);
      }
      os << out << " = graph.add " << cur << ", " << b << " : (" << t
         << ", tensor<4xf32>) -> " << t << "\n";
      break;
    case 3:
      os << w << " = graph.weight " << name
         << ".g\" dense<1.0> : tensor<4xf32>\n"
         << b << " = graph.weight " << name
         << ".b\" dense<1.0> : tensor<4xf32>\n"
         << out << " = graph.layer_norm " << cur << ", " << w << ", " << b
         << " : (" << t << ", tensor<4xf32>, tensor<4xf32>) -> " << t << "\n";
      vectors.push_back(w);
      vectors.push_back(b);
      break;
    case 4:
      os << out << " = graph.relu " << cur << " : " << t << "\n";
      break;
    default: {
      std::string skip = values[rng() % values.size()];
      os << out << " = graph.add " << cur << ", " << skip << " : (" << t
         << ", " << t << ") -> " << t << "\n";
      break;
    }
    }
    values.push_back(out);
  }
  os << "return " << values.back() << " : " << t << "\n}\n";
  return os.str();
}

// For random chain-like modules, with and without shared weights, the
// largest stage's weight bytes after neuron-partition equal the brute-force
// optimum of the same cost model, and so does the pipeline's max_load.
TEST_F(CostModelTest, PartitionPassMatchesReferenceOnRandomChains) {
  std::mt19937 rng(2024);
  unsigned checked = 0, shared = 0;
  for (unsigned trial = 0; trial < 400; ++trial) {
    unsigned n = 2 + rng() % 9;
    unsigned k = 1 + rng() % std::min(n, 4u);
    std::string source = makeRandomChain(rng, n, trial % 2 == 1);
    func::FuncOp func = parse(source);
    ASSERT_TRUE(func);

    FailureOr<CostModel> model = CostModel::build(func);
    ASSERT_TRUE(succeeded(model));
    ASSERT_TRUE(model->verify().ok());
    ASSERT_EQ(model->nodes.size(), n);
    int64_t perOp = 0;
    for (const OpCost &node : model->nodes)
      perOp += node.weightBytes;
    shared += perOp > model->getTotalWeightBytes();
    partition::PartitionOptions options = getPartitionOptions({});
    options.numStages = k;
    partition::PartitionResult reference;
    partition::Status status = partition::partitionReference(
        model->getPartitionGraph({}), options, reference);
    ASSERT_TRUE(status.ok()) << status.getMessage();

    PassManager pm(&context);
    NeuronPartitionOptions passOptions;
    passOptions.numStages = k;
    pm.addNestedPass<func::FuncOp>(createNeuronPartition(passOptions));
    pm.addNestedPass<func::FuncOp>(createNeuronVerifyPipeline());
    ASSERT_TRUE(succeeded(pm.run(*module))) << source;

    auto pipeline = *func.getOps<pipe::PipelineOp>().begin();
    ASSERT_EQ(pipeline.getNumStages(), int64_t(k));
    int64_t largest = 0, total = 0;
    for (pipe::StageOp stage : pipeline.getStages()) {
      int64_t bytes =
          stage->getAttrOfType<IntegerAttr>("weight_bytes").getInt();
      largest = std::max(largest, bytes);
      total += bytes;
    }
    EXPECT_EQ(double(largest), reference.maxLoad) << source << "k = " << k;
    // A weight shared by two stages is in both.
    if (trial % 2 == 0)
      EXPECT_EQ(total, model->getTotalWeightBytes());
    else
      EXPECT_GE(total, model->getTotalWeightBytes());
    EXPECT_EQ(pipeline->getAttrOfType<IntegerAttr>("max_load").getInt(),
              largest);
    ++checked;
  }
  EXPECT_EQ(checked, 400u);
  EXPECT_GT(shared, 50u); // trials where some weight is read by two ops
}

} // namespace
