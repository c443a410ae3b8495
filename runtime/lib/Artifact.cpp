//===- Artifact.cpp - file layout, (de)serialization, loading -------------===//
//
// Layout (docs/ArtifactFormat.md): a 128-byte little-endian header, the
// section table (32 bytes per section), then 64-byte aligned sections:
// section 0 is the FlatBuffers manifest, sections 1.. hold stage weights.
// This file is the only one that sees FlatBuffers types.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Artifact.h"
#include "neuron/runtime/ArtifactWriter.h"
#include "neuron/runtime/Error.h"

#include "neff_generated.h"

#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/mman.h>
#include <sys/stat.h>
#include <type_traits>
#include <unistd.h>

namespace neuron::rt {

static_assert(sizeof(float) == 4, "little-endian IEEE host assumed");

namespace {
// Header field offsets.
constexpr size_t kOffMagic = 0, kOffMajor = 4, kOffMinor = 6, kOffHeaderSize = 8,
                 kOffNumSections = 12, kOffNumStages = 16, kOffFlags = 20,
                 kOffBuildId = 24, kOffUuid = 32, kOffName = 48,
                 kOffFileSize = 112, kOffChecksum = 120;
constexpr size_t kNameBytes = 64;

template <typename T> T load(const uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof(T)); // The format is little-endian, as is x86.
  return v;
}
template <typename T> void store(uint8_t *p, T v) { std::memcpy(p, &v, sizeof(T)); }

uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

std::string hex(uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

uint64_t headerChecksum(const uint8_t *data, uint64_t headerSize) {
  std::vector<uint8_t> copy(data, data + headerSize);
  std::memset(copy.data() + kOffChecksum, 0, 8);
  return XXH3_64bits(copy.data(), copy.size());
}

std::string sectionName(const SectionInfo &s, size_t i) {
  if (s.kind == SectionKind::Manifest)
    return "section " + std::to_string(i) + " (manifest)";
  return "section " + std::to_string(i) + " (weights of stage " +
         std::to_string(s.stage) + ")";
}
} // namespace

ArtifactHeader decodeHeader(const uint8_t *data, uint64_t size,
                            const std::string &what) {
  if (size < kHeaderSize)
    throw Error(what + ": truncated artifact: " + std::to_string(size) +
                " bytes, the header alone needs " + std::to_string(kHeaderSize));
  if (std::memcmp(data + kOffMagic, "NEFF", 4) != 0)
    throw Error(what + ": not a NEFF artifact (bad magic)");
  ArtifactHeader h;
  h.major = load<uint16_t>(data + kOffMajor);
  h.minor = load<uint16_t>(data + kOffMinor);
  std::string version = std::to_string(h.major) + "." + std::to_string(h.minor);
  std::string ours = std::to_string(kFormatMajor) + "." + std::to_string(kFormatMinor);
  if (h.major > kFormatMajor)
    throw Error(what + ": artifact format version " + version +
                " is newer than this runtime supports (" + ours +
                "); upgrade the runtime or recompile the model");
  if (h.major < 1)
    throw Error(what + ": unsupported artifact format version " + version);
  uint32_t headerSize = load<uint32_t>(data + kOffHeaderSize);
  uint32_t numSections = load<uint32_t>(data + kOffNumSections);
  if (numSections < 1 || numSections > 1 + ManifestLimits().maxStages ||
      headerSize != kHeaderSize + uint64_t(numSections) * kSectionEntrySize)
    throw Error(what + ": corrupt header: section table of " +
                std::to_string(numSections) + " entries in " +
                std::to_string(headerSize) + " header bytes");
  if (headerSize > size)
    throw Error(what + ": truncated artifact: header and section table need " +
                std::to_string(headerSize) + " bytes, file has " +
                std::to_string(size));
  h.headerChecksum = load<uint64_t>(data + kOffChecksum);
  uint64_t computed = headerChecksum(data, headerSize);
  if (computed != h.headerChecksum)
    throw Error(what + ": header checksum mismatch (stored " +
                hex(h.headerChecksum) + ", computed " + hex(computed) +
                "): the file is corrupt");
  h.numStages = load<uint32_t>(data + kOffNumStages);
  h.buildId = load<uint64_t>(data + kOffBuildId);
  std::memcpy(h.uuid.data(), data + kOffUuid, 16);
  const char *name = reinterpret_cast<const char *>(data + kOffName);
  h.modelName.assign(name, strnlen(name, kNameBytes));
  h.fileSize = load<uint64_t>(data + kOffFileSize);
  if (h.fileSize != size)
    throw Error(what + ": truncated or padded artifact: header says " +
                std::to_string(h.fileSize) + " bytes, file has " +
                std::to_string(size));
  uint64_t end = headerSize;
  for (uint32_t i = 0; i < numSections; ++i) {
    const uint8_t *e = data + kHeaderSize + i * kSectionEntrySize;
    SectionInfo s;
    uint32_t kind = load<uint32_t>(e);
    s.stage = load<uint32_t>(e + 4);
    s.offset = load<uint64_t>(e + 8);
    s.size = load<uint64_t>(e + 16);
    s.checksum = load<uint64_t>(e + 24);
    if (kind != (i == 0 ? 0u : 1u))
      throw Error(what + ": section " + std::to_string(i) + " has kind " +
                  std::to_string(kind) + ", expected " +
                  (i == 0 ? "0 (manifest)" : "1 (weights)"));
    s.kind = SectionKind(kind);
    if (s.kind == SectionKind::Weights && s.stage >= h.numStages)
      throw Error(what + ": section " + std::to_string(i) + " belongs to stage " +
                  std::to_string(s.stage) + " of " + std::to_string(h.numStages));
    if (s.offset % kSectionAlignment != 0 || s.offset < end || s.offset > size ||
        s.size > size - s.offset)
      throw Error(what + ": " + sectionName(s, i) + " at offset " +
                  std::to_string(s.offset) + " size " + std::to_string(s.size) +
                  " is misaligned, overlapping or outside the " +
                  std::to_string(size) + "-byte file");
    end = s.offset + s.size;
    h.sections.push_back(s);
  }
  return h;
}

//===----------------------------------------------------------------------===//
// FlatBuffers -> ModelDesc
//===----------------------------------------------------------------------===//

namespace {
template <typename T, typename V> std::vector<T> vec(const V *v) {
  std::vector<T> out;
  if (!v)
    return out;
  // Copied bytewise: the FlatBuffers verifier (2.0) checks the alignment of
  // a vector's length field, not of its elements, so a hostile manifest can
  // place 8-byte elements at 4-byte offsets (a misaligned load is undefined
  // behaviour, even as a typed pointer). The format is little-endian, as is
  // the host.
  using E = std::remove_cv_t<std::remove_pointer_t<decltype(v->data())>>;
  std::vector<E> raw(v->size());
  if (!raw.empty())
    std::memcpy(raw.data(), v->Data(), raw.size() * sizeof(E));
  out.assign(raw.begin(), raw.end());
  return out;
}

std::string str(const flatbuffers::String *s) { return s ? s->str() : std::string(); }

fb::Attrs expectedAttrs(OpKind kind) {
  switch (kind) {
  case OpKind::Gemm: return fb::Attrs::GemmAttrs;
  case OpKind::Conv: return fb::Attrs::ConvAttrs;
  case OpKind::MaxPool: case OpKind::AveragePool: return fb::Attrs::PoolAttrs;
  case OpKind::BatchNorm: case OpKind::LayerNorm: return fb::Attrs::NormAttrs;
  case OpKind::Softmax: case OpKind::Flatten: case OpKind::Concat:
  case OpKind::Gather: case OpKind::GatherElements: return fb::Attrs::AxisAttrs;
  case OpKind::ReduceMean: case OpKind::ReduceSum: case OpKind::ReduceMax:
    return fb::Attrs::ReduceAttrs;
  case OpKind::Clip: return fb::Attrs::ClipAttrs;
  case OpKind::Gelu: return fb::Attrs::GeluAttrs;
  case OpKind::Transpose: return fb::Attrs::TransposeAttrs;
  case OpKind::Split: return fb::Attrs::SplitAttrs;
  case OpKind::Slice: return fb::Attrs::SliceAttrs;
  case OpKind::Squeeze: case OpKind::Unsqueeze: return fb::Attrs::AxesAttrs;
  case OpKind::Expand: return fb::Attrs::ExpandAttrs;
  case OpKind::ArgMax: case OpKind::ArgMin: return fb::Attrs::ArgAttrs;
  default: return fb::Attrs::NONE;
  }
}

OpAttrs decodeAttrs(const fb::Op &op, OpKind kind, const std::string &where) {
  OpAttrs a = defaultAttrs(kind);
  fb::Attrs expected = expectedAttrs(kind);
  if (op.attrs_type() != expected)
    throw Error(where + " has attributes " + fb::EnumNameAttrs(op.attrs_type()) +
                ", expected " + fb::EnumNameAttrs(expected));
  // The union's type may be set while its table is absent.
  if (expected != fb::Attrs::NONE && !op.attrs())
    throw Error(where + " has no " + fb::EnumNameAttrs(expected) + " table");
  switch (expected) {
  case fb::Attrs::GemmAttrs: {
    auto *g = op.attrs_as_GemmAttrs();
    a.alpha = g->alpha(); a.beta = g->beta();
    a.transA = g->trans_a(); a.transB = g->trans_b();
    break;
  }
  case fb::Attrs::ConvAttrs: {
    auto *c = op.attrs_as_ConvAttrs();
    a.strides = vec<int64_t>(c->strides()); a.pads = vec<int64_t>(c->pads());
    a.dilations = vec<int64_t>(c->dilations()); a.group = c->group();
    break;
  }
  case fb::Attrs::PoolAttrs: {
    auto *p = op.attrs_as_PoolAttrs();
    a.kernelShape = vec<int64_t>(p->kernel_shape());
    a.strides = vec<int64_t>(p->strides()); a.pads = vec<int64_t>(p->pads());
    a.dilations = vec<int64_t>(p->dilations());
    a.ceilMode = p->ceil_mode(); a.countIncludePad = p->count_include_pad();
    break;
  }
  case fb::Attrs::NormAttrs: {
    auto *n = op.attrs_as_NormAttrs();
    a.axis = n->axis(); a.epsilon = n->epsilon();
    break;
  }
  case fb::Attrs::AxisAttrs: a.axis = op.attrs_as_AxisAttrs()->axis(); break;
  case fb::Attrs::ReduceAttrs: {
    auto *r = op.attrs_as_ReduceAttrs();
    a.axes = vec<int64_t>(r->axes()); a.keepdims = r->keepdims();
    break;
  }
  case fb::Attrs::ClipAttrs: {
    auto *c = op.attrs_as_ClipAttrs();
    if (c->has_min()) a.min = c->min();
    if (c->has_max()) a.max = c->max();
    break;
  }
  case fb::Attrs::GeluAttrs: a.geluTanh = op.attrs_as_GeluAttrs()->tanh_approximation(); break;
  case fb::Attrs::TransposeAttrs: a.perm = vec<int64_t>(op.attrs_as_TransposeAttrs()->perm()); break;
  case fb::Attrs::SplitAttrs: {
    auto *s = op.attrs_as_SplitAttrs();
    a.axis = s->axis(); a.sizes = vec<int64_t>(s->sizes());
    break;
  }
  case fb::Attrs::SliceAttrs: {
    auto *s = op.attrs_as_SliceAttrs();
    a.starts = vec<int64_t>(s->starts()); a.ends = vec<int64_t>(s->ends());
    a.axes = vec<int64_t>(s->axes()); a.steps = vec<int64_t>(s->steps());
    break;
  }
  case fb::Attrs::AxesAttrs: a.axes = vec<int64_t>(op.attrs_as_AxesAttrs()->axes()); break;
  case fb::Attrs::ExpandAttrs: a.shape = vec<int64_t>(op.attrs_as_ExpandAttrs()->shape()); break;
  case fb::Attrs::ArgAttrs: {
    auto *r = op.attrs_as_ArgAttrs();
    a.axis = r->axis(); a.keepdims = r->keepdims(); a.selectLastIndex = r->select_last_index();
    break;
  }
  case fb::Attrs::NONE: break;
  }
  return a;
}

std::pair<fb::Attrs, flatbuffers::Offset<void>>
encodeAttrs(flatbuffers::FlatBufferBuilder &b, OpKind kind, const OpAttrs &a) {
  fb::Attrs type = expectedAttrs(kind);
  flatbuffers::Offset<void> off;
  switch (type) {
  case fb::Attrs::GemmAttrs:
    off = fb::CreateGemmAttrs(b, a.alpha, a.beta, a.transA, a.transB).Union();
    break;
  case fb::Attrs::ConvAttrs:
    off = fb::CreateConvAttrs(b, b.CreateVector(a.strides), b.CreateVector(a.pads),
                              b.CreateVector(a.dilations), a.group).Union();
    break;
  case fb::Attrs::PoolAttrs:
    off = fb::CreatePoolAttrs(b, b.CreateVector(a.kernelShape),
                              b.CreateVector(a.strides), b.CreateVector(a.pads),
                              b.CreateVector(a.dilations), a.ceilMode,
                              a.countIncludePad).Union();
    break;
  case fb::Attrs::NormAttrs:
    off = fb::CreateNormAttrs(b, a.axis, a.epsilon).Union();
    break;
  case fb::Attrs::AxisAttrs: off = fb::CreateAxisAttrs(b, a.axis).Union(); break;
  case fb::Attrs::ReduceAttrs:
    off = fb::CreateReduceAttrs(b, b.CreateVector(a.axes), a.keepdims).Union();
    break;
  case fb::Attrs::ClipAttrs:
    off = fb::CreateClipAttrs(b, a.min.has_value(), a.min.value_or(0.0f),
                              a.max.has_value(), a.max.value_or(0.0f)).Union();
    break;
  case fb::Attrs::GeluAttrs: off = fb::CreateGeluAttrs(b, a.geluTanh).Union(); break;
  case fb::Attrs::TransposeAttrs:
    off = fb::CreateTransposeAttrs(b, b.CreateVector(a.perm)).Union();
    break;
  case fb::Attrs::SplitAttrs:
    off = fb::CreateSplitAttrs(b, a.axis, b.CreateVector(a.sizes)).Union();
    break;
  case fb::Attrs::SliceAttrs:
    off = fb::CreateSliceAttrs(b, b.CreateVector(a.starts), b.CreateVector(a.ends),
                               b.CreateVector(a.axes), b.CreateVector(a.steps)).Union();
    break;
  case fb::Attrs::AxesAttrs: off = fb::CreateAxesAttrs(b, b.CreateVector(a.axes)).Union(); break;
  case fb::Attrs::ExpandAttrs:
    off = fb::CreateExpandAttrs(b, b.CreateVector(a.shape)).Union();
    break;
  case fb::Attrs::ArgAttrs:
    off = fb::CreateArgAttrs(b, a.axis, a.keepdims, a.selectLastIndex).Union();
    break;
  case fb::Attrs::NONE: break;
  }
  return {type, off};
}

TensorType decodeType(fb::DType dtype, const flatbuffers::Vector<int64_t> *shape,
                      const std::string &where) {
  if (uint8_t(dtype) >= kNumDTypes)
    throw Error(where + " has unknown dtype " + std::to_string(int(dtype)));
  if (shape && shape->size() > ManifestLimits().maxRank)
    throw Error(where + " has rank " + std::to_string(shape->size()) +
                ", more than " + std::to_string(ManifestLimits().maxRank));
  return {DType(uint8_t(dtype)), vec<int64_t>(shape)};
}

std::vector<ValueRef> decodeRefs(const flatbuffers::Vector<const fb::ValueRef *> *v) {
  std::vector<ValueRef> out;
  if (v)
    for (const fb::ValueRef *r : *v)
      out.push_back({r->stage(), r->index()});
  return out;
}

ModelDesc decodeModel(const fb::Model &m) {
  ModelDesc model;
  model.name = str(m.name());
  model.batchSize = m.batch_size();
  auto descs = [](const auto *v, const char *what) {
    std::vector<TensorDesc> out;
    if (v)
      for (size_t i = 0; i < v->size(); ++i) {
        const fb::TensorDesc *d = v->Get(i);
        out.push_back({str(d->name()),
                       decodeType(d->dtype(), d->shape(),
                                  std::string(what) + " " + std::to_string(i))});
      }
    return out;
  };
  model.inputs = descs(m.inputs(), "model input");
  model.outputs = descs(m.outputs(), "model output");
  model.outputSources = decodeRefs(m.output_sources());
  if (m.options())
    for (const fb::KeyValue *kv : *m.options())
      model.options.emplace_back(str(kv->key()), str(kv->value()));
  if (m.stages()) {
    if (m.stages()->size() > ManifestLimits().maxStages)
      throw Error("manifest has " + std::to_string(m.stages()->size()) + " stages");
    for (const fb::Stage *s : *m.stages()) {
      StageDesc stage;
      stage.index = s->index();
      stage.core = s->core();
      std::string sname = "stage " + std::to_string(model.stages.size());
      // Checked before decoding: FlatBuffers offsets may share one table,
      // so a small file can list far more ops than it has bytes.
      if (s->ops() && s->ops()->size() > ManifestLimits().maxOpsPerStage)
        throw Error(sname + " has " + std::to_string(s->ops()->size()) +
                    " ops, more than " +
                    std::to_string(ManifestLimits().maxOpsPerStage));
      if (s->tensors() && s->tensors()->size() > ManifestLimits().maxTensorsPerStage)
        throw Error(sname + " has " + std::to_string(s->tensors()->size()) +
                    " tensors, more than " +
                    std::to_string(ManifestLimits().maxTensorsPerStage));
      if (s->tensors())
        for (size_t i = 0; i < s->tensors()->size(); ++i) {
          const fb::Tensor *t = s->tensors()->Get(i);
          std::string where = sname + " tensor " + std::to_string(i);
          StageTensor st;
          st.name = str(t->name());
          st.type = decodeType(t->dtype(), t->shape(), where);
          if (uint8_t(t->kind()) > uint8_t(TensorKind::Constant))
            throw Error(where + " has unknown kind " + std::to_string(int(t->kind())));
          st.kind = TensorKind(uint8_t(t->kind()));
          st.inputIndex = t->input_index();
          st.section = t->section();
          st.offset = t->offset();
          st.size = t->size();
          st.data = vec<uint8_t>(t->data());
          stage.tensors.push_back(std::move(st));
        }
      if (s->ops())
        for (size_t i = 0; i < s->ops()->size(); ++i) {
          const fb::Op *o = s->ops()->Get(i);
          std::string where = sname + " op " + std::to_string(i);
          OpDesc op;
          if (uint16_t(o->kind()) >= kNumOpKinds)
            throw Error(where + " has unknown op kind " + std::to_string(int(o->kind())));
          op.kind = OpKind(uint16_t(o->kind()));
          op.name = str(o->name());
          op.inputs = vec<uint32_t>(o->inputs());
          op.outputs = vec<uint32_t>(o->outputs());
          op.attrs = decodeAttrs(*o, op.kind, where + " '" + opKindName(op.kind) + "'");
          op.flops = o->flops();
          stage.ops.push_back(std::move(op));
        }
      stage.inputs = vec<uint32_t>(s->inputs());
      stage.inputSources = decodeRefs(s->input_sources());
      stage.outputs = vec<uint32_t>(s->outputs());
      stage.arenaSize = s->arena_size();
      stage.weightBytes = s->weight_bytes();
      stage.flops = s->flops();
      model.stages.push_back(std::move(stage));
    }
  }
  return model;
}
} // namespace

//===----------------------------------------------------------------------===//
// Serialization
//===----------------------------------------------------------------------===//

static std::vector<uint8_t> encodeManifest(const ModelDesc &model) {
  flatbuffers::FlatBufferBuilder b(1 << 16);
  auto shapeVec = [&](const Shape &s) { return b.CreateVector(s); };
  auto descs = [&](const std::vector<TensorDesc> &v) {
    std::vector<flatbuffers::Offset<fb::TensorDesc>> out;
    for (const TensorDesc &d : v)
      out.push_back(fb::CreateTensorDesc(b, b.CreateString(d.name),
                                         fb::DType(d.type.dtype), shapeVec(d.type.shape)));
    return b.CreateVector(out);
  };
  auto refs = [&](const std::vector<ValueRef> &v) {
    std::vector<fb::ValueRef> out;
    for (const ValueRef &r : v)
      out.emplace_back(r.stage, r.index);
    return b.CreateVectorOfStructs(out);
  };
  std::vector<flatbuffers::Offset<fb::Stage>> stages;
  for (const StageDesc &s : model.stages) {
    std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
    for (const StageTensor &t : s.tensors) {
      flatbuffers::Offset<flatbuffers::Vector<uint8_t>> data;
      if (t.kind == TensorKind::Constant)
        data = b.CreateVector(t.data);
      tensors.push_back(fb::CreateTensor(
          b, b.CreateString(t.name), fb::DType(t.type.dtype), shapeVec(t.type.shape),
          fb::TensorKind(t.kind), t.inputIndex, t.section, t.offset, t.size, data));
    }
    std::vector<flatbuffers::Offset<fb::Op>> ops;
    for (const OpDesc &o : s.ops) {
      auto [type, attrs] = encodeAttrs(b, o.kind, o.attrs);
      ops.push_back(fb::CreateOp(b, fb::OpKind(o.kind), b.CreateString(o.name),
                                 b.CreateVector(o.inputs), b.CreateVector(o.outputs),
                                 type, attrs, o.flops));
    }
    auto tv = b.CreateVector(tensors);
    auto ov = b.CreateVector(ops);
    stages.push_back(fb::CreateStage(b, s.index, s.core, tv, ov, b.CreateVector(s.inputs),
                                     refs(s.inputSources), b.CreateVector(s.outputs),
                                     s.arenaSize, s.weightBytes, s.flops));
  }
  std::vector<flatbuffers::Offset<fb::KeyValue>> options;
  for (const auto &[k, v] : model.options)
    options.push_back(fb::CreateKeyValue(b, b.CreateString(k), b.CreateString(v)));
  auto name = b.CreateString(model.name);
  auto in = descs(model.inputs);
  auto out = descs(model.outputs);
  auto osrc = refs(model.outputSources);
  auto opts = b.CreateVector(options);
  auto st = b.CreateVector(stages);
  b.Finish(fb::CreateModel(b, name, model.batchSize, in, out, osrc, opts, st),
           fb::ModelIdentifier());
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

std::vector<uint8_t>
serializeArtifact(const ModelDesc &model,
                  const std::vector<std::vector<uint8_t>> &stageWeights,
                  uint64_t buildId, const std::array<uint8_t, 16> &uuidIn) {
  std::vector<uint8_t> manifest = encodeManifest(model);
  uint32_t numSections = 1 + uint32_t(stageWeights.size());
  uint64_t headerSize = kHeaderSize + numSections * kSectionEntrySize;
  std::vector<SectionInfo> sections;
  uint64_t offset = alignUp(headerSize, kSectionAlignment);
  sections.push_back({SectionKind::Manifest, 0, offset, manifest.size(), 0});
  offset = alignUp(offset + manifest.size(), kSectionAlignment);
  for (size_t i = 0; i < stageWeights.size(); ++i) {
    sections.push_back({SectionKind::Weights, uint32_t(i), offset,
                        stageWeights[i].size(), 0});
    offset = alignUp(offset + stageWeights[i].size(), kSectionAlignment);
  }
  uint64_t fileSize = sections.back().offset + sections.back().size;
  std::vector<uint8_t> image(fileSize, 0);
  std::memcpy(image.data() + sections[0].offset, manifest.data(), manifest.size());
  for (size_t i = 0; i < stageWeights.size(); ++i)
    if (!stageWeights[i].empty())
      std::memcpy(image.data() + sections[i + 1].offset, stageWeights[i].data(),
                  stageWeights[i].size());

  uint8_t *h = image.data();
  std::memcpy(h + kOffMagic, "NEFF", 4);
  store<uint16_t>(h + kOffMajor, kFormatMajor);
  store<uint16_t>(h + kOffMinor, kFormatMinor);
  store<uint32_t>(h + kOffHeaderSize, uint32_t(headerSize));
  store<uint32_t>(h + kOffNumSections, numSections);
  store<uint32_t>(h + kOffNumStages, uint32_t(model.stages.size()));
  store<uint32_t>(h + kOffFlags, 0);
  store<uint64_t>(h + kOffBuildId, buildId);
  std::array<uint8_t, 16> uuid = uuidIn;
  if (uuid == std::array<uint8_t, 16>{}) {
    // Deterministic default: a hash of the content.
    XXH128_hash_t d = XXH3_128bits(image.data() + sections[0].offset,
                                   fileSize - sections[0].offset);
    std::memcpy(uuid.data(), &d.low64, 8);
    std::memcpy(uuid.data() + 8, &d.high64, 8);
  }
  std::memcpy(h + kOffUuid, uuid.data(), 16);
  std::strncpy(reinterpret_cast<char *>(h + kOffName), model.name.c_str(),
               kNameBytes - 1);
  store<uint64_t>(h + kOffFileSize, fileSize);
  for (uint32_t i = 0; i < numSections; ++i) {
    uint8_t *e = h + kHeaderSize + i * kSectionEntrySize;
    store<uint32_t>(e, uint32_t(sections[i].kind));
    store<uint32_t>(e + 4, sections[i].stage);
    store<uint64_t>(e + 8, sections[i].offset);
    store<uint64_t>(e + 16, sections[i].size);
  }
  resealArtifact(image);
  return image;
}

void resealArtifact(std::vector<uint8_t> &bytes) {
  if (bytes.size() < kHeaderSize)
    return;
  uint8_t *h = bytes.data();
  uint32_t numSections = load<uint32_t>(h + kOffNumSections);
  uint64_t headerSize = kHeaderSize + uint64_t(numSections) * kSectionEntrySize;
  if (headerSize > bytes.size())
    return;
  for (uint32_t i = 0; i < numSections; ++i) {
    uint8_t *e = h + kHeaderSize + i * kSectionEntrySize;
    uint64_t off = load<uint64_t>(e + 8), size = load<uint64_t>(e + 16);
    if (off <= bytes.size() && size <= bytes.size() - off)
      store<uint64_t>(e + 24, XXH3_64bits(h + off, size));
  }
  store<uint64_t>(h + kOffChecksum, headerChecksum(h, headerSize));
}

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

Artifact::~Artifact() {
  if (mapping_)
    munmap(mapping_, size_);
}

const uint8_t *Artifact::sectionData(uint32_t index) const {
  return base_ + header_.sections.at(index).offset;
}

const uint8_t *Artifact::weightData(const StageTensor &tensor) const {
  return sectionData(tensor.section) + tensor.offset;
}

void Artifact::parse(const std::string &what) {
  header_ = decodeHeader(base_, size_, what);
  for (size_t i = 0; i < header_.sections.size(); ++i) {
    const SectionInfo &s = header_.sections[i];
    uint64_t computed = XXH3_64bits(base_ + s.offset, s.size);
    if (computed != s.checksum)
      throw Error(what + ": checksum mismatch in " + sectionName(s, i) +
                  " (stored " + hex(s.checksum) + ", computed " + hex(computed) +
                  "): the file is corrupt");
  }
  const SectionInfo &m = header_.sections[0];
  flatbuffers::Verifier verifier(base_ + m.offset, m.size);
  if (!fb::VerifyModelBuffer(verifier))
    throw Error(what + ": the manifest fails the FlatBuffers verifier");
  const fb::Model *root = fb::GetModel(base_ + m.offset);
  try {
    model_ = decodeModel(*root);
    if (model_.stages.size() != header_.numStages)
      throw Error("header says " + std::to_string(header_.numStages) +
                  " stages, manifest has " + std::to_string(model_.stages.size()));
    if (model_.name.compare(0, header_.modelName.size(), header_.modelName) != 0)
      throw Error("header model name '" + header_.modelName +
                  "' differs from manifest name '" + model_.name + "'");
    std::vector<uint64_t> sizes;
    for (const SectionInfo &s : header_.sections)
      sizes.push_back(s.kind == SectionKind::Manifest ? 0 : s.size);
    verifyManifest(model_, sizes);
    for (const StageDesc &stage : model_.stages)
      for (const StageTensor &t : stage.tensors)
        if (t.kind == TensorKind::Weight &&
            header_.sections[t.section].stage != stage.index)
          throw Error("stage " + std::to_string(stage.index) + " weight '" + t.name +
                      "' lives in section " + std::to_string(t.section) +
                      " of stage " + std::to_string(header_.sections[t.section].stage));
  } catch (const Error &e) {
    throw Error(what + ": invalid manifest: " + e.what());
  }
}

std::shared_ptr<const Artifact> Artifact::open(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(path + ": not a regular file");
  }
  std::shared_ptr<Artifact> a(new Artifact());
  a->size_ = uint64_t(st.st_size);
  if (a->size_ < kHeaderSize) {
    ::close(fd);
    throw Error(path + ": truncated artifact: " + std::to_string(a->size_) +
                " bytes, the header alone needs " + std::to_string(kHeaderSize));
  }
  void *p = mmap(nullptr, a->size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED)
    throw Error(path + ": cannot map: " + std::strerror(errno));
  a->mapping_ = p;
  a->base_ = static_cast<const uint8_t *>(p);
  a->parse(path);
  return a;
}

std::shared_ptr<const Artifact> Artifact::fromBytes(std::vector<uint8_t> bytes) {
  std::shared_ptr<Artifact> a(new Artifact());
  a->owned_ = std::move(bytes);
  a->base_ = a->owned_.data();
  a->size_ = a->owned_.size();
  a->parse("<memory>");
  return a;
}

ArtifactHeader Artifact::readHeader(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(path + ": not a regular file");
  }
  uint64_t size = uint64_t(st.st_size);
  if (size < kHeaderSize) {
    ::close(fd);
    throw Error(path + ": truncated artifact: " + std::to_string(size) +
                " bytes, the header alone needs " + std::to_string(kHeaderSize));
  }
  void *p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED)
    throw Error(path + ": cannot map: " + std::strerror(errno));
  try {
    ArtifactHeader h = decodeHeader(static_cast<const uint8_t *>(p), size, path);
    munmap(p, size);
    return h;
  } catch (...) {
    munmap(p, size);
    throw;
  }
}

} // namespace neuron::rt
