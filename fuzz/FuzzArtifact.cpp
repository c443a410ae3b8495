//===- FuzzArtifact.cpp - libFuzzer target: .neff artifacts ---------------===//
//
// Bytes -> Artifact::fromBytes (header, section table, checksums, the
// FlatBuffers verifier, verifyManifest) -> a description of every header and
// manifest field (weights read through weightData) -> Model::load with the
// reference kernels -> one request with zero inputs of the declared shapes.
//
// Random mutations would almost never get past the XXH3 checksums, so the
// custom mutator below reseals most mutants (resealArtifact, as a hostile
// writer would): the corpus holds real artifacts, and a crashing input
// crashes `neuron-run` on the same file. One mutant in 16 keeps its stale
// checksums so the checksum paths stay covered.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Artifact.h"
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Model.h"

#include <cstring>
#include <sstream>

using namespace neuron::rt;

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned int seed) {
  size = LLVMFuzzerMutate(data, size, maxSize);
  if (seed % 16 == 0)
    return size;
  std::vector<uint8_t> bytes(data, data + size);
  resealArtifact(bytes);
  std::memcpy(data, bytes.data(), size);
  return size;
}

namespace {
/// Budget for running one request: the loader accepts models far larger
/// than a fuzzer can execute thousands of times a second (64 GiB tensors,
/// see ManifestLimits), so bigger ones are verified and described but not
/// run. Not a product limit.
constexpr uint64_t kMaxRunElements = uint64_t(1) << 22;
constexpr uint64_t kMaxRunWork = uint64_t(1) << 24;

/// Writes every field, as neuron-dump does, so that each decoded string,
/// shape and enum is read at least once.
std::string describe(const Artifact &artifact) {
  std::ostringstream os;
  const ArtifactHeader &h = artifact.header();
  os << h.major << "." << h.minor << " " << h.buildId << " " << h.modelName
     << " " << h.numStages << " " << h.fileSize << "\n";
  for (const SectionInfo &s : h.sections)
    os << int(s.kind) << " " << s.stage << " " << s.offset << " " << s.size
       << "\n";
  const ModelDesc &m = artifact.model();
  os << m.name << " batch " << m.batchSize << "\n";
  for (const TensorDesc &d : m.inputs)
    os << "in " << d.name << " " << dtypeName(d.type.dtype)
       << formatShape(d.type.shape) << "\n";
  for (const TensorDesc &d : m.outputs)
    os << "out " << d.name << " " << dtypeName(d.type.dtype)
       << formatShape(d.type.shape) << "\n";
  for (const auto &[k, v] : m.options)
    os << k << "=" << v << "\n";
  for (const StageDesc &s : m.stages) {
    os << "stage " << s.index << " core " << s.core << " arena " << s.arenaSize
       << "\n";
    uint64_t checksum = 0;
    for (const StageTensor &t : s.tensors) {
      os << "  " << tensorKindName(t.kind) << " " << t.name << " "
         << dtypeName(t.type.dtype) << formatShape(t.type.shape) << "\n";
      if (t.kind == TensorKind::Weight) {
        const uint8_t *p = artifact.weightData(t);
        for (uint64_t i = 0; i < t.size; ++i)
          checksum += p[i];
      }
    }
    for (const OpDesc &op : s.ops)
      os << "  " << opKindName(op.kind) << " " << op.name << " "
         << op.inputs.size() << " -> " << op.outputs.size() << "\n";
    os << "  weights sum " << checksum << "\n";
  }
  return os.str();
}

/// Returns true when one request of `model` fits the fuzzing budget.
bool cheapToRun(const ModelDesc &model) {
  uint64_t elements = 0, work = 0;
  for (const TensorDesc &d : model.inputs)
    elements += numElements(d.type.shape);
  for (const StageDesc &s : model.stages) {
    // Arena bytes are allocated (and zeroed) at load.
    elements += s.arenaSize / 4;
    for (const StageTensor &t : s.tensors)
      elements += numElements(t.type.shape);
    for (const OpDesc &op : s.ops) {
      std::vector<TensorType> in, out;
      uint64_t touched = 0;
      for (uint32_t id : op.inputs) {
        in.push_back(s.tensors[id].type);
        touched += numElements(in.back().shape);
      }
      for (uint32_t id : op.outputs) {
        out.push_back(s.tensors[id].type);
        touched += numElements(out.back().shape);
      }
      work += std::max(estimateFlops(op.kind, op.attrs, in, out), touched);
    }
    if (elements > kMaxRunElements || work > kMaxRunWork)
      return false;
  }
  return elements <= kMaxRunElements && work <= kMaxRunWork;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  try {
    std::shared_ptr<const Artifact> artifact =
        Artifact::fromBytes(std::vector<uint8_t>(data, data + size));
    std::string description = describe(*artifact);
    if (description.empty() || !cheapToRun(artifact->model()))
      return 0;
    Model model = Model::load(artifact, {KernelBackend::Reference, 1});
    std::vector<HostTensor> inputs;
    for (const TensorDesc &d : model.inputs())
      inputs.emplace_back(d.type.dtype, d.type.shape);
    std::vector<HostTensor> outputs = model.run(inputs);
    if (outputs.size() != model.outputs().size())
      std::abort();
    for (size_t i = 0; i < outputs.size(); ++i)
      if (!(outputs[i].dtype() == model.outputs()[i].type.dtype &&
            outputs[i].shape() == model.outputs()[i].type.shape))
        std::abort(); // A result that does not match the declared interface.
  } catch (const Error &) {
  }
  return 0;
}
