//===- DnnlKernels.cpp - oneDNN primitives for the hot ops ----------------===//
//
// Each kernel is a oneDNN primitive created once at load for the op's static
// shapes, with memory objects whose data handles are rebound per run and a
// user-owned scratchpad, so running allocates nothing. Weights that oneDNN
// wants in a blocked layout are reordered ("pre-packed") at load. Anything
// oneDNN cannot express exactly as the graph op specifies returns null and
// the reference kernel runs instead. Only f32 for now.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <cfloat>
#include <limits>
#include <unordered_map>

namespace neuron::rt {

using dnnl::memory;
using dt = memory::data_type;

struct DnnlEnv {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  int numThreads = 0;
};

std::shared_ptr<DnnlEnv> makeDnnlEnv(int numThreads) {
  auto env = std::make_shared<DnnlEnv>();
  env->numThreads = numThreads;
  return env;
}

void enterDnnlThread(DnnlEnv &env) {
  if (env.numThreads > 0 && omp_get_max_threads() != env.numThreads)
    omp_set_num_threads(env.numThreads);
}

namespace {

memory::dims toDims(const Shape &s) {
  if (s.empty())
    return {1};
  return memory::dims(s.begin(), s.end());
}

/// A plain row-major f32 descriptor for `dims`.
memory::desc plainMd(const memory::dims &dims) {
  memory::dims strides(dims.size(), 1);
  for (int i = int(dims.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * dims[i + 1];
  return memory::desc(dims, dt::f32, strides);
}

/// Pads `dims` with leading ones to `rank`.
memory::dims padTo(memory::dims d, size_t rank) {
  d.insert(d.begin(), rank - d.size(), 1);
  return d;
}

constexpr int kFixed = INT32_MIN;

/// Which run-time pointer a oneDNN argument is bound to.
struct Binding {
  memory mem;
  int source; ///< i >= 0: input i; -1 - j: output j; kFixed: bound at load.
};

class DnnlKernel final : public Kernel {
public:
  DnnlKernel(DnnlEnv &env) : env_(env) {}

  /// Binds argument `arg` to input i (source >= 0), output j (-1 - j) or a
  /// fixed memory.
  void bind(int arg, const memory::desc &md, int source) {
    memory m(md, env_.engine, DNNL_MEMORY_NONE);
    args_[arg] = m;
    if (source != kFixed)
      bindings_.push_back({m, source});
  }
  void bindFixed(int arg, memory m) { args_[arg] = std::move(m); }

  /// Packs a constant input into the layout `want` (from a plain `have`) and
  /// binds it as fixed; or binds the mmapped bytes directly if no reorder is
  /// needed.
  void bindConst(int arg, const memory::desc &have, const memory::desc &want,
                 const void *data) {
    memory src(have, env_.engine, const_cast<void *>(data));
    if (have == want) {
      bindFixed(arg, src);
      return;
    }
    memory packed(want, env_.engine);
    dnnl::reorder(src, packed).execute(env_.stream, src, packed);
    env_.stream.wait();
    bindFixed(arg, packed);
  }

  void setPrimitive(dnnl::primitive p, const dnnl::primitive_desc_base &pd) {
    primitive_ = std::move(p);
    memory::desc sd = pd.scratchpad_desc();
    if (sd.get_size())
      bindFixed(DNNL_ARG_SCRATCHPAD, memory(sd, env_.engine));
  }

  void run(const void *const *in, void *const *out) override {
    for (Binding &b : bindings_)
      b.mem.set_data_handle(b.source >= 0 ? const_cast<void *>(in[b.source])
                                          : out[-1 - b.source]);
    try {
      primitive_.execute(env_.stream, args_);
      env_.stream.wait();
    } catch (const dnnl::error &e) {
      throw Error(std::string("oneDNN: ") + e.what() + " (status " +
                  std::to_string(int(e.status)) + ")");
    }
  }
  const char *backend() const override { return "onednn"; }

private:
  DnnlEnv &env_;
  dnnl::primitive primitive_;
  std::unordered_map<int, memory> args_;
  std::vector<Binding> bindings_;
};

dnnl::primitive_attr userScratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

//===----------------------------------------------------------------------===//
// Per-op builders.
//===----------------------------------------------------------------------===//

std::unique_ptr<Kernel> makeMatMul(const OpInfo &op, const std::vector<const void *> &constIn,
                                   DnnlEnv &env) {
  Shape a = op.in[0].shape, b = op.in[1].shape, c = op.out[0].shape;
  if (a.size() == 1)
    a.insert(a.begin(), 1);
  if (b.size() == 1)
    b.push_back(1);
  size_t rank = std::max(a.size(), b.size());
  if (rank > 6)
    return nullptr;
  memory::dims ad = padTo(toDims(a), rank), bd = padTo(toDims(b), rank);
  memory::dims cd(rank);
  for (size_t i = 0; i + 2 < rank; ++i)
    cd[i] = std::max(ad[i], bd[i]);
  cd[rank - 2] = ad[rank - 2];
  cd[rank - 1] = bd[rank - 1];
  if (numElements(c) != numElements(Shape(cd.begin(), cd.end())))
    return nullptr;
  auto kernel = std::make_unique<DnnlKernel>(env);
  memory::desc amd = plainMd(ad), bmd = plainMd(bd), cmd = plainMd(cd);
  bool packB = constIn[1] && rank == 2;
  memory::desc bwant = packB ? memory::desc(bd, dt::f32, memory::format_tag::any) : bmd;
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(amd, bwant, cmd), userScratchpad(),
                                  env.engine);
  kernel->bind(DNNL_ARG_SRC, amd, 0);
  if (packB)
    kernel->bindConst(DNNL_ARG_WEIGHTS, bmd, pd.weights_desc(), constIn[1]);
  else
    kernel->bind(DNNL_ARG_WEIGHTS, bmd, 1);
  kernel->bind(DNNL_ARG_DST, cmd, -1);
  kernel->setPrimitive(dnnl::matmul(pd), pd);
  return kernel;
}

std::unique_ptr<Kernel> makeGemm(const OpInfo &op, const std::vector<const void *> &constIn,
                                 DnnlEnv &env, std::vector<float> &scaledC) {
  const OpAttrs &at = op.attrs;
  int64_t M = op.out[0].shape[0], N = op.out[0].shape[1];
  int64_t K = at.transA ? op.in[0].shape[0] : op.in[0].shape[1];
  // op(A) and op(B) through strides: no transposition copies.
  memory::desc amd({M, K}, dt::f32, at.transA ? memory::dims{1, M} : memory::dims{K, 1});
  memory::desc bplain({K, N}, dt::f32, at.transB ? memory::dims{1, K} : memory::dims{N, 1});
  memory::desc cmd = plainMd({M, N});
  bool packB = constIn[1] != nullptr;
  memory::desc bwant = packB ? memory::desc({K, N}, dt::f32, memory::format_tag::any) : bplain;
  dnnl::primitive_attr attr = userScratchpad();
  if (at.alpha != 1.0f)
    attr.set_output_scales(0, {at.alpha});
  bool hasC = op.in.size() == 3 && at.beta != 0.0f;
  memory::desc biasMd;
  if (hasC) {
    // C is broadcast to [M, N]: express it as a 2-D operand of a binary-add
    // post-op (applied after alpha scaling).
    Shape cs = op.in[2].shape;
    memory::dims d = padTo(toDims(cs.empty() ? Shape{1} : cs), 2);
    biasMd = plainMd(d);
    if (at.beta != 1.0f && !constIn[2])
      return nullptr; // beta * C at run time: the reference does it.
    dnnl::post_ops po;
    po.append_binary(dnnl::algorithm::binary_add, biasMd);
    attr.set_post_ops(po);
  }
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(amd, bwant, cmd), attr, env.engine);
  auto kernel = std::make_unique<DnnlKernel>(env);
  kernel->bind(DNNL_ARG_SRC, amd, 0);
  if (packB)
    kernel->bindConst(DNNL_ARG_WEIGHTS, bplain, pd.weights_desc(), constIn[1]);
  else
    kernel->bind(DNNL_ARG_WEIGHTS, bplain, 1);
  kernel->bind(DNNL_ARG_DST, cmd, -1);
  if (hasC) {
    int arg = DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1;
    if (at.beta != 1.0f) {
      uint64_t n = numElements(op.in[2].shape);
      scaledC.resize(n);
      for (uint64_t i = 0; i < n; ++i)
        scaledC[i] = at.beta * static_cast<const float *>(constIn[2])[i];
      kernel->bindFixed(arg, memory(biasMd, env.engine, scaledC.data()));
    } else {
      kernel->bind(arg, biasMd, 2);
    }
  }
  kernel->setPrimitive(dnnl::matmul(pd), pd);
  return kernel;
}

std::unique_ptr<Kernel> makeConv(const OpInfo &op, const std::vector<const void *> &constIn,
                                 DnnlEnv &env) {
  const Shape &x = op.in[0].shape, &w = op.in[1].shape, &y = op.out[0].shape;
  const OpAttrs &a = op.attrs;
  int64_t G = a.group;
  memory::dims strides = a.strides.empty() ? memory::dims{1, 1} : memory::dims(a.strides.begin(), a.strides.end());
  memory::dims dil{0, 0}, padL{0, 0}, padR{0, 0};
  if (!a.dilations.empty())
    dil = {a.dilations[0] - 1, a.dilations[1] - 1};
  if (!a.pads.empty()) {
    padL = {a.pads[0], a.pads[1]};
    padR = {a.pads[2], a.pads[3]};
  }
  memory::desc xmd = plainMd(toDims(x)), ymd = plainMd(toDims(y));
  memory::dims wd = G == 1 ? toDims(w) : memory::dims{G, w[0] / G, w[1], w[2], w[3]};
  memory::desc wplain = plainMd(wd);
  bool packW = constIn[1] != nullptr;
  memory::desc wwant = packW ? memory::desc(wd, dt::f32, memory::format_tag::any) : wplain;
  bool bias = op.in.size() == 3;
  memory::desc bmd = bias ? plainMd({w[0]}) : memory::desc();
  dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference,
                                       dnnl::algorithm::convolution_direct, xmd, wwant, bmd, ymd,
                                       strides, dil, padL, padR);
  dnnl::convolution_forward::primitive_desc pd(desc, userScratchpad(), env.engine);
  auto kernel = std::make_unique<DnnlKernel>(env);
  kernel->bind(DNNL_ARG_SRC, xmd, 0);
  if (packW)
    kernel->bindConst(DNNL_ARG_WEIGHTS, wplain, pd.weights_desc(), constIn[1]);
  else
    kernel->bind(DNNL_ARG_WEIGHTS, wplain, 1);
  if (bias)
    kernel->bind(DNNL_ARG_BIAS, bmd, 2);
  kernel->bind(DNNL_ARG_DST, ymd, -1);
  kernel->setPrimitive(dnnl::convolution_forward(pd), pd);
  return kernel;
}

std::unique_ptr<Kernel> makePool(const OpInfo &op, DnnlEnv &env) {
  const Shape &x = op.in[0].shape, &y = op.out[0].shape;
  const OpAttrs &a = op.attrs;
  memory::dims kernelDims, strides{1, 1}, dil{0, 0}, padL{0, 0}, padR{0, 0};
  dnnl::algorithm alg;
  if (op.kind == OpKind::GlobalAveragePool) {
    if (x.size() != 4)
      return nullptr;
    kernelDims = {x[2], x[3]};
    alg = dnnl::algorithm::pooling_avg_exclude_padding;
  } else {
    kernelDims = {a.kernelShape[0], a.kernelShape[1]};
    if (!a.strides.empty())
      strides = {a.strides[0], a.strides[1]};
    if (!a.dilations.empty())
      dil = {a.dilations[0] - 1, a.dilations[1] - 1};
    if (!a.pads.empty()) {
      padL = {a.pads[0], a.pads[1]};
      padR = {a.pads[2], a.pads[3]};
    }
    // oneDNN derives the output size with floor division: with ceil_mode
    // the trailing padding is extended so that it yields the graph's size.
    for (int i = 0; i < 2; ++i) {
      int64_t span = (kernelDims[i] - 1) * (dil[i] + 1) + 1;
      int64_t need = (y[2 + i] - 1) * strides[i] + span - x[2 + i] - padL[i];
      if (need < 0)
        need = padR[i]; // Floor mode: the given padding already fits.
      if (need != padR[i]) {
        // Extra padding changes what include-padding averages divide by.
        if (op.kind == OpKind::AveragePool && a.countIncludePad)
          return nullptr;
        padR[i] = need;
      }
    }
    alg = op.kind == OpKind::MaxPool ? dnnl::algorithm::pooling_max
          : a.countIncludePad        ? dnnl::algorithm::pooling_avg_include_padding
                                     : dnnl::algorithm::pooling_avg_exclude_padding;
  }
  memory::desc xmd = plainMd(toDims(x)), ymd = plainMd(toDims(y));
  dnnl::pooling_v2_forward::desc desc(dnnl::prop_kind::forward_inference, alg, xmd, ymd,
                                      strides, kernelDims, dil, padL, padR);
  dnnl::pooling_v2_forward::primitive_desc pd(desc, userScratchpad(), env.engine);
  auto kernel = std::make_unique<DnnlKernel>(env);
  kernel->bind(DNNL_ARG_SRC, xmd, 0);
  kernel->bind(DNNL_ARG_DST, ymd, -1);
  kernel->setPrimitive(dnnl::pooling_v2_forward(pd), pd);
  return kernel;
}

std::unique_ptr<Kernel> makeBatchNorm(const OpInfo &op, DnnlEnv &env) {
  const Shape &x = op.in[0].shape;
  if (x.size() > 5)
    return nullptr;
  memory::desc xmd = plainMd(toDims(x)), cmd = plainMd({x[1]});
  auto flags = dnnl::normalization_flags::use_global_stats |
               dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;
  dnnl::batch_normalization_forward::desc desc(dnnl::prop_kind::forward_inference, xmd,
                                               op.attrs.epsilon, flags);
  dnnl::batch_normalization_forward::primitive_desc pd(desc, userScratchpad(), env.engine);
  auto kernel = std::make_unique<DnnlKernel>(env);
  kernel->bind(DNNL_ARG_SRC, xmd, 0);
  kernel->bind(DNNL_ARG_SCALE, cmd, 1);
  kernel->bind(DNNL_ARG_SHIFT, cmd, 2);
  kernel->bind(DNNL_ARG_MEAN, cmd, 3);
  kernel->bind(DNNL_ARG_VARIANCE, cmd, 4);
  kernel->bind(DNNL_ARG_DST, xmd, -1);
  kernel->setPrimitive(dnnl::batch_normalization_forward(pd), pd);
  return kernel;
}

std::unique_ptr<Kernel> makeLayerNorm(const OpInfo &op, DnnlEnv &env, std::vector<float> &scratch) {
  const Shape &x = op.in[0].shape;
  int64_t axis = op.attrs.axis < 0 ? op.attrs.axis + int64_t(x.size()) : op.attrs.axis;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < int64_t(x.size()); ++i)
    (i < axis ? outer : inner) *= x[i];
  // oneDNN normalizes over the last dimension: view the input as [outer, inner].
  memory::desc xmd = plainMd({outer, inner}), cmd = plainMd({inner});
  bool bias = op.in.size() == 3;
  auto flags = dnnl::normalization_flags::use_scale;
  if (bias)
    flags = flags | dnnl::normalization_flags::use_shift;
  dnnl::layer_normalization_forward::desc desc(dnnl::prop_kind::forward_inference, xmd,
                                               op.attrs.epsilon, flags);
  dnnl::layer_normalization_forward::primitive_desc pd(desc, userScratchpad(), env.engine);
  auto kernel = std::make_unique<DnnlKernel>(env);
  kernel->bind(DNNL_ARG_SRC, xmd, 0);
  kernel->bind(DNNL_ARG_SCALE, cmd, 1);
  if (bias)
    kernel->bind(DNNL_ARG_SHIFT, cmd, 2);
  kernel->bind(DNNL_ARG_DST, xmd, -1);
  // Inference still writes mean and variance: give them a private buffer.
  memory::desc smd = pd.mean_desc();
  scratch.resize(2 * (smd.get_size() / sizeof(float) + 16));
  kernel->bindFixed(DNNL_ARG_MEAN, memory(smd, env.engine, scratch.data()));
  kernel->bindFixed(DNNL_ARG_VARIANCE,
                    memory(pd.variance_desc(), env.engine, scratch.data() + scratch.size() / 2));
  kernel->setPrimitive(dnnl::layer_normalization_forward(pd), pd);
  return kernel;
}

