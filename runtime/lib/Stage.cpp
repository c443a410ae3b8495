//===- Stage.cpp - preparing and running one stage ------------------------===//
#include "Stage.h"

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

namespace neuron::rt {

/// CPU time of the calling thread: kernels run on it (one oneDNN thread per
/// worker), and unlike wall time it does not count time other processes
/// took the CPU away.
static uint64_t threadCpuNs() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return uint64_t(t.tv_sec) * 1000000000u + uint64_t(t.tv_nsec);
}

Stage::Stage(std::shared_ptr<const Artifact> artifact, uint32_t index,
             const LoadOptions &options, const std::shared_ptr<DnnlEnv> &dnnl,
             bool copyWeights)
    : artifact_(std::move(artifact)), desc_(&artifact_->model().stages.at(index)),
      dnnl_(dnnl) {
  const StageDesc &s = *desc_;
  std::vector<const void *> fixed(s.tensors.size(), nullptr);
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
      fixed[i] = dst;
      copyOffset += (t.size + 63) / 64 * 64;
    } else if (t.kind == TensorKind::Weight) {
      fixed[i] = artifact_->weightData(t);
    } else if (t.kind == TensorKind::Constant) {
      fixed[i] = t.data.data();
    }
  }
  bool useDnnl = options.backend == KernelBackend::Auto && dnnl;
  plan_ = planStage(s, fixed, useDnnl ? dnnl.get() : nullptr);
  for (const PlanStep &step : plan_.steps) {
    maxIn_ = std::max(maxIn_, step.inputs.size());
    maxOut_ = std::max(maxOut_, step.outputs.size());
  }
  const char *prof = std::getenv("NEURON_RT_PROFILE");
  profile_ = prof && *prof && std::strcmp(prof, "0") != 0;
  profileSteps_ = profile_ && std::strcmp(prof, "2") == 0;
  if (profile_) {
    profileNs_ = std::make_unique<std::atomic<uint64_t>[]>(plan_.steps.size());
    for (size_t i = 0; i < plan_.steps.size(); ++i)
      profileNs_[i] = 0;
  }
}

Stage::~Stage() {
  uint64_t runs = profileRuns_.load();
  if (!profile_ || !runs)
    return;
  // Per kernel label (the ops it computes), milliseconds per run.
  std::map<std::string, std::pair<uint64_t, size_t>> byLabel;
  uint64_t total = 0;
  for (size_t i = 0; i < plan_.steps.size(); ++i) {
    // NEURON_RT_PROFILE=2: one row per step instead of per kind of step.
    std::string label = plan_.steps[i].label + " " + plan_.steps[i].kernel->implementation();
    if (profileSteps_)
      label = "#" + std::to_string(i) + " " + label;
    auto &e = byLabel[label];
    e.first += profileNs_[i];
    e.second += 1;
    total += profileNs_[i];
  }
  std::vector<std::pair<std::string, std::pair<uint64_t, size_t>>> rows(byLabel.begin(),
                                                                        byLabel.end());
  std::sort(rows.begin(), rows.end(),
            [](const auto &a, const auto &b) { return a.second.first > b.second.first; });
  std::fprintf(stderr, "neuron profile: stage %u, %llu runs, %.3f CPU ms per run in %zu kernels\n",
               desc_->index, static_cast<unsigned long long>(runs), total / 1e6 / runs,
               plan_.steps.size());
  std::fprintf(stderr, "  %10s %6s %6s  %s\n", "cpu ms/run", "%", "count", "kernel");
  for (const auto &[label, e] : rows)
    std::fprintf(stderr, "  %10.3f %6.1f %6zu  %s\n", e.first / 1e6 / runs,
                 total ? 100.0 * e.first / total : 0.0, e.second, label.c_str());
}

std::unique_ptr<StageContext> Stage::makeContext() const {
  auto ctx = std::make_unique<StageContext>();
  uint64_t size = (plan_.arenaSize + 63) / 64 * 64;
  void *p = std::aligned_alloc(64, size ? size : 64);
  if (!p)
    throw Error("stage " + std::to_string(desc_->index) + ": cannot allocate a " +
                std::to_string(plan_.arenaSize) + "-byte arena");
  // Zero-filling is the first touch: the calling thread (a pinned worker)
  // places the pages.
  std::memset(p, 0, size ? size : 64);
  ctx->arena = std::shared_ptr<uint8_t>(static_cast<uint8_t *>(p),
                                        [](uint8_t *q) { std::free(q); });
  ctx->ptrs.assign(plan_.slots.size(), nullptr);
  for (size_t i = 0; i < plan_.slots.size(); ++i) {
    const PlanSlot &sl = plan_.slots[i];
    if (sl.where == PlanSlot::Fixed)
      ctx->ptrs[i] = sl.fixed;
    else if (sl.where == PlanSlot::Arena)
      ctx->ptrs[i] = ctx->arena.get() + sl.offset;
  }
  for (size_t i = 0; i < plan_.slots.size(); ++i)
    if (plan_.slots[i].where == PlanSlot::Alias)
      ctx->ptrs[i] = ctx->ptrs[plan_.slots[i].aliasOf];
  ctx->opIn.resize(maxIn_);
  ctx->opOut.resize(maxOut_);
  return ctx;
}

void Stage::run(const void *const *inputs, StageContext &ctx) const {
  const StageDesc &s = *desc_;
  for (size_t i = 0; i < s.inputs.size(); ++i)
    ctx.ptrs[s.inputs[i]] = inputs[i];
  // Views of stage inputs follow them.
  for (size_t i = 0; i < plan_.slots.size(); ++i)
    if (plan_.slots[i].where == PlanSlot::Alias &&
        plan_.slots[plan_.slots[i].aliasOf].where == PlanSlot::Input)
      ctx.ptrs[i] = ctx.ptrs[plan_.slots[i].aliasOf];
  for (size_t si = 0; si < plan_.steps.size(); ++si) {
    const PlanStep &step = plan_.steps[si];
    for (size_t i = 0; i < step.inputs.size(); ++i)
      ctx.opIn[i] = ctx.ptrs[step.inputs[i]];
    for (size_t i = 0; i < step.outputs.size(); ++i)
      ctx.opOut[i] = const_cast<void *>(ctx.ptrs[step.outputs[i]]);
    uint64_t start = profile_ ? threadCpuNs() : 0;
    try {
      step.kernel->run(ctx.opIn.data(), ctx.opOut.data());
    } catch (const std::exception &e) {
      uint32_t oi = step.sources.empty() ? 0 : step.sources[0];
      throw Error("stage " + std::to_string(s.index) + " op " + std::to_string(oi) + " '" +
                  step.label + "': " + e.what());
    }
    if (profile_)
      profileNs_[si] += threadCpuNs() - start;
  }
  if (profile_)
    ++profileRuns_;
}

std::vector<std::string> Stage::planDescription() const {
  std::vector<std::string> lines;
  for (const PlanStep &step : plan_.steps) {
    std::string backend = step.kernel->backend(), impl = step.kernel->implementation();
    lines.push_back(step.label + " (" + backend + (impl != backend ? " " + impl : "") + ")");
  }
  return lines;
}

const void *StageContext::output(const Stage &stage, size_t i) const {
  return ptrs[stage.desc().outputs[i]];
}

} // namespace neuron::rt
