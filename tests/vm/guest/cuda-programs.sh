# Scenario: runs each nvcc-built CUDA test program named in the arguments (from /opt/vgpu/bin),
# framing its standard output with VGPU-RUN-BEGIN <name> / VGPU-RUN-END <name> <exit status>; its
# standard error follows the frame, each line prefixed "VGPU-STDERR <name>: ".
status=0
for program in "$@"; do
  started=$(cut -d" " -f1 /proc/uptime)
  echo "VGPU-RUN-BEGIN $program"
  "/opt/vgpu/bin/$program" 2>"/tmp/$program.stderr"
  rc=$?
  echo "VGPU-RUN-END $program $rc $(awk -v s="$started" '{ printf "%.2f s", $1 - s }' /proc/uptime)"
  sed "s/^/VGPU-STDERR $program: /" "/tmp/$program.stderr"
  [ "$rc" -eq 0 ] || status=1
done
exit "$status"
