// RUN: neuron-opt %s -split-input-file -verify-diagnostics

// Verifier errors of the elementwise ops, and the ODS constraints they share
// with every graph op (element types, static shapes, inferred result types).

func.func @broadcast_incompatible(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{operand shapes are not broadcast-compatible: 2x3, 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @broadcast_incompatible_scalar_named(%a: tensor<f32>, %b: tensor<2x3xf32>, %c: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %0 = graph.mul %a, %b : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-error @+2 {{operand shapes are not broadcast-compatible: 2x3, 3x3}}
  // expected-error @+1 {{failed to infer returned types}}
  %1 = graph.sub %0, %c : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<3x3xf32>
  return %1 : tensor<3x3xf32>
}

// -----

func.func @result_type_mismatch(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{'graph.add' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @result_element_type_mismatch(%a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf16> {
  // expected-error @+2 {{'graph.max' op inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<2xf16>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.max %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

func.func @binary_mixed_element_types(%a: tensor<2xf32>, %b: tensor<2xf16>) -> tensor<2xf16> {
  // expected-error @+1 {{'graph.div' op requires the same element type for all operands}}
  %0 = graph.div %a, %b : (tensor<2xf32>, tensor<2xf16>) -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

func.func @binary_bool(%a: tensor<2xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{'graph.add' op operand #0 must be statically shaped tensor of 32-bit float or bfloat16 type or 16-bit float or 64-bit signless integer or 32-bit signless integer or 8-bit signless integer values, but got 'tensor<2xi1>'}}
  %0 = graph.add %a, %a : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @binary_f64(%a: tensor<2xf64>) -> tensor<2xf64> {
  // expected-error @+1 {{'graph.pow' op operand #0 must be statically shaped tensor of}}
  %0 = graph.pow %a, %a : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

func.func @dynamic_shape(%a: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'graph.min' op operand #0 must be statically shaped tensor of}}
  %0 = graph.min %a, %a : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// The custom form only parses ranked tensors; the generic form reaches the
// verifier.
func.func @unranked(%a: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{'graph.relu' op operand #0 must be statically shaped tensor of 32-bit float or bfloat16 type or 16-bit float values, but got 'tensor<*xf32>'}}
  %0 = "graph.relu"(%a) : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @unary_float_only(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'graph.exp' op operand #0 must be statically shaped tensor of 32-bit float or bfloat16 type or 16-bit float values, but got 'tensor<4xi32>'}}
  %0 = graph.exp %a : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @neg_bool(%a: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{'graph.neg' op operand #0 must be statically shaped tensor of}}
  %0 = graph.neg %a : tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @unary_result_type(%a: tensor<4xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'graph.sigmoid' op requires the same type for all operands and results}}
  %0 = "graph.sigmoid"(%a) : (tensor<4xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @gelu_approximate(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.gelu' op approximate must be "none" or "tanh", got "erf"}}
  %0 = graph.gelu %a {approximate = "erf"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @clip_bounds(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.clip' op min (6.000000e+00) must not exceed max (0.000000e+00)}}
  %0 = graph.clip %a {min = 6.0 : f32, max = 0.0 : f32} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @clip_integer(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'graph.clip' op operand #0 must be statically shaped tensor of 32-bit float or bfloat16 type or 16-bit float values}}
  %0 = graph.clip %a {min = 0.0 : f32} : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @cast_shape(%a: tensor<2x3xi64>) -> tensor<6xf32> {
  // expected-error @+1 {{'graph.cast' op requires the same shape for all operands and results}}
  %0 = graph.cast %a : tensor<2x3xi64> -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @where_element_types(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error @+2 {{x and y must have the same element type, got 'f32' and 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.where %c, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

func.func @where_broadcast(%c: tensor<3xi1>, %x: tensor<2x1xf32>, %y: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{operand shapes are not broadcast-compatible: 3, 2x1, 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.where %c, %x, %y : (tensor<3xi1>, tensor<2x1xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @where_condition_type(%c: tensor<4xf32>, %x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.where' op operand #0 must be statically shaped tensor of 1-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = graph.where %c, %x, %x : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @unranked_custom_form(%a: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %0 = graph.tanh %a : tensor<*xf32>
  return %0 : tensor<*xf32>
}
