//===- CostInterfaceTest.cpp - FLOPs and bytes of graph ops ---------------===//

#include "neuron/Dialect/Graph/IR/GraphDialect.h"
#include "neuron/Dialect/Graph/IR/GraphOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace neuron::graph;

namespace {

/// Builds ops into a function whose arguments supply the activations.
class CostInterfaceTest : public ::testing::Test {
protected:
  CostInterfaceTest() : builder(UnknownLoc::get(&context), &context) {
    context.loadDialect<GraphDialect, func::FuncDialect>();
    module = ModuleOp::create(builder);
    builder.setInsertionPointToEnd(module->getBody());
  }

  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, builder.getF32Type());
  }

  /// Returns fresh function arguments of the given types.
  SmallVector<Value> args(ArrayRef<Type> types) {
    auto func = func::FuncOp::create(builder, "f",
                                     builder.getFunctionType(types, {}));
    Block *block = func.addEntryBlock();
    builder.setInsertionPointToEnd(block);
    return SmallVector<Value>(block->getArguments());
  }

  /// Returns a weight of the given type filled with zeros.
  Value weight(RankedTensorType type, StringRef name) {
    return WeightOp::create(builder, builder.getStringAttr(name),
                            DenseElementsAttr::get(type, 0.0f));
  }

  int64_t flops(Operation *op) { return cast<CostOpInterface>(op).getFlops(); }

  MLIRContext context;
  ImplicitLocOpBuilder builder;
  OwningOpRef<ModuleOp> module;
};

TEST_F(CostInterfaceTest, MatMulIsTwoMNKPerBatch) {
  // [8, 4, 16] x [16, 32]: 8 batches of 4x16 by 16x32.
  auto in = args({f32({8, 4, 16}), f32({16, 32})});
  auto op = MatMulOp::create(builder, in[0], in[1]);
  EXPECT_EQ(op.getType(), f32({8, 4, 32}));
  EXPECT_EQ(flops(op), 2 * 8 * 4 * 32 * 16);
}

TEST_F(CostInterfaceTest, MatMulVectorTimesMatrix) {
  // A 1-D lhs of K = 16 is a single row: 2 * N * K.
  auto in = args({f32({16}), f32({16, 10})});
  auto op = MatMulOp::create(builder, in[0], in[1]);
  EXPECT_EQ(op.getType(), f32({10}));
  EXPECT_EQ(flops(op), 2 * 10 * 16);
}

TEST_F(CostInterfaceTest, GemmCountsBiasAndScaling) {
  // x[2, 64] * W^T with W[128, 64] plus bias: 2*M*N*K + M*N.
  auto in = args({f32({2, 64})});
  Value w = weight(f32({128, 64}), "fc.weight");
  Value b = weight(f32({128}), "fc.bias");
  auto gemm = GemmOp::create(builder, in[0], w, b, builder.getF32FloatAttr(1.0),
                             builder.getF32FloatAttr(1.0),
                             builder.getBoolAttr(false),
                             builder.getBoolAttr(true));
  EXPECT_EQ(gemm.getType(), f32({2, 128}));
  EXPECT_EQ(flops(gemm), 2 * 2 * 128 * 64 + 2 * 128);

  // alpha != 1 scales every output, beta != 1 scales C first.
  auto scaled = GemmOp::create(builder, in[0], w, b,
                               builder.getF32FloatAttr(0.5),
                               builder.getF32FloatAttr(2.0),
                               builder.getBoolAttr(false),
                               builder.getBoolAttr(true));
  EXPECT_EQ(flops(scaled), 2 * 2 * 128 * 64 + 2 * 128 + 2 * 2 * 128);
}

TEST_F(CostInterfaceTest, ConvIsTwoMACsPerOutputWindow) {
  // ResNet stem: 1x3x224x224, 64 filters 7x7, stride 2, pad 3 -> 1x64x112x112.
  auto in = args({f32({1, 3, 224, 224})});
  Value w = weight(f32({64, 3, 7, 7}), "conv1.weight");
  auto conv = ConvOp::create(builder, in[0], w, Value(),
                             builder.getDenseI64ArrayAttr({2, 2}),
                             builder.getDenseI64ArrayAttr({3, 3, 3, 3}),
                             builder.getDenseI64ArrayAttr({1, 1}),
                             builder.getI64IntegerAttr(1));
  EXPECT_EQ(conv.getType(), f32({1, 64, 112, 112}));
  EXPECT_EQ(flops(conv), int64_t{2} * 64 * 112 * 112 * 3 * 7 * 7);
}

