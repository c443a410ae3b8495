// A two-layer MLP in graph IR, as the importers produce it: weights as named
// graph.weight ops, a residual-free chain of gemm + activation. The additions
// of zero and the double reshape are what tracing leaves behind; canonicalize
// removes them.
func.func @mlp(%x: tensor<4x16xf32>) -> tensor<4x10xf32> {
  %w1 = graph.weight "fc1.weight" dense<0.02> : tensor<32x16xf32>
  %b1 = graph.weight "fc1.bias" dense<0.01> : tensor<32xf32>
  %w2 = graph.weight "fc2.weight" dense<-0.03> : tensor<10x32xf32>
  %b2 = graph.weight "fc2.bias" dense<0.0> : tensor<10xf32>
  %zero = graph.constant dense<0.0> : tensor<4x32xf32>
  %0 = graph.gemm %x, %w1, %b1 {trans_b = true}
      : (tensor<4x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<4x32xf32>
  %1 = graph.add %0, %zero : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %2 = graph.gelu %1 : tensor<4x32xf32>
  %3 = graph.reshape %2 : tensor<4x32xf32> -> tensor<128xf32>
  %4 = graph.reshape %3 : tensor<128xf32> -> tensor<4x32xf32>
  %5 = graph.gemm %4, %w2, %b2 {trans_b = true}
      : (tensor<4x32xf32>, tensor<10x32xf32>, tensor<10xf32>) -> tensor<4x10xf32>
  %6 = graph.softmax %5 : tensor<4x10xf32>
  return %6 : tensor<4x10xf32>
}
