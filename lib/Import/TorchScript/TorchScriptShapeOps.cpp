//===- TorchScriptShapeOps.cpp - view, indexing and list handlers ---------===//
//
// Handlers of the operators that move data or describe shapes: views,
// permutations, slicing and indexing, concatenation and splitting, dtype
// conversion, lists and tuples, sizes. Their registration is at the end.
//
//===----------------------------------------------------------------------===//

#include "OpHelpers.h"

using namespace mlir;
using namespace neuron;
using namespace neuron::torchscript;
using namespace neuron::torchscript::detail;

namespace {

/// Resolves a PyTorch view shape (with at most one -1) for `count` elements.
std::optional<SmallVector<int64_t>> resolveShape(ArrayRef<int64_t> shape,
                                                 int64_t count) {
  SmallVector<int64_t> result(shape);
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(result)) {
    if (d == -1) {
      if (inferred >= 0)
        return std::nullopt;
      inferred = i;
    } else if (d < 0) {
      return std::nullopt;
    } else {
      known *= d;
    }
  }
  if (inferred >= 0) {
    if (known == 0 || count % known)
      return std::nullopt;
    result[inferred] = count / known;
  } else if (known != count) {
    return std::nullopt;
  }
  return result;
}

LogicalResult reshapeTo(Ctx &c, Value x, ArrayRef<int64_t> shape) {
  RankedTensorType xt = typeOf(x);
  auto resolved = resolveShape(shape, xt.getNumElements());
  if (!resolved) {
    std::string s;
    llvm::raw_string_ostream os(s);
    llvm::interleaveComma(shape, os);
    return c.fail("cannot view " + Twine(xt.getNumElements()) +
                  " elements as [" + s + "]");
  }
  return c.done(
      g::ReshapeOp::create(
          c.b, c.loc, RankedTensorType::get(*resolved, xt.getElementType()), x)
          .getResult());
}

/// aten::view / aten::reshape(input, shape).
LogicalResult view(Importer &imp, Node *node) {
  Ctx c(imp, node);
  auto shape = imp.getIntList(node, 1);
  if (!shape)
    return c.fail("the shape must be known at import time");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return reshapeTo(c, *x, *shape);
}

/// aten::flatten(input, start_dim, end_dim).
LogicalResult flatten(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> start = imp.getInt(node, 1), end = imp.getInt(node, 2);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  int64_t rank = in.size();
  if (rank == 0)
    return reshapeTo(c, *x, {1});
  std::optional<int64_t> s =
      start ? g::normalizeAxis(*start, rank) : std::nullopt;
  std::optional<int64_t> e = end ? g::normalizeAxis(*end, rank) : std::nullopt;
  if (!s || !e || *s > *e)
    return c.fail("start_dim and end_dim must be constant and in range");
  SmallVector<int64_t> shape(in.take_front(*s));
  int64_t merged = 1;
  for (int64_t i = *s; i <= *e; ++i)
    merged *= in[i];
  shape.push_back(merged);
  llvm::append_range(shape, in.drop_front(*e + 1));
  return reshapeTo(c, *x, shape);
}

LogicalResult transposeBy(Ctx &c, Value x, ArrayRef<int64_t> perm) {
  return c.done(c.make<g::TransposeOp>({x}, {c.array("perm", perm)}));
}

/// aten::permute(input, dims).
LogicalResult permute(Importer &imp, Node *node) {
  Ctx c(imp, node);
  auto dims = imp.getIntList(node, 1);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  if (!dims)
    return c.fail("dims must be known at import time");
  int64_t rank = typeOf(*x).getRank();
  SmallVector<int64_t> perm;
  for (int64_t d : *dims) {
    auto n = g::normalizeAxis(d, rank);
    if (!n)
      return c.fail("dimension " + Twine(d) + " is out of range");
    perm.push_back(*n);
  }
  return transposeBy(c, *x, perm);
}

