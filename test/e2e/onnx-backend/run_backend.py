"""Runs the ONNX backend test models end to end: compile, run, compare.

Usage: run_backend.py [--jobs N] [--work-dir DIR] [--only SUBSTR]
                      NEURON_CC NEURON_RUN DATA_DIR...

Takes the models test/Import/ONNX/backend_models.py tries (every node in the
default domain and in `neuron-cc list-operators --framework ONNX` at the
model's opset), compiles each to a .neff (freezing graph inputs the importer
needs constant, as the import test does), writes every test_data_set_*'s
inputs and outputs as .npy and runs `neuron-run --check` with the ONNX
backend's default tolerances (rtol 1e-3, atol 1e-7), loosened per op in
TOLERANCES where a reason is written down.

A model the importer refuses as "unsupported" is not imported by the import
test either and is left out of the figures. A model may be skipped, with a
reason, when its test data uses an element type the runtime lacks, when a
test data shape differs from the model's declared static shape, or when a
data set changes the value of an input that had to be frozen. Every other
model that imports must compile, run and match; anything else is a failure.

A failure whose cause is diagnosed and reported (KNOWN_FAILURES) is counted
as xfailed instead.

Prints "ran N passed P failed F skipped S xfailed X" (N = P + F + X), then
the skip reasons and xfail causes with counts, one line per skipped, xfailed,
not imported and failed model, and exits with 1 on any failure.
"""

import argparse
import collections
import concurrent.futures
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

# The model selection and the constant-input diagnostic are the import
# test's, so that both tests agree on which models count.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir, "Import", "ONNX"))
import backend_models  # noqa: E402

# onnx.backend.test.case.test_case.TestCase defaults.
DEFAULT_RTOL, DEFAULT_ATOL = 1e-3, 1e-7

# Per op type (the loosest over a model's nodes wins): (rtol, atol, reason).
TOLERANCES = {
    "Log": (DEFAULT_RTOL, 1e-5,
            "the runtime's Log is oneDNN 2.6's eltwise_log, whose JIT "
            "approximation is off by up to ~5e-6 absolute (log(1) = -1.4e-6, "
            "measured over 1e5 points); std::log (--reference) is exact"),
    "ConvTranspose": (DEFAULT_RTOL, 1e-6,
                      "a direct convolution of the zero-inserted input sums in "
                      "another order than the reference's scatter: "
                      "pytorch-operator's test_operator_convtranspose has "
                      "outputs that cancel to exactly 0 there and to ~1.5e-7 "
                      "here, against outputs of mean magnitude 0.12"),
}

# Failures with a diagnosed cause, matched against the failure text: counted
# as "xfailed", not "failed", and listed by name. Only a compile or run error
# text is matched, never a mismatch, so a wrong result always fails; once the
# cause is fixed those models pass and the entry can go.
KNOWN_FAILURES = [
    # None at present: the partitioner used to refuse a function whose body
    # folds away (Identity, Shape, ...); it now gives it an identity op.
]

# The importer's refusal ("<file>: error: unsupported: <Op> node '<name>'"):
# such a model is not imported by the import test either.
IMPORT_UNSUPPORTED_RE = re.compile(r"error: unsupported: \w+ node '")

# bfloat16 has no NumPy dtype: onnx's numpy_helper gives its raw bits as
# uint16, and the runtime's .npy reader takes them as two-byte void (|V2).
BF16 = np.dtype("V2")

# Element types the runtime has (runtime/include/neuron/runtime/DType.h),
# as NumPy dtypes, with their --io-config names.
RUNTIME_DTYPES = {np.dtype("float32"): "float32",
                  np.dtype("float16"): "float16", BF16: "bfloat16",
                  np.dtype("int64"): "int64", np.dtype("int32"): "int32",
                  np.dtype("int8"): "int8", np.dtype("bool"): "bool"}

# Compiles are dominated by neuron-cc's start-up; a subprocess never needs
# more than this.
TIMEOUT = 120


class Result:
    """What happened to one model."""

    def __init__(self, name, status, why="", sets=0):
        self.name, self.status, self.why, self.sets = name, status, why, sets


def graph_inputs(model):
    init = {t.name for t in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in init]


def declared_shape(value_info):
    """The declared dims, with None for a symbolic or missing one; None if
    the type has no shape at all."""
    tt = value_info.type.tensor_type
    if not tt.HasField("shape"):
        return None
    return [d.dim_value if d.HasField("dim_value") else None
            for d in tt.shape.dim]


def load_tensor(path, value_info):
    array = numpy_helper.to_array(onnx.load_tensor(path))
    # The backend's bfloat16 test data is stored as UINT16 tensors.
    if value_info.type.tensor_type.elem_type == onnx.TensorProto.BFLOAT16 \
            and array.dtype == np.uint16:
        return array.view(BF16)
    return array


