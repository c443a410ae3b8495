//===- PipelineTest.cpp - streaming pipeline execution --------------------===//
#include "neuron/runtime/Pipeline.h"
#include "KernelTestUtil.h"

#include <cstdlib>
#include <thread>

using namespace neuron::rt;
using namespace neuron::rt::testkit;

namespace {
std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

/// A private reservation of `hostCores` logical cores in a fresh lock
/// directory, so tests never touch the process's or anyone's cores.
std::shared_ptr<CoreReservation> privateCores(uint32_t hostCores) {
  std::string tmpl = ::testing::TempDir() + "/neuron-pipe-XXXXXX";
  EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
  CoreConfig c;
  c.hostCores = hostCores;
  c.lockDir = tmpl;
  return CoreReservation::acquire(c);
}

PipelineOptions on(std::shared_ptr<CoreReservation> r) {
  PipelineOptions o;
  o.reservation = std::move(r);
  return o;
}

void expectSame(const std::vector<HostTensor> &got, const std::vector<HostTensor> &want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CompareResult r = compareTensors(got[i], want[i], 1e-5, 1e-6);
    EXPECT_TRUE(r.ok) << "output " << i << ": " << r.problem << " worst got " << r.got
                      << " expected " << r.expected;
  }
}

const int64_t B = 4, I = 8, H = 16, O = 5;
} // namespace

TEST(PipelineTest, StreamsRequestsAndMatchesModel) {
  auto art = Artifact::fromBytes(buildMlpArtifact(B, I, H, O, 3));
  Model model = Model::load(art, {KernelBackend::Auto, 1});
  auto cores = privateCores(4);
  Pipeline p = Pipeline::load(art, on(cores));
  EXPECT_EQ(p.numStages(), 2u);
  EXPECT_EQ(p.numReplicas(), 1u);
  EXPECT_EQ(p.cores(), (std::vector<std::vector<uint32_t>>{{0, 1}}));
  const std::vector<int> &cpus = allowedCpus();
  EXPECT_EQ(p.cpus(), (std::vector<std::vector<int>>{{cpus[0], cpus[1 % cpus.size()]}}));
  std::mt19937 rng(5);
  std::vector<HostTensor> xs;
  std::vector<std::future<std::vector<HostTensor>>> futures;
  for (int i = 0; i < 64; ++i) {
    xs.push_back(randomTensor(DType::F32, {B, I}, rng));
    futures.push_back(p.submit({xs.back()}));
  }
  for (int i = 0; i < 64; ++i)
    expectSame(futures[i].get(), model.run({xs[i]}));
  // Synchronous use works too, and the reference backend agrees.
  PipelineOptions ro = on(cores);
  ro.load.backend = KernelBackend::Reference;
  Pipeline ref = Pipeline::load(art, ro);
  expectSame(ref.run({xs[0]}), p.run({xs[0]}));
}

TEST(PipelineTest, AFailureFailsOnlyItsRequest) {
  auto art = Artifact::fromBytes(buildMlpArtifact(B, I, H, O, 3));
  Model model = Model::load(art);
  Pipeline p = Pipeline::load(art, on(privateCores(2)));
  std::mt19937 rng(9);
  HostTensor good = randomTensor(DType::F32, {B, I}, rng);
  auto f1 = p.submit({good});
  auto f2 = p.submit({HostTensor(DType::F32, {B, I + 1})});
  auto f3 = p.submit({});
  auto f4 = p.submit({good});
  expectSame(f1.get(), model.run({good}));
  EXPECT_EQ(errorOf([&] { f2.get(); }), "input 0 'x': expected f32[4, 8], got f32[4, 9]");
  EXPECT_EQ(errorOf([&] { f3.get(); }), "model 'mlp' expects 1 inputs, got 0");
  expectSame(f4.get(), model.run({good}));

  // A kernel error in the middle of a stream fails that request only.
  OpAttrs a;
  Pipeline g = Pipeline::load(
      Artifact::fromBytes(buildSingleOpArtifact(
          OpKind::Gather, {Operand::weight(f32({3}, {1, 2, 3})), Operand::input(DType::I64, {2})},
          a)),
      on(privateCores(1)));
  std::vector<std::future<std::vector<HostTensor>>> fs;
  for (int i = 0; i < 20; ++i)
    fs.push_back(g.submit({i % 3 == 1 ? i64({2}, {0, 5}) : i64({2}, {2, -3})}));
  for (int i = 0; i < 20; ++i) {
    if (i % 3 == 1)
      EXPECT_NE(errorOf([&] { fs[i].get(); }).find("out of range"), std::string::npos);
    else
      expectValues(fs[i].get()[0], {2}, {3, 1});
  }
}

