//===- DataParallelTest.cpp - one model replicated over NeuronCores -------===//
#include "KernelTestUtil.h"
#include "neuron/runtime/DataParallel.h"

using namespace neuron::rt;
using namespace neuron::rt::testkit;

#if defined(__SANITIZE_THREAD__)
/// ThreadSanitizer's built-in suppressions for this test binary. An
/// exception that fails a future is deleted by whichever thread drops the
/// last reference: often the worker that set the promise (std::promise
/// outlives its set_exception, and future::get() releases the caller's
/// reference before the caller's catch block reads the message). libstdc++
/// orders those releases with its own reference count, which is not
/// instrumented, so TSan reports the delete against the earlier read. Only
/// stacks through exception_ptr's release are suppressed.
extern "C" const char *__tsan_default_suppressions() {
  return "race:std::__exception_ptr::exception_ptr::_M_release\n";
}
#endif

namespace {
std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

std::shared_ptr<CoreReservation> privateCores(uint32_t hostCores) {
  std::string tmpl = ::testing::TempDir() + "/neuron-dp-XXXXXX";
  EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
  CoreConfig c;
  c.hostCores = hostCores;
  c.lockDir = tmpl;
  return CoreReservation::acquire(c);
}

const int64_t CB = 3, I = 6, H = 10, O = 4;

/// The single model run chunk by chunk: pieces of CB rows, the last padded
/// with zeros, padding dropped, concatenated.
std::vector<HostTensor> chunkByChunk(Model &m, const HostTensor &x) {
  int64_t B = x.shape()[0];
  std::vector<HostTensor> out = {HostTensor(DType::F32, {B, O}), HostTensor(DType::F32, {B, H})};
  for (int64_t s = 0; s < B; s += CB) {
    int64_t rows = std::min(CB, B - s);
    HostTensor piece(DType::F32, {CB, I});
    std::memcpy(piece.data(), x.as<float>() + s * I, rows * I * sizeof(float));
    std::vector<HostTensor> r = m.run({piece});
    std::memcpy(out[0].as<float>() + s * O, r[0].data(), rows * O * sizeof(float));
    std::memcpy(out[1].as<float>() + s * H, r[1].data(), rows * H * sizeof(float));
  }
  return out;
}

void expectSame(const std::vector<HostTensor> &got, const std::vector<HostTensor> &want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].shape(), want[i].shape());
    CompareResult r = compareTensors(got[i], want[i], 1e-5, 1e-6);
    EXPECT_TRUE(r.ok) << "output " << i << " worst at " << r.worstIndex << " got " << r.got
                      << " expected " << r.expected;
  }
}
} // namespace

