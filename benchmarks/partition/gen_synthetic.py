#!/usr/bin/python3
"""Generates synthetic partitioning inputs in the dnn-partitioning JSON format.

  gen_synthetic.py chain N OUT.json   a chain of N ops
  gen_synthetic.py dag N OUT.json     a DNN-like DAG of about N ops: blocks of
                                      2-4 parallel branches joined by an add,
                                      with a residual edge around each block

Costs are pseudo-random but seeded, so a file is the same on every run. The
memory cap (maxSizePerFPGA) is a third of the total size.
"""
import json
import random
import sys


def node(i, rng):
    return {"id": i, "name": "op%d" % i, "fpgaLatency": rng.uniform(0.1, 10.0),
            "size": float(rng.randrange(0, 1 << 20))}


def chain(n, rng):
    nodes = [node(i, rng) for i in range(n)]
    edges = [{"sourceId": i, "destId": i + 1, "cost": round(rng.uniform(0, 2), 3)}
             for i in range(n - 1)]
    return nodes, edges


def dag(n, rng):
    nodes, edges, cost = [], [], {}

    def add():
        i = len(nodes)
        nodes.append(node(i, rng))
        cost[i] = round(rng.uniform(0, 2), 3)
        return i

    def edge(u, v):
        edges.append({"sourceId": u, "destId": v, "cost": cost[u]})

    prev = add()
    while len(nodes) < n:
        join_inputs = []
        for _ in range(rng.randint(2, 4)):
            last = prev
            for _ in range(rng.randint(1, 4)):
                cur = add()
                edge(last, cur)
                last = cur
            join_inputs.append(last)
        join = add()
        for u in join_inputs + [prev]:  # branches plus the residual edge
            edge(u, join)
        prev = join
    return nodes, edges


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("chain", "dag"):
        sys.exit(__doc__)
    rng = random.Random(12345)
    nodes, edges = (chain if sys.argv[1] == "chain" else dag)(int(sys.argv[2]), rng)
    cap = sum(x["size"] for x in nodes) / 3
    with open(sys.argv[3], "w") as f:
        json.dump({"maxSizePerFPGA": cap, "nodes": nodes, "edges": edges}, f)


if __name__ == "__main__":
    main()
