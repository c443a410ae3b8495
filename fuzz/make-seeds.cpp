//===- make-seeds.cpp - writes the seed corpora of the fuzz targets -------===//
//
// usage: neuron-fuzz-seeds TEST_DIR OUT_DIR [ARTIFACT_REGRESSIONS]
// Seeds are small valid inputs, generated at build time so that no binary
// corpus lives in git: every `//--- NAME.onnxtxt` model of the lit tests
// under TEST_DIR (as text, and serialized as a binary ModelProto), artifacts
// built with the runtime's writer (one per op kind, and a two-stage MLP),
// .npy files of every dtype, io-config values and core lists. The artifact
// corpus also gets every `fromHex(...)` input of ARTIFACT_REGRESSIONS
// (runtime/unittests/FuzzRegressionTest.cpp), so the fuzzer replays past
// findings too. Writes OUT_DIR/<target>/seed-<n> and fails if any seed
// cannot be built.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Npy.h"
#include "neuron/runtime/TestArtifacts.h"

#include "onnx/defs/parser.h"
#include "onnx/onnx_pb.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;
using namespace neuron::rt;
using testkit::Operand;

namespace {
int failures = 0;

class Corpus {
public:
  Corpus(const fs::path &dir) : dir(dir) { fs::create_directories(dir); }
  void add(const std::string &bytes) {
    std::ofstream out(dir / ("seed-" + std::to_string(count++)),
                      std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) {
      std::cerr << "cannot write a seed into " << dir << "\n";
      ++failures;
    }
  }
  void add(const std::vector<uint8_t> &bytes) {
    add(std::string(bytes.begin(), bytes.end()));
  }

private:
  fs::path dir;
  int count = 0;
};

/// The `//--- NAME.onnxtxt` sections of a split-file lit test.
std::vector<std::pair<std::string, std::string>>
onnxSections(const fs::path &file) {
  std::ifstream in(file);
  std::vector<std::pair<std::string, std::string>> out;
  std::string line;
  bool inModel = false;
  while (std::getline(in, line)) {
    if (line.rfind("//--- ", 0) == 0) {
      std::string name = line.substr(6);
      inModel =
          name.size() > 8 && name.compare(name.size() - 8, 8, ".onnxtxt") == 0;
      if (inModel)
        out.push_back({file.filename().string() + ":" + name, ""});
      continue;
    }
    if (inModel)
      out.back().second += line + "\n";
  }
  return out;
}

void onnxSeeds(const fs::path &testDir, Corpus &binary, Corpus &text) {
  std::vector<fs::path> files;
  for (const auto &entry : fs::recursive_directory_iterator(testDir))
    if (entry.path().extension() == ".test")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  int models = 0;
  for (const fs::path &file : files)
    for (const auto &[name, source] : onnxSections(file)) {
      text.add(source);
      onnx::ModelProto model;
      onnx::Common::Status status =
          onnx::OnnxParser::Parse(model, source.c_str());
      // Error tests hold deliberately broken models: they are text seeds only.
      if (!status.IsOK())
        continue;
      std::string bytes;
      model.SerializeToString(&bytes);
      binary.add(bytes);
      ++models;
    }
  if (models == 0) {
    std::cerr << "no parsable .onnxtxt section under " << testDir << "\n";
    ++failures;
  }
}

HostTensor filled(DType dtype, Shape shape, std::mt19937 &rng) {
  return testkit::randomTensor(dtype, std::move(shape), rng);
}

void artifactSeeds(Corpus &corpus) {
  std::mt19937 rng(7);
  corpus.add(testkit::buildMlpArtifact(2, 5, 6, 3));
  auto in = [](Shape s, DType d = DType::F32) {
    return Operand::input(d, std::move(s));
  };
  auto w = [&](Shape s, DType d = DType::F32) {
    return Operand::weight(filled(d, std::move(s), rng));
  };
  auto c = [&](Shape s, DType d = DType::F32) {
    return Operand::constant(filled(d, std::move(s), rng));
  };
  struct Case {
    OpKind kind;
    std::vector<Operand> operands;
    std::function<void(OpAttrs &)> attrs;
  };
  std::vector<Case> cases;
  for (OpKind k : {OpKind::Add, OpKind::Sub, OpKind::Mul, OpKind::Div,
                   OpKind::Pow, OpKind::Max, OpKind::Min})
    cases.push_back({k, {in({2, 3}), c({3})}, nullptr});
  for (OpKind k : {OpKind::Relu, OpKind::Tanh, OpKind::Sigmoid, OpKind::Erf,
                   OpKind::Exp, OpKind::Log, OpKind::Sqrt, OpKind::Reciprocal,
                   OpKind::Neg, OpKind::Abs, OpKind::Identity, OpKind::Gelu})
    cases.push_back({k, {in({2, 3})}, nullptr});
  cases.push_back({OpKind::Clip, {in({2, 3})}, [](OpAttrs &a) {
                     a.min = -0.5f;
                     a.max = 0.5f;
                   }});
  cases.push_back(
      {OpKind::Cast, {in({2, 3})}, [](OpAttrs &a) { a.castTo = DType::I32; }});
  cases.push_back(
      {OpKind::Where, {in({2, 3}, DType::Bool), in({2, 3}), c({3})}, nullptr});
  cases.push_back({OpKind::MatMul, {in({2, 4}), w({4, 3})}, nullptr});
  cases.push_back({OpKind::Gemm, {in({2, 4}), w({4, 3}), w({3})}, nullptr});
  cases.push_back({OpKind::Conv,
                   {in({1, 2, 5, 5}), w({3, 2, 3, 3}), w({3})},
                   [](OpAttrs &a) {
                     a.pads = {1, 1, 1, 1};
                   }});
  cases.push_back({OpKind::BatchNorm,
                   {in({1, 2, 3, 3}), w({2}), w({2}), w({2}), c({2})},
                   nullptr});
  cases.push_back({OpKind::LayerNorm, {in({2, 4}), w({4}), w({4})}, nullptr});
  cases.push_back({OpKind::Softmax, {in({2, 4})}, nullptr});
  for (OpKind k : {OpKind::MaxPool, OpKind::AveragePool})
    cases.push_back({k, {in({1, 1, 4, 4})}, [](OpAttrs &a) {
                       a.kernelShape = {2, 2};
                       a.strides = {2, 2};
                     }});
  cases.push_back({OpKind::GlobalAveragePool, {in({1, 2, 3, 3})}, nullptr});
  for (OpKind k : {OpKind::ReduceMean, OpKind::ReduceSum, OpKind::ReduceMax})
    cases.push_back({k, {in({2, 3, 4})}, [](OpAttrs &a) { a.axes = {1}; }});
  cases.push_back({OpKind::Reshape, {in({2, 3})}, [](OpAttrs &a) {
                     a.shape = {3, 2};
                   }});
  cases.push_back({OpKind::Transpose, {in({2, 3})}, [](OpAttrs &a) {
                     a.perm = {1, 0};
                   }});
  cases.push_back({OpKind::Flatten, {in({2, 3, 4})}, nullptr});
  cases.push_back({OpKind::Concat, {in({2, 3}), in({2, 2})}, [](OpAttrs &a) {
                     a.axis = 1;
                   }});
  cases.push_back({OpKind::Split, {in({4, 3})}, [](OpAttrs &a) {
                     a.sizes = {1, 3};
                   }});
  cases.push_back({OpKind::Slice, {in({4, 5})}, [](OpAttrs &a) {
                     a.starts = {1};
                     a.ends = {3};
                     a.axes = {1};
                     a.steps = {1};
                   }});
  {
    HostTensor idx(DType::I64, {2});
    static_cast<int64_t *>(idx.data())[0] = 3;
    static_cast<int64_t *>(idx.data())[1] = 0;
    cases.push_back({OpKind::Gather,
                     {in({4, 3}), Operand::constant(std::move(idx))},
                     nullptr});
  }
  cases.push_back(
      {OpKind::Unsqueeze, {in({2, 3})}, [](OpAttrs &a) { a.axes = {0}; }});
  cases.push_back(
      {OpKind::Squeeze, {in({1, 3})}, [](OpAttrs &a) { a.axes = {0}; }});
  cases.push_back({OpKind::Expand, {in({1, 3})}, [](OpAttrs &a) {
                     a.shape = {2, 3};
                   }});
  for (Case &k : cases) {
    OpAttrs attrs = defaultAttrs(k.kind);
    if (k.attrs)
      k.attrs(attrs);
    try {
      corpus.add(testkit::buildSingleOpArtifact(k.kind, k.operands, attrs));
    } catch (const Error &e) {
      std::cerr << "artifact seed '" << opKindName(k.kind) << "': " << e.what()
                << "\n";
      ++failures;
    }
  }
}

/// The hex string literals inside each `fromHex(...)` call of a test file.
void regressionSeeds(const fs::path &file, Corpus &corpus) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  int found = 0;
  for (size_t pos = s.find("fromHex(\n"); pos != std::string::npos;
       pos = s.find("fromHex(\n", pos + 1)) {
    size_t end = s.find(");", pos);
    std::string hex;
    for (size_t i = pos; i < end; ++i)
      if (s[i] == '"')
        for (++i; i < end && s[i] != '"'; ++i)
          hex += s[i];
    std::string bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
      bytes += char(std::stoi(hex.substr(i, 2), nullptr, 16));
    corpus.add(bytes);
    ++found;
  }
  if (found == 0) {
    std::cerr << "no fromHex(...) input in " << file << "\n";
    ++failures;
  }
}

