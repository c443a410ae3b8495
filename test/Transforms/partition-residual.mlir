// RUN: neuron-opt %s --neuron-partition=num-stages=3 --neuron-verify-pipeline | FileCheck %s

// Residual connections: %0 (stage 0) is read by stage 2 and the input %x by
// the last op. Both are forwarded through every stage in between, so stage i
// only ever reads stage i - 1. Each matmul holds 64 bytes of weights, the
// adds none, so the optimum is one matmul per stage (max 64), the adds last.
// Boundary bytes (16 per value): stage 0 receives x, sends x and %0 (48);
// stage 1 receives 2, sends 3 (80); stage 2 receives 3, sends 1 (64).

// CHECK-LABEL: func.func @residual
// CHECK-SAME: (%[[X:.+]]: tensor<1x4xf32>)
// CHECK: pipe.pipeline(%[[X]]) {algorithm = "ideal-dp", max_load = 64 : i64, objective = "weights", optimal = true}
// CHECK-NEXT: ^bb0(%[[IN:.+]]: tensor<1x4xf32>):
// CHECK-NEXT: %[[S0:.+]]:2 = pipe.stage 0 on core 0(%[[IN]]) {boundary_bytes = 48 : i64, flops = 32 : i64, ops = 1 : i64, weight_bytes = 64 : i64}
// CHECK-NEXT: ^bb0(%[[A0:.+]]: tensor<1x4xf32>):
// CHECK-NEXT: %[[W0:.+]] = graph.weight "w0"
// CHECK-NEXT: %[[M0:.+]] = graph.matmul %[[A0]], %[[W0]]
// CHECK-NEXT: pipe.yield %[[A0]], %[[M0]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[S1:.+]]:3 = pipe.stage 1 on core 1(%[[S0]]#0, %[[S0]]#1) {boundary_bytes = 80 : i64, flops = 32 : i64, ops = 1 : i64, weight_bytes = 64 : i64}
// CHECK-NEXT: ^bb0(%[[XF:.+]]: tensor<1x4xf32>, %[[R0:.+]]: tensor<1x4xf32>):
// CHECK-NEXT: %[[W1:.+]] = graph.weight "w1"
// CHECK-NEXT: %[[M1:.+]] = graph.matmul %[[R0]], %[[W1]]
// CHECK-NEXT: pipe.yield %[[XF]], %[[R0]], %[[M1]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[S2:.+]] = pipe.stage 2 on core 2(%[[S1]]#0, %[[S1]]#1, %[[S1]]#2) {boundary_bytes = 64 : i64, flops = 40 : i64, ops = 3 : i64, weight_bytes = 64 : i64}
// CHECK-NEXT: ^bb0(%[[X2:.+]]: tensor<1x4xf32>, %[[R2:.+]]: tensor<1x4xf32>, %[[M12:.+]]: tensor<1x4xf32>):
// CHECK-NEXT: %[[W2:.+]] = graph.weight "w2"
// CHECK-NEXT: %[[M2:.+]] = graph.matmul %[[M12]], %[[W2]]
// CHECK-NEXT: %[[SUM:.+]] = graph.add %[[M2]], %[[R2]]
// CHECK-NEXT: %[[OUT:.+]] = graph.add %[[SUM]], %[[X2]]
// CHECK-NEXT: pipe.yield %[[OUT]]
// CHECK-NEXT: }
// CHECK-NEXT: pipe.yield %[[S2]]
func.func @residual(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w0 = graph.weight "w0" dense<1.0> : tensor<4x4xf32>
  %w1 = graph.weight "w1" dense<1.0> : tensor<4x4xf32>
  %w2 = graph.weight "w2" dense<1.0> : tensor<4x4xf32>
  %0 = graph.matmul %x, %w0 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %1 = graph.matmul %0, %w1 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %2 = graph.matmul %1, %w2 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %3 = graph.add %2, %0 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %4 = graph.add %3, %x : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %4 : tensor<1x4xf32>
}
