#!/usr/bin/env bash
# GPU check of remote execution (remote-execution issue, item 7), run on a machine with an NVIDIA
# GPU from the stage tests/gpu/stage-remote-checks.sh makes. It finds NVIDIA's driver (refusing a
# vgpu shim's copy), starts vgpud --backend cuda on a Unix socket in a temporary directory, and runs
# each GPU check program twice:
#   native: NVIDIA's driver on the real GPU (LD_LIBRARY_PATH: the CUDA toolkit's libraries only);
#   remote: the vgpu shim first on the library path, VGPU_BACKEND=remote: every call goes to vgpud,
#           which runs it on the same GPU;
# then prints a summary: each program's exit status and last line both ways, and for each "time"
# line the native and remote milliseconds and the ratio remote/native. vgpud is stopped with
# SIGTERM; its exit status and whether every session it served ended are recorded. Outputs go to
# $OUT (or ./out): summary.txt, native-*.txt, remote-*.txt, vgpud.log.
# Overrides (for testing the flow without a GPU): VGPUD_BACKEND=sim runs vgpud's simulated device
# (the remote runs then get VGPU_EXPECT_SIMULATED=1); VGPUD_TEST_DRIVER_DOUBLE=1 with
# VGPU_CUDA_DRIVER=<a vgpu shim> runs the cuda backend on the shim as a driver double (likewise
# simulated); CUDA_LIB_DIR (default /usr/local/cuda/lib64); VGPU_CUDA_DRIVER names the driver to try
# first. Exit status 0 only when every run passed.
set -uo pipefail
stage=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$PWD/out}
mkdir -p "$out"
backend=${VGPUD_BACKEND:-cuda}
cuda_lib=${CUDA_LIB_DIR:-/usr/local/cuda/lib64}
# The GPU check programs, then twelve of tests/cuda/programs (the CUDA libraries, graph memory
# nodes, graph updates, conditional nodes, stream memory operations, the Unified Memory hints, tensor
# maps, CUDA arrays with texture and surface objects, the JIT linker, VMM memory shared between
# processes, legacy IPC handles).
programs=(vector_add fault_kernel stream_overlap cublas_gemm graph_replay vmm_pool cluster_launch launch_rate conditional_loop managed_sweep
  library_checks graph_memory_checks graph_update_checks graph_conditional_checks stream_memory_checks
  managed_memory_checks tensor_map_checks array_texture_checks link_checks vmm_sharing_checks ipc_checks)
summary="$out/summary.txt"
started=$SECONDS
budget=200 # seconds for all program runs, so the whole script stays under 4 minutes
: >"$summary"
note() { echo "$*" | tee -a "$summary"; }

note "# remote GPU checks $(date -u +%FT%TZ): native vs shim -> vgpud --backend $backend"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,pci.bus_id,driver_version --format=csv,noheader 2>&1 | sed 's/^/gpu: /' | tee -a "$summary"
else
  note "gpu: nvidia-smi not found: no NVIDIA driver here, so the native runs are expected to fail"
fi
[[ -e "$cuda_lib/libcudart.so.13" ]] || note "cuda: no libcudart.so.13 in $cuda_lib: every run will fail to start"

