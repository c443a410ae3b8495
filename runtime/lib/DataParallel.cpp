//===- DataParallel.cpp - splitting a batch over replicas -----------------===//
#include "neuron/runtime/DataParallel.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>

namespace neuron::rt {

namespace {
[[noreturn]] void badDevice(const std::string &name) {
  throw Error("DataParallel: device id '" + name + "' is not an index or 'nc:#'");
}

uint32_t parseDevice(const std::string &name) {
  std::string digits = name.rfind("nc:", 0) == 0 ? name.substr(3) : "";
  if (digits.empty() || digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    badDevice(name);
  return uint32_t(std::stoul(digits));
}

/// A fixed set of threads running queued tasks. A task is told whether it
/// was cancelled (cancel()) instead of run; either way it runs exactly once.
class WorkerPool {
public:
  using Task = std::function<void(bool cancelled)>;
  explicit WorkerPool(uint32_t n) {
    for (uint32_t i = 0; i < n; ++i)
      threads_.emplace_back([this] { loop(); });
  }
  /// Runs what is still queued (unless cancel() came first), then joins.
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto &t : threads_)
      t.join();
  }
  void post(Task f) {
    {
      std::lock_guard<std::mutex> lock(m_);
      if (!cancelled_) {
        tasks_.push_back(std::move(f));
        cv_.notify_one();
        return;
      }
    }
    f(true);
  }
  /// Hands every queued task, and every task posted later, `cancelled`
  /// on the calling thread instead of running it.
  void cancel() {
    std::deque<Task> queued;
    {
      std::lock_guard<std::mutex> lock(m_);
      cancelled_ = true;
      queued.swap(tasks_);
    }
    for (Task &t : queued)
      t(true);
  }
  size_t size() const { return threads_.size(); }

private:
  void loop() {
    while (true) {
      Task f;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
        if (tasks_.empty())
          return;
        f = std::move(tasks_.front());
        tasks_.pop_front();
      }
      f(false);
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;
  std::vector<std::thread> threads_;
  bool stop_ = false, cancelled_ = false;
};

/// Copies rows [start, start + len) along `dim` of `src` into rows
/// [dstStart, dstStart + len) of `dst` (same shape except along dim).
void copyRows(const HostTensor &src, int64_t start, HostTensor &dst, int64_t dstStart, int64_t len,
              int dim) {
  const Shape &ss = src.shape(), &ds = dst.shape();
  uint64_t outer = 1, row = dtypeSize(src.dtype());
  for (int i = 0; i < dim; ++i)
    outer *= uint64_t(ss[i]);
  for (size_t i = size_t(dim) + 1; i < ss.size(); ++i)
    row *= uint64_t(ss[i]);
  const uint8_t *s = static_cast<const uint8_t *>(src.data());
  uint8_t *d = static_cast<uint8_t *>(dst.data());
  for (uint64_t o = 0; o < outer; ++o)
    std::memcpy(d + (o * uint64_t(ds[dim]) + uint64_t(dstStart)) * row,
                s + (o * uint64_t(ss[dim]) + uint64_t(start)) * row, uint64_t(len) * row);
}
} // namespace

DeviceId::DeviceId(int i) {
  if (i < 0)
    throw Error("DataParallel: device id " + std::to_string(i) + " is negative");
  index = uint32_t(i);
}
DeviceId::DeviceId(const char *name) : index(parseDevice(name ? name : "")) {}
DeviceId::DeviceId(const std::string &name) : index(parseDevice(name)) {}

/// One batch in flight: its inputs (owned or borrowed), its outputs being
/// gathered, and how its caller learns it is done: the promise of submit(),
/// or `done` for operator(), which waits on `cv` and takes the error itself.
///
/// Why two ways: the thread that drops the last reference to an exception
/// deletes it. A promise's state may be released by the chunk's thread after
/// the caller has already handled the exception; ThreadSanitizer cannot see
/// the (uninstrumented) libstdc++ reference count that orders the two, and
/// reports a race. operator() therefore moves the error out under the mutex,
/// so the caller's thread holds the last reference; submit() releases its
/// promise right after setting it.
struct Batch {
  std::vector<HostTensor> inputs, outputs;
  bool async = false;
  std::promise<std::vector<HostTensor>> promise;
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  size_t pending = 0;
  std::exception_ptr firstError;
  void fail(std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(m);
    if (!firstError)
      firstError = std::move(e);
  }
  /// Called once per chunk.
  void chunkDone() {
    std::unique_lock<std::mutex> lock(m);
    if (--pending != 0)
      return;
    if (!async) {
      done = true;
      cv.notify_all();
      return;
    }
    std::promise<std::vector<HostTensor>> p = std::move(promise);
    std::exception_ptr e = std::move(firstError);
    std::vector<HostTensor> out = std::move(outputs);
    lock.unlock();
    if (e)
      p.set_exception(std::move(e));
    else
      p.set_value(std::move(out));
  }
  /// operator(): waits for every chunk, then returns the outputs or throws
  /// the first error.
  std::vector<HostTensor> wait() {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return done; });
    if (std::exception_ptr e = std::move(firstError)) {
      lock.unlock();
      std::rethrow_exception(e);
    }
    return std::move(outputs);
  }
};

