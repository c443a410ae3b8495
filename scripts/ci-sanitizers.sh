#!/usr/bin/env bash
# Sanitizer runs of the test suite; any report fails the run.
#   tsan      the runtime on its own (no LLVM, reference kernels) under
#             ThreadSanitizer, with its ctest (GoogleTest + tool tests)
#   asan      the same standalone runtime under AddressSanitizer + UBSan
#   asan-all  the whole project (importers, dialects, partitioner, emitter,
#             tools, runtime with oneDNN) built by gcc under ASan + UBSan:
#             every GoogleTest, the runtime's tool tests, the doc checks and
#             the lit suite except the ONNX backend-model suites (hundreds of
#             models each; they add nothing per component that the other
#             lit tests do not cover, and triple the time under ASan)
#   fuzz      builds the libFuzzer targets (clang-22, build-fuzz) and replays
#             their seed corpora and regression inputs once
# usage: scripts/ci-sanitizers.sh [tsan|asan|asan-all|fuzz ...]
#   (default, what CI runs: tsan asan-all)
# Build trees: $ROOT/build-<name>. JOBS (default 2) sets ninja and ctest
# parallelism.
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

# The whole project under gcc's ASan + UBSan. -O1 keeps the build and the
# tests fast enough for CI; -g1 gives line numbers in reports. vptr checks
# are off: LLVM and MLIR are built without RTTI, so there is no type
# information to check against.
run_asan_all() {
  local dir="$ROOT/build-asan-all" start=$SECONDS
  local flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-sanitize=vptr -fno-omit-frame-pointer -g1"
  echo "== asan-all: configure + build ($dir)"
  cmake -G Ninja -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" -DCMAKE_C_FLAGS_RELEASE="-O1 -DNDEBUG" \
    -DMLIR_DIR="$LLVM_PREFIX/lib/cmake/mlir" -DLLVM_EXTERNAL_LIT="$LLVM_PREFIX/bin/lit" \
    -DNEURON_RUNTIME_BUILD_BENCHMARKS=OFF \
    "-DCMAKE_CXX_FLAGS=$flags" "-DCMAKE_C_FLAGS=$flags" \
    "-DCMAKE_EXE_LINKER_FLAGS=$flags" "-DCMAKE_SHARED_LINKER_FLAGS=$flags" >/dev/null
  ninja -C "$dir" -j "$JOBS"
  echo "== asan-all: ctest (all but the full lit suite)"
  (cd "$dir" && ctest --output-on-failure -j "$JOBS" -E '^lit$')
  echo "== asan-all: lit (without the ONNX backend-model suites)"
  "$LLVM_PREFIX/bin/lit" -sv -j "$JOBS" "$dir/test" \
    --filter-out 'Import/ONNX/backend-models.test|e2e/onnx-backend/'
  echo "== asan-all: passed in $((SECONDS - start)) s"
}

run_fuzz() {
  local start=$SECONDS
  echo "== fuzz: build the fuzz targets, replay seeds and regression inputs"
  "$ROOT/scripts/fuzz.sh" replay
  echo "== fuzz: passed in $((SECONDS - start)) s"
}

# halt_on_error: the first report fails the test that triggered it.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="detect_leaks=1 strict_string_checks=1 ${ASAN_OPTIONS:-}"
# Leaks of the uninstrumented system libraries (LibTorch, libMLIR, libonnx),
# narrowly listed with the reason for each.
export LSAN_OPTIONS="suppressions=$ROOT/scripts/lsan.supp print_suppressions=0 ${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1 ${UBSAN_OPTIONS:-}"

# Default (what .ci/run runs): TSan of the runtime and ASan + UBSan of the
# whole project, whose runtime tests cover the runtime-only `asan` build
# (and more: with oneDNN, so the planner's fusion paths run too). The fuzz
# replay is left to `scripts/fuzz.sh replay`: the regression inputs are
# also replayed by ctest (FuzzRegressionTest, fuzz-regressions.test), and a
# clang build of everything would add ~15 minutes to CI.
for s in "${@:-tsan asan-all}"; do
  for v in $s; do
    case $v in
    tsan) run tsan "-fsanitize=thread -fno-omit-frame-pointer" ;;
    asan) run asan "-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" ;;
    asan-all) run_asan_all ;;
    fuzz) run_fuzz ;;
    *) echo "unknown sanitizer '$v' (tsan, asan, asan-all, fuzz)" >&2; exit 2 ;;
    esac
  done
done
