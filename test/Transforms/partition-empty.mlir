// RUN: neuron-opt %s --neuron-partition=num-stages=1 --neuron-verify-pipeline | FileCheck %s

// A function whose body folded away (an ONNX Identity, an inference Dropout,
// a Shape of an input) still becomes one stage: each returned value goes
// through graph.identity, so the runtime has an op to run.
// CHECK-LABEL: func.func @no_ops(
// CHECK-SAME: %[[X:.+]]: tensor<1x4xf32>
// CHECK: %[[P:.+]] = pipe.pipeline(%[[X]])
// CHECK: pipe.stage 0 on core 0
// CHECK: %[[I:.+]] = graph.identity %{{.+}} : tensor<1x4xf32>
// CHECK: pipe.yield %[[I]]
// CHECK: return %[[P]]
func.func @no_ops(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}
