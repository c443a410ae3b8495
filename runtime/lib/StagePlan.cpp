//===- StagePlan.cpp - fusion, layouts, views and arena planning ----------===//
#include "StagePlan.h"

#include "Float16.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <numeric>

namespace neuron::rt {
namespace {

/// At most this many ops are fused into one kernel's post-ops.
constexpr size_t kMaxPostOps = 8;

/// A tensor of the plan.
struct PT {
  TensorType type;
  TensorKind kind = TensorKind::Arena;
  const void *fixed = nullptr;
  uint32_t inputIndex = 0;
  bool stageOutput = false;
  Layout layout = Layout::Nchw;
  int alias = -1; ///< The tensor whose bytes these are (a view).
  int producer = -1; ///< Node index; -1 for inputs, weights, constants.
};

/// One op of the program being rewritten.
struct Node {
  OpInfo info;
  std::vector<uint32_t> in, out;
  std::vector<uint32_t> sources;
  bool alive = true;
  bool viewed = false; ///< Fusion looked through a reshape of the result.
  int inPlace = -1;     ///< The tensor the result is written over (sum).
};

/// The planner could not make a kernel for a node it rewrote: plan again
/// with fewer rewrites.
struct Retry {};

std::shared_ptr<uint8_t> alignedBuffer(uint64_t bytes) {
  void *p = std::aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
  if (!p)
    throw Error("cannot allocate " + std::to_string(bytes) + " bytes for folded weights");
  return std::shared_ptr<uint8_t>(static_cast<uint8_t *>(p), [](uint8_t *q) { std::free(q); });
}

bool isViewOp(OpKind k) {
  return k == OpKind::Reshape || k == OpKind::Flatten || k == OpKind::Squeeze ||
         k == OpKind::Unsqueeze;
}

/// Ops with an NHWC form whose input 0 and output 0 share that layout.
bool isLayoutAware(OpKind k) {
  return k == OpKind::Conv || k == OpKind::MaxPool || k == OpKind::AveragePool ||
         k == OpKind::BatchNorm || k == OpKind::GlobalAveragePool;
}

bool disabled(const char *what) { return rewriteDisabled(what); }

class Planner {
public:
  Planner(const StageDesc &s, const std::vector<const void *> &fixed, DnnlEnv *dnnl,
          bool fuse, bool layouts, bool blocked)
      : s_(s), dnnl_(dnnl), fuse_(fuse && dnnl), layouts_(layouts && dnnl && !disabled("layouts")),
        blocked_(layouts_ && blocked && !disabled("blocked")) {
    for (size_t i = 0; i < s.tensors.size(); ++i) {
      const StageTensor &t = s.tensors[i];
      PT p;
      p.type = t.type;
      p.kind = t.kind;
      p.fixed = fixed[i];
      p.inputIndex = t.inputIndex;
      pt_.push_back(p);
    }
    for (uint32_t id : s.outputs)
      pt_[id].stageOutput = true;
    uses_.assign(pt_.size(), 0);
    for (size_t i = 0; i < s.ops.size(); ++i) {
      const OpDesc &op = s.ops[i];
      Node n;
      n.info.kind = op.kind;
      n.info.name = op.name;
      n.info.attrs = op.attrs;
      for (uint32_t id : op.inputs) {
        n.info.in.push_back(pt_[id].type);
        ++uses_[id];
      }
      for (uint32_t id : op.outputs) {
        n.info.out.push_back(pt_[id].type);
        pt_[id].producer = int(i);
      }
      n.info.attrs.castTo = n.info.out[0].dtype;
      if (op.kind == OpKind::Reshape)
        n.info.attrs.shape = n.info.out[0].shape;
      n.in = op.inputs;
      n.out = op.outputs;
      n.sources = {uint32_t(i)};
      nodes_.push_back(std::move(n));
    }
  }

  StagePlan run() {
    if (fuse_) {
      if (!disabled("fusion"))
        fuse();
      if (!disabled("transposes"))
        foldTransposes();
    }
    if (layouts_) {
      chooseLayouts();
      insertReorders();
    }
    if (!disabled("views"))
      makeViews();
    StagePlan plan;
    makeKernels(plan);
    planArena(plan);
    return plan;
  }

private:
  uint32_t addTensor(const TensorType &type, TensorKind kind, const void *fixed = nullptr) {
    PT p;
    p.type = type;
    p.kind = kind;
    p.fixed = fixed;
    pt_.push_back(p);
    uses_.push_back(0);
    return uint32_t(pt_.size() - 1);
  }

