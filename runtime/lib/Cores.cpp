//===- Cores.cpp - NeuronCore selection, reservation and pinning ----------===//
#include "neuron/runtime/Cores.h"
#include "neuron/runtime/Error.h"

#include <hwloc.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace neuron::rt {

namespace {

[[noreturn]] void malformed(std::string_view variable, std::string_view text,
                            const std::string &why) {
  throw Error(std::string(variable) + ": malformed value '" + std::string(text) + "': " + why);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// Parses a decimal index <= limit; nullopt on anything else.
std::optional<uint32_t> parseIndex(std::string_view s, uint32_t limit) {
  if (s.empty() || s.size() > 10)
    return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + uint64_t(c - '0');
  }
  if (v > limit)
    return std::nullopt;
  return uint32_t(v);
}

} // namespace

std::vector<uint32_t> parseCoreList(std::string_view text, std::string_view variable) {
  std::string_view s = trim(text);
  if (s.empty())
    malformed(variable, text, "empty");
  std::vector<uint32_t> result;
  size_t pos = 0;
  while (true) {
    size_t comma = s.find(',', pos);
    std::string_view item = s.substr(pos, comma == std::string_view::npos ? s.npos : comma - pos);
    if (item.empty())
      malformed(variable, text, "empty item (expected N, N-M or a comma list of both)");
    size_t dash = item.find('-');
    std::string_view lo = item.substr(0, dash);
    auto a = parseIndex(lo, kMaxCoreIndex);
    if (!a)
      malformed(variable, text,
                "'" + std::string(lo) + "' is not a core index (0.." +
                    std::to_string(kMaxCoreIndex) + ")");
    uint32_t b = *a;
    if (dash != std::string_view::npos) {
      std::string_view hi = item.substr(dash + 1);
      auto bb = parseIndex(hi, kMaxCoreIndex);
      if (!bb)
        malformed(variable, text,
                  "'" + std::string(hi) + "' is not a core index (0.." +
                      std::to_string(kMaxCoreIndex) + ")");
      b = *bb;
      if (b < *a)
        malformed(variable, text, "reversed range " + std::string(item));
    }
    for (uint32_t c = *a; c <= b; ++c)
      result.push_back(c);
    if (comma == std::string_view::npos)
      break;
    pos = comma + 1;
  }
  std::sort(result.begin(), result.end());
  auto dup = std::adjacent_find(result.begin(), result.end());
  if (dup != result.end())
    malformed(variable, text, "core " + std::to_string(*dup) + " listed twice");
  return result;
}

uint32_t parseCoreCount(std::string_view text, std::string_view variable) {
  auto n = parseIndex(trim(text), kMaxCoreIndex + 1);
  if (!n || *n == 0)
    malformed(variable, text,
              "expected a core count 1.." + std::to_string(kMaxCoreIndex + 1));
  return *n;
}

std::string formatCoreList(const std::vector<uint32_t> &cores) {
  if (cores.empty())
    return "none";
  std::string r;
  for (size_t i = 0; i < cores.size();) {
    size_t j = i;
    while (j + 1 < cores.size() && cores[j + 1] == cores[j] + 1)
      ++j;
    if (!r.empty())
      r += ',';
    r += std::to_string(cores[i]);
    if (j > i)
      r += '-' + std::to_string(cores[j]);
    i = j + 1;
  }
  return r;
}

//===----------------------------------------------------------------------===//
// hwloc: topology, affinity and binding.
//===----------------------------------------------------------------------===//

namespace {
struct Topology {
  hwloc_topology_t topo = nullptr;
  std::vector<int> allowed;
  Topology() {
    if (hwloc_topology_init(&topo) != 0 || hwloc_topology_load(topo) != 0)
      throw Error("hwloc: cannot load the host topology");
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    // The calling (main) thread's mask: the runtime never pins it.
    if (hwloc_get_cpubind(topo, set, HWLOC_CPUBIND_THREAD) != 0)
      hwloc_bitmap_copy(set, hwloc_topology_get_allowed_cpuset(topo));
    int i;
    hwloc_bitmap_foreach_begin(i, set) allowed.push_back(i);
    hwloc_bitmap_foreach_end();
    hwloc_bitmap_free(set);
    if (allowed.empty())
      allowed.push_back(0);
  }
  ~Topology() { hwloc_topology_destroy(topo); }
};

Topology &topology() {
  static Topology t;
  return t;
}
} // namespace

const std::vector<int> &allowedCpus() { return topology().allowed; }

