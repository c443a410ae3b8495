#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (lit + GoogleTest + doc checks) through ctest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$JOBS"

# The runtime again under ThreadSanitizer and AddressSanitizer + UBSan (a
# standalone runtime build each; see scripts/ci-sanitizers.sh).
"$ROOT/scripts/ci-sanitizers.sh"