void npySeeds(Corpus &corpus) {
  std::mt19937 rng(3);
  for (DType d : {DType::F32, DType::F16, DType::BF16, DType::I64, DType::I32,
                  DType::I8, DType::Bool})
    corpus.add(encodeNpy(filled(d, {2, 3}, rng)));
  corpus.add(encodeNpy(filled(DType::F32, {}, rng)));
  corpus.add(encodeNpy(filled(DType::F32, {4}, rng)));
  corpus.add(encodeNpy(filled(DType::F32, {0, 3}, rng)));
  // Version 2.0 headers (4-byte length), as NumPy writes for huge dicts.
  std::string v2 = "\x93NUMPY\x02";
  v2 += '\0';
  std::string dict =
      "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }\n";
  uint32_t n = uint32_t(dict.size());
  v2.append(reinterpret_cast<const char *>(&n), 4);
  v2 += dict;
  v2.append(8, '\1');
  corpus.add(v2);
}
} // namespace

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    std::cerr
        << "usage: neuron-fuzz-seeds TEST_DIR OUT_DIR [ARTIFACT_REGRESSIONS]\n";
    return 2;
  }
  fs::path out(argv[2]);
  Corpus onnxBinary(out / "onnx"), onnxText(out / "onnx-text"),
      artifact(out / "artifact"), npy(out / "npy"), ioConfig(out / "io-config"),
      cores(out / "cores");
  onnxSeeds(argv[1], onnxBinary, onnxText);
  artifactSeeds(artifact);
  if (argc == 4)
    regressionSeeds(argv[3], artifact);
  npySeeds(npy);
  for (
      const char *s :
      {R"({"inputs": {"x": [[1, 3, 224, 224]]}})",
       R"({"inputs": {"input_ids": [[1, 128], "int64"], "mask": [[1, 128], "int64"]}})",
       R"({"inputs": {"a": [[2, 2], "float16"], "b": [[], "bool"], "c": [[4], "bfloat16"]}})",
       R"({"inputs": {}})"})
    ioConfig.add(std::string(s));
  for (const char *s : {"0", "0-3", "0,2-3", " 1,3 ", "4-7,9,11-12", "65535"})
    cores.add(std::string(s));
  if (failures) {
    std::cerr << failures << " seed(s) could not be built\n";
    return 1;
  }
  return 0;
}
