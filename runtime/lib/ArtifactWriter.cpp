//===- ArtifactWriter.cpp - building a .neff artifact ---------------------===//
#include "neuron/runtime/ArtifactWriter.h"
#include "neuron/runtime/Artifact.h"
#include "neuron/runtime/Error.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <numeric>

namespace neuron::rt {

ArenaPlan planArena(const std::vector<ArenaBuffer> &buffers, uint64_t alignment) {
  ArenaPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return buffers[a].size > buffers[b].size;
  });
  std::vector<size_t> placed;
  for (size_t i : order) {
    const ArenaBuffer &buf = buffers[i];
    uint64_t size = (buf.size + alignment - 1) / alignment * alignment;
    if (size == 0)
      continue;
    // Byte ranges of already placed buffers whose lifetimes overlap this one.
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t j : placed)
      if (buffers[j].firstUse <= buf.lastUse && buf.firstUse <= buffers[j].lastUse)
        busy.emplace_back(plan.offsets[j], plan.offsets[j] + buffers[j].size);
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0;
    for (auto [lo, hi] : busy) {
      if (offset + size <= lo)
        break;
      offset = std::max(offset, (hi + alignment - 1) / alignment * alignment);
    }
    plan.offsets[i] = offset;
    plan.arenaSize = std::max(plan.arenaSize, offset + size);
    placed.push_back(i);
  }
  return plan;
}

//===----------------------------------------------------------------------===//
// StageBuilder
//===----------------------------------------------------------------------===//

StageBuilder::StageBuilder(ArtifactWriter &writer, uint32_t index, uint32_t core)
    : writer_(writer) {
  desc_.index = index;
  desc_.core = core;
}

static uint64_t byteSize(const TensorType &type) {
  auto n = checkedNumElements(type.shape, (uint64_t(1) << 40) / dtypeSize(type.dtype));
  if (!n)
    throw Error("invalid tensor shape " + formatShape(type.shape));
  return *n * dtypeSize(type.dtype);
}

uint32_t StageBuilder::addTensor(StageTensor tensor) {
  tensor.size = byteSize(tensor.type);
  desc_.tensors.push_back(std::move(tensor));
  return uint32_t(desc_.tensors.size() - 1);
}

void StageBuilder::checkId(uint32_t tensor, const char *what) const {
  if (tensor >= desc_.tensors.size())
    throw Error(std::string(what) + ": tensor " + std::to_string(tensor) +
                " does not exist in stage " + std::to_string(desc_.index));
}

const TensorType &StageBuilder::type(uint32_t tensor) const {
  checkId(tensor, "type");
  return desc_.tensors[tensor].type;
}

uint32_t StageBuilder::addInput(ValueRef source) {
  StageTensor t;
  t.type = writer_.typeOf(source);
  t.kind = TensorKind::Input;
  t.inputIndex = uint32_t(desc_.inputs.size());
  t.name = source.isPipelineInput()
               ? writer_.model_.inputs.at(source.index).name
               : "stage" + std::to_string(source.stage) + ".out" +
                     std::to_string(source.index);
  uint32_t id = addTensor(std::move(t));
  desc_.inputs.push_back(id);
  desc_.inputSources.push_back(source);
  return id;
}

uint32_t StageBuilder::addWeight(const std::string &name, const TensorType &type,
                                 const void *bytes) {
  StageTensor t;
  t.name = name;
  t.type = type;
  t.kind = TensorKind::Weight;
  t.section = 1 + desc_.index;
  uint64_t size = byteSize(type);
  t.offset = (weights_.size() + 63) / 64 * 64;
  weights_.resize(t.offset + size, 0);
  if (size)
    std::memcpy(weights_.data() + t.offset, bytes, size);
  return addTensor(std::move(t));
}

uint32_t StageBuilder::addConstant(const std::string &name, const TensorType &type,
                                   const void *bytes) {
  StageTensor t;
  t.name = name;
  t.type = type;
  t.kind = TensorKind::Constant;
  uint64_t size = byteSize(type);
  const uint8_t *p = static_cast<const uint8_t *>(bytes);
  t.data.assign(p, p + size);
  return addTensor(std::move(t));
}

std::vector<uint32_t> StageBuilder::addOpMulti(OpKind kind,
                                               const std::vector<uint32_t> &inputs,
                                               const OpAttrs &attrs,
                                               const std::string &name) {
  std::vector<TensorType> types;
  for (uint32_t id : inputs) {
    checkId(id, opKindName(kind));
    types.push_back(desc_.tensors[id].type);
  }
  std::vector<TensorType> results = inferResultTypes(kind, attrs, types);
  OpDesc op;
  op.kind = kind;
  op.name = name;
  op.inputs = inputs;
  op.attrs = attrs;
  op.flops = estimateFlops(kind, attrs, types, results);
  for (size_t r = 0; r < results.size(); ++r) {
    StageTensor t;
    t.name = (name.empty() ? std::string(opKindName(kind)) + std::to_string(desc_.ops.size())
                           : name) +
             (results.size() > 1 ? "#" + std::to_string(r) : "");
    t.type = results[r];
    t.kind = TensorKind::Arena;
    op.outputs.push_back(addTensor(std::move(t)));
  }
  desc_.ops.push_back(std::move(op));
  return desc_.ops.back().outputs;
}

