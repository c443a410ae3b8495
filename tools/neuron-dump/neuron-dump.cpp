//===- neuron-dump.cpp - inspect a .neff artifact -------------------------===//
//
//   neuron-dump MODEL.neff [--json] [--verify] [--ops] [--weights]
//
// Prints the header, the sections, the model interface, the compile options
// and one row per stage. The artifact is always fully verified (checksums,
// FlatBuffers verifier, manifest); --verify also prepares every kernel and
// runs one request on zero inputs. Exit status 1 if anything fails.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Json.h"
#include "neuron/runtime/Model.h"

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

using namespace neuron::rt;

namespace {
std::string hex(uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << std::setw(16) << std::setfill('0') << v;
  return os.str();
}

std::string uuidStr(const std::array<uint8_t, 16> &u) {
  std::ostringstream os;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      os << '-';
    os << std::hex << std::setw(2) << std::setfill('0') << int(u[i]);
  }
  return os.str();
}

std::string typeStr(const TensorType &t) {
  return std::string(dtypeName(t.dtype)) + formatShape(t.shape);
}

std::string refStr(ValueRef r) {
  return r.isPipelineInput() ? "input " + std::to_string(r.index)
                             : "stage " + std::to_string(r.stage) + " output " +
                                   std::to_string(r.index);
}

const char *kSectionKinds[] = {"manifest", "weights"};

void printText(const ArtifactHeader &h, const ModelDesc &m, bool ops,
               bool weights) {
  std::cout << "artifact: NEFF " << h.major << "." << h.minor << ", " << h.fileSize
            << " bytes\nmodel: " << m.name << "\nbuild id: " << hex(h.buildId)
            << "\nuuid: " << uuidStr(h.uuid) << "\nbatch size: " << m.batchSize
            << "\nstages: " << h.numStages << "\n\nsections:\n";
  for (size_t i = 0; i < h.sections.size(); ++i) {
    const SectionInfo &s = h.sections[i];
    std::cout << "  " << i << "  " << std::left << std::setw(9)
              << kSectionKinds[int(s.kind)] << std::right;
    if (s.kind == SectionKind::Weights)
      std::cout << " stage " << s.stage;
    else
      std::cout << "        ";
    std::cout << "  offset " << std::setw(10) << s.offset << "  size " << std::setw(10)
              << s.size << "  xxh3 " << hex(s.checksum) << "\n";
  }
  std::cout << "\ninputs:\n";
  for (size_t i = 0; i < m.inputs.size(); ++i)
    std::cout << "  " << i << "  " << m.inputs[i].name << ": " << typeStr(m.inputs[i].type) << "\n";
  std::cout << "outputs:\n";
  for (size_t i = 0; i < m.outputs.size(); ++i)
    std::cout << "  " << i << "  " << m.outputs[i].name << ": " << typeStr(m.outputs[i].type)
              << "  <- " << refStr(m.outputSources[i]) << "\n";
  if (!m.options.empty()) {
    std::cout << "options:\n";
    for (const auto &[k, v] : m.options)
      std::cout << "  " << k << " = " << v << "\n";
  }
  std::cout << "\nstage  core  ops  tensors  weight_bytes  flops         arena_bytes  inputs\n";
  for (const StageDesc &s : m.stages) {
    std::cout << std::setw(5) << s.index << std::setw(6) << s.core << std::setw(5)
              << s.ops.size() << std::setw(9) << s.tensors.size() << std::setw(14)
              << s.weightBytes << "  " << std::left << std::setw(12) << s.flops << "  "
              << std::right << std::setw(11) << s.arenaSize << "  ";
    for (size_t i = 0; i < s.inputSources.size(); ++i)
      std::cout << (i ? ", " : "") << refStr(s.inputSources[i]);
    std::cout << "\n";
    // The stored dtype of each weight shows what --auto-cast did.
    if (weights)
      for (const StageTensor &t : s.tensors)
        if (t.kind == TensorKind::Weight)
          std::cout << "         weight " << t.name << ": " << typeStr(t.type) << ", "
                    << t.size << " bytes\n";
    if (ops)
      for (size_t i = 0; i < s.ops.size(); ++i) {
        const OpDesc &op = s.ops[i];
        std::cout << "         op " << i << ": " << opKindName(op.kind);
        if (!op.name.empty())
          std::cout << " (" << op.name << ")";
        std::cout << " ->";
        for (uint32_t id : op.outputs)
          std::cout << " " << typeStr(s.tensors[id].type);
        std::cout << "\n";
      }
  }
}

