//===- Pipeline.cpp - streaming pipeline: pinned stage workers ------------===//
//
// Each replica has K workers and K bounded queues; queue s feeds worker s.
// A Request carries its inputs, its promise and one StageContext (arena) per
// stage, taken from that stage's pool when the stage starts and returned
// when the request completes at the last stage: later stages and the final
// output copy read earlier stages' arenas in place. A failed request travels
// on (marked failed) so futures of a replica complete in order. Unloading
// (unload() or the destructor) fails every request at its next stage
// boundary with "model unloaded" instead of running it.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Pipeline.h"
#include "Stage.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <pthread.h>
#include <thread>

namespace neuron::rt {

namespace {

struct Request {
  std::vector<HostTensor> inputs;
  std::promise<std::vector<HostTensor>> promise;
  std::vector<std::unique_ptr<StageContext>> ctx; ///< Per stage, null until it ran.
  std::exception_ptr error;
};
using RequestPtr = std::unique_ptr<Request>;

/// A bounded FIFO with one consumer: push blocks while full, pop while
/// empty; close() wakes everyone, after which push fails and pop drains what
/// is left. Waking a thread asleep on an idle CPU costs tens of microseconds
/// on a VM, far more than a stage of small ops, so pop() first polls,
/// yielding the CPU between polls: a worker that shares its CPU with a busy
/// one hands the CPU over at each poll (measured: no throughput lost by a
/// 2-stage pipeline whose workers share one CPU). The poll budget adapts so
/// a stage fed every few milliseconds stops burning its CPU: it is the full
/// `maxSpin` after a wait that ended within maxSpin, and halves after a wait
/// longer than 4 x maxSpin (the margin keeps a long chain of hand-offs,
/// whose round trip is slow only while its workers sleep, from settling
/// into all of them sleeping).
class BoundedQueue {
public:
  BoundedQueue(size_t capacity, std::chrono::microseconds maxSpin)
      : capacity_(capacity ? capacity : 1), maxSpin_(maxSpin), budget_(maxSpin) {}
  bool push(RequestPtr &r) {
    std::unique_lock<std::mutex> lock(m_);
    notFull_.wait(lock, [&] { return closed_ || q_.size() < capacity_; });
    if (closed_)
      return false;
    q_.push_back(std::move(r));
    size_.store(q_.size(), std::memory_order_release);
    notEmpty_.notify_one();
    return true;
  }
  bool pop(RequestPtr &r) {
    using Clock = std::chrono::steady_clock;
    const bool poll = maxSpin_.count() > 0 && size_.load(std::memory_order_acquire) == 0;
    Clock::time_point start{};
    if (poll) {
      start = Clock::now();
      auto until = start + budget_;
      while (size_.load(std::memory_order_acquire) == 0 &&
             !closedFlag_.load(std::memory_order_acquire) && Clock::now() < until)
        std::this_thread::yield();
    }
    std::unique_lock<std::mutex> lock(m_);
    notEmpty_.wait(lock, [&] { return closed_ || !q_.empty(); });
    if (q_.empty())
      return false;
    r = std::move(q_.front());
    q_.pop_front();
    size_.store(q_.size(), std::memory_order_release);
    notFull_.notify_one();
    lock.unlock();
    if (poll) {
      auto waited = Clock::now() - start;
      if (waited <= maxSpin_)
        budget_ = maxSpin_;
      else if (waited > 4 * maxSpin_)
        budget_ /= 2;
    }
    return true;
  }
  void close() {
    std::lock_guard<std::mutex> lock(m_);
    closed_ = true;
    closedFlag_.store(true, std::memory_order_release);
    notEmpty_.notify_all();
    notFull_.notify_all();
  }

private:
  std::mutex m_;
  std::condition_variable notEmpty_, notFull_;
  std::deque<RequestPtr> q_;
  size_t capacity_;
  std::chrono::microseconds maxSpin_;
  std::chrono::nanoseconds budget_; ///< Current poll budget (the consumer's).
  bool closed_ = false;
  std::atomic<size_t> size_{0};         ///< q_.size(), for polling without the lock.
  std::atomic<bool> closedFlag_{false}; ///< closed_, for polling.
};

/// A stage's free arenas. acquire() blocks while all are in flight, which
/// bounds the memory of a stage whatever the queue lengths.
class ContextPool {
public:
  void add(std::unique_ptr<StageContext> c) {
    std::lock_guard<std::mutex> lock(m_);
    free_.push_back(std::move(c));
    cv_.notify_one();
  }
  std::unique_ptr<StageContext> acquire() {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    auto c = std::move(free_.back());
    free_.pop_back();
    return c;
  }
  size_t available() {
    std::lock_guard<std::mutex> lock(m_);
    return free_.size();
  }

private:
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<StageContext>> free_;
};

struct Replica;

struct Worker {
  uint32_t stageIndex = 0;
  uint32_t core = 0;
  int cpu = 0;
  std::unique_ptr<Stage> stage;
  ContextPool pool;
  std::thread thread;
  std::atomic<uint64_t> busyNs{0}, requests{0}; ///< Stats, written by the worker.
};

struct Replica {
  uint32_t index = 0;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::unique_ptr<BoundedQueue>> queues; ///< queues[s] feeds stage s.
};

} // namespace

struct Pipeline::Impl {
  std::shared_ptr<const Artifact> artifact;
  std::shared_ptr<CoreReservation> reservation;
  PipelineOptions options;
  std::vector<std::unique_ptr<Replica>> replicas;
  std::atomic<uint64_t> next{0};
  /// Set by stop(): workers fail what they pop instead of running it.
  std::atomic<bool> unloading{false};
  std::once_flag stopOnce;

