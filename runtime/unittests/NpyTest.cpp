//===- NpyTest.cpp - .npy reader and writer -------------------------------===//
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Npy.h"
#include "neuron/runtime/TestArtifacts.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

using namespace neuron::rt;

namespace {
std::vector<uint8_t> rawNpy(const std::string &dict, size_t dataBytes, uint8_t major = 1) {
  std::string h = dict;
  size_t pre = major == 1 ? 10 : 12;
  while ((pre + h.size() + 1) % 64)
    h += ' ';
  h += '\n';
  std::vector<uint8_t> out{0x93, 'N', 'U', 'M', 'P', 'Y', major, 0};
  out.push_back(uint8_t(h.size()));
  out.push_back(uint8_t(h.size() >> 8));
  if (major != 1) {
    out.push_back(0);
    out.push_back(0);
  }
  out.insert(out.end(), h.begin(), h.end());
  out.resize(out.size() + dataBytes, 0);
  return out;
}

std::string errorOf(const std::vector<uint8_t> &bytes) {
  try {
    parseNpy(bytes, "t.npy");
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}
} // namespace

TEST(NpyTest, RoundTripEveryDType) {
  std::mt19937 rng(2);
  for (int d = 0; d < kNumDTypes; ++d)
    for (Shape s : {Shape{}, Shape{3}, Shape{2, 0, 4}, Shape{2, 3, 5}}) {
      HostTensor t = testkit::randomTensor(DType(d), s, rng, -50, 50);
      HostTensor u = parseNpy(encodeNpy(t), "mem");
      EXPECT_EQ(u.dtype(), t.dtype());
      EXPECT_EQ(u.shape(), t.shape());
      EXPECT_EQ(std::memcmp(u.data(), t.data(), t.byteSize()), 0);
    }
}

TEST(NpyTest, HeaderVariants) {
  HostTensor a = parseNpy(rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24), "a");
  EXPECT_EQ(a.shape(), (Shape{2, 3}));
  HostTensor b = parseNpy(rawNpy("{\"shape\": (5,), \"fortran_order\": False, \"descr\": \"<i8\"}", 40, 2), "b");
  EXPECT_EQ(b.dtype(), DType::I64);
  EXPECT_EQ(b.shape(), (Shape{5}));
  HostTensor c = parseNpy(rawNpy("{'descr': '|b1', 'fortran_order': False, 'shape': ()}", 1, 3), "c");
  EXPECT_EQ(c.shape(), Shape{});
  HostTensor d = parseNpy(rawNpy("{'descr': '<V2', 'fortran_order': False, 'shape': (4,)}", 8), "d");
  EXPECT_EQ(d.dtype(), DType::BF16);
}

TEST(NpyTest, BadFilesAreReported) {
  EXPECT_NE(errorOf({1, 2, 3}).find("bad magic"), std::string::npos);
  auto trunc = rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 23);
  EXPECT_NE(errorOf(trunc).find("truncated data"), std::string::npos) << errorOf(trunc);
  auto header = rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24);
  header.resize(40);
  EXPECT_NE(errorOf(header).find("truncated .npy header"), std::string::npos) << errorOf(header);
  EXPECT_NE(errorOf(rawNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", 4))
                .find("unsupported dtype '>f4'"),
            std::string::npos);
  EXPECT_NE(errorOf(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", 8))
                .find("unsupported dtype"),
            std::string::npos);
  EXPECT_NE(errorOf(rawNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", 4))
                .find("Fortran"),
            std::string::npos);
  EXPECT_NE(errorOf(rawNpy("{'descr': '<f4', 'shape': (1,), }", 4)).find("malformed"),
            std::string::npos);
  EXPECT_NE(errorOf(rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 4))
                .find("malformed"),
            std::string::npos);
  EXPECT_NE(errorOf(rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", 4))
                .find("absurd"),
            std::string::npos);
  EXPECT_NE(errorOf(rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 8))
                .find("trailing"),
            std::string::npos);
  try {
    readNpy("/nonexistent/file.npy");
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos);
  }
}

TEST(NpyTest, EveryTruncationIsAnError) {
  std::mt19937 rng(4);
  std::vector<uint8_t> good = encodeNpy(testkit::randomTensor(DType::F32, {3, 4}, rng));
  for (size_t len = 0; len < good.size(); ++len)
    EXPECT_THROW(parseNpy(std::vector<uint8_t>(good.begin(), good.begin() + len), "t"), Error);
}