std::unique_ptr<Kernel> makeSoftmax(const OpInfo &op, DnnlEnv &env) {
  const Shape &x = op.in[0].shape;
  if (x.empty())
    return nullptr;
  int axis = int(op.attrs.axis < 0 ? op.attrs.axis + int64_t(x.size()) : op.attrs.axis);
  memory::desc xmd = plainMd(toDims(x));
  dnnl::softmax_forward::desc desc(dnnl::prop_kind::forward_inference, xmd, axis);
  dnnl::softmax_forward::primitive_desc pd(desc, userScratchpad(), env.engine);
  auto kernel = std::make_unique<DnnlKernel>(env);
  kernel->bind(DNNL_ARG_SRC, xmd, 0);
  kernel->bind(DNNL_ARG_DST, xmd, -1);
  kernel->setPrimitive(dnnl::softmax_forward(pd), pd);
  return kernel;
}

std::unique_ptr<Kernel> makeEltwise(const OpInfo &op, DnnlEnv &env) {
  dnnl::algorithm alg;
  float alpha = 0, beta = 0;
  switch (op.kind) {
  case OpKind::Relu: alg = dnnl::algorithm::eltwise_relu; break;
  case OpKind::Tanh: alg = dnnl::algorithm::eltwise_tanh; break;
  case OpKind::Sigmoid: alg = dnnl::algorithm::eltwise_logistic; break;
  case OpKind::Exp: alg = dnnl::algorithm::eltwise_exp; break;
  case OpKind::Log: alg = dnnl::algorithm::eltwise_log; break;
  case OpKind::Sqrt: alg = dnnl::algorithm::eltwise_sqrt; break;
  case OpKind::Abs: alg = dnnl::algorithm::eltwise_abs; break;
  case OpKind::Neg: alg = dnnl::algorithm::eltwise_linear; alpha = -1; break;
  case OpKind::Reciprocal: alg = dnnl::algorithm::eltwise_pow; alpha = 1; beta = -1; break;
  case OpKind::Gelu:
    alg = op.attrs.geluTanh ? dnnl::algorithm::eltwise_gelu_tanh : dnnl::algorithm::eltwise_gelu_erf;
    break;
  case OpKind::Clip:
    alg = dnnl::algorithm::eltwise_clip_v2;
    alpha = op.attrs.min.value_or(-std::numeric_limits<float>::infinity());
    beta = op.attrs.max.value_or(std::numeric_limits<float>::infinity());
    break;
  default: return nullptr; // Erf, Identity: the reference is exact and cheap.
  }
  memory::desc md = plainMd({int64_t(numElements(op.in[0].shape))});
  if (numElements(op.in[0].shape) == 0)
    return nullptr;
  dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference, alg, md, alpha, beta);
  dnnl::eltwise_forward::primitive_desc pd(desc, userScratchpad(), env.engine);
  auto kernel = std::make_unique<DnnlKernel>(env);
  kernel->bind(DNNL_ARG_SRC, md, 0);
  kernel->bind(DNNL_ARG_DST, md, -1);
  kernel->setPrimitive(dnnl::eltwise_forward(pd), pd);
  return kernel;
}

