//===- GraphFolds.cpp - folders of graph ops ------------------------------===//
//
// Folders for the identities a traced model is full of: x + 0, x * 1,
// reshape to the same type, transpose(transpose(x)), a single-input concat.
// Each folder only returns a value whose type is the op's result type.
//
//===----------------------------------------------------------------------===//

#include "neuron/Dialect/Graph/IR/GraphOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace neuron::graph;

/// Returns true if `attr` is a splat whose every element equals `value`.
static bool isSplatOf(Attribute attr, double value) {
  auto splat = dyn_cast_if_present<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  Type elementType = splat.getElementType();
  if (isa<FloatType>(elementType))
    return splat.getSplatValue<APFloat>().convertToDouble() == value;
  if (elementType.isInteger(1))
    return splat.getSplatValue<bool>() == (value != 0);
  if (isa<IntegerType>(elementType))
    return static_cast<double>(splat.getSplatValue<APInt>().getSExtValue()) ==
           value;
  return false;
}

/// Folds `op(x, c)` to `x` when `c` is a splat of `neutral` and broadcasting
/// does not change x's type.
template <typename OpTy>
static OpFoldResult foldRightNeutral(OpTy op, Attribute rhs, double neutral) {
  if (isSplatOf(rhs, neutral) && op.getLhs().getType() == op.getType())
    return op.getLhs();
  return {};
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldRightNeutral(*this, adaptor.getRhs(), 0.0))
    return r;
  if (isSplatOf(adaptor.getLhs(), 0.0) && getRhs().getType() == getType())
    return getRhs();
  return {};
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldRightNeutral(*this, adaptor.getRhs(), 0.0);
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldRightNeutral(*this, adaptor.getRhs(), 1.0))
    return r;
  if (isSplatOf(adaptor.getLhs(), 1.0) && getRhs().getType() == getType())
    return getRhs();
  return {};
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldRightNeutral(*this, adaptor.getRhs(), 1.0);
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  return foldRightNeutral(*this, adaptor.getRhs(), 1.0);
}

OpFoldResult MaxOp::fold(FoldAdaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return {};
}

OpFoldResult MinOp::fold(FoldAdaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return {};
}

/// relu and abs are idempotent: op(op(x)) is op(x).
OpFoldResult ReluOp::fold(FoldAdaptor) {
  if (getInput().getDefiningOp<ReluOp>())
    return getInput();
  return {};
}

OpFoldResult AbsOp::fold(FoldAdaptor) {
  if (getInput().getDefiningOp<AbsOp>())
    return getInput();
  return {};
}

OpFoldResult NegOp::fold(FoldAdaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  return {};
}

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

OpFoldResult ClipOp::fold(FoldAdaptor) {
  if (!getMin() && !getMax())
    return getInput();
  return {};
}

/// Returns true if every value of element type `from` is exactly a value of
/// `to`, so casting from -> to -> from gives back the original.
static bool isExactWidening(Type from, Type to) {
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat)
    return APFloat::isRepresentableBy(fromFloat.getFloatSemantics(),
                                      toFloat.getFloatSemantics());
  auto fromInt = dyn_cast<IntegerType>(from);
  auto toInt = dyn_cast<IntegerType>(to);
  return fromInt && toInt && fromInt.getWidth() <= toInt.getWidth();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // cast(cast(x : A -> B) -> A) is x when A -> B is exact (bf16 -> f32 ->
  // bf16, which auto-cast produces); the reverse (f32 -> bf16 -> f32) rounds
  // and stays.
  if (auto inner = getInput().getDefiningOp<CastOp>();
      inner && inner.getInput().getType() == getType() &&
      isExactWidening(getElementTypeOrSelf(getType()),
                      getElementTypeOrSelf(inner.getType())))
    return inner.getInput();
  return {};
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  // reshape(reshape(x)) is one reshape of x.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType() &&
      llvm::equal(getPerm(), llvm::seq<int64_t>(0, getPerm().size())))
    return getInput();
  // transpose(transpose(x, p1), p2) is transpose(x, p1 o p2).
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> p1 = inner.getPerm();
    SmallVector<int64_t> composed;
    for (int64_t p : getPerm())
      composed.push_back(p1[p]);
    getInputMutable().assign(inner.getInput());
    setPerm(composed);
    return getResult();
  }
  return {};
}

OpFoldResult FlattenOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1)
    return getInputs().front();
  return {};
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  // With positive steps, an unchanged shape means every element is taken.
  if (getInput().getType() == getType() &&
      llvm::all_of(getSteps(), [](int64_t s) { return s > 0; }))
    return getInput();
  return {};
}

OpFoldResult SqueezeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult ExpandOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}
