//===- StagePlan.h - load-time optimization of a stage (internal) -*- C++ -*-===//
//
// The artifact's stage program is the compiler's op list with the compiler's
// arena layout. At load the runtime rewrites it for the kernels this host
// has, the way an inference engine's session initialization does:
//   * fusion: a MatMul / Gemm / Conv absorbs the elementwise ops that follow
//     it (bias, activation, residual add, scaling) as oneDNN post-ops, and a
//     Conv absorbs a following inference BatchNorm into its weights;
//   * layout: 4-D activations between convolutions are kept channels-last
//     (NHWC), where oneDNN's convolutions are fastest, with reorders inserted
//     at the borders (stage inputs and outputs stay in the graph's NCHW);
//   * views: Reshape / Flatten / Squeeze / Unsqueeze become aliases of their
//     input instead of copies;
//   * the arena is planned again for the tensors that remain.
// Only the oneDNN backend fuses and changes layouts; the reference backend
// runs the ops as written (it is the oracle the tests compare against).
//
//===----------------------------------------------------------------------===//
#ifndef NEURON_RUNTIME_LIB_STAGEPLAN_H
#define NEURON_RUNTIME_LIB_STAGEPLAN_H

#include "Kernels.h"
#include "neuron/runtime/Manifest.h"

#include <memory>
#include <string>
#include <vector>

namespace neuron::rt {

/// Where a planned tensor's bytes are at run time.
struct PlanSlot {
  enum Where : uint8_t { Input, Fixed, Arena, Alias } where = Arena;
  uint32_t inputIndex = 0; ///< Input: position among the stage inputs.
  const void *fixed = nullptr; ///< Fixed: weight, constant or owned buffer.
  uint64_t offset = 0;     ///< Arena: byte offset.
  uint32_t aliasOf = 0;    ///< Alias: the tensor whose bytes these are.
};

/// One kernel of the planned program.
struct PlanStep {
  std::unique_ptr<Kernel> kernel;
  std::vector<uint32_t> inputs, outputs; ///< Planned tensor ids.
  std::vector<uint32_t> sources; ///< The stage's op indices it computes.
  std::string label;             ///< e.g. "conv+batch_norm+relu [nhwc]".
};

/// A planned stage. Tensor ids below the stage's tensor count are the
/// artifact's; later ones are the planner's (folded weights, reorders).
struct StagePlan {
  std::vector<PlanSlot> slots;
  std::vector<PlanStep> steps;
  uint64_t arenaSize = 0;
  /// Buffers the plan owns (folded weights), 64-byte aligned.
  std::vector<std::shared_ptr<uint8_t>> owned;
  /// Per stage op: the backend of the kernel computing it ("onednn",
  /// "reference", or "view" for an alias).
  std::vector<const char *> opBackend;
};

/// Plans stage `s`: `fixed[i]` is the address of tensor i when it is a
/// weight or constant. With a oneDNN env (`dnnl` non-null) the plan fuses
/// and chooses layouts; otherwise every op gets its reference kernel.
StagePlan planStage(const StageDesc &s, const std::vector<const void *> &fixed,
                    DnnlEnv *dnnl);

} // namespace neuron::rt

#endif // NEURON_RUNTIME_LIB_STAGEPLAN_H
