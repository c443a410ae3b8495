// RUN: neuron-opt %s -split-input-file -verify-diagnostics --neuron-partition="num-stages=0 core-memory=300" --neuron-verify-pipeline | FileCheck %s

// num-stages=0: the smallest stage count whose stages fit the cap. Weight
// bytes per op: 128, 32, 256, 32, 64. Under 300 bytes, two stages cannot
// work (160 | 352, 416 | 96, ...), three can: 160 | 256 | 96.

// CHECK-LABEL: func.func @chain
// CHECK: pipe.pipeline{{.*}} {algorithm = "chain-bisection", core_memory = 300 : i64, max_load = 256 : i64, objective = "weights", optimal = true}
// CHECK: pipe.stage 0 on core 0{{.*}} weight_bytes = 160 : i64}
// CHECK: pipe.stage 1 on core 1{{.*}} weight_bytes = 256 : i64}
// CHECK: pipe.stage 2 on core 2{{.*}} weight_bytes = 96 : i64}
// CHECK-NOT: pipe.stage

// expected-remark @+1 {{auto: 3 stages, the smallest count whose stages each hold at most 300 bytes of weights (the weights total 512 bytes; 2 stages cannot hold them)}}
func.func @chain(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w0 = graph.weight "w0" dense<1.0> : tensor<4x8xf32>
  %b0 = graph.weight "b0" dense<1.0> : tensor<8xf32>
  %w1 = graph.weight "w1" dense<1.0> : tensor<8x8xf32>
  %b1 = graph.weight "b1" dense<1.0> : tensor<8xf32>
  %w2 = graph.weight "w2" dense<1.0> : tensor<8x2xf32>
  %0 = graph.matmul %x, %w0 : (tensor<1x4xf32>, tensor<4x8xf32>) -> tensor<1x8xf32>
  %1 = graph.add %0, %b0 : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  %2 = graph.matmul %1, %w1 : (tensor<1x8xf32>, tensor<8x8xf32>) -> tensor<1x8xf32>
  %3 = graph.add %2, %b1 : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  %4 = graph.matmul %3, %w2 : (tensor<1x8xf32>, tensor<8x2xf32>) -> tensor<1x2xf32>
  return %4 : tensor<1x2xf32>
}

// -----

// Four 64-byte matmuls: 256 bytes need at least one stage per 300 bytes,
// and one stage does it.

// CHECK-LABEL: func.func @fits_one
// CHECK: pipe.stage 0 on core 0{{.*}} weight_bytes = 256 : i64}
// CHECK-NOT: pipe.stage

// expected-remark @+1 {{auto: 1 stage, the smallest count whose stages each hold at most 300 bytes of weights (the weights total 256 bytes)}}
func.func @fits_one(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w0 = graph.weight "w0" dense<1.0> : tensor<4x4xf32>
  %w1 = graph.weight "w1" dense<1.0> : tensor<4x4xf32>
  %w2 = graph.weight "w2" dense<1.0> : tensor<4x4xf32>
  %w3 = graph.weight "w3" dense<1.0> : tensor<4x4xf32>
  %0 = graph.matmul %x, %w0 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %1 = graph.matmul %0, %w1 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %2 = graph.matmul %1, %w2 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %3 = graph.matmul %2, %w3 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  return %3 : tensor<1x4xf32>
}
