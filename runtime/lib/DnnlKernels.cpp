//===- DnnlKernels.cpp - oneDNN primitives for the hot ops ----------------===//
//
// Each kernel is a oneDNN primitive created once at load for the op's static
// shapes, with memory objects whose data handles are rebound per run and a
// user-owned scratchpad, so running allocates nothing. Weights that oneDNN
// wants in a blocked layout are reordered ("pre-packed") at load. Anything
// oneDNN cannot express exactly as the graph op specifies returns null and
// the reference kernel runs instead. f32 everywhere; bf16 for the matrix ops,
// elementwise ops and casts. Kernels honour the stage planner's fused
// post-ops and channels-last (NHWC) layouts (OpInfo::post, inNhwc/outNhwc).
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <cfloat>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>

namespace neuron::rt {

using dnnl::memory;
using dt = memory::data_type;

struct DnnlEnv {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  int numThreads = 0;

  /// Work buffers every kernel of the env shares, since they run one at a
  /// time (a Model runs one request at a time; each pipeline worker has its
  /// own env): slot 0 is oneDNN's scratchpad (Winograd's transformed tiles,
  /// megabytes per convolution), slots 1.. hold the arguments a kernel
  /// stages through its primitive's own layout (DnnlKernel::bindStaged).
  /// One buffer per slot instead of one per kernel keeps them hot in cache
  /// and the memory footprint at the largest kernel's. Each grows to the
  /// largest size a kernel reserves while the stage's kernels are made (at
  /// load); kernels fetch the pointers when they run.
  struct Buffer {
    std::unique_ptr<uint8_t, void (*)(void *)> data{nullptr, std::free};
    size_t bytes = 0;
  };
  std::vector<Buffer> buffers;
  void reserve(size_t slot, size_t bytes) {
    if (buffers.size() <= slot)
      buffers.resize(slot + 1);
    Buffer &b = buffers[slot];
    if (bytes <= b.bytes)
      return;
    size_t rounded = (bytes + 4095) / 4096 * 4096;
    void *p = std::aligned_alloc(4096, rounded);
    if (!p)
      throw Error("cannot allocate " + std::to_string(bytes) + " bytes of oneDNN work space");
    b.data.reset(static_cast<uint8_t *>(p));
    b.bytes = rounded;
  }
  void *buffer(size_t slot) const { return buffers[slot].data.get(); }
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

/// oneDNN's type for `d`; undef when oneDNN kernels do not handle it.
dt toDt(DType d) {
  switch (d) {
  case DType::F32: return dt::f32;
  case DType::BF16: return dt::bf16;
  default: return dt::undef;
  }
}

/// A plain row-major descriptor for `dims`.
memory::desc plainMd(const memory::dims &dims, dt type = dt::f32) {
  memory::dims strides(dims.size(), 1);
  for (int i = int(dims.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * dims[i + 1];
  return memory::desc(dims, type, strides);
}

/// The descriptor of a 4-D activation in the layout the planner chose for
/// it (NCHW, NHWC or blocked nChw16c).
memory::desc actMd(const memory::dims &dims, dt type, Layout layout) {
  if (layout == Layout::Nhwc && dims.size() == 4)
    return memory::desc(dims, type, memory::format_tag::nhwc);
  if (layout == Layout::Blocked && dims.size() == 4)
    return memory::desc(dims, type, memory::format_tag::nChw16c);
  return plainMd(dims, type);
}

/// Pads `dims` with leading ones to `rank`.
memory::dims padTo(memory::dims d, size_t rank) {
  d.insert(d.begin(), rank - d.size(), 1);
  return d;
}

constexpr int kFixed = INT32_MIN;

/// Set while the planner only asks whether a kernel can be made: constant
/// operands are then not packed (the kernel is thrown away).
thread_local bool tProbe = false;

/// A binary post-op's tensor operand, bound to kernel input `input`.
struct PostArg {
  int index;
  memory::desc md;
  int input;
};

dnnl::primitive_attr userScratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

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
    if (tProbe)
      return;
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

  /// Binds argument `arg`, which the primitive wants in layout `want`, to
  /// run-time pointer `source` (as bind()) holding it in layout `have`,
  /// through a buffer of the kernel's own allocated here: reordered in
  /// before the primitive runs (`in`) and out after it (`out`).
  void bindStaged(int arg, const memory::desc &have, const memory::desc &want, int source,
                  bool in, bool out) {
    memory user(have, env_.engine, DNNL_MEMORY_NONE);
    bindings_.push_back({user, source});
    memory mine = bindShared(arg, want, 1 + staged_++);
    auto stage = [&](const memory &from, const memory &to) {
      dnnl::reorder::primitive_desc pd(from, to, userScratchpad());
      Staging s{dnnl::reorder(pd), {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}}};
      if (pd.scratchpad_desc().get_size())
        s.args[DNNL_ARG_SCRATCHPAD] = memory(pd.scratchpad_desc(), env_.engine);
      return s;
    };
    if (in)
      pre_.push_back(stage(user, mine));
    if (out)
      post_.push_back(stage(mine, user));
  }

  void bindPostArgs(const std::vector<PostArg> &args) {
    for (const PostArg &a : args)
      bind(DNNL_ARG_ATTR_MULTIPLE_POST_OP(a.index) | DNNL_ARG_SRC_1, a.md, a.input);
  }

  void setPrimitive(dnnl::primitive p, const dnnl::primitive_desc_base &pd) {
    primitive_ = std::move(p);
    impl_ = pd.impl_info_str();
    memory::desc sd = pd.scratchpad_desc();
    if (sd.get_size())
      bindShared(DNNL_ARG_SCRATCHPAD, sd, 0);
  }

  void run(const void *const *in, void *const *out) override {
    for (Binding &b : bindings_)
      b.mem.set_data_handle(b.source >= 0 ? const_cast<void *>(in[b.source])
                                          : out[-1 - b.source]);
    for (auto &[mem, slot] : shared_)
      mem.set_data_handle(env_.buffer(slot));
    try {
      for (Staging &s : pre_)
        s.reorder.execute(env_.stream, s.args);
      primitive_.execute(env_.stream, args_);
      for (Staging &s : post_)
        s.reorder.execute(env_.stream, s.args);
      env_.stream.wait();
    } catch (const dnnl::error &e) {
      throw Error(std::string("oneDNN: ") + e.what() + " (status " +
                  std::to_string(int(e.status)) + ")");
    }
  }
  const char *backend() const override { return "onednn"; }
  std::string implementation() const override { return impl_; }

private:
  /// A reorder between a run-time buffer and one of the env's shared ones.
  struct Staging {
    dnnl::reorder reorder;
    std::unordered_map<int, memory> args;
  };

  /// Binds `arg` to the env's shared buffer `slot`, reserved for `md`.
  memory bindShared(int arg, const memory::desc &md, size_t slot) {
    memory m(md, env_.engine, DNNL_MEMORY_NONE);
    if (!tProbe)
      env_.reserve(slot, md.get_size());
    args_[arg] = m;
    shared_.push_back({m, slot});
    return m;
  }

  DnnlEnv &env_;
  std::vector<std::pair<memory, size_t>> shared_;
  size_t staged_ = 0;
  std::vector<Staging> pre_, post_;
  std::string impl_;
  dnnl::primitive primitive_;
  std::unordered_map<int, memory> args_;
  std::vector<Binding> bindings_;
};

/// A kernel running the one-input, one-output primitive described by `pd`
/// from input 0 (`src`) to output 0 (`dst`).
template <typename Primitive, typename PrimitiveDesc>
std::unique_ptr<Kernel> srcDstKernel(DnnlEnv &env, const memory::desc &src,
                                     const memory::desc &dst, const PrimitiveDesc &pd) {
  auto kernel = std::make_unique<DnnlKernel>(env);
  kernel->bind(DNNL_ARG_SRC, src, 0);
  kernel->bind(DNNL_ARG_DST, dst, -1);
  kernel->setPrimitive(Primitive(pd), pd);
  return kernel;
}

/// oneDNN's eltwise algorithm (with alpha, beta) for a unary op; false when
/// it has none (Erf, Identity: the reference is exact and cheap) or when its
/// result is not exact enough (Log: oneDNN 2.6's eltwise_log is 1-2 ulp low,
/// which flips T5's relative-position buckets at exact powers of two).
bool eltwiseAlg(OpKind kind, const OpAttrs &attrs, dnnl::algorithm &alg, float &alpha,
                float &beta) {
  alpha = beta = 0;
  switch (kind) {
  case OpKind::Relu: alg = dnnl::algorithm::eltwise_relu; return true;
  case OpKind::Tanh: alg = dnnl::algorithm::eltwise_tanh; return true;
  case OpKind::Sigmoid: alg = dnnl::algorithm::eltwise_logistic; return true;
  case OpKind::Exp: alg = dnnl::algorithm::eltwise_exp; return true;
  case OpKind::Sqrt: alg = dnnl::algorithm::eltwise_sqrt; return true;
  case OpKind::Abs: alg = dnnl::algorithm::eltwise_abs; return true;
  case OpKind::Neg: alg = dnnl::algorithm::eltwise_linear; alpha = -1; return true;
  case OpKind::Reciprocal:
    alg = dnnl::algorithm::eltwise_pow;
    alpha = 1;
    beta = -1;
    return true;
  case OpKind::Gelu:
    alg = attrs.geluTanh ? dnnl::algorithm::eltwise_gelu_tanh : dnnl::algorithm::eltwise_gelu_erf;
    return true;
  case OpKind::Clip:
    alg = dnnl::algorithm::eltwise_clip_v2;
    alpha = attrs.min.value_or(-std::numeric_limits<float>::infinity());
    beta = attrs.max.value_or(std::numeric_limits<float>::infinity());
    return true;
  default: return false;
  }
}

/// oneDNN's binary algorithm for a binary op; false for Pow.
bool binaryAlg(OpKind kind, dnnl::algorithm &alg) {
  switch (kind) {
  case OpKind::Add: alg = dnnl::algorithm::binary_add; return true;
  case OpKind::Mul: alg = dnnl::algorithm::binary_mul; return true;
  case OpKind::Max: alg = dnnl::algorithm::binary_max; return true;
  case OpKind::Min: alg = dnnl::algorithm::binary_min; return true;
  case OpKind::Sub: alg = dnnl::algorithm::binary_sub; return true;
  case OpKind::Div: alg = dnnl::algorithm::binary_div; return true;
  default: return false;
  }
}

/// Appends the planner's fused ops (`op.post`) to `po`, describing tensor
/// operands against the result's `dstDims` (and its layout, `dstNhwc`).
/// Returns false when one has no oneDNN form; the planner then does not fuse.
bool appendPostOps(const OpInfo &op, const memory::dims &dstDims, dnnl::post_ops &po,
                   std::vector<PostArg> &args) {
  constexpr float inf = std::numeric_limits<float>::infinity();
  for (const PostOp &p : op.post) {
    dnnl::algorithm alg;
    float alpha, beta;
    if (p.inPlace) {
      if (p.kind != OpKind::Add)
        return false;
      po.append_sum(1.0f);
      continue;
    }
    if (isUnary(p.kind)) {
      if (!eltwiseAlg(p.kind, p.attrs, alg, alpha, beta))
        return false;
      po.append_eltwise(1.0f, alg, alpha, beta);
      continue;
    }
    bool ordered = p.kind == OpKind::Sub || p.kind == OpKind::Div;
    if (p.input < 0) {
      // A constant scalar: an affine map or a clamp.
      const float c = p.scalar;
      const auto linear = dnnl::algorithm::eltwise_linear;
      const auto clip = dnnl::algorithm::eltwise_clip_v2;
      switch (p.kind) {
      case OpKind::Add: po.append_eltwise(1.0f, linear, 1.0f, c); break;
      case OpKind::Sub:
        po.append_eltwise(1.0f, linear, p.resultFirst ? 1.0f : -1.0f, p.resultFirst ? -c : c);
        break;
      case OpKind::Mul: po.append_eltwise(1.0f, linear, c, 0.0f); break;
      case OpKind::Div:
        if (!p.resultFirst || c == 0.0f)
          return false;
        po.append_eltwise(1.0f, linear, 1.0f / c, 0.0f);
        break;
      case OpKind::Max: po.append_eltwise(1.0f, clip, c, inf); break;
      case OpKind::Min: po.append_eltwise(1.0f, clip, -inf, c); break;
      default: return false;
      }
      continue;
    }
    if ((ordered && !p.resultFirst) || !binaryAlg(p.kind, alg))
      return false;
    const TensorType &t = op.in[p.input];
    if (toDt(t.dtype) == dt::undef || (!p.full && t.shape.size() > dstDims.size()))
      return false;
    // An operand of the result's own shape takes the result's view (a
    // matmul may have collapsed its rows); others broadcast against it.
    memory::dims d = p.full ? dstDims : padTo(toDims(t.shape), dstDims.size());
    if (op.layoutIn(p.input) == Layout::Blocked)
      return false; // The planner keeps post-op operands out of blocked layouts.
    memory::desc md = actMd(d, toDt(t.dtype), op.layoutIn(p.input));
    args.push_back({po.len(), md, p.input});
    po.append_binary(alg, md);
  }
  return true;
}

/// An attribute with a user scratchpad and `op.post` appended to `po`;
/// false when a fused op has no oneDNN form.
bool makeAttr(const OpInfo &op, const memory::dims &dstDims, dnnl::post_ops po,
              dnnl::primitive_attr &attr, std::vector<PostArg> &args) {
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (!appendPostOps(op, dstDims, po, args))
    return false;
  if (po.len())
    attr.set_post_ops(po);
  return true;
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
  bool strided = !op.outStrides.empty();
  for (const auto &st : op.inStrides)
    strided = strided || !st.empty();
  // [..., M, K] x [K, N]: one [M', K] x [K, N] product with M' = the batch
  // dims times M, so that a constant B is packed once (a linear layer).
  if (b.size() == 2 && a.size() > 2 && !strided) {
    int64_t rows = 1;
    for (size_t i = 0; i + 1 < a.size(); ++i)
      rows *= a[i];
    a = {rows, a.back()};
  }
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
  memory::desc amd = plainMd(ad, toDt(op.in[0].dtype)), bmd = plainMd(bd, toDt(op.in[1].dtype)),
               cmd = plainMd(cd, toDt(op.out[0].dtype));
  if (strided) {
    // Folded transposes: operands and result read / written in place, with
    // the graph's own ranks (no padding or collapsing).
    if (op.in[0].shape.size() != rank || op.in[1].shape.size() != rank ||
        op.out[0].shape.size() != rank)
      return nullptr;
    auto withStrides = [&](const memory::desc &md, const std::vector<int64_t> &st) {
      return st.empty() ? md : memory::desc(md.dims(), md.data_type(), memory::dims(st.begin(), st.end()));
    };
    if (op.inStrides.size() > 0)
      amd = withStrides(amd, op.inStrides[0]);
    if (op.inStrides.size() > 1)
      bmd = withStrides(bmd, op.inStrides[1]);
    cmd = withStrides(cmd, op.outStrides);
  }
  bool packB = constIn[1] && rank == 2;
  memory::desc bwant = packB ? memory::desc(bd, bmd.data_type(), memory::format_tag::any) : bmd;
  dnnl::primitive_attr attr;
  std::vector<PostArg> args;
  if (!makeAttr(op, cd, {}, attr, args))
    return nullptr;
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(amd, bwant, cmd), attr, env.engine);
  kernel->bind(DNNL_ARG_SRC, amd, 0);
  if (packB)
    kernel->bindConst(DNNL_ARG_WEIGHTS, bmd, pd.weights_desc(), constIn[1]);
  else
    kernel->bind(DNNL_ARG_WEIGHTS, bmd, 1);
  kernel->bind(DNNL_ARG_DST, cmd, -1);
  kernel->bindPostArgs(args);
  kernel->setPrimitive(dnnl::matmul(pd), pd);
  return kernel;
}

std::unique_ptr<Kernel> makeGemm(const OpInfo &op, const std::vector<const void *> &constIn,
                                 DnnlEnv &env, std::vector<float> &scaledC) {
  const OpAttrs &at = op.attrs;
  int64_t M = op.out[0].shape[0], N = op.out[0].shape[1];
  int64_t K = at.transA ? op.in[0].shape[0] : op.in[0].shape[1];
  dt adt = toDt(op.in[0].dtype), bdt = toDt(op.in[1].dtype);
  // op(A) and op(B) through strides: no transposition copies.
  memory::desc amd({M, K}, adt, at.transA ? memory::dims{1, M} : memory::dims{K, 1});
  memory::desc bplain({K, N}, bdt, at.transB ? memory::dims{1, K} : memory::dims{N, 1});
  memory::desc cmd = plainMd({M, N}, toDt(op.out[0].dtype));
  bool packB = constIn[1] != nullptr;
  memory::desc bwant = packB ? memory::desc({K, N}, bdt, memory::format_tag::any) : bplain;
  bool hasC = op.ownInputs() == 3 && at.beta != 0.0f;
  memory::desc biasMd;
  dnnl::post_ops po;
  if (hasC) {
    // C is broadcast to [M, N]: express it as a 2-D operand of a binary-add
    // post-op (applied after alpha scaling).
    Shape cs = op.in[2].shape;
    memory::dims d = padTo(toDims(cs.empty() ? Shape{1} : cs), 2);
    biasMd = plainMd(d, toDt(op.in[2].dtype));
    if (at.beta != 1.0f && (!constIn[2] || op.in[2].dtype != DType::F32))
      return nullptr; // beta * C at run time: the reference does it.
    if (at.beta != 1.0f)
      biasMd = plainMd(d);
    po.append_binary(dnnl::algorithm::binary_add, biasMd);
  }
  dnnl::primitive_attr attr;
  std::vector<PostArg> args;
  if (!makeAttr(op, {M, N}, po, attr, args))
    return nullptr;
  if (at.alpha != 1.0f)
    attr.set_output_scales(0, {at.alpha});
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
  kernel->bindPostArgs(args);
  kernel->setPrimitive(dnnl::matmul(pd), pd);
  return kernel;
}

/// A 3x3, stride-1 f32 convolution by Winograd's minimal filtering (oneDNN's
/// F(2x2, 3x3) and F(4x4, 3x3) kernels for AVX-512), which does about half
/// the direct kernel's multiplications: 1.6-2.3x faster at ResNet's shapes
/// on AVX-512, results within a few ulps of the direct kernel's. Those
/// kernels compute in the blocked nChw16c layout: an operand the planner
/// keeps in another layout is reordered in (the input; the result too when
/// a post-op sums into it) and the result out. Null when oneDNN has no
/// Winograd kernel for the op (no AVX-512, a post-op it cannot fuse) or
/// NEURON_RT_DISABLE lists "winograd".
std::unique_ptr<Kernel> makeWinogradConv(const OpInfo &op, const memory::desc &xmd,
                                         const memory::desc &wplain, const memory::desc &bmd,
                                         const memory::desc &ymd, const memory::dims &strides,
                                         const memory::dims &dil, const memory::dims &padL,
                                         const memory::dims &padR, const void *weights,
                                         DnnlEnv &env) {
  if (xmd.data_type() != dt::f32 || ymd.data_type() != dt::f32 ||
      wplain.data_type() != dt::f32 || strides != memory::dims{1, 1} ||
      dil != memory::dims{0, 0} || rewriteDisabled("winograd"))
    return nullptr;
  const auto any = memory::format_tag::any;
  memory::desc xb(xmd.dims(), dt::f32, any), wb(wplain.dims(), dt::f32, any),
      yb(ymd.dims(), dt::f32, any);
  dnnl::primitive_attr attr;
  std::vector<PostArg> args;
  if (!makeAttr(op, ymd.dims(), {}, attr, args))
    return nullptr;
  std::optional<dnnl::convolution_forward::primitive_desc> pd;
  try {
    pd.emplace(dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                               dnnl::algorithm::convolution_winograd, xb, wb,
                                               bmd, yb, strides, dil, padL, padR),
               attr, env.engine);
  } catch (const dnnl::error &) {
    return nullptr;
  }
  if (std::string(pd->impl_info_str()).find("wino") == std::string::npos)
    return nullptr;
  bool sum = false;
  for (const PostOp &p : op.post)
    sum = sum || p.inPlace;
  auto kernel = std::make_unique<DnnlKernel>(env);
  // An operand the planner already keeps in the kernel's layout (blocked)
  // is used in place.
  if (xmd == pd->src_desc())
    kernel->bind(DNNL_ARG_SRC, xmd, 0);
  else
    kernel->bindStaged(DNNL_ARG_SRC, xmd, pd->src_desc(), 0, true, false);
  kernel->bindConst(DNNL_ARG_WEIGHTS, wplain, pd->weights_desc(), weights);
  if (!bmd.is_zero())
    kernel->bind(DNNL_ARG_BIAS, bmd, 2);
  if (ymd == pd->dst_desc())
    kernel->bind(DNNL_ARG_DST, ymd, -1);
  else
    kernel->bindStaged(DNNL_ARG_DST, ymd, pd->dst_desc(), -1, sum, true);
  kernel->bindPostArgs(args);
  kernel->setPrimitive(dnnl::convolution_forward(*pd), *pd);
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
  if (x.size() != 4)
    return nullptr;
  memory::desc xmd = actMd(toDims(x), toDt(op.in[0].dtype), op.layoutIn(0)),
               ymd = actMd(toDims(y), toDt(op.out[0].dtype), op.layoutOut(0));
  memory::dims wd = G == 1 ? toDims(w) : memory::dims{G, w[0] / G, w[1], w[2], w[3]};
  memory::desc wplain = plainMd(wd, toDt(op.in[1].dtype));
  bool packW = constIn[1] != nullptr;
  memory::desc wwant =
      packW ? memory::desc(wd, wplain.data_type(), memory::format_tag::any) : wplain;
  bool bias = op.ownInputs() == 3;
  memory::desc bmd = bias ? plainMd({w[0]}, toDt(op.in[2].dtype)) : memory::desc();
  if (packW && G == 1 && w[2] == 3 && w[3] == 3)
    if (auto k = makeWinogradConv(op, xmd, wplain, bmd, ymd, strides, dil, padL, padR,
                                  constIn[1], env))
      return k;
  // The direct kernels: mixed layouts only have oneDNN's slow reference
  // conv, and the blocked layout is for Winograd's (which stage any).
  if (op.layoutIn(0) != op.layoutOut(0) || op.anyBlocked())
    return nullptr;
  dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference,
                                       dnnl::algorithm::convolution_direct, xmd, wwant, bmd, ymd,
                                       strides, dil, padL, padR);
  dnnl::primitive_attr attr;
  std::vector<PostArg> args;
  if (!makeAttr(op, toDims(y), {}, attr, args))
    return nullptr;
  dnnl::convolution_forward::primitive_desc pd(desc, attr, env.engine);
  auto kernel = std::make_unique<DnnlKernel>(env);
  kernel->bind(DNNL_ARG_SRC, xmd, 0);
  if (packW)
    kernel->bindConst(DNNL_ARG_WEIGHTS, wplain, pd.weights_desc(), constIn[1]);
  else
    kernel->bind(DNNL_ARG_WEIGHTS, wplain, 1);
  if (bias)
    kernel->bind(DNNL_ARG_BIAS, bmd, 2);
  kernel->bind(DNNL_ARG_DST, ymd, -1);
  kernel->bindPostArgs(args);
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
  // f32 or bf16 (averages accumulate in f32 either way).
  dt type = toDt(op.in[0].dtype);
  if (op.layoutIn(0) != op.layoutOut(0) || (type != dt::f32 && type != dt::bf16) ||
      op.out[0].dtype != op.in[0].dtype)
    return nullptr;
  memory::desc xmd = actMd(toDims(x), type, op.layoutIn(0)),
               ymd = actMd(toDims(y), type, op.layoutOut(0));
  dnnl::pooling_v2_forward::desc desc(dnnl::prop_kind::forward_inference, alg, xmd, ymd,
                                      strides, kernelDims, dil, padL, padR);
  dnnl::pooling_v2_forward::primitive_desc pd(desc, userScratchpad(), env.engine);
  return srcDstKernel<dnnl::pooling_v2_forward>(env, xmd, ymd, pd);
}

