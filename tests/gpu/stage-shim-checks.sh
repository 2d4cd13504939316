#!/usr/bin/env bash
# Copies what tests/gpu/run-shim-checks.sh needs (the shim libraries, our CUDA programs and
# NVIDIA's libcudart.so.13 from the toolkit) into gpu-stage/ as plain files, so a machine with a GPU
# and nothing else installed can run the checks. Usage: tests/gpu/stage-shim-checks.sh [build dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/default}
stage=$root/gpu-stage
rm -rf "$stage"
mkdir -p "$stage/shim" "$stage/programs" "$stage/cudart"
cp -L "$build/lib/shim/libcuda.so.1" "$stage/shim/libcuda.so.1"
cp -L "$build/lib/shim/libnvidia-ml.so.1" "$stage/shim/libnvidia-ml.so.1"
cp "$build/tests/cuda/programs/"* "$stage/programs/"
cp -L /usr/local/cuda/lib64/libcudart.so.13 "$stage/cudart/"
# The shim's own dependency (libpci) and libpci's, for GPU hosts without them.
for library in libpci.so.3 libz.so.1 libudev.so.1; do
  cp -L "/lib/x86_64-linux-gnu/$library" "$stage/shim/"
done
cp "$root/tests/gpu/run-shim-checks.sh" "$stage/"
strip --strip-debug "$stage/shim/"*.so.1
du -sh "$stage"