uint32_t StageBuilder::addOp(OpKind kind, const std::vector<uint32_t> &inputs,
                             std::optional<OpAttrs> attrs, const std::string &name) {
  std::vector<uint32_t> r = addOpMulti(kind, inputs, attrs ? *attrs : defaultAttrs(kind), name);
  if (r.size() != 1)
    throw Error(std::string("addOp: '") + opKindName(kind) + "' has " +
                std::to_string(r.size()) + " results; use addOpMulti");
  return r[0];
}

uint32_t StageBuilder::addOutput(uint32_t tensor) {
  checkId(tensor, "addOutput");
  desc_.outputs.push_back(tensor);
  return uint32_t(desc_.outputs.size() - 1);
}

void StageBuilder::setArenaPlan(std::vector<uint64_t> offsets, uint64_t arenaSize) {
  plan_ = std::make_pair(std::move(offsets), arenaSize);
}

//===----------------------------------------------------------------------===//
// ArtifactWriter
//===----------------------------------------------------------------------===//

ArtifactWriter::ArtifactWriter(std::string modelName) {
  model_.name = std::move(modelName);
}

void ArtifactWriter::setOption(const std::string &key, const std::string &value) {
  model_.options.emplace_back(key, value);
}

uint32_t ArtifactWriter::addInput(const std::string &name, const TensorType &type) {
  byteSize(type);
  model_.inputs.push_back({name, type});
  return uint32_t(model_.inputs.size() - 1);
}

TensorType ArtifactWriter::typeOf(ValueRef value) const {
  if (value.isPipelineInput()) {
    if (value.index >= model_.inputs.size())
      throw Error("no pipeline input " + std::to_string(value.index));
    return model_.inputs[value.index].type;
  }
  if (size_t(value.stage) >= stages_.size())
    throw Error("no stage " + std::to_string(value.stage));
  const StageBuilder &s = stages_[value.stage];
  if (value.index >= s.desc_.outputs.size())
    throw Error("stage " + std::to_string(value.stage) + " has no output " +
                std::to_string(value.index));
  return s.desc_.tensors[s.desc_.outputs[value.index]].type;
}

uint32_t ArtifactWriter::addOutput(const std::string &name, ValueRef source) {
  model_.outputs.push_back({name, typeOf(source)});
  model_.outputSources.push_back(source);
  return uint32_t(model_.outputs.size() - 1);
}

StageBuilder &ArtifactWriter::addStage(uint32_t core) {
  stages_.push_back(StageBuilder(*this, uint32_t(stages_.size()), core));
  return stages_.back();
}

std::vector<uint8_t> ArtifactWriter::finish() {
  ModelDesc model = model_;
  std::vector<std::vector<uint8_t>> weights;
  std::vector<uint64_t> sectionSizes{0};
  for (StageBuilder &sb : stages_) {
    StageDesc s = sb.desc_;
    size_t n = s.tensors.size();
    if (sb.plan_) {
      const auto &[offsets, size] = *sb.plan_;
      if (offsets.size() != n)
        throw Error("stage " + std::to_string(s.index) + ": arena plan has " +
                    std::to_string(offsets.size()) + " offsets for " +
                    std::to_string(n) + " tensors");
      for (size_t i = 0; i < n; ++i)
        if (s.tensors[i].kind == TensorKind::Arena)
          s.tensors[i].offset = offsets[i];
      s.arenaSize = size;
    } else {
      std::vector<ArenaBuffer> buffers;
      std::vector<uint32_t> ids;
      std::vector<uint32_t> first(n, 0), last(n, 0);
      for (uint32_t oi = 0; oi < s.ops.size(); ++oi) {
        for (uint32_t id : s.ops[oi].inputs)
          last[id] = std::max(last[id], oi);
        for (uint32_t id : s.ops[oi].outputs)
          first[id] = last[id] = oi;
      }
      for (uint32_t id : s.outputs)
        last[id] = uint32_t(s.ops.size());
      for (uint32_t id = 0; id < n; ++id)
        if (s.tensors[id].kind == TensorKind::Arena) {
          buffers.push_back({s.tensors[id].size, first[id], last[id]});
          ids.push_back(id);
        }
      ArenaPlan plan = planArena(buffers);
      for (size_t i = 0; i < ids.size(); ++i)
        s.tensors[ids[i]].offset = plan.offsets[i];
      s.arenaSize = plan.arenaSize;
    }
    s.weightBytes = 0;
    s.flops = 0;
    for (const StageTensor &t : s.tensors)
      if (t.kind == TensorKind::Weight)
        s.weightBytes += t.size;
    for (const OpDesc &op : s.ops)
      s.flops += op.flops;
    weights.push_back(sb.weights_);
    sectionSizes.push_back(sb.weights_.size());
    model.stages.push_back(std::move(s));
  }
  verifyManifest(model, sectionSizes);
  return serializeArtifact(model, weights, buildId_, uuid_);
}

void ArtifactWriter::write(const std::string &path) {
  std::vector<uint8_t> image = finish();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw Error(path + ": cannot open for writing");
  out.write(reinterpret_cast<const char *>(image.data()), std::streamsize(image.size()));
  if (!out)
    throw Error(path + ": write failed");
}

} // namespace neuron::rt