/// aten::transpose(input, dim0, dim1) and aten::t(input).
LogicalResult transpose(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  std::optional<int64_t> d0 = 0, d1 = 1;
  if (node->inputs().size() > 1) {
    d0 = imp.getInt(node, 1);
    d1 = imp.getInt(node, 2);
  } else if (rank < 2) {
    return identity(imp, node);
  }
  d0 = d0 ? g::normalizeAxis(*d0, rank) : std::nullopt;
  d1 = d1 ? g::normalizeAxis(*d1, rank) : std::nullopt;
  if (!d0 || !d1)
    return c.fail("dimensions must be constant and in range");
  SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(perm[*d0], perm[*d1]);
  return transposeBy(c, *x, perm);
}

/// aten::slice(input, dim, start, end, step).
LogicalResult slice(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1), step = imp.getInt(node, 4);
  std::optional<int64_t> start =
      imp.isNone(node, 2) ? std::optional<int64_t>(0) : imp.getInt(node, 2);
  std::optional<int64_t> end = imp.isNone(node, 3)
                                   ? std::optional<int64_t>(INT64_MAX)
                                   : imp.getInt(node, 3);
  if (!dim || !start || !end || !step)
    return c.fail("slice bounds must be known at import time");
  if (*step < 1)
    return c.fail("slice step must be positive");
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  return c.done(c.make<g::SliceOp>(
      {*x}, {c.array("starts", {*start}), c.array("ends", {*end}),
             c.array("axes", {*dim}), c.array("steps", {*step})}));
}

/// aten::select(input, dim, index): a slice of one, then the dim removed.
LogicalResult select(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1), index = imp.getInt(node, 2);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  std::optional<int64_t> axis =
      dim ? g::normalizeAxis(*dim, rank) : std::nullopt;
  if (!axis || !index)
    return c.fail("dim and index must be constant and in range");
  int64_t size = typeOf(*x).getDimSize(*axis);
  int64_t i = *index < 0 ? *index + size : *index;
  if (i < 0 || i >= size)
    return c.fail("index " + Twine(*index) + " is out of range for size " +
                  Twine(size));
  FailureOr<Value> s = c.make<g::SliceOp>({*x}, {c.array("starts", {i}),
                                                 c.array("ends", {i + 1}),
                                                 c.array("axes", {*axis})});
  if (failed(s))
    return failure();
  return c.done(c.make<g::SqueezeOp>({*s}, {c.array("axes", {*axis})}));
}

LogicalResult unsqueeze(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  if (!dim)
    return c.fail("dim must be known at import time");
  return c.done(c.make<g::UnsqueezeOp>({*x}, {c.array("axes", {*dim})}));
}

/// aten::squeeze(input[, dim]); squeezing a dimension that is not 1 is a
/// no-op in PyTorch.
LogicalResult squeeze(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> axes;
  if (node->inputs().size() > 1) {
    std::optional<int64_t> dim = imp.getInt(node, 1);
    auto axis =
        dim ? g::normalizeAxis(*dim, typeOf(*x).getRank()) : std::nullopt;
    if (!axis)
      return c.fail("dim must be constant and in range");
    if (typeOf(*x).getDimSize(*axis) != 1)
      return identity(imp, node);
    axes.push_back(*axis);
  }
  return c.done(c.make<g::SqueezeOp>({*x}, {c.array("axes", axes)}));
}

/// Returns the tensors of a list input (aten::cat's operand).
FailureOr<SmallVector<Value>> tensorList(Importer &imp, Node *node, size_t i) {
  TorchValue &list = imp.lookup(node->input(i));
  SmallVector<Value> result;
  Location loc = imp.getLoc(node);
  auto add = [&](const TorchValue &e) -> LogicalResult {
    if (e.kind == TorchValue::Kind::Tensor) {
      result.push_back(e.tensor);
      return success();
    }
    if (e.kind == TorchValue::Kind::Constant && e.constant.isTensor()) {
      FailureOr<Value> v = imp.materialize(e.constant.toTensor(), loc);
      if (failed(v))
        return failure();
      result.push_back(*v);
      return success();
    }
    return imp.error(node, "expected a list of tensors");
  };
  if (list.kind == TorchValue::Kind::Sequence) {
    for (const TorchValue &e : list.elements)
      if (failed(add(e)))
        return failure();
  } else if (list.kind == TorchValue::Kind::Constant &&
             list.constant.isTensorList()) {
    for (const at::Tensor &t : list.constant.toTensorVector())
      if (failed(add(TorchValue::ofConstant(t))))
        return failure();
  } else {
    return imp.error(node, "expected a list of tensors");
  }
  return result;
}

