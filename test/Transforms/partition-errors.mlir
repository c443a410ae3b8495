// RUN: neuron-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect --neuron-partition="num-stages=3 core-memory=130"

// More stages than ops.

// expected-error @+1 {{cannot split 2 ops into 3 stages: every stage needs at least one op}}
func.func @too_many_stages(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = graph.relu %x : tensor<1x4xf32>
  %1 = graph.tanh %0 : tensor<1x4xf32>
  return %1 : tensor<1x4xf32>
}

// -----

// One op's weights (4 x 16 x 4 = 256 bytes) exceed the cap on their own.

// expected-error @+1 {{cannot partition into 3 stages with a per-core weight cap of 130 bytes: node 'big' alone needs 256 bytes, over the per-core cap of 130 bytes}}
func.func @op_over_cap(%x: tensor<1x4xf32>) -> tensor<1x16xf32> {
  %w = graph.weight "w" dense<1.0> : tensor<4x16xf32>
  %0 = graph.relu %x : tensor<1x4xf32>
  %1 = graph.matmul %0, %w : (tensor<1x4xf32>, tensor<4x16xf32>) -> tensor<1x16xf32> loc("big")
  %2 = graph.tanh %1 : tensor<1x16xf32>
  return %2 : tensor<1x16xf32>
}

// -----

// Weight bytes 80, 64, 64, 64, 80: every op fits 130 bytes, but the first
// and last gemm must be alone, which leaves 192 bytes for the middle stage.

// expected-error @+1 {{cannot partition into 3 stages with a per-core weight cap of 130 bytes: no split into 3 contiguous stages keeps every stage within the per-core cap of 130 bytes}}
func.func @no_contiguous_split(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w = graph.weight "w" dense<1.0> : tensor<4x4xf32>
  %b = graph.weight "b" dense<1.0> : tensor<4xf32>
  %w1 = graph.weight "w1" dense<1.0> : tensor<4x4xf32>
  %w2 = graph.weight "w2" dense<1.0> : tensor<4x4xf32>
  %w3 = graph.weight "w3" dense<1.0> : tensor<4x4xf32>
  %v = graph.weight "v" dense<1.0> : tensor<4x4xf32>
  %c = graph.weight "c" dense<1.0> : tensor<4xf32>
  %0 = graph.gemm %x, %w, %b : (tensor<1x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %1 = graph.matmul %0, %w1 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %2 = graph.matmul %1, %w2 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %3 = graph.matmul %2, %w3 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %4 = graph.gemm %3, %v, %c : (tensor<1x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return %4 : tensor<1x4xf32>
}

// -----

// expected-error @+1 {{cannot partition a function with 2 blocks; expected one}}
func.func @two_blocks(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  "test.br"() [^bb1] : () -> ()
^bb1:
  return %x : tensor<1x4xf32>
}
