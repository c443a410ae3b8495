#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-22, NEURON_ENABLE_FUZZERS=ON, in
# $FUZZ_BUILD_DIR, default build-fuzz/) and runs them.
# usage: scripts/fuzz.sh [TARGET|all|replay] [SECONDS]
#   TARGET   onnx, onnx-text, artifact, npy, io-config or cores (default: all,
#            one after the other, SECONDS each; default 60)
#   replay   runs every seed and regression input once per target (what ctest
#            does in that build) and exits
# New inputs go to $FUZZ_BUILD_DIR/fuzz/corpus/TARGET (the build's seeds are
# read from fuzz/seeds/TARGET); crashes to fuzz/crashes/TARGET-*. Extra
# libFuzzer flags: FUZZ_FLAGS; FUZZ_BUILD=0 skips the build. Each run ends with libFuzzer's statistics
# (executions, coverage) and its log is kept in fuzz/logs/TARGET.log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DIR="${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
TARGETS=(onnx onnx-text artifact npy io-config cores)
what="${1:-all}"
seconds="${2:-60}"

if [ ! -f "$DIR/build.ninja" ]; then
  CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$ROOT" -B "$DIR" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DMLIR_DIR="$LLVM_PREFIX/lib/cmake/mlir" -DLLVM_EXTERNAL_LIT="$LLVM_PREFIX/bin/lit" \
    -DNEURON_ENABLE_FUZZERS=ON -DNEURON_ENABLE_TORCHSCRIPT=OFF \
    -DNEURON_RUNTIME_ENABLE_DNNL=OFF -DNEURON_RUNTIME_BUILD_BENCHMARKS=OFF
fi
# FUZZ_BUILD=0 skips the build, for a second run next to one that built.
if [ "${FUZZ_BUILD:-1}" != 0 ]; then
  ninja -C "$DIR" -j "$JOBS" neuron-fuzzers
fi

# Per-target input size caps: big enough for the seeds and their mutants,
# small enough to keep thousands of executions a second.
max_len() {
  case $1 in
  onnx | artifact) echo 65536 ;;
  onnx-text) echo 16384 ;;
  npy | io-config) echo 4096 ;;
  cores) echo 256 ;;
  esac
}

# halt_on_error: a UBSan report is a crash. detect_leaks stays on (libFuzzer
# reports leaks per input).
export ASAN_OPTIONS="detect_leaks=1 ${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1 ${UBSAN_OPTIONS:-}"

run() { # run TARGET
  local t=$1 bin="$DIR/bin/neuron-fuzz-$1" seeds="$DIR/fuzz/seeds/$1"
  local corpus="$DIR/fuzz/corpus/$1" crashes="$DIR/fuzz/crashes" logs="$DIR/fuzz/logs"
  mkdir -p "$corpus" "$crashes" "$logs"
  echo "== neuron-fuzz-$t: $seconds s"
  # -rss_limit_mb / -malloc_limit_mb: a hostile size must be refused, not
  # allocated. -timeout: one input may not take 25 s (inputs take well
  # under a second; the margin is for a loaded machine at nice 19).
  "$bin" "$corpus" "$seeds" -max_total_time="$seconds" -max_len="$(max_len "$t")" \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$crashes/$t-" ${FUZZ_FLAGS:-} 2>&1 | tee "$logs/$t.log" |
    grep -E '^#[0-9]+ +(INITED|DONE)|ERROR|SUMMARY|stat::|Test unit written' || true
  test "${PIPESTATUS[0]}" -eq 0
}

case $what in
all) for t in "${TARGETS[@]}"; do run "$t"; done ;;
replay)
  for t in "${TARGETS[@]}"; do
    "$DIR/bin/neuron-fuzz-$t" -runs=0 -rss_limit_mb=2048 "$DIR/fuzz/seeds/$t" 2>&1 | tail -n 1
  done ;;
*)
  if [[ ! " ${TARGETS[*]} " == *" $what "* ]]; then
    echo "unknown fuzz target '$what' (${TARGETS[*]}, all, replay)" >&2
    exit 2
  fi
  run "$what" ;;
esac