std::unique_ptr<Kernel> makeBatchNorm(const OpInfo &op, DnnlEnv &env) {
  const Shape &x = op.in[0].shape;
  if (x.size() > 5)
    return nullptr;
  if (op.nhwcIn(0) != op.nhwcOut(0) || toDt(op.in[0].dtype) != dt::f32)
    return nullptr;
  memory::desc xmd = actMd(toDims(x), dt::f32, op.layoutIn(0)), cmd = plainMd({x[1]});
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

std::unique_ptr<Kernel> makeLayerNorm(const OpInfo &op, const std::vector<const void *> &constIn,
                                      DnnlEnv &env, std::vector<float> &scratch) {
  const Shape &x = op.in[0].shape;
  int64_t axis = op.attrs.axis < 0 ? op.attrs.axis + int64_t(x.size()) : op.attrs.axis;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < int64_t(x.size()); ++i)
    (i < axis ? outer : inner) *= x[i];
  // oneDNN normalizes over the last dimension: view the input as [outer, inner].
  // Its scale and shift are f32 only: bf16 constants (auto-cast all) are
  // widened at load.
  for (size_t i = 1; i < op.in.size(); ++i)
    if (op.in[i].dtype != DType::F32 && !(op.in[i].dtype == DType::BF16 && constIn[i]))
      return nullptr;
  if (op.in[0].dtype != op.out[0].dtype)
    return nullptr;
  memory::desc xmd = plainMd({outer, inner}, toDt(op.in[0].dtype)), cmd = plainMd({inner});
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
  // Inference still writes mean and variance: give them a private buffer
  // (after the widened parameters, in the same owned vector).
  memory::desc smd = pd.mean_desc();
  size_t stats = smd.get_size() / sizeof(float) + 16;
  scratch.resize(2 * size_t(inner) + 2 * stats);
  for (size_t i = 1; i < op.in.size(); ++i)
    if (op.in[i].dtype == DType::BF16) {
      float *p = scratch.data() + (i - 1) * size_t(inner);
      for (int64_t k = 0; k < inner; ++k)
        p[k] = ld<BF16>(constIn[i], size_t(k));
      kernel->bindFixed(i == 1 ? DNNL_ARG_SCALE : DNNL_ARG_SHIFT, memory(cmd, env.engine, p));
    }
  float *statsAt = scratch.data() + 2 * size_t(inner);
  kernel->bindFixed(DNNL_ARG_MEAN, memory(smd, env.engine, statsAt));
  kernel->bindFixed(DNNL_ARG_VARIANCE, memory(pd.variance_desc(), env.engine, statsAt + stats));
  kernel->setPrimitive(dnnl::layer_normalization_forward(pd), pd);
  return kernel;
}