/// aten::cat(tensors, dim), promoting to a common element type.
LogicalResult cat(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  FailureOr<SmallVector<Value>> inputs = tensorList(imp, node, 0);
  if (failed(inputs))
    return failure();
  if (!dim)
    return c.fail("dim must be known at import time");
  Type et = typeOf(inputs->front()).getElementType();
  for (Value &v : *inputs)
    v = imp.castTo(c.loc, v, et);
  return c.done(c.make<g::ConcatOp>(*inputs, {c.i64("axis", *dim)}));
}

/// aten::stack(tensors, dim): unsqueeze each, then concatenate.
LogicalResult stack(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  FailureOr<SmallVector<Value>> inputs = tensorList(imp, node, 0);
  if (failed(inputs))
    return failure();
  if (!dim)
    return c.fail("dim must be known at import time");
  int64_t axis = *dim < 0 ? *dim + typeOf(inputs->front()).getRank() + 1 : *dim;
  for (Value &v : *inputs) {
    FailureOr<Value> u = c.make<g::UnsqueezeOp>({v}, {c.array("axes", {axis})});
    if (failed(u))
      return failure();
    v = *u;
  }
  return c.done(c.make<g::ConcatOp>(*inputs, {c.i64("axis", axis)}));
}

/// aten::embedding(weight, indices, ...): a gather on axis 0.
LogicalResult embedding(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> table = imp.getTensor(node, 0), ids = imp.getTensor(node, 1);
  if (failed(table) || failed(ids))
    return failure();
  Type it = typeOf(*ids).getElementType();
  Value indices = *ids;
  if (!it.isInteger(64) && !it.isInteger(32))
    indices = imp.castTo(c.loc, indices, c.b.getI64Type());
  return c.done(c.make<g::GatherOp>({*table, indices}, {c.i64("axis", 0)}));
}

/// aten::index_select(input, dim, index) (graph.gather) and
/// aten::gather(input, dim, index, sparse_grad=False) (graph.gather_elements).
template <typename OpTy> LogicalResult gatherAlong(Importer &imp, Node *node) {
  Ctx c(imp, node);
  std::optional<int64_t> dim = imp.getInt(node, 1);
  FailureOr<Value> x = imp.getTensor(node, 0), ids = imp.getTensor(node, 2);
  if (failed(x) || failed(ids))
    return failure();
  if (!dim)
    return c.fail("dim must be known at import time");
  return c.done(c.make<OpTy>({*x, *ids}, {c.i64("axis", *dim)}));
}

/// The dtype argument of aten::to / zeros_like / ..., or std::nullopt.
std::optional<Type> dtypeArg(Importer &imp, Node *node, StringRef name) {
  std::optional<size_t> index;
  const auto &args = node->schema().arguments();
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].name() == name)
      index = i;
  if (!index || imp.isNone(node, *index))
    return std::nullopt;
  std::optional<int64_t> dtype = imp.getInt(node, *index);
  if (!dtype)
    return Type();
  c10::ScalarType st = static_cast<c10::ScalarType>(*dtype);
  if (st == c10::ScalarType::Double)
    st = c10::ScalarType::Float;
  return getElementType(imp.getContext(), st);
}

/// aten::to in its overloads: to(dtype), to(device, dtype), to(other).
LogicalResult to(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  std::optional<Type> dtype = dtypeArg(imp, node, "dtype");
  if (!dtype) {
    // to(other, ...) takes other's dtype; to(device) changes nothing.
    const auto &args = node->schema().arguments();
    if (args.size() > 1 && args[1].name() == "other")
      dtype = elementTypeOf(imp, node, 1);
    else
      return identity(imp, node);
  }
  if (!*dtype)
    return c.fail("unsupported target dtype");
  return c.done(imp.castTo(c.loc, *x, *dtype));
}

LogicalResult typeAs(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  Type et = elementTypeOf(imp, node, 1);
  if (failed(x) || !et)
    return failure();
  return c.done(imp.castTo(c.loc, *x, et));
}

