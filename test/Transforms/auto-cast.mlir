// RUN: neuron-opt %s -split-input-file --neuron-auto-cast=mode=matmult | FileCheck %s --check-prefix=MATMULT
// RUN: neuron-opt %s -split-input-file --neuron-auto-cast=mode=all | FileCheck %s --check-prefix=ALL
// RUN: neuron-opt %s -split-input-file --neuron-auto-cast | FileCheck %s --check-prefix=NONE
// RUN: neuron-opt %s -split-input-file --neuron-auto-cast="mode=matmult type=bf16" | neuron-opt -split-input-file | FileCheck %s --check-prefix=MATMULT

// neuron-auto-cast on each graph below, in each mode. `none` (the default)
// changes nothing: no bf16 appears before the last function, whose input is
// bf16 to begin with.

// NONE-NOT: bf16
// NONE-LABEL: func.func @typed_inputs
// NONE-NEXT: graph.cast %{{.+}} : tensor<3xbf16> -> tensor<3xf32>

// An MLP. matmult: both gemms in bf16 with bf16 weights and biases, relu in
// f32 between casts. all: everything in bf16, one cast in and one out.

// MATMULT-LABEL: func.func @mlp
// MATMULT-SAME: (%[[X:.+]]: tensor<2x4xf32>) -> tensor<2x3xf32>
// MATMULT-NEXT: %[[W1:.+]] = graph.weight "fc1.weight" dense<5.000000e-01> : tensor<8x4xbf16>
// MATMULT-NEXT: %[[B1:.+]] = graph.weight "fc1.bias" dense<2.500000e-01> : tensor<8xbf16>
// MATMULT-NEXT: %[[W2:.+]] = graph.weight "fc2.weight" dense<2.000000e+00> : tensor<3x8xbf16>
// MATMULT-NEXT: %[[B2:.+]] = graph.weight "fc2.bias" dense<1.000000e+00> : tensor<3xbf16>
// MATMULT-NEXT: %[[XB:.+]] = graph.cast %[[X]] : tensor<2x4xf32> -> tensor<2x4xbf16>
// MATMULT-NEXT: %[[G1:.+]] = graph.gemm %[[XB]], %[[W1]], %[[B1]] {trans_b = true} : (tensor<2x4xbf16>, tensor<8x4xbf16>, tensor<8xbf16>) -> tensor<2x8xbf16>
// MATMULT-NEXT: %[[G1F:.+]] = graph.cast %[[G1]] : tensor<2x8xbf16> -> tensor<2x8xf32>
// MATMULT-NEXT: %[[R:.+]] = graph.relu %[[G1F]] : tensor<2x8xf32>
// MATMULT-NEXT: %[[RB:.+]] = graph.cast %[[R]] : tensor<2x8xf32> -> tensor<2x8xbf16>
// MATMULT-NEXT: %[[G2:.+]] = graph.gemm %[[RB]], %[[W2]], %[[B2]] {trans_b = true} : (tensor<2x8xbf16>, tensor<3x8xbf16>, tensor<3xbf16>) -> tensor<2x3xbf16>
// MATMULT-NEXT: %[[OUT:.+]] = graph.cast %[[G2]] : tensor<2x3xbf16> -> tensor<2x3xf32>
// MATMULT-NEXT: return %[[OUT]] : tensor<2x3xf32>

