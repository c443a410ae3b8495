// RUN: neuron-opt %s | neuron-opt | FileCheck %s

// batch_norm, layer_norm, softmax and the pooling ops.

// CHECK-LABEL: func.func @batch_norm
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[S:.+]]: tensor<4xf32>, %[[B:.+]]: tensor<4xf32>, %[[M:.+]]: tensor<4xf32>, %[[V:.+]]: tensor<4xf32>, %[[Y:.+]]: tensor<3x4xf32>)
func.func @batch_norm(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %y: tensor<3x4xf32>)
    -> (tensor<1x4x8x8xf32>, tensor<3x4xf32>) {
  // CHECK: graph.batch_norm %[[X]], %[[S]], %[[B]], %[[M]], %[[V]] {epsilon = 1.000000e-03 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %0 = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-3 : f32}
      : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  // Rank 2 (BatchNorm1d on [N, C]); the default epsilon is elided.
  // CHECK: graph.batch_norm %[[Y]], %[[S]], %[[B]], %[[M]], %[[V]] : (tensor<3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %1 = graph.batch_norm %y, %s, %b, %m, %v
      : (tensor<3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  return %0, %1 : tensor<1x4x8x8xf32>, tensor<3x4xf32>
}

// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.+]]: tensor<2x8x16xf32>, %[[G:.+]]: tensor<16xf32>, %[[B:.+]]: tensor<16xf32>, %[[G2:.+]]: tensor<8x16xf32>)
func.func @layer_norm(%x: tensor<2x8x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>, %g2: tensor<8x16xf32>)
    -> (tensor<2x8x16xf32>, tensor<2x8x16xf32>) {
  // CHECK: graph.layer_norm %[[X]], %[[G]], %[[B]] : (tensor<2x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  %0 = graph.layer_norm %x, %g, %b {axis = -1 : i64} : (tensor<2x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  // Normalizing over the last two dimensions, without a bias.
  // CHECK: graph.layer_norm %[[X]], %[[G2]] {axis = 1 : i64, epsilon = 9.99999997E-7 : f32} : (tensor<2x8x16xf32>, tensor<8x16xf32>) -> tensor<2x8x16xf32>
  %1 = graph.layer_norm %x, %g2 {axis = 1 : i64, epsilon = 1.0e-6 : f32} : (tensor<2x8x16xf32>, tensor<8x16xf32>) -> tensor<2x8x16xf32>
  return %0, %1 : tensor<2x8x16xf32>, tensor<2x8x16xf32>
}

// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: tensor<2x8xf32>, %y: tensor<4xbf16>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<4xbf16>) {
  // CHECK: graph.softmax %{{.+}} : tensor<2x8xf32>
  %0 = graph.softmax %x : tensor<2x8xf32>
  // CHECK: graph.softmax %{{.+}} {axis = 0 : i64} : tensor<2x8xf32>
  %1 = graph.softmax %x {axis = 0 : i64} : tensor<2x8xf32>
  // An explicit default axis is elided.
  // CHECK: graph.softmax %{{.+}} : tensor<4xbf16>
  %2 = graph.softmax %y {axis = -1 : i64} : tensor<4xbf16>
  return %0, %1, %2 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<4xbf16>
}

// CHECK-LABEL: func.func @max_pool
func.func @max_pool(%x: tensor<1x3x8x8xf32>) -> (tensor<1x3x4x4xf32>, tensor<1x3x8x8xf32>) {
  // CHECK: graph.max_pool %{{.+}} {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  // CHECK: graph.max_pool %{{.+}} {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %1 = graph.max_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  return %0, %1 : tensor<1x3x4x4xf32>, tensor<1x3x8x8xf32>
}

// H: 7 with window 2 stride 2 is floor(5 / 2) + 1 = 3 windows, ceil(5 / 2) + 1
// = 4 with ceil_mode; the 4th starts at 6, inside the input.
// W: 5 padded by 1 on both sides is ceil(5 / 2) + 1 = 4 with ceil_mode, but
// the 4th window would start at 6, in the trailing padding (input + leading
// pad = 6), so it is dropped as in ONNX and PyTorch: 3.
// CHECK-LABEL: func.func @max_pool_ceil_mode
func.func @max_pool_ceil_mode(%x: tensor<1x1x7x5xf32>) -> (tensor<1x1x4x3xf32>, tensor<1x1x3x3xf32>) {
  // CHECK: graph.max_pool %{{.+}} {ceil_mode = true, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 1, 0, 1>, strides = array<i64: 2, 2>} : tensor<1x1x7x5xf32> -> tensor<1x1x4x3xf32>
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 1, 0, 1>, ceil_mode = true}
      : tensor<1x1x7x5xf32> -> tensor<1x1x4x3xf32>
  // CHECK: graph.max_pool %{{.+}} {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 1, 0, 1>, strides = array<i64: 2, 2>} : tensor<1x1x7x5xf32> -> tensor<1x1x3x3xf32>
  %1 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 1, 0, 1>, ceil_mode = false}
      : tensor<1x1x7x5xf32> -> tensor<1x1x3x3xf32>
  return %0, %1 : tensor<1x1x4x3xf32>, tensor<1x1x3x3xf32>
}

// A dilated 3x3 window spans 5: (9 - 5) / 1 + 1 = 5.
// CHECK-LABEL: func.func @average_pool
func.func @average_pool(%x: tensor<1x2x9x9xf16>) -> (tensor<1x2x9x9xf16>, tensor<1x2x5x5xf16>) {
  // CHECK: graph.average_pool %{{.+}} {count_include_pad = true, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x2x9x9xf16> -> tensor<1x2x9x9xf16>
  %0 = graph.average_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true}
      : tensor<1x2x9x9xf16> -> tensor<1x2x9x9xf16>
  // CHECK: graph.average_pool %{{.+}} {dilations = array<i64: 2, 2>, kernel_shape = array<i64: 3, 3>} : tensor<1x2x9x9xf16> -> tensor<1x2x5x5xf16>
  %1 = graph.average_pool %x {kernel_shape = array<i64: 3, 3>, dilations = array<i64: 2, 2>}
      : tensor<1x2x9x9xf16> -> tensor<1x2x5x5xf16>
  return %0, %1 : tensor<1x2x9x9xf16>, tensor<1x2x5x5xf16>
}

// CHECK-LABEL: func.func @global_average_pool
func.func @global_average_pool(%x: tensor<1x8x7x7xf32>, %y: tensor<2x4x10xf32>) -> (tensor<1x8x1x1xf32>, tensor<2x4x1xf32>) {
  // CHECK: graph.global_average_pool %{{.+}} : tensor<1x8x7x7xf32> -> tensor<1x8x1x1xf32>
  %0 = graph.global_average_pool %x : tensor<1x8x7x7xf32> -> tensor<1x8x1x1xf32>
  // CHECK: graph.global_average_pool %{{.+}} : tensor<2x4x10xf32> -> tensor<2x4x1xf32>
  %1 = graph.global_average_pool %y : tensor<2x4x10xf32> -> tensor<2x4x1xf32>
  return %0, %1 : tensor<1x8x1x1xf32>, tensor<2x4x1xf32>
}
