//===- neuron-run.cpp - run and benchmark a .neff artifact ----------------===//
//
//   neuron-run MODEL.neff --input A.npy [--input B.npy ...] [--output-dir D]
//              [--check REF.npy ... [--rtol R] [--atol A]]
//              [--bench [--requests N] [--warmup W]] [--threads T]
//              [--reference] [--name-outputs] [--json]
//              [--mode pipeline|data-parallel] [--pipeline] [--num-cores G]
//              [--device-ids LIST] [--batch B] [--concurrency C]
//
// Exit status: 0 on success, 1 on an error or a --check mismatch, 2 on a
// usage error.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Compare.h"
#include "neuron/runtime/DataParallel.h"
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Json.h"
#include "neuron/runtime/Model.h"
#include "neuron/runtime/Npy.h"
#include "neuron/runtime/Pipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace neuron::rt;

namespace {
const char *kUsage =
    "usage: neuron-run MODEL.neff --input A.npy [--input B.npy ...]\n"
    "                  [--output-dir DIR] [--name-outputs]\n"
    "                  [--check REF.npy ... [--rtol R] [--atol A]]\n"
    "                  [--bench [--requests N] [--warmup W]]\n"
    "                  [--threads T] [--reference] [--json]\n"
    "                  [--mode pipeline|data-parallel] [--pipeline]\n"
    "                  [--num-cores G] [--device-ids LIST] [--batch B]\n"
    "                  [--cores-per-device G]\n"
    "                  [--concurrency C]\n"
    "Runs one inference (inputs in model order) and writes the outputs as\n"
    "DIR/output0.npy, ... (or DIR/<output name>.npy with --name-outputs).\n"
    "--check compares output i with the i-th REF.npy elementwise,\n"
    "|got - ref| <= atol + rtol * |ref|, and exits 1 on a mismatch. Default\n"
    "rtol 1e-4; default atol 1e-5 times the output's scale (the largest |ref|,\n"
    "at least 1), as float32 rounding grows with it; an --atol is absolute.\n"
    "--bench reports throughput and\n"
    "latency percentiles over N requests (default 100).\n"
    "By default the model runs on the calling thread. --mode pipeline (alias\n"
    "--pipeline) runs it as a streaming pipeline, one pinned worker per stage\n"
    "on NeuronCores reserved for this process (NEURON_RT_VISIBLE_CORES,\n"
    "NEURON_RT_NUM_CORES); --num-cores G (a multiple of the stage count)\n"
    "replicates it G/K times; --bench then keeps C requests in flight\n"
    "(default 2 per worker) and reports latency from submit to completion.\n"
    "--mode data-parallel splits each request along dim 0 over the devices\n"
    "--device-ids (ints or nc:#, comma separated; default every visible\n"
    "device) with dynamic batching; --cores-per-device G makes each device a\n"
    "group of G cores (1, the default: the whole model on one core; a\n"
    "multiple of the stage count: a pipeline per device; 0: the stage count),\n"
    "device d being cores d*G..d*G+G-1; --batch B builds the request by repeating\n"
    "the inputs' rows to B; --bench then runs C requests at once (default 2).\n"
    "With a pipeline or data-parallel --bench also reports each core's busy\n"
    "%: the time its workers spent executing kernels over the wall time.\n"
    "--threads T sets oneDNN's threads (default 1: a NeuronCore is one CPU;\n"
    "0: OpenMP's default).\n";

struct Options {
  std::string model, outputDir;
  std::vector<std::string> inputs, checks;
  double rtol = 1e-4, atol = 1e-5;
  bool atolGiven = false; ///< Else atol scales with each reference's magnitude.
  bool bench = false, json = false, reference = false, nameOutputs = false;
  long requests = 100, warmup = 3;
  int threads = 1;
  enum class Mode { Single, Pipeline, DataParallel } mode = Mode::Single;
  bool modeGiven = false;
  long numCores = 0, concurrency = 0, batch = 0, coresPerDevice = -1;
  std::vector<std::string> deviceIds;
};

[[noreturn]] void usageError(const std::string &msg) {
  std::cerr << "neuron-run: " << msg << "\n" << kUsage;
  std::exit(2);
}

double parseDouble(const std::string &flag, const std::string &v) {
  char *end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end || !std::isfinite(d) || d < 0)
    usageError(flag + " expects a non-negative number, got '" + v + "'");
  return d;
}
long parseLong(const std::string &flag, const std::string &v, long lo) {
  char *end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end || n < lo)
    usageError(flag + " expects an integer >= " + std::to_string(lo) + ", got '" + v + "'");
  return n;
}