TEST_F(CostInterfaceTest, DepthwiseConvWithBias) {
  // 32 channels, group 32, 3x3, pad 1: each output reads 1 * 3 * 3 inputs.
  auto in = args({f32({1, 32, 14, 14})});
  Value w = weight(f32({32, 1, 3, 3}), "dw.weight");
  Value b = weight(f32({32}), "dw.bias");
  auto conv = ConvOp::create(builder, in[0], w, b,
                             builder.getDenseI64ArrayAttr({1, 1}),
                             builder.getDenseI64ArrayAttr({1, 1, 1, 1}),
                             builder.getDenseI64ArrayAttr({1, 1}),
                             builder.getI64IntegerAttr(32));
  EXPECT_EQ(conv.getType(), f32({1, 32, 14, 14}));
  int64_t outputs = 32 * 14 * 14;
  EXPECT_EQ(flops(conv), 2 * outputs * 9 + outputs);
}

TEST_F(CostInterfaceTest, BytesAndWeightOperands) {
  auto in = args({f32({2, 64})});
  Value w = weight(f32({128, 64}), "fc.weight");
  auto gemm = GemmOp::create(builder, in[0], w, Value(),
                             builder.getF32FloatAttr(1.0),
                             builder.getF32FloatAttr(1.0),
                             builder.getBoolAttr(false),
                             builder.getBoolAttr(true));
  auto cost = cast<CostOpInterface>(gemm.getOperation());
  EXPECT_EQ(cost.getBytesRead(), (2 * 64 + 128 * 64) * 4);
  EXPECT_EQ(cost.getBytesWritten(), 2 * 128 * 4);
  EXPECT_FALSE(cost.isWeightOperand(0));
  EXPECT_TRUE(cost.isWeightOperand(1));
  EXPECT_EQ(cast<WeightOp>(w.getDefiningOp()).getWeightBytes(), 128 * 64 * 4);
}

TEST_F(CostInterfaceTest, DataMovementIsFree) {
  auto in = args({f32({2, 3, 4})});
  auto t = TransposeOp::create(builder, in[0],
                               builder.getDenseI64ArrayAttr({2, 0, 1}));
  EXPECT_EQ(t.getType(), f32({4, 2, 3}));
  EXPECT_EQ(flops(t), 0);
  auto relu = ReluOp::create(builder, t);
  EXPECT_EQ(flops(relu), 24);
}

TEST(ShapeInferenceTest, Broadcast) {
  auto shape = broadcastShapes({ArrayRef<int64_t>{8, 1, 6, 1},
                                ArrayRef<int64_t>{7, 1, 5}});
  ASSERT_TRUE(shape.has_value());
  EXPECT_EQ(*shape, (SmallVector<int64_t>{8, 7, 6, 5}));
  EXPECT_FALSE(broadcastShapes({ArrayRef<int64_t>{3}, ArrayRef<int64_t>{4}}));
}

TEST(ShapeInferenceTest, SlidingWindowCeilMode) {
  // 112 input, 3x3 window, stride 2, pad 1: floor gives 56.
  EXPECT_EQ(slidingWindowSize(112, 3, 2, 1, 1, 1, false), 56);
  // 6 input, 3 window, stride 2, no pad: floor 2, ceil 3.
  EXPECT_EQ(slidingWindowSize(6, 3, 2, 0, 0, 1, false), 2);
  EXPECT_EQ(slidingWindowSize(6, 3, 2, 0, 0, 1, true), 3);
  // 5 input, 2 window, stride 2, pad 1 each side: ceil would start the last
  // window in the trailing padding, so it is dropped (PyTorch rule).
  EXPECT_EQ(slidingWindowSize(5, 2, 2, 1, 1, 1, true), 3);
  EXPECT_FALSE(slidingWindowSize(2, 5, 1, 0, 0, 1, false).has_value());
}

} // namespace
