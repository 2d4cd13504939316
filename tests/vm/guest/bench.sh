# Scenario: the channel benchmark, first with the shim on plain TCP (shared-memory device off), then,
# when the guest has an ivshmem device (1af4:1110), on the shared-memory transport with the BAR
# memcpy measured too. Arguments: HOST PORT of the host's echo/sink peer. Fails when a run fails.
# Framed like cuda-programs.sh.
status=0
# bench LABEL ARGS...: one framed run of vm_channel_bench.
bench() {
  label=$1
  shift
  started=$(cut -d" " -f1 /proc/uptime)
  echo "VGPU-RUN-BEGIN $label"
  /opt/vgpu/bin/vm_channel_bench "$@" 2>"/tmp/$label.stderr"
  rc=$?
  echo "VGPU-RUN-END $label $rc $(awk -v s="$started" '{ printf "%.2f s", $1 - s }' /proc/uptime)"
  sed "s/^/VGPU-STDERR $label: /" "/tmp/$label.stderr"
  [ "$rc" -eq 0 ] || status=1
}
VGPU_SHARED_DEVICE=off bench bench-tcp run "$1" "$2"
for device in /sys/bus/pci/devices/*; do
  if [ "$(cat "$device/vendor")" = 0x1af4 ] && [ "$(cat "$device/device")" = 0x1110 ]; then
    bench bench-shared run "$1" "$2" --bar
  fi
done
exit "$status"
