// RUN: neuron-opt %s | neuron-opt | FileCheck %s
// RUN: neuron-opt %s --mlir-print-op-generic | neuron-opt | FileCheck %s

// Elementwise ops: binary ops with ONNX multidirectional broadcasting, unary
// ops, clip, cast and where.

// CHECK-LABEL: func.func @binary_same_shape
// CHECK-SAME: (%[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<2x3xf32>)
func.func @binary_same_shape(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[ADD:.+]] = graph.add %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = graph.add %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[SUB:.+]] = graph.sub %[[ADD]], %[[B]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = graph.sub %0, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[MUL:.+]] = graph.mul %[[SUB]], %[[A]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = graph.mul %1, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[DIV:.+]] = graph.div %[[MUL]], %[[B]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = graph.div %2, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[POW:.+]] = graph.pow %[[DIV]], %[[A]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = graph.pow %3, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[MAX:.+]] = graph.max %[[POW]], %[[B]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = graph.max %4, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[MIN:.+]] = graph.min %[[MAX]], %[[A]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = graph.min %5, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: return %[[MIN]]
  return %6 : tensor<2x3xf32>
}

// Shapes align on the right; a 1 (or a missing leading dimension) stretches.
// CHECK-LABEL: func.func @binary_broadcast
func.func @binary_broadcast(%a: tensor<4x1x3xf32>, %b: tensor<5x1xf32>, %s: tensor<f32>)
    -> (tensor<4x5x3xf32>, tensor<4x1x3xf32>, tensor<5x1xf32>) {
  // CHECK: graph.add %{{.+}}, %{{.+}} : (tensor<4x1x3xf32>, tensor<5x1xf32>) -> tensor<4x5x3xf32>
  %0 = graph.add %a, %b : (tensor<4x1x3xf32>, tensor<5x1xf32>) -> tensor<4x5x3xf32>
  // A rank-0 operand broadcasts to anything.
  // CHECK: graph.mul %{{.+}}, %{{.+}} : (tensor<f32>, tensor<4x1x3xf32>) -> tensor<4x1x3xf32>
  %1 = graph.mul %s, %a : (tensor<f32>, tensor<4x1x3xf32>) -> tensor<4x1x3xf32>
  // CHECK: graph.pow %{{.+}}, %{{.+}} : (tensor<5x1xf32>, tensor<f32>) -> tensor<5x1xf32>
  %2 = graph.pow %b, %s : (tensor<5x1xf32>, tensor<f32>) -> tensor<5x1xf32>
  return %0, %1, %2 : tensor<4x5x3xf32>, tensor<4x1x3xf32>, tensor<5x1xf32>
}

// Binary ops accept every numeric element type, integers included.
// CHECK-LABEL: func.func @binary_integer
func.func @binary_integer(%a: tensor<8xi64>, %b: tensor<1xi64>, %c: tensor<2x1xi8>, %d: tensor<3xi8>)
    -> (tensor<8xi64>, tensor<2x3xi8>, tensor<2x3xi8>, tensor<4xbf16>) {
  // CHECK: graph.div %{{.+}}, %{{.+}} : (tensor<8xi64>, tensor<1xi64>) -> tensor<8xi64>
  %0 = graph.div %a, %b : (tensor<8xi64>, tensor<1xi64>) -> tensor<8xi64>
  // CHECK: graph.max %{{.+}}, %{{.+}} : (tensor<2x1xi8>, tensor<3xi8>) -> tensor<2x3xi8>
  %1 = graph.max %c, %d : (tensor<2x1xi8>, tensor<3xi8>) -> tensor<2x3xi8>
  // CHECK: graph.min %{{.+}}, %{{.+}} : (tensor<3xi8>, tensor<2x1xi8>) -> tensor<2x3xi8>
  %2 = graph.min %d, %c : (tensor<3xi8>, tensor<2x1xi8>) -> tensor<2x3xi8>
  %e = graph.constant dense<2.0> : tensor<4xbf16>
  // CHECK: graph.sub %{{.+}}, %{{.+}} : (tensor<4xbf16>, tensor<4xbf16>) -> tensor<4xbf16>
  %3 = graph.sub %e, %e : (tensor<4xbf16>, tensor<4xbf16>) -> tensor<4xbf16>
  return %0, %1, %2, %3 : tensor<8xi64>, tensor<2x3xi8>, tensor<2x3xi8>, tensor<4xbf16>
}

// CHECK-LABEL: func.func @unary_float
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
func.func @unary_float(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[RELU:.+]] = graph.relu %[[X]] : tensor<2x3xf32>
  %0 = graph.relu %x : tensor<2x3xf32>
  // CHECK: %[[TANH:.+]] = graph.tanh %[[RELU]] : tensor<2x3xf32>
  %1 = graph.tanh %0 : tensor<2x3xf32>
  // CHECK: %[[SIG:.+]] = graph.sigmoid %[[TANH]] : tensor<2x3xf32>
  %2 = graph.sigmoid %1 : tensor<2x3xf32>
  // CHECK: %[[ERF:.+]] = graph.erf %[[SIG]] : tensor<2x3xf32>
  %3 = graph.erf %2 : tensor<2x3xf32>
  // CHECK: %[[EXP:.+]] = graph.exp %[[ERF]] : tensor<2x3xf32>
  %4 = graph.exp %3 : tensor<2x3xf32>
  // CHECK: %[[LOG:.+]] = graph.log %[[EXP]] : tensor<2x3xf32>
  %5 = graph.log %4 : tensor<2x3xf32>
  // CHECK: %[[SQRT:.+]] = graph.sqrt %[[LOG]] : tensor<2x3xf32>
  %6 = graph.sqrt %5 : tensor<2x3xf32>
  // CHECK: %[[RCP:.+]] = graph.reciprocal %[[SQRT]] : tensor<2x3xf32>
  %7 = graph.reciprocal %6 : tensor<2x3xf32>
  // CHECK: %[[NEG:.+]] = graph.neg %[[RCP]] : tensor<2x3xf32>
  %8 = graph.neg %7 : tensor<2x3xf32>
  // CHECK: %[[ABS:.+]] = graph.abs %[[NEG]] : tensor<2x3xf32>
  %9 = graph.abs %8 : tensor<2x3xf32>
  // CHECK: %[[ID:.+]] = graph.identity %[[ABS]] : tensor<2x3xf32>
  %10 = graph.identity %9 : tensor<2x3xf32>
  // CHECK: return %[[ID]]
  return %10 : tensor<2x3xf32>
}

