//===- Cores.h - NeuronCores: selection, reservation, pinning ---*- C++ -*-===//
//
// A NeuronCore is one host CPU driven by one pinned worker thread. The host
// offers NEURON_RT_HOST_CORES logical cores (default: the CPUs in the
// process's affinity mask); host core i runs on the i-th allowed CPU modulo
// their count. A process reserves a set of host cores for its lifetime with
// flock() on `<lock dir>/core<N>.lock`, so two processes never drive the same
// core and a crashed process releases its cores automatically. The holder
// writes its pid into the file (for neuron-ls). Within a
// process the reserved cores are numbered from 0 (the "visible" cores).
//
//===----------------------------------------------------------------------===//
#ifndef NEURON_RUNTIME_CORES_H
#define NEURON_RUNTIME_CORES_H

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace neuron::rt {

/// Largest core index accepted anywhere (keeps a hostile "0-4000000000" from
/// allocating without bound).
inline constexpr uint32_t kMaxCoreIndex = 65535;

/// Parses a core list: an index (`3`), a range (`0-3`), or a comma list of
/// both (`0,2-3`). Returns the indices sorted and unique. Throws Error naming
/// `variable` and the value on anything else (empty items, reversed ranges,
/// signs, spaces inside a number, indices above kMaxCoreIndex, duplicates).
/// Leading and trailing blanks of the whole value are ignored.
std::vector<uint32_t> parseCoreList(std::string_view text, std::string_view variable);

/// Parses a positive core count (1..kMaxCoreIndex+1); throws Error naming
/// `variable` otherwise.
uint32_t parseCoreCount(std::string_view text, std::string_view variable);

/// Formats indices as ranges: {0,1,2,5} -> "0-2,5"; {} -> "none".
std::string formatCoreList(const std::vector<uint32_t> &cores);

/// The CPUs (OS indices) in the calling process's affinity mask, read once
/// through hwloc on first use.
const std::vector<int> &allowedCpus();

/// Binds the calling thread to CPU `cpu` (an OS index). Throws Error.
void pinCurrentThread(int cpu);

/// What a process asks for: read from the environment or built by a test.
struct CoreConfig {
  /// Logical cores the host offers (NEURON_RT_HOST_CORES; default: the
  /// number of allowed CPUs).
  uint32_t hostCores = 0;
  /// CPUs that host cores map onto, round-robin (default: allowedCpus()).
  std::vector<int> cpus;
  /// NEURON_RT_VISIBLE_CORES: exactly these host cores.
  std::optional<std::vector<uint32_t>> visible;
  /// NEURON_RT_NUM_CORES: this many free contiguous host cores.
  std::optional<uint32_t> numCores;
  /// NEURON_RT_LOCK_DIR (default /tmp/neuron-rt-<uid>).
  std::string lockDir;

  /// Reads NEURON_RT_VISIBLE_CORES, NEURON_RT_NUM_CORES,
  /// NEURON_RT_HOST_CORES and NEURON_RT_LOCK_DIR; throws Error naming the
  /// variable on a malformed value.
  static CoreConfig fromEnvironment();
};

/// One host core as seen from outside (neuron-ls).
struct CoreStatus {
  uint32_t hostCore = 0;
  int cpu = 0;       ///< The CPU (OS index) it maps to.
  bool held = false; ///< Some process (this one included) holds its flock.
  int pid = 0;       ///< The holder's pid as it wrote it (0: unknown).
  std::string command; ///< The holder's /proc/<pid>/cmdline, blank-separated.
};

/// Probes every host core of `config` without reserving anything: a core is
/// held when its flock cannot be taken; its holder is the pid written into
/// the lock file after the flock was taken (a file left by a dead process is
/// not locked, so the core is free and no pid is reported).
std::vector<CoreStatus> probeCores(const CoreConfig &config);

/// A set of host cores held by this process (one flock per core) until the
/// object is destroyed. Also hands out NeuronCore groups to models in load
/// order. Thread-safe.
class CoreReservation {
public:
  /// Reserves what `config` asks for: `visible` if set, else `numCores`
  /// free contiguous cores, else every free core. Throws Error
  /// `NeuronCore(s) not available - Requested:<what> Available:<free cores>`
  /// when another process holds a requested core.
  static std::shared_ptr<CoreReservation> acquire(const CoreConfig &config);
  ~CoreReservation();
  CoreReservation(const CoreReservation &) = delete;
  CoreReservation &operator=(const CoreReservation &) = delete;

  /// Number of visible cores.
  uint32_t size() const { return uint32_t(hostCores_.size()); }
  /// The host core index of each visible core, in visible order.
  const std::vector<uint32_t> &hostCores() const { return hostCores_; }
  /// The CPU (OS index) that visible core `core` pins to.
  int cpuOf(uint32_t core) const;
  /// The next group of `n` consecutive visible cores in load order: groups
  /// follow each other and wrap around to core 0 when the next one would
  /// run past the last core (models then share cores). Throws Error when
  /// `n` exceeds size().
  std::vector<uint32_t> nextGroup(uint32_t n);
  /// The group of `n` cores starting at `start` (for models that share a
  /// group); throws Error when it does not fit.
  std::vector<uint32_t> groupAt(uint32_t start, uint32_t n) const;

private:
  CoreReservation() = default;
  std::vector<uint32_t> hostCores_;
  std::vector<int> cpus_;
  std::vector<int> fds_;
  std::string lockDir_;
  mutable std::mutex mutex_;
  uint32_t cursor_ = 0;
};

/// The process's reservation, acquired from the environment on first use
/// (when the first Pipeline or DataParallel loads) and kept while any model
/// or caller holds it, or until resetProcessCores().
std::shared_ptr<CoreReservation> processCores();
/// Forgets the process's reservation (the cores are released once the last
/// model using them is destroyed); the next processCores() reads the
/// environment again. For tests and tools.
void resetProcessCores();

} // namespace neuron::rt

#endif // NEURON_RUNTIME_CORES_H
