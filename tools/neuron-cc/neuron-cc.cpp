//===- neuron-cc.cpp - the compile driver ---------------------------------===//
//
//   neuron-cc compile MODEL [--framework ONNX|PYTORCH] [--io-config JSON|@FILE]
//             [--compile-to import|optimize|partition|neff]
//             [--auto-cast none|matmult|all] [--auto-cast-type bf16]
//             [--output FILE] [--verbose N]
//   neuron-cc list-operators --framework ONNX|PYTORCH
//
// Flags follow AWS neuron-cc. Errors are MLIR diagnostics on stderr and exit
// code 1.
//
//===----------------------------------------------------------------------===//

#include "neuron/Compiler/Pipelines.h"
#include "neuron/Dialect/Graph/IR/GraphDialect.h"
#include "neuron/Import/ImportOptions.h"
#ifdef NEURON_ENABLE_NEFF
#include "neuron/Target/Neff/NeffEmitter.h"
#endif
#ifdef NEURON_ENABLE_ONNX
#include "neuron/Import/ONNX.h"
#endif
#ifdef NEURON_ENABLE_TORCHSCRIPT
#include "neuron/Import/TorchScript.h"
#endif

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace mlir;

static cl::OptionCategory neuronCategory("neuron-cc options");

static cl::SubCommand compileCommand("compile", "Compile a model");
static cl::SubCommand listCommand("list-operators",
                                  "Print the operators an importer supports");

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::Required, cl::sub(compileCommand),
                                      cl::cat(neuronCategory));

enum class Framework { Auto, ONNX, PyTorch };
static cl::opt<Framework> framework(
    "framework",
    cl::desc("Model format (default: from the file extension: "
             ".onnx/.onnxtxt -> ONNX, .pt/.pth/.ts -> PYTORCH)"),
    cl::init(Framework::Auto),
    cl::values(clEnumValN(Framework::ONNX, "ONNX", "ONNX model"),
               clEnumValN(Framework::PyTorch, "PYTORCH",
                          "TorchScript archive from torch.jit.trace")),
    cl::sub(compileCommand), cl::sub(listCommand), cl::cat(neuronCategory));

static cl::opt<std::string>
    ioConfig("io-config",
             cl::desc("Input shapes and dtypes as JSON or @FILE: "
                      "'{\"inputs\": {\"name\": [[1, 128], \"int64\"]}}'"),
             cl::sub(compileCommand), cl::cat(neuronCategory));

static cl::opt<neuron::CompilePhase> compileTo(
    "compile-to", cl::desc("Stop after this phase and write its output"),
#ifdef NEURON_ENABLE_NEFF
    cl::init(neuron::CompilePhase::Neff),
#else
    cl::init(neuron::CompilePhase::Partition),
#endif
    cl::values(clEnumValN(neuron::CompilePhase::Import, "import",
                          "graph IR as imported"),
               clEnumValN(neuron::CompilePhase::Optimize, "optimize",
                          "graph IR after canonicalization and CSE"),
               clEnumValN(neuron::CompilePhase::Partition, "partition",
                          "pipe.pipeline of stages with per-stage "
                          "summaries"),
               clEnumValN(neuron::CompilePhase::Neff, "neff",
                          "the .neff artifact (default)")),
    cl::sub(compileCommand), cl::cat(neuronCategory));

static cl::opt<std::string>
    outputPath("output",
               cl::desc("Output file ('-' for stdout); default out.neff for "
                        "--compile-to neff, '-' otherwise"),
               cl::sub(compileCommand), cl::cat(neuronCategory));
// A separate option rather than a cl::alias: aliases are not visible inside
// subcommands.
static cl::opt<std::string> outputShort("o", cl::desc("Same as --output"),
                                        cl::sub(compileCommand),
                                        cl::cat(neuronCategory));

static cl::opt<std::string> pipelineCores(
    "neuroncore-pipeline-cores",
    cl::desc("Number of pipeline stages (one NeuronCore each), or 'auto' for "
             "the fewest whose weights fit --core-memory (default 1)"),
    cl::init("1"), cl::sub(compileCommand), cl::cat(neuronCategory));

static cl::opt<std::string> coreMemory(
    "core-memory",
    cl::desc("Per-core weight cap in bytes (suffixes K, M, G accepted); "
             "default: none for an explicit core count, 2M for auto and "
             "balanced"),
    cl::sub(compileCommand), cl::cat(neuronCategory));