std::unique_ptr<Kernel> makeSoftmax(const OpInfo &op, DnnlEnv &env) {
  const Shape &x = op.in[0].shape;
  if (x.empty())
    return nullptr;
  int axis = int(op.attrs.axis < 0 ? op.attrs.axis + int64_t(x.size()) : op.attrs.axis);
  if (op.in[0].dtype != op.out[0].dtype)
    return nullptr;
  memory::desc xmd = plainMd(toDims(x), toDt(op.in[0].dtype));
  dnnl::softmax_forward::desc desc(dnnl::prop_kind::forward_inference, xmd, axis);
  dnnl::softmax_forward::primitive_desc pd(desc, userScratchpad(), env.engine);
  return srcDstKernel<dnnl::softmax_forward>(env, xmd, xmd, pd);
}

/// `alg(alpha, beta)` over input 0 viewed as a flat vector (elementwise ops
/// do not care about its shape or layout).
std::unique_ptr<Kernel> makeFlatEltwise(const OpInfo &op, DnnlEnv &env, dnnl::algorithm alg,
                                        float alpha, float beta) {
  memory::desc md = plainMd({int64_t(numElements(op.in[0].shape))}, toDt(op.in[0].dtype));
  dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference, alg, md, alpha, beta);
  dnnl::eltwise_forward::primitive_desc pd(desc, userScratchpad(), env.engine);
  return srcDstKernel<dnnl::eltwise_forward>(env, md, md, pd);
}

