# Scenario: runs one program of /opt/vgpu/bin with the given arguments, framed like
# cuda-programs.sh (standard error after the frame); its exit status is the scenario's.
program=$1
shift
started=$(cut -d" " -f1 /proc/uptime)
echo "VGPU-RUN-BEGIN $program"
"/opt/vgpu/bin/$program" "$@" 2>"/tmp/$program.stderr"
rc=$?
echo "VGPU-RUN-END $program $rc $(awk -v s="$started" '{ printf "%.2f s", $1 - s }' /proc/uptime)"
sed "s/^/VGPU-STDERR $program: /" "/tmp/$program.stderr"
exit "$rc"
