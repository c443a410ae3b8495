// RUN: neuron-opt %s -split-input-file -verify-diagnostics --neuron-auto-cast=mode=all
// RUN: not neuron-opt %s -split-input-file --neuron-auto-cast=mode=fp32 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not neuron-opt %s -split-input-file --neuron-auto-cast="mode=matmult type=fp16" 2>&1 | FileCheck %s --check-prefix=FP16
// RUN: not neuron-opt %s -split-input-file --neuron-auto-cast="mode=all type=fp8_e4m3" 2>&1 | FileCheck %s --check-prefix=FP8
// RUN: not neuron-opt %s -split-input-file --neuron-auto-cast="mode=all type=int4" 2>&1 | FileCheck %s --check-prefix=TYPE

// Errors of neuron-auto-cast. Bad option values are reported on the
// function (here the first one):
// MODE: error: unknown auto-cast mode 'fp32'; expected none, matmult or all
// FP16: error: auto-cast type 'fp16' is not supported; only bf16 is
// FP8: error: auto-cast type 'fp8_e4m3' is not supported; only bf16 is
// TYPE: error: unknown auto-cast type 'int4'; expected bf16 (fp16, tf32 and fp8_e4m3 are not supported)

// The pass runs before partitioning.
// expected-error @+1 {{auto-cast runs before partitioning; this function is already a pipe.pipeline}}
func.func @partitioned(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %r = pipe.pipeline (%x) : (tensor<1x4xf32>) -> tensor<1x4xf32> {
  ^bb0(%in: tensor<1x4xf32>):
    %a = pipe.stage 0 on core 0 (%in) : (tensor<1x4xf32>) -> tensor<1x4xf32> {
    ^bb0(%arg: tensor<1x4xf32>):
      %0 = graph.relu %arg : tensor<1x4xf32>
      pipe.yield %0 : tensor<1x4xf32>
    }
    pipe.yield %a : tensor<1x4xf32>
  }
  return %r : tensor<1x4xf32>
}

// -----

// all mode retypes graph ops only; another dialect's op is refused.
func.func @foreign(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'arith.addf' op cannot be auto-cast: only graph ops are retyped to bf16}}
  %0 = arith.addf %x, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
