//===- ImportOptions.cpp - --io-config parsing ----------------------------===//

#include "neuron/Import/ImportOptions.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace neuron {

std::optional<ElementKind> parseElementKind(StringRef name) {
  return StringSwitch<std::optional<ElementKind>>(name.lower())
      .Cases({"float32", "float", "f32"}, ElementKind::F32)
      .Cases({"float16", "half", "f16"}, ElementKind::F16)
      .Cases({"bfloat16", "bf16"}, ElementKind::BF16)
      .Cases({"int64", "long", "i64"}, ElementKind::I64)
      .Cases({"int32", "int", "i32"}, ElementKind::I32)
      .Cases({"int8", "i8"}, ElementKind::I8)
      .Cases({"bool", "i1"}, ElementKind::Bool)
      .Default(std::nullopt);
}

StringRef stringifyElementKind(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
    return "float32";
  case ElementKind::F16:
    return "float16";
  case ElementKind::BF16:
    return "bfloat16";
  case ElementKind::I64:
    return "int64";
  case ElementKind::I32:
    return "int32";
  case ElementKind::I8:
    return "int8";
  case ElementKind::Bool:
    return "bool";
  }
  return "unknown";
}

static Error ioConfigError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(),
                           "invalid --io-config: " + message);
}

/// Parses one input entry: `[[dims...], "dtype"]` or `[[dims...]]`.
static Expected<InputSpec> parseInput(StringRef name,
                                      const json::Value &value) {
  InputSpec spec;
  spec.name = name.str();
  const json::Array *entry = value.getAsArray();
  if (!entry || entry->empty() || entry->size() > 2)
    return ioConfigError("input '" + name +
                         "' must be [[dims...], \"dtype\"], e.g. "
                         "[[1, 128], \"int64\"]");
  const json::Array *dims = (*entry)[0].getAsArray();
  if (!dims)
    return ioConfigError("the shape of input '" + name +
                         "' must be a list of dimensions");
  for (const json::Value &dim : *dims) {
    std::optional<int64_t> size = dim.getAsInteger();
    if (!size || *size < 0)
      return ioConfigError("input '" + name +
                           "' has a dimension that is not a non-negative "
                           "integer");
    spec.shape.push_back(*size);
  }
  if (entry->size() == 2) {
    std::optional<StringRef> dtype = (*entry)[1].getAsString();
    std::optional<ElementKind> kind =
        dtype ? parseElementKind(*dtype) : std::nullopt;
    if (!kind)
      return ioConfigError(
          "input '" + name +
          "' has an unknown dtype; expected one of float32, float16, "
          "bfloat16, int64, int32, int8, bool");
    spec.elementKind = *kind;
  }
  return spec;
}

/// llvm::json::parse recurses once per nesting level, so a value of a
/// million '[' overflows the stack; a valid --io-config nests three deep.
static constexpr unsigned kMaxIOConfigDepth = 32;

/// Returns the offset of the first bracket nested deeper than
/// kMaxIOConfigDepth (brackets inside strings do not count).
static std::optional<size_t> findTooDeep(StringRef text) {
  unsigned depth = 0;
  bool inString = false, escaped = false;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxIOConfigDepth)
        return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

Expected<ImportOptions> parseIOConfig(StringRef text) {
  std::string storage;
  if (text.consume_front("@")) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> file = MemoryBuffer::getFile(text);
    if (!file)
      return ioConfigError("cannot read '" + text +
                           "': " + file.getError().message());
    storage = (*file)->getBuffer().str();
    text = storage;
  }
  if (std::optional<size_t> offset = findTooDeep(text))
    return ioConfigError("nested deeper than " + Twine(kMaxIOConfigDepth) +
                         " levels at offset " + Twine(*offset));
  Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return ioConfigError(toString(parsed.takeError()));
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return ioConfigError("expected a JSON object with an \"inputs\" key");
  for (const auto &kv : *root)
    if (kv.first != "inputs")
      return ioConfigError("unknown key '" + StringRef(kv.first) +
                           "'; only \"inputs\" is supported");
  const json::Object *inputs = root->getObject("inputs");
  if (!inputs)
    return ioConfigError("expected \"inputs\": {\"name\": [[dims...], "
                         "\"dtype\"], ...}");
  ImportOptions options;
  // json::Object is unordered; sort by name for deterministic output.
  SmallVector<StringRef> names;
  for (const auto &kv : *inputs)
    names.push_back(kv.first);
  llvm::sort(names);
  for (StringRef name : names) {
    Expected<InputSpec> spec = parseInput(name, *inputs->get(name));
    if (!spec)
      return spec.takeError();
    options.inputs.push_back(std::move(*spec));
  }
  return options;
}

} // namespace neuron
