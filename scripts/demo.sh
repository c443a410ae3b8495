#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job on the bundled default
# model: a small BERT-style encoder (test/models/make_models.py), traced with
# random weights, compiled for a 4-core pipeline, run and checked against
# PyTorch's outputs.
#   scripts/demo.sh [MODEL_NAME] [CORES]   (MODEL_NAME from make_models.py)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"

NAME="${1:-transformer}"
CORES="${2:-4}"
WORK="$BUILD_DIR/demo"
mkdir -p "$WORK"
echo "== tracing $NAME with PyTorch (random weights) into $WORK"
/usr/bin/python3 "$ROOT/test/models/make_models.py" "$WORK" "$NAME" 2>/dev/null

echo "== neuron-cc compile $NAME.pt --neuroncore-pipeline-cores $CORES"
"$BUILD_DIR/bin/neuron-cc" compile "$WORK/$NAME.pt" --io-config "@$WORK/$NAME.io.json" \
  --neuroncore-pipeline-cores "$CORES" --compile-to partition -o "$WORK/$NAME.partition.mlir"
echo "   per-stage summary (weight bytes, FLOPs, bytes crossing its boundaries):"
grep -o 'pipe.stage [0-9]* on core [0-9]*.*weight_bytes = [0-9]*' "$WORK/$NAME.partition.mlir" |
  sed -E 's/\(.*\{boundary_bytes = ([0-9]+) : i64, flops = ([0-9]+) : i64, ops = ([0-9]+) : i64, weight_bytes = ([0-9]+)/: \3 ops, weights \4 B, \2 FLOPs, boundary \1 B/' |
  sed 's/^/   /'
echo "   full IR: $WORK/$NAME.partition.mlir"

echo "== neuron-cc compile $NAME.pt --neuroncore-pipeline-cores $CORES -o $NAME.neff"
"$BUILD_DIR/bin/neuron-cc" compile "$WORK/$NAME.pt" --io-config "@$WORK/$NAME.io.json" \
  --neuroncore-pipeline-cores "$CORES" -o "$WORK/$NAME.neff"
"$BUILD_DIR/bin/neuron-dump" "$WORK/$NAME.neff"

INPUTS=()
for f in "$WORK/$NAME".in*.npy; do INPUTS+=(--input "$f"); done
CHECKS=()
for f in "$WORK/$NAME".out*.npy; do CHECKS+=(--check "$f"); done
echo "== neuron-run $NAME.neff (outputs compared with PyTorch's)"
"$BUILD_DIR/bin/neuron-run" "$WORK/$NAME.neff" "${INPUTS[@]}" "${CHECKS[@]}" --rtol 1e-4 --atol 1e-5
echo "== neuron-run --bench"
"$BUILD_DIR/bin/neuron-run" "$WORK/$NAME.neff" "${INPUTS[@]}" --bench --requests 200