void pinCurrentThread(int cpu) {
  Topology &t = topology();
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  hwloc_bitmap_only(set, unsigned(cpu));
  int rc = hwloc_set_cpubind(t.topo, set, HWLOC_CPUBIND_THREAD);
  int err = errno;
  hwloc_bitmap_free(set);
  if (rc != 0)
    throw Error("cannot pin a worker thread to CPU " + std::to_string(cpu) + ": " +
                std::strerror(err));
}

//===----------------------------------------------------------------------===//
// Configuration and reservation.
//===----------------------------------------------------------------------===//

CoreConfig CoreConfig::fromEnvironment() {
  CoreConfig c;
  c.cpus = allowedCpus();
  c.hostCores = uint32_t(c.cpus.size());
  if (const char *v = std::getenv("NEURON_RT_HOST_CORES"); v && *v)
    c.hostCores = parseCoreCount(v, "NEURON_RT_HOST_CORES");
  if (const char *v = std::getenv("NEURON_RT_VISIBLE_CORES"); v && *v)
    c.visible = parseCoreList(v, "NEURON_RT_VISIBLE_CORES");
  if (const char *v = std::getenv("NEURON_RT_NUM_CORES"); v && *v)
    c.numCores = parseCoreCount(v, "NEURON_RT_NUM_CORES");
  if (const char *v = std::getenv("NEURON_RT_LOCK_DIR"); v && *v)
    c.lockDir = v;
  else
    c.lockDir = "/tmp/neuron-rt-" + std::to_string(getuid());
  return c;
}

namespace {
std::string lockPath(const std::string &dir, uint32_t core) {
  return dir + "/core" + std::to_string(core) + ".lock";
}

/// Opens `dir/core<N>.lock` and takes an exclusive non-blocking flock; with
/// `writePid`, then replaces the file's contents with this process's pid.
/// Returns the fd, or -1 when another process holds it.
int tryLock(const std::string &dir, uint32_t core, bool writePid) {
  std::string path = lockPath(dir, core);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throw Error("cannot open the NeuronCore lock file " + path + ": " + std::strerror(errno));
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR)
      continue;
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return -1;
    throw Error("cannot lock " + path + ": " + std::strerror(err));
  }
  if (writePid) {
    // Best effort: the flock is the reservation, the pid only names it.
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
      // Not fatal: neuron-ls then shows the core held by an unknown pid.
    }
  }
  return fd;
}

/// Host cores not held by anyone (probes and releases each lock).
std::vector<uint32_t> freeCores(const std::string &dir, uint32_t hostCores) {
  std::vector<uint32_t> r;
  for (uint32_t c = 0; c < hostCores; ++c) {
    int fd = tryLock(dir, c, /*writePid=*/false);
    if (fd >= 0) {
      ::close(fd);
      r.push_back(c);
    }
  }
  return r;
}
} // namespace