  std::vector<const void *> constIn(const Node &n) const {
    std::vector<const void *> c;
    for (uint32_t id : n.in)
      c.push_back(pt_[id].fixed);
    return c;
  }

  /// The implementation oneDNN picks for node n, or "" when it makes no
  /// kernel.
  std::string implementation(const Node &n) const {
    try {
      auto k = makeDnnlKernel(n.info, constIn(n), *dnnl_, /*probe=*/true);
      return k ? k->implementation() : "";
    } catch (const std::exception &) {
      return "";
    }
  }

  /// True when oneDNN makes a fast kernel for the rewritten node (its
  /// reference implementations are correct but far slower than ours).
  bool probe(const Node &n) const {
    std::string impl = implementation(n);
    return !impl.empty() && impl.rfind("ref", 0) != 0;
  }

  /// The only live consumer of tensor t, or -1.
  int soleConsumer(uint32_t t, size_t after) const {
    if (uses_[t] != 1 || pt_[t].stageOutput)
      return -1;
    for (size_t j = after + 1; j < nodes_.size(); ++j) {
      if (!nodes_[j].alive)
        continue;
      for (uint32_t id : nodes_[j].in)
        if (id == t)
          return int(j);
    }
    return -1;
  }

  /// True when every reader of t but `except` runs before node h, so that h
  /// may overwrite t.
  bool lastReadAt(uint32_t t, const Node *except, size_t h) const {
    for (size_t k = 0; k < nodes_.size(); ++k) {
      if (!nodes_[k].alive || &nodes_[k] == except)
        continue;
      for (uint32_t id : nodes_[k].in)
        if (id == t && k >= h)
          return false;
    }
    return true;
  }

  /// True when tensor t exists before node h runs.
  bool availableAt(uint32_t t, size_t h) const {
    return pt_[t].producer < 0 || pt_[t].producer < int(h);
  }

  /// Folds inference BatchNorm `bn` (consuming conv's result) into the
  /// weights and bias of `conv`: W'[o] = W[o] * s[o], b'[o] = (b[o] - mean[o])
  /// * s[o] + shift[o] with s = scale / sqrt(var + eps). Weights and
  /// parameters may be f32 or bf16 (auto-cast); W' keeps W's type (a bf16 W'
  /// is rounded once more, to nearest even), b' is f32.
  bool foldBatchNorm(Node &conv, const Node &bn) {
    auto fixedFloat = [&](uint32_t id) {
      DType d = pt_[id].type.dtype;
      return pt_[id].fixed && (d == DType::F32 || d == DType::BF16);
    };
    DType wt = conv.info.in[1].dtype;
    if (!conv.info.post.empty() || conv.info.in[0].dtype != wt || !fixedFloat(conv.in[1]) ||
        (conv.in.size() == 3 && !fixedFloat(conv.in[2])) || bn.in[0] != conv.out[0])
      return false;
    for (size_t i = 1; i < 5; ++i)
      if (!fixedFloat(bn.in[i]))
        return false;
    const Shape &w = conv.info.in[1].shape;
    int64_t oc = w[0];
    if (int64_t(numElements(bn.info.in[1].shape)) != oc)
      return false;
    uint64_t per = numElements(w) / uint64_t(oc);
    // Element i of a fixed f32 or bf16 tensor, as f32.
    auto at = [&](uint32_t id, uint64_t i) {
      const void *p = pt_[id].fixed;
      return pt_[id].type.dtype == DType::F32 ? static_cast<const float *>(p)[i]
                                               : bf16ToFloat(static_cast<const uint16_t *>(p)[i]);
    };
    bool bf16 = wt == DType::BF16;
    auto wbuf = alignedBuffer(numElements(w) * (bf16 ? 2 : 4)), bbuf = alignedBuffer(uint64_t(oc) * 4);
    float *b2 = reinterpret_cast<float *>(bbuf.get());
    for (int64_t o = 0; o < oc; ++o) {
      float sc = at(bn.in[1], o) / std::sqrt(at(bn.in[4], o) + bn.info.attrs.epsilon);
      for (uint64_t k = o * per; k < (o + 1) * per; ++k) {
        float v = at(conv.in[1], k) * sc;
        if (bf16)
          reinterpret_cast<uint16_t *>(wbuf.get())[k] = floatToBf16(v);
        else
          reinterpret_cast<float *>(wbuf.get())[k] = v;
      }
      b2[o] = ((conv.in.size() == 3 ? at(conv.in[2], o) : 0.0f) - at(bn.in[3], o)) * sc +
              at(bn.in[2], o);
    }
    owned_.push_back(wbuf);
    owned_.push_back(bbuf);
    uint32_t wid = addTensor(conv.info.in[1], TensorKind::Weight, wbuf.get());
    uint32_t bid = addTensor({DType::F32, {oc}}, TensorKind::Weight, bbuf.get());
    conv.in.resize(2);
    conv.info.in.resize(2);
    conv.in[1] = wid;
    conv.in.push_back(bid);
    conv.info.in[1] = pt_[wid].type;
    conv.info.in.push_back(pt_[bid].type);
    uses_[wid] = uses_[bid] = 1;
    return true;
  }