struct DataParallel::Impl {
  std::shared_ptr<const Artifact> artifact;
  std::vector<uint32_t> devices;
  std::vector<std::vector<uint32_t>> deviceCores;
  uint32_t coresPerDevice = 1;
  std::vector<std::unique_ptr<Pipeline>> replicas;
  int dim = 0;
  bool dynamic = true;
  int64_t compiled = 1;
  int64_t split = 0;
  std::unique_ptr<WorkerPool> pool;
  /// Rows queued or running on each device, and where the next tie between
  /// equally loaded devices is broken: a chunk goes to the least loaded
  /// device, so concurrent batches smaller than the device count (batch-1
  /// requests above all) spread over every device instead of all landing on
  /// the first.
  std::mutex loadM;
  std::vector<int64_t> load;
  size_t cursor = 0;
  size_t pickDevice(int64_t rows);
  void finished(size_t device, int64_t rows);

  void init(const DataParallelOptions &o);
  /// Checks a batch, splits it into chunks and queues them; throws Error on
  /// a bad batch. With `future`, the batch completes that future (taken
  /// before any chunk is queued, since the last chunk moves the promise out).
  std::shared_ptr<Batch> start(std::vector<HostTensor> inputs,
                               std::future<std::vector<HostTensor>> *future);
  void runChunk(Batch &b, int64_t start, int64_t rows, size_t device);
  ~Impl() {
    // Queued chunks fail as unloaded; running ones see their pipeline
    // requests fail (or finish their last stage); then the threads join.
    if (pool)
      pool->cancel();
    for (auto &r : replicas)
      r->unload();
    pool.reset();
  }
};

DataParallel::DataParallel(const std::string &path, std::vector<DeviceId> deviceIds, int dim,
                           bool dynamicBatching, const LoadOptions &load,
                           std::shared_ptr<CoreReservation> cores)
    : DataParallel(Artifact::open(path), std::move(deviceIds), dim, dynamicBatching, load,
                   std::move(cores)) {}

DataParallel::DataParallel(std::shared_ptr<const Artifact> artifact,
                           std::vector<DeviceId> deviceIds, int dim, bool dynamicBatching,
                           const LoadOptions &load, std::shared_ptr<CoreReservation> cores)
    : DataParallel(std::move(artifact),
                   DataParallelOptions{std::move(deviceIds), dim, dynamicBatching, load, 1,
                                       std::move(cores)}) {}

DataParallel::DataParallel(const std::string &path, const DataParallelOptions &options)
    : DataParallel(Artifact::open(path), options) {}

DataParallel::DataParallel(std::shared_ptr<const Artifact> artifact,
                           const DataParallelOptions &options)
    : impl_(std::make_unique<Impl>()) {
  impl_->artifact = std::move(artifact);
  impl_->init(options);
}

