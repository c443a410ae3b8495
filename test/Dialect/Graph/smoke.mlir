// RUN: neuron-opt %s | neuron-opt | FileCheck %s

// CHECK-LABEL: func.func @relu
func.func @relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: graph.relu %{{.*}} : tensor<2x3xf32>
  %0 = graph.relu %x : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
