//===- Manifest.h - plain C++ mirror of the artifact manifest ---*- C++ -*-===//
//
// These structs are what the runtime works with after loading, and what the
// writer serializes; FlatBuffers types never leave Artifact.cpp. The field
// meanings are those of runtime/schema/neff.fbs.
//
//===----------------------------------------------------------------------===//
#ifndef NEURON_RUNTIME_MANIFEST_H
#define NEURON_RUNTIME_MANIFEST_H

#include "neuron/runtime/Ops.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace neuron::rt {

/// A value of the pipeline: pipeline input `index` when `stage` is -1,
/// otherwise output `index` of stage `stage`.
struct ValueRef {
  int32_t stage = -1;
  uint32_t index = 0;
  static ValueRef pipelineInput(uint32_t i) { return {-1, i}; }
  static ValueRef stageOutput(int32_t s, uint32_t i) { return {s, i}; }
  bool isPipelineInput() const { return stage < 0; }
  bool operator==(const ValueRef &o) const {
    return stage == o.stage && index == o.index;
  }
};

/// Where a stage tensor lives (neff.fbs TensorKind).
enum class TensorKind : uint8_t { Input = 0, Weight, Arena, Constant };

/// Returns `input`, `weight`, `arena` or `constant`.
const char *tensorKindName(TensorKind kind);

/// A named tensor of a model's interface.
struct TensorDesc {
  std::string name;
  TensorType type;
};

/// One entry of a stage's tensor table.
struct StageTensor {
  std::string name;
  TensorType type;
  TensorKind kind = TensorKind::Arena;
  uint32_t inputIndex = 0; ///< Input: position among the stage inputs.
  uint32_t section = 0;    ///< Weight: file section index.
  uint64_t offset = 0;     ///< Weight: offset in the section; Arena: in the arena.
  uint64_t size = 0;       ///< Bytes: numElements * dtypeSize.
  std::vector<uint8_t> data; ///< Constant: the bytes.
};

/// One op of a stage program.
struct OpDesc {
  OpKind kind = OpKind::Identity;
  std::string name;
  std::vector<uint32_t> inputs;  ///< Tensor ids.
  std::vector<uint32_t> outputs; ///< Tensor ids, all of kind Arena.
  OpAttrs attrs;
  uint64_t flops = 0;
};

/// One pipeline stage: its tensors, its program and its connections.
struct StageDesc {
  uint32_t index = 0;
  uint32_t core = 0;
  std::vector<StageTensor> tensors;
  std::vector<OpDesc> ops;
  std::vector<uint32_t> inputs;          ///< Tensor ids of kind Input.
  std::vector<ValueRef> inputSources;    ///< One per input.
  std::vector<uint32_t> outputs;         ///< Tensor ids.
  uint64_t arenaSize = 0;
  uint64_t weightBytes = 0;
  uint64_t flops = 0;
};

/// The whole manifest.
struct ModelDesc {
  std::string name;
  uint32_t batchSize = 1;
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  std::vector<ValueRef> outputSources; ///< One per output.
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<StageDesc> stages;
};

/// Limits that keep a hostile artifact from making the loader allocate or
/// loop without bound. Checked before anything is sized from the file.
struct ManifestLimits {
  uint64_t maxRank = 16;
  uint64_t maxTensorBytes = uint64_t(1) << 36; ///< 64 GiB per tensor.
  uint64_t maxArenaBytes = uint64_t(1) << 36;
  uint64_t maxStages = 4096;
  /// Ops and tensors of one stage (BERT-large has a few thousand of each).
  uint64_t maxOpsPerStage = uint64_t(1) << 20;
  uint64_t maxTensorsPerStage = uint64_t(1) << 20;
};

/// Checks every semantic invariant of a manifest: ids in range, dtypes and
/// shapes consistent with each op's rules, arena tensors inside the arena and
/// not overlapping while both live, every op input defined before use, weight
/// references inside their section (`sectionSizes[i]` is the byte size of
/// file section i), stage connections type-correct and acyclic. Throws Error
/// with the stage, op and tensor concerned.
void verifyManifest(const ModelDesc &model,
                    const std::vector<uint64_t> &sectionSizes,
                    const ManifestLimits &limits = {});

} // namespace neuron::rt

#endif // NEURON_RUNTIME_MANIFEST_H
