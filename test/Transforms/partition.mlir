// RUN: neuron-opt %s -split-input-file --neuron-partition=num-stages=2 --neuron-verify-pipeline | FileCheck %s

// Two stages of DAGs, partitioned by weight bytes.

// A multi-output op: the split's first result crosses to stage 1, its second
// is used inside stage 0. Weight bytes: matmul w0 32, add b0 16, matmul w1 96,
// matmul w2 64. The cuts containing the split are {split} 0 | 208,
// {split, w0} 32 | 176, {split, w0, b0} 48 | 160, {split, w1} 96 | 112,
// {split, w0, w1} 128 | 80, ...: the optimum, 112, puts the w1 branch first.
// FLOPs: stage 0 = 2*4*6 = 48; stage 1 = 2*4*2 + 4 + 4 + 2*4*4 = 56.
// Boundary bytes: stage 0 receives x (32) and sends 8 + 16; stage 1
// receives 24 and sends 16.

// CHECK-LABEL: func.func @split_outputs
// CHECK-SAME: (%[[X:.+]]: tensor<1x8xf32>)
// CHECK: pipe.pipeline(%[[X]]) {algorithm = "ideal-dp", max_load = 112 : i64, objective = "weights", optimal = true}
// CHECK-NEXT: ^bb0(%[[IN:.+]]: tensor<1x8xf32>):
// CHECK-NEXT: %[[S0:.+]]:2 = pipe.stage 0 on core 0(%[[IN]]) {boundary_bytes = 56 : i64, flops = 48 : i64, ops = 2 : i64, weight_bytes = 96 : i64} : (tensor<1x8xf32>) -> (tensor<1x2xf32>, tensor<1x4xf32>) {
// CHECK-NEXT: ^bb0(%[[A0:.+]]: tensor<1x8xf32>):
// CHECK-NEXT: %[[SPLIT:.+]]:2 = graph.split %[[A0]]
// CHECK-NEXT: %[[W1:.+]] = graph.weight "w1"
// CHECK-NEXT: %[[M1:.+]] = graph.matmul %[[SPLIT]]#1, %[[W1]]
// CHECK-NEXT: pipe.yield %[[SPLIT]]#0, %[[M1]] : tensor<1x2xf32>, tensor<1x4xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[S1:.+]] = pipe.stage 1 on core 1(%[[S0]]#0, %[[S0]]#1) {boundary_bytes = 40 : i64, flops = 56 : i64, ops = 4 : i64, weight_bytes = 112 : i64}
// CHECK-NEXT: ^bb0(%[[A:.+]]: tensor<1x2xf32>, %[[B:.+]]: tensor<1x4xf32>):
// CHECK-NEXT: %[[W0:.+]] = graph.weight "w0"
// CHECK-NEXT: %[[M0:.+]] = graph.matmul %[[A]], %[[W0]]
// CHECK-NEXT: %[[B0:.+]] = graph.weight "b0"
// CHECK-NEXT: %[[R0:.+]] = graph.add %[[M0]], %[[B0]]
// CHECK-NEXT: %[[SUM:.+]] = graph.add %[[R0]], %[[B]]
// CHECK-NEXT: %[[W2:.+]] = graph.weight "w2"
// CHECK-NEXT: %[[M2:.+]] = graph.matmul %[[SUM]], %[[W2]]
// CHECK-NEXT: pipe.yield %[[M2]] : tensor<1x4xf32>
// CHECK-NEXT: }
// CHECK-NEXT: pipe.yield %[[S1]] : tensor<1x4xf32>
func.func @split_outputs(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
  %w0 = graph.weight "w0" dense<1.0> : tensor<2x4xf32>
  %b0 = graph.weight "b0" dense<1.0> : tensor<4xf32>
  %w1 = graph.weight "w1" dense<1.0> : tensor<6x4xf32>
  %w2 = graph.weight "w2" dense<1.0> : tensor<4x4xf32>
  %a, %b = graph.split %x {axis = 1 : i64, sizes = array<i64: 2, 6>} : tensor<1x8xf32> -> (tensor<1x2xf32>, tensor<1x6xf32>)
  %0 = graph.matmul %a, %w0 : (tensor<1x2xf32>, tensor<2x4xf32>) -> tensor<1x4xf32>
  %1 = graph.add %0, %b0 : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %2 = graph.matmul %b, %w1 : (tensor<1x6xf32>, tensor<6x4xf32>) -> tensor<1x4xf32>
  %3 = graph.add %1, %2 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %4 = graph.matmul %3, %w2 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  return %4 : tensor<1x4xf32>
}

// -----

// A weight used by the first and the last op: cloned into both stages, and
// counted in each. Weight bytes per op: 64 (w), 64 (w2), 16 (b), 64 (w);
// the cut after the second matmul gives {w, w2} 128 | {b, w} 80, the others
// 64 | 144 (w2, b, w) and 144 | 64.

