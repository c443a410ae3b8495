//===- AutoCast.cpp - compute matrix-engine or all float ops in bf16 ------===//
//
// neuron-auto-cast: neuronx-cc's --auto-cast. `matmult` wraps each f32
// matmul/gemm/conv in casts to bf16 and back; `all` retypes the whole function
// body to bf16 behind casts at its arguments and results. f32 weights and
// constants that end up read as bf16 are converted at compile time, so the
// artifact stores them in half the bytes.
//
//===----------------------------------------------------------------------===//

#include "neuron/Transforms/Passes.h"

#include "neuron/Dialect/Graph/IR/GraphOps.h"
#include "neuron/Dialect/Pipe/IR/PipeOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

namespace neuron {
#define GEN_PASS_DEF_NEURONAUTOCAST
#include "neuron/Transforms/Passes.h.inc"
} // namespace neuron

using namespace mlir;
using namespace neuron;

namespace {

/// Rounds an f32 to bf16 bits: nearest even, NaN stays a quiet NaN. This is
/// what PyTorch's `.to(torch.bfloat16)` and the runtime's kernels do.
uint16_t toBf16Bits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((bits >> 16) | 0x40);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

bool isF32Tensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getElementType().isF32();
}

/// `type` (an f32 tensor) with bf16 elements.
RankedTensorType toBf16Type(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return RankedTensorType::get(tensor.getShape(),
                               BFloat16Type::get(type.getContext()));
}

/// Converts an f32 elements attribute (dense or dense_resource) to bf16.
/// dense_resource data stays a resource blob, so large weights are not
/// uniqued into the context.
FailureOr<ElementsAttr> convertToBf16(Operation *op, ElementsAttr value) {
  RankedTensorType type = toBf16Type(value.getType());
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (dense.isSplat()) {
      uint16_t bits = toBf16Bits(dense.getSplatValue<float>());
      APFloat splat(APFloat::BFloat(), APInt(16, bits));
      return cast<ElementsAttr>(DenseElementsAttr::get(type, splat));
    }
    ArrayRef<char> raw = dense.getRawData();
    std::vector<uint16_t> converted(raw.size() / sizeof(float));
    for (size_t i = 0; i < converted.size(); ++i) {
      float f;
      std::memcpy(&f, raw.data() + i * sizeof(float), sizeof(float));
      converted[i] = toBf16Bits(f);
    }
    ArrayRef<char> bytes(reinterpret_cast<const char *>(converted.data()),
                         converted.size() * sizeof(uint16_t));
    return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, bytes));
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(value);
  if (!resource)
    return op->emitError("cannot convert a ")
           << value << " value to bf16: unsupported attribute kind";
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return op->emitError("cannot convert weight data (resource '")
           << resource.getRawHandle().getKey() << "') to bf16: it is missing";
  ArrayRef<char> data = blob->getData();
  int64_t count = type.getNumElements();
  if (data.size() != static_cast<size_t>(count) * sizeof(float))
    return op->emitError("weight data has ")
           << data.size() << " bytes, expected "
           << count * static_cast<int64_t>(sizeof(float));
  AsmResourceBlob converted = HeapAsmResourceBlob::allocate(
      count * sizeof(uint16_t), /*align=*/64, /*dataIsMutable=*/true);
  MutableArrayRef<char> out = converted.getMutableData();
  for (int64_t i = 0; i < count; ++i) {
    float f;
    std::memcpy(&f, data.data() + i * sizeof(float), sizeof(float));
    uint16_t bits = toBf16Bits(f);
    std::memcpy(out.data() + i * sizeof(uint16_t), &bits, sizeof(bits));
  }
  // The blob manager makes the key unique if it is taken.
  std::string key = (resource.getRawHandle().getKey() + "_bf16").str();
  return cast<ElementsAttr>(
      DenseResourceElementsAttr::get(type, key, std::move(converted)));
}

/// Ops that run on the matrix engine, which `matmult` computes in bf16.
bool isMatrixEngineOp(Operation *op) {
  return isa<graph::MatMulOp, graph::GemmOp, graph::ConvOp>(op);
}

