//===- FuzzRegressionTest.cpp - replays inputs the fuzzers found ----------===//
//
// Each test replays the exact input of one fuzz finding (docs/Security.md,
// "Findings and fixes") through the product API. The failures were
// sanitizer reports, so these tests guard the fixes in the ASan + UBSan
// builds of scripts/ci-sanitizers.sh; everywhere they check that the input
// is refused with an Error or loads and runs.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Artifact.h"
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Model.h"

#include <gtest/gtest.h>

#include <string>

using namespace neuron::rt;

namespace {
std::vector<uint8_t> fromHex(const std::string &hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(uint8_t(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

/// Loads, then runs one request of zeros, as neuron-fuzz-artifact does.
/// Returns "ran" or the Error's message.
std::string loadAndRun(std::vector<uint8_t> bytes) {
  try {
    Model model = Model::load(Artifact::fromBytes(std::move(bytes)),
                              {KernelBackend::Reference, 1});
    std::vector<HostTensor> inputs;
    for (const TensorDesc &d : model.inputs())
      inputs.emplace_back(d.type.dtype, d.type.shape);
    model.run(inputs);
    return "ran";
  } catch (const Error &e) {
    return e.what();
  }
}
} // namespace

// neuron-fuzz-artifact: a resealed manifest whose int64 shape vector starts
// at a 4-byte (not 8-byte) aligned offset. The FlatBuffers verifier accepts
// it; decoding the shape read misaligned int64s (UBSan: load of misaligned
// address). Fixed by copying vector elements bytewise (Artifact.cpp vec()).
TEST(FuzzRegressionTest, MisalignedInt64VectorInManifest) {
  std::vector<uint8_t> bytes = fromHex(
      "4e45464601000000c000000002000000010000000000000000000000000000009f3bc629"
      "ccd2e6f4e851241b23f5081173696e676c655f6d61785f706f6f6c000000000000000000"
      "000000000000000000000000000000000000000000000000000000000000000000000000"
      "00000000c003000000000000d8603c2485ccca4c0000000000000000c000000000000000"
      "c802000000000000c9c98e771fed7c280100000000000000c00300000000000000000000"
      "00000000c294d3380580062d1c0000004e45464d000012001c000400000018000c001000"
      "1400180012000000c4000000700000002800000018000000100000000400000001000000"
      "d4000000000000000100000000000000000000000100000004000000baffffff2c000000"
      "040000000400000001000000000000000100000000000000020000000000000002000000"
      "00000000040000006f75743000000000010000001000000000000a000c00040000000800"
      "0a0000003000000004000000040000000100000000000000010000000000000004000000"
      "0000000004000000000000000000000003000000696e30000f00000073696e676c655f6d"
      "61785f706f6f6c0018002c0000000000040008000c001000140018000000200018000000"
      "4c0000004000000034000000240000001800000040000000000000001000000000000000"
      "00000000010000000100000001000000ffffffff00000000010000000000000001000000"
      "240000000200000020010000c0000000000012002400060008000c001000050014001800"
      "1200000000031c002c000000200000001400000034000000100000000000000000000000"
      "01000000010000000100000000000000020000006f7000000c001400040008000c001000"
      "0c00000030000000140000000c0000000400000000000000000000000200000002000000"
      "000000000200000000000000000000000200000002000000000000000200000000000000"
      "0000000014001c00080000000c0007000000000000001000140000000000000238000000"
      "100000001000000000000000000000000400000001000000000000000100000000000000"
      "02000000000000000200000000000000020000006f700000140018000400000008000000"
      "0000000000000c0014000000380000001000000040000000000000000000000004000000"
      "010000000000000001000000000000000400000000000000040000000000000003000000"
      "696e30000000000000000000000000000000000000000000000000000000000000000000"
      "000000000000000000000000000000000000000000000000");
  ASSERT_EQ(bytes.size(), 960u);
  std::string result = loadAndRun(bytes);
  // Read bytewise, the misplaced shape is absurd, and refused as such.
  EXPECT_NE(result.find("<memory>: invalid manifest: model input 0 has an "
                        "invalid or absurdly large shape ["),
            std::string::npos)
      << result;
}
