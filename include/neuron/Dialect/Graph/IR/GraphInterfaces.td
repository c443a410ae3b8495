//===- GraphInterfaces.td - cost interface of graph ops ---*- tablegen -*-===//

#ifndef NEURON_DIALECT_GRAPH_IR_GRAPHINTERFACES_TD
#define NEURON_DIALECT_GRAPH_IR_GRAPHINTERFACES_TD

include "mlir/IR/OpBase.td"

def Graph_CostOpInterface : OpInterface<"CostOpInterface"> {
  let cppNamespace = "::neuron::graph";
  let description = [{
    The static cost of one execution of an op: floating-point (or integer)
    operations, bytes of tensors read and written, and which operands are
    weights. Shapes are static, so every figure is exact for the op's types.

    Conventions (docs/Architecture.md): a multiply-accumulate counts as 2
    FLOPs; an elementwise op counts 1 FLOP per output element, whatever its
    transcendental cost; ops that only move data (reshape, transpose, slice,
    gather, concat, ...) count 0 FLOPs. Bytes read are the sizes of all operand
    tensors (weights included), bytes written the sizes of all results.
  }];

  let methods = [
    InterfaceMethod<
      /*desc=*/"Returns the FLOPs of one execution of this op.",
      /*retTy=*/"int64_t", /*methodName=*/"getFlops">,
    InterfaceMethod<
      /*desc=*/"Returns the bytes of all operand tensors this op reads.",
      /*retTy=*/"int64_t", /*methodName=*/"getBytesRead", /*args=*/(ins),
      /*methodBody=*/"",
      /*defaultImplementation=*/[{
        return ::neuron::graph::getTotalTensorBytes($_op->getOperandTypes());
      }]>,
    InterfaceMethod<
      /*desc=*/"Returns the bytes of all result tensors this op writes.",
      /*retTy=*/"int64_t", /*methodName=*/"getBytesWritten", /*args=*/(ins),
      /*methodBody=*/"",
      /*defaultImplementation=*/[{
        return ::neuron::graph::getTotalTensorBytes($_op->getResultTypes());
      }]>,
    InterfaceMethod<
      /*desc=*/[{Returns true if operand `index` is a weight, i.e. it is
                 produced by a `graph.weight` op.}],
      /*retTy=*/"bool", /*methodName=*/"isWeightOperand",
      /*args=*/(ins "unsigned":$index),
      /*methodBody=*/"",
      /*defaultImplementation=*/[{
        return ::neuron::graph::isWeight($_op->getOperand(index));
      }]>,
  ];
}

#endif // NEURON_DIALECT_GRAPH_IR_GRAPHINTERFACES_TD
