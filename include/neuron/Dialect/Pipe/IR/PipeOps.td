//===- PipeOps.td - pipe dialect: pipelines of stages -----*- tablegen -*-===//

#ifndef NEURON_DIALECT_PIPE_IR_PIPEOPS_TD
#define NEURON_DIALECT_PIPE_IR_PIPEOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Pipe_Dialect : Dialect {
  let name = "pipe";
  let cppNamespace = "::neuron::pipe";
  let summary = "The structure of a program partitioned into pipeline stages";
  let description = [{
    A `pipe.pipeline` is a model split into ordered `pipe.stage`s, each of
    which runs on its own NeuronCore (a pinned host core) and holds its own
    weights. Values flow forward only: a stage reads pipeline inputs and the
    results of earlier stages, and the pipeline yields values produced by its
    stages. The runtime streams requests through the stages, so stage `i`
    works on request `r` while stage `i + 1` works on request `r - 1`.
  }];
}

class Pipe_Op<string mnemonic, list<Trait> traits = []>
    : Op<Pipe_Dialect, mnemonic, traits>;

def Pipe_PipelineOp : Pipe_Op<"pipeline", [
    IsolatedFromAbove, SingleBlock, RecursiveMemoryEffects]> {
  let summary = "A program split into ordered pipeline stages";
  let description = [{
    The region holds only `pipe.stage` ops, in stage order, and a `pipe.yield`
    of the pipeline's results. Its block arguments are the pipeline inputs.

    The verifier checks that there is at least one stage; stage `i` has
    `index = i`; cores are distinct, non-negative and increase with the
    index; each stage's operands are pipeline inputs or results of earlier
    stages; and the yield returns one value of the right type per result,
    each a pipeline input or a stage result.

    Example:
    ```mlir
    %r = pipe.pipeline (%x) : (tensor<1x4xf32>) -> tensor<1x4xf32> {
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
      pipe.yield %b : tensor<1x4xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs);
  let results = (outs Variadic<AnyRankedTensor>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inputs `)` attr-dict `:` functional-type($inputs, results) $body
  }];
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// Returns the stages in order.
    auto getStages() { return getBody().front().getOps<StageOp>(); }
    /// Returns the number of stages.
    int64_t getNumStages();
  }];
}

def Pipe_StageOp : Pipe_Op<"stage", [
    IsolatedFromAbove, SingleBlock, RecursiveMemoryEffects,
    HasParent<"PipelineOp">]> {
  let summary = "One pipeline stage, run on one core with its own weights";
  let description = [{
    An isolated region computing the stage's results from its operands (block
    arguments in the same order and types) and its own weights, ended by a
    `pipe.yield` of the results. `index` is the stage's position in the
    pipeline, `core` the NeuronCore (relative to the first core the pipeline
    is loaded on) whose pinned worker runs it.

    Example:
    ```mlir
    %a = pipe.stage 0 on core 0 (%in) : (tensor<1x4xf32>) -> tensor<1x4xf32> {
    ^bb0(%arg: tensor<1x4xf32>):
      %0 = graph.relu %arg : tensor<1x4xf32>
      pipe.yield %0 : tensor<1x4xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs,
                   ConfinedAttr<I64Attr, [IntNonNegative]>:$index,
                   ConfinedAttr<I64Attr, [IntNonNegative]>:$core);
  let results = (outs Variadic<AnyRankedTensor>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $index `on` `core` $core `(` $inputs `)` attr-dict `:`
    functional-type($inputs, results) $body
  }];
  let hasRegionVerifier = 1;
}

def Pipe_YieldOp : Pipe_Op<"yield", [
    Pure, Terminator, ReturnLike, HasParent<"PipelineOp, StageOp">]> {
  let summary = "Returns the results of a stage or a pipeline";
  let description = [{
    Ends a `pipe.stage` or `pipe.pipeline` region; its operands are the
    results of the parent, in order and with the same types.

    Example:
    ```mlir
    pipe.yield %0, %1 : tensor<1x4xf32>, tensor<1xi64>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = "($results^ `:` type($results))? attr-dict";
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, {}); }]>];
}

#endif // NEURON_DIALECT_PIPE_IR_PIPEOPS_TD
