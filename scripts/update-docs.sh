#!/usr/bin/env bash
# Regenerates the dialect and pass reference in docs/Dialects/ and
# docs/Transforms/ from TableGen.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ninja -C "$BUILD_DIR" mlir-doc
for dir in Dialects Transforms; do
  mkdir -p "$ROOT/docs/$dir"
  cp "$BUILD_DIR"/docs/$dir/*.md "$ROOT/docs/$dir/"
done