TEST(PipelineTest, GroupMultipleOfStagesReplicates) {
  auto art = Artifact::fromBytes(buildMlpArtifact(B, I, H, O, 4));
  Model model = Model::load(art);
  auto cores = privateCores(16);
  PipelineOptions o = on(cores);
  o.numCores = 6;
  Pipeline p = Pipeline::load(art, o);
  EXPECT_EQ(p.numReplicas(), 3u);
  EXPECT_EQ(p.cores(), (std::vector<std::vector<uint32_t>>{{0, 1}, {2, 3}, {4, 5}}));
  std::mt19937 rng(2);
  std::vector<HostTensor> xs;
  std::vector<std::future<std::vector<HostTensor>>> fs;
  for (int i = 0; i < 45; ++i) {
    xs.push_back(randomTensor(DType::F32, {B, I}, rng));
    fs.push_back(p.submit({xs.back()}));
  }
  for (int i = 0; i < 45; ++i)
    expectSame(fs[i].get(), model.run({xs[i]}));
  o.numCores = 3;
  EXPECT_NE(errorOf([&] { Pipeline::load(art, o); }).find("must be a multiple of 2"),
            std::string::npos);
  o.numCores = 18;
  EXPECT_EQ(errorOf([&] { Pipeline::load(art, o); }),
            "NeuronCore(s) not available - Requested:18 Available:16 visible");
  PipelineOptions e = on(cores);
  e.cores = {7, 7, 8};
  EXPECT_NE(errorOf([&] { Pipeline::load(art, e); }).find("need a multiple of 2"),
            std::string::npos);
  e.cores = {7, 7}; // both stages on one core: their workers share it
  Pipeline same = Pipeline::load(art, e);
  expectSame(same.run({xs[0]}), model.run({xs[0]}));
}

TEST(PipelineTest, ModelsLoadIntoConsecutiveGroupsAndMayShareOne) {
  auto mlp = Artifact::fromBytes(buildMlpArtifact(B, I, H, O, 4));
  auto mlp2 = Artifact::fromBytes(buildMlpArtifact(B, I, H, O, 8));
  auto cores = privateCores(5);
  Pipeline a = Pipeline::load(mlp, on(cores));
  Pipeline b = Pipeline::load(mlp2, on(cores));
  PipelineOptions shared = on(cores);
  shared.startCore = 0;
  Pipeline c = Pipeline::load(mlp2, shared);
  Pipeline d = Pipeline::load(mlp, on(cores)); // 4-5 does not fit: wraps to 0-1
  EXPECT_EQ(a.cores(), (std::vector<std::vector<uint32_t>>{{0, 1}}));
  EXPECT_EQ(b.cores(), (std::vector<std::vector<uint32_t>>{{2, 3}}));
  EXPECT_EQ(c.cores(), (std::vector<std::vector<uint32_t>>{{0, 1}}));
  EXPECT_EQ(d.cores(), (std::vector<std::vector<uint32_t>>{{0, 1}}));
  shared.startCore = 4;
  EXPECT_NE(errorOf([&] { Pipeline::load(mlp, shared); }).find("does not fit"), std::string::npos);
  // All four run at once, each with its own weights.
  Model ma = Model::load(mlp), mb = Model::load(mlp2);
  std::mt19937 rng(1);
  HostTensor x = randomTensor(DType::F32, {B, I}, rng);
  auto fa = a.submit({x}), fb = b.submit({x}), fc = c.submit({x}), fd = d.submit({x});
  expectSame(fa.get(), ma.run({x}));
  expectSame(fb.get(), mb.run({x}));
  expectSame(fc.get(), mb.run({x}));
  expectSame(fd.get(), ma.run({x}));
}