/// zeros_like / ones_like(input, dtype, ...): a splat of the input's shape.
LogicalResult fillLike(Importer &imp, Node *node, double value) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  std::optional<Type> dtype = dtypeArg(imp, node, "dtype");
  if (dtype && !*dtype)
    return c.fail("unsupported dtype");
  RankedTensorType xt = typeOf(*x);
  return c.done(imp.splat(c.loc, dtype ? xt.clone(*dtype) : xt, value));
}
LogicalResult zerosLike(Importer &imp, Node *node) {
  return fillLike(imp, node, 0.0);
}
LogicalResult onesLike(Importer &imp, Node *node) {
  return fillLike(imp, node, 1.0);
}

/// aten::expand(input, size, implicit): -1 keeps a dimension.
LogicalResult expand(Importer &imp, Node *node) {
  Ctx c(imp, node);
  auto size = imp.getIntList(node, 1);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  if (!size)
    return c.fail("size must be known at import time");
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  SmallVector<int64_t> shape(*size);
  int64_t offset = static_cast<int64_t>(shape.size()) - in.size();
  for (auto [i, d] : llvm::enumerate(shape))
    if (d == -1) {
      if (static_cast<int64_t>(i) < offset)
        return c.fail("-1 is not allowed for a new leading dimension");
      d = in[i - offset];
    }
  return c.done(c.make<g::ExpandOp>({*x}, {c.array("shape", shape)}));
}

LogicalResult expandAs(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0), other = imp.getTensor(node, 1);
  if (failed(x) || failed(other))
    return failure();
  return c.done(
      c.make<g::ExpandOp>({*x}, {c.array("shape", typeOf(*other).getShape())}));
}

/// aten::where(condition, x, y).
LogicalResult where(Importer &imp, Node *node) {
  Ctx c(imp, node);
  Type et = promote(imp, node, 1, 2);
  FailureOr<Value> cond = imp.getTensor(node, 0, c.b.getI1Type());
  FailureOr<Value> x = imp.getTensor(node, 1, et),
                   y = imp.getTensor(node, 2, et);
  if (failed(cond) || failed(x) || failed(y))
    return failure();
  return c.done(c.make<g::WhereOp>({*cond, *x, *y}));
}

/// aten::masked_fill(input, mask, value) = where(mask, value, input).
LogicalResult maskedFill(Importer &imp, Node *node) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  Type et = typeOf(*x).getElementType();
  FailureOr<Value> mask = imp.getTensor(node, 1, c.b.getI1Type());
  FailureOr<Value> value = imp.getTensor(node, 2, et);
  if (failed(mask) || failed(value))
    return failure();
  return c.done(c.make<g::WhereOp>({*mask, *value, *x}));
}

/// aten::masked_fill_: the traced code reads the mutated input afterwards.
LogicalResult maskedFillInPlace(Importer &imp, Node *node) {
  if (failed(maskedFill(imp, node)))
    return failure();
  imp.lookup(node->input(0)) = imp.lookup(node->output(0));
  return success();
}

/// aten::split(input, split_size or sizes, dim) / aten::chunk /
/// split_with_sizes.
LogicalResult splitInto(Importer &imp, Node *node, bool chunks) {
  Ctx c(imp, node);
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  auto arg = imp.getIntList(node, 1);
  std::optional<int64_t> dim = imp.getInt(node, 2);
  auto axis = dim ? g::normalizeAxis(*dim, typeOf(*x).getRank()) : std::nullopt;
  if (!arg || !axis)
    return c.fail("split sizes and dim must be constant and in range");
  int64_t total = typeOf(*x).getDimSize(*axis);
  SmallVector<int64_t> sizes;
  bool single = node->input(1)->type()->kind() == c10::TypeKind::IntType;
  if (single || chunks) {
    int64_t n = arg->front();
    if (n < 1)
      return c.fail("split size must be positive");
    // chunk(n) uses ceil(total / n)-sized pieces; split(s) pieces of size s.
    int64_t piece = chunks ? (total + n - 1) / n : n;
    for (int64_t done = 0; done < total; done += piece)
      sizes.push_back(std::min(piece, total - done));
  } else {
    sizes = *arg;
  }
  FailureOr<Operation *> op = g::createInferred(
      c.b, c.loc, g::SplitOp::getOperationName(), {*x},
      {c.i64("axis", *axis), c.array("sizes", sizes)}, sizes.size());
  if (failed(op))
    return failure();
  TorchValue list;
  list.kind = TorchValue::Kind::Sequence;
  for (Value r : (*op)->getResults())
    list.elements.push_back(TorchValue::ofTensor(r));
  imp.lookup(node->output(0)) = list;
  return success();
}
LogicalResult split(Importer &imp, Node *node) {
  return splitInto(imp, node, false);
}
LogicalResult chunk(Importer &imp, Node *node) {
  return splitInto(imp, node, true);
}

