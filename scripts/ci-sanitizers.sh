#!/usr/bin/env bash
# Builds the runtime on its own (no LLVM, reference kernels) under
# ThreadSanitizer, then AddressSanitizer + UndefinedBehaviorSanitizer, and runs
# its tests (GoogleTest + tool tests) through ctest. Any report fails the run.
# usage: scripts/ci-sanitizers.sh [tsan|asan ...]   (default: both)
# Build trees: $ROOT/build-tsan, $ROOT/build-asan. JOBS (default 2) sets ninja
# and ctest parallelism.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

run() { # run NAME FLAGS
  local name=$1 flags=$2 dir="$ROOT/build-$1" start=$SECONDS
  echo "== $name: configure + build ($dir)"
  cmake -S "$ROOT/runtime" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNEURON_RUNTIME_ENABLE_DNNL=OFF -DNEURON_RUNTIME_BUILD_BENCHMARKS=OFF \
    "-DCMAKE_CXX_FLAGS=$flags" "-DCMAKE_C_FLAGS=$flags" \
    "-DCMAKE_EXE_LINKER_FLAGS=$flags" >/dev/null
  ninja -C "$dir" -j "$JOBS"
  echo "== $name: ctest"
  (cd "$dir" && ctest --output-on-failure -j "$JOBS")
  echo "== $name: passed in $((SECONDS - start)) s"
}

# halt_on_error: the first report fails the test that triggered it.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="detect_leaks=1 strict_string_checks=1 ${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1 ${UBSAN_OPTIONS:-}"

for s in "${@:-tsan asan}"; do
  for v in $s; do
    case $v in
    tsan) run tsan "-fsanitize=thread -fno-omit-frame-pointer" ;;
    asan) run asan "-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" ;;
    *) echo "unknown sanitizer '$v' (tsan, asan)" >&2; exit 2 ;;
    esac
  done
done