TEST(DataParallelTest, AnyBatchSizeMatchesChunkByChunk) {
  auto art = Artifact::fromBytes(buildMlpArtifact(CB, I, H, O, 11));
  Model model = Model::load(art, {KernelBackend::Auto, 1});
  DataParallel dp(art, {}, 0, true, {}, privateCores(4));
  EXPECT_EQ(dp.deviceIds(), (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(dp.numWorkers(), 8u);
  EXPECT_EQ(dp.compiledBatchSize(), CB);
  EXPECT_TRUE(dp.dynamicBatching());
  std::mt19937 rng(4);
  for (int64_t B : {int64_t(1), CB, CB + 1, 7 * CB, int64_t(2), 5 * CB + 2}) {
    HostTensor x = randomTensor(DType::F32, {B, I}, rng);
    std::vector<HostTensor> got = dp({x});
    EXPECT_EQ(got[0].shape(), (Shape{B, O})) << "padding stripped";
    EXPECT_EQ(got[1].shape(), (Shape{B, H}));
    expectSame(got, chunkByChunk(model, x));
  }
  // Explicit split sizes and worker counts give the same answer.
  HostTensor x = randomTensor(DType::F32, {4 * CB + 1, I}, rng);
  std::vector<HostTensor> want = chunkByChunk(model, x);
  for (int64_t split : {1, 2, 5, 100}) {
    dp.setSplitSize(split);
    dp.setNumWorkers(uint32_t(split % 3 + 1));
    expectSame(dp({x}), want);
  }
}

TEST(DataParallelTest, DeviceIdsAndDisabledDynamicBatching) {
  auto art = Artifact::fromBytes(buildMlpArtifact(CB, I, H, O, 12));
  Model model = Model::load(art, {KernelBackend::Auto, 1});
  auto cores = privateCores(4);
  DataParallel dp(art, {1, "nc:3"}, 0, true, {}, cores);
  EXPECT_EQ(dp.deviceIds(), (std::vector<uint32_t>{1, 3}));
  dp.disableDynamicBatching();
  std::mt19937 rng(4);
  HostTensor x = randomTensor(DType::F32, {2 * CB, I}, rng);
  expectSame(dp({x}), chunkByChunk(model, x));
  HostTensor bad = randomTensor(DType::F32, {2 * CB + 2, I}, rng);
  EXPECT_EQ(errorOf([&] { dp({bad}); }),
            "DataParallel: input batch size 8 / 2 NeuronCore(s) must equal the compiled "
            "batch size 3 when dynamic batching is disabled");
  EXPECT_NE(errorOf([&] {
              DataParallel(art, {"nc:4"}, 0, true, {}, cores);
            }).find("device nc:4 is not visible (the process has 4 NeuronCore(s))"),
            std::string::npos);
  EXPECT_NE(errorOf([&] {
              DataParallel(art, {"core1"}, 0, true, {}, cores);
            }).find("device id 'core1' is not an index or 'nc:#'"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { DataParallel(art, {"nc:"}, 0, true, {}, cores); }).find("'nc:'"),
            std::string::npos);
  EXPECT_NE(errorOf([&] {
              DataParallel(art, {2, "nc:2"}, 0, true, {}, cores);
            }).find("given twice"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { DataParallel(art, {-1}, 0, true, {}, cores); }).find("negative"),
            std::string::npos);
}

TEST(DataParallelTest, OtherDimsAndDisagreeingInputs) {
  // A two-input add over [4, CB]: split along dim 1, dynamic batching is
  // disabled with a warning.
  auto art = Artifact::fromBytes(buildSingleOpArtifact(
      OpKind::Add, {Operand::input(DType::F32, {4, CB}), Operand::input(DType::F32, {4, CB})},
      OpAttrs{}));
  auto cores = privateCores(2);
  DataParallel dp(art, {}, 1, true, {}, cores);
  EXPECT_FALSE(dp.dynamicBatching());
  std::mt19937 rng(8);
  HostTensor a = randomTensor(DType::F32, {4, 2 * CB}, rng);
  HostTensor b = randomTensor(DType::F32, {4, 2 * CB}, rng);
  std::vector<HostTensor> out = dp({a, b});
  ASSERT_EQ(out[0].shape(), (Shape{4, 2 * CB}));
  for (uint64_t i = 0; i < out[0].numElements(); ++i)
    EXPECT_FLOAT_EQ(out[0].as<float>()[i], a.as<float>()[i] + b.as<float>()[i]);
  HostTensor c = randomTensor(DType::F32, {4, 2 * CB + 1}, rng);
  EXPECT_EQ(errorOf([&] {
              dp({a, c});
            }),
            "DataParallel: inputs disagree on the batch size along dim 1: input 0 has 6, "
            "input 1 has 7");
  DataParallel d0(art, {}, 0, true, {}, cores);
  HostTensor e = randomTensor(DType::F32, {5, CB}, rng);
  EXPECT_NE(errorOf([&] {
              d0({a, e});
            }).find("inputs disagree on the batch size"),
            std::string::npos);
  // A wrong non-batch dimension fails with the model's input error.
  HostTensor f = randomTensor(DType::F32, {9, CB + 1}, rng);
  EXPECT_NE(errorOf([&] {
              d0({f, f});
            }).find("expected f32[4, 3], got f32[4, 4]"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { DataParallel(art, {}, 2, true, {}, cores); }).find("no dim 2"),
            std::string::npos);
}

TEST(DataParallelTest, StatsCountEachDevicesRequests) {
  auto art = Artifact::fromBytes(buildMlpArtifact(CB, I, H, O, 11));
  DataParallel dp(art, {1, "nc:0"}, 0, true, {}, privateCores(2));
  std::mt19937 rng(4);
  dp({randomTensor(DType::F32, {4 * CB, I}, rng)}); // 2 chunks of 2 requests each
  std::vector<WorkerStats> s = dp.stats();
  ASSERT_EQ(s.size(), 4u); // 2 devices x 2 stages
  EXPECT_EQ(s[0].replica, 0u);
  EXPECT_EQ(s[0].core, 1u);
  EXPECT_EQ(s[2].replica, 1u);
  EXPECT_EQ(s[2].core, 0u);
  for (const WorkerStats &w : s) {
    EXPECT_EQ(w.requests, 2u);
    EXPECT_GT(w.busySeconds, 0.0);
  }
  dp.resetStats();
  for (const WorkerStats &w : dp.stats())
    EXPECT_EQ(w.busySeconds, 0.0);
}

TEST(DataParallelTest, BatchesSmallerThanTheDevicesSpreadOverThem) {
  // Batch-1 requests, whether awaited one by one or submitted together, go
  // to the least loaded device (ties rotate), not all to the first.
  auto art = Artifact::fromBytes(buildMlpArtifact(1, I, H, O, 12));
  Model model = Model::load(art, {KernelBackend::Auto, 1});
  DataParallel dp(art, {}, 0, true, {}, privateCores(2));
  std::mt19937 rng(5);
  std::vector<HostTensor> xs;
  for (int i = 0; i < 4; ++i)
    xs.push_back(randomTensor(DType::F32, {1, I}, rng));
  for (const HostTensor &x : xs)
    expectSame(dp({x}), model.run({x}));
  auto perReplica = [&] {
    std::vector<uint64_t> n(2, 0);
    for (const WorkerStats &w : dp.stats())
      if (w.stage == 0)
        n[w.replica] += w.requests;
    return n;
  };
  EXPECT_EQ(perReplica(), (std::vector<uint64_t>{2, 2}));
  std::vector<std::future<std::vector<HostTensor>>> fs;
  for (const HostTensor &x : xs)
    fs.push_back(dp.submit({x}));
  for (size_t i = 0; i < fs.size(); ++i)
    expectSame(fs[i].get(), model.run({xs[i]}));
  std::vector<uint64_t> n = perReplica();
  EXPECT_EQ(n[0] + n[1], 8u);
  EXPECT_GE(n[0], 3u);
  EXPECT_GE(n[1], 3u);
}

TEST(DataParallelTest, DevicesOfKCoresRunTheModelAsAPipeline) {
  auto art = Artifact::fromBytes(buildMlpArtifact(CB, I, H, O, 13)); // 2 stages
  Model model = Model::load(art, {KernelBackend::Auto, 1});
  auto cores = privateCores(7);
  DataParallelOptions o;
  o.cores = cores;
  o.coresPerDevice = 0; // one core per stage
  DataParallel dp(art, o);
  EXPECT_EQ(dp.coresPerDevice(), 2u);
  EXPECT_EQ(dp.deviceIds(), (std::vector<uint32_t>{0, 1, 2})); // core 6 is left over
  EXPECT_EQ(dp.deviceCores(), (std::vector<std::vector<uint32_t>>{{0, 1}, {2, 3}, {4, 5}}));
  std::mt19937 rng(6);
  HostTensor x = randomTensor(DType::F32, {7 * CB + 2, I}, rng);
  expectSame(dp({x}), chunkByChunk(model, x));
  // Each stage of each device ran on its own core of the device's group.
  std::vector<WorkerStats> s = dp.stats();
  ASSERT_EQ(s.size(), 6u);
  for (const WorkerStats &w : s) {
    EXPECT_EQ(w.core, 2 * w.replica + w.stage);
    EXPECT_GT(w.requests, 0u);
  }

  o.deviceIds = {2, "nc:0"};
  DataParallel picked(art, o);
  EXPECT_EQ(picked.deviceCores(), (std::vector<std::vector<uint32_t>>{{4, 5}, {0, 1}}));
  expectSame(picked({x}), chunkByChunk(model, x));
  // A group of 2K cores holds two pipelines per device.
  o.deviceIds = {1};
  o.coresPerDevice = 4;
  o.cores = privateCores(8);
  DataParallel wide(art, o);
  EXPECT_EQ(wide.deviceCores(), (std::vector<std::vector<uint32_t>>{{4, 5, 6, 7}}));
  expectSame(wide({x}), chunkByChunk(model, x));
  ASSERT_EQ(wide.stats().size(), 4u);
  EXPECT_EQ(wide.stats()[3].core, 7u);
}

TEST(DataParallelTest, DevicesThatDoNotFit) {
  auto art = Artifact::fromBytes(buildMlpArtifact(CB, I, H, O, 13)); // 2 stages
  DataParallelOptions o;
  o.cores = privateCores(5);
  o.coresPerDevice = 3;
  EXPECT_EQ(errorOf([&] { DataParallel(art, o); }),
            "DataParallel: 3 cores per device do not fit model 'mlp' of 2 stages (use 1 or a "
            "multiple of 2)");
  o.coresPerDevice = 2;
  o.deviceIds = {2};
  EXPECT_EQ(errorOf([&] { DataParallel(art, o); }),
            "DataParallel: device nc:2 (NeuronCores 4-5) is not visible (the process has 5 "
            "NeuronCore(s), 2 device(s) of 2)");
  o.deviceIds = {};
  o.coresPerDevice = 6;
  EXPECT_EQ(errorOf([&] { DataParallel(art, o); }),
            "DataParallel: a device of 6 cores does not fit the process's 5 NeuronCore(s)");
}

TEST(DataParallelTest, SubmittedBatchesCompleteIndependently) {
  auto art = Artifact::fromBytes(buildMlpArtifact(CB, I, H, O, 14));
  Model model = Model::load(art, {KernelBackend::Auto, 1});
  DataParallelOptions o;
  o.cores = privateCores(4);
  o.coresPerDevice = 2;
  DataParallel dp(art, o);
  std::mt19937 rng(7);
  std::vector<HostTensor> xs;
  std::vector<std::future<std::vector<HostTensor>>> fs;
  for (int64_t i = 0; i < 12; ++i) {
    xs.push_back(randomTensor(DType::F32, {i + 1, I}, rng));
    fs.push_back(dp.submit({xs.back()}));
  }
  auto bad = dp.submit({randomTensor(DType::F32, {4, I + 1}, rng)});
  auto empty = dp.submit({randomTensor(DType::F32, {0, I}, rng)});
  for (size_t i = 0; i < fs.size(); ++i)
    expectSame(fs[i].get(), chunkByChunk(model, xs[i]));
  EXPECT_NE(errorOf([&] { bad.get(); }).find("expected f32[3, 6], got f32[3, 7]"),
            std::string::npos);
  EXPECT_EQ(errorOf([&] { empty.get(); }), "DataParallel: empty batch");
}

TEST(DataParallelTest, DestroyingWithBatchesQueuedFailsThemAsUnloaded) {
  // Batches of many milliseconds each; the object is destroyed right after
  // the last submit, long before most have run.
  const int64_t cb = 64, in = 256, hidden = 1024, out = 256;
  auto art = Artifact::fromBytes(buildMlpArtifact(cb, in, hidden, out, 15));
  Model model = Model::load(art, {KernelBackend::Auto, 1});
  std::mt19937 rng(8);
  HostTensor x = randomTensor(DType::F32, {4 * cb, in}, rng);
  std::vector<HostTensor> want =
      model.run({HostTensor::borrow(DType::F32, {cb, in}, x.data())}); // the first cb rows
  std::vector<std::future<std::vector<HostTensor>>> fs;
  {
    DataParallelOptions o;
    o.cores = privateCores(2);
    DataParallel dp(art, o);
    dp.setNumWorkers(1);
    for (int i = 0; i < 40; ++i)
      fs.push_back(dp.submit({x}));
  }
  size_t failed = 0;
  for (size_t i = 0; i < fs.size(); ++i) {
    ASSERT_EQ(fs[i].wait_for(std::chrono::seconds(0)), std::future_status::ready) << i;
    std::vector<HostTensor> got;
    std::string error = errorOf([&] { got = fs[i].get(); });
    if (error.empty()) {
      ASSERT_EQ(got.size(), 2u);
      CompareResult r = compareTensors(HostTensor::borrow(DType::F32, {cb, out}, got[0].data()),
                                       want[0], 1e-5, 1e-6);
      EXPECT_TRUE(r.ok) << "batch " << i;
    } else {
      EXPECT_EQ(error, "model 'mlp' was unloaded before the request completed") << i;
      ++failed;
    }
  }
  EXPECT_GT(failed, 0u);
}
