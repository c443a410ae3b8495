//===- DataParallel.h - one model replicated over NeuronCores ---*- C++ -*-===//
#ifndef NEURON_RUNTIME_DATAPARALLEL_H
#define NEURON_RUNTIME_DATAPARALLEL_H

#include "neuron/runtime/Pipeline.h"

#include <memory>
#include <string>
#include <vector>

namespace neuron::rt {

/// A NeuronCore of the process: an index into the visible cores, given as an
/// int or as "nc:#".
struct DeviceId {
  DeviceId(int index);
  DeviceId(const char *name);
  DeviceId(const std::string &name);
  uint32_t index = 0;
};

/// Runs one model on several NeuronCores at once, splitting the inputs along
/// `dim` (torch-neuron's DataParallel semantics). Each device holds its own
/// copy of the model (all its stages pinned to that core).
///
/// With dynamic batching (the default; only when dim == 0, otherwise it is
/// disabled with a warning on stderr) any batch size works: the input is
/// split into chunks of splitSize() rows, spread round-robin over the
/// devices, and each chunk runs as requests of the compiled batch size, the
/// last one zero-padded; the padding is stripped from the outputs. Without
/// it, input.shape[dim] / number of devices must equal the compiled batch
/// size. Every input and output of the model must carry the batch on `dim`.
class DataParallel {
public:
  /// `deviceIds` empty: every visible core. `cores` null: processCores().
  DataParallel(const std::string &path, std::vector<DeviceId> deviceIds = {}, int dim = 0,
               bool dynamicBatching = true, const LoadOptions &load = {},
               std::shared_ptr<CoreReservation> cores = nullptr);
  DataParallel(std::shared_ptr<const Artifact> artifact, std::vector<DeviceId> deviceIds = {},
               int dim = 0, bool dynamicBatching = true, const LoadOptions &load = {},
               std::shared_ptr<CoreReservation> cores = nullptr);
  DataParallel(DataParallel &&) noexcept;
  ~DataParallel();

  /// Splits, runs and gathers one batch. Throws Error (inputs disagreeing on
  /// the batch size, a batch that does not divide without dynamic batching,
  /// or the first failing chunk's error).
  std::vector<HostTensor> operator()(const std::vector<HostTensor> &inputs);
  std::vector<HostTensor> run(const std::vector<HostTensor> &inputs) { return (*this)(inputs); }

  void disableDynamicBatching();
  bool dynamicBatching() const;
  /// Threads that split, submit and gather chunks (default 2 x devices).
  void setNumWorkers(uint32_t n);
  uint32_t numWorkers() const;
  /// Rows per chunk (0: max(1, batch / devices), computed per call).
  void setSplitSize(int64_t rows);
  int64_t splitSize() const;
  /// The visible cores used, in order.
  const std::vector<uint32_t> &deviceIds() const;
  /// The batch size the artifact was compiled for (inputs' extent on dim).
  int64_t compiledBatchSize() const;
  int dim() const;
  const Artifact &artifact() const;
  /// Per-worker statistics of every device (WorkerStats::replica is the
  /// device's position in deviceIds()).
  std::vector<WorkerStats> stats() const;
  void resetStats();

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

} // namespace neuron::rt

#endif // NEURON_RUNTIME_DATAPARALLEL_H
