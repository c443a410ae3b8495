#!/usr/bin/env bash
# Installs the Debian packages the project builds, tests and runs with (idempotent).
set -euo pipefail

PACKAGES=(
  cmake ninja-build g++ pkg-config git
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libonnx-dev libprotobuf-dev protobuf-compiler
  libtorch-dev
  python3-torch python3-torchvision python3-onnx python3-numpy libonnx-testdata
  libdnnl-dev ocl-icd-opencl-dev opencl-c-headers
  libgtest-dev libgmock-dev libbenchmark-dev
  libflatbuffers-dev flatbuffers-compiler
  libxxhash-dev
  libhwloc-dev
  # The fuzz targets (scripts/fuzz.sh): clang and its libFuzzer + sanitizer runtimes.
  clang-22 libclang-rt-22-dev
  # An optimized libblas.so.3 for Debian's LibTorch, the benchmarks' baseline.
  libopenblas0-pthread
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when they are missing or a package cannot be found.
if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 ||
   ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
  $SUDO apt-get update -q
fi
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