void DataParallel::Impl::init(const DataParallelOptions &o) {
  Impl &m = *this;
  const ModelDesc &md = m.artifact->model();
  const int dim = o.dim;
  std::shared_ptr<CoreReservation> cores = o.cores ? o.cores : processCores();
  if (md.inputs.empty())
    throw Error("DataParallel: model '" + md.name + "' has no inputs to split");
  if (dim < 0)
    throw Error("DataParallel: dim " + std::to_string(dim) + " is negative");
  auto checkBatched = [&](const std::vector<TensorDesc> &ts, const char *what) {
    for (size_t i = 0; i < ts.size(); ++i) {
      const Shape &s = ts[i].type.shape;
      if (size_t(dim) >= s.size())
        throw Error(std::string("DataParallel: ") + what + " " + std::to_string(i) + " '" +
                    ts[i].name + "' has rank " + std::to_string(s.size()) + ", no dim " +
                    std::to_string(dim) + " to split");
      if (s[dim] != m.compiled)
        throw Error(std::string("DataParallel: ") + what + " " + std::to_string(i) + " '" +
                    ts[i].name + "' has " + std::to_string(s[dim]) + " along dim " +
                    std::to_string(dim) + ", the compiled batch size is " +
                    std::to_string(m.compiled));
    }
  };
  if (size_t(dim) < md.inputs[0].type.shape.size())
    m.compiled = md.inputs[0].type.shape[dim];
  checkBatched(md.inputs, "input");
  checkBatched(md.outputs, "output");
  m.dim = dim;
  m.dynamic = o.dynamicBatching;
  if (m.dynamic && dim != 0) {
    std::cerr << "neuron-rt: warning: DataParallel: dynamic batching needs dim 0 (got dim " << dim
              << "); disabled\n";
    m.dynamic = false;
  }

  const uint32_t K = uint32_t(md.stages.size());
  const uint32_t G = o.coresPerDevice ? o.coresPerDevice : K;
  if (G != 1 && G % K != 0)
    throw Error("DataParallel: " + std::to_string(G) + " cores per device do not fit model '" +
                md.name + "' of " + std::to_string(K) + " stages (use 1 or a multiple of " +
                std::to_string(K) + ")");
  m.coresPerDevice = G;
  const uint32_t whole = uint32_t(cores->size()) / G;
  auto coresText = [&](uint32_t d) {
    return G == 1 ? ""
                  : " (NeuronCores " + std::to_string(d * G) + "-" + std::to_string(d * G + G - 1) +
                        ")";
  };
  if (o.deviceIds.empty()) {
    if (whole == 0)
      throw Error("DataParallel: a device of " + std::to_string(G) +
                  " cores does not fit the process's " + std::to_string(cores->size()) +
                  " NeuronCore(s)");
    for (uint32_t i = 0; i < whole; ++i)
      m.devices.push_back(i);
  } else {
    for (const DeviceId &d : o.deviceIds) {
      if (d.index >= whole)
        throw Error("DataParallel: device nc:" + std::to_string(d.index) + coresText(d.index) +
                    " is not visible (the process has " + std::to_string(cores->size()) +
                    " NeuronCore(s)" +
                    (G == 1 ? std::string()
                            : ", " + std::to_string(whole) + " device(s) of " + std::to_string(G)) +
                    ")");
      if (std::find(m.devices.begin(), m.devices.end(), d.index) != m.devices.end())
        throw Error("DataParallel: device nc:" + std::to_string(d.index) + " given twice");
      m.devices.push_back(d.index);
    }
  }
  for (uint32_t d : m.devices) {
    PipelineOptions po;
    po.load = o.load;
    po.reservation = cores;
    if (G == 1) {
      po.cores.assign(K, d); // the whole model on this core
    } else {
      for (uint32_t c = 0; c < G; ++c)
        po.cores.push_back(d * G + c);
    }
    m.deviceCores.push_back(G == 1 ? std::vector<uint32_t>{d} : po.cores);
    m.replicas.push_back(std::make_unique<Pipeline>(Pipeline::load(m.artifact, po)));
  }
  m.load.assign(m.devices.size(), 0);
  m.pool = std::make_unique<WorkerPool>(2 * uint32_t(m.devices.size()));
}