  /// Tries to absorb node j (the sole consumer of h's result t, possibly
  /// seen through reshapes: `viewed`) into h.
  bool absorb(Node &h, size_t hi, const Node &j, uint32_t t, bool viewed) {
    const OpInfo &ji = j.info;
    if (j.out.size() != 1 || h.info.post.size() >= kMaxPostOps)
      return false;
    if (ji.kind == OpKind::BatchNorm)
      return !viewed && h.info.kind == OpKind::Conv && foldBatchNorm(h, j);
    if (ji.kind == OpKind::Cast) {
      // bf16 <-> f32 after the op: oneDNN writes the result in the cast's
      // type (post-ops run in f32 before the conversion either way).
      // A sum post-op reads the residual it overwrites in the result's type.
      if (!isFloat(ji.out[0].dtype) || !isFloat(h.info.out[0].dtype) || h.inPlace >= 0)
        return false;
      h.info.out[0].dtype = ji.out[0].dtype;
      return true;
    }
    if (!isFloat(ji.out[0].dtype) || ji.out[0].dtype != h.info.out[0].dtype)
      return false;
    if (isUnary(ji.kind)) {
      if (ji.kind == OpKind::Identity || ji.kind == OpKind::Erf)
        return false;
      h.info.post.push_back({ji.kind, ji.attrs});
      return true;
    }
    const Shape &shape = pt_[t].type.shape;
    if (!isBinary(ji.kind) || ji.kind == OpKind::Pow || j.in.size() != 2 ||
        j.in[0] == j.in[1] || ji.out[0].shape != shape)
      return false;
    bool first = j.in[0] == t;
    uint32_t other = first ? j.in[1] : j.in[0];
    const PT &o = pt_[other];
    PostOp p;
    p.kind = ji.kind;
    p.resultFirst = first;
    int op = o.producer;
    if (o.fixed && numElements(o.type.shape) == 1 && o.type.dtype == DType::F32) {
      p.scalar = *static_cast<const float *>(o.fixed);
    } else if (h.info.kind == OpKind::Conv && ji.kind == OpKind::Add && h.inPlace < 0 &&
               o.type.shape == shape && o.type.dtype == h.info.out[0].dtype &&
               o.kind == TensorKind::Arena && !o.stageOutput && op >= 0 && op < int(hi) &&
               !isViewOp(nodes_[op].info.kind) && !viewed && lastReadAt(other, &j, hi)) {
      // A residual read only here: write the result over it and add with a
      // sum post-op (oneDNN's brgconv has no binary post-ops in 2.6).
      p.inPlace = true;
      h.inPlace = int(other);
    } else {
      p.full = o.type.shape == shape;
      // Broadcast operands are described against the kernel's own result
      // shape, which a reshape changed.
      if (!availableAt(other, hi) || !isFloat(o.type.dtype) || (viewed && !p.full))
        return false;
      p.input = int(h.in.size());
      h.in.push_back(other);
      h.info.in.push_back(o.type);
    }
    h.info.post.push_back(p);
    return true;
  }

