// RUN: neuron-opt %s -verify-diagnostics --neuron-partition="num-stages=0 core-memory=200"

// auto fails when even one op per stage leaves an op over the cap.

// expected-error @+1 {{no stage count fits the per-core weight cap of 200 bytes, even one op per stage (2 stages): node 'big' alone needs 256 bytes, over the per-core cap of 200 bytes; raise the cap to at least 1M (neuron-cc --core-memory 1M, the pass's core-memory option)}}
func.func @op_over_cap(%x: tensor<1x4xf32>) -> tensor<1x16xf32> {
  %w = graph.weight "w" dense<1.0> : tensor<4x16xf32>
  %0 = graph.matmul %x, %w : (tensor<1x4xf32>, tensor<4x16xf32>) -> tensor<1x16xf32> loc("big")
  %1 = graph.tanh %0 : tensor<1x16xf32>
  return %1 : tensor<1x16xf32>
}
