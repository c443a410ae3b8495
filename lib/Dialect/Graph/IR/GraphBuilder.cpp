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

FailureOr<Value> createConstantPad(OpBuilder &builder, Location loc, Value x,
                                   ArrayRef<int64_t> before,
                                   ArrayRef<int64_t> after, Attribute fill) {
  auto xt = cast<RankedTensorType>(x.getType());
  if (before.size() != size_t(xt.getRank()) ||
      after.size() != size_t(xt.getRank()))
    return emitError(loc) << "pad amounts for " << before.size() << " and "
                          << after.size() << " dimensions of a rank-"
                          << xt.getRank() << " tensor";
  SmallVector<int64_t> shape(xt.getShape());
  Value cur = x;
  // Bounded so that the sums below cannot overflow; the importers' size
  // limits refuse far smaller results anyway.
  constexpr int64_t kMaxPad = int64_t(1) << 48;
  for (int64_t axis = 0; axis < xt.getRank(); ++axis) {
    int64_t b = before[axis], a = after[axis];
    if (b > kMaxPad || b < -kMaxPad || a > kMaxPad || a < -kMaxPad)
      return emitError(loc) << "pads " << b << " and " << a << " of axis "
                            << axis << " exceed 2^48";
    if (shape[axis] + b + a < 0)
      return emitError(loc) << "pads " << b << " and " << a
                            << " remove more than the " << shape[axis]
                            << " elements of axis " << axis;
    if (b < 0 || a < 0) {
      int64_t start = std::max<int64_t>(0, -b);
      int64_t end = shape[axis] - std::max<int64_t>(0, -a);
      FailureOr<Value> sliced = createInferred<SliceOp>(
          builder, loc, {cur},
          {builder.getNamedAttr("starts", builder.getDenseI64ArrayAttr({start})),
           builder.getNamedAttr("ends", builder.getDenseI64ArrayAttr({end})),
           builder.getNamedAttr("axes", builder.getDenseI64ArrayAttr({axis}))});
      if (failed(sliced))
        return failure();
      cur = *sliced;
      shape[axis] = end - start;
    }
    SmallVector<Value> parts;
    auto block = [&](int64_t n) -> Value {
      SmallVector<int64_t> blockShape(shape);
      blockShape[axis] = n;
      auto type = RankedTensorType::get(blockShape, xt.getElementType());
      return ConstantOp::create(builder, loc, SplatElementsAttr::get(type, fill));
    };
    if (b > 0)
      parts.push_back(block(b));
    parts.push_back(cur);
    if (a > 0)
      parts.push_back(block(a));
    if (parts.size() == 1)
      continue;
    FailureOr<Value> joined = createInferred<ConcatOp>(
        builder, loc, parts,
        {builder.getNamedAttr("axis", builder.getI64IntegerAttr(axis))});
    if (failed(joined))
      return failure();
    cur = *joined;
    shape[axis] += std::max<int64_t>(0, b) + std::max<int64_t>(0, a);
  }
  return cur;
}

} // namespace neuron::graph