  void workerMain(Replica &rep, Worker &w, std::promise<void> &ready);
  void complete(Replica &rep, RequestPtr req);
  std::exception_ptr unloadedError() const {
    return std::make_exception_ptr(
        Error("model '" + artifact->model().name + "' was unloaded before the request completed"));
  }
  void stop();
  ~Impl() { stop(); }
};

void Pipeline::Impl::workerMain(Replica &rep, Worker &w, std::promise<void> &ready) {
  const ModelDesc &md = artifact->model();
  const StageDesc &sd = md.stages[w.stageIndex];
  try {
    // Named for top, perf and /proc/self/task/*/comm (the benchmark reads
    // each worker's run-queue wait there).
    std::string name = "nrt-r" + std::to_string(rep.index) + "s" + std::to_string(w.stageIndex);
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    pinCurrentThread(w.cpu);
    LoadOptions lo = options.load;
    if (lo.numThreads == 0)
      lo.numThreads = 1;
    std::shared_ptr<DnnlEnv> dnnl;
    if (lo.backend == KernelBackend::Auto) {
      dnnl = makeDnnlEnv(lo.numThreads);
      if (dnnl)
        enterDnnlThread(*dnnl);
    }
    // Kernels, packed weights, the weight copy and the arenas are all
    // allocated and first touched here, on the pinned worker.
    w.stage = std::make_unique<Stage>(artifact, w.stageIndex, lo, dnnl,
                                      /*copyWeights=*/true);
    uint32_t contexts = options.queueDepth + uint32_t(md.stages.size()) + 1;
    for (uint32_t i = 0; i < contexts; ++i)
      w.pool.add(w.stage->makeContext());
    ready.set_value();
  } catch (...) {
    ready.set_exception(std::current_exception());
    return;
  }

  BoundedQueue &in = *rep.queues[w.stageIndex];
  bool last = w.stageIndex + 1 == md.stages.size();
  std::vector<const void *> stageIn(sd.inputs.size());
  RequestPtr req;
  while (in.pop(req)) {
    if (!req->error && unloading.load(std::memory_order_acquire))
      req->error = unloadedError();
    if (!req->error) {
      try {
        req->ctx[w.stageIndex] = w.pool.acquire();
        for (size_t i = 0; i < sd.inputs.size(); ++i) {
          ValueRef ref = sd.inputSources[i];
          stageIn[i] = ref.isPipelineInput()
                           ? req->inputs[ref.index].data()
                           : req->ctx[ref.stage]->ptrs[md.stages[ref.stage].outputs[ref.index]];
        }
        auto t0 = std::chrono::steady_clock::now();
        try {
          w.stage->run(stageIn.data(), *req->ctx[w.stageIndex]);
        } catch (...) {
          req->error = std::current_exception();
        }
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
        w.busyNs.fetch_add(uint64_t(ns), std::memory_order_relaxed);
        w.requests.fetch_add(1, std::memory_order_relaxed);
      } catch (...) {
        req->error = std::current_exception();
      }
    }
    if (last) {
      complete(rep, std::move(req));
    } else if (!rep.queues[w.stageIndex + 1]->push(req)) {
      // Only stop() closes a queue, and it closes them front to back after
      // the previous worker has finished: unreachable, but never lose a
      // request.
      req->error = unloadedError();
      complete(rep, std::move(req));
    }
  }
  // Release what this thread allocated on this thread.
  w.stage.reset();
}

void Pipeline::Impl::complete(Replica &rep, RequestPtr req) {
  const ModelDesc &md = artifact->model();
  std::vector<HostTensor> outputs;
  if (!req->error) {
    try {
      outputs.reserve(md.outputs.size());
      for (size_t i = 0; i < md.outputs.size(); ++i) {
        const TensorType &t = md.outputs[i].type;
        ValueRef ref = md.outputSources[i];
        const void *src = ref.isPipelineInput()
                              ? req->inputs[ref.index].data()
                              : req->ctx[ref.stage]->ptrs[md.stages[ref.stage].outputs[ref.index]];
        outputs.push_back(HostTensor::copyOf(t.dtype, t.shape, src));
      }
    } catch (...) {
      req->error = std::current_exception();
    }
  }
  // Arenas go back before the future is ready, so a caller that waits on
  // its future can submit again without waiting for a free arena.
  for (size_t s = 0; s < req->ctx.size(); ++s)
    if (req->ctx[s])
      rep.workers[s]->pool.add(std::move(req->ctx[s]));
  if (req->error)
    req->promise.set_exception(req->error);
  else
    req->promise.set_value(std::move(outputs));
}

void Pipeline::Impl::stop() {
  std::call_once(stopOnce, [&] {
    // Queued requests fail as they are popped; a stage already running
    // finishes its kernels first (they cannot be interrupted). Each queue
    // is closed once the worker in front of it has finished, so nothing is
    // left in a queue and every future is completed.
    unloading.store(true, std::memory_order_release);
    for (auto &rep : replicas) {
      for (size_t s = 0; s < rep->workers.size(); ++s) {
        rep->queues[s]->close();
        if (rep->workers[s]->thread.joinable())
          rep->workers[s]->thread.join();
      }
    }
  });
}

Pipeline::Pipeline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pipeline::Pipeline(Pipeline &&) noexcept = default;
Pipeline &Pipeline::operator=(Pipeline &&) noexcept = default;
Pipeline::~Pipeline() = default;

void Pipeline::unload() {
  if (impl_)
    impl_->stop();
}

Pipeline Pipeline::load(const std::string &path, const PipelineOptions &options) {
  return load(Artifact::open(path), options);
}

Pipeline Pipeline::load(std::shared_ptr<const Artifact> artifact, const PipelineOptions &options) {
  auto impl = std::make_unique<Impl>();
  impl->artifact = std::move(artifact);
  impl->options = options;
  impl->reservation = options.reservation ? options.reservation : processCores();
  const uint32_t K = uint32_t(impl->artifact->model().stages.size());
  if (K == 0)
    throw Error("model '" + impl->artifact->model().name + "' has no stages");

  std::vector<uint32_t> cores = options.cores;
  if (cores.empty()) {
    uint32_t group = options.numCores ? options.numCores : K;
    if (group % K != 0)
      throw Error("a NeuronCore group of " + std::to_string(group) +
                  " cores cannot hold replicas of a " + std::to_string(K) +
                  "-stage pipeline (the group size must be a multiple of " + std::to_string(K) +
                  ")");
    cores = options.startCore < 0 ? impl->reservation->nextGroup(group)
                                  : impl->reservation->groupAt(uint32_t(options.startCore), group);
  } else if (cores.size() % K != 0) {
    throw Error(std::to_string(cores.size()) + " cores given for a " + std::to_string(K) +
                "-stage pipeline (need a multiple of " + std::to_string(K) + ")");
  }

  std::vector<std::promise<void>> ready(cores.size());
  size_t started = 0;
  for (size_t r = 0; r < cores.size() / K; ++r) {
    auto rep = std::make_unique<Replica>();
    rep->index = uint32_t(r);
    for (uint32_t s = 0; s < K; ++s) {
      auto w = std::make_unique<Worker>();
      w->stageIndex = s;
      w->core = cores[r * K + s];
      w->cpu = impl->reservation->cpuOf(w->core);
      rep->workers.push_back(std::move(w));
      rep->queues.push_back(std::make_unique<BoundedQueue>(
          options.queueDepth, std::chrono::microseconds(options.spinMicros)));
    }
    impl->replicas.push_back(std::move(rep));
  }
  for (auto &rep : impl->replicas)
    for (auto &w : rep->workers) {
      Replica *rp = rep.get();
      Worker *wp = w.get();
      std::promise<void> *pr = &ready[started++];
      Impl *ip = impl.get();
      w->thread = std::thread([ip, rp, wp, pr] { ip->workerMain(*rp, *wp, *pr); });
    }
  // Wait for every worker; on a failure the Impl destructor stops the rest.
  std::exception_ptr first;
  for (auto &p : ready) {
    try {
      p.get_future().get();
    } catch (...) {
      if (!first)
        first = std::current_exception();
    }
  }
  if (first)
    std::rethrow_exception(first);
  return Pipeline(std::move(impl));
}

std::future<std::vector<HostTensor>> Pipeline::submit(std::vector<HostTensor> inputs) {
  auto req = std::make_unique<Request>();
  auto future = req->promise.get_future();
  try {
    checkModelInputs(impl_->artifact->model(), inputs);
  } catch (...) {
    req->promise.set_exception(std::current_exception());
    return future;
  }
  req->inputs = std::move(inputs);
  req->ctx.resize(numStages());
  Replica &rep = *impl_->replicas[impl_->next++ % impl_->replicas.size()];
  if (!rep.queues[0]->push(req))
    req->promise.set_exception(impl_->unloadedError());
  return future;
}

std::vector<HostTensor> Pipeline::run(std::vector<HostTensor> inputs) {
  return submit(std::move(inputs)).get();
}

const std::vector<TensorDesc> &Pipeline::inputs() const { return impl_->artifact->model().inputs; }
const std::vector<TensorDesc> &Pipeline::outputs() const {
  return impl_->artifact->model().outputs;
}
const Artifact &Pipeline::artifact() const { return *impl_->artifact; }
size_t Pipeline::numStages() const { return impl_->artifact->model().stages.size(); }
size_t Pipeline::numReplicas() const { return impl_->replicas.size(); }

std::vector<std::vector<uint32_t>> Pipeline::cores() const {
  std::vector<std::vector<uint32_t>> r;
  for (auto &rep : impl_->replicas) {
    r.emplace_back();
    for (auto &w : rep->workers)
      r.back().push_back(w->core);
  }
  return r;
}

std::vector<std::vector<int>> Pipeline::cpus() const {
  std::vector<std::vector<int>> r;
  for (auto &rep : impl_->replicas) {
    r.emplace_back();
    for (auto &w : rep->workers)
      r.back().push_back(w->cpu);
  }
  return r;
}

std::vector<WorkerStats> Pipeline::stats() const {
  std::vector<WorkerStats> r;
  for (size_t i = 0; i < impl_->replicas.size(); ++i)
    for (auto &w : impl_->replicas[i]->workers) {
      WorkerStats s;
      s.replica = uint32_t(i);
      s.stage = w->stageIndex;
      s.core = w->core;
      s.cpu = w->cpu;
      s.requests = w->requests.load(std::memory_order_relaxed);
      s.busySeconds = double(w->busyNs.load(std::memory_order_relaxed)) * 1e-9;
      r.push_back(s);
    }
  return r;
}

void Pipeline::resetStats() {
  for (auto &rep : impl_->replicas)
    for (auto &w : rep->workers) {
      w->busyNs.store(0, std::memory_order_relaxed);
      w->requests.store(0, std::memory_order_relaxed);
    }
}

} // namespace neuron::rt
