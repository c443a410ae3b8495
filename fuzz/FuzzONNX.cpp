//===- FuzzONNX.cpp - libFuzzer target: binary ONNX models ----------------===//
//
// Bytes -> onnx::ModelProto -> importONNXModel (checker, shape inference,
// every op handler, weights) -> graph dialect IR -> verifier. Bytes that are
// not a ModelProto stop at protobuf parsing, as in importONNXFile.
//
//===----------------------------------------------------------------------===//
#include "FuzzONNXCommon.h"

#include "onnx/onnx_pb.h"

using namespace neuron;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  onnx::ModelProto model;
  if (!model.ParseFromArray(data, static_cast<int>(size)) || !model.has_graph())
    return 0;
  fuzz::importAndVerify(
      [&](mlir::MLIRContext &context, const ImportOptions &options) {
        return importONNXModel(model, "fuzz.onnx", fuzz::kNoModelDir, context,
                               options);
      });
  return 0;
}
