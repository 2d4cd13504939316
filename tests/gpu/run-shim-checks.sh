#!/usr/bin/env bash
# GPU check for the CUDA driver shim, run on a machine with an NVIDIA GPU from a staged copy of the
# built binaries (tests/gpu/stage-shim-checks.sh makes it). For each of our CUDA programs it runs
#   native:  NVIDIA's driver, the real GPU (kernels run and their results are checked);
#   shim:    libvgpu-cuda first on the library path: the simulated device the shim presents for
#            the GPU it discovers on this machine's real PCI bus;
# and prints a comparison of the device properties the two report. Output goes to $OUT (or ./out).
set -uo pipefail
stage=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$PWD/out}
mkdir -p "$out"
export LD_LIBRARY_PATH_NATIVE="$stage/cudart"
summary="$out/summary.txt"
: >"$summary"
note() { echo "$*" | tee -a "$summary"; }

note "# shim GPU checks $(date -u +%FT%TZ)"
nvidia-smi --query-gpu=name,pci.bus_id,driver_version --format=csv,noheader 2>&1 | sed 's/^/gpu: /' | tee -a "$summary"
for program in device_query memory_checks launch_checks cublas_smoke; do
  if [[ "$program" == cublas_smoke ]] && ! ldconfig -p | grep -q libcublas.so.13 && [[ ! -e "$stage/cudart/libcublas.so.13" ]]; then
    note "skip $program: no libcublas.so.13 on this machine"
    continue
  fi
  LD_LIBRARY_PATH="$stage/cudart" timeout 120 "$stage/programs/$program" >"$out/native-$program.txt" 2>&1
  note "native $program rc=$? $(tail -n 1 "$out/native-$program.txt")"
  VGPU_EXPECT_SIMULATED=1 VGPU_LOG=warn VGPU_CONFIG=/nonexistent LD_LIBRARY_PATH="$stage/shim:$stage/cudart" \
    timeout 120 "$stage/programs/$program" >"$out/shim-$program.txt" 2>&1
  note "shim   $program rc=$? $(tail -n 1 "$out/shim-$program.txt")"
done

note ""
note "# device properties: native (real GPU) vs shim (profile for the discovered PCI id)"
for key in "device-count" "0 name" "0 cc" "0 sms" "0 total-mem" "0 smem-optin" "0 smem-per-sm" "0 l2" "0 bus-width" \
  "0 threads-per-sm" "0 pci" "0 integrated" "0 mem-free-delta-alloc"; do
  native=$(grep -m1 "^$key " "$out/native-device_query.txt" | cut -d' ' -f$(( $(echo "$key" | wc -w) + 1 ))-)
  shim=$(grep -m1 "^$key " "$out/shim-device_query.txt" | cut -d' ' -f$(( $(echo "$key" | wc -w) + 1 ))-)
  verdict=same
  [[ "$native" != "$shim" ]] && verdict=DIFFERENT
  note "$(printf '%-22s %-10s native=%-28s shim=%s' "$key" "$verdict" "$native" "$shim")"
done
