// RUN: neuron-opt %s | neuron-opt | FileCheck %s

// Shape and data-movement ops. Every expected shape below is worked out by
// hand from the ONNX operator definition.

// CHECK-LABEL: func.func @reshape
func.func @reshape(%x: tensor<2x3x4xf32>, %y: tensor<1x1xi64>) -> (tensor<6x4xf32>, tensor<i64>, tensor<24xf32>) {
  // CHECK: graph.reshape %{{.+}} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %0 = graph.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  // CHECK: graph.reshape %{{.+}} : tensor<1x1xi64> -> tensor<i64>
  %1 = graph.reshape %y : tensor<1x1xi64> -> tensor<i64>
  // CHECK: graph.reshape %{{.+}} : tensor<2x3x4xf32> -> tensor<24xf32>
  %2 = graph.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  return %0, %1, %2 : tensor<6x4xf32>, tensor<i64>, tensor<24xf32>
}

// Result dimension i is input dimension perm[i].
// CHECK-LABEL: func.func @transpose
func.func @transpose(%x: tensor<2x3x4xf32>) -> (tensor<2x4x3xf32>, tensor<4x2x3xf32>, tensor<2x3x4xf32>) {
  // CHECK: graph.transpose %{{.+}} {perm = array<i64: 0, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  %0 = graph.transpose %x {perm = array<i64: 0, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  // CHECK: graph.transpose %{{.+}} {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %1 = graph.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  // CHECK: graph.transpose %{{.+}} {perm = array<i64: 0, 1, 2>} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  %2 = graph.transpose %x {perm = array<i64: 0, 1, 2>} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  return %0, %1, %2 : tensor<2x4x3xf32>, tensor<4x2x3xf32>, tensor<2x3x4xf32>
}

