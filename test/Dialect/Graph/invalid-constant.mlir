// RUN: neuron-opt %s -split-input-file -verify-diagnostics

// Verifier errors of graph.constant and graph.weight.

func.func @weight_empty_name() -> tensor<2xf32> {
  // expected-error @+1 {{'graph.weight' op requires a non-empty weight name}}
  %0 = graph.weight "" dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @constant_f64() -> tensor<2xf64> {
  // expected-error @+1 {{'graph.constant' op result #0 must be statically shaped tensor of 32-bit float or bfloat16 type or 16-bit float or 64-bit signless integer or 32-bit signless integer or 8-bit signless integer or 1-bit signless integer values, but got 'tensor<2xf64>'}}
  %0 = graph.constant dense<[1.0, 2.0]> : tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

func.func @constant_vector() {
  // expected-error @+1 {{'graph.constant' op result #0 must be statically shaped tensor of}}
  %0 = graph.constant dense<[1.0, 2.0]> : vector<2xf32>
  return
}

// -----

func.func @weight_i16() {
  // expected-error @+1 {{'graph.weight' op result #0 must be statically shaped tensor of}}
  %0 = graph.weight "w" dense<1> : tensor<4xi16>
  return
}

// -----

func.func @constant_result_type() -> tensor<4xf32> {
  // expected-error @+2 {{'graph.constant' op inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "graph.constant"() <{value = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @weight_missing_value() -> tensor<4xf32> {
  // expected-error @+1 {{'graph.weight' op requires attribute 'value'}}
  %0 = "graph.weight"() <{name = "w"}> : () -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
