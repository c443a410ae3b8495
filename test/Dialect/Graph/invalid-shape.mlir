// RUN: neuron-opt %s -split-input-file -verify-diagnostics

// Verifier errors of the shape and data-movement ops.

func.func @reshape_element_type(%x: tensor<2x3xf32>) -> tensor<6xf16> {
  // expected-error @+1 {{'graph.reshape' op element type changes from 'f32' to 'f16'}}
  %0 = graph.reshape %x : tensor<2x3xf32> -> tensor<6xf16>
  return %0 : tensor<6xf16>
}

// -----

func.func @reshape_element_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{'graph.reshape' op element count changes from 6 to 7}}
  %0 = graph.reshape %x : tensor<2x3xf32> -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

// ONNX's -1 is resolved by the importer; a dynamic result type is rejected.
func.func @reshape_dynamic(%x: tensor<2x3xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'graph.reshape' op result #0 must be statically shaped tensor of}}
  %0 = graph.reshape %x : tensor<2x3xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @transpose_perm_size(%x: tensor<2x3x4xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{perm has 2 entries for an input of rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3x4xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_perm_repeated(%x: tensor<2x3x4xf32>) -> tensor<2x2x4xf32> {
  // expected-error @+2 {{perm is not a permutation of [0, 3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.transpose %x {perm = array<i64: 0, 0, 2>} : tensor<2x3x4xf32> -> tensor<2x2x4xf32>
  return %0 : tensor<2x2x4xf32>
}

// -----

func.func @transpose_perm_range(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{perm is not a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.transpose %x {perm = array<i64: -1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_result(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  // expected-error @+2 {{inferred type(s) 'tensor<4x2x3xf32>' are incompatible with return type(s) of operation 'tensor<4x3x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x3x2xf32>
  return %0 : tensor<4x3x2xf32>
}

// -----

func.func @transpose_missing_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'graph.transpose' op requires attribute 'perm'}}
  %0 = graph.transpose %x : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @flatten_axis(%x: tensor<2x3x4xf32>) -> tensor<24x1xf32> {
  // expected-error @+2 {{axis 4 is out of range [-3, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.flatten %x {axis = 4 : i64} : tensor<2x3x4xf32> -> tensor<24x1xf32>
  return %0 : tensor<24x1xf32>
}

// -----

func.func @flatten_negative_axis(%x: tensor<2x3x4xf32>) -> tensor<1x24xf32> {
  // expected-error @+2 {{axis -4 is out of range [-3, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.flatten %x {axis = -4 : i64} : tensor<2x3x4xf32> -> tensor<1x24xf32>
  return %0 : tensor<1x24xf32>
}

// -----

// SameOperandsElementType rejects this before type inference, whose own
// "requires at least one input" only C++ builders (createInferred) can reach.
func.func @concat_no_inputs() -> tensor<0xf32> {
  // expected-error @+1 {{'graph.concat' op expected 1 or more operands, but found 0}}
  %0 = graph.concat {axis = 0 : i64} : () -> tensor<0xf32>
  return %0 : tensor<0xf32>
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{axis -3 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.concat %a, %a {axis = -3 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{inputs must have the same rank}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_dims(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{input dimension 0 is 4, expected 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_element_types(%a: tensor<2x3xf32>, %b: tensor<2x3xi64>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'graph.concat' op requires the same element type for all operands}}
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xi64>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @split_axis(%x: tensor<4x8xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = graph.split %x {axis = 2 : i64, sizes = array<i64: 4, 4>} : tensor<4x8xf32> -> (tensor<4x4xf32>, tensor<4x4xf32>)
  return %0#0, %0#1 : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// The custom form cannot spell zero results.
func.func @split_empty_sizes(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{sizes must not be empty}}
  // expected-error @+1 {{failed to infer returned types}}
  "graph.split"(%x) <{axis = 1 : i64, sizes = array<i64>}> : (tensor<4x8xf32>) -> ()
  return
}

// -----

func.func @split_zero_size(%x: tensor<4x8xf32>) -> (tensor<4x0xf32>, tensor<4x8xf32>) {
  // expected-error @+2 {{sizes must be positive, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = graph.split %x {axis = 1 : i64, sizes = array<i64: 0, 8>} : tensor<4x8xf32> -> (tensor<4x0xf32>, tensor<4x8xf32>)
  return %0#0, %0#1 : tensor<4x0xf32>, tensor<4x8xf32>
}

// -----

func.func @split_total(%x: tensor<4x8xf32>) -> (tensor<4x2xf32>, tensor<4x5xf32>) {
  // expected-error @+2 {{sizes add up to 7, but the dimension is 8}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = graph.split %x {axis = -1 : i64, sizes = array<i64: 2, 5>} : tensor<4x8xf32> -> (tensor<4x2xf32>, tensor<4x5xf32>)
  return %0#0, %0#1 : tensor<4x2xf32>, tensor<4x5xf32>
}

// -----

// Two sizes are two results.
func.func @split_result_count(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{'graph.split' op inferred type(s) 'tensor<4x4xf32>', 'tensor<4x4xf32>' are incompatible with return type(s) of operation 'tensor<4x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.split %x {axis = 1 : i64, sizes = array<i64: 4, 4>} : tensor<4x8xf32> -> (tensor<4x8xf32>)
  return %0 : tensor<4x8xf32>
}

// -----

func.func @slice_lengths(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{starts, ends, axes and steps must have the same length}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 4>} : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @slice_axes_length(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{starts, ends, axes and steps must have the same length}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 0>, ends = array<i64: 4>, axes = array<i64: 0, 1>} : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @slice_axis_range(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{axis 2 is out of range or repeated}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 0>, ends = array<i64: 4>, axes = array<i64: 2>} : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @slice_axis_repeated(%x: tensor<4x8xf32>) -> tensor<4x2xf32> {
  // expected-error @+2 {{axis -1 is out of range or repeated}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 4, 2>, axes = array<i64: 1, -1>} : tensor<4x8xf32> -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{steps must be non-zero}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 0>, ends = array<i64: 4>, steps = array<i64: 0>} : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// [1, 8) with step 3 takes 1 and 4 (7 is out): 2, not 3.
func.func @slice_result(%x: tensor<8xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 1>, ends = array<i64: 7>, steps = array<i64: 3>} : tensor<8xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @gather_axis(%x: tensor<4x8xf32>, %i: tensor<2xi64>) -> tensor<4x2xf32> {
  // expected-error @+2 {{axis -3 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.gather %x, %i {axis = -3 : i64} : (tensor<4x8xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @gather_float_indices(%x: tensor<4x8xf32>, %i: tensor<2xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'graph.gather' op operand #1 must be statically shaped tensor of 64-bit signless integer or 32-bit signless integer values, but got 'tensor<2xf32>'}}
  %0 = graph.gather %x, %i : (tensor<4x8xf32>, tensor<2xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @unsqueeze_empty_axes(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{axes must not be empty}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.unsqueeze %x {axes = array<i64>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The output has rank 3: axis 3 is out of range.
func.func @unsqueeze_axis_range(%x: tensor<2x3xf32>) -> tensor<2x3x1xf32> {
  // expected-error @+2 {{axis 3 is out of range or repeated for output rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.unsqueeze %x {axes = array<i64: 3>} : tensor<2x3xf32> -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// -----

// -1 and 3 name the same position of the rank-4 output.
func.func @unsqueeze_axis_repeated(%x: tensor<2x3xf32>) -> tensor<2x3x1x1xf32> {
  // expected-error @+2 {{axis -1 is out of range or repeated for output rank 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.unsqueeze %x {axes = array<i64: 3, -1>} : tensor<2x3xf32> -> tensor<2x3x1x1xf32>
  return %0 : tensor<2x3x1x1xf32>
}

// -----

func.func @squeeze_axis_range(%x: tensor<1x3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{axis 2 is out of range or repeated for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.squeeze %x {axes = array<i64: 2>} : tensor<1x3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @squeeze_axis_repeated(%x: tensor<1x3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{axis -2 is out of range or repeated for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.squeeze %x {axes = array<i64: 0, -2>} : tensor<1x3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @squeeze_not_one(%x: tensor<1x3xf32>) -> tensor<1xf32> {
  // expected-error @+2 {{cannot squeeze dimension -1 of size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.squeeze %x {axes = array<i64: -1>} : tensor<1x3xf32> -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

func.func @expand_nonpositive(%x: tensor<2x1xf32>) -> tensor<2x0xf32> {
  // expected-error @+2 {{shape entries must be positive}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.expand %x {shape = array<i64: 2, 0>} : tensor<2x1xf32> -> tensor<2x0xf32>
  return %0 : tensor<2x0xf32>
}

// -----

func.func @expand_incompatible(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{input does not broadcast to the shape}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.expand %x {shape = array<i64: 4, 3>} : tensor<2x3xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
