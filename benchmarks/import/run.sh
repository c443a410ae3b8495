#!/usr/bin/env bash
# Import time and peak memory of BERT-base (seq 128) from .pt and .onnx,
# against the size of the file. Traces the model with random weights first.
#   benchmarks/import/run.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
WORK="${2:-$(mktemp -d)}"
MODEL=bert_base
[ -f "$WORK/$MODEL.pt" ] || /usr/bin/python3 "$ROOT/test/models/make_models.py" "$WORK" "$MODEL" >/dev/null 2>&1
for ext in pt onnx; do
  for run in 1 2 3; do
    "$BUILD/bin/neuron-import-bench" "$WORK/$MODEL.$ext" "$(cat "$WORK/$MODEL.io.json")"
  done
done
