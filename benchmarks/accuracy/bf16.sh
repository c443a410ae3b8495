#!/usr/bin/env bash
# Accuracy of --auto-cast against fp32 PyTorch: compiles each model with
# --auto-cast none, matmult and all, runs it on the traced example input and
# prints, per output, max |ours - PyTorch| next to max |PyTorch| for scale,
# plus the artifact's weight bytes (bf16 weights halve them).
#   benchmarks/accuracy/bf16.sh [BUILD_DIR] [WORK_DIR] [MODELS...]
# Default models: bert_base bert_mini resnet18 (random weights, seq 128).
# The issue's acceptance: BERT-base within 1e-2 of fp32 PyTorch.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
WORK="${2:-$(mktemp -d)}"
shift 2 2>/dev/null || true
MODELS=("$@")
[ ${#MODELS[@]} -gt 0 ] || MODELS=(bert_base bert_mini resnet18)
MODES=(none matmult all)

for m in "${MODELS[@]}"; do
  [ -f "$WORK/$m.pt" ] || /usr/bin/python3 "$ROOT/test/models/make_models.py" "$WORK" --no-onnx "$m" >/dev/null 2>&1
done

echo "## --auto-cast against fp32 PyTorch (TorchScript import, 1 core)"
echo "| model | --auto-cast | weight bytes | output | max abs error | max abs PyTorch |"
echo "|---|---|---|---|---|---|"
for m in "${MODELS[@]}"; do
  IN=(); for f in "$WORK/$m".in*.npy; do IN+=(--input "$f"); done
  for mode in "${MODES[@]}"; do
    neff="$WORK/$m.$mode.neff"
    out="$WORK/$m.$mode.out"
    "$BUILD/bin/neuron-cc" compile "$WORK/$m.pt" --io-config "@$WORK/$m.io.json" \
      --auto-cast "$mode" -o "$neff"
    rm -rf "$out" && mkdir -p "$out"
    "$BUILD/bin/neuron-run" "$neff" "${IN[@]}" --output-dir "$out" >/dev/null
    bytes="$("$BUILD/bin/neuron-dump" "$neff" --json |
      /usr/bin/python3 -c 'import json,sys; print(sum(s["weight_bytes"] for s in json.load(sys.stdin)["stages"]))')"
    /usr/bin/python3 - "$m" "$mode" "$bytes" "$WORK" "$out" <<'PY'
import glob, os, sys
import numpy as np
m, mode, nbytes, work, out = sys.argv[1:]
refs = sorted(glob.glob(os.path.join(work, m + ".out*.npy")))
got = sorted(glob.glob(os.path.join(out, "*.npy")))
if len(refs) != len(got):
    sys.exit(f"{m} {mode}: {len(got)} outputs, {len(refs)} references")
for i, (r, g) in enumerate(zip(refs, got)):
    ref = np.load(r).astype(np.float64)
    ours = np.load(g).astype(np.float64)
    err = np.abs(ours - ref).max()
    print(f"| {m} | {mode} | {nbytes} | {i} {list(ref.shape)} | {err:.3g} | {np.abs(ref).max():.3g} |")
PY
  done
done
