//===- DataParallel.h - one model replicated over NeuronCores ---*- C++ -*-===//
#ifndef NEURON_RUNTIME_DATAPARALLEL_H
#define NEURON_RUNTIME_DATAPARALLEL_H

#include "neuron/runtime/Pipeline.h"

#include <future>
#include <memory>
#include <string>
#include <vector>

namespace neuron::rt {

/// A device of a DataParallel: an index into the process's visible cores
/// taken in groups of DataParallelOptions::coresPerDevice (device d is cores
/// d*G .. d*G+G-1), given as an int or as "nc:#".
struct DeviceId {
  DeviceId(int index);
  DeviceId(const char *name);
  DeviceId(const std::string &name);
  uint32_t index = 0;
};

/// How a DataParallel loads its devices.
struct DataParallelOptions {
  /// Devices to use; empty: every whole device the visible cores hold.
  std::vector<DeviceId> deviceIds;
  /// The dimension the inputs and outputs carry the batch on.
  int dim = 0;
  bool dynamicBatching = true;
  /// Kernel backend and oneDNN threads of every worker.
  LoadOptions load;
  /// NeuronCores per device (its group). 1: the whole model on the device's
  /// one core (its stage workers share it). K, the model's stage count, or
  /// a multiple of it: each device is a K-stage pipeline on its own cores,
  /// replicated within the group as Pipeline does. 0: K.
  uint32_t coresPerDevice = 1;
  /// The cores to use (null: processCores()).
  std::shared_ptr<CoreReservation> cores;
};

/// Runs one model on several NeuronCores at once, splitting the inputs along
/// `dim` (torch-neuron's DataParallel semantics). Each device holds its own
/// copy of the model: on one core, or as a pipeline over a group of cores
/// (a K-stage model data-parallel over groups of K cores).
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
  DataParallel(const std::string &path, const DataParallelOptions &options);
  DataParallel(std::shared_ptr<const Artifact> artifact, const DataParallelOptions &options);
  DataParallel(DataParallel &&) noexcept;
  /// Unloads: batches not yet completed fail with Error "model '<name>' was
  /// unloaded before the request completed" (chunks already running on a
  /// stage finish that stage first); every future is ready afterwards.
  ~DataParallel();

  /// Splits, runs and gathers one batch. Throws Error (inputs disagreeing on
  /// the batch size, a batch that does not divide without dynamic batching,
  /// or the first failing chunk's error).
  std::vector<HostTensor> operator()(const std::vector<HostTensor> &inputs);
  /// Queues one batch and returns its outputs' future; the errors of
  /// operator() fail the future. Batches run concurrently, their chunks
  /// sharing the devices. Borrowed inputs must outlive the future.
  std::future<std::vector<HostTensor>> submit(std::vector<HostTensor> inputs);
  std::vector<HostTensor> run(const std::vector<HostTensor> &inputs) { return (*this)(inputs); }

  void disableDynamicBatching();
  bool dynamicBatching() const;
  /// Threads that split, submit and gather chunks (default 2 x devices).
  void setNumWorkers(uint32_t n);
  uint32_t numWorkers() const;
  /// Rows per chunk (0: max(1, batch / devices), computed per call).
  void setSplitSize(int64_t rows);
  int64_t splitSize() const;
  /// The devices used, in order.
  const std::vector<uint32_t> &deviceIds() const;
  /// The visible cores of each device, in deviceIds() order.
  std::vector<std::vector<uint32_t>> deviceCores() const;
  /// NeuronCores per device.
  uint32_t coresPerDevice() const;
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