std::unique_ptr<Kernel> makeEltwise(const OpInfo &op, DnnlEnv &env) {
  dnnl::algorithm alg;
  float alpha, beta;
  if (!eltwiseAlg(op.kind, op.attrs, alg, alpha, beta) || op.in[0].dtype != op.out[0].dtype)
    return nullptr;
  return makeFlatEltwise(op, env, alg, alpha, beta);
}

/// Pow with a constant scalar exponent (LayerNorm's x^2 in ONNX exports):
/// oneDNN's eltwise_pow computes 1 * x^e.
std::unique_ptr<Kernel> makeScalarPow(const OpInfo &op, const std::vector<const void *> &constIn,
                                      DnnlEnv &env) {
  if (!constIn[1] || numElements(op.in[1].shape) != 1 || op.in[1].dtype != DType::F32 ||
      op.in[0].shape != op.out[0].shape || op.in[0].dtype != op.out[0].dtype)
    return nullptr;
  float e = *static_cast<const float *>(constIn[1]);
  return makeFlatEltwise(op, env, dnnl::algorithm::eltwise_pow, 1.0f, e);
}

/// ReduceMean / ReduceSum / ReduceMax over any axes, as a oneDNN reduction
/// (the result keeps the reduced dims as 1: keepdims only changes the shape).
std::unique_ptr<Kernel> makeReduce(const OpInfo &op, DnnlEnv &env) {
  const Shape &x = op.in[0].shape;
  if (x.empty() || x.size() > 6 || op.in[0].dtype != op.out[0].dtype)
    return nullptr;
  memory::dims src = toDims(x), dst = src;
  int rank = int(x.size());
  if (op.attrs.axes.empty())
    std::fill(dst.begin(), dst.end(), 1);
  for (int64_t a : op.attrs.axes)
    dst[a < 0 ? a + rank : a] = 1;
  dnnl::algorithm alg = op.kind == OpKind::ReduceMean  ? dnnl::algorithm::reduction_mean
                        : op.kind == OpKind::ReduceSum ? dnnl::algorithm::reduction_sum
                                                       : dnnl::algorithm::reduction_max;
  dt type = toDt(op.in[0].dtype);
  memory::desc smd = plainMd(src, type), dmd = plainMd(dst, type);
  dnnl::reduction::desc desc(alg, smd, dmd, 0.0f, 0.0f);
  dnnl::reduction::primitive_desc pd(desc, userScratchpad(), env.engine);
  return srcDstKernel<dnnl::reduction>(env, smd, dmd, pd);
}

