#!/usr/bin/python3
"""Runs neuron-partition on the dnn-partitioning benchmark and compares it with
the reference optima of that benchmark's README, side by side.

  run.py --tool build-part/bin/neuron-partition [--data DIR]

Prints a markdown table (graph, k, reference, ours, ratio, time, algorithm)
and the timings of a synthetic 100,000-op chain and 20,000-op DAG generated
into a temporary directory. Exits 1 if a row is more than 0.5% above the
reference or takes 1 s or more (wall time of the whole tool run, JSON parsing
included, except for the synthetic rows, whose limit applies to the
partitioner time the tool reports with --time).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
KS = (2, 4, 6)
TOLERANCE = 0.005
TIME_LIMIT = 1.0


def reference_table(data):
    """Parses the README table: {(graph, k): optimum or None}."""
    rows = {}
    with open(os.path.join(data, "README.md")) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) != 5 or not cells[0].startswith(("layer/", "operator/")):
                continue
            for k, cell in zip(KS, cells[2:]):
                try:
                    rows[(cells[0], k)] = float(cell)
                except ValueError:
                    rows[(cells[0], k)] = None
    return rows


def run_tool(tool, path, k, extra=()):
    cmd = [tool, path, "--cores", str(k), "--json", "--time"] + list(extra)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        return None, wall, None, proc.stderr.strip()
    match = re.search(r"partition time: ([0-9.]+) s", proc.stderr)
    return json.loads(proc.stdout), wall, float(match.group(1)) if match else None, ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tool", required=True, help="path to neuron-partition")
    parser.add_argument("--data", default=os.path.join(
        REPO, "..", "shared", "benchmarks", "dnn-partitioning"))
    parser.add_argument("--no-synthetic", action="store_true")
    args = parser.parse_args()

    failures = 0
    print("| graph | k | reference | ours | ratio | time (s) | algorithm |")
    print("|---|---|---|---|---|---|---|")
    table = reference_table(args.data)
    for (graph, k), ref in sorted(table.items()):
        path = os.path.join(args.data, graph + ".json")
        result, wall, _, err = run_tool(args.tool, path, k)
        if result is None:
            print("| %s | %d | %s | error: %s | | %.3f | |" % (graph, k, ref, err, wall))
            failures += 1
            continue
        ours = result["maxLoad"]
        algo = result["algorithm"] + ("" if result["optimal"] else " (not proven)")
        if ref is None:
            ratio = "-"
            bad = wall >= TIME_LIMIT
        else:
            ratio = "%.4f" % (ours / ref)
            bad = ours > ref * (1 + TOLERANCE) or wall >= TIME_LIMIT
        failures += bad
        print("| %s | %d | %s | %.3f | %s | %.3f | %s%s |" % (
            graph, k, "-" if ref is None else "%.3f" % ref, ours, ratio, wall,
            algo, " **FAIL**" if bad else ""))

    if not args.no_synthetic:
        print()
        print("| synthetic | k | max-load | partition time (s) | wall time (s) | algorithm |")
        print("|---|---|---|---|---|---|")
        with tempfile.TemporaryDirectory() as tmp:
            for kind, n in (("chain", 100000), ("dag", 20000)):
                path = os.path.join(tmp, "%s%d.json" % (kind, n))
                subprocess.run([sys.executable, os.path.join(HERE, "gen_synthetic.py"),
                                kind, str(n), path], check=True)
                for k in (4, 16, 64):
                    result, wall, seconds, err = run_tool(args.tool, path, k)
                    if result is None:
                        print("| %s %d | %d | error: %s | | | |" % (kind, n, k, err))
                        failures += 1
                        continue
                    bad = seconds is None or seconds >= TIME_LIMIT
                    failures += bad
                    print("| %s %d | %d | %.6g | %.3f | %.3f | %s%s%s |" % (
                        kind, n, k, result["maxLoad"], seconds, wall, result["algorithm"],
                        "" if result["optimal"] else " (not proven)",
                        " **FAIL**" if bad else ""))
    if failures:
        print("\n%d row(s) failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
