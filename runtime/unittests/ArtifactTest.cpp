//===- ArtifactTest.cpp - writer, planner, reader round trip --------------===//
#include "neuron/runtime/Artifact.h"
#include "neuron/runtime/ArtifactWriter.h"
#include "neuron/runtime/Error.h"
#include "neuron/runtime/TestArtifacts.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

using namespace neuron::rt;

TEST(ArtifactTest, RoundTrip) {
  std::vector<uint8_t> bytes = testkit::buildMlpArtifact(2, 8, 16, 4);
  auto a = Artifact::fromBytes(bytes);
  const ArtifactHeader &h = a->header();
  EXPECT_EQ(h.major, kFormatMajor);
  EXPECT_EQ(h.modelName, "mlp");
  EXPECT_EQ(h.numStages, 2u);
  EXPECT_EQ(h.fileSize, bytes.size());
  ASSERT_EQ(h.sections.size(), 3u);
  for (const SectionInfo &s : h.sections)
    EXPECT_EQ(s.offset % kSectionAlignment, 0u);
  const ModelDesc &m = a->model();
  EXPECT_EQ(m.name, "mlp");
  EXPECT_EQ(m.batchSize, 2u);
  ASSERT_EQ(m.inputs.size(), 1u);
  EXPECT_EQ(m.inputs[0].name, "x");
  EXPECT_EQ(m.inputs[0].type.shape, (Shape{2, 8}));
  ASSERT_EQ(m.outputs.size(), 2u);
  EXPECT_EQ(m.outputs[0].name, "probs");
  EXPECT_EQ(m.outputs[1].type.shape, (Shape{2, 16}));
  EXPECT_EQ(m.outputSources[1], ValueRef::stageOutput(0, 0));
  ASSERT_EQ(m.options.size(), 1u);
  EXPECT_EQ(m.options[0].first, "neuroncore-pipeline-cores");
  ASSERT_EQ(m.stages.size(), 2u);
  EXPECT_EQ(m.stages[1].core, 1u);
  EXPECT_EQ(m.stages[0].ops.size(), 2u);
  EXPECT_EQ(m.stages[0].ops[0].kind, OpKind::Gemm);
  EXPECT_TRUE(m.stages[0].ops[0].attrs.transB);
  EXPECT_EQ(m.stages[0].weightBytes, (16u * 8 + 16) * 4);
  EXPECT_EQ(m.stages[0].flops, 2u * 2 * 16 * 8 + 2 * 16);
  EXPECT_GT(m.stages[1].arenaSize, 0u);
  EXPECT_EQ(m.stages[1].inputSources[0], ValueRef::stageOutput(0, 0));
  for (const StageDesc &s : m.stages)
    for (const StageTensor &t : s.tensors)
      if (t.kind == TensorKind::Weight)
        EXPECT_EQ((reinterpret_cast<uintptr_t>(a->weightData(t)) - reinterpret_cast<uintptr_t>(a->sectionData(0))) % 64, 0u);
  // Deterministic output.
  EXPECT_EQ(bytes, testkit::buildMlpArtifact(2, 8, 16, 4));
}

TEST(ArtifactTest, OpenFromFile) {
  std::string path = ::testing::TempDir() + "/roundtrip.neff";
  std::vector<uint8_t> bytes = testkit::buildMlpArtifact(1, 4, 4, 2);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  auto a = Artifact::open(path);
  EXPECT_EQ(a->model().stages.size(), 2u);
  EXPECT_EQ(Artifact::readHeader(path).sections.size(), 3u);
  std::remove(path.c_str());
  EXPECT_THROW(Artifact::open(path), Error);
}

TEST(ArtifactTest, AllAttributesRoundTrip) {
  // Every attribute table survives serialization.
  OpAttrs a = defaultAttrs(OpKind::Slice);
  a.starts = {3, -1};
  a.ends = {0, -100};
  a.axes = {1, 0};
  a.steps = {-1, -2};
  std::vector<uint8_t> bytes = testkit::buildSingleOpArtifact(
      OpKind::Slice, {testkit::Operand::input(DType::I32, {5, 6})}, a);
  auto art = Artifact::fromBytes(bytes);
  const OpAttrs &b = art->model().stages[0].ops[0].attrs;
  EXPECT_EQ(b.starts, a.starts);
  EXPECT_EQ(b.ends, a.ends);
  EXPECT_EQ(b.axes, a.axes);
  EXPECT_EQ(b.steps, a.steps);

  OpAttrs c = defaultAttrs(OpKind::Clip);
  c.max = 6.0f;
  auto clip = Artifact::fromBytes(testkit::buildSingleOpArtifact(
      OpKind::Clip, {testkit::Operand::input(DType::F32, {3})}, c));
  EXPECT_FALSE(clip->model().stages[0].ops[0].attrs.min.has_value());
  EXPECT_EQ(clip->model().stages[0].ops[0].attrs.max, 6.0f);
}

