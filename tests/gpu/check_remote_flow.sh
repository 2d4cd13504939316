#!/usr/bin/env bash
# The ctest of the remote GPU check flow without a GPU: stages the built binaries into a temporary
# directory with stage-remote-checks.sh and runs run-remote-checks.sh from there twice:
#   1. vgpud --backend cuda on the vgpu shim as a driver double (VGPUD_TEST_DRIVER_DOUBLE=1), on a
#      fixture PCI bus: every program must pass natively (the shim in-process) and through vgpud,
#      the summary must list every time line with a ratio, and vgpud must end every session;
#   2. the same shim offered as the driver without the test switch: the script must refuse it, say
#      why the remote runs did not happen, and exit non-zero.
#   Usage: check_remote_flow.sh BUILD_DIR MAKE_SYSFS_TREE
set -uo pipefail
build=$1
tree_tool=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/gpu-remote-flow-XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
expect() { # expect FILE TEXT...: each TEXT must occur in FILE
  local file=$1
  shift
  for text in "$@"; do
    if ! grep -qF -- "$text" "$file"; then
      echo "check_remote_flow: FAIL: '$text' missing from $file"
      failures=$((failures + 1))
    fi
  done
}

VGPU_GPU_STAGE="$work/stage" "$here/stage-remote-checks.sh" "$build" || exit 1
tree=$("$tree_tool" one-stub) || exit 1
# VGPU_BACKEND=sim: the driver double (the shim) simulates explicitly; the remote runs set remote.
common=(VGPU_CONFIG=/nonexistent VGPU_BACKEND=sim VGPU_SYSFS_ROOT="$tree" VGPU_MACHINE_ID_FILE="$here/../data/sysfs/machine-id"
  VGPU_CUDA_DRIVER="$work/stage/shim/libcuda.so.1")
# A sanitizer build (docs/sanitizers.md): the nvcc-built programs load the instrumented shim, so the
# sanitizer runtime goes first into everything the run starts.
if [[ -n "${VGPU_SANITIZER_PRELOAD:-}" ]]; then
  common+=(LD_PRELOAD="$VGPU_SANITIZER_PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}")
fi

env "${common[@]}" VGPUD_TEST_DRIVER_DOUBLE=1 OUT="$work/double" "$work/stage/run-remote-checks.sh"
status=$?
[[ $status -eq 0 ]] || { echo "check_remote_flow: FAIL: the driver-double run exited $status"; failures=$((failures + 1)); }
summary="$work/double/summary.txt"
for program in vector_add fault_kernel stream_overlap cublas_gemm graph_replay vmm_pool cluster_launch launch_rate \
  conditional_loop managed_sweep library_checks graph_memory_checks graph_update_checks graph_conditional_checks \
  stream_memory_checks managed_memory_checks tensor_map_checks array_texture_checks link_checks vmm_sharing_checks ipc_checks; do
  line=$(grep "^$program " "$summary")
  if [[ $(grep -o 'rc=0 ok 0 failure(s)' <<<"$line" | wc -l) -ne 2 ]]; then
    echo "check_remote_flow: FAIL: $program did not pass both ways: $line"
    failures=$((failures + 1))
  fi
done
expect "$summary" "driver: TESTING ONLY" "--backend cuda" "vector_add-roundtrip " "stream_overlap-4-streams " \
  "stream_overlap-1-stream " "graph_replay-per-replay " "vmm_pool-grow-2-steps " \
  "vgpud: exit status 0 after SIGTERM; sessions: 21 connected, 21 ended; every session ended: yes" "every run passed"
expect "$work/double/vgpud.log" "listening on unix:"
# The dark-API probe ran on the driver double (the shim): its answers are the shim's.
expect "$summary" "dark_api_probe: exit status 0" "probe module-visit count 3 visits 3" "probe-exit stream-record status 0"

env "${common[@]}" OUT="$work/refused" "$work/stage/run-remote-checks.sh" >/dev/null
status=$?
[[ $status -ne 0 ]] || { echo "check_remote_flow: FAIL: the run with a refused driver exited 0"; failures=$((failures + 1)); }
expect "$work/refused/summary.txt" "driver: refused $work/stage/shim/libcuda.so.1" "NOT every run passed"
if ! grep -q "vgpud: NOT RUNNING: vgpud exited" "$work/refused/summary.txt"; then
  # A host with NVIDIA's driver installed: vgpud starts on it; nothing more to check here.
  expect "$work/refused/summary.txt" "driver: /"
fi
echo "check_remote_flow: $failures failure(s)"
((failures == 0))
