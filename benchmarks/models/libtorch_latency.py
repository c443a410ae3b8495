#!/usr/bin/python3
"""Latency and throughput of a traced TorchScript model under LibTorch.

    libtorch_latency.py MODEL.pt INPUT0.npy [INPUT1.npy ...] --requests N
        [--threads 1[,2...]] [--variants freeze[,optimize]] [--seconds S]

Loads the archive with torch.jit.load and freezes it (torch.jit.freeze;
"optimize" also runs torch.jit.optimize_for_inference), uses one inter-op
thread and each --threads count of intra-op threads in turn, and prints one
JSON line per (variant, threads) with p50/p95 latency in milliseconds,
throughput in requests/s and samples/s (dim 0 of the first input), and the
BLAS library the process mapped, like `neuron-run --bench --json`. The
defaults (one thread, frozen) print the single line benchmarks/models/run.sh
reads. With --seconds S, a configuration stops after S seconds once it has
run at least 3 requests (at most N). Set OPENBLAS_NUM_THREADS=1 in the
environment: OpenBLAS's own threads would compete with LibTorch's.
"""

import argparse
import json
import time

import numpy as np
import torch


def mapped_blas():
    """Returns the BLAS/LAPACK shared objects this process has mapped."""
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "blas" in path.lower() or "lapack" in path.lower():
                libs.add(path)
    return sorted(libs)


def measure(module, inputs, requests, warmup, seconds):
    """Runs `warmup` then timed requests; returns the sorted latencies (ms)."""
    latencies = []
    with torch.no_grad():
        for _ in range(warmup):
            module(*inputs)
        begin = time.perf_counter()
        while len(latencies) < requests:
            start = time.perf_counter()
            module(*inputs)
            latencies.append((time.perf_counter() - start) * 1e3)
            if seconds and len(latencies) >= 3 and time.perf_counter() - begin > seconds:
                break
    return sorted(latencies)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", default="1")
    parser.add_argument("--variants", default="freeze")
    parser.add_argument("--seconds", type=float, default=0)
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    variants = args.variants.split(",")
    for v in variants:
        if v not in ("freeze", "optimize"):
            raise SystemExit(f"unknown variant '{v}' (expected freeze or optimize)")
    torch.set_num_interop_threads(1)
    torch.set_num_threads(threads[0])
    inputs = [torch.from_numpy(np.load(p)) for p in args.inputs]
    batch = inputs[0].shape[0] if inputs[0].dim() else 1
    modules = {}
    for v in variants:
        module = torch.jit.freeze(torch.jit.load(args.model).eval())
        if v == "optimize":
            module = torch.jit.optimize_for_inference(module)
        modules[v] = module
    for v in variants:
        for t in threads:
            torch.set_num_threads(t)
            lat = measure(modules[v], inputs, args.requests, args.warmup, args.seconds)
            p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
            throughput = 1e3 * len(lat) / sum(lat)
            print(json.dumps({"variant": v, "threads": t, "requests": len(lat),
                              "p50_ms": p(0.5), "p95_ms": p(0.95), "throughput": throughput,
                              "samples_per_s": throughput * batch, "blas": mapped_blas()}),
                  flush=True)


if __name__ == "__main__":
    main()