// ALL-LABEL: func.func @mlp
// ALL-SAME: (%[[X:.+]]: tensor<2x4xf32>) -> tensor<2x3xf32>
// ALL-NEXT: %[[XB:.+]] = graph.cast %[[X]] : tensor<2x4xf32> -> tensor<2x4xbf16>
// ALL-NEXT: %[[W1:.+]] = graph.weight "fc1.weight" dense<5.000000e-01> : tensor<8x4xbf16>
// ALL-NEXT: %[[B1:.+]] = graph.weight "fc1.bias" dense<2.500000e-01> : tensor<8xbf16>
// ALL-NEXT: %[[W2:.+]] = graph.weight "fc2.weight" dense<2.000000e+00> : tensor<3x8xbf16>
// ALL-NEXT: %[[B2:.+]] = graph.weight "fc2.bias" dense<1.000000e+00> : tensor<3xbf16>
// ALL-NEXT: %[[G1:.+]] = graph.gemm %[[XB]], %[[W1]], %[[B1]] {trans_b = true} : (tensor<2x4xbf16>, tensor<8x4xbf16>, tensor<8xbf16>) -> tensor<2x8xbf16>
// ALL-NEXT: %[[R:.+]] = graph.relu %[[G1]] : tensor<2x8xbf16>
// ALL-NEXT: %[[G2:.+]] = graph.gemm %[[R]], %[[W2]], %[[B2]] {trans_b = true} : (tensor<2x8xbf16>, tensor<3x8xbf16>, tensor<3xbf16>) -> tensor<2x3xbf16>
// ALL-NEXT: %[[OUT:.+]] = graph.cast %[[G2]] : tensor<2x3xbf16> -> tensor<2x3xf32>
// ALL-NEXT: return %[[OUT]] : tensor<2x3xf32>
func.func @mlp(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w1 = graph.weight "fc1.weight" dense<0.5> : tensor<8x4xf32>
  %b1 = graph.weight "fc1.bias" dense<0.25> : tensor<8xf32>
  %w2 = graph.weight "fc2.weight" dense<2.0> : tensor<3x8xf32>
  %b2 = graph.weight "fc2.bias" dense<1.0> : tensor<3xf32>
  %0 = graph.gemm %x, %w1, %b1 {trans_b = true} : (tensor<2x4xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %1 = graph.relu %0 : tensor<2x8xf32>
  %2 = graph.gemm %1, %w2, %b2 {trans_b = true} : (tensor<2x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----

// Two matmuls in a row: the first's bf16 result feeds the second directly,
// with no f32 round trip (which would not fold: f32 -> bf16 rounds).

// MATMULT-LABEL: func.func @chain
// MATMULT: %[[M0:.+]] = graph.matmul {{.*}} -> tensor<1x4xbf16>
// MATMULT-NEXT: %[[M1:.+]] = graph.matmul %[[M0]], {{.*}} -> tensor<1x4xbf16>
// MATMULT-NEXT: %[[OUT:.+]] = graph.cast %[[M1]] : tensor<1x4xbf16> -> tensor<1x4xf32>
// MATMULT-NEXT: return %[[OUT]]

// ALL-LABEL: func.func @chain
// ALL: %[[M0:.+]] = graph.matmul {{.*}} -> tensor<1x4xbf16>
// ALL-NEXT: %[[M1:.+]] = graph.matmul %[[M0]], {{.*}} -> tensor<1x4xbf16>
// ALL-NEXT: %[[OUT:.+]] = graph.cast %[[M1]] : tensor<1x4xbf16> -> tensor<1x4xf32>
// ALL-NEXT: return %[[OUT]]
func.func @chain(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w0 = graph.weight "w0" dense<1.0> : tensor<4x4xf32>
  %w1 = graph.weight "w1" dense<1.0> : tensor<4x4xf32>
  %0 = graph.matmul %x, %w0 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %1 = graph.matmul %0, %w1 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  return %1 : tensor<1x4xf32>
}

// -----

// A value read twice by one matmul (x * x) and once by an f32 op is cast
// once, just before the matmul. A weight also read by an f32 op keeps its f32 copy and gains a bf16
// one. Rounding is to nearest even: 1 + 2^-8 is a tie that stays at 1.0,
// 1 + 3 * 2^-8 a tie that goes up to 1 + 4 * 2^-8 = 1.015625, 1 + 3 * 2^-9
// is above the half and goes up to 1 + 2^-7 = 1.0078125 (MLIR prints bf16
// to six digits: 1.015630 and 1.007810; the dense_resource test below checks
// the exact bits).

// MATMULT-LABEL: func.func @shared
// MATMULT-SAME: (%[[X:.+]]: tensor<4x4xf32>)
// MATMULT-NEXT: %[[W:.+]] = graph.weight "w" dense<[1.00390625, 1.01171875, 1.00585938, -2.500000e+00]> : tensor<4xf32>
// MATMULT-NEXT: %[[WB:.+]] = graph.weight "w.bf16" dense<[1.000000e+00, 1.015630e+00, 1.007810e+00, -2.500000e+00]> : tensor<4xbf16>
// MATMULT-NEXT: %[[XB:.+]] = graph.cast %[[X]] : tensor<4x4xf32> -> tensor<4x4xbf16>
// MATMULT-NEXT: %[[SQ:.+]] = graph.matmul %[[XB]], %[[XB]] : (tensor<4x4xbf16>, tensor<4x4xbf16>) -> tensor<4x4xbf16>
// MATMULT-NEXT: %[[SQF:.+]] = graph.cast %[[SQ]] : tensor<4x4xbf16> -> tensor<4x4xf32>
// MATMULT-NEXT: %[[P:.+]] = graph.matmul %[[SQ]], %[[WB]] : (tensor<4x4xbf16>, tensor<4xbf16>) -> tensor<4xbf16>
// MATMULT-NEXT: %[[PF:.+]] = graph.cast %[[P]] : tensor<4xbf16> -> tensor<4xf32>
// MATMULT-NEXT: %[[A:.+]] = graph.add %[[SQF]], %[[W]] : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
// MATMULT-NEXT: %[[B:.+]] = graph.add %[[A]], %[[PF]] : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
// MATMULT-NEXT: %[[C:.+]] = graph.add %[[B]], %[[X]] : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
// MATMULT-NEXT: return %[[C]]

// In all mode the one weight is converted in place.
// ALL-LABEL: func.func @shared
// ALL: graph.weight "w" dense<[1.000000e+00, 1.015630e+00, 1.007810e+00, -2.500000e+00]> : tensor<4xbf16>
// ALL-NOT: graph.weight
// ALL: return
func.func @shared(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %w = graph.weight "w" dense<[1.00390625, 1.01171875, 1.005859375, -2.5]> : tensor<4xf32>
  %0 = graph.matmul %x, %x : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %1 = graph.matmul %0, %w : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = graph.add %0, %w : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
  %3 = graph.add %2, %1 : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
  %4 = graph.add %3, %x : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %4 : tensor<4x4xf32>
}

// -----

// A dense_resource weight (what the importers produce) stays a resource
// blob: the same rounding cases as above, as raw little-endian bits.
// f32 in: 3F808000 3F818000 3F80C000 C0200000; bf16 out: 3F80 3F82 3F81 C020.

// MATMULT-LABEL: func.func @conv
// MATMULT-SAME: (%[[X:.+]]: tensor<1x1x2x2xf32>)
// MATMULT-NEXT: %[[F:.+]] = graph.weight "conv.weight" dense_resource<[[KEY:.+]]> : tensor<4x1x1x1xbf16>
// MATMULT-NEXT: %[[B:.+]] = graph.constant dense<1.000000e+00> : tensor<4xbf16>
// MATMULT-NEXT: %[[XB:.+]] = graph.cast %[[X]] : tensor<1x1x2x2xf32> -> tensor<1x1x2x2xbf16>
// MATMULT-NEXT: %[[C:.+]] = graph.conv %[[XB]], %[[F]], %[[B]] : (tensor<1x1x2x2xbf16>, tensor<4x1x1x1xbf16>, tensor<4xbf16>) -> tensor<1x4x2x2xbf16>
// MATMULT-NEXT: %[[CF:.+]] = graph.cast %[[C]] : tensor<1x4x2x2xbf16> -> tensor<1x4x2x2xf32>
// MATMULT-NEXT: return %[[CF]]
// MATMULT: [[KEY]]: "0x40000000803F823F813F20C0"

// ALL-LABEL: func.func @conv
// ALL: graph.weight "conv.weight" dense_resource<[[KEY:.+]]> : tensor<4x1x1x1xbf16>
// ALL: [[KEY]]: "0x40000000803F823F813F20C0"
func.func @conv(%x: tensor<1x1x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %f = graph.weight "conv.weight" dense_resource<conv_weight> : tensor<4x1x1x1xf32>
  %b = graph.constant dense<1.0> : tensor<4xf32>
  %0 = graph.conv %x, %f, %b : (tensor<1x1x2x2xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      conv_weight: "0x040000000080803F0080813F00C0803F000020C0"
    }
  }
#-}

// -----

// Integer tensors are untouched: the ids stay i64, the i64 mask is cast
// straight to bf16 in all mode. Without a matrix op, matmult changes nothing.

// MATMULT-LABEL: func.func @embed
// MATMULT-NOT: bf16
// MATMULT: return

// ALL-LABEL: func.func @embed
// ALL-SAME: (%[[IDS:.+]]: tensor<2x3xi64>, %[[MASK:.+]]: tensor<2x3xi64>) -> tensor<2x3x4xf32>
// ALL-NEXT: %[[T:.+]] = graph.weight "table" dense<1.000000e+00> : tensor<10x4xbf16>
// ALL-NEXT: %[[E:.+]] = graph.gather %[[T]], %[[IDS]] : (tensor<10x4xbf16>, tensor<2x3xi64>) -> tensor<2x3x4xbf16>
// ALL-NEXT: %[[M:.+]] = graph.cast %[[MASK]] : tensor<2x3xi64> -> tensor<2x3xbf16>
// ALL-NEXT: %[[U:.+]] = graph.unsqueeze %[[M]] {axes = array<i64: 2>} : tensor<2x3xbf16> -> tensor<2x3x1xbf16>
// ALL-NEXT: %[[R:.+]] = graph.mul %[[E]], %[[U]] : (tensor<2x3x4xbf16>, tensor<2x3x1xbf16>) -> tensor<2x3x4xbf16>
// ALL-NEXT: %[[OUT:.+]] = graph.cast %[[R]] : tensor<2x3x4xbf16> -> tensor<2x3x4xf32>
// ALL-NEXT: return %[[OUT]]
func.func @embed(%ids: tensor<2x3xi64>, %mask: tensor<2x3xi64>) -> tensor<2x3x4xf32> {
  %t = graph.weight "table" dense<1.0> : tensor<10x4xf32>
  %e = graph.gather %t, %ids {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  %m = graph.cast %mask : tensor<2x3xi64> -> tensor<2x3xf32>
  %u = graph.unsqueeze %m {axes = array<i64: 2>} : tensor<2x3xf32> -> tensor<2x3x1xf32>
  %r = graph.mul %e, %u : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// -----

// A model whose input is already bf16: its cast to f32 becomes an identity
// and goes; the f32 result is cast back at the return. matmult keeps the
// integer matmul and the f16 one as they are.

// MATMULT-LABEL: func.func @typed_inputs
// MATMULT-NEXT: graph.cast %{{.+}} : tensor<3xbf16> -> tensor<3xf32>
// MATMULT-NEXT: graph.relu %{{.+}} : tensor<3xf32>
// MATMULT-NEXT: graph.matmul {{.+}} -> tensor<2x2xi32>
// MATMULT-NEXT: graph.matmul {{.+}} -> tensor<2x2xf16>
// MATMULT-NEXT: return

// ALL-LABEL: func.func @typed_inputs
// ALL-SAME: (%[[X:.+]]: tensor<3xbf16>, %[[I:.+]]: tensor<2x2xi32>, %[[H:.+]]: tensor<2x2xf16>)
// ALL-NEXT: %[[R:.+]] = graph.relu %[[X]] : tensor<3xbf16>
// ALL-NEXT: %[[II:.+]] = graph.matmul %[[I]], %[[I]] : (tensor<2x2xi32>, tensor<2x2xi32>) -> tensor<2x2xi32>
// ALL-NEXT: %[[HH:.+]] = graph.matmul %[[H]], %[[H]] : (tensor<2x2xf16>, tensor<2x2xf16>) -> tensor<2x2xf16>
// ALL-NEXT: %[[OUT:.+]] = graph.cast %[[R]] : tensor<3xbf16> -> tensor<3xf32>
// ALL-NEXT: return %[[OUT]], %[[II]], %[[HH]]
func.func @typed_inputs(%x: tensor<3xbf16>, %i: tensor<2x2xi32>, %h: tensor<2x2xf16>)
    -> (tensor<3xf32>, tensor<2x2xi32>, tensor<2x2xf16>) {
  %0 = graph.cast %x : tensor<3xbf16> -> tensor<3xf32>
  %1 = graph.relu %0 : tensor<3xf32>
  %2 = graph.matmul %i, %i : (tensor<2x2xi32>, tensor<2x2xi32>) -> tensor<2x2xi32>
  %3 = graph.matmul %h, %h : (tensor<2x2xf16>, tensor<2x2xf16>) -> tensor<2x2xf16>
  return %1, %2, %3 : tensor<3xf32>, tensor<2x2xi32>, tensor<2x2xf16>
}
