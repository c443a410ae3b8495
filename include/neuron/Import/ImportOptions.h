//===- ImportOptions.h - options shared by the model importers ----*- C++
//-*-===//

#ifndef NEURON_IMPORT_IMPORTOPTIONS_H
#define NEURON_IMPORT_IMPORTOPTIONS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace neuron {

/// Element types a model input may be declared with (numpy spellings in
/// --io-config: float32, float16, bfloat16, int64, int32, int8, bool).
enum class ElementKind { F32, F16, BF16, I64, I32, I8, Bool };

/// Parses a numpy-style dtype name; returns std::nullopt for an unknown one.
std::optional<ElementKind> parseElementKind(llvm::StringRef name);

/// Returns the numpy-style name of `kind`.
llvm::StringRef stringifyElementKind(ElementKind kind);

/// The static shape and element type the user fixes for one model input.
struct InputSpec {
  std::string name;
  llvm::SmallVector<int64_t> shape;
  ElementKind elementKind = ElementKind::F32;
};

/// Options common to every importer.
struct ImportOptions {
  /// Shapes and types of inputs, by name; each replaces what the model
  /// declares (dynamic dims must be fixed here). A name the model does not
  /// have is an error.
  llvm::SmallVector<InputSpec> inputs;

  /// Name of the imported function.
  std::string functionName = "main";

  /// Returns the spec for `name`, or nullptr.
  const InputSpec *findInput(llvm::StringRef name) const {
    for (const InputSpec &spec : inputs)
      if (spec.name == name)
        return &spec;
    return nullptr;
  }
};

/// Parses an --io-config value: JSON text, or `@FILE` naming a file with it.
/// The format is `{"inputs": {"name": [[1, 128], "int64"], ...}}`; the dtype
/// may be omitted (`{"inputs": {"x": [[1, 3, 224, 224]]}}` means float32).
llvm::Expected<ImportOptions> parseIOConfig(llvm::StringRef text);

} // namespace neuron

#endif // NEURON_IMPORT_IMPORTOPTIONS_H