def load_data_sets(model_dir, inputs, outputs):
    """[(set name, [inputs], [outputs])] of every test_data_set_*."""
    sets = []
    for d in sorted(glob.glob(os.path.join(model_dir, "test_data_set_*"))):
        ins = [load_tensor(os.path.join(d, f"input_{k}.pb"), v)
               for k, v in enumerate(inputs)
               if os.path.exists(os.path.join(d, f"input_{k}.pb"))]
        outs = [load_tensor(os.path.join(d, f"output_{k}.pb"), v)
                for k, v in enumerate(outputs)]
        sets.append((os.path.basename(d), ins, outs))
    return sets


def frozen_model(model_path, frozen, values, out_path):
    """Writes the model with the graph inputs in `frozen` turned into
    initializers holding `values` (name -> array)."""
    model = onnx.load(model_path, load_external_data=False)
    for name in frozen:
        model.graph.initializer.append(
            numpy_helper.from_array(values[name], name))
    # Before IR version 4 every initializer must also be a graph input.
    kept = [i for i in model.graph.input if i.name not in frozen or model.ir_version < 4]
    del model.graph.input[:]
    model.graph.input.extend(kept)
    onnx.save(model, out_path)


# For a model with a bfloat16 output: one bf16 ulp is up to 2^-7 relative,
# and onnx 1.12's expected values truncate float32 to bf16 (its
# test_cast_FLOAT_to_BFLOAT16 data is exactly the high 16 bits) where the
# runtime rounds to nearest even, as later ONNX references and PyTorch do.
BF16_RTOL = 1e-2


def tolerance(model, outputs):
    rtol, atol = DEFAULT_RTOL, DEFAULT_ATOL
    if any(o.dtype == BF16 for o in outputs):
        rtol = max(rtol, BF16_RTOL)
    for node in model.graph.node:
        if node.op_type in TOLERANCES:
            r, a, _ = TOLERANCES[node.op_type]
            rtol, atol = max(rtol, r), max(atol, a)
    return rtol, atol


def first_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[0] if lines else "(no output)"


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(cmd, -1, "", f"timed out after "
                                           f"{TIMEOUT}s")


def compile_model(neuron_cc, path, io_config, neff, phase="neff"):
    cmd = [neuron_cc, "compile", path, "-o", neff]
    if phase != "neff":
        cmd += ["--compile-to", phase]
    if io_config:
        cmd += ["--io-config", json.dumps(io_config)]
    return run(cmd)