  void fuse() {
    for (size_t hi = 0; hi < nodes_.size(); ++hi) {
      Node &h = nodes_[hi];
      OpKind k = h.info.kind;
      if (!h.alive || (k != OpKind::MatMul && k != OpKind::Gemm && k != OpKind::Conv) ||
          h.out.size() != 1 || !isFloat(h.info.out[0].dtype))
        continue;
      while (true) {
        uint32_t t = h.out[0];
        int ji = soleConsumer(t, hi);
        // Look through reshapes of the result: its bytes stay the same.
        std::vector<int> views;
        while (ji >= 0 && isViewOp(nodes_[ji].info.kind) && nodes_[ji].out.size() == 1) {
          views.push_back(ji);
          t = nodes_[ji].out[0];
          ji = soleConsumer(t, size_t(ji));
        }
        if (ji < 0)
          break;
        Node &j = nodes_[ji];
        Node grown = h;
        bool viewed = h.viewed || !views.empty();
        size_t ownedBefore = owned_.size(), tensorsBefore = pt_.size();
        if (!absorb(grown, hi, j, t, viewed) || !probe(grown)) {
          owned_.resize(ownedBefore);
          pt_.resize(tensorsBefore);
          uses_.resize(tensorsBefore);
          break;
        }
        grown.out = j.out;
        grown.viewed = viewed;
        for (int v : views) {
          grown.sources.insert(grown.sources.end(), nodes_[v].sources.begin(),
                               nodes_[v].sources.end());
          nodes_[v].alive = false;
        }
        grown.sources.insert(grown.sources.end(), j.sources.begin(), j.sources.end());
        for (uint32_t id : j.out)
          pt_[id].producer = int(hi);
        h = std::move(grown);
        j.alive = false;
      }
      if (h.inPlace >= 0 && pt_[h.out[0]].stageOutput) {
        // A stage output keeps its own buffer: add the residual as an
        // operand instead.
        Node binary = h;
        for (PostOp &p : binary.info.post)
          if (p.inPlace) {
            p.inPlace = false;
            p.full = true;
            p.input = int(binary.in.size());
            binary.in.push_back(uint32_t(h.inPlace));
            binary.info.in.push_back(pt_[h.inPlace].type);
          }
        binary.inPlace = -1;
        if (!probe(binary))
          throw Retry{};
        h = std::move(binary);
      }
      if (h.inPlace >= 0)
        pt_[h.out[0]].alias = h.inPlace;
    }
  }

  /// Row-major element strides of `shape`.
  static std::vector<int64_t> denseStrides(const Shape &shape) {
    std::vector<int64_t> st(shape.size(), 1);
    for (int i = int(shape.size()) - 2; i >= 0; --i)
      st[i] = st[i + 1] * shape[i + 1];
    return st;
  }

  static std::vector<int64_t> permOf(const Node &t) {
    std::vector<int64_t> perm = t.info.attrs.perm;
    if (perm.empty())
      for (int64_t i = int64_t(t.info.in[0].shape.size()) - 1; i >= 0; --i)
        perm.push_back(i);
    return perm;
  }

  /// Folds transposes into the strides of the MatMuls that read them (the
  /// heads of attention) or whose result they permute (the head merge).
  void foldTransposes() {
    for (size_t ni = 0; ni < nodes_.size(); ++ni) {
      if (!nodes_[ni].alive || nodes_[ni].info.kind != OpKind::MatMul)
        continue;
      for (size_t i = 0; i < 2; ++i) {
        Node &n = nodes_[ni];
        uint32_t x = n.in[i];
        int p = pt_[x].producer;
        if (p < 0 || !nodes_[p].alive || nodes_[p].info.kind != OpKind::Transpose ||
            uses_[x] != 1 || pt_[x].stageOutput || (n.in[0] == n.in[1]))
          continue;
        Node &tr = nodes_[p];
        std::vector<int64_t> perm = permOf(tr), sy = denseStrides(tr.info.in[0].shape);
        std::vector<int64_t> st(perm.size());
        for (size_t d = 0; d < perm.size(); ++d)
          st[d] = sy[perm[d]];
        Node grown = n;
        grown.in[i] = tr.in[0];
        grown.info.inStrides.resize(2);
        grown.info.inStrides[i] = st;
        if (!probe(grown))
          continue;
        grown.sources.insert(grown.sources.begin(), tr.sources.begin(), tr.sources.end());
        ++uses_[tr.in[0]];
        n = std::move(grown);
        tr.alive = false;
      }
      Node &n = nodes_[ni];
      int ti = soleConsumer(n.out[0], ni);
      if (ti < 0 || nodes_[ti].info.kind != OpKind::Transpose)
        continue;
      Node &tr = nodes_[ti];
      std::vector<int64_t> perm = permOf(tr), so = denseStrides(tr.info.out[0].shape);
      std::vector<int64_t> st(perm.size());
      for (size_t d = 0; d < perm.size(); ++d)
        st[perm[d]] = so[d];
      Node grown = n;
      grown.info.outStrides = st;
      grown.out = tr.out;
      if (!probe(grown))
        continue;
      grown.sources.insert(grown.sources.end(), tr.sources.begin(), tr.sources.end());
      pt_[tr.out[0]].producer = int(ni);
      n = std::move(grown);
      tr.alive = false;
    }
  }

