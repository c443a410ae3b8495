//===- neuron-gemm-bench.cpp - oneDNN alone at a model's GEMM shapes ------===//
//
// Lists every MatMul, Gemm and Conv op of a compiled artifact with its
// shapes, times oneDNN's matmul (or convolution) primitive alone at each
// shape -- weights pre-packed at creation as the runtime does, one thread,
// warm caches, median of repeats -- and reports the model's GEMM FLOPs and
// the GEMM-only time. Given the model's measured latency (--latency-ms), it
// also prints the GEMM efficiency: the model's achieved GEMM FLOP/s as a
// fraction of what oneDNN reaches on the same shapes alone, which is
// GEMM-only time / model latency. Run through benchmarks/perf/run.sh.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Artifact.h"
#include "neuron/runtime/Error.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

using namespace neuron::rt;
using dnnl::memory;
using dt = memory::data_type;

namespace {

void usage(FILE *f) {
  std::fprintf(
      f, "usage: neuron-gemm-bench MODEL.neff [--latency-ms L] [--repeats R]\n"
         "                         [--threads T] [--json]\n"
         "Times oneDNN's matmul/convolution alone at every MatMul, Gemm and\n"
         "Conv shape of MODEL (weights pre-packed, T threads, default 1;\n"
         "median of R repeats, default 5). With --latency-ms, the model's\n"
         "measured latency, prints GEMM efficiency = GEMM-only time / L.\n");
}

[[noreturn]] void fail(const std::string &msg) {
  std::fprintf(stderr, "neuron-gemm-bench: %s\n", msg.c_str());
  std::exit(1);
}

dt toDnnl(DType d) {
  switch (d) {
  case DType::F32:
    return dt::f32;
  case DType::BF16:
    return dt::bf16;
  case DType::F16:
    return dt::f16;
  default:
    fail(std::string("unsupported GEMM dtype ") + dtypeName(d));
  }
}

/// A plain row-major descriptor.
memory::desc plainMd(const memory::dims &dims, dt type) {
  memory::dims strides(dims.size(), 1);
  for (int i = int(dims.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * dims[i + 1];
  return memory::desc(dims, type, strides);
}

memory::dims padTo(memory::dims d, size_t rank) {
  d.insert(d.begin(), rank - d.size(), 1);
  return d;
}

/// One GEMM-like op, reduced to what determines its oneDNN primitive.
struct GemmOp {
  OpKind kind;
  std::vector<TensorType> in;
  TensorType out;
  bool constB = false; ///< Input 1 is a weight or constant: pre-packed.
  OpAttrs attrs;
  /// The key that makes two ops the same benchmark (BERT's twelve layers).
  std::string key() const {
    std::string k = opKindName(kind);
    for (const TensorType &t : in)
      k += " " + std::string(dtypeName(t.dtype)) + formatShape(t.shape);
    k += " -> " + std::string(dtypeName(out.dtype)) + formatShape(out.shape);
    k += constB ? " const" : " act";
    if (kind == OpKind::Gemm)
      k += std::string(attrs.transA ? " tA" : "") + (attrs.transB ? " tB" : "");
    if (kind == OpKind::Conv) {
      auto vec = [](const std::vector<int64_t> &v) {
        std::string s;
        for (int64_t x : v)
          s += std::to_string(x) + ",";
        return s;
      };
      k += " s" + vec(attrs.strides) + " p" + vec(attrs.pads) + " d" +
           vec(attrs.dilations) + " g" + std::to_string(attrs.group);
    }
    return k;
  }
};

/// Multiply-adds counted as 2 FLOPs, from the shapes alone (independent of
/// the compiler's cost estimate, which the manifest also records).
uint64_t countFlops(const GemmOp &op) {
  const Shape &y = op.out.shape;
  if (op.kind == OpKind::Conv) {
    const Shape &w = op.in[1].shape; // [Cout, Cin/G, kh, kw]
    return 2 * numElements(y) * uint64_t(w[1] * w[2] * w[3]);
  }
  int64_t K;
  if (op.kind == OpKind::Gemm)
    K = op.attrs.transA ? op.in[0].shape[0] : op.in[0].shape[1];
  else
    K = op.in[0].shape.back();
  return 2 * numElements(y) * uint64_t(K);
}

/// A ready-to-run primitive with its buffers.
struct Bench {
  dnnl::primitive prim;
  std::unordered_map<int, memory> args;
};

memory filled(const memory::desc &md, const dnnl::engine &eng) {
  memory m(md, eng);
  // Small non-zero values: denormals or zeros would not time like real data.
  size_t n = md.get_size();
  auto *p = static_cast<uint8_t *>(m.get_data_handle());
  for (size_t i = 0; i < n; ++i)
    p[i] = uint8_t(0x3c + (i % 3)); // f32/bf16 bytes of magnitude ~1e-2
  return m;
}

/// Weights as the runtime binds them: reordered once from plain into the
/// primitive's preferred layout.
memory packed(const memory::desc &plain, const memory::desc &want,
              const dnnl::engine &eng, dnnl::stream &s) {
  memory src = filled(plain, eng);
  if (plain == want)
    return src;
  memory dst(want, eng);
  dnnl::reorder(src, dst).execute(s, src, dst);
  s.wait();
  return dst;
}

Bench makeBench(const GemmOp &op, const dnnl::engine &eng, dnnl::stream &s) {
  Bench b;
  dt ta = toDnnl(op.in[0].dtype), tb = toDnnl(op.in[1].dtype),
     tc = toDnnl(op.out.dtype);
  if (op.kind == OpKind::Conv) {
    const Shape &x = op.in[0].shape, &w = op.in[1].shape, &y = op.out.shape;
    const OpAttrs &a = op.attrs;
    int64_t G = a.group;
    memory::dims strides =
        a.strides.empty() ? memory::dims{1, 1}
                          : memory::dims(a.strides.begin(), a.strides.end());
    memory::dims dil{0, 0}, padL{0, 0}, padR{0, 0};
    if (!a.dilations.empty())
      dil = {a.dilations[0] - 1, a.dilations[1] - 1};
    if (!a.pads.empty()) {
      padL = {a.pads[0], a.pads[1]};
      padR = {a.pads[2], a.pads[3]};
    }
    // Channels-last activations, as the runtime keeps them between convs
    // (oneDNN's plain NCHW kernels, depthwise ones above all, are far slower
    // and would flatter the model).
    memory::desc xmd(memory::dims(x.begin(), x.end()), ta,
                     memory::format_tag::nhwc);
    memory::desc ymd(memory::dims(y.begin(), y.end()), tc,
                     memory::format_tag::nhwc);
    memory::dims wd = G == 1 ? memory::dims(w.begin(), w.end())
                             : memory::dims{G, w[0] / G, w[1], w[2], w[3]};
    memory::desc wany(wd, tb, memory::format_tag::any);
    bool bias = op.in.size() == 3;
    memory::desc bmd =
        bias ? plainMd({w[0]}, toDnnl(op.in[2].dtype)) : memory::desc();
    dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference,
                                      dnnl::algorithm::convolution_direct, xmd,
                                      op.constB ? wany : plainMd(wd, tb), bmd,
                                      ymd, strides, dil, padL, padR);
    dnnl::convolution_forward::primitive_desc pd(d, eng);
    b.prim = dnnl::convolution_forward(pd);
    b.args[DNNL_ARG_SRC] = filled(xmd, eng);
    b.args[DNNL_ARG_WEIGHTS] =
        packed(plainMd(wd, tb), pd.weights_desc(), eng, s);
    if (bias)
      b.args[DNNL_ARG_BIAS] = filled(bmd, eng);
    b.args[DNNL_ARG_DST] = memory(ymd, eng);
    b.args[DNNL_ARG_SCRATCHPAD] = memory(pd.scratchpad_desc(), eng);
    return b;
  }
  memory::desc amd, bplain, cmd, biasMd;
  if (op.kind == OpKind::Gemm) {
    const OpAttrs &at = op.attrs;
    int64_t M = op.out.shape[0], N = op.out.shape[1];
    int64_t K = at.transA ? op.in[0].shape[0] : op.in[0].shape[1];
    amd = memory::desc({M, K}, ta,
                       at.transA ? memory::dims{1, M} : memory::dims{K, 1});
    bplain = memory::desc({K, N}, tb,
                          at.transB ? memory::dims{1, K} : memory::dims{N, 1});
    cmd = plainMd({M, N}, tc);
    if (op.in.size() == 3 && at.beta != 0.0f) {
      Shape cs = op.in[2].shape.empty() ? Shape{1} : op.in[2].shape;
      biasMd = plainMd(padTo(memory::dims(cs.begin(), cs.end()), 2),
                       toDnnl(op.in[2].dtype));
    }
  } else {
    Shape a = op.in[0].shape, bs = op.in[1].shape;
    if (a.size() == 1)
      a.insert(a.begin(), 1);
    if (bs.size() == 1)
      bs.push_back(1);
    size_t rank = std::max(a.size(), bs.size());
    memory::dims ad = padTo(memory::dims(a.begin(), a.end()), rank);
    memory::dims bd = padTo(memory::dims(bs.begin(), bs.end()), rank);
    memory::dims cd(rank);
    for (size_t i = 0; i + 2 < rank; ++i)
      cd[i] = std::max(ad[i], bd[i]);
    cd[rank - 2] = ad[rank - 2];
    cd[rank - 1] = bd[rank - 1];
    amd = plainMd(ad, ta);
    bplain = plainMd(bd, tb);
    cmd = plainMd(cd, tc);
  }
  memory::desc bwant =
      op.constB ? memory::desc(bplain.dims(), tb, memory::format_tag::any)
                : bplain;
  dnnl::primitive_attr attr;
  if (op.kind == OpKind::Gemm && op.attrs.alpha != 1.0f)
    attr.set_output_scales(0, {op.attrs.alpha});
  if (biasMd.get_size()) {
    // The runtime's Gemm adds C as a binary post-op; so does the reference.
    dnnl::post_ops po;
    po.append_binary(dnnl::algorithm::binary_add, biasMd);
    attr.set_post_ops(po);
  }
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(amd, bwant, cmd), attr,
                                  eng);
  b.prim = dnnl::matmul(pd);
  b.args[DNNL_ARG_SRC] = filled(amd, eng);
  b.args[DNNL_ARG_WEIGHTS] = op.constB
                                 ? packed(bplain, pd.weights_desc(), eng, s)
                                 : filled(bplain, eng);
  b.args[DNNL_ARG_DST] = memory(cmd, eng);
  if (biasMd.get_size())
    b.args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1] =
        filled(biasMd, eng);
  b.args[DNNL_ARG_SCRATCHPAD] = memory(pd.scratchpad_desc(), eng);
  return b;
}

double nowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch())
      .count();
}

/// Median over `repeats` of the mean time of one execution, each repeat
/// running enough executions to last about 20 ms.
double timeMs(Bench &b, dnnl::stream &s, int repeats) {
  auto once = [&] {
    b.prim.execute(s, b.args);
    s.wait();
  };
  for (int i = 0; i < 3; ++i)
    once(); // warm caches and oneDNN's first-use work
  double t0 = nowMs();
  once();
  double single = std::max(nowMs() - t0, 1e-3);
  int iters = std::max(1, int(20.0 / single));
  std::vector<double> samples;
  for (int r = 0; r < repeats; ++r) {
    double start = nowMs();
    for (int i = 0; i < iters; ++i)
      once();
    samples.push_back((nowMs() - start) / iters);
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

} // namespace

int main(int argc, char **argv) {
  std::string path;
  double latencyMs = 0;
  int repeats = 5, threads = 1;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *flag) -> std::string {
      if (i + 1 >= argc)
        fail(std::string(flag) + " needs a value");
      return argv[++i];
    };
    auto number = [&](const char *flag) {
      std::string v = value(flag);
      char *end = nullptr;
      double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end || d < 0)
        fail(std::string(flag) + ": expected a non-negative number, got '" + v +
             "'");
      return d;
    };
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    } else if (a == "--latency-ms") {
      latencyMs = number("--latency-ms");
    } else if (a == "--repeats") {
      repeats = std::max(1, int(number("--repeats")));
    } else if (a == "--threads") {
      threads = int(number("--threads"));
    } else if (a == "--json") {
      json = true;
    } else if (!a.empty() && a[0] == '-') {
      fail("unknown option '" + a + "'");
    } else if (path.empty()) {
      path = a;
    } else {
      fail("more than one model given ('" + path + "', '" + a + "')");
    }
  }
  if (path.empty()) {
    usage(stderr);
    return 1;
  }
  std::shared_ptr<const Artifact> artifact;
  try {
    artifact = Artifact::open(path);
  } catch (const Error &e) {
    fail(e.what());
  }
  if (threads > 0)
    omp_set_num_threads(threads);

  // Unique shapes with their multiplicity, in order of first appearance.
  std::vector<GemmOp> unique;
  std::map<std::string, size_t> index;
  std::vector<int> count;
  uint64_t manifestFlops = 0;
  for (const StageDesc &stage : artifact->model().stages) {
    for (const OpDesc &od : stage.ops) {
      if (od.kind != OpKind::MatMul && od.kind != OpKind::Gemm &&
          od.kind != OpKind::Conv)
        continue;
      GemmOp op{
          od.kind, {}, stage.tensors[od.outputs[0]].type, false, od.attrs};
      for (uint32_t t : od.inputs)
        op.in.push_back(stage.tensors[t].type);
      TensorKind bk = stage.tensors[od.inputs[1]].kind;
      op.constB = bk == TensorKind::Weight || bk == TensorKind::Constant;
      manifestFlops += od.flops;
      auto [it, fresh] = index.emplace(op.key(), unique.size());
      if (fresh) {
        unique.push_back(op);
        count.push_back(0);
      }
      ++count[it->second];
    }
  }
  if (unique.empty())
    fail(path + " has no MatMul, Gemm or Conv op");

  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream s(eng);
  uint64_t totalFlops = 0;
  double totalMs = 0;
  std::vector<double> ms(unique.size());
  for (size_t i = 0; i < unique.size(); ++i) {
    try {
      Bench b = makeBench(unique[i], eng, s);
      ms[i] = timeMs(b, s, repeats);
    } catch (const dnnl::error &e) {
      fail("oneDNN refused " + unique[i].key() + ": " + e.what());
    }
    totalFlops += countFlops(unique[i]) * count[i];
    totalMs += ms[i] * count[i];
  }
  double eff = latencyMs > 0 ? totalMs / latencyMs : 0;
  if (json) {
    std::printf(
        "{\"model\": \"%s\", \"gemm_ops\": %zu, \"unique_shapes\": %zu, "
        "\"gemm_flops\": %llu, \"manifest_flops\": %llu, \"gemm_ms\": %.6f, "
        "\"gemm_gflops_per_s\": %.3f",
        path.c_str(), size_t(std::accumulate(count.begin(), count.end(), 0)),
        unique.size(), (unsigned long long)totalFlops,
        (unsigned long long)manifestFlops, totalMs, totalFlops / totalMs / 1e6);
    if (latencyMs > 0)
      std::printf(", \"latency_ms\": %.6f, \"model_gflops_per_s\": %.3f, "
                  "\"efficiency\": %.4f",
                  latencyMs, totalFlops / latencyMs / 1e6, eff);
    std::printf("}\n");
    return 0;
  }
  std::printf("%-6s %-5s %-12s %-70s %10s %10s %8s\n", "count", "op", "GFLOP",
              "shapes", "ms each", "ms total", "GFLOP/s");
  for (size_t i = 0; i < unique.size(); ++i) {
    uint64_t f = countFlops(unique[i]);
    std::printf("%-6d %-5s %-12.4f %-70s %10.4f %10.4f %8.1f\n", count[i],
                opKindName(unique[i].kind), f / 1e9, unique[i].key().c_str(),
                ms[i], ms[i] * count[i], f / ms[i] / 1e6);
  }
  std::printf("GEMM FLOPs: %.4f GFLOP (compiler's estimate: %.4f GFLOP)\n",
              totalFlops / 1e9, manifestFlops / 1e9);
  std::printf("GEMM-only time: %.3f ms (%.1f GFLOP/s)\n", totalMs,
              totalFlops / totalMs / 1e6);
  if (latencyMs > 0)
    std::printf(
        "model latency: %.3f ms (%.1f GFLOP/s); GEMM efficiency: %.1f%%\n",
        latencyMs, totalFlops / latencyMs / 1e6, 100 * eff);
  return 0;
}
