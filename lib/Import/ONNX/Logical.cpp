//===- Logical.cpp - comparison and logical operator handlers -------------===//
//
// Equal, Greater, Less, ..., Not, And, Or, Xor: folded when every input is
// known at import (shape computations), otherwise built from graph ops by
// graph::createCompare / createLogical, since the graph dialect has no
// comparison ops (attention masks such as `mask == 0` need them at run time).
//
//===----------------------------------------------------------------------===//

#include "ONNXImporter.h"

#include "neuron/Dialect/Graph/IR/GraphBuilder.h"

using namespace mlir;
using namespace neuron;
using namespace neuron::onnx_import;

namespace {
/// Whether every input of the node is known and small enough to fold.
bool allFoldable(NodeBinder &b) {
  SmallVector<const ConstTensor *> constants;
  for (int i = 0; i < b.numInputs(); ++i)
    constants.push_back(b.constant(i));
  return !constants.empty() && canFoldElementwise(constants);
}
} // namespace

OpHandler neuron::onnx_import::comparisonOp(
    graph::CompareKind kind, std::function<double(ArrayRef<double>)> ff,
    std::function<int64_t(ArrayRef<int64_t>)> fi) {
  OpHandler fold = foldOnlyOp(onnx::TensorProto::BOOL, ff, fi);
  return [=](NodeBinder &b) -> LogicalResult {
    if (failed(b.requireInputs(2)))
      return failure();
    if (allFoldable(b))
      return fold(b);
    FailureOr<Value> lhs = b.value(0), rhs = b.value(1);
    if (failed(lhs) || failed(rhs))
      return failure();
    Value r = castElements(
        b, *rhs, cast<RankedTensorType>(lhs->getType()).getElementType());
    FailureOr<Value> out =
        graph::createCompare(b.builder(), b.loc, kind, *lhs, r);
    if (failed(out))
      return failure();
    b.setResult(0, *out);
    return success();
  };
}

OpHandler
neuron::onnx_import::logicalOp(std::optional<graph::LogicalKind> kind,
                               std::function<double(ArrayRef<double>)> ff,
                               std::function<int64_t(ArrayRef<int64_t>)> fi) {
  OpHandler fold = foldOnlyOp(onnx::TensorProto::BOOL, ff, fi);
  return [=](NodeBinder &b) -> LogicalResult {
    if (failed(b.requireInputs(kind ? 2 : 1)))
      return failure();
    if (allFoldable(b))
      return fold(b);
    for (int i = 0; i < b.numInputs(); ++i)
      if (b.dtype(i) != onnx::TensorProto::BOOL)
        return b.emitError()
               << "input '" << b.node.input(i) << "' must be a bool tensor";
    FailureOr<Value> p = b.value(0);
    if (failed(p))
      return failure();
    FailureOr<Value> out;
    if (!kind) {
      out = graph::createLogicalNot(b.builder(), b.loc, *p);
    } else {
      FailureOr<Value> q = b.value(1);
      if (failed(q))
        return failure();
      out = graph::createLogical(b.builder(), b.loc, *kind, *p, *q);
    }
    if (failed(out))
      return failure();
    b.setResult(0, *out);
    return success();
  };
}