  // Union-find over tensor ids, for the layout classes.
  int find(std::vector<int> &parent, int x) {
    while (parent[x] != x)
      x = parent[x] = parent[parent[x]];
    return x;
  }

  /// Chooses NHWC for the classes of 4-D activations (tensors joined by
  /// elementwise ops, which do not care about layout) that convolutions
  /// produce, unless a member is a stage input. Stage outputs in such a
  /// class get a reorder into their NCHW buffer (insertReorders).
  void chooseLayouts() {
    std::vector<int> parent(pt_.size());
    std::iota(parent.begin(), parent.end(), 0);
    auto join = [&](uint32_t a, uint32_t b) { parent[find(parent, a)] = find(parent, b); };
    std::vector<bool> flatNode(nodes_.size(), false);
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Node &n = nodes_[i];
      if (!n.alive)
        continue;
      const OpInfo &f = n.info;
      bool flat = false;
      if ((isUnary(f.kind) || f.kind == OpKind::Cast) && n.in.size() == 1 && n.out.size() == 1)
        flat = true;
      else if (isBinary(f.kind) && n.in.size() == 2 && f.in[0].shape == f.out[0].shape &&
               f.in[1].shape == f.out[0].shape)
        flat = true;
      if (flat) {
        flatNode[i] = true;
        for (uint32_t id : n.in)
          join(id, n.out[0]);
      }
      if (isLayoutAware(f.kind))
        for (const PostOp &p : f.post)
          if (p.input >= 0 && f.in[p.input].shape == f.out[0].shape)
            join(n.in[p.input], n.out[0]);
      if (n.inPlace >= 0)
        join(uint32_t(n.inPlace), n.out[0]); // One buffer, one layout.
    }
    std::map<int, bool> ok, hasConv;
    for (size_t t = 0; t < pt_.size(); ++t) {
      int c = find(parent, int(t));
      const PT &p = pt_[t];
      bool good = p.kind == TensorKind::Arena && p.type.shape.size() == 4 &&
                  isFloat(p.type.dtype) && numElements(p.type.shape) > 0;
      if (good && p.producer >= 0) {
        OpKind pk = nodes_[p.producer].info.kind;
        good = flatNode[p.producer] ||
               (isLayoutAware(pk) && pk != OpKind::GlobalAveragePool);
        if (pk == OpKind::Conv)
          hasConv[c] = true;
      } else if (good) {
        good = false;
      }
      auto it = ok.find(c);
      ok[c] = (it == ok.end() ? true : it->second) && good;
    }
    // Tensors nothing produces or consumes (dead after fusion) are in
    // classes of their own and never matter.
    for (size_t t = 0; t < pt_.size(); ++t) {
      int c = find(parent, int(t));
      pt_[t].layout = ok[c] && hasConv[c] ? Layout::Nhwc : Layout::Nchw;
    }
    if (blocked_)
      chooseBlocked(parent, flatNode);
  }

  /// True when oneDNN runs conv node n as Winograd with its input and result
  /// blocked (its fused operands in their chosen layouts).
  bool winogradWhenBlocked(const Node &n) const {
    Node t = n;
    t.info.inLayout.clear();
    for (uint32_t id : t.in)
      t.info.inLayout.push_back(pt_[id].layout);
    t.info.inLayout[0] = Layout::Blocked;
    t.info.outLayout = {Layout::Blocked};
    return implementation(t).find("wino") != std::string::npos;
  }