struct NeuronAutoCastPass final
    : neuron::impl::NeuronAutoCastBase<NeuronAutoCastPass> {
  using Base::Base;
  void runOnOperation() override;

private:
  LogicalResult castMatMult(func::FuncOp func);
  LogicalResult castAll(func::FuncOp func);
  /// Replaces each f32->bf16 cast of a weight or constant by a bf16 weight or
  /// constant.
  LogicalResult foldConstantCasts(func::FuncOp func);
};

} // namespace

LogicalResult NeuronAutoCastPass::castMatMult(func::FuncOp func) {
  SmallVector<Operation *> targets;
  func.walk([&](Operation *op) {
    if (isMatrixEngineOp(op) &&
        llvm::all_of(op->getOperandTypes(), isF32Tensor) &&
        llvm::all_of(op->getResultTypes(), isF32Tensor))
      targets.push_back(op);
  });

  OpBuilder builder(func.getContext());
  // The bf16 form of each f32 value, so a value read by several ops (q, k
  // and v projections of one input) is cast once, and a result cast back to
  // f32 feeds the next matrix op as the bf16 value it was.
  DenseMap<Value, Value> bf16Of;
  SmallVector<graph::CastOp> castsBack;
  // Casts go right before the first reader (targets are in program order),
  // not after the definition, so the bf16 copy does not stay live (and cross
  // stage boundaries) longer than needed.
  auto bf16Value = [&](Value value, Operation *reader) -> Value {
    if (Value known = bf16Of.lookup(value))
      return known;
    Value result;
    if (auto cast = value.getDefiningOp<graph::CastOp>();
        cast && cast.getInput().getType() == toBf16Type(value.getType())) {
      // bf16 -> f32 is exact, so its source is the value's bf16 form.
      result = cast.getInput();
    } else {
      builder.setInsertionPoint(reader);
      result = graph::CastOp::create(builder, value.getLoc(),
                                     toBf16Type(value.getType()), value);
      ++numCastsInserted;
    }
    bf16Of[value] = result;
    return result;
  };

  for (Operation *op : targets) {
    for (OpOperand &operand : op->getOpOperands())
      operand.set(bf16Value(operand.get(), op));
    for (OpResult result : op->getResults()) {
      Type f32Type = result.getType();
      result.setType(toBf16Type(f32Type));
      builder.setInsertionPointAfter(op);
      auto back = graph::CastOp::create(builder, op->getLoc(), f32Type, result);
      ++numCastsInserted;
      result.replaceAllUsesExcept(back, back);
      bf16Of[back] = result;
      castsBack.push_back(back);
    }
    ++numOpsCast;
  }
  // A cast back whose every reader now takes the bf16 value is dead.
  for (graph::CastOp back : castsBack)
    if (back->use_empty()) {
      back->erase();
      --numCastsInserted;
    }
  return foldConstantCasts(func);
}

LogicalResult NeuronAutoCastPass::foldConstantCasts(func::FuncOp func) {
  SmallVector<graph::CastOp> casts;
  func.walk([&](graph::CastOp cast) {
    Operation *source = cast.getInput().getDefiningOp();
    if (isa_and_present<graph::WeightOp, graph::ConstantOp>(source) &&
        isF32Tensor(cast.getInput().getType()) &&
        cast.getType() == toBf16Type(cast.getInput().getType()))
      casts.push_back(cast);
  });
  OpBuilder builder(func.getContext());
  for (graph::CastOp castOp : casts) {
    Operation *source = castOp.getInput().getDefiningOp();
    bool onlyReader = castOp.getInput().hasOneUse();
    auto value = cast<ElementsAttr>(source->getAttr("value"));
    FailureOr<ElementsAttr> converted = convertToBf16(source, value);
    if (failed(converted))
      return failure();
    Value replacement;
    if (onlyReader) {
      // Nothing else reads the f32 data: convert in place, keeping the name.
      source->setAttr("value", *converted);
      source->getResult(0).setType(castOp.getType());
      replacement = source->getResult(0);
    } else {
      builder.setInsertionPointAfter(source);
      if (auto weight = dyn_cast<graph::WeightOp>(source))
        replacement = graph::WeightOp::create(
            builder, source->getLoc(), castOp.getType(),
            builder.getStringAttr(weight.getName() + ".bf16"), *converted);
      else
        replacement = graph::ConstantOp::create(builder, source->getLoc(),
                                                castOp.getType(), *converted);
    }
    castOp.getResult().replaceAllUsesWith(replacement);
    castOp->erase();
    --numCastsInserted;
    ++numWeightsConverted;
  }
  return success();
}