std::unique_ptr<Kernel> makeBinary(const OpInfo &op, DnnlEnv &env) {
  dnnl::algorithm alg;
  bool commutative = true;
  switch (op.kind) {
  case OpKind::Add: alg = dnnl::algorithm::binary_add; break;
  case OpKind::Mul: alg = dnnl::algorithm::binary_mul; break;
  case OpKind::Max: alg = dnnl::algorithm::binary_max; break;
  case OpKind::Min: alg = dnnl::algorithm::binary_min; break;
  case OpKind::Sub: alg = dnnl::algorithm::binary_sub; commutative = false; break;
  case OpKind::Div: alg = dnnl::algorithm::binary_div; commutative = false; break;
  default: return nullptr; // Pow
  }
  const Shape &os = op.out[0].shape;
  if (numElements(os) == 0 || os.size() > 6)
    return nullptr;
  size_t rank = std::max<size_t>(os.size(), 1);
  memory::dims od = padTo(toDims(os), rank);
  memory::dims d0 = padTo(toDims(op.in[0].shape), rank), d1 = padTo(toDims(op.in[1].shape), rank);
  int src0 = 0, src1 = 1;
  // oneDNN broadcasts only the second source.
  if (d0 != od) {
    if (!commutative || d1 != od)
      return nullptr;
    std::swap(d0, d1);
    std::swap(src0, src1);
  }
  memory::desc m0 = plainMd(d0), m1 = plainMd(d1), mo = plainMd(od);
  dnnl::binary::desc desc(alg, m0, m1, mo);
  dnnl::binary::primitive_desc pd(desc, userScratchpad(), env.engine);
  auto kernel = std::make_unique<DnnlKernel>(env);
  kernel->bind(DNNL_ARG_SRC_0, m0, src0);
  kernel->bind(DNNL_ARG_SRC_1, m1, src1);
  kernel->bind(DNNL_ARG_DST, mo, -1);
  kernel->setPrimitive(dnnl::binary(pd), pd);
  return kernel;
}