  /// Turns NHWC classes that Winograd convolutions read into blocked
  /// (nChw16c) ones when every member can be written in that layout (by a
  /// Winograd convolution, a pool or an elementwise op of the class) and none
  /// is a fused op's operand: the Winograd kernels then read and write them
  /// without their staging reorders. Other readers get a reorder.
  void chooseBlocked(std::vector<int> &parent, const std::vector<bool> &flatNode) {
    winograd_.assign(nodes_.size(), false);
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Node &n = nodes_[i];
      if (n.alive && n.info.kind == OpKind::Conv && n.out.size() == 1 &&
          n.info.in[0].dtype == DType::F32 && n.info.out[0].dtype == DType::F32)
        winograd_[i] = winogradWhenBlocked(n);
    }
    std::map<int, bool> can, read;
    auto member = [&](uint32_t t) { return pt_[t].layout == Layout::Nhwc; };
    for (size_t t = 0; t < pt_.size(); ++t) {
      if (!member(uint32_t(t)))
        continue;
      const PT &p = pt_[t];
      int c = find(parent, int(t));
      bool good = p.type.dtype == DType::F32 && p.type.shape[1] % 16 == 0 && !p.stageOutput &&
                  p.producer >= 0;
      if (good && !flatNode[p.producer]) {
        OpKind k = nodes_[p.producer].info.kind;
        good = k == OpKind::MaxPool || k == OpKind::AveragePool ||
               (k == OpKind::Conv && winograd_[p.producer]);
      }
      auto it = can.find(c);
      can[c] = (it == can.end() ? true : it->second) && good;
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Node &n = nodes_[i];
      if (!n.alive)
        continue;
      for (size_t k = 0; k < n.in.size(); ++k) {
        if (!member(n.in[k]))
          continue;
        int c = find(parent, int(n.in[k]));
        if (k == 0 && winograd_[i])
          read[c] = true;
        for (const PostOp &p : n.info.post)
          if (p.input == int(k))
            can[c] = false;
      }
    }
    for (size_t t = 0; t < pt_.size(); ++t) {
      int c = find(parent, int(t));
      if (member(uint32_t(t)) && can[c] && read[c])
        pt_[t].layout = Layout::Blocked;
    }
  }

  /// A reorder (Identity between layouts) copying `from` into `to`, each in
  /// its chosen layout.
  Node reorderNode(uint32_t from, uint32_t to) const {
    Node r;
    r.info.kind = OpKind::Identity;
    r.info.name = "reorder";
    r.info.in = r.info.out = {pt_[from].type};
    r.info.attrs.castTo = pt_[from].type.dtype;
    r.info.inLayout = {pt_[from].layout};
    r.info.outLayout = {pt_[to].layout};
    r.in = {from};
    r.out = {to};
    return r;
  }

  /// Sets each node's layouts and inserts reorders where a tensor's layout
  /// is not the one its consumer reads.
  void insertReorders() {
    std::vector<Node> out;
    std::map<std::pair<uint32_t, Layout>, uint32_t> converted; // (tensor, layout) -> copy
    std::vector<int> remap(nodes_.size(), -1);
    auto convert = [&](uint32_t id, Layout layout) -> uint32_t {
      if (pt_[id].layout == layout)
        return id;
      auto key = std::make_pair(id, layout);
      auto it = converted.find(key);
      if (it != converted.end())
        return it->second;
      uint32_t copy = addTensor(pt_[id].type, TensorKind::Arena);
      pt_[copy].layout = layout;
      pt_[copy].producer = int(out.size());
      out.push_back(reorderNode(id, copy));
      converted[key] = copy;
      return copy;
    };
    std::map<uint32_t, uint32_t> renamed; // NCHW stage output -> NHWC / blocked copy
    for (size_t i = 0; i < nodes_.size(); ++i) {
      Node n = nodes_[i];
      if (!n.alive)
        continue;
      for (uint32_t &id : n.in)
        if (auto it = renamed.find(id); it != renamed.end())
          id = it->second;
      std::vector<std::pair<uint32_t, uint32_t>> outputCopies;
      for (uint32_t &id : n.out)
        if (pt_[id].stageOutput && pt_[id].layout != Layout::Nchw && pt_[id].alias < 0) {
          uint32_t tmp = addTensor(pt_[id].type, TensorKind::Arena);
          pt_[tmp].layout = pt_[id].layout;
          pt_[id].layout = Layout::Nchw;
          renamed[id] = tmp;
          outputCopies.push_back({tmp, id});
          id = tmp;
        }
      OpInfo &f = n.info;
      if (isLayoutAware(f.kind)) {
        // Computes in the layout of its input for a global pool (its [N, C,
        // 1, 1] result has the same bytes either way: blocked tensors have
        // whole blocks of 16 channels), else of its result; a Winograd
        // convolution reads its input in any layout.
        Layout L = f.kind == OpKind::GlobalAveragePool ? pt_[n.in[0]].layout
                                                       : pt_[n.out[0]].layout;
        bool anyIn = i < winograd_.size() && winograd_[i];
        if ((f.kind == OpKind::MaxPool || f.kind == OpKind::AveragePool) &&
            L == Layout::Blocked && pt_[n.in[0]].layout != Layout::Blocked) {
          // Pool in its input's layout and reorder the (smaller) result.
          L = pt_[n.in[0]].layout;
          uint32_t tmp = addTensor(pt_[n.out[0]].type, TensorKind::Arena);
          pt_[tmp].layout = L;
          outputCopies.push_back({tmp, n.out[0]});
          n.out[0] = tmp;
        }
        if (!anyIn)
          n.in[0] = convert(n.in[0], L);
        f.inLayout.assign(n.in.size(), Layout::Nchw);
        f.inLayout[0] = pt_[n.in[0]].layout;
        for (const PostOp &p : f.post)
          if (p.input >= 0)
            f.inLayout[p.input] = pt_[n.in[p.input]].layout;
        f.outLayout = {L};
        if (f.kind == OpKind::GlobalAveragePool)
          pt_[n.out[0]].layout = Layout::Nchw; // Same bytes: readers take it as NCHW.
      } else {
        bool flat = (isUnary(f.kind) || f.kind == OpKind::Cast) && n.in.size() == 1;
        flat = flat || (isBinary(f.kind) && n.in.size() == 2 && f.in[0].shape == f.out[0].shape &&
                        f.in[1].shape == f.out[0].shape);
        if (flat && !n.out.empty() && pt_[n.out[0]].layout != Layout::Nchw) {
          // Same class: same layout throughout; a reorder (Cast) needs to know it.
          f.inLayout.assign(n.in.size(), pt_[n.out[0]].layout);
          f.outLayout = {pt_[n.out[0]].layout};
        } else {
          for (uint32_t &id : n.in)
            if (pt_[id].layout != Layout::Nchw)
              id = convert(id, Layout::Nchw);
        }
      }
      for (uint32_t id : n.out)
        pt_[id].producer = int(out.size());
      out.push_back(std::move(n));
      for (auto [tmp, id] : outputCopies) {
        // The stage output itself stays NCHW for the next stage / caller (a
        // blocked pool result: blocked).
        converted[{tmp, pt_[id].layout}] = id;
        pt_[id].producer = int(out.size());
        out.push_back(reorderNode(tmp, id));
      }
    }
    nodes_ = std::move(out);
  }