// [prod(dims[:axis]), prod(dims[axis:])], axis in [-rank, rank].
// CHECK-LABEL: func.func @flatten
func.func @flatten(%x: tensor<2x3x4xf32>) -> (tensor<2x12xf32>, tensor<1x24xf32>, tensor<24x1xf32>, tensor<6x4xf32>) {
  // CHECK: graph.flatten %{{.+}} : tensor<2x3x4xf32> -> tensor<2x12xf32>
  %0 = graph.flatten %x : tensor<2x3x4xf32> -> tensor<2x12xf32>
  // CHECK: graph.flatten %{{.+}} {axis = 0 : i64} : tensor<2x3x4xf32> -> tensor<1x24xf32>
  %1 = graph.flatten %x {axis = 0 : i64} : tensor<2x3x4xf32> -> tensor<1x24xf32>
  // CHECK: graph.flatten %{{.+}} {axis = 3 : i64} : tensor<2x3x4xf32> -> tensor<24x1xf32>
  %2 = graph.flatten %x {axis = 3 : i64} : tensor<2x3x4xf32> -> tensor<24x1xf32>
  // CHECK: graph.flatten %{{.+}} {axis = -1 : i64} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %3 = graph.flatten %x {axis = -1 : i64} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  return %0, %1, %2, %3 : tensor<2x12xf32>, tensor<1x24xf32>, tensor<24x1xf32>, tensor<6x4xf32>
}

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<2x5xf32>, %[[C:.+]]: tensor<2x1xf32>)
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<2x1xf32>)
    -> (tensor<2x8xf32>, tensor<2x9xf32>, tensor<6x3xf32>, tensor<2x3xf32>) {
  // CHECK: graph.concat %[[A]], %[[B]] {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  // CHECK: graph.concat %[[A]], %[[C]], %[[B]] {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x5xf32>) -> tensor<2x9xf32>
  %1 = graph.concat %a, %c, %b {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x5xf32>) -> tensor<2x9xf32>
  // CHECK: graph.concat %[[A]], %[[A]], %[[A]] {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<6x3xf32>
  %2 = graph.concat %a, %a, %a {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<6x3xf32>
  // CHECK: graph.concat %[[A]] {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = graph.concat %a {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x8xf32>, tensor<2x9xf32>, tensor<6x3xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @split
func.func @split(%x: tensor<4x8xf32>) -> (tensor<4x2xf32>, tensor<4x6xf32>, tensor<2x8xf32>) {
  // CHECK: %[[P:.+]]:2 = graph.split %{{.+}} {axis = 1 : i64, sizes = array<i64: 2, 6>} : tensor<4x8xf32> -> (tensor<4x2xf32>, tensor<4x6xf32>)
  %a, %b = graph.split %x {axis = 1 : i64, sizes = array<i64: 2, 6>} : tensor<4x8xf32> -> (tensor<4x2xf32>, tensor<4x6xf32>)
  // CHECK: %[[Q:.+]]:3 = graph.split %{{.+}} {axis = -2 : i64, sizes = array<i64: 1, 1, 2>} : tensor<4x8xf32> -> (tensor<1x8xf32>, tensor<1x8xf32>, tensor<2x8xf32>)
  %c:3 = graph.split %x {axis = -2 : i64, sizes = array<i64: 1, 1, 2>} : tensor<4x8xf32> -> (tensor<1x8xf32>, tensor<1x8xf32>, tensor<2x8xf32>)
  // CHECK: return %[[P]]#0, %[[P]]#1, %[[Q]]#2
  return %a, %b, %c#2 : tensor<4x2xf32>, tensor<4x6xf32>, tensor<2x8xf32>
}

// CHECK-LABEL: func.func @slice
func.func @slice(%x: tensor<2x8xf32>) -> tensor<2x3xf32> {
  // CHECK: graph.slice %{{.+}} {axes = array<i64: 1>, ends = array<i64: 4>, starts = array<i64: 1>} : tensor<2x8xf32> -> tensor<2x3xf32>
  %0 = graph.slice %x {starts = array<i64: 1>, ends = array<i64: 4>, axes = array<i64: 1>} : tensor<2x8xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// Negative starts and ends count from the back, then are clamped to [0, dim].
// CHECK-LABEL: func.func @slice_negative_indices
func.func @slice_negative_indices(%x: tensor<10x20xf32>) -> (tensor<2x20xf32>, tensor<10x6xf32>, tensor<0x20xf32>, tensor<10x20xf32>) {
  // [-3, -1) on 10 is [7, 9): 2 rows; axes default to [0, len(starts)).
  // CHECK: graph.slice %{{.+}} {ends = array<i64: -1>, starts = array<i64: -3>} : tensor<10x20xf32> -> tensor<2x20xf32>
  %0 = graph.slice %x {starts = array<i64: -3>, ends = array<i64: -1>} : tensor<10x20xf32> -> tensor<2x20xf32>
  // [2, INT64_MAX) clamps to [2, 20); step 3 takes 2, 5, 8, 11, 14, 17.
  // CHECK: graph.slice %{{.+}} {axes = array<i64: -1>, ends = array<i64: 9223372036854775807>, starts = array<i64: 2>, steps = array<i64: 3>} : tensor<10x20xf32> -> tensor<10x6xf32>
  %1 = graph.slice %x {starts = array<i64: 2>, ends = array<i64: 9223372036854775807>, axes = array<i64: -1>, steps = array<i64: 3>} : tensor<10x20xf32> -> tensor<10x6xf32>
  // An empty range gives a zero-size dimension.
  // CHECK: graph.slice %{{.+}} {ends = array<i64: 2>, starts = array<i64: 5>} : tensor<10x20xf32> -> tensor<0x20xf32>
  %2 = graph.slice %x {starts = array<i64: 5>, ends = array<i64: 2>} : tensor<10x20xf32> -> tensor<0x20xf32>
  // [-100, 100) clamps to [0, 10).
  // CHECK: graph.slice %{{.+}} {ends = array<i64: 100>, starts = array<i64: -100>} : tensor<10x20xf32> -> tensor<10x20xf32>
  %3 = graph.slice %x {starts = array<i64: -100>, ends = array<i64: 100>} : tensor<10x20xf32> -> tensor<10x20xf32>
  return %0, %1, %2, %3 : tensor<2x20xf32>, tensor<10x6xf32>, tensor<0x20xf32>, tensor<10x20xf32>
}

// With a negative step, starts clamp to [0, dim - 1] and ends to [-1, dim - 1].
// CHECK-LABEL: func.func @slice_negative_steps
func.func @slice_negative_steps(%x: tensor<10xf32>, %y: tensor<5xf32>)
    -> (tensor<10xf32>, tensor<4xf32>, tensor<3xf32>, tensor<1xf32>, tensor<0xf32>) {
  // Full reverse: start -1 is 9, end INT64_MIN clamps to -1.
  // CHECK: graph.slice %{{.+}} {ends = array<i64: -9223372036854775808>, starts = array<i64: -1>, steps = array<i64: -1>} : tensor<10xf32> -> tensor<10xf32>
  %0 = graph.slice %x {starts = array<i64: -1>, ends = array<i64: -9223372036854775808>, steps = array<i64: -1>} : tensor<10xf32> -> tensor<10xf32>
  // 8, 6, 4, 2 (1 excluded).
  // CHECK: graph.slice %{{.+}} {ends = array<i64: 1>, starts = array<i64: 8>, steps = array<i64: -2>} : tensor<10xf32> -> tensor<4xf32>
  %1 = graph.slice %x {starts = array<i64: 8>, ends = array<i64: 1>, steps = array<i64: -2>} : tensor<10xf32> -> tensor<4xf32>
  // start 100 clamps to 9: 9, 6, 3 (0 excluded).
  // CHECK: graph.slice %{{.+}} {ends = array<i64: 0>, starts = array<i64: 100>, steps = array<i64: -3>} : tensor<10xf32> -> tensor<3xf32>
  %2 = graph.slice %x {starts = array<i64: 100>, ends = array<i64: 0>, steps = array<i64: -3>} : tensor<10xf32> -> tensor<3xf32>
  // start -100 is -95, which clamps to 0 (not -1); end -200 clamps to -1:
  // element 0 alone.
  // CHECK: graph.slice %{{.+}} {ends = array<i64: -200>, starts = array<i64: -100>, steps = array<i64: -1>} : tensor<5xf32> -> tensor<1xf32>
  %3 = graph.slice %y {starts = array<i64: -100>, ends = array<i64: -200>, steps = array<i64: -1>} : tensor<5xf32> -> tensor<1xf32>
  // end -1 is 4 (the last element), not "before the first": [4, 4) is empty.
  // CHECK: graph.slice %{{.+}} {ends = array<i64: -1>, starts = array<i64: 4>, steps = array<i64: -1>} : tensor<5xf32> -> tensor<0xf32>
  %4 = graph.slice %y {starts = array<i64: 4>, ends = array<i64: -1>, steps = array<i64: -1>} : tensor<5xf32> -> tensor<0xf32>
  return %0, %1, %2, %3, %4 : tensor<10xf32>, tensor<4xf32>, tensor<3xf32>, tensor<1xf32>, tensor<0xf32>
}

// Extreme steps take one element without overflowing; a zero-size dimension
// stays empty whatever the range.
// CHECK-LABEL: func.func @slice_extreme
func.func @slice_extreme(%x: tensor<5xf32>, %e: tensor<0x3xf32>) -> (tensor<1xf32>, tensor<1xf32>, tensor<0x3xf32>) {
  // CHECK: graph.slice %{{.+}} {ends = array<i64: -9223372036854775808>, starts = array<i64: 4>, steps = array<i64: -9223372036854775808>} : tensor<5xf32> -> tensor<1xf32>
  %0 = graph.slice %x {starts = array<i64: 4>, ends = array<i64: -9223372036854775808>, steps = array<i64: -9223372036854775808>} : tensor<5xf32> -> tensor<1xf32>
  // CHECK: graph.slice %{{.+}} {ends = array<i64: 9223372036854775807>, starts = array<i64: 0>, steps = array<i64: 9223372036854775807>} : tensor<5xf32> -> tensor<1xf32>
  %1 = graph.slice %x {starts = array<i64: 0>, ends = array<i64: 9223372036854775807>, steps = array<i64: 9223372036854775807>} : tensor<5xf32> -> tensor<1xf32>
  // CHECK: graph.slice %{{.+}} {ends = array<i64: 0>, starts = array<i64: -1>, steps = array<i64: -1>} : tensor<0x3xf32> -> tensor<0x3xf32>
  %2 = graph.slice %e {starts = array<i64: -1>, ends = array<i64: 0>, steps = array<i64: -1>} : tensor<0x3xf32> -> tensor<0x3xf32>
  return %0, %1, %2 : tensor<1xf32>, tensor<1xf32>, tensor<0x3xf32>
}

// axes -1 (dim 8): [1, 3) step 2 takes 1 only; axis 0 (dim 4): [-4, 100) is
// all 4 rows; axis 1 is untouched.
// CHECK-LABEL: func.func @slice_multi_axis
func.func @slice_multi_axis(%x: tensor<4x6x8xi64>) -> tensor<4x6x1xi64> {
  // CHECK: graph.slice %{{.+}} {axes = array<i64: -1, 0>, ends = array<i64: 3, 100>, starts = array<i64: 1, -4>, steps = array<i64: 2, 1>} : tensor<4x6x8xi64> -> tensor<4x6x1xi64>
  %0 = graph.slice %x {starts = array<i64: 1, -4>, ends = array<i64: 3, 100>, axes = array<i64: -1, 0>, steps = array<i64: 2, 1>}
      : tensor<4x6x8xi64> -> tensor<4x6x1xi64>
  return %0 : tensor<4x6x1xi64>
}

// data.shape[:axis] + indices.shape + data.shape[axis + 1:].
// CHECK-LABEL: func.func @gather
func.func @gather(%table: tensor<100x16xf32>, %ids: tensor<2x8xi64>, %x: tensor<3x5x7xf32>, %i: tensor<4xi32>, %s: tensor<i64>)
    -> (tensor<2x8x16xf32>, tensor<3x4x7xf32>, tensor<3x5xf32>) {
  // CHECK: graph.gather %{{.+}}, %{{.+}} : (tensor<100x16xf32>, tensor<2x8xi64>) -> tensor<2x8x16xf32>
  %0 = graph.gather %table, %ids {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2x8xi64>) -> tensor<2x8x16xf32>
  // CHECK: graph.gather %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<3x5x7xf32>, tensor<4xi32>) -> tensor<3x4x7xf32>
  %1 = graph.gather %x, %i {axis = 1 : i64} : (tensor<3x5x7xf32>, tensor<4xi32>) -> tensor<3x4x7xf32>
  // A rank-0 index removes the axis.
  // CHECK: graph.gather %{{.+}}, %{{.+}} {axis = -1 : i64} : (tensor<3x5x7xf32>, tensor<i64>) -> tensor<3x5xf32>
  %2 = graph.gather %x, %s {axis = -1 : i64} : (tensor<3x5x7xf32>, tensor<i64>) -> tensor<3x5xf32>
  return %0, %1, %2 : tensor<2x8x16xf32>, tensor<3x4x7xf32>, tensor<3x5xf32>
}

// Axes are positions in the output, whose rank is rank + len(axes).
// CHECK-LABEL: func.func @unsqueeze
func.func @unsqueeze(%x: tensor<2x3xf32>, %y: tensor<3x4xf32>, %s: tensor<f32>)
    -> (tensor<1x2x3x1xf32>, tensor<2x3x1xf32>, tensor<1x2x3x1xf32>, tensor<3x1x1x4xf32>, tensor<1xf32>) {
  // CHECK: graph.unsqueeze %{{.+}} {axes = array<i64: 0, 3>} : tensor<2x3xf32> -> tensor<1x2x3x1xf32>
  %0 = graph.unsqueeze %x {axes = array<i64: 0, 3>} : tensor<2x3xf32> -> tensor<1x2x3x1xf32>
  // -1 in an output of rank 3 is 2.
  // CHECK: graph.unsqueeze %{{.+}} {axes = array<i64: -1>} : tensor<2x3xf32> -> tensor<2x3x1xf32>
  %1 = graph.unsqueeze %x {axes = array<i64: -1>} : tensor<2x3xf32> -> tensor<2x3x1xf32>
  // -1 in an output of rank 4 is 3; axes need not be sorted.
  // CHECK: graph.unsqueeze %{{.+}} {axes = array<i64: -1, 0>} : tensor<2x3xf32> -> tensor<1x2x3x1xf32>
  %2 = graph.unsqueeze %x {axes = array<i64: -1, 0>} : tensor<2x3xf32> -> tensor<1x2x3x1xf32>
  // -2 in an output of rank 4 is 2.
  // CHECK: graph.unsqueeze %{{.+}} {axes = array<i64: 1, -2>} : tensor<3x4xf32> -> tensor<3x1x1x4xf32>
  %3 = graph.unsqueeze %y {axes = array<i64: 1, -2>} : tensor<3x4xf32> -> tensor<3x1x1x4xf32>
  // CHECK: graph.unsqueeze %{{.+}} {axes = array<i64: 0>} : tensor<f32> -> tensor<1xf32>
  %4 = graph.unsqueeze %s {axes = array<i64: 0>} : tensor<f32> -> tensor<1xf32>
  return %0, %1, %2, %3, %4 : tensor<1x2x3x1xf32>, tensor<2x3x1xf32>, tensor<1x2x3x1xf32>, tensor<3x1x1x4xf32>, tensor<1xf32>
}

// CHECK-LABEL: func.func @squeeze
func.func @squeeze(%x: tensor<1x2x1x3xf32>, %o: tensor<1x1xi1>)
    -> (tensor<2x3xf32>, tensor<2x1x3xf32>, tensor<1x2x3xf32>, tensor<i1>) {
  // Empty axes remove every dimension of size 1.
  // CHECK: graph.squeeze %{{.+}} : tensor<1x2x1x3xf32> -> tensor<2x3xf32>
  %0 = graph.squeeze %x : tensor<1x2x1x3xf32> -> tensor<2x3xf32>
  // CHECK: graph.squeeze %{{.+}} {axes = array<i64: 0>} : tensor<1x2x1x3xf32> -> tensor<2x1x3xf32>
  %1 = graph.squeeze %x {axes = array<i64: 0>} : tensor<1x2x1x3xf32> -> tensor<2x1x3xf32>
  // CHECK: graph.squeeze %{{.+}} {axes = array<i64: -2>} : tensor<1x2x1x3xf32> -> tensor<1x2x3xf32>
  %2 = graph.squeeze %x {axes = array<i64: -2>} : tensor<1x2x1x3xf32> -> tensor<1x2x3xf32>
  // CHECK: graph.squeeze %{{.+}} : tensor<1x1xi1> -> tensor<i1>
  %3 = graph.squeeze %o : tensor<1x1xi1> -> tensor<i1>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x1x3xf32>, tensor<1x2x3xf32>, tensor<i1>
}

// The result is the broadcast of the input and shape: a 1 in shape keeps the
// input's dimension, and shape may have a lower rank than the input.
// CHECK-LABEL: func.func @expand
func.func @expand(%x: tensor<2x1xf32>, %y: tensor<3x4xi8>, %s: tensor<f32>)
    -> (tensor<4x2x3xf32>, tensor<2x3xf32>, tensor<3x4xi8>, tensor<2x2xf32>) {
  // CHECK: graph.expand %{{.+}} {shape = array<i64: 4, 1, 3>} : tensor<2x1xf32> -> tensor<4x2x3xf32>
  %0 = graph.expand %x {shape = array<i64: 4, 1, 3>} : tensor<2x1xf32> -> tensor<4x2x3xf32>
  // CHECK: graph.expand %{{.+}} {shape = array<i64: 3>} : tensor<2x1xf32> -> tensor<2x3xf32>
  %1 = graph.expand %x {shape = array<i64: 3>} : tensor<2x1xf32> -> tensor<2x3xf32>
  // CHECK: graph.expand %{{.+}} {shape = array<i64: 1, 1>} : tensor<3x4xi8> -> tensor<3x4xi8>
  %2 = graph.expand %y {shape = array<i64: 1, 1>} : tensor<3x4xi8> -> tensor<3x4xi8>
  // CHECK: graph.expand %{{.+}} {shape = array<i64: 2, 2>} : tensor<f32> -> tensor<2x2xf32>
  %3 = graph.expand %s {shape = array<i64: 2, 2>} : tensor<f32> -> tensor<2x2xf32>
  return %0, %1, %2, %3 : tensor<4x2x3xf32>, tensor<2x3xf32>, tensor<3x4xi8>, tensor<2x2xf32>
}