# NVIDIA's libcuda.so.1: the first candidate that exists and is not a vgpu shim (the shim exports
# its private cuVgpu* entry points; vgpud refuses it too).
is_shim() { grep -aq -e cuVgpuProcessActivity -e cuVgpuDeviceMemoryUsage "$1"; }
driver=""
driver_double=0
candidates=()
[[ -n "${VGPU_CUDA_DRIVER:-}" ]] && candidates+=("$VGPU_CUDA_DRIVER")
candidates+=(/usr/local/nvidia/lib64/libcuda.so.1 /usr/lib/x86_64-linux-gnu/libcuda.so.1)
while read -r path; do candidates+=("$path"); done < <(ldconfig -p 2>/dev/null | awk '$1 == "libcuda.so.1" { print $NF }')
for candidate in "${candidates[@]}"; do
  [[ -e "$candidate" ]] || continue
  resolved=$(readlink -f "$candidate")
  if [[ "$resolved" == "$stage"/* ]] || is_shim "$resolved"; then
    if [[ "${VGPUD_TEST_DRIVER_DOUBLE:-}" != 1 ]]; then
      note "driver: refused $candidate ($resolved): a vgpu shim, not NVIDIA's driver"
      continue
    fi
    note "driver: TESTING ONLY: accepted the vgpu shim $candidate as a driver double (VGPUD_TEST_DRIVER_DOUBLE=1)"
    driver_double=1
  fi
  driver=$candidate
  break
done
if [[ -n "$driver" ]]; then
  note "driver: $driver ($(readlink -f "$driver"))"
else
  note "driver: no NVIDIA libcuda.so.1 found (searched ${candidates[*]} and ldconfig -p)"
fi

# vgpud on a socket in a fresh directory; "listening on unix:" in its log means ready.
socket_dir=$(mktemp -d /tmp/vgpud-remote-checks-XXXXXX)
socket="$socket_dir/vgpud.sock"
log="$out/vgpud.log"
vgpud_args=(--listen "unix:$socket" --backend "$backend" --log-level info)
[[ "$backend" == cuda && -n "$driver" ]] && vgpud_args+=(--cuda-driver "$driver")
LD_LIBRARY_PATH="$stage/lib" "$stage/bin/vgpud" "${vgpud_args[@]}" 2>"$log" &
vgpud_pid=$!
remote_down=""
for ((tries = 0; tries < 150; ++tries)); do
  grep -q "listening on unix:" "$log" 2>/dev/null && break
  if ! kill -0 "$vgpud_pid" 2>/dev/null; then
    wait "$vgpud_pid"
    remote_down="vgpud exited ($?): $(grep -v '^$' "$log" | tail -n 1)"
    break
  fi
  sleep 0.1
done
if [[ -z "$remote_down" ]] && ! grep -q "listening on unix:" "$log"; then
  remote_down="vgpud did not report listening within 15 s (killed)"
  kill -KILL "$vgpud_pid" 2>/dev/null
  wait "$vgpud_pid" 2>/dev/null
fi
if [[ -n "$remote_down" ]]; then
  note "vgpud: NOT RUNNING: $remote_down; every remote run is skipped"
else
  note "vgpud: $(LD_LIBRARY_PATH="$stage/lib" "$stage/bin/vgpud" --version 2>&1 | head -n 1), pid $vgpud_pid, ${vgpud_args[*]}"
fi

# One run of a program; its output in $out/<mode>-<program>.txt; prints "rc|last line".
run_program() {
  local mode=$1 program=$2 left=$((budget - (SECONDS - started)))
  local file="$out/$mode-$program.txt" limit=120
  ((left < limit)) && limit=$left
  if ((limit <= 0)); then
    echo "skipped: the $budget s budget of this script is spent" >"$file"
    echo "-|skipped (time budget spent)"
    return
  fi
  # Kernels run only on a real GPU: on a simulated device the programs skip checks of their results.
  local simulated=()
  if ((driver_double)) || [[ "$mode" == remote && "$backend" == sim ]]; then
    simulated=(VGPU_EXPECT_SIMULATED=1)
  fi
  if [[ "$mode" == native ]]; then
    env "${simulated[@]}" LD_LIBRARY_PATH="$cuda_lib${driver:+:$(dirname "$driver")}" \
      timeout "$limit" "$stage/programs/$program" >"$file" 2>&1
  else
    env "${simulated[@]}" VGPU_BACKEND=remote VGPU_ENDPOINT="unix:$socket" VGPU_CONFIG=/nonexistent VGPU_LOG=warn \
      LD_LIBRARY_PATH="$stage/shim:$cuda_lib" timeout "$limit" "$stage/programs/$program" >"$file" 2>&1
  fi
  local rc=$?
  ((rc == 124)) && echo "timed out after $limit s" >>"$file"
  echo "$rc|$(grep -v '^$' "$file" | tail -n 1 | cut -c 1-80)"
}

declare -A native_result remote_result
all_passed=1
for program in "${programs[@]}"; do
  native_result[$program]=$(run_program native "$program")
  if [[ -n "$remote_down" ]]; then
    remote_result[$program]="-|not run: ${remote_down:0:70}"
  else
    remote_result[$program]=$(run_program remote "$program")
  fi
  [[ "${native_result[$program]}" == "0|ok 0 failure(s)" ]] || all_passed=0
  [[ "${remote_result[$program]}" == "0|ok 0 failure(s)" ]] || all_passed=0
done

note ""
note "# results: exit status | last line"
note "$(printf '%-16s %-34s %s' program native remote)"
for program in "${programs[@]}"; do
  note "$(printf '%-16s %-34s %s' "$program" "rc=${native_result[$program]/|/ }" "rc=${remote_result[$program]/|/ }")"
done

note ""
note "# times (ms; vector_add/stream_overlap/vmm_pool: the measured part; cublas_gemm, graph_replay: per call)"
note "$(printf '%-40s %12s %12s %10s' check native remote remote/native)"
for program in "${programs[@]}"; do
  names=$(cat "$out/native-$program.txt" "$out/remote-$program.txt" 2>/dev/null | awk '$1 == "time" { print $2 }' | awk '!seen[$0]++')
  for name in $names; do
    native_ms=$(awk -v n="$name" '$1 == "time" && $2 == n { print $3; exit }' "$out/native-$program.txt" 2>/dev/null)
    remote_ms=$(awk -v n="$name" '$1 == "time" && $2 == n { print $3; exit }' "$out/remote-$program.txt" 2>/dev/null)
    ratio=$(awk -v a="${native_ms:-}" -v b="${remote_ms:-}" 'BEGIN { if (a != "" && b != "" && a > 0) printf "%.2f", b / a; else print "-" }')
    note "$(printf '%-40s %12s %12s %10s' "$name" "${native_ms:--}" "${remote_ms:--}" "$ratio")"
  done
done

note ""
if [[ -z "$remote_down" ]]; then
  kill -TERM "$vgpud_pid" 2>/dev/null
  for ((tries = 0; tries < 100; ++tries)); do
    kill -0 "$vgpud_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$vgpud_pid" 2>/dev/null; then
    note "vgpud: still running 10 s after SIGTERM: killed"
    kill -KILL "$vgpud_pid" 2>/dev/null
    all_passed=0
  fi
  wait "$vgpud_pid"
  vgpud_status=$?
  connected=$(grep -c 'connected$' "$log")
  ended=$(grep -c 'ended after' "$log")
  every="yes"
  ((connected == ended)) || every="NO"
  note "vgpud: exit status $vgpud_status after SIGTERM; sessions: $connected connected, $ended ended; every session ended: $every"
  ((vgpud_status == 0)) && [[ "$every" == yes ]] || all_passed=0
fi
rm -rf "$socket_dir"
# The benchmark's four ratios on this GPU (its own vgpud, cuda backend), when it was staged.
if [[ -x "$stage/bin/bench_vgpud" && -z "$remote_down" && "$backend" == cuda && "$driver_double" == 0 ]]; then
  note ""
  note "# bench_vgpud --cuda-driver $driver (shim -> vgpud(cuda) on this GPU)"
  LD_LIBRARY_PATH="$stage/shim:$cuda_lib:$stage/lib" timeout 120 "$stage/bin/bench_vgpud" --launches 200000 \
    --cuda-driver "$driver" --vgpud "$stage/bin/vgpud" >"$out/bench_vgpud.txt" 2>&1
  bench_status=$?
  while IFS= read -r line; do note "$line"; done <"$out/bench_vgpud.txt"
  ((bench_status == 0)) || { note "bench_vgpud: exit status $bench_status"; all_passed=0; }
fi
# The dark-API probe (docs/dark-api.md §2.11, §2.12) on the driver the native runs used: what it
# answers in the private slots the shim answers unverified. Informative: its answers are data, so
# they do not decide "every run passed".
if [[ -x "$stage/bin/dark_api_probe" ]]; then
  note ""
  note "# dark-API probe (native library path), output in dark-api-probe.txt"
  LD_LIBRARY_PATH="$cuda_lib${driver:+:$(dirname "$driver")}" timeout 60 "$stage/bin/dark_api_probe" \
    >"$out/dark-api-probe.txt" 2>&1
  note "dark_api_probe: exit status $?"
  while IFS= read -r line; do note "$line"; done < <(grep -E '^(probe|driver-library|error)' "$out/dark-api-probe.txt")
fi
note "elapsed: $((SECONDS - started)) s; $( ((all_passed)) && echo 'every run passed' || echo 'NOT every run passed')"
((all_passed))
