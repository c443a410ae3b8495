//===- Stage.h - one prepared pipeline stage (internal) ---------*- C++ -*-===//
#ifndef NEURON_RUNTIME_LIB_STAGE_H
#define NEURON_RUNTIME_LIB_STAGE_H

#include "Kernels.h"
#include "neuron/runtime/Artifact.h"

#include <memory>
#include <vector>

namespace neuron::rt {

/// The mutable state of one in-flight request in one stage: its activation
/// arena and pointer scratch. A streaming pipeline gives each stage worker
/// as many contexts as requests it keeps in flight; Stage itself is const.
struct StageContext {
  std::shared_ptr<uint8_t> arena;
  std::vector<const void *> ptrs; ///< Per tensor id, resolved for this run.
  std::vector<const void *> opIn; ///< Scratch for one op's input pointers.
  std::vector<void *> opOut;
  /// Returns the address of stage output `i` after run().
  const void *output(const Stage &stage, size_t i) const;
};

/// A stage prepared once at load: kernels created, constants bound. run()
/// allocates nothing and may be called from any one thread at a time per
/// context.
class Stage {
public:
  /// With `copyWeights`, the stage's weights are copied into memory
  /// allocated and first touched by the calling thread (a pipeline worker
  /// pinned to its core) instead of being read from the file mapping.
  Stage(std::shared_ptr<const Artifact> artifact, uint32_t index,
        const LoadOptions &options, const std::shared_ptr<DnnlEnv> &dnnl,
        bool copyWeights = false);
  const StageDesc &desc() const { return *desc_; }
  /// Makes a context with its own arena.
  std::unique_ptr<StageContext> makeContext() const;
  /// Runs the program: `inputs[i]` is the data of stage input i.
  void run(const void *const *inputs, StageContext &ctx) const;
  /// Backend used for op i ("reference" / "onednn").
  const char *backend(size_t op) const { return kernels_[op]->backend(); }

private:
  std::shared_ptr<const Artifact> artifact_;
  const StageDesc *desc_;
  /// Kept alive for the kernels, which refer to its engine and stream
  /// (declared before kernels_ so that it is destroyed after them).
  std::shared_ptr<DnnlEnv> dnnl_;
  std::vector<const void *> fixed_; ///< Weight / constant addresses.
  std::shared_ptr<uint8_t> weightCopy_; ///< copyWeights: the stage's own weights.
  std::vector<std::unique_ptr<Kernel>> kernels_;
  size_t maxIn_ = 0, maxOut_ = 0;
};

} // namespace neuron::rt

#endif // NEURON_RUNTIME_LIB_STAGE_H
