// RUN: neuron-opt %s | neuron-opt | FileCheck %s

// matmul (numpy batching and 1-D promotion), gemm and conv.

// CHECK-LABEL: func.func @matmul_2d
// CHECK-SAME: (%[[A:.+]]: tensor<4x16xf32>, %[[B:.+]]: tensor<16x32xf32>)
func.func @matmul_2d(%a: tensor<4x16xf32>, %b: tensor<16x32xf32>) -> tensor<4x32xf32> {
  // CHECK: %[[R:.+]] = graph.matmul %[[A]], %[[B]] : (tensor<4x16xf32>, tensor<16x32xf32>) -> tensor<4x32xf32>
  %0 = graph.matmul %a, %b : (tensor<4x16xf32>, tensor<16x32xf32>) -> tensor<4x32xf32>
  // CHECK: return %[[R]]
  return %0 : tensor<4x32xf32>
}

// Batch dimensions broadcast: [2, 1] against [3] is [2, 3].
// CHECK-LABEL: func.func @matmul_batch_broadcast
func.func @matmul_batch_broadcast(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>, %c: tensor<8x4x16xf16>, %d: tensor<16x32xf16>)
    -> (tensor<2x3x4x5xf32>, tensor<8x4x32xf16>) {
  // CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  %0 = graph.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  // CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<8x4x16xf16>, tensor<16x32xf16>) -> tensor<8x4x32xf16>
  %1 = graph.matmul %c, %d : (tensor<8x4x16xf16>, tensor<16x32xf16>) -> tensor<8x4x32xf16>
  return %0, %1 : tensor<2x3x4x5xf32>, tensor<8x4x32xf16>
}

// A 1-D lhs is [1, K] and a 1-D rhs is [K, 1]; the added dimension is
// dropped from the result, so vector x vector is a rank-0 tensor.
// CHECK-LABEL: func.func @matmul_vector
func.func @matmul_vector(%v: tensor<8xf32>, %m: tensor<2x8x5xf32>, %n: tensor<3x4x8xf32>)
    -> (tensor<2x5xf32>, tensor<3x4xf32>, tensor<f32>) {
  // CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<8xf32>, tensor<2x8x5xf32>) -> tensor<2x5xf32>
  %0 = graph.matmul %v, %m : (tensor<8xf32>, tensor<2x8x5xf32>) -> tensor<2x5xf32>
  // CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<3x4x8xf32>, tensor<8xf32>) -> tensor<3x4xf32>
  %1 = graph.matmul %n, %v : (tensor<3x4x8xf32>, tensor<8xf32>) -> tensor<3x4xf32>
  // CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<8xf32>, tensor<8xf32>) -> tensor<f32>
  %2 = graph.matmul %v, %v : (tensor<8xf32>, tensor<8xf32>) -> tensor<f32>
  return %0, %1, %2 : tensor<2x5xf32>, tensor<3x4xf32>, tensor<f32>
}

// CHECK-LABEL: func.func @matmul_integer
func.func @matmul_integer(%a: tensor<2x3xi32>, %b: tensor<3x4xi32>) -> tensor<2x4xi32> {
  // CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
  %0 = graph.matmul %a, %b : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}

