#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job on the bundled example model.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"

MODEL="${1:-$ROOT/examples/mlp.mlir}"
echo "== neuron-opt --canonicalize $MODEL"
"$BUILD_DIR/bin/neuron-opt" --canonicalize "$MODEL"
