//===- Verify.cpp - semantic checks of a manifest -------------------------===//
//
// Run on every load after the FlatBuffers verifier (which only proves the
// buffer is well-formed) and by the writer before it writes. Everything the
// executor later trusts without checking is established here: ids, types,
// byte ranges, definition order and arena aliasing.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Manifest.h"

#include <algorithm>

namespace neuron::rt {

namespace {
std::string typeStr(const TensorType &t) {
  return std::string(dtypeName(t.dtype)) + formatShape(t.shape);
}

void checkType(const TensorType &t, const ManifestLimits &limits,
               const std::string &where) {
  if (uint8_t(t.dtype) >= kNumDTypes)
    throw Error(where + " has an invalid dtype");
  if (t.shape.size() > limits.maxRank)
    throw Error(where + " has rank " + std::to_string(t.shape.size()) +
                ", more than " + std::to_string(limits.maxRank));
  auto n = checkedNumElements(t.shape, limits.maxTensorBytes / dtypeSize(t.dtype));
  if (!n)
    throw Error(where + " has an invalid or absurdly large shape " +
                formatShape(t.shape));
}
} // namespace

void verifyManifest(const ModelDesc &model,
                    const std::vector<uint64_t> &sectionSizes,
                    const ManifestLimits &limits) {
  for (size_t i = 0; i < model.inputs.size(); ++i)
    checkType(model.inputs[i].type, limits, "model input " + std::to_string(i));
  for (size_t i = 0; i < model.outputs.size(); ++i)
    checkType(model.outputs[i].type, limits, "model output " + std::to_string(i));
  if (model.stages.empty())
    throw Error("the model has no stages");
  if (model.stages.size() > limits.maxStages)
    throw Error("the model has " + std::to_string(model.stages.size()) + " stages");
  if (model.outputSources.size() != model.outputs.size())
    throw Error("the model has " + std::to_string(model.outputs.size()) +
                " outputs but " + std::to_string(model.outputSources.size()) +
                " output sources");

  // Resolves a pipeline value visible to stage `before` (exclusive).
  auto valueType = [&](ValueRef ref, size_t before,
                       const std::string &where) -> const TensorType & {
    if (ref.isPipelineInput()) {
      if (ref.stage != -1 || ref.index >= model.inputs.size())
        throw Error(where + " refers to pipeline input " +
                    std::to_string(ref.index) + " of " +
                    std::to_string(model.inputs.size()));
      return model.inputs[ref.index].type;
    }
    if (size_t(ref.stage) >= before)
      throw Error(where + " refers to stage " + std::to_string(ref.stage) +
                  ", which does not run before it");
    const StageDesc &src = model.stages[ref.stage];
    if (ref.index >= src.outputs.size())
      throw Error(where + " refers to output " + std::to_string(ref.index) +
                  " of stage " + std::to_string(ref.stage) + ", which has " +
                  std::to_string(src.outputs.size()));
    return src.tensors[src.outputs[ref.index]].type;
  };

  for (size_t si = 0; si < model.stages.size(); ++si) {
    const StageDesc &stage = model.stages[si];
    std::string sname = "stage " + std::to_string(si);
    if (stage.index != si)
      throw Error(sname + " has index " + std::to_string(stage.index));
    if (si > 0 && stage.core <= model.stages[si - 1].core)
      throw Error(sname + " runs on core " + std::to_string(stage.core) +
                  ", not after stage " + std::to_string(si - 1) + "'s core " +
                  std::to_string(model.stages[si - 1].core));
    if (stage.ops.size() > limits.maxOpsPerStage ||
        stage.tensors.size() > limits.maxTensorsPerStage)
      throw Error(sname + " has " + std::to_string(stage.ops.size()) + " ops and " +
                  std::to_string(stage.tensors.size()) + " tensors, more than " +
                  std::to_string(limits.maxOpsPerStage) + " and " +
                  std::to_string(limits.maxTensorsPerStage));
    if (stage.arenaSize > limits.maxArenaBytes)
      throw Error(sname + " asks for an arena of " +
                  std::to_string(stage.arenaSize) + " bytes");
    size_t n = stage.tensors.size();
    auto tname = [&](uint32_t id) {
      return sname + " tensor " + std::to_string(id) +
             (id < n && !stage.tensors[id].name.empty()
                  ? " '" + stage.tensors[id].name + "'"
                  : std::string());
    };

    // Tensors.
    for (uint32_t id = 0; id < n; ++id) {
      const StageTensor &t = stage.tensors[id];
      checkType(t.type, limits, tname(id));
      uint64_t bytes = numElements(t.type.shape) * dtypeSize(t.type.dtype);
      if (t.size != bytes)
        throw Error(tname(id) + " of type " + typeStr(t.type) + " records " +
                    std::to_string(t.size) + " bytes, expected " +
                    std::to_string(bytes));
      uint64_t align = dtypeSize(t.type.dtype);
      switch (t.kind) {
      case TensorKind::Input:
        if (t.inputIndex >= stage.inputs.size() || stage.inputs[t.inputIndex] != id)
          throw Error(tname(id) + " claims to be stage input " +
                      std::to_string(t.inputIndex) + " but is not listed there");
        break;
      case TensorKind::Weight:
        if (t.section == 0 || t.section >= sectionSizes.size())
          throw Error(tname(id) + " refers to section " + std::to_string(t.section) +
                      ", not a weight section");
        if (t.offset > sectionSizes[t.section] ||
            t.size > sectionSizes[t.section] - t.offset)
          throw Error(tname(id) + " at offset " + std::to_string(t.offset) + " size " +
                      std::to_string(t.size) + " is outside section " +
                      std::to_string(t.section) + " of " +
                      std::to_string(sectionSizes[t.section]) + " bytes");
        if (t.offset % align != 0)
          throw Error(tname(id) + " is misaligned at offset " + std::to_string(t.offset));
        break;
      case TensorKind::Arena:
        if (t.offset > stage.arenaSize || t.size > stage.arenaSize - t.offset)
          throw Error(tname(id) + " at arena offset " + std::to_string(t.offset) +
                      " size " + std::to_string(t.size) + " is outside the " +
                      std::to_string(stage.arenaSize) + "-byte arena");
        if (t.offset % align != 0)
          throw Error(tname(id) + " is misaligned at arena offset " +
                      std::to_string(t.offset));
        break;
      case TensorKind::Constant:
        if (t.data.size() != t.size)
          throw Error(tname(id) + " has " + std::to_string(t.data.size()) +
                      " bytes of data, expected " + std::to_string(t.size));
        break;
      }
    }

    // Inputs and where they come from.
    if (stage.inputSources.size() != stage.inputs.size())
      throw Error(sname + " has " + std::to_string(stage.inputs.size()) +
                  " inputs but " + std::to_string(stage.inputSources.size()) +
                  " input sources");
    for (size_t i = 0; i < stage.inputs.size(); ++i) {
      uint32_t id = stage.inputs[i];
      if (id >= n || stage.tensors[id].kind != TensorKind::Input ||
          stage.tensors[id].inputIndex != i)
        throw Error(sname + " input " + std::to_string(i) +
                    " is not a tensor of kind input with that index");
      const TensorType &src = valueType(stage.inputSources[i], si,
                                        sname + " input " + std::to_string(i));
      if (!(src == stage.tensors[id].type))
        throw Error(sname + " input " + std::to_string(i) + " has type " +
                    typeStr(stage.tensors[id].type) + " but its source has " +
                    typeStr(src));
    }

    // Program order, types and lifetimes.
    const uint32_t kNever = UINT32_MAX;
    std::vector<uint32_t> defOp(n, kNever), lastUse(n, 0);
    std::vector<bool> defined(n, false);
    for (uint32_t id = 0; id < n; ++id)
      defined[id] = stage.tensors[id].kind != TensorKind::Arena;
    for (uint32_t oi = 0; oi < stage.ops.size(); ++oi) {
      const OpDesc &op = stage.ops[oi];
      std::string oname = sname + " op " + std::to_string(oi) + " '" +
                          opKindName(op.kind) + "'" +
                          (op.name.empty() ? "" : " (" + op.name + ")");
      std::vector<TensorType> inTypes;
      for (uint32_t id : op.inputs) {
        if (id >= n)
          throw Error(oname + " reads tensor " + std::to_string(id) + " of " +
                      std::to_string(n));
        if (!defined[id])
          throw Error(oname + " reads " + tname(id) + " before it is written");
        inTypes.push_back(stage.tensors[id].type);
        lastUse[id] = oi;
      }
      if (op.outputs.empty())
        throw Error(oname + " has no results");
      for (uint32_t id : op.outputs) {
        if (id >= n)
          throw Error(oname + " writes tensor " + std::to_string(id) + " of " +
                      std::to_string(n));
        if (stage.tensors[id].kind != TensorKind::Arena)
          throw Error(oname + " writes " + tname(id) + " of kind " +
                      tensorKindName(stage.tensors[id].kind));
        if (defined[id])
          throw Error(oname + " writes " + tname(id) + ", already written");
        defined[id] = true;
        defOp[id] = oi;
        lastUse[id] = oi;
      }
      OpAttrs attrs = op.attrs;
      const TensorType &first = stage.tensors[op.outputs[0]].type;
      attrs.castTo = first.dtype;
      if (op.kind == OpKind::Reshape)
        attrs.shape = first.shape;
      std::vector<TensorType> expected;
      try {
        expected = inferResultTypes(op.kind, attrs, inTypes);
      } catch (const Error &e) {
        throw Error(sname + " op " + std::to_string(oi) +
                    (op.name.empty() ? "" : " (" + op.name + ")") + ": " + e.what());
      }
      if (expected.size() != op.outputs.size())
        throw Error(oname + " has " + std::to_string(op.outputs.size()) +
                    " results, expected " + std::to_string(expected.size()));
      for (size_t r = 0; r < expected.size(); ++r)
        if (!(expected[r] == stage.tensors[op.outputs[r]].type))
          throw Error(oname + " result " + std::to_string(r) + " has type " +
                      typeStr(stage.tensors[op.outputs[r]].type) + ", expected " +
                      typeStr(expected[r]));
    }
    uint32_t end = uint32_t(stage.ops.size());
    for (size_t i = 0; i < stage.outputs.size(); ++i) {
      uint32_t id = stage.outputs[i];
      if (id >= n || !defined[id])
        throw Error(sname + " output " + std::to_string(i) +
                    " is not a tensor the stage defines");
      lastUse[id] = end;
    }

    // The arena is allocated at load: it may not be larger than its tensors
    // need (up to page rounding), so a damaged size cannot force a huge
    // allocation.
    uint64_t arenaEnd = 0;
    for (const StageTensor &t : stage.tensors)
      if (t.kind == TensorKind::Arena)
        arenaEnd = std::max(arenaEnd, t.offset + t.size);
    if (stage.arenaSize > (arenaEnd + 4095) / 4096 * 4096)
      throw Error(sname + " declares a " + std::to_string(stage.arenaSize) +
                  "-byte arena, but its tensors end at byte " +
                  std::to_string(arenaEnd));

    // Arena tensors live at the same time must not share bytes.
    std::vector<uint32_t> arena;
    for (uint32_t id = 0; id < n; ++id)
      if (stage.tensors[id].kind == TensorKind::Arena && defOp[id] != kNever &&
          stage.tensors[id].size > 0)
        arena.push_back(id);
    std::sort(arena.begin(), arena.end(), [&](uint32_t a, uint32_t b) {
      return stage.tensors[a].offset < stage.tensors[b].offset;
    });
    for (size_t i = 0; i < arena.size(); ++i) {
      const StageTensor &a = stage.tensors[arena[i]];
      for (size_t j = i + 1; j < arena.size(); ++j) {
        const StageTensor &b = stage.tensors[arena[j]];
        if (b.offset >= a.offset + a.size)
          break; // Sorted by offset: no later tensor overlaps a.
        if (defOp[arena[i]] <= lastUse[arena[j]] && defOp[arena[j]] <= lastUse[arena[i]])
          throw Error(tname(arena[i]) + " and " + tname(arena[j]) +
                      " share arena bytes while both are live");
      }
    }
  }

  for (size_t i = 0; i < model.outputs.size(); ++i) {
    std::string where = "model output " + std::to_string(i);
    const TensorType &src = valueType(model.outputSources[i], model.stages.size(), where);
    if (!(src == model.outputs[i].type))
      throw Error(where + " '" + model.outputs[i].name + "' has type " +
                  typeStr(model.outputs[i].type) + " but its source has " +
                  typeStr(src));
  }
}

} // namespace neuron::rt
