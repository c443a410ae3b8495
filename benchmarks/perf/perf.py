#!/usr/bin/python3
"""The performance suite's driver: our runtime against LibTorch, same run.

    perf.py BUILD_DIR WORK_DIR MODEL...

Called by run.sh (which checks the tools first); see docs/Benchmarks.md for
what each row means. For every model and batch (1 and 6) it traces the model
(test/models/make_models.py), compiles the artifacts it needs with neuron-cc,
then REPEATS times runs, interleaved, each of our configurations
(`neuron-run --bench --json`) and LibTorch's (libtorch_latency.py: threads 1
and 2, frozen with and without optimize_for_inference), and prints medians as
Markdown tables: throughput, p95 latency and the ratio to LibTorch's best;
accuracy; GEMM efficiency (neuron-gemm-bench); the issue's acceptance checks.
Environment: REPEATS (default 3), SECONDS (target seconds per timed run,
default 2), REQUESTS (fixed request count, overriding SECONDS), BATCH (the
large batch, default 6), NEURON_CC (default BUILD_DIR/bin/neuron-cc).
"""

import json
import math
import os
import statistics
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PY = "/usr/bin/python3"
LIBTORCH = os.path.join(ROOT, "benchmarks", "models", "libtorch_latency.py")
MAKE_MODELS = os.path.join(ROOT, "test", "models", "make_models.py")

REPEATS = int(os.environ.get("REPEATS", "3"))
SECONDS = float(os.environ.get("SECONDS_PER_RUN", os.environ.get("SECONDS", "2")))
FIXED_REQUESTS = int(os.environ["REQUESTS"]) if os.environ.get("REQUESTS") else 0
BIG = int(os.environ.get("BATCH", "6"))
# What each output is, for the accuracy table (make_models.py).
OUTPUT_NAMES = {"mlp": ["probs"], "resnet18": ["logits"], "mobilenet_v2": ["logits"],
                "bert_mini": ["hidden", "pooled"], "bert_base": ["hidden", "pooled", "logits"]}
MIN_REQUESTS, MAX_REQUESTS, WARMUP = 3, 200, 1


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, env=None):
    """Runs `cmd`; on failure prints its stderr and exits non-zero."""
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"perf.py: command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    return proc.stdout


class Suite:
    def __init__(self, build, work):
        self.bin = os.path.join(build, "bin")
        self.work = work
        self.cc = os.environ.get("NEURON_CC") or os.path.join(self.bin, "neuron-cc")
        self.nrun = os.path.join(self.bin, "neuron-run")
        self.gemm = os.path.join(self.bin, "neuron-gemm-bench")
        # The option is listed by `neuron-cc compile --help` (the subcommand's).
        self.autocast = any("--auto-cast" in subprocess.run(
            [self.cc, *sub, "--help"], capture_output=True, text=True).stdout
            for sub in ([], ["compile"]))
        self.torch_env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
        self.torch_env.pop("OMP_NUM_THREADS", None)

    def path(self, name, ext):
        return os.path.join(self.work, f"{name}.{ext}")

    def trace(self, model, batch):
        """Traces `model` at `batch` alone (so its weights are the same at every
        batch); returns its file stem. mlp's default batch is 4, so batch 1 is
        always asked for explicitly."""
        default = batch == 1 and model != "mlp"
        name = model if default else f"{model}_b{batch}"
        if not os.path.exists(self.path(name, "pt")):
            log(f"tracing {name}")
            run([PY, MAKE_MODELS, self.work, "--no-onnx",
                 *([] if default else ["--batch", str(batch)]), model])
        return name

    def inputs(self, name):
        files, i = [], 0
        while os.path.exists(self.path(name, f"in{i}.npy")):
            files.append(self.path(name, f"in{i}.npy"))
            i += 1
        return files

    def compile(self, name, stages=1, cast=None):
        tag = f"{stages}" + (f".{cast}" if cast else "")
        out = self.path(name, f"{tag}.neff")
        if not os.path.exists(out):
            log(f"compiling {name} ({stages} stage(s){', auto-cast ' + cast if cast else ''})")
            extra = ["--auto-cast", cast, "--auto-cast-type", "bf16"] if cast else []
            run([self.cc, "compile", self.path(name, "pt"), "--io-config",
                 "@" + self.path(name, "io.json"), "--neuroncore-pipeline-cores", str(stages),
                 *extra, "-o", out])
        return out

    def ours(self, neff, name, requests, extra=()):
        ins = [a for f in self.inputs(name) for a in ("--input", f)]
        out = run([self.nrun, neff, *ins, "--bench", "--requests", str(requests), "--warmup",
                   str(WARMUP),
                   "--json", *extra])
        b = json.loads(out)["bench"]
        return {"throughput": b["samples_per_s"], "p95": b["latency_ms"]["p95"],
                "p50": b["latency_ms"]["p50"]}

    def libtorch(self, name, requests, configs):
        """Runs LibTorch on `configs`, a list of (variant, threads); one process
        per variant, so each module is loaded and frozen once."""
        rows = {}
        for variant in sorted({v for v, _ in configs}):
            threads = ",".join(str(t) for v, t in configs if v == variant)
            out = run([PY, LIBTORCH, self.path(name, "pt"), *self.inputs(name), "--requests",
                       str(requests), "--warmup", str(WARMUP), "--threads", threads, "--variants",
                       variant, "--seconds", str(SECONDS)], env=self.torch_env)
            for line in out.splitlines():
                r = json.loads(line)
                rows[(r["variant"], r["threads"])] = {"throughput": r["samples_per_s"],
                                                      "p95": r["p95_ms"], "p50": r["p50_ms"]}
                self.blas = r["blas"]
        return rows

    def max_diff(self, neff, name):
        """Max |output - PyTorch's fp32 output| of each output, in order."""
        outdir = neff + ".out"
        os.makedirs(outdir, exist_ok=True)
        run([self.nrun, neff, *[a for f in self.inputs(name) for a in ("--input", f)],
             "--output-dir", outdir])
        diffs, i = [], 0
        while os.path.exists(self.path(name, f"out{i}.npy")):
            ref = np.load(self.path(name, f"out{i}.npy"))
            got = np.load(os.path.join(outdir, f"output{i}.npy")).astype(np.float32)
            diffs.append(float(np.max(np.abs(got - ref))))
            i += 1
        return diffs

    def gemm_efficiency(self, neff, latency_ms):
        return json.loads(run([self.gemm, neff, "--json", "--repeats", "3", "--latency-ms",
                               f"{latency_ms:.6f}"]))