/// Owns buffers a kernel's fixed memories point to.
class OwningKernel final : public Kernel {
public:
  OwningKernel(std::unique_ptr<Kernel> k, std::vector<float> buf)
      : kernel_(std::move(k)), buf_(std::move(buf)) {}
  void run(const void *const *in, void *const *out) override { kernel_->run(in, out); }
  const char *backend() const override { return kernel_->backend(); }

private:
  std::unique_ptr<Kernel> kernel_;
  std::vector<float> buf_;
};

} // namespace

std::unique_ptr<Kernel> makeDnnlKernel(const OpInfo &op, const std::vector<const void *> &constIn,
                                       DnnlEnv &env) {
  for (const TensorType &t : op.in)
    if (t.dtype != DType::F32)
      return nullptr;
  for (const TensorType &t : op.out)
    if (t.dtype != DType::F32 || numElements(t.shape) == 0)
      return nullptr;
  enterDnnlThread(env);
  std::vector<float> buf;
  std::unique_ptr<Kernel> k;
  if (isBinary(op.kind))
    k = makeBinary(op, env);
  else if (isUnary(op.kind))
    k = makeEltwise(op, env);
  else
    switch (op.kind) {
    case OpKind::MatMul: k = makeMatMul(op, constIn, env); break;
    case OpKind::Gemm: k = makeGemm(op, constIn, env, buf); break;
    case OpKind::Conv: k = makeConv(op, constIn, env); break;
    case OpKind::MaxPool:
    case OpKind::AveragePool:
    case OpKind::GlobalAveragePool: k = makePool(op, env); break;
    case OpKind::BatchNorm: k = makeBatchNorm(op, env); break;
    case OpKind::LayerNorm: k = makeLayerNorm(op, env, buf); break;
    case OpKind::Softmax: k = makeSoftmax(op, env); break;
    default: break;
    }
  if (k && !buf.empty())
    return std::make_unique<OwningKernel>(std::move(k), std::move(buf));
  return k;
}

} // namespace neuron::rt
