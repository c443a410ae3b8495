//===- ArtifactWriter.h - building a .neff artifact -------------*- C++ -*-===//
//
// The API the compiler's emitter calls (and the tests' artifact builder):
//
//   ArtifactWriter w("mlp");
//   uint32_t x = w.addInput("x", {DType::F32, {1, 4}});
//   StageBuilder &s = w.addStage(/*core=*/0);
//   uint32_t in = s.addInput(ValueRef::pipelineInput(x));
//   uint32_t wt = s.addWeight("fc.weight", {DType::F32, {4, 4}}, bytes);
//   uint32_t y = s.addOp(OpKind::MatMul, {in, wt});
//   uint32_t r = s.addOp(OpKind::Relu, {y});
//   w.addOutput("y", ValueRef::stageOutput(0, s.addOutput(r)));
//   w.write("mlp.neff");
//
// Result types are inferred with the runtime's shape rules, so a malformed
// program fails at the call that builds it. Arena offsets are planned at
// finish() by planArena() unless the emitter supplies its own plan.
//
//===----------------------------------------------------------------------===//
#ifndef NEURON_RUNTIME_ARTIFACTWRITER_H
#define NEURON_RUNTIME_ARTIFACTWRITER_H

#include "neuron/runtime/Manifest.h"

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace neuron::rt {

/// One activation buffer to place: its size and the first and last op
/// (inclusive, program order) during which it must stay intact.
struct ArenaBuffer {
  uint64_t size = 0;
  uint32_t firstUse = 0;
  uint32_t lastUse = 0;
};

/// Offsets for each buffer and the arena size they need.
struct ArenaPlan {
  std::vector<uint64_t> offsets;
  uint64_t arenaSize = 0;
};

/// Places buffers so that two buffers whose lifetimes overlap never share
/// bytes: largest first, each at the lowest aligned offset that fits (the
/// greedy-by-size heuristic). Offsets are multiples of `alignment`.
ArenaPlan planArena(const std::vector<ArenaBuffer> &buffers,
                    uint64_t alignment = 64);

class ArtifactWriter;

/// Builds one stage. Obtained from ArtifactWriter::addStage; valid as long
/// as the writer.
class StageBuilder {
public:
  /// Adds a stage input fed by `source` (a pipeline input or an output of an
  /// earlier stage); returns its tensor id. The type is the source's.
  uint32_t addInput(ValueRef source);
  /// Adds a weight; `bytes` (type.size bytes) are copied into this stage's
  /// weight section at a 64-byte aligned offset.
  uint32_t addWeight(const std::string &name, const TensorType &type,
                     const void *bytes);
  /// Adds a small constant stored inline in the manifest.
  uint32_t addConstant(const std::string &name, const TensorType &type,
                       const void *bytes);
  /// Appends an op; result types are inferred (Cast takes attrs.castTo,
  /// Reshape attrs.shape). Returns the result tensor ids.
  std::vector<uint32_t> addOpMulti(OpKind kind,
                                   const std::vector<uint32_t> &inputs,
                                   const OpAttrs &attrs,
                                   const std::string &name = "");
  /// addOpMulti for single-result ops; attrs default to defaultAttrs(kind).
  uint32_t addOp(OpKind kind, const std::vector<uint32_t> &inputs,
                 std::optional<OpAttrs> attrs = std::nullopt,
                 const std::string &name = "");
  /// Marks a tensor as a stage output; returns the output index.
  uint32_t addOutput(uint32_t tensor);
  /// Overrides the arena plan: one offset per tensor id (ignored for non-arena
  /// tensors) and the arena size. Checked by verifyManifest at finish().
  void setArenaPlan(std::vector<uint64_t> offsets, uint64_t arenaSize);
  /// Returns the type of a tensor.
  const TensorType &type(uint32_t tensor) const;
  /// Returns the stage index.
  uint32_t index() const { return desc_.index; }

private:
  friend class ArtifactWriter;
  StageBuilder(ArtifactWriter &writer, uint32_t index, uint32_t core);
  uint32_t addTensor(StageTensor tensor);
  void checkId(uint32_t tensor, const char *what) const;
  ArtifactWriter &writer_;
  StageDesc desc_;
  std::vector<uint8_t> weights_;
  std::optional<std::pair<std::vector<uint64_t>, uint64_t>> plan_;
};

/// Builds a whole artifact: interface, stages, options; then serializes it.
class ArtifactWriter {
public:
  explicit ArtifactWriter(std::string modelName);
  void setBuildId(uint64_t id) { buildId_ = id; }
  void setUuid(const std::array<uint8_t, 16> &uuid) { uuid_ = uuid; }
  void setBatchSize(uint32_t batch) { model_.batchSize = batch; }
  /// Records a compile option (shown by neuron-dump).
  void setOption(const std::string &key, const std::string &value);
  /// Declares a pipeline input; returns its index.
  uint32_t addInput(const std::string &name, const TensorType &type);
  /// Declares a pipeline output taken from `source`; returns its index.
  uint32_t addOutput(const std::string &name, ValueRef source);
  /// Adds the next stage, run on `core`.
  StageBuilder &addStage(uint32_t core);
  /// Returns the type of a pipeline value.
  TensorType typeOf(ValueRef value) const;
  /// Plans arenas, fills sizes and totals, verifies the manifest and returns
  /// the file image. Throws Error if the program is inconsistent.
  std::vector<uint8_t> finish();
  /// finish() and write to `path`.
  void write(const std::string &path);

private:
  friend class StageBuilder;
  ModelDesc model_;
  std::deque<StageBuilder> stages_;
  uint64_t buildId_ = 0;
  std::array<uint8_t, 16> uuid_{};
};

/// Serializes a complete manifest plus one weight blob per stage into a file
/// image (the low-level entry point under ArtifactWriter::finish; tensors of
/// kind Weight must reference section 1 + stage index).
std::vector<uint8_t>
serializeArtifact(const ModelDesc &model,
                  const std::vector<std::vector<uint8_t>> &stageWeights,
                  uint64_t buildId, const std::array<uint8_t, 16> &uuid);

} // namespace neuron::rt

#endif // NEURON_RUNTIME_ARTIFACTWRITER_H
