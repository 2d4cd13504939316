#!/bin/sh
# Runs a test program with the CUDA shim's remote backend: starts vgpud (sim) on a fresh socket,
# points the shim at it, runs the program unchanged and stops vgpud. Fails when vgpud does not come
# up, or when no session reached it (so a test that silently ran on the in-process simulated device
# cannot pass here).
#   with_vgpud.sh [--tcp|--shm|--vsock|--cuda-double SHIM_DIR TREE_TOOL] VGPUD TEST [ARGS...]
# Default: unix socket + shared memory (VGPU_ENDPOINT=unix:...). --tcp: a TCP listener on
# 127.0.0.1 with a token file (VGPU_ENDPOINT=tcp:127.0.0.1:PORT, VGPU_TOKEN_FILE), no shared memory.
# --shm: TCP as above plus a guest region (vgpud --shared-region FILE), which the shim maps as if it
# were a VM's ivshmem BAR (VGPU_SHARED_DEVICE=FILE): bulk data and pinned memory go through it; fails
# when no session attached the region.
# --vsock: an AF_VSOCK listener reached through the kernel's vsock loopback (VGPU_ENDPOINT=
# vsock:1:PORT) with the token file; where the kernel has no vsock loopback the script says why and
# exits 77, which ctest reports as skipped.
# --cuda-double: vgpud runs its `cuda` backend (the real-driver code path) on a driver double: the
# vgpu shim from SHIM_DIR in simulated mode, allowed by VGPUD_TEST_DRIVER_DOUBLE=1 (refused
# otherwise), finding the GPUs of the two-stubs fixture bus that TREE_TOOL builds (its first is one-stub's). Unix socket.
set -u
transport=unix
cuda_double=""
if [ "$1" = "--tcp" ] || [ "$1" = "--vsock" ] || [ "$1" = "--shm" ]; then
  transport=${1#--}
  shift
elif [ "$1" = "--cuda-double" ]; then
  cuda_double="$2"
  tree=$("$3" two-stubs) || exit 1
  shift 3
fi
vgpud=$1
shift
dir=$(mktemp -d /tmp/vgpud-ctest-XXXXXX)
socket="$dir/vgpud.sock"
log="$dir/vgpud.log"
attempt=0
while :; do
  attempt=$((attempt + 1))
  port=$((20000 + ($$ + attempt * 7919) % 30000))
  if [ "$transport" != unix ]; then
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/token"
    chmod 600 "$dir/token"
  fi
  if [ "$transport" = tcp ]; then
    "$vgpud" --listen "unix:$socket" --listen "tcp:127.0.0.1:$port" --token-file "$dir/token" \
      --backend sim --log-level info 2>"$log" &
  elif [ "$transport" = shm ]; then
    "$vgpud" --listen "unix:$socket" --listen "tcp:127.0.0.1:$port" --token-file "$dir/token" \
      --shared-region "$dir/region" --backend sim --log-level info 2>"$log" &
  elif [ "$transport" = vsock ]; then
    # CID 1 (VMADDR_CID_LOCAL): this machine, through vsock loopback.
    "$vgpud" --listen "unix:$socket" --listen "vsock:1:$port" --token-file "$dir/token" \
      --backend sim --log-level info 2>"$log" &
  elif [ -n "$cuda_double" ]; then
    # The double is the shim's simulated device, chosen explicitly (never the shim's default).
    env -u VGPU_ENDPOINT VGPU_BACKEND=sim VGPUD_TEST_DRIVER_DOUBLE=1 VGPU_SYSFS_ROOT="$tree" \
      VGPU_CONFIG=/nonexistent VGPU_MACHINE_ID_FILE="$(dirname "$0")/../data/sysfs/machine-id" \
      "$vgpud" --listen "unix:$socket" --backend cuda --cuda-driver "$cuda_double/libcuda.so.1" \
      --log-level info 2>"$log" &
  else
    "$vgpud" --listen "unix:$socket" --backend sim --log-level info 2>"$log" &
  fi
  pid=$!
  tries=0
  listens=$transport
  [ "$transport" = shm ] && listens=tcp
  while ! grep -q "listening on $listens:" "$log" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -gt 300 ] && break
    sleep 0.01
  done
  if grep -q "listening on $listens:" "$log"; then
    break
  fi
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if [ "$transport" = vsock ] && grep -q "cannot listen on vsock" "$log"; then
    echo "with_vgpud: SKIPPED: this kernel offers no vsock loopback: $(grep -o 'cannot listen on vsock.*' "$log")"
    rm -rf "$dir"
    exit 77
  fi
  if [ "$attempt" -ge 5 ]; then
    echo "with_vgpud: vgpud did not start" >&2
    cat "$log" >&2
    rm -rf "$dir"
    exit 1
  fi
done
if [ "$transport" = tcp ]; then
  VGPU_BACKEND=remote VGPU_ENDPOINT="tcp:127.0.0.1:$port" VGPU_TOKEN_FILE="$dir/token" "$@"
elif [ "$transport" = shm ]; then
  VGPU_BACKEND=remote VGPU_ENDPOINT="tcp:127.0.0.1:$port" VGPU_TOKEN_FILE="$dir/token" \
    VGPU_SHARED_DEVICE="$dir/region" "$@"
elif [ "$transport" = vsock ]; then
  VGPU_BACKEND=remote VGPU_ENDPOINT="vsock:1:$port" VGPU_TOKEN_FILE="$dir/token" "$@"
elif [ -n "$cuda_double" ]; then
  # Tests skip what only a simulated executor presents (profile overrides, multi-GPU VMM).
  VGPU_TEST_EXECUTOR=cuda-double VGPU_BACKEND=remote VGPU_ENDPOINT="unix:$socket" "$@"
else
  VGPU_BACKEND=remote VGPU_ENDPOINT="unix:$socket" "$@"
fi
status=$?
kill -TERM "$pid"
wait "$pid"
daemon=$?
sessions=$(grep -c 'connected$' "$log")
echo "with_vgpud: vgpud served $sessions $transport session(s), exit status $daemon"
if [ "$sessions" -eq 0 ]; then
  echo "with_vgpud: no session reached vgpud: the test did not run through it" >&2
  status=1
fi
if [ "$transport" = shm ] && ! grep -q "attached guest region" "$log"; then
  echo "with_vgpud: no session attached the guest region: bulk data did not go through it" >&2
  status=1
fi
if [ -n "$cuda_double" ] && ! grep -q "cuda device(s)" "$log"; then
  echo "with_vgpud: no session ran on vgpud's cuda backend" >&2
  status=1
fi
if [ "$daemon" -ne 0 ]; then
  cat "$log" >&2
  status=1
fi
rm -rf "$dir"
[ -n "$cuda_double" ] && rm -rf "$tree"
exit "$status"