//===----------------------------------------------------------------------===//
// Structure: lists, tuples, sizes
//===----------------------------------------------------------------------===//

/// prim::ListConstruct / prim::TupleConstruct: an IValue when every member
/// is known at import, otherwise a sequence with runtime members.
LogicalResult construct(Importer &imp, Node *node) {
  bool allConstant = llvm::all_of(node->inputs(), [&](torch::jit::Value *v) {
    return imp.lookup(v).kind == TorchValue::Kind::Constant;
  });
  if (allConstant) {
    std::vector<c10::IValue> elements;
    for (torch::jit::Value *in : node->inputs())
      elements.push_back(imp.lookup(in).constant);
    if (node->kind() == c10::prim::TupleConstruct) {
      imp.setConstant(node, 0, c10::ivalue::Tuple::create(std::move(elements)));
      return success();
    }
    auto listType = node->output()->type()->cast<c10::ListType>();
    if (!listType)
      return imp.error(node, "unexpected list type");
    c10::impl::GenericList list(listType->getElementType());
    for (c10::IValue &e : elements)
      list.push_back(std::move(e));
    imp.setConstant(node, 0, c10::IValue(std::move(list)));
    return success();
  }
  TorchValue seq;
  seq.kind = TorchValue::Kind::Sequence;
  for (torch::jit::Value *in : node->inputs())
    seq.elements.push_back(imp.lookup(in));
  imp.lookup(node->output(0)) = seq;
  return success();
}

/// prim::DictConstruct(key0, value0, key1, value1, ...) with constant string
/// keys: the sequence of its values, in construction order, so that a dict
/// returned by the model (torchvision's segmentation models traced with
/// strict=False return {"out": ..., "aux": ...}) becomes one output per value.
LogicalResult dictConstruct(Importer &imp, Node *node) {
  if (node->inputs().size() % 2 != 0)
    return imp.error(node, "expects key / value pairs");
  TorchValue seq;
  seq.kind = TorchValue::Kind::Sequence;
  for (size_t i = 0; i < node->inputs().size(); i += 2) {
    const TorchValue &key = imp.lookup(node->inputs()[i]);
    if (key.kind != TorchValue::Kind::Constant || !key.constant.isString())
      return imp.error(node, "unsupported: dictionary keys must be constant strings");
    seq.elements.push_back(imp.lookup(node->inputs()[i + 1]));
  }
  imp.lookup(node->output(0)) = seq;
  return success();
}

/// Returns a constant list or tuple as a sequence of constants.
TorchValue asSequence(const TorchValue &v) {
  if (v.kind != TorchValue::Kind::Constant ||
      !(v.constant.isList() || v.constant.isTuple()))
    return v;
  TorchValue seq;
  seq.kind = TorchValue::Kind::Sequence;
  if (v.constant.isTuple())
    for (const c10::IValue &e : v.constant.toTupleRef().elements())
      seq.elements.push_back(TorchValue::ofConstant(e));
  else
    for (const c10::IValue &e : v.constant.toListRef())
      seq.elements.push_back(TorchValue::ofConstant(e));
  return seq;
}

/// prim::ListUnpack / prim::TupleUnpack.
LogicalResult unpack(Importer &imp, Node *node) {
  TorchValue seq = asSequence(imp.lookup(node->input(0)));
  if (seq.kind != TorchValue::Kind::Sequence ||
      seq.elements.size() != node->outputs().size())
    return imp.error(node, "cannot unpack this value");
  for (size_t i = 0; i < seq.elements.size(); ++i)
    imp.lookup(node->output(i)) = seq.elements[i];
  return success();
}

