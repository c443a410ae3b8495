//===- Model.cpp - loading and running a model ----------------------------===//
#include "Stage.h"
#include "neuron/runtime/Model.h"

#include <cstring>

namespace neuron::rt {

Model::Model(Model &&) noexcept = default;
Model &Model::operator=(Model &&) noexcept = default;
Model::~Model() = default;

Model Model::load(const std::string &path, const LoadOptions &options) {
  return load(Artifact::open(path), options);
}

Model Model::load(std::shared_ptr<const Artifact> artifact, const LoadOptions &options) {
  Model m;
  m.artifact_ = std::move(artifact);
  m.options_ = options;
  if (options.backend == KernelBackend::Auto)
    m.dnnl_ = makeDnnlEnv(options.numThreads);
  for (uint32_t i = 0; i < m.artifact_->model().stages.size(); ++i) {
    m.stages_.push_back(std::make_unique<Stage>(m.artifact_, i, options, m.dnnl_));
    m.contexts_.push_back(m.stages_.back()->makeContext());
  }
  return m;
}

const std::vector<TensorDesc> &Model::inputs() const { return artifact_->model().inputs; }
const std::vector<TensorDesc> &Model::outputs() const { return artifact_->model().outputs; }
size_t Model::numStages() const { return stages_.size(); }

std::vector<std::vector<std::string>> Model::kernelBackends() const {
  std::vector<std::vector<std::string>> result;
  for (const auto &stage : stages_) {
    result.emplace_back();
    for (size_t i = 0; i < stage->desc().ops.size(); ++i)
      result.back().push_back(stage->backend(i));
  }
  return result;
}

std::vector<std::vector<std::string>> Model::kernelPlan() const {
  std::vector<std::vector<std::string>> result;
  for (const auto &stage : stages_)
    result.push_back(stage->planDescription());
  return result;
}

static std::string typeStr(DType d, const Shape &s) {
  return std::string(dtypeName(d)) + formatShape(s);
}

void Model::checkInputs(const std::vector<HostTensor> &inputs) const {
  checkModelInputs(artifact_->model(), inputs);
}

void checkModelInputs(const ModelDesc &model, const std::vector<HostTensor> &inputs) {
  const auto &expected = model.inputs;
  if (inputs.size() != expected.size())
    throw Error("model '" + model.name + "' expects " +
                std::to_string(expected.size()) + " inputs, got " +
                std::to_string(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorDesc &e = expected[i];
    const HostTensor &t = inputs[i];
    if (t.dtype() != e.type.dtype || t.shape() != e.type.shape)
      throw Error("input " + std::to_string(i) + " '" + e.name + "': expected " +
                  typeStr(e.type.dtype, e.type.shape) + ", got " +
                  typeStr(t.dtype(), t.shape()));
    if (!t.data() && t.byteSize() != 0)
      throw Error("input " + std::to_string(i) + " '" + e.name + "' has no data");
  }
}

std::vector<HostTensor> Model::run(const std::vector<HostTensor> &inputs) {
  checkInputs(inputs);
  if (dnnl_)
    enterDnnlThread(*dnnl_);
  const ModelDesc &md = artifact_->model();
  auto resolve = [&](ValueRef ref) -> const void * {
    if (ref.isPipelineInput())
      return inputs[ref.index].data();
    return contexts_[ref.stage]->output(*stages_[ref.stage], ref.index);
  };
  // At most a handful of inputs per stage: a small stack buffer would do, but
  // a vector reserved once per call keeps this simple.
  std::vector<const void *> stageIn;
  for (size_t s = 0; s < stages_.size(); ++s) {
    const StageDesc &sd = md.stages[s];
    stageIn.resize(sd.inputs.size());
    for (size_t i = 0; i < sd.inputs.size(); ++i)
      stageIn[i] = resolve(sd.inputSources[i]);
    stages_[s]->run(stageIn.data(), *contexts_[s]);
  }
  std::vector<HostTensor> outputs;
  outputs.reserve(md.outputs.size());
  for (size_t i = 0; i < md.outputs.size(); ++i) {
    const TensorType &t = md.outputs[i].type;
    outputs.push_back(HostTensor::copyOf(t.dtype, t.shape, resolve(md.outputSources[i])));
  }
  return outputs;
}

} // namespace neuron::rt
