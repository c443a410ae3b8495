# -*- Python -*-
# lit configuration for the neuron compiler and tools.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "NEURON"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.neuron_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
# Debian's python3 with python3-torch / python3-onnx, not a pyenv on PATH.
config.substitutions.append(("%python", "/usr/bin/python3"))

llvm_config.use_default_substitutions()
llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])

# FileCheck, not, split-file and count come from LLVM 22's tools directory.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tool_dirs = [config.neuron_tools_dir, config.llvm_tools_dir]
tools = ["neuron-opt"]
for optional in ["neuron-partition", "neuron-cc", "neuron-run", "neuron-dump"]:
    if os.path.exists(os.path.join(config.neuron_tools_dir, optional)):
        tools.append(optional)
        config.available_features.add(optional)
llvm_config.add_tool_substitutions(tools, tool_dirs)
