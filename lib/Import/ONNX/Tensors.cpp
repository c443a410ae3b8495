//===- Tensors.cpp - ONNX tensors: data types, decoding, weights ----------===//

#include "ONNXImporter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Alignment.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace neuron::onnx_import;
using onnx::TensorProto;

bool neuron::onnx_import::isFloatDType(int32_t dtype) {
  return dtype == TensorProto::FLOAT || dtype == TensorProto::FLOAT16 ||
         dtype == TensorProto::BFLOAT16 || dtype == TensorProto::DOUBLE;
}

std::string neuron::onnx_import::dtypeName(int32_t dtype) {
  if (TensorProto::DataType_IsValid(dtype))
    return TensorProto::DataType_Name(static_cast<TensorProto::DataType>(dtype));
  return "data type " + std::to_string(dtype);
}

Type neuron::onnx_import::getElementType(MLIRContext *context, int32_t dtype) {
  Builder b(context);
  switch (dtype) {
  case TensorProto::FLOAT:
    return b.getF32Type();
  case TensorProto::FLOAT16:
    return b.getF16Type();
  case TensorProto::BFLOAT16:
    return b.getBF16Type();
  case TensorProto::INT64:
    return b.getI64Type();
  case TensorProto::INT32:
    return b.getI32Type();
  case TensorProto::INT8:
    return b.getI8Type();
  case TensorProto::BOOL:
    return b.getI1Type();
  default:
    return {};
  }
}

int32_t neuron::onnx_import::getDType(Type type) {
  if (type.isF32())
    return TensorProto::FLOAT;
  if (type.isF16())
    return TensorProto::FLOAT16;
  if (type.isBF16())
    return TensorProto::BFLOAT16;
  if (type.isInteger(64))
    return TensorProto::INT64;
  if (type.isInteger(32))
    return TensorProto::INT32;
  if (type.isInteger(8))
    return TensorProto::INT8;
  if (type.isInteger(1))
    return TensorProto::BOOL;
  return 0;
}

std::string neuron::onnx_import::formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += std::to_string(d);
  }
  return s + "]";
}

int64_t neuron::onnx_import::numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (llvm::MulOverflow(n, d, n))
      return std::numeric_limits<int64_t>::max();
  return n;
}

std::optional<std::string>
neuron::onnx_import::checkShapeLimits(ArrayRef<int64_t> shape) {
  if (static_cast<int64_t>(shape.size()) > kMaxRank)
    return "rank " + std::to_string(shape.size()) + " (more than " +
           std::to_string(kMaxRank) + ")";
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      continue;
    if (llvm::MulOverflow(n, d, n) || n > kMaxTensorElements)
      return "shape " + formatShape(shape) +
             " (more than 2^36 = " + std::to_string(kMaxTensorElements) +
             " elements)";
  }
  return std::nullopt;
}

double neuron::onnx_import::convertScalar(double value, int32_t dtype) {
  switch (dtype) {
  case TensorProto::BOOL:
    return value != 0 ? 1 : 0;
  case TensorProto::FLOAT:
    return static_cast<float>(value);
  case TensorProto::DOUBLE:
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    return value;
  default: {
    // Integers: truncated toward zero, NaN as 0 and out-of-range values
    // saturated to the type's range (ONNX leaves both undefined; a plain
    // conversion would be undefined behaviour here).
    if (std::isnan(value))
      return 0;
    double lo = -9223372036854775808.0, hi = 9223372036854775807.0;
    switch (dtype) {
    case TensorProto::INT8:
      lo = -128, hi = 127;
      break;
    case TensorProto::UINT8:
      lo = 0, hi = 255;
      break;
    case TensorProto::INT16:
      lo = -32768, hi = 32767;
      break;
    case TensorProto::UINT16:
      lo = 0, hi = 65535;
      break;
    case TensorProto::INT32:
      lo = -2147483648.0, hi = 2147483647.0;
      break;
    case TensorProto::UINT32:
      lo = 0, hi = 4294967295.0;
      break;
    case TensorProto::UINT64:
      lo = 0;
      break;
    default:
      break;
    }
    return std::clamp(std::trunc(value), lo, hi);
  }
  }
}

