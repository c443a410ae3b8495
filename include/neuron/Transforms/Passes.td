//===- Passes.td - the compiler's passes -------------------*- tablegen -*-===//

#ifndef NEURON_TRANSFORMS_PASSES_TD
#define NEURON_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def NeuronAutoCast : Pass<"neuron-auto-cast", "::mlir::func::FuncOp"> {
  let summary = "Computes matrix-engine ops (or every float op) in bf16";
  let description = [{
    The compiler side of neuronx-cc's `--auto-cast` / `--auto-cast-type`.
    It runs on graph IR before partitioning, so the partitioner sees the
    smaller weights.

    - `mode=none` (the default) leaves the function alone.
    - `mode=matmult` casts the f32 ops that run on a matrix engine
      (`graph.matmul`, `graph.gemm`, `graph.conv`) to bf16: each f32 operand
      is cast to bf16 right before the op (once per value, before its first
      such reader) and the result cast back to f32 right after, so every
      other op stays f32. A `graph.weight` or
      `graph.constant` operand becomes a bf16 weight (half the bytes, rounded
      to nearest even); a weight that other f32 ops also read keeps its f32
      copy and gains a bf16 one named `<name>.bf16`. Between two such ops the
      bf16 result feeds the next op directly, with no f32 round trip.
    - `mode=all` computes every f32 op in bf16: every f32 weight and constant
      is stored as bf16, f32 function arguments are cast to bf16 on entry and
      f32 results back to f32 at the return, so the function's type does not
      change. Integer and boolean tensors are untouched in both modes.

    `type` is the low-precision type; only `bf16` is supported. The pass
    refuses a function that is already partitioned (`pipe.pipeline`).

    Before:
    ```mlir
    func.func @f(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
      %w = graph.weight "w" dense<1.0> : tensor<4x4xf32>
      %0 = graph.matmul %x, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
      %1 = graph.relu %0 : tensor<1x4xf32>
      return %1 : tensor<1x4xf32>
    }
    ```
    After `--neuron-auto-cast=mode=matmult`:
    ```mlir
    func.func @f(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
      %w = graph.weight "w" dense<1.0> : tensor<4x4xbf16>
      %c = graph.cast %x : tensor<1x4xf32> -> tensor<1x4xbf16>
      %0 = graph.matmul %c, %w : (tensor<1x4xbf16>, tensor<4x4xbf16>) -> tensor<1x4xbf16>
      %1 = graph.cast %0 : tensor<1x4xbf16> -> tensor<1x4xf32>
      %2 = graph.relu %1 : tensor<1x4xf32>
      return %2 : tensor<1x4xf32>
    }
    ```
  }];
  let dependentDialects = ["::neuron::graph::GraphDialect"];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"none\"",
           "none, matmult (matmul, gemm and conv in bf16) or all (every "
           "float op in bf16)">,
    Option<"type", "type", "std::string", /*default=*/"\"bf16\"",
           "The low-precision element type; only bf16 is supported">,
  ];
  let statistics = [
    Statistic<"numOpsCast", "ops-cast", "Number of ops now computed in bf16">,
    Statistic<"numCastsInserted", "casts-inserted",
              "Number of graph.cast ops inserted">,
    Statistic<"numWeightsConverted", "weights-converted",
              "Number of weights and constants stored as bf16">,
  ];
}

