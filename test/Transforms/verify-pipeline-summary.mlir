// RUN: neuron-opt %s -verify-diagnostics --neuron-verify-pipeline

// A stale weight_bytes summary (the stage holds 64 bytes).

func.func @stale_summary(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %r = pipe.pipeline (%x) : (tensor<1x4xf32>) -> tensor<1x4xf32> {
  ^bb0(%in: tensor<1x4xf32>):
    // expected-error @+1 {{stage 0 records weight_bytes = 32 but its weights add up to 64 bytes}}
    %a = pipe.stage 0 on core 0 (%in) {weight_bytes = 32 : i64} : (tensor<1x4xf32>) -> tensor<1x4xf32> {
    ^bb0(%arg: tensor<1x4xf32>):
      %w0 = graph.weight "w0" dense<1.0> : tensor<4x4xf32>
      %0 = graph.matmul %arg, %w0 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
      pipe.yield %0 : tensor<1x4xf32>
    }
    pipe.yield %a : tensor<1x4xf32>
  }
  return %r : tensor<1x4xf32>
}