Options parseArgs(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usageError(a + " expects a value");
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      std::exit(0);
    } else if (a == "--input" || a == "-i") {
      o.inputs.push_back(value());
    } else if (a == "--output-dir" || a == "-o") {
      o.outputDir = value();
    } else if (a == "--check") {
      o.checks.push_back(value());
    } else if (a == "--rtol") {
      o.rtol = parseDouble(a, value());
    } else if (a == "--atol") {
      o.atol = parseDouble(a, value());
      o.atolGiven = true;
    } else if (a == "--bench") {
      o.bench = true;
    } else if (a == "--requests") {
      o.requests = parseLong(a, value(), 1);
    } else if (a == "--warmup") {
      o.warmup = parseLong(a, value(), 0);
    } else if (a == "--threads") {
      o.threads = int(parseLong(a, value(), 0));
    } else if (a == "--reference") {
      o.reference = true;
    } else if (a == "--name-outputs") {
      o.nameOutputs = true;
    } else if (a == "--pipeline" || a == "--mode") {
      std::string m = a == "--pipeline" ? "pipeline" : value();
      Options::Mode mode = m == "pipeline"        ? Options::Mode::Pipeline
                           : m == "data-parallel" ? Options::Mode::DataParallel
                           : m == "single"        ? Options::Mode::Single
                                                  : (usageError("--mode expects pipeline, "
                                                                "data-parallel or single, got '" +
                                                                m + "'"),
                                                     Options::Mode::Single);
      if (o.modeGiven && mode != o.mode)
        usageError("conflicting modes ('" + m + "' after another --mode or --pipeline)");
      o.mode = mode;
      o.modeGiven = true;
    } else if (a == "--device-ids") {
      std::string v = value();
      for (size_t pos = 0;;) {
        size_t comma = v.find(',', pos);
        o.deviceIds.push_back(v.substr(pos, comma == std::string::npos ? comma : comma - pos));
        if (comma == std::string::npos)
          break;
        pos = comma + 1;
      }
    } else if (a == "--batch") {
      o.batch = parseLong(a, value(), 1);
    } else if (a == "--cores-per-device") {
      o.coresPerDevice = parseLong(a, value(), 0);
    } else if (a == "--num-cores") {
      o.numCores = parseLong(a, value(), 1);
    } else if (a == "--concurrency") {
      o.concurrency = parseLong(a, value(), 1);
    } else if (a == "--json") {
      o.json = true;
    } else if (!a.empty() && a[0] == '-') {
      usageError("unknown option '" + a + "'");
    } else if (o.model.empty()) {
      o.model = a;
    } else {
      usageError("unexpected argument '" + a + "'");
    }
  }
  if (o.model.empty())
    usageError("no model given");
  if (o.numCores && o.mode != Options::Mode::Pipeline)
    usageError("--num-cores needs --mode pipeline");
  if ((!o.deviceIds.empty() || o.batch) && o.mode != Options::Mode::DataParallel)
    usageError("--device-ids and --batch need --mode data-parallel");
  if (o.coresPerDevice >= 0 && o.mode != Options::Mode::DataParallel)
    usageError("--cores-per-device needs --mode data-parallel");
  if (o.concurrency && o.mode == Options::Mode::Single)
    usageError("--concurrency needs --mode pipeline or data-parallel");
  return o;
}

std::string jsonNumber(double v) {
  if (!std::isfinite(v))
    return "null";
  std::ostringstream os;
  os.precision(9);
  os << v;
  return os.str();
}

std::string sanitize(const std::string &name) {
  std::string r;
  for (char c : name)
    r += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '_';
  return r.empty() ? "output" : r;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t idx = size_t(std::ceil(p / 100.0 * double(v.size()))) ;
  return v[std::min(v.size() - 1, idx ? idx - 1 : 0)];
}

