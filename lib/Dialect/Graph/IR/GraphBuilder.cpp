//===- GraphBuilder.cpp - build graph ops from untrusted input ------------===//

#include "neuron/Dialect/Graph/IR/GraphBuilder.h"
#include "neuron/Dialect/Graph/IR/GraphOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

using namespace mlir;

namespace neuron::graph {

FailureOr<Operation *> createInferred(OpBuilder &builder, Location loc,
                                      StringRef opName, ValueRange operands,
                                      ArrayRef<NamedAttribute> attributes,
                                      unsigned numResults) {
  MLIRContext *context = builder.getContext();
  // Type inference assumes the operand types ODS guarantees.
  for (Value operand : operands) {
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type || !type.hasStaticShape())
      return emitError(loc) << "'" << opName
                            << "' needs statically shaped tensor operands, got "
                            << operand.getType();
  }
  OperationState state(loc, opName);
  state.addOperands(operands);
  state.addAttributes(attributes);
  // Placeholder result types, replaced by the inferred ones below.
  state.addTypes(SmallVector<Type>(numResults, NoneType::get(context)));
  Operation *op = builder.create(state);
  auto inferable = dyn_cast<InferTypeOpInterface>(op);
  SmallVector<Type> types;
  if (!inferable ||
      failed(inferable.inferReturnTypes(
          context, loc, op->getOperands(), op->getRawDictionaryAttrs(),
          op->getPropertiesStorage(), op->getRegions(), types)) ||
      types.size() != numResults) {
    if (!inferable)
      emitError(loc) << "'" << opName << "' does not infer its result types";
    op->erase();
    return failure();
  }
  for (auto [result, type] : llvm::zip(op->getResults(), types))
    result.setType(type);
  return op;
}

namespace {
/// A 0-d i1 constant.
Value boolScalar(OpBuilder &builder, Location loc, bool value) {
  auto type = RankedTensorType::get({}, builder.getI1Type());
  return ConstantOp::create(
      builder, loc, SplatElementsAttr::get(type, builder.getBoolAttr(value)));
}

bool isBool(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType().isInteger(1);
}

/// `a != b` on operands of one numeric element type.
FailureOr<Value> notEqual(OpBuilder &builder, Location loc, Value a, Value b) {
  FailureOr<Value> diff = createInferred<SubOp>(builder, loc, {a, b});
  if (failed(diff))
    return failure();
  auto type = cast<RankedTensorType>(diff->getType());
  return CastOp::create(builder, loc, type.clone(builder.getI1Type()), *diff)
      .getResult();
}

/// `a > b` on operands of one numeric element type.
FailureOr<Value> greater(OpBuilder &builder, Location loc, Value a, Value b) {
  FailureOr<Value> larger = createInferred<MaxOp>(builder, loc, {a, b});
  if (failed(larger))
    return failure();
  return notEqual(builder, loc, *larger, b);
}
} // namespace

FailureOr<Value> createCompare(OpBuilder &builder, Location loc,
                               CompareKind kind, Value lhs, Value rhs) {
  auto lhsType = dyn_cast<RankedTensorType>(lhs.getType());
  auto rhsType = dyn_cast<RankedTensorType>(rhs.getType());
  if (!lhsType || !rhsType ||
      lhsType.getElementType() != rhsType.getElementType())
    return emitError(loc) << "comparison operands must be tensors of one "
                             "element type, got "
                          << lhs.getType() << " and " << rhs.getType();
  if (isBool(lhs)) {
    Type i32 = builder.getI32Type();
    lhs = CastOp::create(builder, loc, lhsType.clone(i32), lhs);
    rhs = CastOp::create(builder, loc, rhsType.clone(i32), rhs);
  }
  FailureOr<Value> r;
  bool negate = false;
  switch (kind) {
  case CompareKind::Eq:
    negate = true;
    [[fallthrough]];
  case CompareKind::Ne:
    r = notEqual(builder, loc, lhs, rhs);
    break;
  case CompareKind::Ge:
    negate = true;
    [[fallthrough]];
  case CompareKind::Lt:
    r = greater(builder, loc, rhs, lhs);
    break;
  case CompareKind::Le:
    negate = true;
    [[fallthrough]];
  case CompareKind::Gt:
    r = greater(builder, loc, lhs, rhs);
    break;
  }
  if (failed(r) || !negate)
    return r;
  return createLogicalNot(builder, loc, *r);
}

FailureOr<Value> createLogicalNot(OpBuilder &builder, Location loc, Value p) {
  if (!isa<RankedTensorType>(p.getType()) || !isBool(p))
    return emitError(loc) << "logical not needs an i1 tensor, got "
                          << p.getType();
  return createInferred<WhereOp>(
      builder, loc,
      {p, boolScalar(builder, loc, false), boolScalar(builder, loc, true)});
}

FailureOr<Value> createLogical(OpBuilder &builder, Location loc,
                               LogicalKind kind, Value p, Value q) {
  if (!isa<RankedTensorType>(p.getType()) ||
      !isa<RankedTensorType>(q.getType()) || !isBool(p) || !isBool(q))
    return emitError(loc) << "logical operators need i1 tensors, got "
                          << p.getType() << " and " << q.getType();
  switch (kind) {
  case LogicalKind::And:
    return createInferred<WhereOp>(builder, loc,
                                   {p, q, boolScalar(builder, loc, false)});
  case LogicalKind::Or:
    return createInferred<WhereOp>(builder, loc,
                                   {p, boolScalar(builder, loc, true), q});
  case LogicalKind::Xor: {
    FailureOr<Value> notQ = createLogicalNot(builder, loc, q);
    if (failed(notQ))
      return failure();
    return createInferred<WhereOp>(builder, loc, {p, *notQ, q});
  }
  }
  return failure();
}

} // namespace neuron::graph