// neg and abs take integers; identity takes any element type, i1 included.
// CHECK-LABEL: func.func @unary_integer
func.func @unary_integer(%i: tensor<4xi32>, %m: tensor<4xi1>) -> (tensor<4xi32>, tensor<4xi1>) {
  // CHECK: %[[NEG:.+]] = graph.neg %{{.+}} : tensor<4xi32>
  %0 = graph.neg %i : tensor<4xi32>
  // CHECK: graph.abs %[[NEG]] : tensor<4xi32>
  %1 = graph.abs %0 : tensor<4xi32>
  // CHECK: graph.identity %{{.+}} : tensor<4xi1>
  %2 = graph.identity %m : tensor<4xi1>
  return %1, %2 : tensor<4xi32>, tensor<4xi1>
}

// The default "none" (erf) form is elided when printed; "tanh" is kept.
// CHECK-LABEL: func.func @gelu
func.func @gelu(%x: tensor<2x3xf16>) -> (tensor<2x3xf16>, tensor<2x3xf16>, tensor<2x3xf16>) {
  // CHECK: graph.gelu %{{.+}} : tensor<2x3xf16>
  %0 = graph.gelu %x : tensor<2x3xf16>
  // CHECK-NEXT: graph.gelu %{{.+}} : tensor<2x3xf16>
  %1 = graph.gelu %x {approximate = "none"} : tensor<2x3xf16>
  // CHECK-NEXT: graph.gelu %{{.+}} {approximate = "tanh"} : tensor<2x3xf16>
  %2 = graph.gelu %x {approximate = "tanh"} : tensor<2x3xf16>
  return %0, %1, %2 : tensor<2x3xf16>, tensor<2x3xf16>, tensor<2x3xf16>
}

// CHECK-LABEL: func.func @clip
func.func @clip(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  // relu6: both bounds.
  // CHECK: graph.clip %{{.+}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<2x3xf32>
  %0 = graph.clip %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x3xf32>
  // CHECK: graph.clip %{{.+}} {min = -1.000000e+00 : f32} : tensor<2x3xf32>
  %1 = graph.clip %x {min = -1.0 : f32} : tensor<2x3xf32>
  // Equal bounds are allowed.
  // CHECK: graph.clip %{{.+}} {max = 2.500000e-01 : f32, min = 2.500000e-01 : f32} : tensor<2x3xf32>
  %2 = graph.clip %x {min = 0.25 : f32, max = 0.25 : f32} : tensor<2x3xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @cast
func.func @cast(%x: tensor<2x3xi64>, %m: tensor<2x3xi1>) -> (tensor<2x3xf32>, tensor<2x3xi1>, tensor<2x3xbf16>) {
  // CHECK: %[[F:.+]] = graph.cast %{{.+}} : tensor<2x3xi64> -> tensor<2x3xf32>
  %0 = graph.cast %x : tensor<2x3xi64> -> tensor<2x3xf32>
  // CHECK: graph.cast %[[F]] : tensor<2x3xf32> -> tensor<2x3xi1>
  %1 = graph.cast %0 : tensor<2x3xf32> -> tensor<2x3xi1>
  // CHECK: graph.cast %{{.+}} : tensor<2x3xi1> -> tensor<2x3xbf16>
  %2 = graph.cast %m : tensor<2x3xi1> -> tensor<2x3xbf16>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x3xi1>, tensor<2x3xbf16>
}

// The condition and both branches broadcast together; the element type is
// that of x and y, never the i1 of the condition.
// CHECK-LABEL: func.func @where
// CHECK-SAME: (%[[C:.+]]: tensor<1x4xi1>, %[[X:.+]]: tensor<3x1xf32>, %[[Y:.+]]: tensor<f32>, %[[I:.+]]: tensor<4xi64>)
func.func @where(%c: tensor<1x4xi1>, %x: tensor<3x1xf32>, %y: tensor<f32>, %i: tensor<4xi64>)
    -> (tensor<3x4xf32>, tensor<1x4xi64>) {
  // CHECK: graph.where %[[C]], %[[X]], %[[Y]] : (tensor<1x4xi1>, tensor<3x1xf32>, tensor<f32>) -> tensor<3x4xf32>
  %0 = graph.where %c, %x, %y : (tensor<1x4xi1>, tensor<3x1xf32>, tensor<f32>) -> tensor<3x4xf32>
  // CHECK: graph.where %[[C]], %[[I]], %[[I]] : (tensor<1x4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<1x4xi64>
  %1 = graph.where %c, %i, %i : (tensor<1x4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<1x4xi64>
  return %0, %1 : tensor<3x4xf32>, tensor<1x4xi64>
}
