// RUN: neuron-opt %s -split-input-file -verify-diagnostics

// Verifier errors of reduce_mean, reduce_sum and reduce_max.

func.func @reduce_axis_range(%x: tensor<2x8xf32>) -> tensor<2x1xf32> {
  // expected-error @+2 {{reduction axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.reduce_mean %x {axes = array<i64: 2>} : tensor<2x8xf32> -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_axis_negative_range(%x: tensor<2x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+2 {{reduction axis -3 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.reduce_max %x {axes = array<i64: -3>} : tensor<2x8xf32> -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

// -1 and 1 name the same axis of a rank-2 tensor.
func.func @reduce_axis_twice(%x: tensor<2x8xi64>) -> tensor<2x1xi64> {
  // expected-error @+2 {{reduction axis -1 is listed twice}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.reduce_sum %x {axes = array<i64: 1, -1>} : tensor<2x8xi64> -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

func.func @reduce_keepdims_result(%x: tensor<2x8xf32>) -> tensor<2x1xf32> {
  // expected-error @+2 {{inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<2x1xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : tensor<2x8xf32> -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_bool(%x: tensor<2x8xi1>) -> tensor<1x1xi1> {
  // expected-error @+1 {{'graph.reduce_max' op operand #0 must be statically shaped tensor of}}
  %0 = graph.reduce_max %x : tensor<2x8xi1> -> tensor<1x1xi1>
  return %0 : tensor<1x1xi1>
}
