//===- neuron-ls.cpp - list NeuronCores and the processes holding them ----===//
//
//   neuron-ls [--json]
//
// Lists the host's logical NeuronCores (NEURON_RT_HOST_CORES, default one per
// CPU of the affinity mask), the CPU each maps to and the process (pid and
// command line) holding it, read from the lock files in NEURON_RT_LOCK_DIR.
// Reserves nothing. Exit status: 0, 1 on an error, 2 on a usage error.
//
//===----------------------------------------------------------------------===//
#include "neuron/runtime/Cores.h"
#include "neuron/runtime/Error.h"
#include "neuron/runtime/Json.h"

#include <cstdio>
#include <iostream>
#include <string>

using namespace neuron::rt;

namespace {
const char *kUsage = "usage: neuron-ls [--json]\n"
                     "Lists the NeuronCores the host offers (NEURON_RT_HOST_CORES), the CPU\n"
                     "each runs on, and the process holding each (locks in\n"
                     "NEURON_RT_LOCK_DIR, default /tmp/neuron-rt-<uid>).\n";

} // namespace

int main(int argc, char **argv) {
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") {
      json = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else {
      std::cerr << "neuron-ls: unknown argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  try {
    CoreConfig config = CoreConfig::fromEnvironment();
    std::vector<CoreStatus> cores = probeCores(config);
    if (json) {
      std::cout << "{\"lock_dir\": " << jsonString(config.lockDir) << ", \"cores\": [";
      for (size_t i = 0; i < cores.size(); ++i) {
        const CoreStatus &c = cores[i];
        std::cout << (i ? ", " : "") << "{\"core\": " << c.hostCore << ", \"cpu\": " << c.cpu
                  << ", \"held\": " << (c.held ? "true" : "false");
        if (c.held)
          std::cout << ", \"pid\": " << (c.pid ? std::to_string(c.pid) : "null")
                    << ", \"command\": " << jsonString(c.command);
        std::cout << "}";
      }
      std::cout << "]}\n";
      return 0;
    }
    std::printf("%-5s %-4s %-5s %-8s %s\n", "core", "cpu", "state", "pid", "command");
    for (const CoreStatus &c : cores)
      std::printf("%-5u %-4d %-5s %-8s %s\n", c.hostCore, c.cpu, c.held ? "held" : "free",
                  c.held ? (c.pid ? std::to_string(c.pid).c_str() : "?") : "-",
                  c.command.c_str());
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "neuron-ls: error: " << e.what() << "\n";
    return 1;
  }
}
