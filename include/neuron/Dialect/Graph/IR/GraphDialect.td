//===- GraphDialect.td - graph dialect definition ---------*- tablegen -*-===//

#ifndef NEURON_DIALECT_GRAPH_IR_GRAPHDIALECT_TD
#define NEURON_DIALECT_GRAPH_IR_GRAPHDIALECT_TD

include "mlir/IR/OpBase.td"

def Graph_Dialect : Dialect {
  let name = "graph";
  let cppNamespace = "::neuron::graph";
  let summary = "Neural-network operators on statically shaped tensors";
  let description = [{
    The `graph` dialect is the compiler's model of a traced network: one op per
    ONNX operator (or the ATen operator a TorchScript importer maps to it), on
    ranked tensors whose every dimension is known at compile time. Each op
    follows the semantics of the ONNX operator named in its description, with
    inputs that ONNX passes as constant tensors (shapes, axes, clip bounds)
    lowered to attributes. Large constants (weights) are `graph.weight` ops
    whose value is usually a `dense_resource` blob.

    Every op reports its FLOPs, bytes read and written, and which operands are
    weights through the `CostOpInterface`, which the cost model and the
    pipeline partitioner consume.
  }];
  let hasConstantMaterializer = 1;
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

/// Element types a graph tensor may hold.
def Graph_ElementType : AnyTypeOf<[F32, BF16, F16, I64, I32, I8, I1]>;

def Graph_Tensor : StaticShapeTensorOf<[F32, BF16, F16, I64, I32, I8, I1]>;
def Graph_FloatTensor : StaticShapeTensorOf<[F32, BF16, F16]>;
def Graph_NumericTensor : StaticShapeTensorOf<[F32, BF16, F16, I64, I32, I8]>;
def Graph_IndexTensor : StaticShapeTensorOf<[I64, I32]>;
def Graph_BoolTensor : StaticShapeTensorOf<[I1]>;

#endif // NEURON_DIALECT_GRAPH_IR_GRAPHDIALECT_TD
