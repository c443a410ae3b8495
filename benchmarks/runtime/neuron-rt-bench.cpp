//===- neuron-rt-bench.cpp - pipeline hand-off and multi-core throughput --===//
//
//   neuron-rt-bench handoff [--max-stages 8] [--requests 2000] [--repeat 5]
//                           [--spin-us US]
//   neuron-rt-bench dp MODEL.neff [--seconds S] [--repeat R]
//   neuron-rt-bench pipeline MODEL.neff [--seconds S] [--repeat R]
//
// handoff: a K-stage pipeline (K = 1..max) of Identity ops on f32[1, 4], one
//   request in flight; each extra stage adds one hand-off, so the per-stage
//   hand-off is (median latency(K) - median latency(1)) / (K - 1).
// dp: DataParallel over 2 cores (a request of 2 x the compiled batch, so
//   each core runs one) versus two independent single-core processes started
//   together (this program re-run as `single`), in samples/s.
// pipeline: a K-stage artifact on K cores streaming versus 1 / (slowest
//   stage time), the stage times measured alone (one request in flight,
//   from the workers' busy time), alternating in slices of 0.5 s so both
//   see the same load from other processes.
// Every run uses a private lock directory and NEURON_RT_HOST_CORES-like
// logical cores, so it reserves nothing anyone else uses. Figures are the
// median of --repeat runs.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/ArtifactWriter.h"
#include "neuron/runtime/DataParallel.h"
#include "neuron/runtime/Pipeline.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <deque>
#include <future>
#include <iostream>
#include <optional>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char **environ;
using namespace neuron::rt;
using Clock = std::chrono::steady_clock;