  uint32_t root(uint32_t id) const {
    while (pt_[id].alias >= 0)
      id = uint32_t(pt_[id].alias);
    return id;
  }

  /// Reshape-like ops become views of their input.
  void makeViews() {
    for (Node &n : nodes_) {
      if (!n.alive || !isViewOp(n.info.kind) || n.in.empty() || n.out.size() != 1)
        continue;
      uint32_t x = n.in[0], y = n.out[0];
      uint32_t r = root(x);
      if (pt_[x].layout != Layout::Nchw || pt_[y].layout != Layout::Nchw)
        continue;
      // A stage output must not point into the previous stage's buffers,
      // which the pipeline recycles once this stage has run.
      if (pt_[r].kind == TensorKind::Input && pt_[y].stageOutput)
        continue;
      pt_[y].alias = int(x);
      n.alive = false;
      for (uint32_t src : n.sources)
        viewOps_.push_back(src);
    }
  }

  void makeKernels(StagePlan &plan) {
    plan.opBackend.assign(s_.ops.size(), "reference");
    for (uint32_t v : viewOps_)
      plan.opBackend[v] = "view";
    for (Node &n : nodes_) {
      if (!n.alive)
        continue;
      bool rewritten = !n.info.post.empty();
      for (Layout l : n.info.inLayout)
        rewritten = rewritten || l != Layout::Nchw;
      for (Layout l : n.info.outLayout)
        rewritten = rewritten || l != Layout::Nchw;
      std::unique_ptr<Kernel> kernel;
      if (dnnl_) {
        try {
          kernel = makeDnnlKernel(n.info, constIn(n), *dnnl_);
        } catch (const std::exception &) {
          kernel = nullptr; // oneDNN may reject an unusual configuration.
        }
      }
      if (!kernel && rewritten)
        throw Retry{};
      if (!kernel)
        kernel = makeReferenceKernel(n.info);
      for (uint32_t src : n.sources)
        plan.opBackend[src] = kernel->backend();
      PlanStep step;
      step.kernel = std::move(kernel);
      step.inputs = n.in;
      step.outputs = n.out;
      step.sources = n.sources;
      for (size_t i = 0; i < n.sources.size(); ++i)
        step.label += (i ? "+" : "") + std::string(opKindName(s_.ops[n.sources[i]].kind));
      if (n.sources.empty())
        step.label = n.info.kind == OpKind::Identity ? "reorder" : opKindName(n.info.kind);
      Layout out = n.info.layoutOut(0);
      if (out == Layout::Nhwc)
        step.label += " [nhwc]";
      else if (out == Layout::Blocked)
        step.label += " [blocked]";
      plan.steps.push_back(std::move(step));
    }
  }