/// aten::__getitem__ / prim::TupleIndex with a constant index.
LogicalResult getItem(Importer &imp, Node *node) {
  TorchValue seq = asSequence(imp.lookup(node->input(0)));
  std::optional<int64_t> index = imp.getInt(node, 1);
  if (seq.kind != TorchValue::Kind::Sequence || !index)
    return imp.error(node, "indexing needs a list and a constant index");
  int64_t n = seq.elements.size();
  int64_t i = *index < 0 ? *index + n : *index;
  if (i < 0 || i >= n)
    return imp.error(node, "index " + Twine(*index) + " is out of range");
  imp.lookup(node->output(0)) = seq.elements[i];
  return success();
}

/// aten::size(input[, dim]), aten::dim, aten::numel on a runtime tensor:
/// static shapes make them constants.
LogicalResult size(Importer &imp, Node *node) {
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = typeOf(*x).getShape();
  if (node->inputs().size() == 1) {
    imp.setConstant(
        node, 0, c10::IValue(std::vector<int64_t>(shape.begin(), shape.end())));
    return success();
  }
  std::optional<int64_t> dim = imp.getInt(node, 1);
  auto axis = dim ? g::normalizeAxis(*dim, shape.size()) : std::nullopt;
  if (!axis)
    return imp.error(node, "dim must be constant and in range");
  imp.setConstant(node, 0, c10::IValue(shape[*axis]));
  return success();
}

LogicalResult dim(Importer &imp, Node *node) {
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  imp.setConstant(node, 0, c10::IValue(typeOf(*x).getRank()));
  return success();
}

LogicalResult numel(Importer &imp, Node *node) {
  FailureOr<Value> x = imp.getTensor(node, 0);
  if (failed(x))
    return failure();
  imp.setConstant(node, 0, c10::IValue(typeOf(*x).getNumElements()));
  return success();
}

} // namespace

void neuron::torchscript::detail::registerShapeHandlers(
    llvm::StringMap<Handler> &h) {
  h["aten::alpha_dropout"] = identity;
  h["aten::cat"] = cat;
  h["aten::chunk"] = chunk;
  h["aten::clone"] = identity;
  h["aten::contiguous"] = identity;
  h["aten::detach"] = identity;
  h["aten::dim"] = dim;
  h["aten::dropout"] = identity;
  h["aten::dropout_"] = identity; // In inference, in place or not, x.
  h["aten::embedding"] = embedding;
  h["aten::expand"] = expand;
  h["aten::expand_as"] = expandAs;
  h["aten::feature_dropout"] = identity;
  h["aten::flatten"] = flatten;
  h["aten::gather"] = gatherAlong<g::GatherElementsOp>;
  h["aten::index_select"] = gatherAlong<g::GatherOp>;
  h["aten::masked_fill"] = maskedFill;
  h["aten::masked_fill_"] = maskedFillInPlace;
  h["aten::numel"] = numel;
  h["aten::ones_like"] = onesLike;
  h["aten::permute"] = permute;
  h["aten::reshape"] = view;
  h["aten::select"] = select;
  h["aten::size"] = size;
  h["aten::slice"] = slice;
  h["aten::split"] = split;
  h["aten::split_with_sizes"] = split;
  h["aten::squeeze"] = squeeze;
  h["aten::stack"] = stack;
  h["aten::t"] = transpose;
  h["aten::to"] = to;
  h["aten::transpose"] = transpose;
  h["aten::type_as"] = typeAs;
  h["aten::unsqueeze"] = unsqueeze;
  h["aten::view"] = view;
  h["aten::where"] = where;
  h["aten::zeros_like"] = zerosLike;
  h["aten::__getitem__"] = getItem;
  h["prim::DictConstruct"] = dictConstruct;
  h["prim::ListConstruct"] = construct;
  h["prim::ListUnpack"] = unpack;
  h["prim::TupleConstruct"] = construct;
  h["prim::TupleIndex"] = getItem;
  h["prim::TupleUnpack"] = unpack;
}
