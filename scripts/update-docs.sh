#!/usr/bin/env bash
# Regenerates the dialect reference in docs/Dialects/ from TableGen.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ninja -C "$BUILD_DIR" mlir-doc
mkdir -p "$ROOT/docs/Dialects"
cp "$BUILD_DIR"/docs/Dialects/*.md "$ROOT/docs/Dialects/"