/// `t` with its dim-0 rows repeated cyclically to `rows` rows.
HostTensor tileRows(const HostTensor &t, int64_t rows) {
  if (t.shape().empty() || t.shape()[0] == 0)
    throw Error("--batch: input " + t.describe() + " has no dim 0 to tile");
  Shape s = t.shape();
  uint64_t rowBytes = t.byteSize() / uint64_t(s[0]);
  HostTensor r(t.dtype(), (s[0] = rows, s));
  for (int64_t i = 0; i < rows; ++i)
    std::memcpy(static_cast<uint8_t *>(r.data()) + uint64_t(i) * rowBytes,
                static_cast<const uint8_t *>(t.data()) +
                    uint64_t(i % t.shape()[0]) * rowBytes,
                rowBytes);
  return r;
}
} // namespace

int main(int argc, char **argv) {
  Options o = parseArgs(argc, argv);
  try {
    LoadOptions lo;
    lo.backend = o.reference ? KernelBackend::Reference : KernelBackend::Auto;
    lo.numThreads = o.threads;
    std::optional<Model> single;
    std::optional<Pipeline> pipe;
    std::optional<DataParallel> dp;
    if (o.mode == Options::Mode::Pipeline) {
      PipelineOptions po;
      po.load = lo;
      po.numCores = uint32_t(o.numCores);
      pipe.emplace(Pipeline::load(o.model, po));
    } else if (o.mode == Options::Mode::DataParallel) {
      std::vector<DeviceId> ids;
      for (const std::string &d : o.deviceIds) {
        bool digits = !d.empty() && d.size() <= 5 &&
                      d.find_first_not_of("0123456789") == std::string::npos;
        ids.push_back(digits ? DeviceId(std::stoi(d)) : DeviceId(d));
      }
      DataParallelOptions dpo;
      dpo.deviceIds = ids;
      dpo.load = lo;
      dpo.coresPerDevice = o.coresPerDevice < 0 ? 1 : uint32_t(o.coresPerDevice);
      dp.emplace(o.model, dpo);
    } else {
      single.emplace(Model::load(o.model, lo));
    }
    const Artifact &artifact = pipe ? pipe->artifact() : dp ? dp->artifact() : single->artifact();
    struct Iface {
      const std::vector<TensorDesc> &inputs() const { return a->model().inputs; }
      const std::vector<TensorDesc> &outputs() const { return a->model().outputs; }
      const Artifact *a;
    } model{&artifact};
    auto runOnce = [&](const std::vector<HostTensor> &in) {
      return pipe ? pipe->run(in) : dp ? (*dp)(in) : single->run(in);
    };
    auto stats = [&] { return pipe ? pipe->stats() : dp ? dp->stats() : std::vector<WorkerStats>{}; };
    auto resetStats = [&] {
      if (pipe)
        pipe->resetStats();
      if (dp)
        dp->resetStats();
    };
    if (o.inputs.size() != model.inputs().size())
      throw Error("the model has " + std::to_string(model.inputs().size()) +
                  " inputs, " + std::to_string(o.inputs.size()) + " --input given");
    std::vector<HostTensor> inputs;
    for (const std::string &p : o.inputs)
      inputs.push_back(o.batch ? tileRows(readNpy(p), o.batch) : readNpy(p));
    const int64_t rowsPerRequest =
        inputs.empty() || inputs[0].shape().empty() ? 1 : inputs[0].shape()[0];
    std::vector<HostTensor> outputs = runOnce(inputs);

    std::vector<std::string> written;
    if (!o.outputDir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(o.outputDir, ec);
      if (ec)
        throw Error(o.outputDir + ": cannot create the output directory: " +
                    ec.message());
    }
    if (!o.outputDir.empty())
      for (size_t i = 0; i < outputs.size(); ++i) {
        std::string file = o.nameOutputs ? sanitize(model.outputs()[i].name)
                                         : "output" + std::to_string(i);
        std::string path = o.outputDir + "/" + file + ".npy";
        writeNpy(path, outputs[i]);
        written.push_back(path);
      }

    bool allOk = true;
    std::vector<std::string> checkJson;
    if (!o.checks.empty()) {
      if (o.checks.size() != outputs.size())
        throw Error("the model has " + std::to_string(outputs.size()) + " outputs, " +
                    std::to_string(o.checks.size()) + " --check given");
      for (size_t i = 0; i < outputs.size(); ++i) {
        HostTensor ref = readNpy(o.checks[i]);
        double atol = o.atol;
        if (!o.atolGiven) {
          double scale = 1;
          for (uint64_t k = 0; k < ref.numElements(); ++k) {
            double v = std::fabs(elementAsDouble(ref, k));
            if (std::isfinite(v))
              scale = std::max(scale, v);
          }
          atol *= scale;
        }
        CompareResult r = compareTensors(outputs[i], ref, o.rtol, atol);
        allOk &= r.ok;
        std::string name = model.outputs()[i].name;
        if (o.json) {
          std::ostringstream js;
          js << "{\"output\": " << jsonString(name) << ", \"ok\": " << (r.ok ? "true" : "false");
          if (!r.problem.empty())
            js << ", \"problem\": " << jsonString(r.problem);
          else
            js << ", \"mismatches\": " << r.mismatches << ", \"worst_index\": "
               << r.worstIndex << ", \"got\": " << jsonNumber(r.got)
               << ", \"expected\": " << jsonNumber(r.expected)
               << ", \"abs_error\": " << jsonNumber(r.absError)
               << ", \"rel_error\": " << jsonNumber(r.relError)
               << ", \"atol\": " << jsonNumber(atol);
          js << "}";
          checkJson.push_back(js.str());
        } else if (!r.problem.empty()) {
          std::cout << "output " << i << " '" << name << "': MISMATCH: " << r.problem << "\n";
        } else {
          std::cout << "output " << i << " '" << name << "': "
                    << (r.ok ? "OK" : "MISMATCH") << " (" << r.mismatches << " of "
                    << outputs[i].numElements() << " elements outside rtol " << o.rtol
                    << " atol " << atol << "); worst at " << formatShape(r.worstPosition)
                    << ": got " << r.got << ", expected " << r.expected << ", abs error "
                    << r.absError << ", rel error " << r.relError << "\n";
        }
      }
    }

    double throughput = 0, p50 = 0, p95 = 0, p99 = 0, mean = 0;
    std::map<uint32_t, std::pair<int, double>> busy; // core -> (cpu, busy %)
    if (o.bench) {
      for (long i = 0; i < o.warmup; ++i)
        runOnce(inputs);
      resetStats();
      std::vector<double> lat;
      lat.reserve(o.requests);
      using Clock = std::chrono::steady_clock;
      auto ms = [](Clock::time_point t0) {
        return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      };
      auto start = Clock::now();
      if (pipe) {
        // Keep `window` requests in flight; futures of a replica complete in
        // order, so waiting on the oldest first measures each one's latency.
        size_t window = size_t(o.concurrency ? o.concurrency
                                             : 2 * pipe->numStages() * pipe->numReplicas());
        std::deque<std::pair<std::future<std::vector<HostTensor>>, Clock::time_point>> inflight;
        for (long i = 0; i < o.requests || !inflight.empty();) {
          if (i < o.requests && inflight.size() < window) {
            auto t0 = Clock::now();
            inflight.emplace_back(pipe->submit(inputs), t0);
            ++i;
            continue;
          }
          inflight.front().first.get();
          lat.push_back(ms(inflight.front().second));
          inflight.pop_front();
        }
      } else if (dp) {
        // C callers, each running whole requests (a request is split over
        // the devices) until N have been started.
        long window = o.concurrency ? o.concurrency : 2, next = 0;
        std::mutex m;
        std::exception_ptr failure;
        std::vector<std::thread> callers;
        for (long c = 0; c < window; ++c)
          callers.emplace_back([&] {
            while (true) {
              {
                std::lock_guard<std::mutex> lock(m);
                if (next >= o.requests || failure)
                  return;
                ++next;
              }
              auto t0 = Clock::now();
              try {
                (*dp)(inputs);
              } catch (...) {
                std::lock_guard<std::mutex> lock(m);
                failure = std::current_exception();
                return;
              }
              double l = ms(t0);
              std::lock_guard<std::mutex> lock(m);
              lat.push_back(l);
            }
          });
        for (auto &t : callers)
          t.join();
        if (failure)
          std::rethrow_exception(failure);
      } else {
        for (long i = 0; i < o.requests; ++i) {
          auto t0 = Clock::now();
          runOnce(inputs);
          lat.push_back(ms(t0));
        }
      }
      double total = std::chrono::duration<double>(Clock::now() - start).count();
      throughput = double(o.requests) / total;
      for (const WorkerStats &w : stats()) {
        auto &b = busy[w.core];
        b.first = w.cpu;
        b.second += 100.0 * w.busySeconds / total;
      }
      for (double l : lat)
        mean += l / double(lat.size());
      p50 = percentile(lat, 50);
      p95 = percentile(lat, 95);
      p99 = percentile(lat, 99);
      if (!o.json) {
        std::string devices;
        if (dp)
          for (const std::vector<uint32_t> &g : dp->deviceCores()) {
            devices += devices.empty() ? "nc:" : ",nc:";
            devices += std::to_string(g.front()) +
                       (g.size() > 1 ? "-" + std::to_string(g.back()) : std::string());
          }
        std::cout << "mode: "
                  << (pipe ? "pipeline, " + std::to_string(pipe->numStages()) + " stage(s) x " +
                                 std::to_string(pipe->numReplicas()) + " replica(s)"
                      : dp ? "data-parallel, " + std::to_string(dp->deviceIds().size()) +
                                 " device(s) " + devices + ", batch " +
                                 std::to_string(rowsPerRequest)
                           : std::string("single thread"))
                  << "\nrequests: " << o.requests << "\nthroughput: " << throughput
                  << " inferences/s (" << throughput * double(rowsPerRequest)
                  << " samples/s)\nlatency ms: mean " << mean << " p50 " << p50 << " p95 "
                  << p95 << " p99 " << p99 << "\n";
        if (!busy.empty()) {
          std::cout << "core busy %:";
          for (auto &[core, b] : busy) {
            char buf[64];
            std::snprintf(buf, sizeof buf, " nc:%u (cpu %d) %.1f", core, b.first, b.second);
            std::cout << buf;
          }
          std::cout << "\n";
        }
      }
    }

    if (o.json) {
      std::cout << "{\"model\": " << jsonString(o.model) << ", \"outputs\": [";
      for (size_t i = 0; i < outputs.size(); ++i)
        std::cout << (i ? ", " : "") << "{\"name\": " << jsonString(model.outputs()[i].name)
                  << ", \"type\": " << jsonString(outputs[i].describe())
                  << (i < written.size() ? ", \"file\": " + jsonString(written[i]) : "")
                  << "}";
      std::cout << "]";
      if (!o.checks.empty()) {
        std::cout << ", \"check\": {\"ok\": " << (allOk ? "true" : "false") << ", \"rtol\": "
                  << jsonNumber(o.rtol) << ", \"atol\": " << jsonNumber(o.atol)
                  << ", \"atol_scaled\": " << (o.atolGiven ? "false" : "true")
                  << ", \"outputs\": [";
        for (size_t i = 0; i < checkJson.size(); ++i)
          std::cout << (i ? ", " : "") << checkJson[i];
        std::cout << "]}";
      }
      if (o.bench)
        std::cout << ", \"bench\": {\"requests\": " << o.requests
                  << ", \"throughput\": " << jsonNumber(throughput)
                  << ", \"latency_ms\": {\"mean\": " << jsonNumber(mean)
                  << ", \"p50\": " << jsonNumber(p50) << ", \"p95\": " << jsonNumber(p95)
                  << ", \"p99\": " << jsonNumber(p99) << "}, \"samples_per_s\": "
                  << jsonNumber(throughput * double(rowsPerRequest)) << ", \"core_busy\": [";
      if (o.bench) {
        size_t n = 0;
        for (auto &[core, b] : busy)
          std::cout << (n++ ? ", " : "") << "{\"core\": " << core << ", \"cpu\": " << b.first
                    << ", \"busy_pct\": " << jsonNumber(b.second) << "}";
        std::cout << "]}";
      }
      std::cout << "}\n";
    } else if (o.checks.empty() && !o.bench) {
      for (size_t i = 0; i < outputs.size(); ++i)
        std::cout << "output " << i << " '" << model.outputs()[i].name << "': "
                  << outputs[i].describe()
                  << (i < written.size() ? " -> " + written[i] : "") << "\n";
    }
    return allOk ? 0 : 1;
  } catch (const Error &e) {
    std::cerr << "neuron-run: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception &e) {
    std::cerr << "neuron-run: error: " << e.what() << "\n";
    return 1;
  }
}
