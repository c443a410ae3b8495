//===- GraphCost.cpp - FLOPs of graph ops ---------------------------------===//
//
// The conventions are those of CostOpInterface: a multiply-accumulate is 2
// FLOPs, an elementwise op 1 FLOP per output element, data movement 0.
// Elementwise and reduction ops define theirs in GraphOps.td.
//
//===----------------------------------------------------------------------===//

#include "neuron/Dialect/Graph/IR/GraphOps.h"

using namespace mlir;
using namespace neuron::graph;

/// FLOPs per element of the normalizations and softmax (see docs/Architecture.md).
static constexpr int64_t kBatchNormFlopsPerElement = 2; // folded scale + shift
static constexpr int64_t kLayerNormFlopsPerElement = 5; // mean, var, norm, scale, shift
static constexpr int64_t kSoftmaxFlopsPerElement = 3;   // max, exp + sum, divide

int64_t ConstantOp::getFlops() { return 0; }
int64_t WeightOp::getFlops() { return 0; }
int64_t ClipOp::getFlops() { return getNumElements(getType()); }
int64_t CastOp::getFlops() { return getNumElements(getType()); }
int64_t WhereOp::getFlops() { return getNumElements(getType()); }

int64_t MatMulOp::getFlops() {
  // Every output element is a dot product of length K.
  ArrayRef<int64_t> lhs = cast<RankedTensorType>(getLhs().getType()).getShape();
  return 2 * getNumElements(getType()) * lhs.back();
}

int64_t GemmOp::getFlops() {
  auto a = cast<RankedTensorType>(getA().getType());
  int64_t k = a.getDimSize(getTransA() ? 0 : 1);
  int64_t outputs = getNumElements(getType());
  int64_t flops = 2 * outputs * k;
  if (getAlpha().convertToDouble() != 1.0)
    flops += outputs;
  if (getC())
    flops += getBeta().convertToDouble() != 1.0 ? 2 * outputs : outputs;
  return flops;
}

int64_t ConvOp::getFlops() {
  auto filter = cast<RankedTensorType>(getFilter().getType());
  // Each output element reads C/group * kH * kW inputs.
  int64_t window =
      filter.getDimSize(1) * filter.getDimSize(2) * filter.getDimSize(3);
  int64_t outputs = getNumElements(getType());
  return 2 * outputs * window + (getBias() ? outputs : 0);
}

int64_t BatchNormOp::getFlops() {
  return kBatchNormFlopsPerElement * getNumElements(getType());
}

int64_t LayerNormOp::getFlops() {
  return kLayerNormFlopsPerElement * getNumElements(getType());
}

int64_t SoftmaxOp::getFlops() {
  return kSoftmaxFlopsPerElement * getNumElements(getType());
}

int64_t GlobalAveragePoolOp::getFlops() {
  return getNumElements(getInput().getType());
}

// Data movement.
int64_t ReshapeOp::getFlops() { return 0; }
int64_t TransposeOp::getFlops() { return 0; }
int64_t FlattenOp::getFlops() { return 0; }
int64_t ConcatOp::getFlops() { return 0; }
int64_t SplitOp::getFlops() { return 0; }
int64_t SliceOp::getFlops() { return 0; }
int64_t GatherOp::getFlops() { return 0; }
int64_t GatherElementsOp::getFlops() { return 0; }
int64_t UnsqueezeOp::getFlops() { return 0; }
int64_t SqueezeOp::getFlops() { return 0; }
int64_t ExpandOp::getFlops() { return 0; }