/// Returns the size in bytes of one element of `dtype` in raw data, or 0.
static int64_t rawElementBytes(int32_t dtype) {
  switch (dtype) {
  case TensorProto::FLOAT:
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return 4;
  case TensorProto::DOUBLE:
  case TensorProto::INT64:
  case TensorProto::UINT64:
    return 8;
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
  case TensorProto::INT16:
  case TensorProto::UINT16:
    return 2;
  case TensorProto::INT8:
  case TensorProto::UINT8:
  case TensorProto::BOOL:
    return 1;
  default:
    return 0;
  }
}

std::optional<std::string>
neuron::onnx_import::checkTensorData(const TensorProto &proto) {
  llvm::SmallVector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  if (llvm::any_of(shape, [](int64_t d) { return d < 0; }))
    return "a negative dimension";
  if (std::optional<std::string> problem = checkShapeLimits(shape))
    return problem;
  if (proto.data_location() == TensorProto::EXTERNAL)
    return std::nullopt; // Checked against the file when it is read.
  int32_t dtype = proto.data_type();
  if (dtype == TensorProto::COMPLEX64 || dtype == TensorProto::COMPLEX128)
    return std::nullopt; // Unsupported; refused when used.
  int64_t n = numElements(shape);
  int64_t typed = proto.float_data_size() + proto.int32_data_size() +
                  proto.string_data_size() + proto.int64_data_size() +
                  proto.double_data_size() + proto.uint64_data_size();
  if (proto.has_raw_data()) {
    if (typed)
      return std::string("both raw_data and typed data fields");
    int64_t elementBytes = rawElementBytes(dtype);
    int64_t size = static_cast<int64_t>(proto.raw_data().size());
    if (elementBytes && size != n * elementBytes)
      return "shape " + formatShape(shape) + " but " + std::to_string(size) +
             " bytes of raw_data";
    return std::nullopt;
  }
  if (typed != n)
    return "shape " + formatShape(shape) + " but " + std::to_string(typed) +
           " values";
  return std::nullopt;
}

/// Returns the half-precision bit pattern `bits` of `dtype` as a double.
static double halfToDouble(uint16_t bits, int32_t dtype) {
  const llvm::fltSemantics &sem = dtype == TensorProto::BFLOAT16
                                      ? llvm::APFloat::BFloat()
                                      : llvm::APFloat::IEEEhalf();
  llvm::APFloat f(sem, llvm::APInt(16, bits));
  return f.convertToFloat();
}

/// Reads element `i` of little-endian raw data of `dtype` as double or int.
static void readRawElement(const char *data, int64_t i, ConstTensor &out) {
  switch (out.dtype) {
  case TensorProto::FLOAT: {
    float v;
    std::memcpy(&v, data + 4 * i, 4);
    out.floats.push_back(v);
    return;
  }
  case TensorProto::DOUBLE: {
    double v;
    std::memcpy(&v, data + 8 * i, 8);
    out.floats.push_back(v);
    return;
  }
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16: {
    uint16_t v;
    std::memcpy(&v, data + 2 * i, 2);
    out.floats.push_back(halfToDouble(v, out.dtype));
    return;
  }
  case TensorProto::INT64:
  case TensorProto::UINT64: {
    int64_t v;
    std::memcpy(&v, data + 8 * i, 8);
    out.ints.push_back(v);
    return;
  }
  case TensorProto::INT32: {
    int32_t v;
    std::memcpy(&v, data + 4 * i, 4);
    out.ints.push_back(v);
    return;
  }
  case TensorProto::UINT32: {
    uint32_t v;
    std::memcpy(&v, data + 4 * i, 4);
    out.ints.push_back(v);
    return;
  }
  case TensorProto::INT16: {
    int16_t v;
    std::memcpy(&v, data + 2 * i, 2);
    out.ints.push_back(v);
    return;
  }
  case TensorProto::UINT16: {
    uint16_t v;
    std::memcpy(&v, data + 2 * i, 2);
    out.ints.push_back(v);
    return;
  }
  case TensorProto::INT8:
    out.ints.push_back(static_cast<int8_t>(data[i]));
    return;
  case TensorProto::UINT8:
    out.ints.push_back(static_cast<uint8_t>(data[i]));
    return;
  case TensorProto::BOOL:
    out.ints.push_back(data[i] != 0);
    return;
  default:
    return;
  }
}

