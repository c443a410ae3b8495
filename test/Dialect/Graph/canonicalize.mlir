// RUN: neuron-opt %s -canonicalize -split-input-file | FileCheck %s

// Every folder in GraphFolds.cpp: the cases that fold and the neighbouring
// cases that must not (a fold may never change the result type).

// CHECK-LABEL: func.func @add_zero
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @add_zero(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %z = graph.constant dense<0.0> : tensor<2x3xf32>
  %s = graph.constant dense<0.0> : tensor<f32>
  %0 = graph.add %x, %z : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // A broadcast zero on the left that leaves x's type unchanged also folds.
  %1 = graph.add %s, %x : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// x + 0 where the zero broadcasts x to a larger shape is not x.
// CHECK-LABEL: func.func @add_zero_broadcasts
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>)
// CHECK: %[[Z:.+]] = graph.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK: %[[R:.+]] = graph.add %[[X]], %[[Z]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[R]]
func.func @add_zero_broadcasts(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = graph.constant dense<0.0> : tensor<2x3xf32>
  %0 = graph.add %x, %z : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @add_nonzero
// CHECK: %[[C:.+]] = graph.constant dense<[0.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: graph.add %{{.+}}, %[[C]]
func.func @add_nonzero(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = graph.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %0 = graph.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @sub_zero
// CHECK-SAME: (%[[X:.+]]: tensor<4xi64>)
// CHECK-NEXT: return %[[X]]
func.func @sub_zero(%x: tensor<4xi64>) -> tensor<4xi64> {
  %z = graph.constant dense<0> : tensor<1xi64>
  %0 = graph.sub %x, %z : (tensor<4xi64>, tensor<1xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// 0 - x is -x, not x.
// CHECK-LABEL: func.func @zero_sub
// CHECK: %[[R:.+]] = graph.sub
// CHECK: return %[[R]]
func.func @zero_sub(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = graph.constant dense<0.0> : tensor<4xf32>
  %0 = graph.sub %z, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @mul_one
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf16>, %[[I:.+]]: tensor<5xi32>)
// CHECK-NEXT: return %[[X]], %[[X]], %[[I]]
func.func @mul_one(%x: tensor<2x3xf16>, %i: tensor<5xi32>) -> (tensor<2x3xf16>, tensor<2x3xf16>, tensor<5xi32>) {
  %one = graph.constant dense<1.0> : tensor<3xf16>
  %ione = graph.constant dense<1> : tensor<5xi32>
  %0 = graph.mul %x, %one : (tensor<2x3xf16>, tensor<3xf16>) -> tensor<2x3xf16>
  %1 = graph.mul %one, %x : (tensor<3xf16>, tensor<2x3xf16>) -> tensor<2x3xf16>
  %2 = graph.mul %i, %ione : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  return %0, %1, %2 : tensor<2x3xf16>, tensor<2x3xf16>, tensor<5xi32>
}

// -----

// CHECK-LABEL: func.func @mul_one_broadcasts
// CHECK: graph.mul
func.func @mul_one_broadcasts(%x: tensor<1x3xf32>) -> tensor<4x3xf32> {
  %one = graph.constant dense<1.0> : tensor<4x1xf32>
  %0 = graph.mul %x, %one : (tensor<1x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @mul_two
// CHECK: graph.mul
func.func @mul_two(%x: tensor<3xf32>) -> tensor<3xf32> {
  %two = graph.constant dense<2.0> : tensor<3xf32>
  %0 = graph.mul %x, %two : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @div_pow_one
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @div_pow_one(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %one = graph.constant dense<1.0> : tensor<f32>
  %0 = graph.div %x, %one : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %1 = graph.pow %x, %one : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// 1 / x and 1 ^ x are not x: the neutral element only works on the right.
// CHECK-LABEL: func.func @one_div_pow
// CHECK: graph.div
// CHECK: graph.pow
func.func @one_div_pow(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %one = graph.constant dense<1.0> : tensor<3xf32>
  %0 = graph.div %one, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = graph.pow %one, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @max_min_same
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>, %[[Y:.+]]: tensor<3xf32>)
// CHECK-NEXT: %[[MAX:.+]] = graph.max %[[X]], %[[Y]]
// CHECK-NEXT: %[[MIN:.+]] = graph.min %[[X]], %[[Y]]
// CHECK-NEXT: return %[[X]], %[[X]], %[[MAX]], %[[MIN]]
func.func @max_min_same(%x: tensor<3xf32>, %y: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %0 = graph.max %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = graph.min %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %2 = graph.max %x, %y : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %3 = graph.min %x, %y : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1, %2, %3 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// relu and abs are idempotent.
// CHECK-LABEL: func.func @idempotent
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>)
// CHECK-NEXT: %[[RELU:.+]] = graph.relu %[[X]]
// CHECK-NEXT: %[[ABS:.+]] = graph.abs %[[X]]
// CHECK-NEXT: return %[[RELU]], %[[ABS]]
func.func @idempotent(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = graph.relu %x : tensor<3xf32>
  %1 = graph.relu %0 : tensor<3xf32>
  %2 = graph.abs %x : tensor<3xf32>
  %3 = graph.abs %2 : tensor<3xf32>
  %4 = graph.abs %3 : tensor<3xf32>
  return %1, %4 : tensor<3xf32>, tensor<3xf32>
}

// -----

// relu(abs x) and abs(relu x) are not single ops.
// CHECK-LABEL: func.func @not_idempotent
// CHECK: graph.abs
// CHECK: graph.relu
func.func @not_idempotent(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = graph.abs %x : tensor<3xf32>
  %1 = graph.relu %0 : tensor<3xf32>
  return %1 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @neg_neg
// CHECK-SAME: (%[[X:.+]]: tensor<3xi8>)
// CHECK-NEXT: %[[NEG:.+]] = graph.neg %[[X]]
// CHECK-NEXT: return %[[X]], %[[NEG]]
func.func @neg_neg(%x: tensor<3xi8>) -> (tensor<3xi8>, tensor<3xi8>) {
  %0 = graph.neg %x : tensor<3xi8>
  %1 = graph.neg %0 : tensor<3xi8>
  %2 = graph.neg %1 : tensor<3xi8>
  return %1, %2 : tensor<3xi8>, tensor<3xi8>
}

// -----

// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.+]]: tensor<3xi1>)
// CHECK-NEXT: return %[[X]]
func.func @identity(%x: tensor<3xi1>) -> tensor<3xi1> {
  %0 = graph.identity %x : tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

// CHECK-LABEL: func.func @clip
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>)
// CHECK-NEXT: %[[C:.+]] = graph.clip %[[X]] {max = 6.000000e+00 : f32}
// CHECK-NEXT: return %[[X]], %[[C]]
func.func @clip(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = graph.clip %x : tensor<3xf32>
  %1 = graph.clip %x {max = 6.0 : f32} : tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @cast
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>)
// CHECK-NEXT: %[[C:.+]] = graph.cast %[[X]] : tensor<3xf32> -> tensor<3xf16>
// CHECK-NEXT: return %[[X]], %[[C]]
func.func @cast(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf16>) {
  %0 = graph.cast %x : tensor<3xf32> -> tensor<3xf32>
  %1 = graph.cast %x : tensor<3xf32> -> tensor<3xf16>
  return %0, %1 : tensor<3xf32>, tensor<3xf16>
}

// -----

// A round trip through a wider type that holds every value folds; through a
// narrower one it rounds and must stay.
// CHECK-LABEL: func.func @cast_round_trip
// CHECK-SAME: (%[[X:.+]]: tensor<3xbf16>, %[[Y:.+]]: tensor<3xf32>, %[[I:.+]]: tensor<3xi32>, %[[H:.+]]: tensor<3xbf16>)
// CHECK-NEXT: %[[D:.+]] = graph.cast %[[Y]] : tensor<3xf32> -> tensor<3xbf16>
// CHECK-NEXT: %[[U:.+]] = graph.cast %[[D]] : tensor<3xbf16> -> tensor<3xf32>
// CHECK-NEXT: %[[N:.+]] = graph.cast %[[I]] : tensor<3xi32> -> tensor<3xi8>
// CHECK-NEXT: %[[W:.+]] = graph.cast %[[N]] : tensor<3xi8> -> tensor<3xi32>
// CHECK-NEXT: %[[F:.+]] = graph.cast %[[H]] : tensor<3xbf16> -> tensor<3xf16>
// CHECK-NEXT: %[[B:.+]] = graph.cast %[[F]] : tensor<3xf16> -> tensor<3xbf16>
// CHECK-NEXT: return %[[X]], %[[U]], %[[I]], %[[W]], %[[B]]
func.func @cast_round_trip(%x: tensor<3xbf16>, %y: tensor<3xf32>, %i: tensor<3xi32>, %h: tensor<3xbf16>)
    -> (tensor<3xbf16>, tensor<3xf32>, tensor<3xi32>, tensor<3xi32>, tensor<3xbf16>) {
  %0 = graph.cast %x : tensor<3xbf16> -> tensor<3xf32>
  %1 = graph.cast %0 : tensor<3xf32> -> tensor<3xbf16>
  %2 = graph.cast %y : tensor<3xf32> -> tensor<3xbf16>
  %3 = graph.cast %2 : tensor<3xbf16> -> tensor<3xf32>
  %4 = graph.cast %i : tensor<3xi32> -> tensor<3xi64>
  %5 = graph.cast %4 : tensor<3xi64> -> tensor<3xi32>
  %6 = graph.cast %i : tensor<3xi32> -> tensor<3xi8>
  %7 = graph.cast %6 : tensor<3xi8> -> tensor<3xi32>
  %8 = graph.cast %h : tensor<3xbf16> -> tensor<3xf16>
  %9 = graph.cast %8 : tensor<3xf16> -> tensor<3xbf16>
  return %1, %3, %5, %7, %9 : tensor<3xbf16>, tensor<3xf32>, tensor<3xi32>, tensor<3xi32>, tensor<3xbf16>
}

// -----

// CHECK-LABEL: func.func @reshape_same
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_same(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.reshape %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_reshape
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.+]] = graph.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = graph.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  %1 = graph.reshape %0 : tensor<24xf32> -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// Reshaping back to the original type folds away entirely.
// CHECK-LABEL: func.func @reshape_roundtrip
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_roundtrip(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.reshape %x : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = graph.reshape %0 : tensor<3x2xf32> -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// A reshape of a dense constant is a constant of the new shape.
// CHECK-LABEL: func.func @reshape_constant
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<{{\[}}[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
// CHECK-NEXT: return %[[C]]
func.func @reshape_constant() -> tensor<2x3xi64> {
  %c = graph.constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi64>
  %0 = graph.reshape %c : tensor<6xi64> -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// A weight is a parameter, not a foldable constant: its reshape stays.
// CHECK-LABEL: func.func @reshape_weight
// CHECK: %[[W:.+]] = graph.weight "w" dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: graph.reshape %[[W]] : tensor<2xf32> -> tensor<1x2xf32>
func.func @reshape_weight() -> tensor<1x2xf32> {
  %w = graph.weight "w" dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = graph.reshape %w : tensor<2xf32> -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.transpose %x {perm = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A permutation that swaps two equal dimensions keeps the type but moves
// data: it must stay.
// CHECK-LABEL: func.func @transpose_square
// CHECK: graph.transpose %{{.+}} {perm = array<i64: 1, 0>} : tensor<3x3xf32> -> tensor<3x3xf32>
func.func @transpose_square(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %0 = graph.transpose %x {perm = array<i64: 1, 0>} : tensor<3x3xf32> -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// p1 = [0, 2, 1] then p2 = [2, 0, 1]: result dim i is x dim p1[p2[i]], so the
// composed perm is [p1[2], p1[0], p1[1]] = [1, 0, 2], giving 3x2x4.
// CHECK-LABEL: func.func @transpose_transpose
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.+]] = graph.transpose %[[X]] {perm = array<i64: 1, 0, 2>} : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_transpose(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  %0 = graph.transpose %x {perm = array<i64: 0, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  %1 = graph.transpose %0 {perm = array<i64: 2, 0, 1>} : tensor<2x4x3xf32> -> tensor<3x2x4xf32>
  return %1 : tensor<3x2x4xf32>
}

// -----

// [1, 2, 0] then [2, 0, 1] composes to [0, 1, 2]: x itself.
// CHECK-LABEL: func.func @transpose_inverse
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_inverse(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = graph.transpose %x {perm = array<i64: 1, 2, 0>} : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %1 = graph.transpose %0 {perm = array<i64: 2, 0, 1>} : tensor<3x4x2xf32> -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @flatten
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>, %[[Y:.+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[F:.+]] = graph.flatten %[[Y]]
// CHECK-NEXT: return %[[X]], %[[F]]
func.func @flatten(%x: tensor<2x3xf32>, %y: tensor<2x3x4xf32>) -> (tensor<2x3xf32>, tensor<2x12xf32>) {
  %0 = graph.flatten %x : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = graph.flatten %y : tensor<2x3x4xf32> -> tensor<2x12xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x12xf32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: %[[C:.+]] = graph.concat %[[X]], %[[X]]
// CHECK-NEXT: return %[[X]], %[[C]]
func.func @concat(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<4x3xf32>) {
  %0 = graph.concat %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = graph.concat %x, %x {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @slice_whole
// CHECK-SAME: (%[[X:.+]]: tensor<4x8xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @slice_whole(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = graph.slice %x {starts = array<i64: 0>, ends = array<i64: 9223372036854775807>, axes = array<i64: 1>} : tensor<4x8xf32> -> tensor<4x8xf32>
  %1 = graph.slice %x {starts = array<i64: -100, 0>, ends = array<i64: 100, 8>, steps = array<i64: 1, 1>} : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// A negative step of the same shape reverses the elements: it must stay.
// CHECK-LABEL: func.func @slice_reverse
// CHECK: %[[R:.+]] = graph.slice %{{.+}} {ends = array<i64: -9223372036854775808>, starts = array<i64: -1>, steps = array<i64: -1>} : tensor<8xf32> -> tensor<8xf32>
// CHECK: return %[[R]]
func.func @slice_reverse(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = graph.slice %x {starts = array<i64: -1>, ends = array<i64: -9223372036854775808>, steps = array<i64: -1>} : tensor<8xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @slice_part
// CHECK: graph.slice
func.func @slice_part(%x: tensor<8xf32>) -> tensor<4xf32> {
  %0 = graph.slice %x {starts = array<i64: 0>, ends = array<i64: 8>, steps = array<i64: 2>} : tensor<8xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @squeeze
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>, %[[Y:.+]]: tensor<1x3xf32>)
// CHECK-NEXT: %[[S:.+]] = graph.squeeze %[[Y]] : tensor<1x3xf32> -> tensor<3xf32>
// CHECK-NEXT: return %[[X]], %[[S]]
func.func @squeeze(%x: tensor<2x3xf32>, %y: tensor<1x3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>) {
  %0 = graph.squeeze %x : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = graph.squeeze %y : tensor<1x3xf32> -> tensor<3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @expand
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: %[[E:.+]] = graph.expand %[[X]] {shape = array<i64: 4, 1, 1>} : tensor<2x3xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[X]], %[[E]]
func.func @expand(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<4x2x3xf32>) {
  %0 = graph.expand %x {shape = array<i64: 1, 3>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = graph.expand %x {shape = array<i64: 4, 1, 1>} : tensor<2x3xf32> -> tensor<4x2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<4x2x3xf32>
}

// -----

// Equal constants are uniqued; an unused one is erased.
// CHECK-LABEL: func.func @constants
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<[1, 2]> : tensor<2xi32>
// CHECK-NEXT: return %[[C]], %[[C]]
func.func @constants() -> (tensor<2xi32>, tensor<2xi32>) {
  %0 = graph.constant dense<[1, 2]> : tensor<2xi32>
  %1 = graph.constant dense<[1, 2]> : tensor<2xi32>
  %2 = graph.constant dense<7> : tensor<2xi32>
  return %0, %1 : tensor<2xi32>, tensor<2xi32>
}