TEST(PipelineTest, ConcurrentSubmittersAndSmallQueues) {
  auto art = Artifact::fromBytes(buildMlpArtifact(B, I, H, O, 6));
  Model model = Model::load(art);
  PipelineOptions o = on(privateCores(4));
  o.queueDepth = 1;
  o.numCores = 4;
  Pipeline p = Pipeline::load(art, o);
  std::mt19937 rng(3);
  HostTensor x = randomTensor(DType::F32, {B, I}, rng);
  std::vector<HostTensor> want = model.run({x});
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      std::vector<std::future<std::vector<HostTensor>>> fs;
      for (int i = 0; i < 40; ++i)
        fs.push_back(p.submit({x}));
      for (auto &f : fs)
        if (!compareTensors(f.get()[0], want[0], 1e-5, 1e-6).ok)
          ++bad;
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST(PipelineTest, DestroyingWithRequestsQueuedFailsThemAsUnloaded) {
  // Requests of a few milliseconds each, far more than run before the
  // pipeline is destroyed right after the last submit.
  const int64_t b = 64, in = 256, hidden = 1024, out = 256;
  auto art = Artifact::fromBytes(buildMlpArtifact(b, in, hidden, out, 6));
  Model model = Model::load(art);
  std::mt19937 rng(3);
  HostTensor x = randomTensor(DType::F32, {b, in}, rng);
  std::vector<HostTensor> want = model.run({x});
  const std::string unloaded = "model 'mlp' was unloaded before the request completed";
  std::vector<std::future<std::vector<HostTensor>>> fs;
  {
    PipelineOptions o = on(privateCores(2));
    o.queueDepth = 256;
    Pipeline p = Pipeline::load(art, o);
    for (int i = 0; i < 200; ++i)
      fs.push_back(p.submit({x}));
  }
  // Every future is ready; those that ran are right and come first (each
  // finished its last stage before the unload), the rest fail as unloaded.
  size_t ok = 0, failed = 0;
  for (size_t i = 0; i < fs.size(); ++i) {
    ASSERT_EQ(fs[i].wait_for(std::chrono::seconds(0)), std::future_status::ready) << i;
    std::vector<HostTensor> got;
    std::string error = errorOf([&] { got = fs[i].get(); });
    if (error.empty()) {
      EXPECT_EQ(failed, 0u) << "request " << i << " ran after one was unloaded";
      expectSame(got, want);
      ++ok;
    } else {
      EXPECT_EQ(error, unloaded) << "request " << i;
      ++failed;
    }
  }
  EXPECT_GT(failed, 0u);
}

TEST(PipelineTest, UnloadFailsLaterRequestsAndIsIdempotent) {
  auto art = Artifact::fromBytes(buildMlpArtifact(B, I, H, O, 6));
  std::mt19937 rng(3);
  HostTensor x = randomTensor(DType::F32, {B, I}, rng);
  PipelineOptions o = on(privateCores(4));
  o.numCores = 4; // two replicas
  Pipeline p = Pipeline::load(art, o);
  EXPECT_EQ(p.run({x}).size(), 2u);
  p.unload();
  p.unload();
  EXPECT_EQ(errorOf([&] { p.run({x}); }), "model 'mlp' was unloaded before the request completed");
  EXPECT_EQ(errorOf([&] { p.run({x}); }), "model 'mlp' was unloaded before the request completed");
  // A moved-from pipeline destroys nothing twice.
  Pipeline a = Pipeline::load(art, on(privateCores(2)));
  Pipeline moved = std::move(a);
  EXPECT_EQ(moved.run({x}).size(), 2u);
}

TEST(PipelineTest, ProcessCoresComeFromTheEnvironment) {
  std::string tmpl = ::testing::TempDir() + "/neuron-env-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  ::setenv("NEURON_RT_LOCK_DIR", tmpl.c_str(), 1);
  ::setenv("NEURON_RT_HOST_CORES", "8", 1);
  ::setenv("NEURON_RT_VISIBLE_CORES", "4-7", 1);
  resetProcessCores();
  auto art = Artifact::fromBytes(buildMlpArtifact(B, I, H, O, 6));
  {
    Pipeline p = Pipeline::load(art);
    EXPECT_EQ(processCores()->hostCores(), (std::vector<uint32_t>{4, 5, 6, 7}));
    EXPECT_EQ(p.cores(), (std::vector<std::vector<uint32_t>>{{0, 1}}));
    Pipeline q = Pipeline::load(art);
    EXPECT_EQ(q.cores(), (std::vector<std::vector<uint32_t>>{{2, 3}}));
    // Another reservation of the same cores (as another process would) fails.
    CoreConfig c = CoreConfig::fromEnvironment();
    EXPECT_EQ(errorOf([&] { CoreReservation::acquire(c); }),
              "NeuronCore(s) not available - Requested:4-7 Available:0-3");
    ::setenv("NEURON_RT_VISIBLE_CORES", "1-x", 1);
    resetProcessCores(); // p and q keep their cores
    EXPECT_NE(errorOf([&] { Pipeline::load(art); }).find("NEURON_RT_VISIBLE_CORES: malformed"),
              std::string::npos);
  }
  for (const char *v : {"NEURON_RT_HOST_CORES", "NEURON_RT_VISIBLE_CORES", "NEURON_RT_LOCK_DIR"})
    ::unsetenv(v);
  resetProcessCores();
}

TEST(PipelineTest, WorkersReportRequestsAndBusyTime) {
  auto art = Artifact::fromBytes(buildMlpArtifact(B, I, H, O, 3));
  PipelineOptions o = on(privateCores(4));
  o.numCores = 4;
  Pipeline p = Pipeline::load(art, o);
  std::vector<WorkerStats> s = p.stats();
  ASSERT_EQ(s.size(), 4u);
  for (const WorkerStats &w : s) {
    EXPECT_EQ(w.requests, 0u);
    EXPECT_EQ(w.busySeconds, 0.0);
  }
  EXPECT_EQ(s[3].replica, 1u);
  EXPECT_EQ(s[3].stage, 1u);
  EXPECT_EQ(s[3].core, 3u);
  EXPECT_EQ(s[3].cpu, p.cpus()[1][1]);
  std::mt19937 rng(2);
  HostTensor x = randomTensor(DType::F32, {B, I}, rng);
  std::vector<std::future<std::vector<HostTensor>>> fs;
  for (int i = 0; i < 10; ++i)
    fs.push_back(p.submit({x}));
  fs.push_back(p.submit({randomTensor(DType::F32, {B, I + 1}, rng)})); // refused at submit
  for (auto &f : fs)
    f.wait();
  s = p.stats();
  // Round-robin: 5 requests per replica, each through both stages.
  for (const WorkerStats &w : s) {
    EXPECT_EQ(w.requests, 5u);
    EXPECT_GT(w.busySeconds, 0.0);
  }
  p.resetStats();
  for (const WorkerStats &w : p.stats())
    EXPECT_EQ(w.requests, 0u);
}
