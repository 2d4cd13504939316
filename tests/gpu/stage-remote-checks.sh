#!/usr/bin/env bash
# Copies what tests/gpu/run-remote-checks.sh needs into gpu-stage/ as plain files, so a machine with
# an NVIDIA GPU, the CUDA toolkit's libraries in /usr/local/cuda/lib64 and nothing else of ours can
# run the checks: the shim libraries with libpci and its dependencies (shim/), vgpud (bin/) with the
# libraries it links beyond glibc and libstdc++ (lib/: libsystemd and its dependencies), the GPU
# check programs (programs/) and the run script. Debug info is stripped and NVIDIA's libraries are
# not copied, so the stage stays small (about 10 MiB).
#   Usage: tests/gpu/stage-remote-checks.sh [build dir]   (default: build/default)
#   VGPU_GPU_STAGE=DIR stages into DIR instead (the ctest of the flow uses a temporary one).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/default}
stage=${VGPU_GPU_STAGE:-$root/gpu-stage}
programs=(vector_add fault_kernel stream_overlap cublas_gemm graph_replay vmm_pool cluster_launch launch_rate
  conditional_loop managed_sweep)
# Programs of tests/cuda/programs compared the same way: the CUDA libraries' results (cuFFT, cuSOLVER,
# cuSPARSE, cuRAND, NVRTC), graph memory nodes and graph updates, stream memory operations, the Unified
# Memory hints, tensor maps, CUDA arrays with texture and surface objects, the JIT linker, VMM memory
# shared between processes as POSIX file descriptors, legacy IPC handles, natively and through vgpud.
cuda_programs=(library_checks graph_memory_checks graph_update_checks graph_conditional_checks stream_memory_checks
  managed_memory_checks tensor_map_checks array_texture_checks link_checks vmm_sharing_checks ipc_checks)
for needed in "$build/lib/shim/libcuda.so.1" "$build/lib/shim/libnvidia-ml.so.1" "$build/shim/vgpud/vgpud"; do
  if [[ ! -e "$needed" ]]; then
    echo "stage-remote-checks: $needed is missing: build vgpu-cuda vgpu-nvml vgpud first" >&2
    exit 1
  fi
done
for program in "${programs[@]}"; do
  if [[ ! -x "$build/tests/gpu/programs/$program" ]]; then
    echo "stage-remote-checks: $build/tests/gpu/programs/$program is missing: build gpu_check_$program first" >&2
    exit 1
  fi
done
for program in "${cuda_programs[@]}"; do
  if [[ ! -x "$build/tests/cuda/programs/$program" ]]; then
    echo "stage-remote-checks: $build/tests/cuda/programs/$program is missing: build cuda_program_$program first" >&2
    exit 1
  fi
done
rm -rf "$stage"
mkdir -p "$stage/shim" "$stage/lib" "$stage/bin" "$stage/programs"
cp -L "$build/lib/shim/libcuda.so.1" "$build/lib/shim/libnvidia-ml.so.1" "$stage/shim/"
# The shim's own dependency (libpci) and libpci's, for GPU hosts without them (the H100 host had none).
for library in libpci.so.3 libz.so.1 libudev.so.1; do
  cp -L "/lib/x86_64-linux-gnu/$library" "$stage/shim/"
done
cp -L "$build/shim/vgpud/vgpud" "$stage/bin/"
# vgpud's libraries beyond the C and C++ runtimes, which any host with NVIDIA's driver has.
ldd "$build/shim/vgpud/vgpud" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | while read -r name path; do
  case "$name" in
    libc.so.* | libm.so.* | libstdc++.so.* | libgcc_s.so.* | ld-linux*) ;;
    *) cp -L "$path" "$stage/lib/$name" ;;
  esac
done
for program in "${programs[@]}"; do
  cp "$build/tests/gpu/programs/$program" "$stage/programs/"
done
for program in "${cuda_programs[@]}"; do
  cp "$build/tests/cuda/programs/$program" "$stage/programs/"
done
# The remote-execution benchmark (bench/bench_vgpud.cpp), when built: run-remote-checks.sh runs it
# against the real GPU after the programs.
if [[ -x "$build/bench/bench_vgpud" ]]; then
  cp "$build/bench/bench_vgpud" "$stage/bin/"
fi
# The dark-API probe (tests/gpu/capture/dark_api_probe.cpp): run natively after the programs.
if [[ -x "$build/tests/gpu/dark_api_probe" ]]; then
  cp "$build/tests/gpu/dark_api_probe" "$stage/bin/"
fi
cp "$root/tests/gpu/run-remote-checks.sh" "$stage/"
strip --strip-debug "$stage/shim/"*.so.* "$stage/lib/"*.so.* "$stage/bin/"*
du -sh "$stage"
