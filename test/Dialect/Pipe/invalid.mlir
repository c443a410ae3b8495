// RUN: neuron-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect

// Verifier errors of pipe.pipeline, pipe.stage and pipe.yield.

func.func @stage_outside_pipeline(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'pipe.stage' op expects parent op 'pipe.pipeline'}}
  %0 = pipe.stage 0 on core 0 (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    pipe.yield %a : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_outside(%x: tensor<4xf32>) {
  // expected-error @+1 {{'pipe.yield' op expects parent op to be one of 'pipe.pipeline, pipe.stage'}}
  pipe.yield %x : tensor<4xf32>
}

// -----

func.func @negative_index(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    // expected-error @+1 {{'pipe.stage' op attribute 'index' failed to satisfy constraint: 64-bit signless integer attribute whose value is non-negative}}
    %0 = pipe.stage -1 on core 0 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    pipe.yield %0 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @negative_core(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    // expected-error @+1 {{'pipe.stage' op attribute 'core' failed to satisfy constraint: 64-bit signless integer attribute whose value is non-negative}}
    %0 = pipe.stage 0 on core -2 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    pipe.yield %0 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// A stage sees only its block arguments, not the pipeline's.
func.func @stage_not_isolated(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    // expected-note @+1 {{required by region isolation constraints}}
    %0 = pipe.stage 0 on core 0 () : () -> tensor<4xf32> {
      // expected-error @+1 {{'graph.relu' op using value defined outside the region}}
      %1 = graph.relu %in : tensor<4xf32>
      pipe.yield %1 : tensor<4xf32>
    }
    pipe.yield %0 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// A pipeline sees only its block arguments, not the function's.
func.func @pipeline_not_isolated(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note @+1 {{required by region isolation constraints}}
  %r = pipe.pipeline () : () -> tensor<4xf32> {
    // expected-error @+1 {{'pipe.stage' op using value defined outside the region}}
    %0 = pipe.stage 0 on core 0 (%x) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    pipe.yield %0 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// Values flow forward only: stage 0 cannot read stage 1's result.
func.func @uses_later_stage(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    // expected-error @+1 {{'pipe.stage' op operand #1 must be a pipeline input or a result of an earlier stage}}
    %0 = pipe.stage 0 on core 0 (%in, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>, %b: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    %1 = pipe.stage 1 on core 1 (%0) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    pipe.yield %1 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @uses_own_result(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    // expected-error @+1 {{'pipe.stage' op operand #0 must be a pipeline input or a result of an earlier stage}}
    %0 = pipe.stage 0 on core 0 (%0) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    pipe.yield %0 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @stage_yield_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    %0 = pipe.stage 0 on core 0 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      %1 = graph.reshape %a : tensor<4xf32> -> tensor<2x2xf32>
      // expected-error @+1 {{'pipe.yield' op returns 'tensor<2x2xf32>' but the stage produces 'tensor<4xf32>'}}
      pipe.yield %1 : tensor<2x2xf32>
    }
    pipe.yield %0 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @pipeline_yield_count(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %r:2 = pipe.pipeline (%x) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%in: tensor<4xf32>):
    %0 = pipe.stage 0 on core 0 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    // expected-error @+1 {{'pipe.yield' op returns 'tensor<4xf32>' but the pipeline produces 'tensor<4xf32>', 'tensor<4xf32>'}}
    pipe.yield %0 : tensor<4xf32>
  }
  return %r#0, %r#1 : tensor<4xf32>, tensor<4xf32>
}

// -----

func.func @no_stages(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'pipe.pipeline' op must contain at least one pipe.stage}}
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    pipe.yield %in : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @op_between_stages(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    // expected-error @+1 {{'graph.relu' op is not allowed in a pipeline: only pipe.stage ops may appear before the pipe.yield}}
    %0 = graph.relu %in : tensor<4xf32>
    %1 = pipe.stage 0 on core 0 (%0) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    pipe.yield %1 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @cores_equal(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    %0 = pipe.stage 0 on core 1 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    // expected-error @+1 {{'pipe.stage' op runs on core 1, which is not after core 1 of the previous stage}}
    %1 = pipe.stage 1 on core 1 (%0) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    pipe.yield %1 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @cores_decreasing(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    %0 = pipe.stage 0 on core 3 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    // expected-error @+1 {{'pipe.stage' op runs on core 2, which is not after core 3 of the previous stage}}
    %1 = pipe.stage 1 on core 2 (%0) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    pipe.yield %1 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @index_out_of_order(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    // expected-error @+1 {{'pipe.stage' op has index 1 but is stage 0 of the pipeline}}
    %0 = pipe.stage 1 on core 0 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    %1 = pipe.stage 0 on core 1 (%0) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    pipe.yield %1 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @index_gap(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    %0 = pipe.stage 0 on core 0 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    // expected-error @+1 {{'pipe.stage' op has index 2 but is stage 1 of the pipeline}}
    %1 = pipe.stage 2 on core 1 (%0) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    pipe.yield %1 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @pipeline_block_arguments(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'pipe.pipeline' op block arguments 'tensor<4xf16>' do not match the inputs 'tensor<4xf32>'}}
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf16>):
    %0 = pipe.stage 0 on core 0 () : () -> tensor<4xf32> {
      %1 = graph.constant dense<0.0> : tensor<4xf32>
      pipe.yield %1 : tensor<4xf32>
    }
    pipe.yield %0 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @stage_block_arguments(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    // expected-error @+1 {{'pipe.stage' op block arguments  do not match the operands 'tensor<4xf32>'}}
    %0 = pipe.stage 0 on core 0 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
      %1 = graph.constant dense<0.0> : tensor<4xf32>
      pipe.yield %1 : tensor<4xf32>
    }
    pipe.yield %0 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// Only reachable with an op that is a terminator but not pipe.yield; an
// unregistered op may be one.
func.func @wrong_terminator(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    // expected-error @+1 {{'pipe.stage' op body must end with pipe.yield}}
    %0 = pipe.stage 0 on core 0 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      "test.return"(%a) : (tensor<4xf32>) -> ()
    }
    pipe.yield %0 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @missing_terminator(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    %0 = pipe.stage 0 on core 0 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      // expected-error @+1 {{block with no terminator}}
      %1 = graph.relu %a : tensor<4xf32>
    }
    pipe.yield %0 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @two_blocks(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    // expected-error @+1 {{'pipe.stage' op expects region #0 to have 0 or 1 blocks}}
    %0 = pipe.stage 0 on core 0 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    ^bb1(%b: tensor<4xf32>):
      pipe.yield %b : tensor<4xf32>
    }
    pipe.yield %0 : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @non_tensor_input(%x: memref<4xf32>) {
  // expected-error @+1 {{'pipe.pipeline' op operand #0 must be variadic of ranked tensor of any type values, but got 'memref<4xf32>'}}
  pipe.pipeline (%x) : (memref<4xf32>) -> () {
  ^bb0(%in: memref<4xf32>):
    pipe.stage 0 on core 0 () : () -> () {
      pipe.yield
    }
    pipe.yield
  }
  return
}

// -----

// The pipeline's yield may not bypass the stages with an outside value;
// isolation catches this before the pipeline's own check of yielded values.
func.func @yield_outside_value(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note @+1 {{required by region isolation constraints}}
  %r = pipe.pipeline (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    %0 = pipe.stage 0 on core 0 (%in) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      pipe.yield %a : tensor<4xf32>
    }
    // expected-error @+1 {{'pipe.yield' op using value defined outside the region}}
    pipe.yield %x : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