namespace {
struct Args {
  std::string cmd, model;
  int maxStages = 8, repeat = 5, core = 0;
  long spinMicros = -1; ///< PipelineOptions::spinMicros (-1: its default).
  long requests = 2000;
  double seconds = 3;
};

[[noreturn]] void usage() {
  std::cerr << "usage: neuron-rt-bench handoff [--max-stages K] [--requests N] "
               "[--repeat R]\n"
               "                               [--spin-us US]\n"
               "       neuron-rt-bench dp|pipeline MODEL.neff [--seconds S] "
               "[--repeat R]\n";
  std::exit(2);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty()      ? 0
         : v.size() % 2 ? v[v.size() / 2]
                        : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string self;

/// A private reservation of `hostCores` logical cores (of which `visible`).
std::shared_ptr<CoreReservation> privateCores(const std::string &dir, uint32_t hostCores,
                                              std::optional<std::vector<uint32_t>> visible = {}) {
  CoreConfig c;
  c.hostCores = hostCores;
  c.lockDir = dir;
  c.visible = visible;
  return CoreReservation::acquire(c);
}

std::string makeLockDir() {
  std::string t = "/tmp/neuron-rt-bench-XXXXXX";
  if (!::mkdtemp(t.data()))
    throw Error("cannot create a lock directory");
  return t;
}

std::vector<HostTensor> zeros(const std::vector<TensorDesc> &ins, int64_t batchFactor = 1) {
  std::vector<HostTensor> r;
  for (const TensorDesc &d : ins) {
    Shape s = d.type.shape;
    if (!s.empty())
      s[0] *= batchFactor;
    r.emplace_back(d.type.dtype, s);
  }
  return r;
}

/// Seconds each worker of replica 0 (threads named "nrt-r0s<S>") has been
/// on a CPU, from /proc/self/task/<tid>/schedstat (zeros where the kernel
/// has none). Unlike the workers' busy time, which is wall time around each
/// stage run, this leaves out the time other threads held the CPU, but it
/// includes a worker's polling while it waits for a request.
std::vector<double> onCpuSeconds(size_t K) {
  std::vector<double> r(K, 0);
  DIR *d = ::opendir("/proc/self/task");
  if (!d)
    return r;
  while (dirent *e = ::readdir(d)) {
    std::string base = std::string("/proc/self/task/") + e->d_name;
    std::ifstream comm(base + "/comm"), sched(base + "/schedstat");
    std::string name;
    unsigned long long ns = 0;
    if (!std::getline(comm, name) || name.rfind("nrt-r0s", 0) != 0 || !(sched >> ns))
      continue;
    size_t s = size_t(std::atoi(name.c_str() + 7));
    if (s < K)
      r[s] = double(ns) * 1e-9;
  }
  ::closedir(d);
  return r;
}

/// A K-stage chain of Identity ops on f32[1, 4].
std::shared_ptr<const Artifact> identityChain(int K) {
  ArtifactWriter w("identity" + std::to_string(K));
  w.setBatchSize(1);
  TensorType t{DType::F32, {1, 4}};
  ValueRef prev = ValueRef::pipelineInput(w.addInput("x", t));
  for (int s = 0; s < K; ++s) {
    StageBuilder &sb = w.addStage(uint32_t(s));
    uint32_t in = sb.addInput(prev);
    uint32_t out = sb.addOp(OpKind::Identity, {in}, std::nullopt, "id" + std::to_string(s));
    prev = ValueRef::stageOutput(uint32_t(s), sb.addOutput(out));
  }
  w.addOutput("y", prev);
  return Artifact::fromBytes(w.finish());
}

int handoff(const Args &a) {
  std::string dir = makeLockDir();
  std::vector<double> lat(size_t(a.maxStages) + 1);
  std::printf("%-7s %-18s %-22s\n", "stages", "median latency us", "per-stage hand-off us");
  for (int K = 1; K <= a.maxStages; ++K) {
    std::vector<double> medians;
    for (int r = 0; r < a.repeat; ++r) {
      PipelineOptions po;
      po.reservation = privateCores(dir, uint32_t(K));
      if (a.spinMicros >= 0)
        po.spinMicros = uint32_t(a.spinMicros);
      Pipeline p = Pipeline::load(identityChain(K), po);
      std::vector<HostTensor> in = zeros(p.inputs());
      for (int i = 0; i < 100; ++i)
        p.run(in);
      std::vector<double> l;
      for (long i = 0; i < a.requests; ++i) {
        auto t0 = Clock::now();
        p.run(in);
        l.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
      medians.push_back(median(l));
    }
    lat[size_t(K)] = median(medians);
    if (K == 1)
      std::printf("%-7d %-18.1f %-22s\n", K, lat[1], "-");
    else
      std::printf("%-7d %-18.1f %-22.1f\n", K, lat[size_t(K)], (lat[size_t(K)] - lat[1]) / (K - 1));
  }
  // The least-squares slope of latency over K: one figure that a noisy
  // 1-stage median does not skew.
  if (a.maxStages > 1) {
    double n = a.maxStages, sk = 0, sl = 0, skk = 0, skl = 0;
    for (int K = 1; K <= a.maxStages; ++K) {
      sk += K;
      sl += lat[size_t(K)];
      skk += double(K) * K;
      skl += K * lat[size_t(K)];
    }
    std::printf("fit over 1..%d stages: %.1f us per stage\n", a.maxStages,
                (n * skl - sk * sl) / (n * skk - sk * sk));
  }
  return 0;
}

/// Runs `body` (one request) from `callers` threads for `seconds`; returns
/// requests/s.
template <class F> double closedLoop(int callers, double seconds, F body) {
  std::atomic<bool> stop{false};
  std::atomic<long> done{0};
  std::vector<std::thread> ts;
  auto t0 = Clock::now();
  for (int c = 0; c < callers; ++c)
    ts.emplace_back([&] {
      while (!stop.load()) {
        body();
        done.fetch_add(1);
      }
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto &t : ts)
    t.join();
  return double(done.load()) / std::chrono::duration<double>(Clock::now() - t0).count();
}

/// `single`: the whole model on host core `core` of 2 (own lock dir given by
/// the parent), 2 requests in flight; prints samples/s.
int singleCore(const Args &a, const std::string &dir) {
  auto art = Artifact::open(a.model);
  PipelineOptions po;
  po.reservation = privateCores(dir, 2, std::vector<uint32_t>{uint32_t(a.core)});
  po.cores.assign(art->model().stages.size(), 0);
  Pipeline p = Pipeline::load(art, po);
  std::vector<HostTensor> in = zeros(p.inputs());
  int64_t batch = in.empty() || in[0].shape().empty() ? 1 : in[0].shape()[0];
  for (int i = 0; i < 3; ++i)
    p.run(in);
  double rps = closedLoop(2, a.seconds, [&] { p.run(in); });
  std::printf("%.6f\n", rps * double(batch));
  return 0;
}

double twoProcesses(const Args &a) {
  std::string dir = makeLockDir();
  std::vector<pid_t> pids;
  std::vector<int> fds;
  for (int core = 0; core < 2; ++core) {
    int fd[2];
    if (::pipe(fd) != 0)
      throw Error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    std::string c = std::to_string(core), s = std::to_string(a.seconds);
    std::vector<std::string> args = {self,        "single", a.model,      "--core", c,
                                     "--seconds", s,        "--lock-dir", dir};
    std::vector<char *> argv;
    for (auto &x : args)
      argv.push_back(x.data());
    argv.push_back(nullptr);
    pid_t pid;
    if (posix_spawn(&pid, self.c_str(), &fa, nullptr, argv.data(), environ) != 0)
      throw Error("cannot start " + self);
    posix_spawn_file_actions_destroy(&fa);
    ::close(fd[1]);
    pids.push_back(pid);
    fds.push_back(fd[0]);
  }
  double total = 0;
  for (size_t i = 0; i < pids.size(); ++i) {
    std::string out;
    char buf[256];
    ssize_t n;
    while ((n = ::read(fds[i], buf, sizeof buf)) > 0)
      out.append(buf, size_t(n));
    ::close(fds[i]);
    int st = 0;
    ::waitpid(pids[i], &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
      throw Error("the single-core process failed");
    total += std::atof(out.c_str());
  }
  return total;
}

int dataParallel(const Args &a) {
  auto art = Artifact::open(a.model);
  std::vector<double> dpV, twoV, ratio;
  for (int r = 0; r < a.repeat; ++r) {
    double two = twoProcesses(a);
    std::string dir = makeLockDir();
    DataParallel dp(art, {0, 1}, 0, true, {}, privateCores(dir, 2));
    std::vector<HostTensor> in = zeros(art->model().inputs, 2); // one request per core
    int64_t batch = in[0].shape()[0];
    for (int i = 0; i < 3; ++i)
      dp(in);
    double sps = closedLoop(2, a.seconds, [&] { dp(in); }) * double(batch);
    dpV.push_back(sps);
    twoV.push_back(two);
    ratio.push_back(sps / two);
    std::fprintf(stderr, "run %d: dp %.1f, 2 processes %.1f samples/s\n", r, sps, two);
  }
  std::printf("%-40s %12s\n", "configuration (median of runs)", "samples/s");
  std::printf("%-40s %12.1f\n", "DataParallel, 2 cores", median(dpV));
  std::printf("%-40s %12.1f\n", "2 single-core processes (sum)", median(twoV));
  std::printf("%-40s %12.3f\n", "ratio dp / 2 processes", median(ratio));
  return 0;
}

int pipeline(const Args &a) {
  auto art = Artifact::open(a.model);
  size_t K = art->model().stages.size();
  std::vector<double> stream, ideal, ratio;
  std::vector<std::vector<double>> stageMs(K), streamStageMs(K), stageBusy(K), cpuAlone(K),
      cpuStream(K);
  // The machine is shared, so the two measurements alternate in short
  // slices (alone, streaming, alone, ...) and each streaming slice is
  // compared with the alone slice just before it: both see about the same
  // load from other processes. Figures are medians over every slice pair.
  for (int r = 0; r < a.repeat; ++r) {
    std::string dir = makeLockDir();
    PipelineOptions po;
    po.reservation = privateCores(dir, uint32_t(K));
    Pipeline p = Pipeline::load(art, po);
    std::vector<HostTensor> in = zeros(p.inputs());
    int64_t batch = in.empty() || in[0].shape().empty() ? 1 : in[0].shape()[0];
    auto w0 = Clock::now();
    for (int i = 0; i < 3; ++i)
      p.run(in);
    // A slice holds at least ~20 requests of the whole model.
    double request = std::chrono::duration<double>(Clock::now() - w0).count() / 3;
    const double slice = std::min(a.seconds, std::max(0.5, 20 * request));
    const int pairs = std::max(1, int(a.seconds / slice + 0.5));
    for (int pair = 0; pair < pairs; ++pair) {
      // Alone: one request in flight, so no two stages ever overlap.
      p.resetStats();
      std::vector<double> c0 = onCpuSeconds(K);
      closedLoop(1, slice, [&] { p.run(in); });
      std::vector<double> c1 = onCpuSeconds(K);
      double slowest = 0;
      for (const WorkerStats &w : p.stats()) {
        double n = double(std::max<uint64_t>(1, w.requests));
        stageMs[w.stage].push_back(w.busySeconds / n * 1e3);
        cpuAlone[w.stage].push_back((c1[w.stage] - c0[w.stage]) / n * 1e3);
        slowest = std::max(slowest, w.busySeconds / n);
      }
      // Streaming: 2 requests in flight per stage.
      p.resetStats();
      c0 = onCpuSeconds(K);
      long done = 0;
      auto t0 = Clock::now();
      std::deque<std::future<std::vector<HostTensor>>> window;
      while (std::chrono::duration<double>(Clock::now() - t0).count() < slice) {
        while (window.size() < 2 * K)
          window.push_back(p.submit(in));
        window.front().get();
        window.pop_front();
        ++done;
      }
      double wall = std::chrono::duration<double>(Clock::now() - t0).count();
      double sps = double(done) / wall * double(batch);
      std::vector<WorkerStats> streamed = p.stats(); // before the drain
      c1 = onCpuSeconds(K);
      for (auto &f : window)
        f.get();
      // Where the time went while streaming: each stage's time per request
      // (against its time alone) and its busy fraction of the wall time.
      for (const WorkerStats &w : streamed) {
        double t = w.busySeconds / double(std::max<uint64_t>(1, w.requests));
        streamStageMs[w.stage].push_back(t * 1e3);
        stageBusy[w.stage].push_back(w.busySeconds / wall);
        cpuStream[w.stage].push_back((c1[w.stage] - c0[w.stage]) /
                                     double(std::max<uint64_t>(1, w.requests)) * 1e3);
      }
      stream.push_back(sps);
      ideal.push_back(double(batch) / slowest);
      ratio.push_back(sps * slowest / double(batch));
    }
    std::fprintf(stderr,
                 "run %d: streaming %.1f samples/s, ideal %.1f (medians of %d pairs of %.1f s)\n",
                 r, median({stream.end() - pairs, stream.end()}),
                 median({ideal.end() - pairs, ideal.end()}), pairs, slice);
  }
  std::printf("%-40s %12s\n", "configuration (median of slice pairs)", "value");
  for (size_t s = 0; s < K; ++s)
    std::printf("stage %zu ms/request: alone %.3f (on a CPU %.3f), streaming %.3f (on a CPU "
                "%.3f), busy %.1f%% of the time while streaming\n",
                s, median(stageMs[s]), median(cpuAlone[s]), median(streamStageMs[s]),
                median(cpuStream[s]), 100 * median(stageBusy[s]));
  std::printf("%-40s %12.1f\n", "pipeline streaming, samples/s", median(stream));
  std::printf("%-40s %12.1f\n", "1 / slowest stage, samples/s", median(ideal));
  std::printf("%-40s %12.3f\n", "ratio streaming / ideal", median(ratio));

  return 0;
}
} // namespace

int main(int argc, char **argv) {
  self = argv[0];
  Args a;
  std::string lockDir;
  if (argc < 2)
    usage();
  a.cmd = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usage();
      return argv[++i];
    };
    if (s == "--max-stages")
      a.maxStages = std::max(1, std::atoi(value().c_str()));
    else if (s == "--requests")
      a.requests = std::max(1L, std::atol(value().c_str()));
    else if (s == "--repeat")
      a.repeat = std::max(1, std::atoi(value().c_str()));
    else if (s == "--seconds")
      a.seconds = std::max(0.1, std::atof(value().c_str()));
    else if (s == "--spin-us")
      a.spinMicros = std::max(0L, std::atol(value().c_str()));
    else if (s == "--core")
      a.core = std::atoi(value().c_str());
    else if (s == "--lock-dir")
      lockDir = value();
    else if (a.model.empty() && s[0] != '-')
      a.model = s;
    else
      usage();
  }
  try {
    if (a.cmd == "handoff")
      return handoff(a);
    if (a.model.empty())
      usage();
    if (a.cmd == "single")
      return singleCore(a, lockDir);
    if (a.cmd == "dp")
      return dataParallel(a);
    if (a.cmd == "pipeline")
      return pipeline(a);
    usage();
  } catch (const std::exception &e) {
    std::cerr << "neuron-rt-bench: error: " << e.what() << "\n";
    return 1;
  }
}
