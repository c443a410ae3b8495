//===- GraphOps.td - graph dialect operations -------------*- tablegen -*-===//

#ifndef NEURON_DIALECT_GRAPH_IR_GRAPHOPS_TD
#define NEURON_DIALECT_GRAPH_IR_GRAPHOPS_TD

include "neuron/Dialect/Graph/IR/GraphDialect.td"
include "neuron/Dialect/Graph/IR/GraphInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Base classes
//===----------------------------------------------------------------------===//

/// Every graph op is pure and reports its cost.
class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic,
         !listconcat(traits, [Pure, DeclareOpInterfaceMethods<Graph_CostOpInterface>])>;

/// An op whose result type is computed from its operands and attributes by
/// `inferReturnTypes`; the verifier checks the written type against it.
class Graph_InferredOp<string mnemonic, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor])>;

/// Elementwise binary op with ONNX multidirectional (numpy) broadcasting.
class Graph_BinaryOp<string mnemonic, string onnxOp, string formula,
                     list<Trait> traits = []>
    : Graph_InferredOp<mnemonic, !listconcat(traits, [SameOperandsElementType])> {
  let summary = "Elementwise `" # formula # "` with broadcasting (ONNX " # onnxOp # ")";
  let description = [{
    Computes `}] # formula # [{` elementwise. The operands are broadcast
    against each other with ONNX multidirectional broadcasting
    (https://onnx.ai/onnx/repo-docs/Broadcasting.html): shapes are aligned on
    the right and every pair of dimensions must be equal or contain a 1. Both
    operands have the same element type, which is the result's.

    Models ONNX `}] # onnxOp # [{` (https://onnx.ai/onnx/operators/onnx__}] # onnxOp # [{.html).

    Example:
    ```mlir
    %r = graph.}] # mnemonic # [{ %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$lhs, Graph_NumericTensor:$rhs);
  let results = (outs Graph_NumericTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return inferBroadcastResult(location, {adaptor.getLhs().getType(),
                                  adaptor.getRhs().getType()}, inferred);
    }
    int64_t $cppClass::getFlops() { return getNumElements(getType()); }
  }];
}

/// Elementwise unary op whose result has the operand's type (ODS infers the
/// result type from SameOperandsAndResultType).
class Graph_UnaryOp<string mnemonic, string onnxOp, string formula,
                    Type tensorType = Graph_FloatTensor, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [SameOperandsAndResultType])> {
  let summary = "Elementwise `" # formula # "` (ONNX " # onnxOp # ")";
  let description = [{
    Computes `}] # formula # [{` for every element; the result has the type of
    the operand.

    Models ONNX `}] # onnxOp # [{` (https://onnx.ai/onnx/operators/onnx__}] # onnxOp # [{.html).

    Example:
    ```mlir
    %r = graph.}] # mnemonic # [{ %x : tensor<2x3xf32>
    ```
  }];
  let arguments = (ins tensorType:$input);
  let results = (outs tensorType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let extraClassDefinition = [{
    int64_t $cppClass::getFlops() { return getNumElements(getType()); }
  }];
}

/// Reduction over a set of axes (ONNX ReduceXxx, opset 18 axes semantics).
class Graph_ReduceOp<string mnemonic, string onnxOp, string combiner>
    : Graph_InferredOp<mnemonic> {
  let summary = "Reduces by " # combiner # " over axes (ONNX " # onnxOp # ")";
  let description = [{
    Reduces the input by }] # combiner # [{ over `axes` (negative values count
    from the back; empty means every axis). With `keepdims` (the default) the
    reduced dimensions stay as size 1, otherwise they are removed.

    Models ONNX `}] # onnxOp # [{` (https://onnx.ai/onnx/operators/onnx__}] # onnxOp # [{.html)
    with the axes input folded into the attribute.

    Example:
    ```mlir
    %r = graph.}] # mnemonic # [{ %x {axes = array<i64: -1>} : tensor<2x8xf32> -> tensor<2x1xf32>
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$input,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs Graph_NumericTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return inferReduceResult(location, adaptor.getInput().getType(),
                               adaptor.getAxes(), adaptor.getKeepdims(),
                               inferred);
    }
    int64_t $cppClass::getFlops() { return getNumElements(getInput().getType()); }
  }];
}

/// Index of the largest or smallest element along one axis.
class Graph_ArgOp<string mnemonic, string onnxOp, string extreme>
    : Graph_InferredOp<mnemonic> {
  let summary = "Index of the " # extreme # " element along an axis (ONNX " # onnxOp # ")";
  let description = [{
    Returns, as i64, the index of the }] # extreme # [{ element along `axis`
    (negative counts from the back): the first of equal extremes, or the last
    with `select_last_index`. A NaN counts as the extreme, as in PyTorch. With
    `keepdims` (the default) the axis stays as size 1, otherwise it is removed.

    Models ONNX `}] # onnxOp # [{` (https://onnx.ai/onnx/operators/onnx__}] # onnxOp # [{.html).

    Example:
    ```mlir
    %r = graph.}] # mnemonic # [{ %x {axis = 1 : i64, keepdims = false} : tensor<2x8xf32> -> tensor<2xi64>
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$input,
                   DefaultValuedAttr<I64Attr, "0">:$axis,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                   DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs StaticShapeTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      auto type = ::llvm::cast<::mlir::RankedTensorType>(adaptor.getInput().getType());
      if (type.getRank() == 0)
        return ::mlir::emitOptionalError(location, "expected an input of rank 1 or more");
      int64_t axis = adaptor.getAxis();
      if (::mlir::failed(inferReduceResult(location, type, {axis}, adaptor.getKeepdims(),
                                           inferred)))
        return ::mlir::failure();
      auto result = ::llvm::cast<::mlir::RankedTensorType>(inferred.back());
      inferred.back() = result.clone(::mlir::IntegerType::get(context, 64));
      return ::mlir::success();
    }
    int64_t $cppClass::getFlops() { return getNumElements(getInput().getType()); }
  }];
}

/// 2-D pooling with a sliding window (ONNX MaxPool / AveragePool).
class Graph_PoolOp<string mnemonic, string onnxOp, string combiner,
                   dag extraArgs>
    : Graph_InferredOp<mnemonic> {
  let summary = "2-D " # combiner # " pooling (ONNX " # onnxOp # ")";
  let description = [{
    Slides a `kernel_shape` window over the two spatial dimensions of an
    NCHW input and takes the }] # combiner # [{ of each window. `strides`
    default to 1, `pads` are `[top, left, bottom, right]` (ONNX order
    `[x1_begin, x2_begin, x1_end, x2_end]`), and with `ceil_mode` the output
    size is rounded up, the last window starting inside the padded input.

    Models ONNX `}] # onnxOp # [{` (https://onnx.ai/onnx/operators/onnx__}] # onnxOp # [{.html).

    Example:
    ```mlir
    %r = graph.}] # mnemonic # [{ %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>}
        : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
    ```
  }];
  let arguments = !con((ins Graph_FloatTensor:$input,
                   DenseI64ArrayAttr:$kernel_shape,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode), extraArgs);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return inferPoolResult(location, adaptor.getInput().getType(),
                             adaptor.getKernelShape(), adaptor.getStrides(),
                             adaptor.getPads(), adaptor.getDilations(),
                             adaptor.getCeilMode(), inferred);
    }
    int64_t $cppClass::getFlops() {
      return getNumElements(getType()) * getKernelShape()[0] * getKernelShape()[1];
    }
  }];
}