size_t DataParallel::Impl::pickDevice(int64_t rows) {
  std::lock_guard<std::mutex> lock(loadM);
  const size_t n = load.size();
  size_t best = cursor % n;
  for (size_t k = 1; k < n; ++k) {
    size_t d = (cursor + k) % n;
    if (load[d] < load[best])
      best = d;
  }
  load[best] += rows;
  cursor = best + 1;
  return best;
}

void DataParallel::Impl::finished(size_t device, int64_t rows) {
  std::lock_guard<std::mutex> lock(loadM);
  load[device] -= rows;
}

DataParallel::DataParallel(DataParallel &&) noexcept = default;
DataParallel::~DataParallel() = default;

void DataParallel::disableDynamicBatching() { impl_->dynamic = false; }
bool DataParallel::dynamicBatching() const { return impl_->dynamic; }
void DataParallel::setNumWorkers(uint32_t n) {
  if (n == 0)
    throw Error("DataParallel: numWorkers must be at least 1");
  impl_->pool = std::make_unique<WorkerPool>(n);
}
uint32_t DataParallel::numWorkers() const { return uint32_t(impl_->pool->size()); }
void DataParallel::setSplitSize(int64_t rows) {
  if (rows < 0)
    throw Error("DataParallel: splitSize " + std::to_string(rows) + " is negative");
  impl_->split = rows;
}
int64_t DataParallel::splitSize() const { return impl_->split; }
const std::vector<uint32_t> &DataParallel::deviceIds() const { return impl_->devices; }
std::vector<std::vector<uint32_t>> DataParallel::deviceCores() const { return impl_->deviceCores; }
uint32_t DataParallel::coresPerDevice() const { return impl_->coresPerDevice; }
int64_t DataParallel::compiledBatchSize() const { return impl_->compiled; }
int DataParallel::dim() const { return impl_->dim; }
const Artifact &DataParallel::artifact() const { return *impl_->artifact; }

std::vector<WorkerStats> DataParallel::stats() const {
  std::vector<WorkerStats> r;
  for (size_t d = 0; d < impl_->replicas.size(); ++d)
    for (WorkerStats s : impl_->replicas[d]->stats()) {
      s.replica = uint32_t(d);
      r.push_back(s);
    }
  return r;
}

void DataParallel::resetStats() {
  for (auto &p : impl_->replicas)
    p->resetStats();
}

void DataParallel::Impl::runChunk(Batch &b, int64_t chunkStart, int64_t chunkRows, size_t device) {
  const int64_t cb = compiled, B = b.inputs[0].shape()[dim];
  Pipeline &rep = *replicas[device];
  std::vector<std::pair<int64_t, std::future<std::vector<HostTensor>>>> pieces;
  for (int64_t off = 0; off < chunkRows; off += cb) {
    int64_t rows = std::min(cb, chunkRows - off), start = chunkStart + off;
    std::vector<HostTensor> in;
    for (const HostTensor &x : b.inputs) {
      Shape s = x.shape();
      s[dim] = cb;
      if (dim == 0 && rows == cb) {
        // A full dim-0 slice is contiguous: borrow it, no copy.
        uint64_t rowBytes = x.byteSize() / uint64_t(B);
        in.push_back(HostTensor::borrow(
            x.dtype(), s, static_cast<const uint8_t *>(x.data()) + uint64_t(start) * rowBytes));
      } else {
        HostTensor t(x.dtype(), s); // zero padding past `rows`
        copyRows(x, start, t, 0, rows, dim);
        in.push_back(std::move(t));
      }
    }
    pieces.emplace_back(rows, rep.submit(std::move(in)));
  }
  // Every piece's future is waited for, even after a failure: a piece reads
  // the batch's inputs in place until it completes.
  int64_t at = chunkStart;
  std::exception_ptr error;
  for (auto &[rows, f] : pieces) {
    try {
      std::vector<HostTensor> out = f.get();
      for (size_t o = 0; o < out.size(); ++o)
        copyRows(out[o], 0, b.outputs[o], at, rows, dim); // padding stripped
    } catch (...) {
      if (!error)
        error = std::current_exception();
    }
    at += rows;
  }
  if (error)
    std::rethrow_exception(error);
}