std::vector<CoreStatus> probeCores(const CoreConfig &config) {
  std::vector<int> cpus = config.cpus.empty() ? allowedCpus() : config.cpus;
  std::vector<CoreStatus> r;
  for (uint32_t c = 0; c < config.hostCores; ++c) {
    CoreStatus st;
    st.hostCore = c;
    st.cpu = cpus[c % cpus.size()];
    // Read-only and never created: probing leaves no trace.
    int fd = ::open(lockPath(config.lockDir, c).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      int rc;
      while ((rc = ::flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR) {
      }
      st.held = rc != 0 && errno == EWOULDBLOCK;
      if (st.held) {
        char buf[32] = {};
        ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
        long pid = n > 0 ? std::strtol(buf, nullptr, 10) : 0;
        st.pid = pid > 0 && pid <= INT32_MAX ? int(pid) : 0;
      }
      ::close(fd);
    }
    if (st.pid > 0) {
      std::string cmdline;
      int cf = ::open(("/proc/" + std::to_string(st.pid) + "/cmdline").c_str(),
                      O_RDONLY | O_CLOEXEC);
      if (cf >= 0) {
        char buf[4096];
        ssize_t n;
        while ((n = ::read(cf, buf, sizeof buf)) > 0 && cmdline.size() < 65536)
          cmdline.append(buf, size_t(n));
        ::close(cf);
      }
      while (!cmdline.empty() && cmdline.back() == '\0')
        cmdline.pop_back();
      std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
      st.command = cmdline;
    }
    r.push_back(std::move(st));
  }
  return r;
}

std::shared_ptr<CoreReservation> CoreReservation::acquire(const CoreConfig &config) {
  if (config.hostCores == 0)
    throw Error("the host offers no NeuronCores");
  if (config.lockDir.empty())
    throw Error("no NeuronCore lock directory");
  if (::mkdir(config.lockDir.c_str(), 0700) != 0 && errno != EEXIST)
    throw Error("cannot create the NeuronCore lock directory " + config.lockDir + ": " +
                std::strerror(errno));
  std::shared_ptr<CoreReservation> r(new CoreReservation());
  r->lockDir_ = config.lockDir;
  r->cpus_ = config.cpus.empty() ? allowedCpus() : config.cpus;
  auto releaseAll = [&] {
    for (int fd : r->fds_)
      ::close(fd);
    r->fds_.clear();
    r->hostCores_.clear();
  };
  auto notAvailable = [&](const std::string &requested) {
    releaseAll();
    return Error("NeuronCore(s) not available - Requested:" + requested + " Available:" +
                 formatCoreList(freeCores(config.lockDir, config.hostCores)));
  };
  auto take = [&](uint32_t core) {
    int fd = tryLock(config.lockDir, core, /*writePid=*/true);
    if (fd < 0)
      return false;
    r->fds_.push_back(fd);
    r->hostCores_.push_back(core);
    return true;
  };
  if (config.visible) {
    for (uint32_t c : *config.visible)
      if (c >= config.hostCores)
        throw Error("NEURON_RT_VISIBLE_CORES: core " + std::to_string(c) +
                    " does not exist (the host offers " + std::to_string(config.hostCores) +
                    " NeuronCores: " + formatCoreList({0}) +
                    (config.hostCores > 1 ? "-" + std::to_string(config.hostCores - 1) : "") +
                    ")");
    for (uint32_t c : *config.visible)
      if (!take(c))
        throw notAvailable(formatCoreList(*config.visible));
  } else if (config.numCores) {
    uint32_t n = *config.numCores;
    bool ok = false;
    for (uint32_t start = 0; !ok && start + n <= config.hostCores; ++start) {
      ok = true;
      for (uint32_t c = start; ok && c < start + n; ++c)
        ok = take(c);
      if (!ok)
        releaseAll();
    }
    if (!ok)
      throw notAvailable(std::to_string(n) + " contiguous");
  } else {
    for (uint32_t c = 0; c < config.hostCores; ++c)
      take(c);
    if (r->hostCores_.empty())
      throw notAvailable("all");
  }
  return r;
}

CoreReservation::~CoreReservation() {
  for (int fd : fds_)
    ::close(fd);
}

int CoreReservation::cpuOf(uint32_t core) const {
  if (core >= hostCores_.size())
    throw Error("NeuronCore " + std::to_string(core) + " is not visible (the process has " +
                std::to_string(hostCores_.size()) + ")");
  return cpus_[hostCores_[core] % cpus_.size()];
}

std::vector<uint32_t> CoreReservation::groupAt(uint32_t start, uint32_t n) const {
  if (n == 0 || uint64_t(start) + n > hostCores_.size())
    throw Error("NeuronCore group " + std::to_string(start) + "-" +
                std::to_string(int64_t(start) + n - 1) + " does not fit the " +
                std::to_string(hostCores_.size()) + " visible NeuronCore(s)");
  std::vector<uint32_t> g(n);
  for (uint32_t i = 0; i < n; ++i)
    g[i] = start + i;
  return g;
}

std::vector<uint32_t> CoreReservation::nextGroup(uint32_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (n == 0 || n > hostCores_.size())
    throw Error("NeuronCore(s) not available - Requested:" + std::to_string(n) +
                " Available:" + std::to_string(hostCores_.size()) + " visible");
  if (cursor_ + n > hostCores_.size())
    cursor_ = 0;
  std::vector<uint32_t> g = groupAt(cursor_, n);
  cursor_ = (cursor_ + n) % uint32_t(hostCores_.size());
  return g;
}

namespace {
std::mutex processMutex;
std::shared_ptr<CoreReservation> processReservation;
} // namespace

std::shared_ptr<CoreReservation> processCores() {
  std::lock_guard<std::mutex> lock(processMutex);
  if (!processReservation)
    processReservation = CoreReservation::acquire(CoreConfig::fromEnvironment());
  return processReservation;
}

void resetProcessCores() {
  std::lock_guard<std::mutex> lock(processMutex);
  processReservation.reset();
}

} // namespace neuron::rt