void printJson(const ArtifactHeader &h, const ModelDesc &m) {
  auto descs = [](const std::vector<TensorDesc> &v) {
    std::ostringstream os;
    os << "[";
    for (size_t i = 0; i < v.size(); ++i) {
      os << (i ? ", " : "") << "{\"name\": " << jsonString(v[i].name)
         << ", \"dtype\": " << jsonString(dtypeName(v[i].type.dtype)) << ", \"shape\": [";
      for (size_t d = 0; d < v[i].type.shape.size(); ++d)
        os << (d ? ", " : "") << v[i].type.shape[d];
      os << "]}";
    }
    return os.str() + "]";
  };
  std::cout << "{\"format\": \"" << h.major << "." << h.minor << "\", \"file_size\": "
            << h.fileSize << ", \"model\": " << jsonString(m.name)
            << ", \"build_id\": " << jsonString(hex(h.buildId))
            << ", \"uuid\": " << jsonString(uuidStr(h.uuid))
            << ", \"batch_size\": " << m.batchSize << ", \"sections\": [";
  for (size_t i = 0; i < h.sections.size(); ++i) {
    const SectionInfo &s = h.sections[i];
    std::cout << (i ? ", " : "") << "{\"kind\": " << jsonString(kSectionKinds[int(s.kind)])
              << ", \"stage\": " << s.stage << ", \"offset\": " << s.offset
              << ", \"size\": " << s.size << ", \"xxh3\": " << jsonString(hex(s.checksum)) << "}";
  }
  std::cout << "], \"inputs\": " << descs(m.inputs) << ", \"outputs\": " << descs(m.outputs)
            << ", \"options\": {";
  for (size_t i = 0; i < m.options.size(); ++i)
    std::cout << (i ? ", " : "") << jsonString(m.options[i].first) << ": "
              << jsonString(m.options[i].second);
  std::cout << "}, \"stages\": [";
  for (size_t i = 0; i < m.stages.size(); ++i) {
    const StageDesc &s = m.stages[i];
    std::cout << (i ? ", " : "") << "{\"index\": " << s.index << ", \"core\": " << s.core
              << ", \"ops\": " << s.ops.size() << ", \"tensors\": " << s.tensors.size()
              << ", \"weight_bytes\": " << s.weightBytes << ", \"flops\": " << s.flops
              << ", \"arena_bytes\": " << s.arenaSize << "}";
  }
  std::cout << "]}\n";
}
} // namespace

int main(int argc, char **argv) {
  std::string path;
  bool json = false, verify = false, ops = false, weights = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json")
      json = true;
    else if (a == "--verify")
      verify = true;
    else if (a == "--ops")
      ops = true;
    else if (a == "--weights")
      weights = true;
    else if (a == "-h" || a == "--help") {
      std::cout << "usage: neuron-dump MODEL.neff [--json] [--verify] [--ops] [--weights]\n";
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "neuron-dump: unknown option '" << a << "'\n";
      return 2;
    } else if (path.empty())
      path = a;
    else {
      std::cerr << "neuron-dump: unexpected argument '" << a << "'\n";
      return 2;
    }
  }
  if (path.empty()) {
    std::cerr << "usage: neuron-dump MODEL.neff [--json] [--verify] [--ops] [--weights]\n";
    return 2;
  }
  try {
    auto artifact = Artifact::open(path);
    if (json)
      printJson(artifact->header(), artifact->model());
    else
      printText(artifact->header(), artifact->model(), ops, weights);
    if (verify) {
      Model model = Model::load(artifact);
      std::vector<HostTensor> zeros;
      for (const TensorDesc &d : model.inputs())
        zeros.emplace_back(d.type.dtype, d.type.shape);
      model.run(zeros);
      if (!json) {
        std::cout << "\nverify: OK (kernels prepared, one request run on zero inputs)\n";
        auto backends = model.kernelBackends();
        auto plan = model.kernelPlan();
        for (size_t s = 0; s < backends.size(); ++s) {
          size_t dnnl = 0, views = 0;
          for (const std::string &b : backends[s]) {
            dnnl += b == "onednn";
            views += b == "view";
          }
          std::cout << "  stage " << s << ": ops on " << dnnl << " onednn, "
                    << backends[s].size() - dnnl - views << " reference kernels, " << views
                    << " views; " << plan[s].size() << " planned steps:\n";
          for (const std::string &step : plan[s])
            std::cout << "    " << step << "\n";
        }
      }
    }
    return 0;
  } catch (const Error &e) {
    std::cerr << "neuron-dump: error: " << e.what() << "\n";
    return 1;
  }
}