//===----------------------------------------------------------------------===//
// Constants and weights
//===----------------------------------------------------------------------===//

def Graph_ConstantOp : Graph_InferredOp<"constant", [ConstantLike]> {
  let summary = "A small constant tensor (ONNX Constant)";
  let description = [{
    A compile-time constant that is not a model parameter: shapes, masks,
    scalars the importer materialises. Model parameters are `graph.weight`.

    Models ONNX `Constant` (https://onnx.ai/onnx/operators/onnx__Constant.html).

    Example:
    ```mlir
    %c = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

def Graph_WeightOp : Graph_InferredOp<"weight"> {
  let summary = "A named model parameter (ONNX initializer)";
  let description = [{
    A model parameter, named as in the source model (`fc1.weight`). Large
    values are `dense_resource` blobs so the bytes are kept once, outside the
    attribute storage. The partitioner counts the bytes of each weight once in
    every stage that uses it, and the outliner moves the op into that stage.

    Models an ONNX graph initializer or a TorchScript parameter.

    Example:
    ```mlir
    %w = graph.weight "fc1.weight" dense_resource<fc1_weight> : tensor<4x3xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, ElementsAttr:$value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$name $value attr-dict";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Returns the size of the weight in bytes.
    int64_t getWeightBytes() { return getTensorBytes(getType()); }
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise binary
//===----------------------------------------------------------------------===//

def Graph_AddOp : Graph_BinaryOp<"add", "Add", "lhs + rhs", [Commutative]>;
def Graph_SubOp : Graph_BinaryOp<"sub", "Sub", "lhs - rhs">;
def Graph_MulOp : Graph_BinaryOp<"mul", "Mul", "lhs * rhs", [Commutative]>;
def Graph_DivOp : Graph_BinaryOp<"div", "Div", "lhs / rhs">;
def Graph_PowOp : Graph_BinaryOp<"pow", "Pow", "lhs ^ rhs">;
def Graph_MaxOp : Graph_BinaryOp<"max", "Max", "max(lhs, rhs)", [Commutative]>;
def Graph_MinOp : Graph_BinaryOp<"min", "Min", "min(lhs, rhs)", [Commutative]>;

//===----------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------===//

def Graph_ReluOp : Graph_UnaryOp<"relu", "Relu", "max(x, 0)"> { let hasFolder = 1; }
def Graph_TanhOp : Graph_UnaryOp<"tanh", "Tanh", "tanh(x)">;
def Graph_SigmoidOp : Graph_UnaryOp<"sigmoid", "Sigmoid", "1 / (1 + exp(-x))">;
def Graph_ErfOp : Graph_UnaryOp<"erf", "Erf", "erf(x)">;
def Graph_ExpOp : Graph_UnaryOp<"exp", "Exp", "exp(x)">;
def Graph_LogOp : Graph_UnaryOp<"log", "Log", "log(x)">;
def Graph_SqrtOp : Graph_UnaryOp<"sqrt", "Sqrt", "sqrt(x)">;
def Graph_ReciprocalOp : Graph_UnaryOp<"reciprocal", "Reciprocal", "1 / x">;
def Graph_NegOp : Graph_UnaryOp<"neg", "Neg", "-x", Graph_NumericTensor> { let hasFolder = 1; }
def Graph_AbsOp : Graph_UnaryOp<"abs", "Abs", "|x|", Graph_NumericTensor> { let hasFolder = 1; }
def Graph_ArgMaxOp : Graph_ArgOp<"argmax", "ArgMax", "largest">;
def Graph_ArgMinOp : Graph_ArgOp<"argmin", "ArgMin", "smallest">;
def Graph_FloorOp : Graph_UnaryOp<"floor", "Floor", "floor(x)">;
def Graph_CeilOp : Graph_UnaryOp<"ceil", "Ceil", "ceil(x)">;
def Graph_RoundOp : Graph_UnaryOp<"round", "Round", "round(x), halves to even">;
def Graph_SinOp : Graph_UnaryOp<"sin", "Sin", "sin(x)">;
def Graph_CosOp : Graph_UnaryOp<"cos", "Cos", "cos(x)">;
def Graph_TanOp : Graph_UnaryOp<"tan", "Tan", "tan(x)">;
def Graph_AsinOp : Graph_UnaryOp<"asin", "Asin", "asin(x)">;
def Graph_AcosOp : Graph_UnaryOp<"acos", "Acos", "acos(x)">;
def Graph_AtanOp : Graph_UnaryOp<"atan", "Atan", "atan(x)">;
def Graph_SinhOp : Graph_UnaryOp<"sinh", "Sinh", "sinh(x)">;
def Graph_CoshOp : Graph_UnaryOp<"cosh", "Cosh", "cosh(x)">;
def Graph_AsinhOp : Graph_UnaryOp<"asinh", "Asinh", "asinh(x)">;
def Graph_AcoshOp : Graph_UnaryOp<"acosh", "Acosh", "acosh(x)">;
def Graph_AtanhOp : Graph_UnaryOp<"atanh", "Atanh", "atanh(x)">;
def Graph_IdentityOp : Graph_UnaryOp<"identity", "Identity", "x", Graph_Tensor> {
  let hasFolder = 1;
  let extraClassDefinition = [{
    int64_t $cppClass::getFlops() { return 0; }
  }];
}

def Graph_GeluOp : Graph_UnaryOp<"gelu", "Gelu",
    "x * Phi(x), exact (erf) or tanh approximation"> {
  let description = [{
    Gaussian error linear unit. With `approximate = "none"` (the default) it
    computes `0.5 * x * (1 + erf(x / sqrt(2)))`; with `approximate = "tanh"`
    it computes `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`.

    Models ONNX `Gelu` (opset 20, https://onnx.ai/onnx/operators/onnx__Gelu.html)
    and `aten::gelu`; ONNX models before opset 20 spell it with Erf, which the
    importer recognises.

    Example:
    ```mlir
    %r = graph.gelu %x {approximate = "tanh"} : tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input,
                   DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let hasVerifier = 1;
}

def Graph_ClipOp : Graph_Op<"clip", [SameOperandsAndResultType]> {
  let summary = "Clamps every element to [min, max] (ONNX Clip)";
  let description = [{
    Clamps each element to `[min, max]`; a missing bound is unbounded. `min`
    must not exceed `max`. `relu6`/`hardtanh` map here.

    Models ONNX `Clip` (https://onnx.ai/onnx/operators/onnx__Clip.html) with
    the bound inputs folded into attributes.

    Example:
    ```mlir
    %r = graph.clip %x {max = 6.0 : f32, min = 0.0 : f32} : tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, OptionalAttr<F32Attr>:$min,
                   OptionalAttr<F32Attr>:$max);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_CastOp : Graph_Op<"cast", [SameOperandsAndResultShape]> {
  let summary = "Converts the element type (ONNX Cast)";
  let description = [{
    Converts every element to the result's element type, keeping the shape.
    Float to integer truncates toward zero; to `i1` is `x != 0`.

    Models ONNX `Cast` (https://onnx.ai/onnx/operators/onnx__Cast.html) and
    `aten::to` / `aten::type_as`.

    Example:
    ```mlir
    %r = graph.cast %x : tensor<2x3xi64> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Graph_WhereOp : Graph_InferredOp<"where"> {
  let summary = "Selects elementwise by a condition (ONNX Where)";
  let description = [{
    Returns `x` where `condition` is true and `y` elsewhere; the three
    operands are broadcast together (multidirectional broadcasting). `x` and
    `y` have the same element type, which is the result's.

    Models ONNX `Where` (https://onnx.ai/onnx/operators/onnx__Where.html).

    Example:
    ```mlir
    %r = graph.where %c, %x, %y : (tensor<1x4xi1>, tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins Graph_BoolTensor:$condition, Graph_Tensor:$x,
                   Graph_Tensor:$y);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$condition `,` $x `,` $y attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

def Graph_MatMulOp : Graph_InferredOp<"matmul", [SameOperandsElementType]> {
  let summary = "Batched matrix product (ONNX MatMul)";
  let description = [{
    Matrix product with numpy semantics: the last two dimensions are
    multiplied (`[..., M, K] x [..., K, N] -> [..., M, N]`), the leading
    (batch) dimensions are broadcast, and a 1-D operand is promoted to a
    matrix and the added dimension removed from the result.

    Models ONNX `MatMul` (https://onnx.ai/onnx/operators/onnx__MatMul.html),
    `aten::matmul` and `aten::bmm`.

    Example:
    ```mlir
    %r = graph.matmul %a, %b : (tensor<8x4x16xf32>, tensor<16x32xf32>) -> tensor<8x4x32xf32>
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$lhs, Graph_NumericTensor:$rhs);
  let results = (outs Graph_NumericTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def Graph_GemmOp : Graph_InferredOp<"gemm"> {
  let summary = "General matrix multiply with bias (ONNX Gemm)";
  let description = [{
    Computes `alpha * op(A) * op(B) + beta * C`, where `op` transposes its
    2-D operand if `trans_a` / `trans_b` is set. The optional `C` is broadcast
    unidirectionally to `[M, N]`.

    Models ONNX `Gemm` (https://onnx.ai/onnx/operators/onnx__Gemm.html),
    `aten::linear` and `aten::addmm`.

    Example:
    ```mlir
    %r = graph.gemm %x, %w, %b {trans_b = true} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$a, Graph_FloatTensor:$b,
                   Optional<Graph_FloatTensor>:$c,
                   DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
                   DefaultValuedAttr<F32Attr, "1.0f">:$beta,
                   DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                   DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_ConvOp : Graph_InferredOp<"conv"> {
  let summary = "2-D convolution (ONNX Conv)";
  let description = [{
    2-D convolution of an NCHW input with an `[M, C / group, kH, kW]`
    filter and an optional `[M]` bias. `strides` and `dilations` default to 1,
    `pads` are `[top, left, bottom, right]` (ONNX `[x1_begin, x2_begin,
    x1_end, x2_end]`). `group` divides both C and M; depthwise convolution is
    `group = C`. The output is `[N, M, Ho, Wo]` with
    `Ho = (H + top + bottom - dilation * (kH - 1) - 1) / stride + 1`.

    Models ONNX `Conv` (https://onnx.ai/onnx/operators/onnx__Conv.html) and
    `aten::_convolution` / `aten::conv2d`.

    Example:
    ```mlir
    %r = graph.conv %x, %w, %b {pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$filter,
                   Optional<Graph_FloatTensor>:$bias,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Normalization, pooling and softmax
//===----------------------------------------------------------------------===//

def Graph_BatchNormOp : Graph_InferredOp<"batch_norm"> {
  let summary = "Batch normalization, inference form (ONNX BatchNormalization)";
  let description = [{
    Computes `(x - mean) / sqrt(var + epsilon) * scale + bias` per channel
    (dimension 1) with the running statistics; `scale`, `bias`, `mean` and
    `var` are 1-D of size C.

    Models ONNX `BatchNormalization` in inference mode
    (https://onnx.ai/onnx/operators/onnx__BatchNormalization.html) and
    `aten::batch_norm` with `training = false`.

    Example:
    ```mlir
    %r = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
        : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                   Graph_FloatTensor:$bias, Graph_FloatTensor:$mean,
                   Graph_FloatTensor:$var,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_LayerNormOp : Graph_InferredOp<"layer_norm"> {
  let summary = "Layer normalization (ONNX LayerNormalization)";
  let description = [{
    Normalizes over the dimensions from `axis` to the last (mean 0, variance
    1 with `epsilon` added to the variance), then multiplies by `scale` and
    adds the optional `bias`, both shaped like those trailing dimensions.

    Models ONNX `LayerNormalization` (opset 17,
    https://onnx.ai/onnx/operators/onnx__LayerNormalization.html) and
    `aten::layer_norm`.

    Example:
    ```mlir
    %r = graph.layer_norm %x, %g, %b {axis = -1 : i64}
        : (tensor<2x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                   Optional<Graph_FloatTensor>:$bias,
                   DefaultValuedAttr<I64Attr, "-1">:$axis,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_SoftmaxOp : Graph_Op<"softmax", [SameOperandsAndResultType]> {
  let summary = "Softmax along one axis (ONNX Softmax, opset 13)";
  let description = [{
    Computes `exp(x) / sum(exp(x))` along `axis` (default the last).

    Models ONNX `Softmax` from opset 13
    (https://onnx.ai/onnx/operators/onnx__Softmax.html) and `aten::softmax`.

    Example:
    ```mlir
    %r = graph.softmax %x {axis = -1 : i64} : tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input,
                   DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Graph_MaxPoolOp : Graph_PoolOp<"max_pool", "MaxPool", "maximum", (ins)>;
def Graph_AveragePoolOp : Graph_PoolOp<"average_pool", "AveragePool", "average",
    (ins DefaultValuedAttr<BoolAttr, "false">:$count_include_pad)>;

def Graph_GlobalAveragePoolOp : Graph_InferredOp<"global_average_pool"> {
  let summary = "Average over all spatial positions (ONNX GlobalAveragePool)";
  let description = [{
    Averages each channel of an `[N, C, D1, ...]` input over its spatial
    dimensions, giving `[N, C, 1, ...]`.

    Models ONNX `GlobalAveragePool`
    (https://onnx.ai/onnx/operators/onnx__GlobalAveragePool.html) and
    `aten::adaptive_avg_pool2d` to 1x1.

    Example:
    ```mlir
    %r = graph.global_average_pool %x : tensor<1x8x7x7xf32> -> tensor<1x8x1x1xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Graph_ReduceMeanOp : Graph_ReduceOp<"reduce_mean", "ReduceMean", "mean">;
def Graph_ReduceSumOp : Graph_ReduceOp<"reduce_sum", "ReduceSum", "sum">;
def Graph_ReduceMaxOp : Graph_ReduceOp<"reduce_max", "ReduceMax", "maximum">;

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

def Graph_ReshapeOp : Graph_Op<"reshape"> {
  let summary = "Reinterprets the shape (ONNX Reshape)";
  let description = [{
    Gives the elements of the input, in row-major order, the shape of the
    result type. The element count and type are unchanged. ONNX's shape input
    (with its `0` and `-1` entries) is resolved by the importer into the
    static result type.

    Models ONNX `Reshape` (https://onnx.ai/onnx/operators/onnx__Reshape.html)
    and `aten::view` / `aten::reshape`.

    Example:
    ```mlir
    %r = graph.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_TransposeOp : Graph_InferredOp<"transpose"> {
  let summary = "Permutes dimensions (ONNX Transpose)";
  let description = [{
    Result dimension `i` is input dimension `perm[i]`; `perm` is a
    permutation of `[0, rank)`.

    Models ONNX `Transpose` (https://onnx.ai/onnx/operators/onnx__Transpose.html)
    and `aten::permute` / `aten::transpose` / `aten::t`.

    Example:
    ```mlir
    %r = graph.transpose %x {perm = array<i64: 0, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Graph_FlattenOp : Graph_InferredOp<"flatten"> {
  let summary = "Flattens to 2-D around an axis (ONNX Flatten)";
  let description = [{
    Reshapes the input to `[prod(dims[0:axis]), prod(dims[axis:])]`; `axis`
    is in `[-rank, rank]` and defaults to 1.

    Models ONNX `Flatten` (https://onnx.ai/onnx/operators/onnx__Flatten.html).

    Example:
    ```mlir
    %r = graph.flatten %x : tensor<2x3x4xf32> -> tensor<2x12xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Graph_ConcatOp : Graph_InferredOp<"concat", [SameOperandsElementType]> {
  let summary = "Joins tensors along an axis (ONNX Concat)";
  let description = [{
    Concatenates one or more tensors of equal rank along `axis` (negative
    counts from the back); all other dimensions must match.

    Models ONNX `Concat` (https://onnx.ai/onnx/operators/onnx__Concat.html)
    and `aten::cat`.

    Example:
    ```mlir
    %r = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasFolder = 1;
}

def Graph_SplitOp : Graph_InferredOp<"split"> {
  let summary = "Splits a tensor into parts along an axis (ONNX Split)";
  let description = [{
    Splits the input along `axis` into one result per entry of `sizes`,
    which must be positive and add up to the dimension.

    Models ONNX `Split` (https://onnx.ai/onnx/operators/onnx__Split.html)
    with the split input folded into `sizes`, and `aten::split` /
    `aten::chunk`.

    Example:
    ```mlir
    %a, %b = graph.split %x {axis = 1 : i64, sizes = array<i64: 2, 6>}
        : tensor<4x8xf32> -> (tensor<4x2xf32>, tensor<4x6xf32>)
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis,
                   DenseI64ArrayAttr:$sizes);
  let results = (outs Variadic<Graph_Tensor>:$outputs);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` `(` type($outputs) `)`";
}

def Graph_SliceOp : Graph_InferredOp<"slice"> {
  let summary = "Strided slice (ONNX Slice)";
  let description = [{
    Takes elements `starts[i], starts[i] + steps[i], ...` up to (excluding)
    `ends[i]` along each axis `axes[i]`. Negative starts and ends count from
    the back and are clamped as in ONNX; steps are non-zero and may be
    negative. `axes` defaults to `[0, len(starts))`, `steps` to 1.

    Models ONNX `Slice` (https://onnx.ai/onnx/operators/onnx__Slice.html)
    with its inputs folded into attributes, and `aten::slice` /
    `aten::narrow`.

    Example:
    ```mlir
    %r = graph.slice %x {axes = array<i64: 1>, ends = array<i64: 4>, starts = array<i64: 1>}
        : tensor<2x8xf32> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$starts,
                   DenseI64ArrayAttr:$ends,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$steps);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Graph_GatherOp : Graph_InferredOp<"gather"> {
  let summary = "Gathers slices by index along an axis (ONNX Gather)";
  let description = [{
    Output shape is `data.shape[:axis] + indices.shape + data.shape[axis+1:]`;
    every index selects one slice of `data` along `axis`. Negative indices
    count from the back. Embedding lookup is `gather` on axis 0.

    Models ONNX `Gather` (https://onnx.ai/onnx/operators/onnx__Gather.html)
    and `aten::embedding` / `aten::index_select` / `aten::select`.

    Example:
    ```mlir
    %r = graph.gather %table, %ids {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2x8xi64>) -> tensor<2x8x16xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_IndexTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def Graph_GatherElementsOp : Graph_InferredOp<"gather_elements"> {
  let summary = "Gathers single elements by index along an axis (ONNX GatherElements)";
  let description = [{
    `indices` has the rank of `data`, and along every axis but `axis` at most
    its size; the result has the shape of `indices`. Along `axis`, each
    result element takes the element of `data` its index names; elsewhere
    it keeps its own position (for axis 0 of a 2-D input,
    `result[i][j] = data[indices[i][j]][j]`). Negative indices count from
    the back; an index out of range is an error when the op runs.

    Models ONNX `GatherElements`
    (https://onnx.ai/onnx/operators/onnx__GatherElements.html) and
    `aten::gather` (`torch.gather`, `take_along_dim` on one axis).

    Example:
    ```mlir
    %r = graph.gather_elements %x, %i {axis = 1 : i64} : (tensor<2x5xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_IndexTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def Graph_UnsqueezeOp : Graph_InferredOp<"unsqueeze"> {
  let summary = "Inserts size-1 dimensions (ONNX Unsqueeze)";
  let description = [{
    Inserts a dimension of size 1 at each position of `axes`, given in the
    output's numbering (negative counts from the back of the output).

    Models ONNX `Unsqueeze` (opset 13,
    https://onnx.ai/onnx/operators/onnx__Unsqueeze.html) and `aten::unsqueeze`.

    Example:
    ```mlir
    %r = graph.unsqueeze %x {axes = array<i64: 0, 3>} : tensor<2x3xf32> -> tensor<1x2x3x1xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Graph_SqueezeOp : Graph_InferredOp<"squeeze"> {
  let summary = "Removes size-1 dimensions (ONNX Squeeze)";
  let description = [{
    Removes the dimensions listed in `axes`, each of which must have size 1;
    with empty `axes`, removes every dimension of size 1.

    Models ONNX `Squeeze` (opset 13,
    https://onnx.ai/onnx/operators/onnx__Squeeze.html) and `aten::squeeze`.

    Example:
    ```mlir
    %r = graph.squeeze %x {axes = array<i64: 0>} : tensor<1x2x3xf32> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Graph_ExpandOp : Graph_InferredOp<"expand"> {
  let summary = "Broadcasts to a shape (ONNX Expand)";
  let description = [{
    Broadcasts the input against `shape` with multidirectional broadcasting,
    so the result is the broadcast of both (a 1 in `shape` keeps the input's
    dimension).

    Models ONNX `Expand` (https://onnx.ai/onnx/operators/onnx__Expand.html)
    with the shape input folded into the attribute, and `aten::expand`.

    Example:
    ```mlir
    %r = graph.expand %x {shape = array<i64: 4, 1, 3>} : tensor<2x1xf32> -> tensor<4x2x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

#endif // NEURON_DIALECT_GRAPH_IR_GRAPHOPS_TD
