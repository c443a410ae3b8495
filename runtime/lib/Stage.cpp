//===- Stage.cpp - preparing and running one stage ------------------------===//
#include "Stage.h"

#include <cstdlib>
#include <cstring>

namespace neuron::rt {

Stage::Stage(std::shared_ptr<const Artifact> artifact, uint32_t index,
             const LoadOptions &options, const std::shared_ptr<DnnlEnv> &dnnl,
             bool copyWeights)
    : artifact_(std::move(artifact)), desc_(&artifact_->model().stages.at(index)),
      dnnl_(dnnl) {
  const StageDesc &s = *desc_;
  fixed_.assign(s.tensors.size(), nullptr);
  uint64_t copyBytes = 0;
  if (copyWeights)
    for (const StageTensor &t : s.tensors)
      if (t.kind == TensorKind::Weight)
        copyBytes += (t.size + 63) / 64 * 64;
  if (copyBytes) {
    void *p = std::aligned_alloc(64, copyBytes);
    if (!p)
      throw Error("stage " + std::to_string(s.index) + ": cannot allocate " +
                  std::to_string(copyBytes) + " bytes for its weights");
    weightCopy_ = std::shared_ptr<uint8_t>(static_cast<uint8_t *>(p),
                                           [](uint8_t *q) { std::free(q); });
  }
  uint64_t copyOffset = 0;
  for (size_t i = 0; i < s.tensors.size(); ++i) {
    const StageTensor &t = s.tensors[i];
    if (t.kind == TensorKind::Weight && weightCopy_) {
      // The memcpy is the first touch: the pages land near this thread's core.
      uint8_t *dst = weightCopy_.get() + copyOffset;
      std::memcpy(dst, artifact_->weightData(t), t.size);
      fixed_[i] = dst;
      copyOffset += (t.size + 63) / 64 * 64;
    } else if (t.kind == TensorKind::Weight) {
      fixed_[i] = artifact_->weightData(t);
    } else if (t.kind == TensorKind::Constant) {
      fixed_[i] = t.data.data();
    }
  }
  for (const OpDesc &op : s.ops) {
    OpInfo info;
    info.kind = op.kind;
    info.name = op.name;
    info.attrs = op.attrs;
    std::vector<const void *> constIn;
    for (uint32_t id : op.inputs) {
      info.in.push_back(s.tensors[id].type);
      constIn.push_back(fixed_[id]);
    }
    for (uint32_t id : op.outputs)
      info.out.push_back(s.tensors[id].type);
    info.attrs.castTo = info.out[0].dtype;
    if (op.kind == OpKind::Reshape)
      info.attrs.shape = info.out[0].shape;
    std::unique_ptr<Kernel> kernel;
    if (options.backend == KernelBackend::Auto && dnnl) {
      try {
        kernel = makeDnnlKernel(info, constIn, *dnnl);
      } catch (const std::exception &e) {
        // oneDNN may reject an unusual configuration: fall back.
        kernel = nullptr;
      }
    }
    if (!kernel)
      kernel = makeReferenceKernel(std::move(info));
    kernels_.push_back(std::move(kernel));
    maxIn_ = std::max(maxIn_, op.inputs.size());
    maxOut_ = std::max(maxOut_, op.outputs.size());
  }
}

std::unique_ptr<StageContext> Stage::makeContext() const {
  auto ctx = std::make_unique<StageContext>();
  uint64_t size = (desc_->arenaSize + 63) / 64 * 64;
  void *p = std::aligned_alloc(64, size ? size : 64);
  if (!p)
    throw Error("stage " + std::to_string(desc_->index) + ": cannot allocate a " +
                std::to_string(desc_->arenaSize) + "-byte arena");
  // Zero-filling is the first touch: the calling thread (a pinned worker)
  // places the pages.
  std::memset(p, 0, size ? size : 64);
  ctx->arena = std::shared_ptr<uint8_t>(static_cast<uint8_t *>(p),
                                        [](uint8_t *q) { std::free(q); });
  ctx->ptrs = fixed_;
  for (size_t i = 0; i < desc_->tensors.size(); ++i)
    if (desc_->tensors[i].kind == TensorKind::Arena)
      ctx->ptrs[i] = ctx->arena.get() + desc_->tensors[i].offset;
  ctx->opIn.resize(maxIn_);
  ctx->opOut.resize(maxOut_);
  return ctx;
}

void Stage::run(const void *const *inputs, StageContext &ctx) const {
  const StageDesc &s = *desc_;
  for (size_t i = 0; i < s.inputs.size(); ++i)
    ctx.ptrs[s.inputs[i]] = inputs[i];
  for (size_t oi = 0; oi < s.ops.size(); ++oi) {
    const OpDesc &op = s.ops[oi];
    for (size_t i = 0; i < op.inputs.size(); ++i)
      ctx.opIn[i] = ctx.ptrs[op.inputs[i]];
    for (size_t i = 0; i < op.outputs.size(); ++i)
      ctx.opOut[i] = const_cast<void *>(ctx.ptrs[op.outputs[i]]);
    try {
      kernels_[oi]->run(ctx.opIn.data(), ctx.opOut.data());
    } catch (const Error &e) {
      throw Error("stage " + std::to_string(s.index) + " op " + std::to_string(oi) +
                  " '" + opKindName(op.kind) + "': " + e.what());
    } catch (const std::exception &e) {
      throw Error("stage " + std::to_string(s.index) + " op " + std::to_string(oi) +
                  " '" + opKindName(op.kind) + "' failed: " + e.what());
    }
  }
}

const void *StageContext::output(const Stage &stage, size_t i) const {
  return ptrs[stage.desc().outputs[i]];
}

} // namespace neuron::rt
