# The guest scenario of the real-system VM test (tests/vm/test_vm_system_packages.py), run by
# /usr/local/sbin/vgpu-vm-scenario from the host's share: each step between "VGPU-STEP-BEGIN
# <name>" and "VGPU-STEP-END <name> <failed checks> <seconds>"; the exit status is the number of
# failed checks (capped at 100).
# shellcheck shell=sh source=/dev/null # lib.sh and the steps come from the share
here=/mnt/vgpuvm
. "$here/lib.sh"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2013 # one step name a line, no blanks
for step in $(cat "$here/steps"); do
  echo "VGPU-STEP-BEGIN $step"
  before=$failures
  start=$(cut -d' ' -f1 /proc/uptime)
  . "$here/$step.sh" </dev/null
  end=$(cut -d' ' -f1 /proc/uptime)
  echo "VGPU-STEP-END $step $((failures - before)) $(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }')"
done
[ "$failures" -gt 100 ] && failures=100
exit "$failures"