/// Transpose as a oneDNN reorder: the source is read through permuted
/// strides into the dense result (also converting f32 <-> bf16 if the
/// result's type differs, which only the planner asks for).
std::unique_ptr<Kernel> makeTranspose(const OpInfo &op, DnnlEnv &env) {
  const Shape &x = op.in[0].shape, &y = op.out[0].shape;
  if (x.empty() || x.size() > 6)
    return nullptr;
  std::vector<int64_t> perm = op.attrs.perm;
  if (perm.empty())
    for (int64_t i = int64_t(x.size()) - 1; i >= 0; --i)
      perm.push_back(i);
  memory::dims xs(x.size(), 1), ys(y.size());
  for (int i = int(x.size()) - 2; i >= 0; --i)
    xs[i] = xs[i + 1] * x[i + 1];
  for (size_t d = 0; d < y.size(); ++d)
    ys[d] = xs[perm[d]];
  memory::desc src(toDims(y), toDt(op.in[0].dtype), ys), dst = plainMd(toDims(y), toDt(op.out[0].dtype));
  dnnl::reorder::primitive_desc pd(env.engine, src, env.engine, dst, userScratchpad());
  return srcDstKernel<dnnl::reorder>(env, src, dst, pd);
}

/// A layout change (Identity between NCHW and NHWC, inserted by the planner)
/// or a Cast between f32 and bf16, as a oneDNN reorder.
std::unique_ptr<Kernel> makeReorder(const OpInfo &op, DnnlEnv &env) {
  memory::dims d = toDims(op.in[0].shape);
  memory::desc src = actMd(d, toDt(op.in[0].dtype), op.layoutIn(0)),
               dst = actMd(d, toDt(op.out[0].dtype), op.layoutOut(0));
  dnnl::reorder::primitive_desc pd(env.engine, src, env.engine, dst, userScratchpad());
  return srcDstKernel<dnnl::reorder>(env, src, dst, pd);
}