LogicalResult NeuronAutoCastPass::castAll(func::FuncOp func) {
  Block &entry = func.getBody().front();
  auto *graphDialect =
      func.getContext()->getLoadedDialect<graph::GraphDialect>();
  for (Operation &op : entry.without_terminator())
    if (op.getDialect() != graphDialect)
      return op.emitOpError("cannot be auto-cast: only graph ops are "
                            "retyped to bf16");

  OpBuilder builder = OpBuilder::atBlockBegin(&entry);
  SmallPtrSet<Operation *, 8> entryCasts;
  for (BlockArgument arg : entry.getArguments()) {
    if (!isF32Tensor(arg.getType()) || arg.use_empty())
      continue;
    auto cast = graph::CastOp::create(builder, arg.getLoc(),
                                      toBf16Type(arg.getType()), arg);
    ++numCastsInserted;
    arg.replaceAllUsesExcept(cast, cast);
    entryCasts.insert(cast);
  }

  SmallVector<graph::CastOp> identities;
  for (Operation &op : entry.without_terminator()) {
    if (entryCasts.contains(&op))
      continue;
    if (isa<graph::WeightOp, graph::ConstantOp>(op)) {
      if (!isF32Tensor(op.getResult(0).getType()))
        continue;
      FailureOr<ElementsAttr> converted =
          convertToBf16(&op, cast<ElementsAttr>(op.getAttr("value")));
      if (failed(converted))
        return failure();
      op.setAttr("value", *converted);
      op.getResult(0).setType(converted->getType());
      ++numWeightsConverted;
      continue;
    }
    bool retyped = false;
    for (OpResult result : op.getResults())
      if (isF32Tensor(result.getType())) {
        result.setType(toBf16Type(result.getType()));
        retyped = true;
      }
    if (retyped)
      ++numOpsCast;
    // A cast to f32 of a value that is now bf16 (or of a bf16 input) is an
    // identity.
    if (auto cast = dyn_cast<graph::CastOp>(op);
        cast && cast.getInput().getType() == cast.getType())
      identities.push_back(cast);
  }
  for (graph::CastOp cast : identities) {
    cast.getResult().replaceAllUsesWith(cast.getInput());
    cast->erase();
  }

  Operation *terminator = entry.getTerminator();
  builder.setInsertionPoint(terminator);
  ArrayRef<Type> resultTypes = func.getFunctionType().getResults();
  for (OpOperand &operand : terminator->getOpOperands()) {
    Type expected = resultTypes[operand.getOperandNumber()];
    if (operand.get().getType() == expected)
      continue;
    auto back = graph::CastOp::create(builder, operand.get().getLoc(), expected,
                                      operand.get());
    ++numCastsInserted;
    operand.set(back);
  }
  return success();
}

void NeuronAutoCastPass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (type != "bf16") {
    if (type == "fp16" || type == "tf32" || type == "fp8_e4m3")
      func.emitError("auto-cast type '")
          << type << "' is not supported; only bf16 is";
    else
      func.emitError("unknown auto-cast type '")
          << type
          << "'; expected bf16 (fp16, tf32 and fp8_e4m3 are not "
             "supported)";
    return signalPassFailure();
  }
  if (mode != "none" && mode != "matmult" && mode != "all") {
    func.emitError("unknown auto-cast mode '")
        << mode << "'; expected none, matmult or all";
    return signalPassFailure();
  }
  if (mode == "none" || func.isExternal())
    return;
  if (!func.getOps<pipe::PipelineOp>().empty()) {
    func.emitError("auto-cast runs before partitioning; this function is "
                   "already a pipe.pipeline");
    return signalPassFailure();
  }
  if (failed(mode == "matmult" ? castMatMult(func) : castAll(func)))
    return signalPassFailure();
}
