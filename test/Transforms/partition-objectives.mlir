// RUN: neuron-opt %s --neuron-partition="num-stages=2 objective=weights" | FileCheck %s --check-prefix=WEIGHTS
// RUN: neuron-opt %s --neuron-partition="num-stages=2 objective=compute" | FileCheck %s --check-prefix=COMPUTE
// RUN: neuron-opt %s --neuron-partition="num-stages=2 objective=compute transfer-cost=1" | FileCheck %s --check-prefix=TRANSFER
// RUN: neuron-opt %s --neuron-partition="num-stages=2 objective=balanced core-memory=7000" --neuron-verify-pipeline | FileCheck %s --check-prefix=BALANCED
// RUN: neuron-opt %s --neuron-partition="num-stages=2 objective=balanced" --neuron-verify-pipeline | FileCheck %s --check-prefix=BALANCED-DEFAULT

// An embedding lookup (6400 bytes of weights, 0 FLOPs) then two matmuls
// (1024 bytes, 2 * 4 * 16 * 16 = 2048 FLOPs each).
//
// weights: the table alone, 6400 | 2048.
// compute: {gather, matmul} 2048 | 2048 FLOPs, but the first stage holds
//   7424 bytes.
// compute with transfer-cost=1: the 256-byte activation between the stages
//   is charged to both, 2048 + 256.
// balanced under a 7000-byte cap: the compute split does not fit, the best
//   that does is {gather} | {matmul, matmul}, 0 | 4096 FLOPs.
// balanced without a cap uses the default core memory (2 MiB), where the
//   compute split fits.

// WEIGHTS-LABEL: func.func @embedding
// WEIGHTS: pipe.pipeline{{.*}} {algorithm = "chain-bisection", max_load = 6400 : i64, objective = "weights", optimal = true}
// WEIGHTS: pipe.stage 0 on core 0{{.*}} {boundary_bytes = 288 : i64, flops = 0 : i64, ops = 1 : i64, weight_bytes = 6400 : i64}
// WEIGHTS: pipe.stage 1 on core 1{{.*}} {boundary_bytes = 512 : i64, flops = 4096 : i64, ops = 2 : i64, weight_bytes = 2048 : i64}

// COMPUTE-LABEL: func.func @embedding
// COMPUTE: pipe.pipeline{{.*}} {algorithm = "chain-bisection", max_load = 2048 : i64, objective = "compute", optimal = true}
// COMPUTE: pipe.stage 0 on core 0{{.*}} {boundary_bytes = 288 : i64, flops = 2048 : i64, ops = 2 : i64, weight_bytes = 7424 : i64}
// COMPUTE: pipe.stage 1 on core 1{{.*}} {boundary_bytes = 512 : i64, flops = 2048 : i64, ops = 1 : i64, weight_bytes = 1024 : i64}

// TRANSFER-LABEL: func.func @embedding
// TRANSFER: pipe.pipeline{{.*}} {algorithm = "chain-bisection", max_load = 2304 : i64, objective = "compute", optimal = true}

// BALANCED-LABEL: func.func @embedding
// BALANCED: pipe.pipeline{{.*}} {algorithm = "chain-bisection", core_memory = 7000 : i64, max_load = 4096 : i64, objective = "balanced", optimal = true}
// BALANCED: pipe.stage 0 on core 0{{.*}} {boundary_bytes = 288 : i64, flops = 0 : i64, ops = 1 : i64, weight_bytes = 6400 : i64}
// BALANCED: pipe.stage 1 on core 1{{.*}} {boundary_bytes = 512 : i64, flops = 4096 : i64, ops = 2 : i64, weight_bytes = 2048 : i64}

// BALANCED-DEFAULT-LABEL: func.func @embedding
// BALANCED-DEFAULT: pipe.pipeline{{.*}} {algorithm = "chain-bisection", core_memory = 2097152 : i64, max_load = 2048 : i64, objective = "balanced", optimal = true}
// BALANCED-DEFAULT: pipe.stage 0 on core 0{{.*}} weight_bytes = 7424 : i64}
func.func @embedding(%ids: tensor<1x4xi64>) -> tensor<1x4x16xf32> {
  %emb = graph.weight "emb" dense<1.0> : tensor<100x16xf32>
  %w0 = graph.weight "w0" dense<1.0> : tensor<16x16xf32>
  %w1 = graph.weight "w1" dense<1.0> : tensor<16x16xf32>
  %e = graph.gather %emb, %ids {axis = 0 : i64} : (tensor<100x16xf32>, tensor<1x4xi64>) -> tensor<1x4x16xf32>
  %0 = graph.matmul %e, %w0 : (tensor<1x4x16xf32>, tensor<16x16xf32>) -> tensor<1x4x16xf32>
  %1 = graph.matmul %0, %w1 : (tensor<1x4x16xf32>, tensor<16x16xf32>) -> tensor<1x4x16xf32>
  return %1 : tensor<1x4x16xf32>
}
