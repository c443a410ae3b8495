//===- ImportBenchmark.cpp - import time and memory against file size -----===//
//
//   neuron-import-bench MODEL IO_CONFIG_JSON
//
// Imports MODEL (.pt or .onnx) once and prints one JSON line: file bytes,
// import seconds, resident memory before and after, and the peak resident
// memory the import added, as a multiple of the file size. The importers
// must not copy weights more than once, so that multiple stays under 2.
//
//===----------------------------------------------------------------------===//

#include "neuron/Compiler/Pipelines.h"
#include "neuron/Import/ImportOptions.h"
#ifdef NEURON_ENABLE_ONNX
#include "neuron/Import/ONNX.h"
#endif
#ifdef NEURON_ENABLE_TORCHSCRIPT
#include "neuron/Import/TorchScript.h"
#endif

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <fstream>
#include <sys/resource.h>

/// Returns a field of /proc/self/status in bytes ("VmRSS", "VmHWM").
static int64_t procStatusBytes(const std::string &field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field + ":", 0) == 0)
      return std::stoll(line.substr(field.size() + 1)) * 1024;
  return -1;
}

/// Resets the peak-RSS counter (VmHWM) so it measures the import alone.
static void resetPeak() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
}

int main(int argc, char **argv) {
  if (argc != 3) {
    llvm::errs() << "usage: neuron-import-bench MODEL IO_CONFIG_JSON\n";
    return 1;
  }
  std::string path = argv[1];
  llvm::Expected<neuron::ImportOptions> options =
      neuron::parseIOConfig(argv[2]);
  if (!options) {
    llvm::errs() << llvm::toString(options.takeError()) << "\n";
    return 1;
  }
  uint64_t fileBytes = 0;
  if (llvm::sys::fs::file_size(path, fileBytes)) {
    llvm::errs() << "cannot stat " << path << "\n";
    return 1;
  }

  mlir::MLIRContext context;
  neuron::registerCompilerDialects(context);
  int64_t rssBefore = procStatusBytes("VmRSS");
  resetPeak();
  auto start = std::chrono::steady_clock::now();
  mlir::OwningOpRef<mlir::ModuleOp> module;
  bool onnx = llvm::sys::path::extension(path) == ".onnx";
#ifdef NEURON_ENABLE_ONNX
  if (onnx)
    module = neuron::importONNXFile(path, context, *options);
#endif
#ifdef NEURON_ENABLE_TORCHSCRIPT
  if (!onnx)
    module = neuron::importTorchScriptFile(path, context, *options);
#endif
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!module)
    return 1;
  int64_t rssAfter = procStatusBytes("VmRSS");
  int64_t peak = procStatusBytes("VmHWM");
  double added = static_cast<double>(peak - rssBefore);
  llvm::outs() << llvm::formatv(
      "{{\"model\": \"{0}\", \"file_bytes\": {1}, \"import_seconds\": {2:f3}, "
      "\"rss_before\": {3}, \"rss_after\": {4}, \"peak_rss\": {5}, "
      "\"peak_added_over_file\": {6:f3}}\n",
      llvm::sys::path::filename(path), fileBytes, seconds, rssBefore, rssAfter,
      peak, added / static_cast<double>(fileBytes));
  return 0;
}