std::unique_ptr<Kernel> makeBinary(const OpInfo &op, DnnlEnv &env) {
  dnnl::algorithm alg;
  if (!binaryAlg(op.kind, alg))
    return nullptr; // Pow
  bool commutative = op.kind != OpKind::Sub && op.kind != OpKind::Div;
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
  memory::desc m0 = plainMd(d0, toDt(op.in[src0].dtype)), m1 = plainMd(d1, toDt(op.in[src1].dtype)),
               mo = plainMd(od, toDt(op.out[0].dtype));
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
  std::string implementation() const override { return kernel_->implementation(); }

private:
  std::unique_ptr<Kernel> kernel_;
  std::vector<float> buf_;
};

} // namespace

std::unique_ptr<Kernel> makeDnnlKernel(const OpInfo &op, const std::vector<const void *> &constIn,
                                       DnnlEnv &env, bool probe) {
  struct ProbeScope {
    bool old = tProbe;
    explicit ProbeScope(bool p) { tProbe = p; }
    ~ProbeScope() { tProbe = old; }
  } scope(probe);
  // f32 and bf16 only; Gemm's C and the normalizations' parameters are
  // checked by their builders.
  for (const TensorType &t : op.in)
    if (toDt(t.dtype) == dt::undef)
      return nullptr;
  for (const TensorType &t : op.out)
    if (toDt(t.dtype) == dt::undef || numElements(t.shape) == 0)
      return nullptr;
  enterDnnlThread(env);
  std::vector<float> buf;
  std::unique_ptr<Kernel> k;
  // Blocked tensors are read only by kernels that know the layout; an
  // elementwise op whose operands all share it reads them positionally.
  if (op.anyBlocked() && op.kind != OpKind::Conv && op.kind != OpKind::MaxPool &&
      op.kind != OpKind::AveragePool && op.kind != OpKind::GlobalAveragePool &&
      op.kind != OpKind::Cast && op.kind != OpKind::Identity && !isUnary(op.kind) &&
      !isBinary(op.kind))
    return nullptr;
  if (op.kind == OpKind::Cast || (op.kind == OpKind::Identity && op.layoutIn(0) != op.layoutOut(0)))
    k = makeReorder(op, env);
  else if (op.kind == OpKind::Pow)
    k = makeScalarPow(op, constIn, env);
  else if (isBinary(op.kind))
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
    case OpKind::LayerNorm: k = makeLayerNorm(op, constIn, env, buf); break;
    case OpKind::Softmax: k = makeSoftmax(op, env); break;
    case OpKind::Transpose: k = makeTranspose(op, env); break;
    case OpKind::ReduceMean:
    case OpKind::ReduceSum:
    case OpKind::ReduceMax: k = makeReduce(op, env); break;
    default: break;
    }
  if (k && !buf.empty())
    return std::make_unique<OwningKernel>(std::move(k), std::move(buf));
  return k;
}

} // namespace neuron::rt
