//===- OpHelpers.h - shared pieces of the operator handlers -------*- C++
//-*-===//
//
// Argument access, PyTorch type promotion and building helpers used by the
// handler files (TorchScriptOps.cpp, TorchScriptShapeOps.cpp). Private to
// this directory.
//
//===----------------------------------------------------------------------===//

#ifndef NEURON_LIB_IMPORT_TORCHSCRIPT_OPHELPERS_H
#define NEURON_LIB_IMPORT_TORCHSCRIPT_OPHELPERS_H

#include "Importer.h"

namespace neuron::torchscript::detail {

using namespace mlir;
namespace g = neuron::graph;
using torch::jit::Node;

/// Short names for building.
struct Ctx {
  Importer &imp;
  Node *node;
  Location loc;
  OpBuilder &b;
  Ctx(Importer &imp, Node *node)
      : imp(imp), node(node), loc(imp.getLoc(node)), b(imp.getBuilder()) {}

  NamedAttribute attr(StringRef name, Attribute value) {
    return b.getNamedAttr(name, value);
  }
  NamedAttribute i64(StringRef name, int64_t v) {
    return attr(name, b.getI64IntegerAttr(v));
  }
  NamedAttribute f32(StringRef name, double v) {
    return attr(name, b.getF32FloatAttr(v));
  }
  NamedAttribute array(StringRef name, ArrayRef<int64_t> v) {
    return attr(name, b.getDenseI64ArrayAttr(v));
  }
  NamedAttribute flag(StringRef name, bool v) {
    return attr(name, b.getBoolAttr(v));
  }

  template <typename OpTy>
  FailureOr<Value> make(ValueRange operands,
                        ArrayRef<NamedAttribute> attrs = {}) {
    return g::createInferred<OpTy>(b, loc, operands, attrs);
  }
  LogicalResult done(FailureOr<Value> v, size_t output = 0) {
    if (failed(v))
      return failure();
    imp.setTensor(node, output, *v);
    return success();
  }
  LogicalResult fail(const Twine &message) { return imp.error(node, message); }
};

/// In-place variants (relu_, add_) compute the same value; the importer
/// rebinds the mutated input to the result, as the traced code reads it.
template <Handler H> LogicalResult inPlace(Importer &imp, Node *node) {
  if (failed(H(imp, node)))
    return failure();
  imp.lookup(node->input(0)) = imp.lookup(node->output(0));
  return success();
}

inline RankedTensorType typeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Whether input `i` is a tensor with dimensions (not a Python scalar or a
/// 0-dim tensor, which do not decide the result dtype in PyTorch).
inline bool isDimensioned(Importer &imp, Node *node, size_t i) {
  TorchValue &v = imp.lookup(node->input(i));
  if (v.kind == TorchValue::Kind::Tensor)
    return typeOf(v.tensor).getRank() > 0;
  return v.kind == TorchValue::Kind::Constant && v.constant.isTensor() &&
         v.constant.toTensor().dim() > 0;
}

/// The element type input `i` would have, or null for non-numbers.
inline Type elementTypeOf(Importer &imp, Node *node, size_t i) {
  TorchValue &v = imp.lookup(node->input(i));
  Builder b(imp.getContext());
  if (v.kind == TorchValue::Kind::Tensor)
    return typeOf(v.tensor).getElementType();
  if (v.kind != TorchValue::Kind::Constant)
    return {};
  const c10::IValue &c = v.constant;
  if (c.isTensor()) {
    c10::ScalarType st = c.toTensor().scalar_type();
    return st == c10::ScalarType::Double ? b.getF32Type()
                                         : getElementType(imp.getContext(), st);
  }
  if (c.isDouble())
    return b.getF32Type();
  if (c.isInt())
    return b.getI64Type();
  if (c.isBool())
    return b.getI1Type();
  return {};
}

inline int floatRank(Type t) {
  return isa<FloatType>(t) ? 2 : t.isInteger(1) ? 0 : 1;
}

/// PyTorch type promotion for two operands: dimensioned tensors decide over
/// scalars and 0-dim tensors unless the scalar is of a higher category
/// (float over int over bool), in which case the default float32 is used.
inline Type promote(Importer &imp, Node *node, size_t a, size_t b) {
  Type ta = elementTypeOf(imp, node, a), tb = elementTypeOf(imp, node, b);
  if (!ta || !tb)
    return {};
  bool da = isDimensioned(imp, node, a), db = isDimensioned(imp, node, b);
  if (da != db) {
    Type tensor = da ? ta : tb, scalar = da ? tb : ta;
    if (floatRank(scalar) > floatRank(tensor))
      return isa<FloatType>(scalar) ? Builder(imp.getContext()).getF32Type()
                                    : scalar;
    return tensor;
  }
  if (ta == tb)
    return ta;
  if (floatRank(ta) != floatRank(tb))
    return floatRank(ta) > floatRank(tb) ? ta : tb;
  return ta.getIntOrFloatBitWidth() >= tb.getIntOrFloatBitWidth() ? ta : tb;
}

/// Builds a broadcasting binary op on inputs 0 and 1, promoted.

inline LogicalResult identity(Importer &imp, Node *node) {
  TorchValue v = imp.lookup(node->input(0));
  imp.lookup(node->output(0)) = v;
  return success();
}

/// Adds the handlers of TorchScriptShapeOps.cpp (views, indexing, lists,
/// sizes) to `handlers`.
void registerShapeHandlers(llvm::StringMap<Handler> &handlers);

/// Adds the handlers of TorchScriptCompositeOps.cpp (pad, native multi-head
/// attention) to `handlers`.
void registerCompositeHandlers(llvm::StringMap<Handler> &handlers);

} // namespace neuron::torchscript::detail

#endif // NEURON_LIB_IMPORT_TORCHSCRIPT_OPHELPERS_H