def check_model(args, path, work):
    name = os.path.basename(os.path.dirname(path))
    model = onnx.load(path, load_external_data=False)
    inputs = graph_inputs(model)
    outputs = list(model.graph.output)
    for v in inputs + outputs:
        if not v.type.HasField("tensor_type"):
            return Result(name, "skipped", f"{v.type.WhichOneof('value')} "
                          "input or output (not a tensor)")
    sets = load_data_sets(os.path.dirname(path), inputs, outputs)
    if not sets:
        return Result(name, "skipped", "no test data set")
    for set_name, ins, outs in sets:
        if len(ins) != len(inputs):
            return Result(name, "skipped", "test data gives "
                          f"{len(ins)} of {len(inputs)} inputs")
        for kind, arrays in (("input", ins), ("output", outs)):
            for a in arrays:
                if a.dtype not in RUNTIME_DTYPES:
                    return Result(name, "skipped", f"{kind} dtype {a.dtype} "
                                  "not in the runtime")

    # Dynamic dims get the first data set's shapes; nothing else needs a
    # configuration.
    io_config = None
    if any(declared_shape(i) is None or None in declared_shape(i)
           for i in inputs):
        io_config = {"inputs": {
            i.name: [list(a.shape), RUNTIME_DTYPES[a.dtype]]
            for i, a in zip(inputs, sets[0][1])}}

    values0 = {i.name: a for i, a in zip(inputs, sets[0][1])}
    neff = os.path.join(work, name + ".neff")
    current, frozen = path, []
    comp = compile_model(args.neuron_cc, current, io_config, neff)
    while comp.returncode == 1 and len(frozen) < 4:
        m = backend_models.CONSTANT_RE.search(comp.stderr)
        if not m or m.group(1) not in values0 or m.group(1) in frozen:
            break
        frozen.append(m.group(1))
        current = os.path.join(work, name + ".frozen.onnx")
        frozen_model(path, frozen, values0, current)
        if io_config:
            io_config["inputs"].pop(m.group(1), None)
        comp = compile_model(args.neuron_cc, current, io_config, neff)
    if comp.returncode != 0:
        if comp.returncode == 1 and IMPORT_UNSUPPORTED_RE.search(comp.stderr):
            return Result(name, "not-imported", first_line(comp.stderr))
        return Result(name, "failed", f"compile (exit {comp.returncode}): "
                      f"{first_line(comp.stderr)}")

    live = [k for k, i in enumerate(inputs) if i.name not in frozen]
    rtol, atol = tolerance(model, sets[0][2])
    ran = 0
    for set_name, ins, outs in sets:
        if any(not np.array_equal(ins[k], values0[inputs[k].name])
               for k in range(len(inputs)) if inputs[k].name in frozen):
            return Result(name, "skipped", "a data set changes the value of "
                          "an input frozen to a constant")
        for k in live:
            want = declared_shape(inputs[k])
            if want is not None and None not in want and \
                    list(ins[k].shape) != want:
                return Result(name, "skipped", "test data shape differs "
                              "from the declared input shape")
        for k, o in enumerate(outputs):
            want = declared_shape(o)
            if want is not None and None not in want and \
                    list(outs[k].shape) != want:
                return Result(name, "skipped", "test data shape differs "
                              "from the declared output shape")
        set_dir = os.path.join(work, name + "." + set_name)
        os.makedirs(set_dir, exist_ok=True)
        cmd = [args.neuron_run, neff]
        for k in live:
            f = os.path.join(set_dir, f"in{k}.npy")
            # Not np.ascontiguousarray: it turns a 0-D input into a 1-D one.
            np.save(f, np.array(ins[k], order="C"))
            cmd += ["--input", f]
        for k, o in enumerate(outs):
            f = os.path.join(set_dir, f"out{k}.npy")
            np.save(f, np.array(o, order="C"))
            cmd += ["--check", f]
        cmd += ["--rtol", str(rtol), "--atol", str(atol)]
        r = run(cmd)
        if r.returncode != 0:
            bad = [l for l in r.stdout.splitlines() if "MISMATCH" in l
                   or "FAIL" in l] or [first_line(r.stderr + r.stdout)]
            kind = "mismatch" if r.returncode == 1 and not r.stderr.strip() \
                else f"run (exit {r.returncode})"
            return Result(name, "failed", f"{kind} {set_name}: {bad[0]}")
        ran += 1
    return Result(name, "passed", sets=ran)


def guarded(args, path, work):
    """check_model, with a harness error reported as that model's failure."""
    try:
        result = check_model(args, path, work)
    except Exception as e:  # noqa: BLE001 - reported, not swallowed
        return Result(os.path.basename(os.path.dirname(path)), "failed",
                      f"harness: {type(e).__name__}: {e}")
    known = next((cause for pattern, cause in KNOWN_FAILURES
                  if result.status == "failed" and pattern.search(result.why)),
                 None)
    if known:
        result.status, result.why = "xfailed", known
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--work-dir")
    p.add_argument("--only", help="run only models whose name contains this")
    p.add_argument("neuron_cc")
    p.add_argument("neuron_run")
    p.add_argument("dirs", nargs="+")
    args = p.parse_args()

    ops = backend_models.supported_ops(args.neuron_cc)
    paths = []
    for d in args.dirs:
        for path in sorted(glob.glob(os.path.join(d, "*", "model.onnx"))):
            if args.only and args.only not in path:
                continue
            if backend_models.wanted(onnx.load(path, load_external_data=False),
                                     ops):
                paths.append(path)
    if not paths:
        print("no backend test models found; install libonnx-testdata")
        return 1

    work = args.work_dir or tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda p: guarded(args, p, work), paths))

    by = collections.defaultdict(list)
    for r in results:
        by[r.status].append(r)
    passed, failed, skipped = by["passed"], by["failed"], by["skipped"]
    xfailed = by["xfailed"]
    print(f"ran {len(passed) + len(failed) + len(xfailed)} "
          f"passed {len(passed)} failed {len(failed)} "
          f"skipped {len(skipped)} xfailed {len(xfailed)} "
          f"(data sets {sum(r.sets for r in passed)}; "
          f"not imported {len(by['not-imported'])})")
    for kind, group in (("skip reason", skipped), ("xfail cause", xfailed)):
        counts = collections.Counter(r.why for r in group)
        for why, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
            print(f"{kind} ({n}): {why}")
    for r in xfailed:
        print(f"XFAILED {r.name}")
    for r in skipped:
        print(f"SKIPPED {r.name}: {r.why}")
    for r in by["not-imported"]:
        print(f"NOT-IMPORTED {r.name}: {r.why}")
    for r in failed:
        print(f"FAILED {r.name}: {r.why}")
    if not args.work_dir:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
