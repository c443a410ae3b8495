#!/usr/bin/env bash
# Single-core latency of our runtime against LibTorch (TorchScript, frozen,
# one thread) on the same traced models, in the same run, plus the accuracy
# of every compiled configuration (1, 2 and 4 stages) against PyTorch.
# Note: Debian's LibTorch runs matmuls through the generic libblas.so.3, which
# is netlib's reference BLAS unless an optimized BLAS (libopenblas0) is the
# alternative; check `update-alternatives --display libblas.so.3-x86_64-linux-gnu`.
#   benchmarks/models/run.sh [BUILD_DIR] [WORK_DIR] [MODELS...]
# Default models: resnet18 mobilenet_v2 bert_base (random weights).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
WORK="${2:-$(mktemp -d)}"
shift 2 2>/dev/null || true
MODELS=("$@")
[ ${#MODELS[@]} -gt 0 ] || MODELS=(resnet18 mobilenet_v2 bert_base)
REQUESTS="${REQUESTS:-30}"

for m in "${MODELS[@]}"; do
  [ -f "$WORK/$m.pt" ] || /usr/bin/python3 "$ROOT/test/models/make_models.py" "$WORK" "$m" >/dev/null 2>&1
done

echo "## Accuracy against PyTorch (rtol 1e-4, atol 1e-5)"
echo "| model | format | stages | result |"
echo "|---|---|---|---|"
for m in "${MODELS[@]}"; do
  IN=(); for f in "$WORK/$m".in*.npy; do IN+=(--input "$f"); done
  REF=(); for f in "$WORK/$m".out*.npy; do REF+=(--check "$f"); done
  for ext in pt onnx; do
    for k in 1 2 4; do
      "$BUILD/bin/neuron-cc" compile "$WORK/$m.$ext" --io-config "@$WORK/$m.io.json" \
        --neuroncore-pipeline-cores $k -o "$WORK/$m.$ext.$k.neff"
      if "$BUILD/bin/neuron-run" "$WORK/$m.$ext.$k.neff" "${IN[@]}" "${REF[@]}" >/dev/null; then
        echo "| $m | $ext | $k | match |"
      else
        echo "| $m | $ext | $k | MISMATCH |"
      fi
    done
  done
done

echo
echo "## Single-core latency, one thread each, same run (median of 3 alternating runs)"
echo "| model | neuron p50 ms | LibTorch p50 ms | ratio neuron/LibTorch |"
echo "|---|---|---|---|"
for m in "${MODELS[@]}"; do
  IN=(); for f in "$WORK/$m".in*.npy; do IN+=(--input "$f"); done
  ours=(); theirs=()
  for run in 1 2 3; do
    ours+=("$("$BUILD/bin/neuron-run" "$WORK/$m.pt.1.neff" "${IN[@]}" --bench --requests "$REQUESTS" --threads 1 --json |
      /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["bench"]["latency_ms"]["p50"])')")
    theirs+=("$(/usr/bin/python3 "$ROOT/benchmarks/models/libtorch_latency.py" "$WORK/$m.pt" "$WORK/$m".in*.npy --requests "$REQUESTS" |
      /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["p50_ms"])')")
  done
  /usr/bin/python3 - "$m" "${ours[@]}" "${theirs[@]}" <<'PY'
import statistics, sys
m = sys.argv[1]; vals = list(map(float, sys.argv[2:])); n = len(vals) // 2
o, t = statistics.median(vals[:n]), statistics.median(vals[n:])
print(f"| {m} | {o:.2f} | {t:.2f} | {o / t:.2f} |")
PY
done
