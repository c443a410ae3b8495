// RUN: neuron-opt %s | neuron-opt | FileCheck %s

// reduce_mean, reduce_sum and reduce_max: axes, negative axes, keepdims and
// the empty-axes (reduce everything) form.

// CHECK-LABEL: func.func @reduce_mean
// CHECK-SAME: (%[[X:.+]]: tensor<2x8x16xf32>)
func.func @reduce_mean(%x: tensor<2x8x16xf32>) -> (tensor<2x8x1xf32>, tensor<8xf32>) {
  // CHECK: graph.reduce_mean %[[X]] {axes = array<i64: -1>} : tensor<2x8x16xf32> -> tensor<2x8x1xf32>
  %0 = graph.reduce_mean %x {axes = array<i64: -1>} : tensor<2x8x16xf32> -> tensor<2x8x1xf32>
  // CHECK: graph.reduce_mean %[[X]] {axes = array<i64: 0, 2>, keepdims = false} : tensor<2x8x16xf32> -> tensor<8xf32>
  %1 = graph.reduce_mean %x {axes = array<i64: 0, 2>, keepdims = false} : tensor<2x8x16xf32> -> tensor<8xf32>
  return %0, %1 : tensor<2x8x1xf32>, tensor<8xf32>
}

// Empty axes reduce every dimension.
// CHECK-LABEL: func.func @reduce_sum
func.func @reduce_sum(%x: tensor<2x3x4xi64>) -> (tensor<1x1x1xi64>, tensor<i64>, tensor<2x4xi64>) {
  // CHECK: graph.reduce_sum %{{.+}} : tensor<2x3x4xi64> -> tensor<1x1x1xi64>
  %0 = graph.reduce_sum %x : tensor<2x3x4xi64> -> tensor<1x1x1xi64>
  // CHECK: graph.reduce_sum %{{.+}} {keepdims = false} : tensor<2x3x4xi64> -> tensor<i64>
  %1 = graph.reduce_sum %x {keepdims = false} : tensor<2x3x4xi64> -> tensor<i64>
  // CHECK: graph.reduce_sum %{{.+}} {axes = array<i64: -2>, keepdims = false} : tensor<2x3x4xi64> -> tensor<2x4xi64>
  %2 = graph.reduce_sum %x {axes = array<i64: -2>, keepdims = false} : tensor<2x3x4xi64> -> tensor<2x4xi64>
  return %0, %1, %2 : tensor<1x1x1xi64>, tensor<i64>, tensor<2x4xi64>
}

// CHECK-LABEL: func.func @reduce_max
func.func @reduce_max(%x: tensor<1x3x5x7xf16>) -> (tensor<1x1x5x1xf16>, tensor<1x3x5xf16>) {
  // CHECK: graph.reduce_max %{{.+}} {axes = array<i64: 1, -1>} : tensor<1x3x5x7xf16> -> tensor<1x1x5x1xf16>
  %0 = graph.reduce_max %x {axes = array<i64: 1, -1>, keepdims = true} : tensor<1x3x5x7xf16> -> tensor<1x1x5x1xf16>
  // CHECK: graph.reduce_max %{{.+}} {axes = array<i64: 3>, keepdims = false} : tensor<1x3x5x7xf16> -> tensor<1x3x5xf16>
  %1 = graph.reduce_max %x {axes = array<i64: 3>, keepdims = false} : tensor<1x3x5x7xf16> -> tensor<1x3x5xf16>
  return %0, %1 : tensor<1x1x5x1xf16>, tensor<1x3x5xf16>
}
