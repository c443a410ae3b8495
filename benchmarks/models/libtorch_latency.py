#!/usr/bin/python3
"""Single-thread latency of a traced TorchScript model under LibTorch.

    libtorch_latency.py MODEL.pt INPUT0.npy [INPUT1.npy ...] --requests N

Loads the archive with torch.jit.load, freezes it (LibTorch's best inference
configuration), uses one thread, and prints one JSON line with p50/p95 latency
in milliseconds and throughput, like `neuron-run --bench --json`.
"""

import argparse
import json
import time

import numpy as np
import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    module = torch.jit.freeze(torch.jit.load(args.model).eval())
    inputs = [torch.from_numpy(np.load(p)) for p in args.inputs]
    latencies = []
    with torch.no_grad():
        for i in range(args.warmup + args.requests):
            start = time.perf_counter()
            module(*inputs)
            if i >= args.warmup:
                latencies.append((time.perf_counter() - start) * 1e3)
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(json.dumps({"p50_ms": p(0.5), "p95_ms": p(0.95),
                      "throughput": 1e3 * len(latencies) / sum(latencies)}))


if __name__ == "__main__":
    main()