std::shared_ptr<Batch> DataParallel::Impl::start(std::vector<HostTensor> inputs,
                                                 std::future<std::vector<HostTensor>> *future) {
  Impl &m = *this;
  const ModelDesc &md = m.artifact->model();
  const int dim = m.dim;
  const int64_t cb = m.compiled, nd = int64_t(m.devices.size());
  auto b = std::make_shared<Batch>();
  struct Chunk {
    int64_t start, rows;
  };
  std::vector<Chunk> chunks;
  if (inputs.size() != md.inputs.size())
    throw Error("model '" + md.name + "' expects " + std::to_string(md.inputs.size()) +
                " inputs, got " + std::to_string(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i)
    if (size_t(dim) >= inputs[i].shape().size())
      throw Error("DataParallel: input " + std::to_string(i) + " is " + inputs[i].describe() +
                  ", no dim " + std::to_string(dim) + " to split");
  const int64_t B = inputs[0].shape()[dim];
  for (size_t i = 1; i < inputs.size(); ++i)
    if (inputs[i].shape()[dim] != B)
      throw Error("DataParallel: inputs disagree on the batch size along dim " +
                  std::to_string(dim) + ": input 0 has " + std::to_string(B) + ", input " +
                  std::to_string(i) + " has " + std::to_string(inputs[i].shape()[dim]));
  if (B == 0)
    throw Error("DataParallel: empty batch");
  if (!m.dynamic) {
    if (B % nd != 0 || B / nd != cb)
      throw Error("DataParallel: input batch size " + std::to_string(B) + " / " +
                  std::to_string(nd) + " NeuronCore(s) must equal the compiled batch size " +
                  std::to_string(cb) + " when dynamic batching is disabled");
    for (int64_t j = 0; j < nd; ++j)
      chunks.push_back({j * cb, cb});
  } else {
    int64_t s = m.split ? m.split : std::max<int64_t>(1, B / nd);
    for (int64_t start = 0; start < B; start += s)
      chunks.push_back({start, std::min(s, B - start)});
  }
  for (const TensorDesc &o : md.outputs) {
    Shape s = o.type.shape;
    s[dim] = B;
    b->outputs.emplace_back(o.type.dtype, s);
  }
  if (future) {
    b->async = true;
    *future = b->promise.get_future();
  }
  b->inputs = std::move(inputs);
  b->pending = chunks.size();
  Impl *ip = this;
  for (const Chunk &c : chunks) {
    size_t device = m.pickDevice(c.rows);
    m.pool->post([ip, b, c, device](bool cancelled) {
      try {
        if (cancelled)
          throw Error("model '" + ip->artifact->model().name +
                      "' was unloaded before the request completed");
        ip->runChunk(*b, c.start, c.rows, device);
      } catch (...) {
        b->fail(std::current_exception());
      }
      // Before chunkDone(): a caller that waits for this batch and then
      // submits the next sees the device idle again.
      ip->finished(device, c.rows);
      b->chunkDone();
    });
  }
  return b;
}

std::future<std::vector<HostTensor>> DataParallel::submit(std::vector<HostTensor> inputs) {
  std::future<std::vector<HostTensor>> future;
  try {
    impl_->start(std::move(inputs), &future);
  } catch (...) {
    std::promise<std::vector<HostTensor>> bad;
    future = bad.get_future();
    bad.set_exception(std::current_exception());
  }
  return future;
}

std::vector<HostTensor> DataParallel::operator()(const std::vector<HostTensor> &inputs) {
  // The call blocks until the batch is done, so its chunks may borrow the
  // caller's inputs.
  std::vector<HostTensor> borrowed;
  borrowed.reserve(inputs.size());
  for (const HostTensor &x : inputs)
    borrowed.push_back(HostTensor::borrow(x.dtype(), x.shape(), x.data()));
  return impl_->start(std::move(borrowed), nullptr)->wait();
}

} // namespace neuron::rt