static cl::opt<neuron::PartitionObjective> partitionObjective(
    "partition-objective", cl::desc("What the largest stage minimises"),
    cl::init(neuron::PartitionObjective::Weights),
    cl::values(clEnumValN(neuron::PartitionObjective::Weights, "weights",
                          "weight bytes (default)"),
               clEnumValN(neuron::PartitionObjective::Compute, "compute",
                          "FLOPs"),
               clEnumValN(neuron::PartitionObjective::Balanced, "balanced",
                          "FLOPs, with every stage's weights under the cap")),
    cl::sub(compileCommand), cl::cat(neuronCategory));

// Strings rather than enums so a bad value gets our own message, and so the
// neuronx-cc types we do not implement are told apart from typos.
static cl::opt<std::string> autoCast(
    "auto-cast",
    cl::desc("Which f32 ops to compute in --auto-cast-type: none (default: "
             "fp32 stays exact), matmult (matmul, gemm, conv) or all"),
    cl::init("none"), cl::sub(compileCommand), cl::cat(neuronCategory));

static cl::opt<std::string> autoCastType(
    "auto-cast-type",
    cl::desc("The type --auto-cast casts to; only bf16 is supported"),
    cl::init("bf16"), cl::sub(compileCommand), cl::cat(neuronCategory));

static cl::opt<unsigned> verbose("verbose",
                                 cl::desc("0: errors only; 1: phase timings"),
                                 cl::init(0), cl::sub(compileCommand),
                                 cl::cat(neuronCategory));

/// Infers the framework from the extension.
static std::optional<Framework> frameworkOf(StringRef path) {
  StringRef ext = sys::path::extension(path);
  if (ext.equals_insensitive(".onnx") || ext.equals_insensitive(".onnxtxt"))
    return Framework::ONNX;
  if (ext.equals_insensitive(".pt") || ext.equals_insensitive(".pth") ||
      ext.equals_insensitive(".ts"))
    return Framework::PyTorch;
  return std::nullopt;
}

/// Prints diagnostics as `file[:line:col]: error: message [node 'name']`,
/// the form compilers use, instead of MLIR's `loc(...)` syntax.
static LogicalResult printDiagnostic(Diagnostic &diag) {
  std::string node, where;
  diag.getLocation()->walk([&](Location loc) {
    if (auto name = dyn_cast<NameLoc>(loc); name && node.empty())
      node = name.getName().str();
    if (auto file = dyn_cast<FileLineColLoc>(loc); file && where.empty()) {
      where = file.getFilename().str();
      if (file.getLine() > 0)
        where += ":" + std::to_string(file.getLine()) + ":" +
                 std::to_string(file.getColumn());
    }
    return WalkResult::advance();
  });
  raw_ostream &os = errs();
  if (!where.empty())
    os << where << ": ";
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    os << "error: ";
    break;
  case DiagnosticSeverity::Warning:
    os << "warning: ";
    break;
  case DiagnosticSeverity::Remark:
    os << "remark: ";
    break;
  case DiagnosticSeverity::Note:
    os << "note: ";
    break;
  }
  std::string message = diag.str();
  os << message;
  if (!node.empty() && StringRef(message).find(node) == StringRef::npos)
    os << " [node '" << node << "']";
  os << "\n";
  for (Diagnostic &note : diag.getNotes())
    (void)printDiagnostic(note);
  return success();
}

static int listOperators() {
  std::vector<std::string> names;
  switch (framework) {
  case Framework::ONNX:
#ifdef NEURON_ENABLE_ONNX
    names = neuron::getSupportedONNXOperators();
    break;
#else
    errs() << "neuron-cc: built without the ONNX importer\n";
    return 1;
#endif
  case Framework::PyTorch:
#ifdef NEURON_ENABLE_TORCHSCRIPT
    names = neuron::getSupportedTorchScriptOperators();
    break;
#else
    errs() << "neuron-cc: built without the TorchScript importer\n";
    return 1;
#endif
  case Framework::Auto:
    errs() << "neuron-cc: list-operators needs --framework ONNX or PYTORCH\n";
    return 1;
  }
  for (const std::string &name : names)
    outs() << name << "\n";
  return 0;
}

