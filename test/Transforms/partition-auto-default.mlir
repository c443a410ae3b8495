// RUN: neuron-opt %s -verify-diagnostics --neuron-partition=num-stages=0 --neuron-verify-pipeline | FileCheck %s

// num-stages=0 without core-memory uses the default cap, 2 MiB: 1 + 1 + 0.5
// MiB of weights need two stages, split 1 | 1.5 MiB.

// CHECK-LABEL: func.func @default_cap
// CHECK: pipe.pipeline{{.*}} {algorithm = "chain-bisection", core_memory = 2097152 : i64, max_load = 1572864 : i64, objective = "weights", optimal = true}
// CHECK: pipe.stage 0 on core 0{{.*}} weight_bytes = 1048576 : i64}
// CHECK: pipe.stage 1 on core 1{{.*}} weight_bytes = 1572864 : i64}
// CHECK-NOT: pipe.stage

// expected-remark @+1 {{auto: 2 stages, the smallest count whose stages each hold at most 2097152 bytes (the default core memory) of weights (the weights total 2621440 bytes; 1 stage cannot hold them)}}
func.func @default_cap(%x: tensor<1x512xf32>) -> tensor<1x256xf32> {
  %w0 = graph.weight "w0" dense<1.0> : tensor<512x512xf32>
  %w1 = graph.weight "w1" dense<1.0> : tensor<512x512xf32>
  %w2 = graph.weight "w2" dense<1.0> : tensor<512x256xf32>
  %0 = graph.matmul %x, %w0 : (tensor<1x512xf32>, tensor<512x512xf32>) -> tensor<1x512xf32>
  %1 = graph.matmul %0, %w1 : (tensor<1x512xf32>, tensor<512x512xf32>) -> tensor<1x512xf32>
  %2 = graph.matmul %1, %w2 : (tensor<1x512xf32>, tensor<512x256xf32>) -> tensor<1x256xf32>
  return %2 : tensor<1x256xf32>
}
