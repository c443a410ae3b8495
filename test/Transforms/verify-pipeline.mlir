// RUN: neuron-opt %s -split-input-file -verify-diagnostics --neuron-verify-pipeline=core-memory=100
// RUN: neuron-opt %s -split-input-file --neuron-verify-pipeline="core-memory=1000 adjacent-only=false" | FileCheck %s

// Errors of neuron-verify-pipeline; the second run, with a large cap and
// any earlier stage allowed as a source, accepts both.

// CHECK-LABEL: func.func @over_cap
func.func @over_cap(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %r = pipe.pipeline (%x) : (tensor<1x4xf32>) -> tensor<1x4xf32> {
  ^bb0(%in: tensor<1x4xf32>):
    // expected-error @+1 {{stage 0 holds 128 bytes of weights, over the per-core cap of 100 bytes}}
    %a = pipe.stage 0 on core 0 (%in) : (tensor<1x4xf32>) -> tensor<1x4xf32> {
    ^bb0(%arg: tensor<1x4xf32>):
      %w0 = graph.weight "w0" dense<1.0> : tensor<4x4xf32>
      %w1 = graph.weight "w1" dense<1.0> : tensor<4x4xf32>
      %0 = graph.matmul %arg, %w0 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
      %1 = graph.matmul %0, %w1 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
      pipe.yield %1 : tensor<1x4xf32>
    }
    pipe.yield %a : tensor<1x4xf32>
  }
  return %r : tensor<1x4xf32>
}

// -----

// Stage 2 reads stage 0 directly and the pipeline returns a stage 0 value.

// CHECK-LABEL: func.func @skips_a_stage
func.func @skips_a_stage(%x: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  // expected-error @+1 {{pipeline result #1 does not come from the last stage (2)}}
  %r:2 = pipe.pipeline (%x) : (tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  ^bb0(%in: tensor<1x4xf32>):
    %a = pipe.stage 0 on core 0 (%in) : (tensor<1x4xf32>) -> tensor<1x4xf32> {
    ^bb0(%arg: tensor<1x4xf32>):
      %0 = graph.relu %arg : tensor<1x4xf32>
      pipe.yield %0 : tensor<1x4xf32>
    }
    %b = pipe.stage 1 on core 1 (%a) : (tensor<1x4xf32>) -> tensor<1x4xf32> {
    ^bb0(%arg: tensor<1x4xf32>):
      %0 = graph.tanh %arg : tensor<1x4xf32>
      pipe.yield %0 : tensor<1x4xf32>
    }
    // expected-error @+1 {{stage 2 operand #1 is not a result of stage 1; values must be forwarded through every stage in between}}
    %c = pipe.stage 2 on core 2 (%b, %a) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> {
    ^bb0(%arg0: tensor<1x4xf32>, %arg1: tensor<1x4xf32>):
      %0 = graph.add %arg0, %arg1 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
      pipe.yield %0 : tensor<1x4xf32>
    }
    pipe.yield %c, %a : tensor<1x4xf32>, tensor<1x4xf32>
  }
  return %r#0, %r#1 : tensor<1x4xf32>, tensor<1x4xf32>
}