TEST(ArtifactTest, NewerMajorVersionRefused) {
  std::vector<uint8_t> bytes = testkit::buildMlpArtifact(1, 4, 4, 2);
  bytes[4] = kFormatMajor + 1;
  resealArtifact(bytes);
  try {
    Artifact::fromBytes(bytes);
    FAIL() << "accepted a newer major version";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
  // A newer minor version is accepted.
  bytes = testkit::buildMlpArtifact(1, 4, 4, 2);
  bytes[6] = kFormatMinor + 1;
  resealArtifact(bytes);
  EXPECT_NO_THROW(Artifact::fromBytes(bytes));
}

TEST(ArtifactTest, ChecksumMismatchNamesSection) {
  std::vector<uint8_t> bytes = testkit::buildMlpArtifact(1, 4, 4, 2);
  auto a = Artifact::fromBytes(bytes);
  bytes[a->header().sections[2].offset + 3] ^= 0x10;
  try {
    Artifact::fromBytes(bytes);
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("checksum mismatch in section 2 (weights of stage 1)"),
              std::string::npos)
        << e.what();
  }
}

TEST(ArtifactTest, WriterRejectsBadPrograms) {
  ArtifactWriter w("bad");
  uint32_t x = w.addInput("x", {DType::F32, {2, 3}});
  uint32_t y = w.addInput("y", {DType::F32, {4, 3}});
  StageBuilder &s = w.addStage(0);
  uint32_t xi = s.addInput(ValueRef::pipelineInput(x));
  uint32_t yi = s.addInput(ValueRef::pipelineInput(y));
  EXPECT_THROW(s.addOp(OpKind::Add, {xi, yi}), Error);
  EXPECT_THROW(s.addOp(OpKind::MatMul, {xi, yi}), Error);
  EXPECT_THROW(s.addOp(OpKind::Relu, {xi, yi}), Error);
  EXPECT_THROW(s.addOp(OpKind::Relu, {99}), Error);
  EXPECT_THROW(s.addInput(ValueRef::stageOutput(0, 0)), Error);
  // No outputs referencing a later stage.
  EXPECT_THROW(w.addOutput("z", ValueRef::stageOutput(1, 0)), Error);
}

TEST(ArtifactTest, ArenaPlanNeverOverlapsLiveBuffers) {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 200; ++iter) {
    std::vector<ArenaBuffer> bufs(1 + rng() % 30);
    for (ArenaBuffer &b : bufs) {
      b.size = rng() % 1000;
      b.firstUse = rng() % 20;
      b.lastUse = b.firstUse + rng() % 10;
    }
    ArenaPlan p = planArena(bufs);
    uint64_t peakLive = 0;
    for (uint32_t t = 0; t < 30; ++t) {
      uint64_t live = 0;
      for (const ArenaBuffer &b : bufs)
        if (b.firstUse <= t && t <= b.lastUse)
          live += (b.size + 63) / 64 * 64;
      peakLive = std::max(peakLive, live);
    }
    EXPECT_GE(p.arenaSize, peakLive > 0 ? 1u : 0u);
    for (size_t i = 0; i < bufs.size(); ++i) {
      EXPECT_EQ(p.offsets[i] % 64, 0u);
      EXPECT_LE(p.offsets[i] + bufs[i].size, p.arenaSize);
      for (size_t j = i + 1; j < bufs.size(); ++j) {
        bool timeOverlap = bufs[i].firstUse <= bufs[j].lastUse && bufs[j].firstUse <= bufs[i].lastUse;
        bool spaceOverlap = p.offsets[i] < p.offsets[j] + bufs[j].size &&
                            p.offsets[j] < p.offsets[i] + bufs[i].size;
        EXPECT_FALSE(timeOverlap && spaceOverlap && bufs[i].size && bufs[j].size)
            << "buffers " << i << " and " << j;
      }
    }
  }
}

TEST(ArtifactTest, VerifierRejectsOverlappingArenaPlan) {
  ArtifactWriter w("overlap");
  uint32_t x = w.addInput("x", {DType::F32, {4}});
  StageBuilder &s = w.addStage(0);
  uint32_t xi = s.addInput(ValueRef::pipelineInput(x));
  uint32_t a = s.addOp(OpKind::Relu, {xi});
  uint32_t b = s.addOp(OpKind::Neg, {a});
  uint32_t c = s.addOp(OpKind::Add, {a, b});
  w.addOutput("y", ValueRef::stageOutput(0, s.addOutput(c)));
  // a and b are live together (c reads both) but share offset 0.
  s.setArenaPlan({0, 0, 0, 64}, 128);
  try {
    w.finish();
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("share arena bytes"), std::string::npos) << e.what();
  }
  s.setArenaPlan({0, 0, 64, 128}, 128);
  EXPECT_THROW(w.finish(), Error); // c is outside the arena.
  s.setArenaPlan({0, 0, 64, 0}, 128);
  EXPECT_THROW(w.finish(), Error); // c would overwrite a while reading it.
  s.setArenaPlan({0, 0, 64, 128}, 192);
  EXPECT_NO_THROW(w.finish());
}
