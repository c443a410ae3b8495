//===- Stage.h - one prepared pipeline stage (internal) ---------*- C++ -*-===//
#ifndef NEURON_RUNTIME_LIB_STAGE_H
#define NEURON_RUNTIME_LIB_STAGE_H

#include "Kernels.h"
#include "StagePlan.h"
#include "neuron/runtime/Artifact.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace neuron::rt {

class Stage;

/// The mutable state of one in-flight request in one stage: its activation
/// arena and pointer scratch. A streaming pipeline gives each stage worker
/// as many contexts as requests it keeps in flight; Stage itself is const.
struct StageContext {
  std::shared_ptr<uint8_t> arena;
  std::vector<const void *> ptrs; ///< Per planned tensor id, for this run.
  std::vector<const void *> opIn; ///< Scratch for one kernel's input pointers.
  std::vector<void *> opOut;
  /// Returns the address of stage output `i` after run().
  const void *output(const Stage &stage, size_t i) const;
};

/// A stage prepared once at load: its program planned (StagePlan.h), kernels
/// created, constants bound. run() allocates nothing and may be called from
/// any one thread at a time per context.
class Stage {
public:
  /// With `copyWeights`, the stage's weights are copied into memory
  /// allocated and first touched by the calling thread (a pipeline worker
  /// pinned to its core) instead of being read from the file mapping.
  Stage(std::shared_ptr<const Artifact> artifact, uint32_t index,
        const LoadOptions &options, const std::shared_ptr<DnnlEnv> &dnnl,
        bool copyWeights = false);
  ~Stage();
  const StageDesc &desc() const { return *desc_; }
  /// Makes a context with its own arena.
  std::unique_ptr<StageContext> makeContext() const;
  /// Runs the program: `inputs[i]` is the data of stage input i.
  void run(const void *const *inputs, StageContext &ctx) const;
  /// Backend used for op i ("reference", "onednn", or "view" when the op
  /// became an alias of its input).
  const char *backend(size_t op) const { return plan_.opBackend[op]; }
  /// One line per kernel run, in order: the ops it computes and its layout.
  std::vector<std::string> planDescription() const;
  /// The bytes of one context's arena.
  uint64_t arenaSize() const { return plan_.arenaSize; }

private:
  std::shared_ptr<const Artifact> artifact_;
  const StageDesc *desc_;
  /// Kept alive for the kernels, which refer to its engine and stream
  /// (declared before plan_ so that it is destroyed after them).
  std::shared_ptr<DnnlEnv> dnnl_;
  std::shared_ptr<uint8_t> weightCopy_; ///< copyWeights: the stage's own weights.
  StagePlan plan_;
  size_t maxIn_ = 0, maxOut_ = 0;
  /// NEURON_RT_PROFILE=1: CPU nanoseconds spent in each kernel, summed
  /// over runs and printed to stderr when the stage is destroyed.
  bool profile_ = false, profileSteps_ = false;
  std::unique_ptr<std::atomic<uint64_t>[]> profileNs_;
  mutable std::atomic<uint64_t> profileRuns_{0};
};

} // namespace neuron::rt

#endif // NEURON_RUNTIME_LIB_STAGE_H
