// RUN: neuron-opt %s | neuron-opt | FileCheck %s
// RUN: neuron-opt %s --mlir-print-op-generic | neuron-opt | FileCheck %s

// graph.constant and graph.weight: the result type is the value's type.

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<2xf32>, tensor<2x2xi64>, tensor<3xi1>, tensor<4x4xbf16>, tensor<i32>) {
  // CHECK: graph.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  %0 = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // CHECK: graph.constant dense<{{\[}}[1, -2], [3, 4]]> : tensor<2x2xi64>
  %1 = graph.constant dense<[[1, -2], [3, 4]]> : tensor<2x2xi64>
  // CHECK: graph.constant dense<[true, false, true]> : tensor<3xi1>
  %2 = graph.constant dense<[true, false, true]> : tensor<3xi1>
  // CHECK: graph.constant dense<5.000000e-01> : tensor<4x4xbf16>
  %3 = graph.constant dense<0.5> : tensor<4x4xbf16>
  // CHECK: graph.constant dense<7> : tensor<i32>
  %4 = graph.constant dense<7> : tensor<i32>
  return %0, %1, %2, %3, %4 : tensor<2xf32>, tensor<2x2xi64>, tensor<3xi1>, tensor<4x4xbf16>, tensor<i32>
}

// CHECK-LABEL: func.func @weights
func.func @weights(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  // Large parameters are resource blobs; the bytes live in the
  // dialect_resources section below.
  // CHECK: %[[W:.+]] = graph.weight "fc1.weight" dense_resource<fc1_weight> : tensor<2x3xf32>
  %w = graph.weight "fc1.weight" dense_resource<fc1_weight> : tensor<2x3xf32>
  // CHECK: %[[B:.+]] = graph.weight "fc1.bias" dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
  %b = graph.weight "fc1.bias" dense<[1.0, -1.0]> : tensor<2xf32>
  // CHECK: graph.gemm %{{.+}}, %[[W]], %[[B]] {trans_b = true}
  %0 = graph.gemm %x, %w, %b {trans_b = true} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// CHECK-LABEL: func.func @weight_int8
func.func @weight_int8() -> tensor<4xi8> {
  // CHECK: graph.weight "q.weight" dense_resource<q_weight> : tensor<4xi8>
  %w = graph.weight "q.weight" dense_resource<q_weight> : tensor<4xi8>
  return %w : tensor<4xi8>
}

// The blob is a 4-byte alignment (0x04000000, little-endian) followed by the
// data: six f32 values 1.0 .. 6.0 for fc1_weight, bytes 1, 2, 3, -1 for q_weight.
// CHECK: {-#
// CHECK-NEXT: dialect_resources: {
// CHECK-NEXT: builtin: {
// CHECK-DAG: fc1_weight: "0x040000000000803F0000004000004040000080400000A0400000C040"
// CHECK-DAG: q_weight: "0x04000000010203FF"
{-#
  dialect_resources: {
    builtin: {
      fc1_weight: "0x040000000000803F0000004000004040000080400000A0400000C040",
      q_weight: "0x04000000010203FF"
    }
  }
#-}