def num(x):
    """Three significant digits, without exponents for the usual range."""
    return f"{x:.0f}" if x >= 100 else f"{x:.3g}"


def median_row(samples):
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def median_gemm(runs):
    """The median of each timing of neuron-gemm-bench's JSON over repeats."""
    g = dict(runs[0])
    for k in ("gemm_ms", "gemm_gflops_per_s", "latency_ms", "model_gflops_per_s", "efficiency"):
        g[k] = statistics.median(r[k] for r in runs)
    return g


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: perf.py BUILD_DIR WORK_DIR MODEL...")
    suite = Suite(sys.argv[1], sys.argv[2])
    models = sys.argv[3:]
    results = []  # (model, batch, config, row)
    accuracy = []  # (model, batch, config, max diff)
    gemm = []  # (model, batch, dtype, json)
    checks = {}
    notes = []  # configurations that could not run, and why
    if not suite.autocast:
        log("bf16 rows skipped: neuron-cc compile --help does not list --auto-cast")

    for model in models:
        b1 = suite.trace(model, 1)
        bb = suite.trace(model, BIG)
        plans = []  # (batch, config label, neff, stem, neuron-run options)
        m1, m1p = suite.compile(b1, 1), suite.compile(b1, 2)
        mb, mbp = suite.compile(bb, 1), suite.compile(bb, 2)
        for batch, stem, one, pipe in ((1, b1, m1, m1p), (BIG, bb, mb, mbp)):
            plans.append((batch, "ours fp32, 1 core", one, stem, ["--threads", "1"]))
            plans.append((batch, f"ours fp32, 2-stage pipeline (batch-{batch} model)", pipe, stem,
                          ["--mode", "pipeline"]))
            dp = ["--mode", "data-parallel", "--device-ids", "0,1"]
            label = "ours fp32, data parallel 2 cores"
            if batch != 1:
                dp += ["--batch", str(batch)]
                label += f" (batch-1 model, --batch {batch})"
            plans.append((batch, label, m1, b1, dp))
            if batch != 1 and BIG % 2 == 0 and BIG > 2:
                # torch-neuron's usual DataParallel deployment: the model
                # compiled at the per-core batch, each request split in two.
                half = suite.trace(model, BIG // 2)
                plans.append((batch, f"ours fp32, data parallel 2 cores (batch-{BIG // 2} model, "
                              f"--batch {batch})", suite.compile(half, 1), half,
                              dp))
            if suite.autocast:
                for cast in ("matmult", "all"):
                    # A bf16 mode the compiler or runtime cannot do yet is a
                    # note in the report, not the end of the run.
                    try:
                        neff = suite.compile(stem, 1, cast)
                        suite.max_diff(neff, stem)
                    except SystemExit as e:
                        notes.append(f"{model} batch {batch} bf16 ({cast}) skipped: "
                                     f"{str(e).strip().splitlines()[-1]}")
                        log(notes[-1])
                        continue
                    plans.append((batch, f"ours bf16 ({cast}), 1 core", neff, stem,
                                  ["--threads", "1"]))
                    if cast == "matmult":
                        # neuronx-cc's default precision, on every core.
                        dpb = ["--mode", "data-parallel", "--device-ids", "0,1"]
                        label = "ours bf16 (matmult), data parallel 2 cores"
                        if batch != 1:
                            dpb += ["--batch", str(batch)]
                            label += f" (batch-1 model, --batch {batch})"
                            neff = suite.compile(b1, 1, cast)
                        plans.append((batch, label, neff, b1, dpb))
        for batch in (1, BIG):
            mine = [p for p in plans if p[0] == batch]
            stem = b1 if batch == 1 else bb
            # Size every timed run from one short probe of the 1-core config.
            if FIXED_REQUESTS:
                n = FIXED_REQUESTS
            else:
                probe = suite.ours(mine[0][2], mine[0][3], 1)
                per_request = batch / probe["throughput"]
                n = max(MIN_REQUESTS, min(MAX_REQUESTS, math.ceil(SECONDS / per_request)))
            log(f"{model} batch {batch}: {n} requests per run, {REPEATS} repeats")
            ours = {p[1]: [] for p in mine}
            theirs, effs = {}, {}
            # The first repeat measures LibTorch frozen with and without
            # optimize_for_inference; later ones only the better per thread count.
            lt_configs = [(v, t) for v in ("freeze", "optimize") for t in (1, 2)]
            for rep in range(REPEATS):
                # Alternate the order so neither side always runs first.
                order = [("ours", p) for p in mine] + [("libtorch", None)]
                if rep % 2:
                    order.reverse()
                for who, p in order:
                    if who == "ours":
                        row = suite.ours(p[2], p[3], n, p[4])
                        ours[p[1]].append(row)
                        if "1 core" in p[1]:
                            # oneDNN alone right after the model, so both see
                            # the same load; efficiency is a per-repeat ratio.
                            effs.setdefault(p[1], []).append(
                                suite.gemm_efficiency(p[2], row["p50"]))
                    else:
                        for key, row in suite.libtorch(stem, n, lt_configs).items():
                            theirs.setdefault(key, []).append(row)
                if rep == 0:
                    lt_configs = [(max(("freeze", "optimize"),
                                       key=lambda v: theirs[(v, t)][0]["throughput"]), t)
                                  for t in (1, 2)]
            chosen = dict((t, v) for v, t in lt_configs)
            theirs = {k: median_row(v) for k, v in theirs.items()}
            ours = {k: median_row(v) for k, v in ours.items()}
            # LibTorch's best per thread count (frozen vs optimized), then overall.
            lt = {}
            for t in (1, 2):
                v = chosen[t]
                lt[t] = (v, theirs[(v, t)])
            best_t = max(lt, key=lambda t: lt[t][1]["throughput"])
            ref = lt[best_t][1]["throughput"]
            for t in (1, 2):
                v, row = lt[t]
                other = theirs[("optimize" if v == "freeze" else "freeze", t)]
                label = (f"LibTorch, {t} thread{'s' if t > 1 else ''} "
                         f"({'frozen + optimize_for_inference' if v == 'optimize' else 'frozen'}; "
                         f"other variant in repeat 1: {num(other['throughput'])} inf/s)")
                results.append((model, batch, label, row, row["throughput"] / ref))
            for label, row in ours.items():
                results.append((model, batch, label, row, row["throughput"] / ref))
            fp32 = {k: v for k, v in ours.items() if "fp32" in k}
            best_label = max(fp32, key=lambda k: fp32[k]["throughput"])
            results.append((model, batch, f"**ours best fp32: {best_label}**", fp32[best_label],
                            fp32[best_label]["throughput"] / ref))
            # The "our best configuration": any precision, with the
            # accuracy of the bf16 ones in the table below.
            best_any = max(ours, key=lambda k: ours[k]["throughput"])
            if best_any != best_label:
                results.append((model, batch, f"**ours best: {best_any}**", ours[best_any],
                                ours[best_any]["throughput"] / ref))
            one = ours["ours fp32, 1 core"]
            checks[(model, batch)] = {
                "latency_ratio": one["p50"] / lt[1][1]["p50"],
                "throughput_ratio": fp32[best_label]["throughput"] / ref,
                "best_label": best_any,
                "best_ratio": ours[best_any]["throughput"] / ref,
                "bf16": {k: v["throughput"] / one["throughput"] for k, v in ours.items()
                         if "bf16" in k and "1 core" in k},
            }
            # Accuracy and GEMM efficiency of the single-stage artifacts.
            accuracy.append((model, batch, "ours fp32, 1 core", suite.max_diff(mine[0][2], stem)))
            gemm.append((model, batch, "fp32", median_gemm(effs["ours fp32, 1 core"])))
            checks[(model, batch)]["gemm"] = gemm[-1][3]
            for p in mine:
                if "bf16" in p[1] and "1 core" in p[1]:
                    accuracy.append((model, batch, p[1], suite.max_diff(p[2], stem)))
                    gemm.append((model, batch, p[1], median_gemm(effs[p[1]])))
            checks[(model, batch)]["bf16_diff"] = {a[2]: a[3] for a in accuracy
                                                   if a[:2] == (model, batch) and "bf16" in a[2]}

    print(f"LibTorch BLAS: {', '.join(getattr(suite, 'blas', [])) or 'none mapped'}")
    print(f"Timed runs: {REPEATS} repeats, medians; "
          f"{'REQUESTS=' + str(FIXED_REQUESTS) if FIXED_REQUESTS else f'about {SECONDS:g} s each'}; "
          f"throughput in inferences (samples)/s, p95 per request.")
    if not suite.autocast:
        print("bf16 rows skipped: this neuron-cc has no --auto-cast option.")
    for note in notes:
        print(note)
    print()
    print("| model | batch | configuration | throughput inf/s | p95 ms | ratio to LibTorch best |")
    print("|---|---|---|---|---|---|")
    for model, batch, label, row, ratio in results:
        print(f"| {model} | {batch} | {label} | {num(row['throughput'])} | {num(row['p95'])} "
              f"| {ratio:.2f} |")
    print()
    print("| model | batch | configuration | max abs diff vs PyTorch fp32 | per output |")
    print("|---|---|---|---|---|")
    for model, batch, label, d in accuracy:
        names = OUTPUT_NAMES.get(model, [])
        per = ", ".join(f"{names[i] if i < len(names) else f'out{i}'} {x:.2e}"
                        for i, x in enumerate(d))
        print(f"| {model} | {batch} | {label} | {max(d):.2e} | {per} |")
    print()
    print("GEMM efficiency: oneDNN alone at the model's MatMul/Gemm/Conv shapes (1 thread, "
          "weights pre-packed) right after each 1-core run of the model; medians over repeats, "
          "efficiency = oneDNN-alone time / model p50, per repeat.")
    print()
    print("| model | batch | artifact | GEMM ops | GEMM GFLOP | oneDNN alone ms (GFLOP/s) "
          "| model p50 ms (GFLOP/s) | efficiency |")
    print("|---|---|---|---|---|---|---|---|")
    for model, batch, dtype, g in gemm:
        print(f"| {model} | {batch} | {dtype} | {g['gemm_ops']} | {g['gemm_flops'] / 1e9:.4g} "
              f"| {num(g['gemm_ms'])} ({g['gemm_gflops_per_s']:.0f}) "
              f"| {num(g['latency_ms'])} ({g['model_gflops_per_s']:.0f}) "
              f"| {100 * g['efficiency']:.0f}% |")
    print()
    print("Acceptance (issue 7), from the rows above:")
    print()
    print("| check | model | batch | measured | target | result |")
    print("|---|---|---|---|---|---|")

    def check(name, model, batch, value, target, ok, fmt="{:.2f}"):
        print(f"| {name} | {model} | {batch} | {fmt.format(value)} | {target} | "
              f"{'PASS' if ok else 'FAIL'} |")

    for (model, batch), c in checks.items():
        if model not in ("bert_base", "resnet18"):
            continue
        if batch == 1:
            check("fp32 1-core p50 latency / LibTorch 1-thread", model, batch,
                  c["latency_ratio"], "<= 0.6", c["latency_ratio"] <= 0.6)
        check(f"ours best ({c['best_label']}) / LibTorch best throughput", model, batch,
              c["best_ratio"], ">= 2", c["best_ratio"] >= 2)
        if "fp32" not in c["best_label"]:
            check("ours best fp32 / LibTorch best throughput", model, batch,
                  c["throughput_ratio"], ">= 2", c["throughput_ratio"] >= 2)
        if model == "bert_base":
            for label, r in c["bf16"].items():
                check(f"{label} / fp32 1-core throughput", model, batch, r, ">= 2.5", r >= 2.5)
                # The criterion is on the logits: the classifier's
                # output (the model's last); the hidden states are in the
                # accuracy table above.
                d = c["bf16_diff"][label][-1]
                check(f"{label} logits max diff vs PyTorch", model, batch, d, "<= 1e-2",
                      d <= 1e-2, "{:.2e}")
            if not c["bf16"]:
                print(f"| bf16 / fp32 throughput | {model} | {batch} | skipped (see above) "
                      f"| >= 2.5 | n/a |")
            e = c["gemm"]["efficiency"]
            check("GEMM efficiency (fp32)", model, batch, 100 * e, ">= 80%", e >= 0.8,
                  "{:.0f}%")


if __name__ == "__main__":
    main()
