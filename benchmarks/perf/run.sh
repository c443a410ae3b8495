#!/usr/bin/env bash
# The performance suite: our runtime against LibTorch (TorchScript, frozen,
# best of 1 and 2 threads) at batch 1 and 6, one core and all cores, fp32 and
# (when neuron-cc has --auto-cast) bf16, plus GEMM efficiency. One command:
#   benchmarks/perf/run.sh [BUILD_DIR] [WORK_DIR] [MODELS...]
# Defaults: build/, a temporary directory, mlp resnet18 mobilenet_v2 bert_mini
# bert_base. Knobs: REPEATS (3), SECONDS (2 s per timed run), REQUESTS (fixed
# count instead of SECONDS), BATCH (6), NEURON_CC (a neuron-cc other than
# BUILD_DIR's, e.g. when only the runtime is built there). Progress goes to stderr, the tables to
# stdout. See docs/Benchmarks.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
WORK="${2:-}"
shift 2 2>/dev/null || shift $# # the rest are models
MODELS=("$@")
[ ${#MODELS[@]} -gt 0 ] || MODELS=(mlp resnet18 mobilenet_v2 bert_mini bert_base)

die() { echo "benchmarks/perf/run.sh: $*" >&2; exit 1; }
[ -d "$BUILD" ] || die "build directory '$BUILD' does not exist (build the project first: scripts/build.sh)"
for tool in neuron-run neuron-gemm-bench; do
  [ -x "$BUILD/bin/$tool" ] || die "'$BUILD/bin/$tool' is missing (build it: ninja -C $BUILD $tool)"
done
export NEURON_CC="${NEURON_CC:-$BUILD/bin/neuron-cc}"
[ -x "$NEURON_CC" ] || die "'$NEURON_CC' is missing (build it: ninja -C $BUILD neuron-cc, or set NEURON_CC)"
[ -x /usr/bin/python3 ] || die "/usr/bin/python3 (Debian's, with python3-torch) is missing"
/usr/bin/python3 -c 'import torch, torchvision, numpy' 2>/dev/null ||
  die "Debian's /usr/bin/python3 cannot import torch, torchvision and numpy (scripts/install-deps.sh)"
for m in "${MODELS[@]}"; do
  case "$m" in
    mlp | resnet18 | mobilenet_v2 | bert_mini | bert_base) ;;
    *) die "unknown model '$m' (expected mlp, resnet18, mobilenet_v2, bert_mini or bert_base)" ;;
  esac
done
if [ -z "$WORK" ]; then
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK"

# Debian's LibTorch calls the generic libblas.so.3: say which one it gets.
ALT=libblas.so.3-x86_64-linux-gnu
BLAS="$(update-alternatives --query "$ALT" 2>/dev/null | sed -n 's/^Value: //p')"
echo "libblas.so.3 alternative: ${BLAS:-unknown (update-alternatives --display $ALT)}"
case "$BLAS" in
  */openblas*) ;;
  *) echo "WARNING: LibTorch's BLAS is not OpenBLAS (netlib's reference BLAS is far slower);" \
      "install libopenblas0-pthread for a fair comparison." ;;
esac
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"

/usr/bin/python3 "$ROOT/benchmarks/perf/perf.py" "$BUILD" "$WORK" "${MODELS[@]}"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at end"