FailureOr<std::optional<ArrayRef<char>>>
Importer::getRawData(const TensorProto &proto, Location loc,
                     std::unique_ptr<llvm::MemoryBuffer> *owner) {
  if (proto.data_location() != TensorProto::EXTERNAL) {
    if (!proto.has_raw_data())
      return std::optional<ArrayRef<char>>();
    return std::optional<ArrayRef<char>>(
        ArrayRef<char>(proto.raw_data().data(), proto.raw_data().size()));
  }
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &entry : proto.external_data()) {
    if (entry.key() == "location") {
      location = entry.value();
      continue;
    }
    if (entry.key() != "offset" && entry.key() != "length")
      continue;
    int64_t parsed;
    if (llvm::StringRef(entry.value()).getAsInteger(10, parsed) || parsed < 0)
      return emitError(loc) << "tensor '" << proto.name()
                            << "' has an invalid external data " << entry.key()
                            << " '" << entry.value() << "'";
    (entry.key() == "offset" ? offset : length) = parsed;
  }
  if (location.empty())
    return emitError(loc) << "tensor '" << proto.name()
                          << "' has external data without a location";
  // External data must stay beside the model: no absolute paths, no '..'.
  if (llvm::sys::path::is_absolute(location) ||
      llvm::any_of(llvm::make_range(llvm::sys::path::begin(location),
                                    llvm::sys::path::end(location)),
                   [](llvm::StringRef c) { return c == ".."; }))
    return emitError(loc) << "tensor '" << proto.name()
                          << "' has external data outside the model directory: '"
                          << location << "'";
  llvm::SmallString<256> path(modelDir);
  llvm::sys::path::append(path, location);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> whole =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!whole)
    return emitError(loc) << "cannot open external data file '" << path
                          << "' of tensor '" << proto.name()
                          << "': " << whole.getError().message();
  int64_t fileSize = static_cast<int64_t>((*whole)->getBufferSize());
  int64_t expected = rawElementBytes(proto.data_type()) *
                     numElements(llvm::SmallVector<int64_t>(
                         proto.dims().begin(), proto.dims().end()));
  if (length < 0)
    length = fileSize - std::min(offset, fileSize);
  if (offset > fileSize || length > fileSize - offset)
    return emitError(loc) << "external data of tensor '" << proto.name()
                          << "' (offset " << offset << ", length " << length
                          << ") lies outside '" << path << "' (" << fileSize
                          << " bytes)";
  if (length != expected)
    return emitError(loc) << "external data of tensor '" << proto.name()
                          << "' has " << length << " bytes, expected "
                          << expected;
  ArrayRef<char> bytes((*whole)->getBufferStart() + offset, length);
  if (owner)
    *owner = std::move(*whole);
  else
    buffers.push_back(std::move(*whole));
  return std::optional<ArrayRef<char>>(bytes);
}