static OwningOpRef<ModuleOp> importModel(MLIRContext &context,
                                         const neuron::ImportOptions &options) {
  std::optional<Framework> kind = framework != Framework::Auto
                                      ? std::optional(framework.getValue())
                                      : frameworkOf(modelPath);
  if (!kind) {
    errs() << "neuron-cc: cannot tell the framework of '" << modelPath
           << "' from its extension; pass --framework ONNX or PYTORCH\n";
    return nullptr;
  }
  if (*kind == Framework::ONNX) {
#ifdef NEURON_ENABLE_ONNX
    if (sys::path::extension(modelPath).equals_insensitive(".onnxtxt")) {
      std::string error;
      std::unique_ptr<MemoryBuffer> file = openInputFile(modelPath, &error);
      if (!file) {
        errs() << "neuron-cc: " << error << "\n";
        return nullptr;
      }
      return neuron::importONNXText(file->getBuffer(), modelPath, context,
                                    options);
    }
    return neuron::importONNXFile(modelPath, context, options);
#else
    errs() << "neuron-cc: built without the ONNX importer\n";
    return nullptr;
#endif
  }
#ifdef NEURON_ENABLE_TORCHSCRIPT
  return neuron::importTorchScriptFile(modelPath, context, options);
#else
  errs() << "neuron-cc: built without the TorchScript importer\n";
  return nullptr;
#endif
}

/// Parses a byte count with an optional K/M/G suffix (powers of 1024).
static std::optional<int64_t> parseBytes(StringRef text) {
  uint64_t scale = 1;
  StringRef digits = text.trim();
  if (digits.consume_back_insensitive("b")) {
  }
  if (digits.consume_back_insensitive("k"))
    scale = 1ull << 10;
  else if (digits.consume_back_insensitive("m"))
    scale = 1ull << 20;
  else if (digits.consume_back_insensitive("g"))
    scale = 1ull << 30;
  uint64_t value;
  if (digits.empty() || digits.getAsInteger(10, value) || value == 0 ||
      value > (uint64_t(INT64_MAX) / scale))
    return std::nullopt;
  return static_cast<int64_t>(value * scale);
}

/// Reads the partition flags; prints an error and returns nullopt if one is
/// malformed.
static std::optional<neuron::PartitionPipelineOptions> partitionOptions() {
  neuron::PartitionPipelineOptions options;
  options.objective = partitionObjective;
  if (StringRef(pipelineCores).equals_insensitive("auto")) {
    options.numStages = 0;
  } else {
    unsigned cores;
    if (StringRef(pipelineCores).getAsInteger(10, cores) || cores < 1) {
      errs() << "neuron-cc: --neuroncore-pipeline-cores must be a positive "
                "integer or 'auto', got '"
             << pipelineCores << "'\n";
      return std::nullopt;
    }
    options.numStages = cores;
  }
  if (!coreMemory.empty()) {
    std::optional<int64_t> bytes = parseBytes(coreMemory);
    if (!bytes) {
      errs() << "neuron-cc: --core-memory must be a positive byte count such "
                "as 2097152 or 2M, got '"
             << coreMemory << "'\n";
      return std::nullopt;
    }
    options.coreMemory = *bytes;
  }
  return options;
}

/// Reads --auto-cast and --auto-cast-type; prints an error and returns
/// nullopt if one is malformed or not supported.
static std::optional<neuron::OptimizePipelineOptions> optimizeOptions() {
  neuron::OptimizePipelineOptions options;
  std::optional<neuron::AutoCastMode> mode =
      neuron::parseAutoCastMode(autoCast);
  if (!mode) {
    errs() << "neuron-cc: --auto-cast must be none, matmult or all, got '"
           << autoCast << "'\n";
    return std::nullopt;
  }
  options.autoCast = *mode;
  StringRef type = autoCastType;
  if (type == "fp16" || type == "tf32" || type == "fp8_e4m3") {
    errs() << "neuron-cc: --auto-cast-type " << type
           << " is not supported; only bf16 is\n";
    return std::nullopt;
  }
  if (type != "bf16") {
    errs() << "neuron-cc: --auto-cast-type must be bf16, got '" << type
           << "'\n";
    return std::nullopt;
  }
  options.autoCastType = type.str();
  return options;
}

