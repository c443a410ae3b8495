//===- Kernels.cpp - reference kernel dispatch ----------------------------===//
#include "Kernels.h"

#include <cstdlib>
#include <string>

namespace neuron::rt {

void runReference(const OpInfo &op, const void *const *in, void *const *out) {
  if (isBinary(op.kind))
    return refBinary(op, in, out);
  if (isUnary(op.kind))
    return refUnary(op, in, out);
  switch (op.kind) {
  case OpKind::Cast: return refCast(op, in, out);
  case OpKind::Where: return refWhere(op, in, out);
  case OpKind::MatMul: return refMatMul(op, in, out);
  case OpKind::Gemm: return refGemm(op, in, out);
  case OpKind::Conv: return refConv(op, in, out);
  case OpKind::BatchNorm: return refBatchNorm(op, in, out);
  case OpKind::LayerNorm: return refLayerNorm(op, in, out);
  case OpKind::Softmax: return refSoftmax(op, in, out);
  case OpKind::MaxPool:
  case OpKind::AveragePool: return refPool(op, in, out);
  case OpKind::GlobalAveragePool: return refGlobalAveragePool(op, in, out);
  case OpKind::ReduceMean:
  case OpKind::ReduceSum:
  case OpKind::ReduceMax: return refReduce(op, in, out);
  case OpKind::ArgMax:
  case OpKind::ArgMin: return refArgReduce(op, in, out);
  case OpKind::Reshape:
  case OpKind::Flatten:
  case OpKind::Squeeze:
  case OpKind::Unsqueeze: return refCopy(op, in, out);
  case OpKind::Transpose: return refTranspose(op, in, out);
  case OpKind::Concat: return refConcat(op, in, out);
  case OpKind::Split: return refSplit(op, in, out);
  case OpKind::Slice: return refSlice(op, in, out);
  case OpKind::Gather: return refGather(op, in, out);
  case OpKind::GatherElements: return refGatherElements(op, in, out);
  case OpKind::Expand: return refExpand(op, in, out);
  default: break;
  }
  throw Error(std::string("no reference kernel for '") + opKindName(op.kind) + "'");
}

namespace {
class ReferenceKernel final : public Kernel {
public:
  explicit ReferenceKernel(OpInfo op) : op_(std::move(op)) {}
  void run(const void *const *in, void *const *out) override {
    runReference(op_, in, out);
  }
  const char *backend() const override { return "reference"; }

private:
  OpInfo op_;
};
} // namespace

std::unique_ptr<Kernel> makeReferenceKernel(OpInfo op) {
  return std::make_unique<ReferenceKernel>(std::move(op));
}

#ifndef NEURON_RUNTIME_HAVE_DNNL
struct DnnlEnv {};
std::shared_ptr<DnnlEnv> makeDnnlEnv(int) { return nullptr; }
void enterDnnlThread(DnnlEnv &) {}
std::unique_ptr<Kernel> makeDnnlKernel(const OpInfo &, const std::vector<const void *> &,
                                       DnnlEnv &, bool) {
  return nullptr;
}
#endif

bool rewriteDisabled(const char *what) {
  const char *env = std::getenv("NEURON_RT_DISABLE");
  if (!env)
    return false;
  static const char *const known[] = {"fusion", "transposes", "layouts",
                                      "blocked", "views",      "winograd"};
  bool found = false;
  std::string list = env;
  for (size_t start = 0; start <= list.size();) {
    size_t end = std::min(list.find(',', start), list.size());
    std::string item = list.substr(start, end - start);
    start = end + 1;
    if (item.empty())
      continue;
    if (std::find(std::begin(known), std::end(known), item) == std::end(known))
      throw Error("NEURON_RT_DISABLE: unknown rewrite '" + item +
                  "' (expected a comma-separated list of fusion, transposes, layouts, "
                  "blocked, views, winograd)");
    found = found || item == what;
  }
  return found;
}

} // namespace neuron::rt