// CHECK-LABEL: func.func @gemm
// CHECK-SAME: (%[[X:.+]]: tensor<2x4xf32>, %[[W:.+]]: tensor<3x4xf32>, %[[B:.+]]: tensor<3xf32>, %[[XT:.+]]: tensor<4x2xf32>, %[[W2:.+]]: tensor<4x3xf32>, %[[C:.+]]: tensor<2x1xf32>, %[[S:.+]]: tensor<f32>)
func.func @gemm(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>, %b: tensor<3xf32>,
                %xt: tensor<4x2xf32>, %w2: tensor<4x3xf32>, %c: tensor<2x1xf32>, %s: tensor<f32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  // Linear layer: x * w^T + b.
  // CHECK: graph.gemm %[[X]], %[[W]], %[[B]] {trans_b = true} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = graph.gemm %x, %w, %b {trans_b = true} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // op(A) = A^T is 2x4; C of shape 2x1 broadcasts to 2x3.
  // CHECK: graph.gemm %[[XT]], %[[W2]], %[[C]] {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, trans_a = true} : (tensor<4x2xf32>, tensor<4x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %1 = graph.gemm %xt, %w2, %c {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = true} : (tensor<4x2xf32>, tensor<4x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  // CHECK: graph.gemm %[[X]], %[[W2]] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %2 = graph.gemm %x, %w2 : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  // CHECK: graph.gemm %[[XT]], %[[W]], %[[S]] {trans_a = true, trans_b = true} : (tensor<4x2xf32>, tensor<3x4xf32>, tensor<f32>) -> tensor<2x3xf32>
  %3 = graph.gemm %xt, %w, %s {trans_a = true, trans_b = true} : (tensor<4x2xf32>, tensor<3x4xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @conv_same_padding
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x8xf32>, %[[W:.+]]: tensor<16x3x3x3xf32>, %[[B:.+]]: tensor<16xf32>)
func.func @conv_same_padding(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x16x8x8xf32> {
  // CHECK: graph.conv %[[X]], %[[W]], %[[B]] {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  %0 = graph.conv %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  return %0 : tensor<1x16x8x8xf32>
}

// H: 15 + 1 + 2 = 18 padded, window 2 * (3 - 1) + 1 = 5, (18 - 5) / 2 + 1 = 7.
// W: 20 + 0 + 1 = 21 padded, window 3, (21 - 3) / 4 + 1 = 5.
// CHECK-LABEL: func.func @conv_stride_pad_dilation
func.func @conv_stride_pad_dilation(%x: tensor<2x4x15x20xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<2x8x7x5xf32> {
  // CHECK: graph.conv %{{.+}}, %{{.+}} {dilations = array<i64: 2, 1>, pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 4>} : (tensor<2x4x15x20xf32>, tensor<8x4x3x3xf32>) -> tensor<2x8x7x5xf32>
  %0 = graph.conv %x, %w {strides = array<i64: 2, 4>, pads = array<i64: 1, 0, 2, 1>, dilations = array<i64: 2, 1>}
      : (tensor<2x4x15x20xf32>, tensor<8x4x3x3xf32>) -> tensor<2x8x7x5xf32>
  return %0 : tensor<2x8x7x5xf32>
}

// Depthwise (group = C) and grouped convolution: the filter has C / group
// input channels.
// CHECK-LABEL: func.func @conv_groups
func.func @conv_groups(%x: tensor<2x6x7x7xf32>, %dw: tensor<6x1x3x3xf32>, %y: tensor<1x4x5x5xf16>, %gw: tensor<6x2x1x1xf16>, %gb: tensor<6xf16>)
    -> (tensor<2x6x5x5xf32>, tensor<1x6x5x5xf16>) {
  // CHECK: graph.conv %{{.+}}, %{{.+}} {group = 6 : i64} : (tensor<2x6x7x7xf32>, tensor<6x1x3x3xf32>) -> tensor<2x6x5x5xf32>
  %0 = graph.conv %x, %dw {group = 6 : i64} : (tensor<2x6x7x7xf32>, tensor<6x1x3x3xf32>) -> tensor<2x6x5x5xf32>
  // CHECK: graph.conv %{{.+}}, %{{.+}}, %{{.+}} {group = 2 : i64} : (tensor<1x4x5x5xf16>, tensor<6x2x1x1xf16>, tensor<6xf16>) -> tensor<1x6x5x5xf16>
  %1 = graph.conv %y, %gw, %gb {group = 2 : i64} : (tensor<1x4x5x5xf16>, tensor<6x2x1x1xf16>, tensor<6xf16>) -> tensor<1x6x5x5xf16>
  return %0, %1 : tensor<2x6x5x5xf32>, tensor<1x6x5x5xf16>
}