// CHECK-LABEL: func.func @shared_weight
// CHECK: pipe.pipeline{{.*}} {algorithm = "chain-bisection", max_load = 128 : i64, objective = "weights", optimal = true}
// CHECK: pipe.stage 0 on core 0{{.*}} {boundary_bytes = 32 : i64, flops = 64 : i64, ops = 2 : i64, weight_bytes = 128 : i64}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: graph.weight "w" dense<1.000000e+00> : tensor<4x4xf32>
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: graph.weight "w2"
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: pipe.yield
// CHECK: pipe.stage 1 on core 1{{.*}} {boundary_bytes = 32 : i64, flops = 36 : i64, ops = 2 : i64, weight_bytes = 80 : i64}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: graph.weight "b"
// CHECK-NEXT: graph.add
// CHECK-NEXT: graph.weight "w" dense<1.000000e+00> : tensor<4x4xf32>
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: pipe.yield
func.func @shared_weight(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w = graph.weight "w" dense<1.0> : tensor<4x4xf32>
  %w2 = graph.weight "w2" dense<1.0> : tensor<4x4xf32>
  %b = graph.weight "b" dense<1.0> : tensor<4xf32>
  %0 = graph.matmul %x, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %1 = graph.matmul %0, %w2 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %2 = graph.add %1, %b : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %3 = graph.matmul %2, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  return %3 : tensor<1x4xf32>
}

// -----

// Constants are cloned like weights but weigh nothing; a value returned
// twice and an input returned as is leave from the last stage. Stage 0 is
// the weighted matmul (64 bytes), stage 1 the rest; the input is forwarded.

// CHECK-LABEL: func.func @constants_and_returns
// CHECK-SAME: (%[[X:.+]]: tensor<1x4xf32>)
// CHECK: %[[P:.+]]:3 = pipe.pipeline(%[[X]]) {algorithm = "chain-bisection", max_load = 64 : i64
// CHECK-NEXT: ^bb0(%[[IN:.+]]: tensor<1x4xf32>):
// CHECK-NEXT: %[[S0:.+]]:2 = pipe.stage 0 on core 0(%[[IN]]) {{.*}}weight_bytes = 64 : i64}
// CHECK-NEXT: ^bb0(%[[A0:.+]]: tensor<1x4xf32>):
// CHECK-NEXT: graph.weight "w"
// CHECK-NEXT: %[[M:.+]] = graph.matmul
// CHECK-NEXT: pipe.yield %[[A0]], %[[M]]
// CHECK: %[[S1:.+]]:2 = pipe.stage 1 on core 1(%[[S0]]#0, %[[S0]]#1) {boundary_bytes = 64 : i64, flops = 4 : i64, ops = 1 : i64, weight_bytes = 0 : i64}
// CHECK-NEXT: ^bb0(%[[A1:.+]]: tensor<1x4xf32>, %[[B1:.+]]: tensor<1x4xf32>):
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<2.000000e+00>
// CHECK-NEXT: %[[R:.+]] = graph.mul %[[B1]], %[[C]]
// CHECK-NEXT: pipe.yield %[[A1]], %[[R]]
// CHECK: pipe.yield %[[S1]]#1, %[[S1]]#1, %[[S1]]#0
// CHECK: return %[[P]]#0, %[[P]]#1, %[[P]]#2
func.func @constants_and_returns(%x: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>) {
  %w = graph.weight "w" dense<1.0> : tensor<4x4xf32>
  %c = graph.constant dense<2.0> : tensor<4xf32>
  %0 = graph.matmul %x, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %1 = graph.mul %0, %c : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return %1, %1, %x : tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>
}

// -----

// Tied weights inside a stage count once in the load: the gemms read m1, v2
// and m0, v1; the matmuls read m0 again and the add v1 again (m* 64 bytes,
// v* 16). Cutting after the first gemm gives {m1, v2} 80 | {m0, v1} 80;
// charging each op its own weights would have rated that 80 | 160 and cut
// after the second gemm (160 | 80).

// CHECK-LABEL: func.func @tied_weights
// CHECK: pipe.pipeline{{.*}} {algorithm = "chain-bisection", max_load = 80 : i64, objective = "weights", optimal = true}
// CHECK: pipe.stage 0 on core 0{{.*}} ops = 1 : i64, weight_bytes = 80 : i64}
// CHECK: pipe.stage 1 on core 1{{.*}} ops = 4 : i64, weight_bytes = 80 : i64}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: graph.weight "m0"
// CHECK-NEXT: graph.weight "v1"
// CHECK-NEXT: graph.gemm
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: graph.add
// CHECK-NEXT: pipe.yield
func.func @tied_weights(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %m0 = graph.weight "m0" dense<1.0> : tensor<4x4xf32>
  %m1 = graph.weight "m1" dense<1.0> : tensor<4x4xf32>
  %v1 = graph.weight "v1" dense<1.0> : tensor<4xf32>
  %v2 = graph.weight "v2" dense<1.0> : tensor<4xf32>
  %0 = graph.gemm %x, %m1, %v2 : (tensor<1x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %1 = graph.gemm %0, %m0, %v1 : (tensor<1x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %2 = graph.matmul %1, %m0 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %3 = graph.matmul %2, %m0 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %4 = graph.add %3, %v1 : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return %4 : tensor<1x4xf32>
}