FailureOr<ConstTensor> Importer::decodeTensor(const TensorProto &proto,
                                              Location loc) {
  ConstTensor out;
  out.dtype = proto.data_type();
  out.shape.assign(proto.dims().begin(), proto.dims().end());
  for (int64_t d : out.shape)
    if (d < 0)
      return emitError(loc) << "tensor '" << proto.name()
                            << "' has a negative dimension";
  if (std::optional<std::string> problem = checkShapeLimits(out.shape))
    return emitError(loc) << "tensor '" << proto.name() << "' has " << *problem;
  int64_t n = numElements(out.shape);
  int64_t elementBytes = rawElementBytes(out.dtype);
  if (!elementBytes)
    return emitError(loc) << "tensor '" << proto.name()
                          << "' has unsupported element type "
                          << dtypeName(out.dtype);
  FailureOr<std::optional<ArrayRef<char>>> raw =
      getRawData(proto, loc, nullptr);
  if (failed(raw))
    return failure();
  auto sizeError = [&](int64_t have) {
    return emitError(loc) << "tensor '" << proto.name() << "' of shape "
                          << formatShape(out.shape) << " holds " << have
                          << " values";
  };
  if (*raw) {
    if (static_cast<int64_t>((*raw)->size()) != n * elementBytes)
      return sizeError(static_cast<int64_t>((*raw)->size()) / elementBytes);
    for (int64_t i = 0; i < n; ++i)
      readRawElement((*raw)->data(), i, out);
    return out;
  }
  switch (out.dtype) {
  case TensorProto::FLOAT:
    if (proto.float_data_size() != n)
      return sizeError(proto.float_data_size());
    out.floats.assign(proto.float_data().begin(), proto.float_data().end());
    break;
  case TensorProto::DOUBLE:
    if (proto.double_data_size() != n)
      return sizeError(proto.double_data_size());
    out.floats.assign(proto.double_data().begin(), proto.double_data().end());
    break;
  case TensorProto::INT64:
    if (proto.int64_data_size() != n)
      return sizeError(proto.int64_data_size());
    out.ints.assign(proto.int64_data().begin(), proto.int64_data().end());
    break;
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    if (proto.uint64_data_size() != n)
      return sizeError(proto.uint64_data_size());
    out.ints.assign(proto.uint64_data().begin(), proto.uint64_data().end());
    break;
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    if (proto.int32_data_size() != n)
      return sizeError(proto.int32_data_size());
    for (int32_t bits : proto.int32_data())
      out.floats.push_back(halfToDouble(static_cast<uint16_t>(bits), out.dtype));
    break;
  default:
    if (proto.int32_data_size() != n)
      return sizeError(proto.int32_data_size());
    for (int32_t v : proto.int32_data())
      out.ints.push_back(out.dtype == TensorProto::BOOL ? v != 0 : v);
    break;
  }
  return out;
}

/// Builds a DenseElementsAttr of `type` from known values.
DenseElementsAttr
neuron::onnx_import::buildDenseAttr(RankedTensorType type,
                                   const ConstTensor &value) {
  Type elementType = type.getElementType();
  if (elementType.isInteger(1)) {
    llvm::SmallVector<bool> bits;
    for (int64_t v : value.ints)
      bits.push_back(v != 0);
    if (bits.size() == 1)
      return DenseElementsAttr::get(type, bits[0]);
    return DenseElementsAttr::get(type, bits);
  }
  if (auto intType = dyn_cast<IntegerType>(elementType)) {
    llvm::SmallVector<llvm::APInt> ints;
    for (int64_t i = 0, e = value.size(); i < e; ++i)
      ints.emplace_back(intType.getWidth(), value.getInt(i), /*isSigned=*/true,
                        /*implicitTrunc=*/true);
    if (ints.size() == 1)
      return DenseElementsAttr::get(type, ints[0]);
    return DenseElementsAttr::get(type, ints);
  }
  auto floatType = cast<FloatType>(elementType);
  llvm::SmallVector<llvm::APFloat> floats;
  for (int64_t i = 0, e = value.size(); i < e; ++i) {
    llvm::APFloat f(value.getDouble(i));
    bool lost;
    f.convert(floatType.getFloatSemantics(),
              llvm::APFloat::rmNearestTiesToEven, &lost);
    floats.push_back(f);
  }
  if (floats.size() == 1)
    return DenseElementsAttr::get(type, floats[0]);
  return DenseElementsAttr::get(type, floats);
}

FailureOr<Value> Importer::materialize(const ConstTensor &value,
                                       llvm::StringRef name, Location loc) {
  Type elementType = getElementType(&context, value.dtype);
  if (!elementType)
    return emitError(loc) << "tensor '" << name << "' has element type "
                          << dtypeName(value.dtype)
                          << ", unsupported by the graph dialect (supported: "
                             "FLOAT, FLOAT16, BFLOAT16, INT64, INT32, INT8, "
                             "BOOL)";
  auto type = RankedTensorType::get(value.shape, elementType);
  return graph::ConstantOp::create(builder, loc, type,
                                   buildDenseAttr(type, value))
      .getResult();
}

/// Returns a resource key for weight `name`: an identifier-like spelling so
/// the printed `dense_resource<...>` needs no quotes.
static std::string resourceKey(llvm::StringRef name) {
  std::string key;
  for (char c : name)
    key += (llvm::isAlnum(c) || c == '_' || c == '.') ? c : '_';
  if (key.empty() || llvm::isDigit(key[0]) || key[0] == '.')
    key = "_" + key;
  return key;
}