  /// Lifetime-based first-fit over the tensors the program still uses.
  void planArena(StagePlan &plan) {
    size_t n = pt_.size();
    std::vector<int> first(n, INT_MAX), last(n, -1);
    auto touch = [&](uint32_t id, int step) {
      uint32_t r = root(id);
      first[r] = std::min(first[r], step);
      last[r] = std::max(last[r], step);
    };
    for (size_t i = 0; i < plan.steps.size(); ++i) {
      for (uint32_t id : plan.steps[i].inputs)
        touch(id, int(i));
      for (uint32_t id : plan.steps[i].outputs)
        touch(id, int(i));
    }
    for (uint32_t id : s_.outputs)
      touch(id, INT_MAX - 1);
    struct Item {
      uint32_t id;
      uint64_t size;
    };
    std::vector<Item> items;
    for (uint32_t t = 0; t < n; ++t)
      if (pt_[t].kind == TensorKind::Arena && pt_[t].alias < 0 && last[t] >= 0)
        items.push_back({t, (numElements(pt_[t].type.shape) * dtypeSize(pt_[t].type.dtype) + 63) /
                                64 * 64});
    std::stable_sort(items.begin(), items.end(),
                     [](const Item &a, const Item &b) { return a.size > b.size; });
    std::vector<uint64_t> offset(n, 0);
    std::vector<Item> placed;
    uint64_t total = 0;
    for (const Item &it : items) {
      std::vector<std::pair<uint64_t, uint64_t>> busy;
      for (const Item &p : placed)
        if (first[p.id] <= last[it.id] && first[it.id] <= last[p.id])
          busy.push_back({offset[p.id], offset[p.id] + p.size});
      std::sort(busy.begin(), busy.end());
      uint64_t at = 0;
      for (const auto &[b, e] : busy) {
        if (at + it.size <= b)
          break;
        at = std::max(at, e);
      }
      offset[it.id] = at;
      total = std::max(total, at + it.size);
      placed.push_back(it);
    }
    plan.arenaSize = total;
    plan.slots.resize(n);
    for (uint32_t t = 0; t < n; ++t) {
      PlanSlot &sl = plan.slots[t];
      const PT &p = pt_[t];
      if (p.alias >= 0) {
        sl.where = PlanSlot::Alias;
        sl.aliasOf = root(t);
      } else if (p.kind == TensorKind::Input) {
        sl.where = PlanSlot::Input;
        sl.inputIndex = p.inputIndex;
      } else if (p.kind == TensorKind::Arena) {
        sl.where = PlanSlot::Arena;
        sl.offset = offset[t];
      } else {
        sl.where = PlanSlot::Fixed;
        sl.fixed = p.fixed;
      }
    }
    plan.owned = owned_;
  }

  const StageDesc &s_;
  DnnlEnv *dnnl_;
  bool fuse_, layouts_, blocked_;
  /// Per node (before insertReorders): a Winograd convolution, which reads
  /// and writes any layout (it stages what is not its own blocked one).
  std::vector<bool> winograd_;
  std::vector<PT> pt_;
  std::vector<int> uses_;
  std::vector<Node> nodes_;
  std::vector<std::shared_ptr<uint8_t>> owned_;
  std::vector<uint32_t> viewOps_;
};

} // namespace

StagePlan planStage(const StageDesc &s, const std::vector<const void *> &fixed, DnnlEnv *dnnl) {
  // A rewrite oneDNN turns down at the last moment falls back to a plan
  // with fewer rewrites rather than failing the load.
  // (fuse, layouts, blocked layouts)
  const bool attempts[][3] = {
      {true, true, true}, {true, true, false}, {true, false, false}, {false, false, false}};
  for (const auto &a : attempts) {
    try {
      return Planner(s, fixed, dnnl, a[0], a[1], a[2]).run();
    } catch (const Retry &) {
    }
  }
  throw Error("stage " + std::to_string(s.index) + ": no kernel plan could be made");
}

} // namespace neuron::rt
