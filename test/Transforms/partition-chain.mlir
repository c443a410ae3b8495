// RUN: neuron-opt %s --neuron-partition=num-stages=2 --neuron-verify-pipeline | FileCheck %s --check-prefix=TWO
// RUN: neuron-opt %s --neuron-partition=num-stages=3 --neuron-verify-pipeline | FileCheck %s --check-prefix=THREE
// RUN: neuron-opt %s --neuron-partition=num-stages=1 | FileCheck %s --check-prefix=ONE
// RUN: neuron-opt %s --neuron-partition=num-stages=5 | FileCheck %s --check-prefix=FIVE
// RUN: neuron-opt %s --neuron-partition=num-stages=2 | neuron-opt | FileCheck %s --check-prefix=TWO

// A chain matmul -> add -> matmul -> add -> matmul, partitioned by weight
// bytes. Weight bytes per op: 128, 32, 256, 32, 64 (total 512); FLOPs
// (2 per multiply-accumulate, 1 per add): 64, 8, 128, 8, 32 (total 240).
// Activations: x 16 bytes, the three middle values 32 bytes, the result 8.
//
// Two stages: cutting after the first add gives 160 | 352, after the first
// matmul 128 | 384, after the second matmul 416 | 96, so the optimum is 352.
// Three stages: the 256-byte matmul alone in the middle, 160 | 256 | 96.
// One stage: everything, 512. Five stages (one op each): the largest op, 256.

// TWO-LABEL: func.func @chain
// TWO-SAME: (%[[X:.+]]: tensor<1x4xf32>) -> tensor<1x2xf32>
// TWO: %[[P:.+]] = pipe.pipeline(%[[X]]) {algorithm = "chain-bisection", max_load = 352 : i64, objective = "weights", optimal = true}
// TWO-NEXT: ^bb0(%[[IN:.+]]: tensor<1x4xf32>):
// TWO-NEXT: %[[S0:.+]] = pipe.stage 0 on core 0(%[[IN]]) {boundary_bytes = 48 : i64, flops = 72 : i64, ops = 2 : i64, weight_bytes = 160 : i64} : (tensor<1x4xf32>) -> tensor<1x8xf32> {
// TWO-NEXT: ^bb0(%[[A0:.+]]: tensor<1x4xf32>):
// TWO-NEXT: %[[W0:.+]] = graph.weight "w0"
// TWO-NEXT: %[[M0:.+]] = graph.matmul %[[A0]], %[[W0]]
// TWO-NEXT: %[[B0:.+]] = graph.weight "b0"
// TWO-NEXT: %[[R0:.+]] = graph.add %[[M0]], %[[B0]]
// TWO-NEXT: pipe.yield %[[R0]] : tensor<1x8xf32>
// TWO-NEXT: }
// TWO-NEXT: %[[S1:.+]] = pipe.stage 1 on core 1(%[[S0]]) {boundary_bytes = 40 : i64, flops = 168 : i64, ops = 3 : i64, weight_bytes = 352 : i64} : (tensor<1x8xf32>) -> tensor<1x2xf32> {
// TWO-NEXT: ^bb0(%[[A1:.+]]: tensor<1x8xf32>):
// TWO-NEXT: %[[W1:.+]] = graph.weight "w1"
// TWO-NEXT: %[[M1:.+]] = graph.matmul %[[A1]], %[[W1]]
// TWO-NEXT: %[[B1:.+]] = graph.weight "b1"
// TWO-NEXT: %[[R1:.+]] = graph.add %[[M1]], %[[B1]]
// TWO-NEXT: %[[W2:.+]] = graph.weight "w2"
// TWO-NEXT: %[[M2:.+]] = graph.matmul %[[R1]], %[[W2]]
// TWO-NEXT: pipe.yield %[[M2]] : tensor<1x2xf32>
// TWO-NEXT: }
// TWO-NEXT: pipe.yield %[[S1]] : tensor<1x2xf32>
// TWO-NEXT: }
// TWO-NEXT: return %[[P]] : tensor<1x2xf32>

// THREE-LABEL: func.func @chain
// THREE: pipe.pipeline{{.*}} {algorithm = "chain-bisection", max_load = 256 : i64, objective = "weights", optimal = true}
// THREE: pipe.stage 0 on core 0{{.*}} {boundary_bytes = 48 : i64, flops = 72 : i64, ops = 2 : i64, weight_bytes = 160 : i64}
// THREE: pipe.stage 1 on core 1{{.*}} {boundary_bytes = 64 : i64, flops = 128 : i64, ops = 1 : i64, weight_bytes = 256 : i64}
// THREE-NEXT: ^bb0
// THREE-NEXT: graph.weight "w1"
// THREE-NEXT: graph.matmul
// THREE-NEXT: pipe.yield
// THREE: pipe.stage 2 on core 2{{.*}} {boundary_bytes = 40 : i64, flops = 40 : i64, ops = 2 : i64, weight_bytes = 96 : i64}
// THREE-NOT: pipe.stage

// ONE-LABEL: func.func @chain
// ONE: pipe.pipeline{{.*}} {algorithm = "chain-bisection", max_load = 512 : i64, objective = "weights", optimal = true}
// ONE: pipe.stage 0 on core 0{{.*}} {boundary_bytes = 24 : i64, flops = 240 : i64, ops = 5 : i64, weight_bytes = 512 : i64}
// ONE-NOT: pipe.stage

// FIVE-LABEL: func.func @chain
// FIVE: pipe.pipeline{{.*}} {algorithm = "chain-bisection", max_load = 256 : i64, objective = "weights", optimal = true}
// FIVE: pipe.stage 0 on core 0{{.*}} {boundary_bytes = 48 : i64, flops = 64 : i64, ops = 1 : i64, weight_bytes = 128 : i64}
// FIVE: pipe.stage 1 on core 1{{.*}} {boundary_bytes = 64 : i64, flops = 8 : i64, ops = 1 : i64, weight_bytes = 32 : i64}
// FIVE: pipe.stage 2 on core 2{{.*}} {boundary_bytes = 64 : i64, flops = 128 : i64, ops = 1 : i64, weight_bytes = 256 : i64}
// FIVE: pipe.stage 3 on core 3{{.*}} {boundary_bytes = 64 : i64, flops = 8 : i64, ops = 1 : i64, weight_bytes = 32 : i64}
// FIVE: pipe.stage 4 on core 4{{.*}} {boundary_bytes = 40 : i64, flops = 32 : i64, ops = 1 : i64, weight_bytes = 64 : i64}
// FIVE-NOT: pipe.stage
func.func @chain(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w0 = graph.weight "w0" dense<1.0> : tensor<4x8xf32>
  %b0 = graph.weight "b0" dense<1.0> : tensor<8xf32>
  %w1 = graph.weight "w1" dense<1.0> : tensor<8x8xf32>
  %b1 = graph.weight "b1" dense<1.0> : tensor<8xf32>
  %w2 = graph.weight "w2" dense<1.0> : tensor<8x2xf32>
  %0 = graph.matmul %x, %w0 : (tensor<1x4xf32>, tensor<4x8xf32>) -> tensor<1x8xf32>
  %1 = graph.add %0, %b0 : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  %2 = graph.matmul %1, %w1 : (tensor<1x8xf32>, tensor<8x8xf32>) -> tensor<1x8xf32>
  %3 = graph.add %2, %b1 : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  %4 = graph.matmul %3, %w2 : (tensor<1x8xf32>, tensor<8x2xf32>) -> tensor<1x2xf32>
  return %4 : tensor<1x2xf32>
}
