#!/usr/bin/env bash
# Runs on a machine with an NVIDIA GPU: records driver facts, nvidia-smi views and the GPU's PCI
# identity (sysfs files) under $OUT (or ./gpu-capture). Takes well under a minute.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$PWD/gpu-capture}
mkdir -p "$out"
{
  echo "# captured $(date -u +%FT%TZ) on $(hostname)"
  uname -a
  nvidia-smi --version 2>&1 | head -5
} >"$out/host.txt"
"$here/driver_facts" "$here/../../data/cuda/cudart13-getprocaddress.txt" >"$out/driver-facts.txt" 2>&1
echo "driver_facts rc=$?" >>"$out/host.txt"
nvidia-smi >"$out/nvidia-smi.txt" 2>&1
nvidia-smi -q >"$out/nvidia-smi-q.txt" 2>&1
nvidia-smi --query-gpu=name,uuid,pci.bus_id,memory.used,memory.total,driver_version,compute_cap,clocks.max.sm,clocks.max.mem,power.limit --format=csv >"$out/nvidia-smi-query.csv" 2>&1
# The GPU's PCI identity as sysfs shows it: the fixture shape the shim's libpci discovery reads.
for dev in /sys/bus/pci/devices/*; do
  if [[ "$(cat "$dev/vendor" 2>/dev/null)" == 0x10de ]]; then
    addr=$(basename "$dev")
    mkdir -p "$out/sysfs/$addr"
    for f in vendor device class subsystem_vendor subsystem_device revision numa_node irq local_cpulist resource; do
      [[ -r "$dev/$f" ]] && cat "$dev/$f" >"$out/sysfs/$addr/$f" 2>/dev/null
    done
    head -c 256 "$dev/config" 2>/dev/null | od -An -tx1 >"$out/sysfs/$addr/config-hex" || true
  fi
done
(command -v lspci >/dev/null && lspci -nn -vv -d 10de: >"$out/lspci.txt" 2>&1) || echo "no lspci" >"$out/lspci.txt"
ls -la /usr/lib/x86_64-linux-gnu/libcuda.so* /usr/lib/x86_64-linux-gnu/libnvidia-ml.so* >"$out/driver-libraries.txt" 2>&1
echo done
