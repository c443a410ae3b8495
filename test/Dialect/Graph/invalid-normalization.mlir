// RUN: neuron-opt %s -split-input-file -verify-diagnostics

// Verifier errors of batch_norm, layer_norm, softmax and the pooling ops.

func.func @batch_norm_rank(%x: tensor<4xf32>, %s: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{input must have rank 2 or more}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.batch_norm %x, %s, %s, %s, %s : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @batch_norm_channels(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %m: tensor<3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{scale, bias, mean and var must be 1-D of size 4, got 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.batch_norm %x, %s, %s, %m, %s : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @batch_norm_param_rank(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %v: tensor<1x4xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{scale, bias, mean and var must be 1-D of size 4, got 'tensor<1x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.batch_norm %x, %s, %s, %s, %v : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<1x4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @layer_norm_axis(%x: tensor<2x8xf32>, %g: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.layer_norm %x, %g {axis = 2 : i64} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @layer_norm_scale_shape(%x: tensor<2x8x16xf32>, %g: tensor<16xf32>) -> tensor<2x8x16xf32> {
  // expected-error @+2 {{scale and bias must have the normalized shape of the input, got 'tensor<16xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.layer_norm %x, %g {axis = -2 : i64} : (tensor<2x8x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  return %0 : tensor<2x8x16xf32>
}

// -----

func.func @layer_norm_bias_shape(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %b: tensor<1x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{scale and bias must have the normalized shape of the input, got 'tensor<1x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.layer_norm %x, %g, %b : (tensor<2x8xf32>, tensor<8xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @layer_norm_element_type(%x: tensor<2x8xf32>, %g: tensor<8xf16>) -> tensor<2x8xf32> {
  // expected-error @+2 {{scale and bias must have the element type of the input, got 'tensor<8xf16>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.layer_norm %x, %g : (tensor<2x8xf32>, tensor<8xf16>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @softmax_axis(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'graph.softmax' op axis -3 is out of range for rank 2}}
  %0 = graph.softmax %x {axis = -3 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @softmax_scalar(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'graph.softmax' op axis -1 is out of range for rank 0}}
  %0 = graph.softmax %x : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @pool_rank(%x: tensor<1x3x8xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+2 {{expected a 4-D NCHW input, got rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2>} : tensor<1x3x8xf32> -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @pool_attribute_sizes(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  // expected-error @+2 {{expected 2 kernel_shape, strides and dilations values and 4 pads, got 2, 1, 2 and 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2>} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

func.func @pool_negative_pads(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x7x7xf32> {
  // expected-error @+2 {{pads must be non-negative}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, -1>} : tensor<1x3x8x8xf32> -> tensor<1x3x7x7xf32>
  return %0 : tensor<1x3x7x7xf32>
}

// -----

func.func @pool_kernel_zero(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
  // expected-error @+2 {{kernel_shape, strides and dilations must be positive}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 0, 1>} : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  return %0 : tensor<1x3x8x8xf32>
}

// -----

func.func @pool_stride_negative(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
  // expected-error @+2 {{kernel_shape, strides and dilations must be positive}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.average_pool %x {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, -1>} : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  return %0 : tensor<1x3x8x8xf32>
}

// -----

func.func @pool_window_too_large(%x: tensor<1x3x8x4xf32>) -> tensor<1x3x4x1xf32> {
  // expected-error @+2 {{window of size 5 (stride 1, dilation 1) does not fit spatial dimension 1 of size 4 with its padding}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 5, 5>} : tensor<1x3x8x4xf32> -> tensor<1x3x4x1xf32>
  return %0 : tensor<1x3x4x1xf32>
}

// -----

func.func @pool_missing_kernel(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
  // expected-error @+1 {{'graph.max_pool' op requires attribute 'kernel_shape'}}
  %0 = graph.max_pool %x : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  return %0 : tensor<1x3x8x8xf32>
}

// -----

// Without ceil_mode: floor((7 - 2) / 2) + 1 = 3.
func.func @pool_floor_result(%x: tensor<1x1x7x7xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+2 {{inferred type(s) 'tensor<1x1x3x3xf32>' are incompatible with return type(s) of operation 'tensor<1x1x4x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x1x7x7xf32> -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @pool_integer(%x: tensor<1x3x8x8xi32>) -> tensor<1x3x4x4xi32> {
  // expected-error @+1 {{'graph.max_pool' op operand #0 must be statically shaped tensor of 32-bit float or bfloat16 type or 16-bit float values}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x3x8x8xi32> -> tensor<1x3x4x4xi32>
  return %0 : tensor<1x3x4x4xi32>
}

// -----

func.func @global_average_pool_rank(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{input must have rank 3 or more, got 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.global_average_pool %x : tensor<2x8xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
