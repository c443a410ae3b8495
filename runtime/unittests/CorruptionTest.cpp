//===- CorruptionTest.cpp - damaged artifacts are refused, never crash ----===//
#include "neuron/runtime/Artifact.h"
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Model.h"
#include "neuron/runtime/TestArtifacts.h"

#include <gtest/gtest.h>

using namespace neuron::rt;

namespace {
std::vector<uint8_t> sample() { return testkit::buildMlpArtifact(2, 5, 6, 3); }
} // namespace

TEST(CorruptionTest, EveryHeaderByteFlipIsDetected) {
  std::vector<uint8_t> good = sample();
  auto a = Artifact::fromBytes(good);
  uint64_t headerEnd = kHeaderSize + a->header().sections.size() * kSectionEntrySize;
  for (uint64_t i = 0; i < headerEnd; ++i)
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      std::vector<uint8_t> bad = good;
      bad[i] ^= mask;
      EXPECT_THROW(Artifact::fromBytes(bad), Error) << "byte " << i << " mask " << int(mask);
    }
}

TEST(CorruptionTest, EveryManifestByteFlipIsDetected) {
  std::vector<uint8_t> good = sample();
  auto a = Artifact::fromBytes(good);
  const SectionInfo &m = a->header().sections[0];
  for (uint64_t i = m.offset; i < m.offset + m.size; ++i) {
    std::vector<uint8_t> bad = good;
    bad[i] ^= 0x01;
    EXPECT_THROW(Artifact::fromBytes(bad), Error) << "byte " << i;
  }
}

TEST(CorruptionTest, EveryWeightByteFlipIsDetected) {
  std::vector<uint8_t> good = sample();
  auto a = Artifact::fromBytes(good);
  for (size_t s = 1; s < a->header().sections.size(); ++s) {
    const SectionInfo &sec = a->header().sections[s];
    for (uint64_t i = sec.offset; i < sec.offset + sec.size; i += 7) {
      std::vector<uint8_t> bad = good;
      bad[i] ^= 0x40;
      EXPECT_THROW(Artifact::fromBytes(bad), Error) << "byte " << i;
    }
  }
}

TEST(CorruptionTest, TruncationIsDetected) {
  std::vector<uint8_t> good = sample();
  for (size_t len = 0; len < good.size(); len += (len < 256 ? 1 : 37)) {
    std::vector<uint8_t> bad(good.begin(), good.begin() + len);
    EXPECT_THROW(Artifact::fromBytes(bad), Error) << "length " << len;
  }
  std::vector<uint8_t> longer = good;
  longer.push_back(0);
  EXPECT_THROW(Artifact::fromBytes(longer), Error);
}

// Behind the checksums: a manifest damaged and then resealed (as a hostile
// file would be) must be refused by the FlatBuffers and semantic verifiers or,
// if it is still a valid program, load and run. Never crash.
TEST(CorruptionTest, ResealedManifestCorruptionNeverCrashes) {
  std::vector<uint8_t> good = sample();
  auto a = Artifact::fromBytes(good);
  const SectionInfo &m = a->header().sections[0];
  int refused = 0, accepted = 0;
  for (uint64_t i = m.offset; i < m.offset + m.size; ++i)
    for (uint8_t mask : {0x01, 0x80}) {
      std::vector<uint8_t> bad = good;
      bad[i] ^= mask;
      resealArtifact(bad);
      try {
        auto art = Artifact::fromBytes(bad);
        Model model = Model::load(art, {KernelBackend::Reference, 1});
        std::vector<HostTensor> in;
        for (const TensorDesc &d : model.inputs())
          in.emplace_back(d.type.dtype, d.type.shape);
        model.run(in);
        ++accepted;
      } catch (const Error &) {
        ++refused;
      }
    }
  EXPECT_GT(refused, 0);
  RecordProperty("accepted", accepted);
}
