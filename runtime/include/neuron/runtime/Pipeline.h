//===- Pipeline.h - streaming pipeline execution ----------------*- C++ -*-===//
#ifndef NEURON_RUNTIME_PIPELINE_H
#define NEURON_RUNTIME_PIPELINE_H

#include "neuron/runtime/Cores.h"
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Model.h"

#include <future>
#include <memory>
#include <string>
#include <vector>

namespace neuron::rt {

/// Options of a streaming pipeline.
struct PipelineOptions {
  /// Kernel backend and oneDNN threads per worker; numThreads 0 means 1 in
  /// a pipeline (a NeuronCore is one CPU).
  LoadOptions load;
  /// Size of the NeuronCore group: a multiple of the stage count K, giving
  /// numCores / K replicas (0: K, one replica).
  uint32_t numCores = 0;
  /// First visible core of the group; -1: the next group in load order, so
  /// models loaded one after the other get consecutive groups. Models given
  /// the same startCore share a group.
  int startCore = -1;
  /// Explicit visible cores, one per stage per replica (stage s of replica
  /// r on cores[r * K + s]); overrides numCores and startCore. A core may
  /// repeat (its workers then share the CPU).
  std::vector<uint32_t> cores;
  /// Requests each inter-stage queue holds; submit() blocks (backpressure)
  /// when the first stage's queue is full.
  uint32_t queueDepth = 4;
  /// The longest an idle stage worker polls its queue (yielding the CPU
  /// between polls) before it sleeps on a condition variable. A hand-off to
  /// a polling worker costs a few microseconds, one to a worker asleep on
  /// an idle CPU tens of microseconds on a VM. Workers sharing a CPU poll
  /// too: each poll yields the CPU to a sibling that has work. The budget
  /// adapts: the full spinMicros after a wait that ended within it, half
  /// the last budget after one longer than 4 x spinMicros. 0: never poll.
  uint32_t spinMicros = 1000;
  /// The cores to use (null: processCores(), reserved on first use).
  std::shared_ptr<CoreReservation> reservation;
};

/// What one stage worker has done since load or the last resetStats(),
/// measured by the worker itself.
struct WorkerStats {
  uint32_t replica = 0;  ///< Replica (DataParallel: device position).
  uint32_t stage = 0;    ///< Stage index.
  uint32_t core = 0;     ///< Visible core the worker is pinned to.
  int cpu = 0;           ///< CPU (OS index) it is pinned to.
  uint64_t requests = 0; ///< Requests whose stage it executed.
  /// Time spent executing the stage's kernels (not waiting on queues or
  /// arenas); busySeconds / wall time is the core's busy fraction.
  double busySeconds = 0;
};

/// A model loaded as a streaming pipeline: stage s of each replica runs on
/// its own worker thread pinned to its core, which prepared the stage's
/// kernels, copied its weights and allocated its arenas. Request r+1 enters
/// stage 0 while request r is in stage 1. Requests move between stages by
/// pointer with their activation arenas (nothing is copied between stages);
/// only the final outputs are copied out. Thread-safe: submit() may be
/// called from several threads.
class Pipeline {
public:
  static Pipeline load(const std::string &path, const PipelineOptions &options = {});
  static Pipeline load(std::shared_ptr<const Artifact> artifact,
                       const PipelineOptions &options = {});
  Pipeline(Pipeline &&) noexcept;
  Pipeline &operator=(Pipeline &&) noexcept;
  /// unload().
  ~Pipeline();

  /// Stops the workers and frees the stages. A request not yet completed
  /// fails with Error "model '<name>' was unloaded before the request
  /// completed" at its next stage boundary (a stage already running
  /// finishes its kernels first); every future is ready when unload()
  /// returns. Later submit() calls fail the same way. Idempotent.
  void unload();

  /// Queues one request (round-robin over the replicas) and returns its
  /// outputs' future. A wrong input, a kernel error or a stopped pipeline
  /// fails this future only, with an Error; the pipeline stays usable.
  /// Inputs are read in place: borrowed inputs must outlive the future.
  /// Futures of one replica complete in submission order.
  std::future<std::vector<HostTensor>> submit(std::vector<HostTensor> inputs);
  /// submit(inputs).get().
  std::vector<HostTensor> run(std::vector<HostTensor> inputs);

  const std::vector<TensorDesc> &inputs() const;
  const std::vector<TensorDesc> &outputs() const;
  const Artifact &artifact() const;
  size_t numStages() const;
  size_t numReplicas() const;
  /// The visible core of each worker: cores()[r][s] for stage s of replica r.
  std::vector<std::vector<uint32_t>> cores() const;
  /// The CPU each worker is pinned to, same layout as cores().
  std::vector<std::vector<int>> cpus() const;
  /// One entry per worker (replica-major, stage-minor). Safe to call while
  /// requests run; each worker's figures are updated after each request.
  std::vector<WorkerStats> stats() const;
  /// Zeroes every worker's counters (e.g. after a warm-up).
  void resetStats();

  struct Impl;

private:
  explicit Pipeline(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace neuron::rt

#endif // NEURON_RUNTIME_PIPELINE_H
