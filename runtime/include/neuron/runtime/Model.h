//===- Model.h - loading and running an artifact ----------------*- C++ -*-===//
#ifndef NEURON_RUNTIME_MODEL_H
#define NEURON_RUNTIME_MODEL_H

#include "neuron/runtime/Artifact.h"
#include "neuron/runtime/HostTensor.h"

#include <memory>
#include <string>
#include <vector>

namespace neuron::rt {

/// Which kernels implement the ops.
enum class KernelBackend {
  /// oneDNN primitives where one exists for the op and dtype, reference
  /// kernels elsewhere (the default).
  Auto,
  /// Plain C++ loops for every op (the oracle the tests compare against).
  Reference,
};

/// Options fixed at load time.
struct LoadOptions {
  KernelBackend backend = KernelBackend::Auto;
  /// Threads oneDNN may use per stage worker. The default, 1, is what a
  /// NeuronCore is: one CPU. 0 means the OpenMP default (every CPU), which
  /// oversubscribes the machine as soon as anything else runs on it.
  int numThreads = 1;
};

/// Checks `inputs` against the interface of `model`; throws Error naming
/// the first mismatch (count, dtype or shape, expected vs got).
void checkModelInputs(const ModelDesc &model, const std::vector<HostTensor> &inputs);

class Stage;
struct StageContext;
struct DnnlEnv;

/// A loaded model: verified artifact, prepared kernels for every stage, and
/// one activation arena per stage. `run` executes a request stage after stage
/// on the calling thread. Not thread-safe: one request at a time.
class Model {
public:
  /// Maps, verifies and prepares `path`.
  static Model load(const std::string &path, const LoadOptions &options = {});
  /// Prepares an already loaded artifact.
  static Model load(std::shared_ptr<const Artifact> artifact,
                    const LoadOptions &options = {});

  Model(Model &&) noexcept;
  Model &operator=(Model &&) noexcept;
  ~Model();

  /// The pipeline inputs, in the order run() expects them.
  const std::vector<TensorDesc> &inputs() const;
  /// The pipeline outputs, in the order run() returns them.
  const std::vector<TensorDesc> &outputs() const;
  const Artifact &artifact() const { return *artifact_; }
  /// Number of stages.
  size_t numStages() const;
  /// The kernel backend chosen for each op of each stage ("onednn",
  /// "reference", or "view" for a reshape that became an alias), for tools
  /// and tests.
  std::vector<std::vector<std::string>> kernelBackends() const;
  /// Per stage, one line per kernel after load-time planning: the ops it
  /// computes joined by '+' (fusion), " [nhwc]" for channels-last, and its
  /// backend and oneDNN implementation, e.g. "conv+batch_norm+relu [nhwc]
  /// (onednn brgconv:avx512_core)".
  std::vector<std::vector<std::string>> kernelPlan() const;

  /// Runs one request. Each input must match inputs() in dtype and shape;
  /// they are read in place (never copied or written). Returns owned outputs.
  std::vector<HostTensor> run(const std::vector<HostTensor> &inputs);

  /// Checks `inputs` against inputs(); throws Error naming the first
  /// mismatch (count, dtype or shape, expected vs got).
  void checkInputs(const std::vector<HostTensor> &inputs) const;

private:
  Model() = default;
  std::shared_ptr<const Artifact> artifact_;
  std::vector<std::unique_ptr<Stage>> stages_;
  std::vector<std::unique_ptr<StageContext>> contexts_;
  std::shared_ptr<DnnlEnv> dnnl_;
  LoadOptions options_;
};

} // namespace neuron::rt

#endif // NEURON_RUNTIME_MODEL_H
