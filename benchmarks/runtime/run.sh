#!/usr/bin/env bash
# Runtime benchmarks: pipeline hand-off overhead, then DataParallel versus two
# single-core processes and a 2-stage pipeline versus its slowest stage, for
# BERT-mini and ResNet-18 (traced and compiled into OUT on first use).
# usage: benchmarks/runtime/run.sh [OUT]   (default: $BUILD_DIR/rt-bench)
# Needs build/bin/{neuron-cc,neuron-rt-bench}; SECONDS_PER_RUN, REPEAT tune it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"
OUT=${1:-$BUILD_DIR/rt-bench}
BIN=$BUILD_DIR/bin
S=${SECONDS_PER_RUN:-3} R=${REPEAT:-5}
mkdir -p "$OUT"
for m in bert_mini resnet18; do
  [ -f "$OUT/$m.pt" ] || /usr/bin/python3 "$ROOT/test/models/make_models.py" "$OUT" "$m"
  [ -f "$OUT/$m.neff" ] ||
    "$BIN/neuron-cc" compile "$OUT/$m.pt" --io-config "@$OUT/$m.io.json" -o "$OUT/$m.neff"
  [ -f "$OUT/$m.2.neff" ] ||
    "$BIN/neuron-cc" compile "$OUT/$m.pt" --io-config "@$OUT/$m.io.json" \
      --neuroncore-pipeline-cores 2 -o "$OUT/$m.2.neff"
done
echo "== pipeline hand-off (Identity stages on f32[1, 4], one request in flight)"
"$BIN/neuron-rt-bench" handoff --repeat "$R"
for m in bert_mini resnet18; do
  echo "== $m: DataParallel on 2 cores vs 2 single-core processes"
  "$BIN/neuron-rt-bench" dp "$OUT/$m.neff" --seconds "$S" --repeat "$R"
  echo "== $m: 2-stage pipeline vs 1 / slowest stage"
  "$BIN/neuron-rt-bench" pipeline "$OUT/$m.2.neff" --seconds "$S" --repeat "$R"
done
