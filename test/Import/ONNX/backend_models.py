"""Imports every ONNX backend test model whose operators neuron-cc supports.

Usage: backend_models.py NEURON_CC DATA_DIR...

A model is tried when every node is in the default domain, its op appears in
`neuron-cc list-operators --framework ONNX` and the model's opset lies in the
op's range (a model older than opset 11 is first converted to it, as
neuron-cc does, with ONNX's version converter). Each tried model must import; a model may be skipped only when
the importer reports an explicit "unsupported" error (an attribute value or
element type the graph dialect does not model). Prints the figures and exits
with 1 on any other failure.

Backend tests pass shapes, axes and bounds as graph inputs; the importer
needs them constant (every tensor is static). When it says so ("input 'x'
... must be a constant"), that input is frozen to the test's value from
test_data_set_0, as an exporter would have done, and the import retried;
such models are counted separately.
"""

import glob
import os
import re
import subprocess
import sys
import tempfile

import onnx
import onnx.version_converter
from onnx import numpy_helper

CONSTANT_RE = re.compile(r"\(input '([^']+)'\) must be a constant")


def supported_ops(neuron_cc):
    out = subprocess.run([neuron_cc, "list-operators", "--framework", "ONNX"],
                         check=True, capture_output=True, text=True).stdout
    ops = {}
    for line in out.splitlines():
        m = re.match(r"^(\w+) \(opsets? (\d+)(?:-(\d+))?\)$", line.strip())
        if m:
            lo = int(m.group(2))
            ops[m.group(1)] = (lo, int(m.group(3) or lo))
    return ops


def model_opset(model):
    for imp in model.opset_import:
        if imp.domain in ("", "ai.onnx"):
            return imp.version
    return None


# neuron-cc brings a model older than this to it with ONNX's version
# converter (ONNXImporter.cpp); the same converter decides here which ops
# such a model has at that opset.
MIN_OPSET = 11


def wanted(model, ops):
    opset = model_opset(model)
    if opset is None or not model.graph.node:
        return False
    if opset < MIN_OPSET:
        try:
            model = onnx.version_converter.convert_version(model, MIN_OPSET)
        except Exception:  # the importer reports the converter's error too
            return False
        opset = MIN_OPSET
    for node in model.graph.node:
        if node.domain not in ("", "ai.onnx") or node.op_type not in ops:
            return False
        lo, hi = ops[node.op_type]
        if not lo <= opset <= hi:
            return False
    return True


def freeze_input(model_path, name, out_dir):
    """Returns a copy of the model with graph input `name` turned into an
    initializer holding its test value, or None if there is none."""
    model = onnx.load(model_path, load_external_data=False)
    init_names = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in init_names]
    index = next((k for k, i in enumerate(inputs) if i.name == name), None)
    data_dir = os.path.join(os.path.dirname(model_path), "test_data_set_0")
    if index is None:
        return None
    tensor = onnx.TensorProto()
    with open(os.path.join(data_dir, f"input_{index}.pb"), "rb") as f:
        tensor.ParseFromString(f.read())
    tensor.name = name
    model.graph.initializer.append(tensor)
    # Before IR version 4 every initializer must also be a graph input.
    kept = [i for i in model.graph.input if i.name != name or model.ir_version < 4]
    del model.graph.input[:]
    model.graph.input.extend(kept)
    path = os.path.join(out_dir, "model.onnx")
    onnx.save(model, path)
    # Later frozen inputs index the original test data.
    for k in range(len(inputs)):
        src = os.path.join(data_dir, f"input_{k}.pb")
        if os.path.exists(src) and not os.path.exists(
                os.path.join(out_dir, "test_data_set_0")):
            os.makedirs(os.path.join(out_dir, "test_data_set_0"))
    for k, i in enumerate(x for x in inputs if x.name != name):
        src = os.path.join(data_dir, f"input_{inputs.index(i)}.pb")
        dst = os.path.join(out_dir, "test_data_set_0", f"input_{k}.pb")
        if os.path.exists(src):
            with open(src, "rb") as a, open(dst, "wb") as b:
                b.write(a.read())
    return path


def import_model(neuron_cc, path):
    return subprocess.run([neuron_cc, "compile", path, "--compile-to",
                           "import", "--output", os.devnull],
                          capture_output=True, text=True)


def main():
    neuron_cc, dirs = sys.argv[1], sys.argv[2:]
    ops = supported_ops(neuron_cc)
    if not any(glob.glob(os.path.join(d, "*", "model.onnx")) for d in dirs):
        print("no backend test models found; install libonnx-testdata")
        return 1
    tried, imported, frozen, skipped, failed = [], [], [], [], []
    tmp = tempfile.mkdtemp()
    for d in dirs:
        for path in sorted(glob.glob(os.path.join(d, "*", "model.onnx"))):
            model = onnx.load(path, load_external_data=False)
            if not wanted(model, ops):
                continue
            name = os.path.basename(os.path.dirname(path))
            tried.append(name)
            run = import_model(neuron_cc, path)
            current, steps = path, 0
            while run.returncode == 1 and steps < 4:
                m = CONSTANT_RE.search(run.stderr)
                if not m:
                    break
                steps += 1
                out_dir = os.path.join(tmp, f"{name}.{steps}")
                os.makedirs(out_dir)
                current = freeze_input(current, m.group(1), out_dir)
                if current is None:
                    break
                run = import_model(neuron_cc, current)
            if run.returncode == 0:
                (frozen if steps else imported).append(name)
            elif run.returncode == 1 and "unsupported" in run.stderr:
                skipped.append((name, run.stderr.strip().splitlines()[0]))
            else:
                failed.append((name, run.returncode, run.stderr.strip()))
    print(f"tried {len(tried)} imported {len(imported) + len(frozen)} "
          f"(of which {len(frozen)} with frozen constant inputs) "
          f"skipped-unsupported {len(skipped)} failed {len(failed)}")
    for name, why in skipped:
        print(f"SKIPPED {name}: {why}")
    for name, rc, err in failed:
        print(f"FAILED {name} (exit {rc}):\n{err}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