def NeuronPartition : Pass<"neuron-partition", "::mlir::func::FuncOp"> {
  let summary = "Splits a graph function into a pipeline of per-core stages";
  let description = [{
    Runs the cost analysis (`neuron/Analysis/CostModel.h`) and the exact
    partitioner (`neuron/Analysis/Partition.h`) on the function, then
    rewrites its body into one `pipe.pipeline` of `num-stages` `pipe.stage`s,
    stage `i` on core `i`:

    - every op moves to its stage, in program order;
    - each `graph.weight` and constant is cloned into every stage that uses
      it, so a stage owns its weights (a weight counts once per stage);
    - values are **forwarded**: the operands of stage `i > 0` are exactly the
      results of stage `i - 1`, in order. A value produced in stage `i` and
      used in stage `j > i + 1` (a residual connection) is a result of every
      stage from `i` to `j - 1`; pipeline inputs enter at stage 0 and the
      pipeline's results leave from the last stage. The runtime therefore
      only ever hands buffers from stage `i` to stage `i + 1`.

    Each stage gets `weight_bytes`, `flops`, `boundary_bytes` (bytes of its
    operands plus its results) and `ops`; the pipeline gets `objective`,
    `max_load` (the partitioner's minimised load, rounded), `optimal`,
    `algorithm` and, when a cap applied, `core_memory`.

    `num-stages=0` (auto) picks the smallest stage count whose stages all fit
    the cap, and says so in a remark. More stages than ops, or a cap no
    contiguous split meets, is an error on the function.

    `core-memory=0` (the default) means no cap for an explicit stage count
    with the `weights` or `compute` objective, and 2 MiB for `auto` and for
    `balanced` (docs/Partitioning.md, "Core memory").

    Before:
    ```mlir
    func.func @f(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
      %w0 = graph.weight "w0" dense<1.0> : tensor<4x4xf32>
      %w1 = graph.weight "w1" dense<1.0> : tensor<4x4xf32>
      %0 = graph.matmul %x, %w0 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
      %1 = graph.matmul %0, %w1 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
      return %1 : tensor<1x4xf32>
    }
    ```
    After `--neuron-partition=num-stages=2`:
    ```mlir
    func.func @f(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
      %0 = pipe.pipeline(%x) {algorithm = "chain-bisection", max_load = 64 : i64, objective = "weights", optimal = true} : (tensor<1x4xf32>) -> tensor<1x4xf32> {
      ^bb0(%in: tensor<1x4xf32>):
        %s0 = pipe.stage 0 on core 0(%in) {boundary_bytes = 32 : i64, flops = 32 : i64, ops = 1 : i64, weight_bytes = 64 : i64} : (tensor<1x4xf32>) -> tensor<1x4xf32> {
        ^bb0(%a: tensor<1x4xf32>):
          %w0 = graph.weight "w0" dense<1.0> : tensor<4x4xf32>
          %r = graph.matmul %a, %w0 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
          pipe.yield %r : tensor<1x4xf32>
        }
        %s1 = pipe.stage 1 on core 1(%s0) {...} : (tensor<1x4xf32>) -> tensor<1x4xf32> {
          ...
        }
        pipe.yield %s1 : tensor<1x4xf32>
      }
      return %0 : tensor<1x4xf32>
    }
    ```
  }];
  let dependentDialects = ["::neuron::graph::GraphDialect",
                           "::neuron::pipe::PipeDialect"];
  let options = [
    Option<"numStages", "num-stages", "unsigned", /*default=*/"1",
           "Number of pipeline stages (cores); 0 picks the smallest count "
           "whose stages fit core-memory">,
    Option<"coreMemory", "core-memory", "int64_t", /*default=*/"0",
           "Per-core weight cap in bytes; 0 = none for an explicit stage "
           "count, 2 MiB for auto and balanced">,
    Option<"objective", "objective", "::neuron::PartitionObjective",
           /*default=*/"::neuron::PartitionObjective::Weights",
           "What the largest stage minimises",
           [{::llvm::cl::values(
             clEnumValN(::neuron::PartitionObjective::Weights, "weights",
                        "weight bytes (default)"),
             clEnumValN(::neuron::PartitionObjective::Compute, "compute",
                        "FLOPs, no memory cap"),
             clEnumValN(::neuron::PartitionObjective::Balanced, "balanced",
                        "FLOPs under the core-memory cap"))}]>,
    Option<"transferCostPerByte", "transfer-cost", "double", /*default=*/"0.0",
           "Cost (in the objective's unit) of each activation byte crossing "
           "a stage boundary">,
  ];
  let statistics = [
    Statistic<"numStagesCreated", "stages", "Number of pipeline stages created">,
    Statistic<"numForwarded", "forwarded-values",
              "Number of stage results that only forward a value to a later "
              "stage">,
  ];
}

def NeuronVerifyPipeline : Pass<"neuron-verify-pipeline", "::mlir::func::FuncOp"> {
  let summary = "Checks per-core weight caps and stage-to-stage hand-offs";
  let description = [{
    For every `pipe.pipeline` in the function, checks that

    - each stage's weights (the bytes of the distinct `graph.weight` ops in
      its body) fit the per-core cap: `core-memory` if given, else the
      pipeline's `core_memory` attribute, else no cap;
    - the stage's `weight_bytes` attribute, when present, is that figure;
    - with `adjacent-only` (the default), the operands of stage `i > 0` are
      results of stage `i - 1`: the forwarded form `neuron-partition`
      produces and the runtime expects.

    Example error:
    ```
    error: stage 1 holds 4096 bytes of weights, over the per-core cap of 2048 bytes
    ```
  }];
  let options = [
    Option<"coreMemory", "core-memory", "int64_t", /*default=*/"0",
           "Per-core weight cap in bytes; 0 = the pipeline's core_memory "
           "attribute, if any">,
    Option<"adjacentOnly", "adjacent-only", "bool", /*default=*/"true",
           "Require stage i > 0 to read only results of stage i - 1">,
  ];
}

#endif // NEURON_TRANSFORMS_PASSES_TD
