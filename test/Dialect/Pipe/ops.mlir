// RUN: neuron-opt %s | neuron-opt | FileCheck %s
// RUN: neuron-opt %s --mlir-print-op-generic | neuron-opt | FileCheck %s

// A three-stage pipeline: stage 0 has two results, one of which skips stage 1
// and is consumed by stage 2; stage 1 owns a weight; the pipeline returns a
// stage result and forwards one of its inputs. Cores need only increase.

// CHECK-LABEL: func.func @three_stages
// CHECK-SAME: (%[[X:.+]]: tensor<1x4xf32>, %[[M:.+]]: tensor<1x4xi1>)
func.func @three_stages(%x: tensor<1x4xf32>, %m: tensor<1x4xi1>) -> (tensor<1x2xf32>, tensor<1x4xi1>) {
  // CHECK: %[[P:.+]]:2 = pipe.pipeline(%[[X]], %[[M]]) : (tensor<1x4xf32>, tensor<1x4xi1>) -> (tensor<1x2xf32>, tensor<1x4xi1>) {
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: tensor<1x4xf32>, %[[MASK:.+]]: tensor<1x4xi1>):
  %r:2 = pipe.pipeline (%x, %m) : (tensor<1x4xf32>, tensor<1x4xi1>) -> (tensor<1x2xf32>, tensor<1x4xi1>) {
  ^bb0(%in: tensor<1x4xf32>, %mask: tensor<1x4xi1>):
    // CHECK-NEXT: %[[S0:.+]]:2 = pipe.stage 0 on core 0(%[[IN]]) : (tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
    // CHECK-NEXT: ^bb0(%[[A0:.+]]: tensor<1x4xf32>):
    // CHECK-NEXT: %[[R0:.+]] = graph.relu %[[A0]]
    // CHECK-NEXT: %[[T0:.+]] = graph.tanh %[[A0]]
    // CHECK-NEXT: pipe.yield %[[R0]], %[[T0]] : tensor<1x4xf32>, tensor<1x4xf32>
    // CHECK-NEXT: }
    %s0:2 = pipe.stage 0 on core 0 (%in) : (tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
    ^bb0(%a: tensor<1x4xf32>):
      %0 = graph.relu %a : tensor<1x4xf32>
      %1 = graph.tanh %a : tensor<1x4xf32>
      pipe.yield %0, %1 : tensor<1x4xf32>, tensor<1x4xf32>
    }
    // CHECK-NEXT: %[[S1:.+]] = pipe.stage 1 on core 2(%[[S0]]#0) : (tensor<1x4xf32>) -> tensor<1x4xf32> {
    // CHECK-NEXT: ^bb0(%[[A1:.+]]: tensor<1x4xf32>):
    // CHECK-NEXT: %[[W:.+]] = graph.weight "fc.weight" dense<5.000000e-01> : tensor<4x4xf32>
    // CHECK-NEXT: %[[MM:.+]] = graph.matmul %[[A1]], %[[W]]
    // CHECK-NEXT: pipe.yield %[[MM]] : tensor<1x4xf32>
    // CHECK-NEXT: }
    %s1 = pipe.stage 1 on core 2 (%s0#0) : (tensor<1x4xf32>) -> tensor<1x4xf32> {
    ^bb0(%a: tensor<1x4xf32>):
      %w = graph.weight "fc.weight" dense<0.5> : tensor<4x4xf32>
      %0 = graph.matmul %a, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
      pipe.yield %0 : tensor<1x4xf32>
    }
    // CHECK-NEXT: %[[S2:.+]] = pipe.stage 2 on core 3(%[[S1]], %[[S0]]#1) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x2xf32> {
    // CHECK-NEXT: ^bb0(%[[A2:.+]]: tensor<1x4xf32>, %[[B2:.+]]: tensor<1x4xf32>):
    // CHECK-NEXT: %[[ADD:.+]] = graph.add %[[A2]], %[[B2]]
    // CHECK-NEXT: %[[SL:.+]] = graph.slice %[[ADD]]
    // CHECK-NEXT: pipe.yield %[[SL]] : tensor<1x2xf32>
    // CHECK-NEXT: }
    %s2 = pipe.stage 2 on core 3 (%s1, %s0#1) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x2xf32> {
    ^bb0(%a: tensor<1x4xf32>, %b: tensor<1x4xf32>):
      %0 = graph.add %a, %b : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
      %1 = graph.slice %0 {starts = array<i64: 0>, ends = array<i64: 2>, axes = array<i64: 1>} : tensor<1x4xf32> -> tensor<1x2xf32>
      pipe.yield %1 : tensor<1x2xf32>
    }
    // CHECK-NEXT: pipe.yield %[[S2]], %[[MASK]] : tensor<1x2xf32>, tensor<1x4xi1>
    // CHECK-NEXT: }
    pipe.yield %s2, %mask : tensor<1x2xf32>, tensor<1x4xi1>
  }
  // CHECK-NEXT: return %[[P]]#0, %[[P]]#1
  return %r#0, %r#1 : tensor<1x2xf32>, tensor<1x4xi1>
}

// A single stage without operands (all of its data are weights).
// CHECK-LABEL: func.func @single_stage
// CHECK: %[[P:.+]] = pipe.pipeline() : () -> tensor<2xf32> {
// CHECK-NEXT: %[[S:.+]] = pipe.stage 0 on core 0() : () -> tensor<2xf32> {
// CHECK-NEXT: %[[W:.+]] = graph.weight "w" dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: pipe.yield %[[W]] : tensor<2xf32>
// CHECK-NEXT: }
// CHECK-NEXT: pipe.yield %[[S]] : tensor<2xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[P]]
func.func @single_stage() -> tensor<2xf32> {
  %r = pipe.pipeline () : () -> tensor<2xf32> {
    %s = pipe.stage 0 on core 0 () : () -> tensor<2xf32> {
      %w = graph.weight "w" dense<[1.0, 2.0]> : tensor<2xf32>
      pipe.yield %w : tensor<2xf32>
    }
    pipe.yield %s : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}
