//===- make-fixtures.cpp - artifacts and .npy files for the CLI tests -----===//
//
//   neuron-rt-fixtures DIR
//
// Writes DIR/mlp.neff (two-stage MLP), DIR/x.npy, DIR/expected0.npy and
// DIR/expected1.npy (outputs of the reference backend), DIR/wrong.npy (a
// 0.5-perturbed copy of expected0), DIR/bad.npy (truncated), and
// DIR/scale.neff (y = 1000 x) with DIR/scale-x.npy and DIR/scale-ref.npy (its
// result, with an error of 5e-4 on the element of magnitude 1, a float32
// rounding error at the output's scale of 3000).
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/ArtifactWriter.h"
#include "neuron/runtime/Model.h"
#include "neuron/runtime/Npy.h"
#include "neuron/runtime/TestArtifacts.h"

#include <fstream>
#include <iostream>

using namespace neuron::rt;

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: neuron-rt-fixtures DIR\n";
    return 2;
  }
  std::string dir = argv[1];
  try {
    std::vector<uint8_t> bytes = testkit::buildMlpArtifact(2, 8, 16, 4, 9);
    std::ofstream(dir + "/mlp.neff", std::ios::binary)
        .write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
    std::mt19937 rng(3);
    HostTensor x = testkit::randomTensor(DType::F32, {2, 8}, rng);
    writeNpy(dir + "/x.npy", x);
    Model m = Model::load(Artifact::fromBytes(bytes), {KernelBackend::Reference, 1});
    std::vector<HostTensor> out = m.run({x});
    writeNpy(dir + "/expected0.npy", out[0]);
    writeNpy(dir + "/expected1.npy", out[1]);
    HostTensor wrong = out[0].clone();
    wrong.as<float>()[5] += 0.5f;
    writeNpy(dir + "/wrong.npy", wrong);
    {
      ArtifactWriter w("scale");
      StageBuilder &s = w.addStage(0);
      uint32_t in = s.addInput(ValueRef::pipelineInput(w.addInput("x", {DType::F32, {1, 4}})));
      float k = 1000.0f;
      uint32_t y = s.addOp(OpKind::Mul, {in, s.addConstant("k", {DType::F32, {}}, &k)});
      w.addOutput("y", ValueRef::stageOutput(0, s.addOutput(y)));
      std::vector<uint8_t> scale = w.finish();
      std::ofstream(dir + "/scale.neff", std::ios::binary)
          .write(reinterpret_cast<const char *>(scale.data()), std::streamsize(scale.size()));
      HostTensor sx(DType::F32, {1, 4}), ref(DType::F32, {1, 4});
      const float xs[] = {0.001f, 1.0f, 2.0f, 3.0f};
      for (int i = 0; i < 4; ++i) {
        sx.as<float>()[i] = xs[i];
        ref.as<float>()[i] = xs[i] * 1000.0f;
      }
      ref.as<float>()[0] += 5e-4f;
      writeNpy(dir + "/scale-x.npy", sx);
      writeNpy(dir + "/scale-ref.npy", ref);
    }
    std::vector<uint8_t> npy = encodeNpy(x);
    npy.resize(npy.size() - 3);
    std::ofstream(dir + "/bad.npy", std::ios::binary)
        .write(reinterpret_cast<const char *>(npy.data()), std::streamsize(npy.size()));
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "neuron-rt-fixtures: " << e.what() << "\n";
    return 1;
  }
}