FailureOr<Value> Importer::materializeWeight(llvm::StringRef name,
                                             TensorEntry &entry) {
  TensorProto &proto = *entry.initializer;
  Location loc = entry.loc;
  Type elementType = getElementType(&context, proto.data_type());
  if (!elementType)
    return emitError(loc) << "initializer '" << name << "' has element type "
                          << dtypeName(proto.data_type())
                          << ", unsupported by the graph dialect (supported: "
                             "FLOAT, FLOAT16, BFLOAT16, INT64, INT32, INT8, "
                             "BOOL)";
  auto type = RankedTensorType::get(entry.shape, elementType);
  int64_t elementBytes = rawElementBytes(proto.data_type());
  int64_t bytes = numElements(entry.shape) * elementBytes;
  ElementsAttr value;
  std::unique_ptr<llvm::MemoryBuffer> file;
  FailureOr<std::optional<ArrayRef<char>>> raw = getRawData(proto, loc, &file);
  if (failed(raw))
    return failure();
  if (*raw && static_cast<int64_t>((*raw)->size()) != bytes)
    return emitError(loc) << "initializer '" << name << "' of shape "
                          << formatShape(entry.shape) << " has "
                          << (*raw)->size() << " bytes of data, expected "
                          << bytes;
  llvm::Align align(elementBytes);
  if (elementType.isInteger(1) || !*raw) {
    // Bools (bit-packed in MLIR) and typed proto fields are decoded.
    FailureOr<ConstTensor> decoded = decodeTensor(proto, loc);
    if (failed(decoded))
      return failure();
    DenseElementsAttr dense = buildDenseAttr(type, *decoded);
    if (elementType.isInteger(1)) {
      value = dense;
    } else {
      ArrayRef<char> data = dense.getRawData();
      if (dense.isSplat()) {
        // A splat stores one element; expand it for the blob.
        std::vector<char> full;
        for (int64_t i = 0, e = numElements(entry.shape); i < e; ++i)
          full.insert(full.end(), data.begin(), data.end());
        value = DenseResourceElementsAttr::get(
            type, resourceKey(name),
            HeapAsmResourceBlob::allocateAndCopyWithAlign(
                ArrayRef<char>(full), align.value()));
      } else {
        value = DenseResourceElementsAttr::get(
            type, resourceKey(name),
            HeapAsmResourceBlob::allocateAndCopyWithAlign(data, align.value()));
      }
    }
  } else if (!llvm::isAddrAligned(align, (*raw)->data())) {
    value = DenseResourceElementsAttr::get(
        type, resourceKey(name),
        HeapAsmResourceBlob::allocateAndCopyWithAlign(**raw, align.value()));
  } else if (file) {
    // External data: the blob owns the file buffer, so no copy is made.
    ArrayRef<char> data = **raw;
    llvm::MemoryBuffer *owned = file.release();
    value = DenseResourceElementsAttr::get(
        type, resourceKey(name),
        AsmResourceBlob(data, align.value(),
                        [owned](void *, size_t, size_t) { delete owned; },
                        /*dataIsMutable=*/false));
  } else {
    // Raw data in the proto: move the bytes out of the model into the blob.
    auto *owned = new std::string(std::move(*proto.mutable_raw_data()));
    proto.clear_raw_data();
    ArrayRef<char> data(owned->data(), owned->size());
    if (!llvm::isAddrAligned(align, data.data())) {
      value = DenseResourceElementsAttr::get(
          type, resourceKey(name),
          HeapAsmResourceBlob::allocateAndCopyWithAlign(data, align.value()));
      delete owned;
    } else {
      value = DenseResourceElementsAttr::get(
          type, resourceKey(name),
          AsmResourceBlob(data, align.value(),
                          [owned](void *, size_t, size_t) { delete owned; },
                          /*dataIsMutable=*/false));
    }
  }
  entry.initializer = nullptr;
  return graph::WeightOp::create(builder, loc, type, builder.getStringAttr(name),
                                 value)
      .getResult();
}