static int compile() {
  std::optional<neuron::PartitionPipelineOptions> partition =
      partitionOptions();
  if (!partition)
    return 1;
  std::optional<neuron::OptimizePipelineOptions> optimize = optimizeOptions();
  if (!optimize)
    return 1;
  neuron::ImportOptions options;
  if (!ioConfig.empty()) {
    Expected<neuron::ImportOptions> parsed = neuron::parseIOConfig(ioConfig);
    if (!parsed) {
      errs() << "neuron-cc: " << toString(parsed.takeError()) << "\n";
      return 1;
    }
    options = std::move(*parsed);
  }

  MLIRContext context;
  neuron::registerCompilerDialects(context);
  context.getDiagEngine().registerHandler(printDiagnostic);
  // A failing pass would otherwise print the whole function after its error.
  context.printOpOnDiagnostic(false);
  DefaultTimingManager timing;
  timing.setEnabled(verbose >= 1);
  TimingScope root = timing.getRootScope();

  OwningOpRef<ModuleOp> module;
  {
    TimingScope importTimer = root.nest("import");
    module = importModel(context, options);
  }
  if (!module)
    return 1;

  if (compileTo >= neuron::CompilePhase::Optimize) {
    PassManager pm(&context);
    TimingScope optimizeTimer = root.nest("optimize");
    pm.enableTiming(optimizeTimer);
    neuron::buildOptimizePipeline(pm, *optimize);
    if (compileTo >= neuron::CompilePhase::Partition)
      neuron::buildPartitionPipeline(pm, *partition);
    if (failed(pm.run(*module)))
      return 1;
  }

  std::string path = compileTo == neuron::CompilePhase::Neff ? "out.neff" : "-";
  if (outputShort.getNumOccurrences())
    path = outputShort;
  else if (outputPath.getNumOccurrences())
    path = outputPath;
  if (compileTo == neuron::CompilePhase::Neff) {
#ifdef NEURON_ENABLE_NEFF
    neuron::NeffEmitOptions emitOptions;
    emitOptions.modelName = sys::path::stem(modelPath).str();
    emitOptions.compileOptions = {
        {"model", std::string(sys::path::filename(modelPath))},
        {"neuroncore-pipeline-cores", pipelineCores},
        {"partition-objective", neuron::getObjectiveName(partitionObjective)},
        {"auto-cast", autoCast}};
    if (optimize->autoCast != neuron::AutoCastMode::None)
      emitOptions.compileOptions.push_back({"auto-cast-type", autoCastType});
    if (!coreMemory.empty())
      emitOptions.compileOptions.push_back({"core-memory", coreMemory});
    if (!ioConfig.empty())
      emitOptions.compileOptions.push_back({"io-config", ioConfig});
    TimingScope emitTimer = root.nest("emit");
    if (path == "-") {
      errs()
          << "neuron-cc: the artifact is binary; give a file with --output\n";
      return 1;
    }
    return failed(neuron::emitNeff(*module, path, emitOptions)) ? 1 : 0;
#else
    errs() << "neuron-cc: built without the runtime: no .neff emitter\n";
    return 1;
#endif
  }
  std::string error;
  std::unique_ptr<ToolOutputFile> output = openOutputFile(path, &error);
  if (!output) {
    errs() << "neuron-cc: " << error << "\n";
    return 1;
  }
  module->print(output->os());
  output->keep();
  return 0;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  // llvm::cl expands every argument starting with '@' as a response file;
  // `--io-config @FILE` names a JSON file instead, so join the two words
  // into `--io-config=@FILE`, which the expansion leaves alone.
  std::vector<std::string> storage;
  std::vector<const char *> args;
  for (int i = 0; i < argc; ++i) {
    StringRef arg = argv[i];
    if ((arg == "--io-config" || arg == "-io-config") && i + 1 < argc &&
        argv[i + 1][0] == '@') {
      storage.push_back("--io-config=" + std::string(argv[++i]));
      args.push_back(nullptr); // patched below: storage may reallocate
      continue;
    }
    args.push_back(argv[i]);
  }
  for (size_t i = 0, j = 0; i < args.size(); ++i)
    if (!args[i])
      args[i] = storage[j++].c_str();
  // Show only our options, not every option linked in from LLVM and MLIR.
  cl::HideUnrelatedOptions(neuronCategory);
  cl::HideUnrelatedOptions(neuronCategory, compileCommand);
  cl::HideUnrelatedOptions(neuronCategory, listCommand);
  cl::ParseCommandLineOptions(
      static_cast<int>(args.size()), args.data(),
      "neuron-cc: compile a traced PyTorch or ONNX model for pipelined "
      "execution on host cores\n");
  if (listCommand)
    return listOperators();
  if (compileCommand)
    return compile();
  errs() << "neuron-cc: expected a command: compile or list-operators (see "
            "--help)\n";
  return 1;
}
