//===- LimitsTest.cpp - absurd declared sizes are refused before allocation
//===//
//
// docs/Security.md lists the limits. Each test declares something far
// beyond what the file holds; an allocation attempted before the check
// would fail with std::bad_alloc (or ASan's allocation-size report), not
// with the Error the tests expect.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Artifact.h"
#include "neuron/runtime/ArtifactWriter.h"
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Npy.h"
#include "neuron/runtime/TestArtifacts.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>

using namespace neuron::rt;

namespace {
std::string errorOf(const std::function<void()> &fn) {
  try {
    fn();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

/// A one-stage Relu model [2, 3] -> [2, 3], as the writer produced it.
ModelDesc reluModel() {
  return Artifact::fromBytes(testkit::buildSingleOpArtifact(
                                 OpKind::Relu,
                                 {testkit::Operand::input(DType::F32, {2, 3})},
                                 defaultAttrs(OpKind::Relu)))
      ->model();
}
} // namespace

TEST(LimitsTest, ArtifactTensorOf10To12ElementsIsRefused) {
  ModelDesc model = reluModel();
  const Shape huge = {1000000, 1000000};
  model.inputs[0].type.shape = huge;
  model.outputs[0].type.shape = huge;
  for (StageTensor &t : model.stages[0].tensors) {
    t.type.shape = huge;
    t.size = uint64_t(1000000) * 1000000 * 4;
  }
  std::vector<uint8_t> bytes = serializeArtifact(model, {{}}, 0, {});
  std::string error = errorOf([&] { Artifact::fromBytes(bytes); });
  EXPECT_NE(error.find("model input 0 has an invalid or absurdly large shape "
                       "[1000000, 1000000]"),
            std::string::npos)
      << error;
}

TEST(LimitsTest, ArtifactArenaOver64GiBIsRefused) {
  ModelDesc model = reluModel();
  model.stages[0].arenaSize = (uint64_t(1) << 36) + 1;
  std::vector<uint8_t> bytes = serializeArtifact(model, {{}}, 0, {});
  std::string error = errorOf([&] { Artifact::fromBytes(bytes); });
  EXPECT_NE(error.find("stage 0 asks for an arena of 68719476737 bytes"),
            std::string::npos)
      << error;
}

TEST(LimitsTest, ArtifactSectionBeyondTheFileEndIsRefused) {
  std::vector<uint8_t> bytes = testkit::buildMlpArtifact(1, 4, 4, 2);
  // Section 1's size field (table entry 1, bytes 16..23) claims 1 TiB.
  uint64_t tib = uint64_t(1) << 40;
  std::memcpy(bytes.data() + kHeaderSize + kSectionEntrySize + 16, &tib, 8);
  resealArtifact(bytes);
  std::string error = errorOf([&] { Artifact::fromBytes(bytes); });
  EXPECT_NE(error.find("section 1 (weights of stage 0)"), std::string::npos)
      << error;
  EXPECT_NE(
      error.find("outside the " + std::to_string(bytes.size()) + "-byte file"),
      std::string::npos)
      << error;
}

TEST(LimitsTest, StageWithMoreOpsThanTheLimitIsRefused) {
  ModelDesc model =
      Artifact::fromBytes(testkit::buildMlpArtifact(1, 4, 4, 2))->model();
  ASSERT_EQ(model.stages[0].ops.size(), 2u);
  std::vector<uint64_t> sizes;
  auto art = Artifact::fromBytes(testkit::buildMlpArtifact(1, 4, 4, 2));
  for (const SectionInfo &s : art->header().sections)
    sizes.push_back(s.kind == SectionKind::Manifest ? 0 : s.size);
  ManifestLimits limits;
  limits.maxOpsPerStage = 1;
  std::string error = errorOf([&] { verifyManifest(model, sizes, limits); });
  EXPECT_NE(error.find("stage 0 has 2 ops and"), std::string::npos) << error;
  EXPECT_NE(error.find("more than 1 and"), std::string::npos) << error;
  EXPECT_NO_THROW(verifyManifest(model, sizes));
}

TEST(LimitsTest, NpyOf10To12ElementsIsRefused) {
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }";
  std::vector<uint8_t> bytes{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  bytes.push_back(uint8_t(dict.size()));
  bytes.push_back(0);
  bytes.insert(bytes.end(), dict.begin(), dict.end());
  bytes.resize(bytes.size() + 16, 0);
  std::string error = errorOf([&] { parseNpy(bytes, "huge.npy"); });
  EXPECT_NE(error.find("huge.npy: truncated data: f32[1000000, 1000000] needs "
                       "4000000000000 bytes, file has 16"),
            std::string::npos)
      << error;
}
