#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (lit + GoogleTest + doc checks) through ctest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$JOBS"

# Sanitizers (scripts/ci-sanitizers.sh): the runtime under ThreadSanitizer
# and the whole project under ASan + UBSan.
"$ROOT/scripts/ci-sanitizers.sh"
