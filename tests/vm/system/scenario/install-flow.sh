# Step install-flow (sourced by run.sh), as root: vgpuctl install's plan (--dry-run) changes
# nothing; install applies it (the managed drop-in); `vgpuctl service reload` and `restart` make
# the stand-in ollama.service run with the shim's directory first on LD_LIBRARY_PATH (verified in
# systemd's view, the process's environment and its log line); `vgpuctl rollback` and a restart
# leave /etc/systemd/system and /etc/ld.so.conf.d byte-identical to before (checksums, modes,
# owners) and the service without the shim. The transaction journal (/var/lib/vgpu) stays: it is
# the record of what was done.
# shellcheck shell=sh disable=SC2086 # TREES is a word list
SHIM_DIR=/usr/lib/x86_64-linux-gnu/vgpu
DROP_IN=/etc/systemd/system/ollama.service.d/50-vgpu.conf
TREES="/etc/systemd/system /etc/ld.so.conf.d"
tree_state "$WORK/tree-before" $TREES

check "plan: vgpuctl install --scope service --dry-run" vgpuctl install --scope service --dry-run
show cat "$WORK/check.out"
tree_state "$WORK/tree-planned" $TREES
check "  ... changed nothing" cmp "$WORK/tree-before" "$WORK/tree-planned"

check "apply: vgpuctl install --scope service" vgpuctl install --scope service
show cat "$WORK/check.out"
show cat "$DROP_IN"
check "restart: vgpuctl service reload" vgpuctl service reload
check "restart: vgpuctl service restart" vgpuctl service restart
check "verify: systemd's environment of ollama.service names the shim's directory" \
  sh -c "systemctl show -P Environment ollama | grep -q 'LD_LIBRARY_PATH=$SHIM_DIR'"
check "verify: the running service has it first on LD_LIBRARY_PATH" \
  sh -c "tr '\\0' '\\n' </proc/$(prop ollama MainPID)/environ | grep -q '^LD_LIBRARY_PATH=$SHIM_DIR'"
sleep 1
check "verify: its log line (vgpuctl journal) shows it" \
  sh -c "vgpuctl journal --since -30s | grep -q 'LD_LIBRARY_PATH=$SHIM_DIR'"
show vgpuctl transactions
show sh -c 'timeout 120 vgpuctl doctor | head -n 25'

check "rollback: vgpuctl rollback" vgpuctl rollback
show cat "$WORK/check.out"
check "rollback: vgpuctl service reload" vgpuctl service reload
check "rollback: vgpuctl service restart" vgpuctl service restart
tree_state "$WORK/tree-after" $TREES
check "the unit trees are byte-identical to before" diff "$WORK/tree-before" "$WORK/tree-after"
check "the service runs without the shim again" \
  sh -c "! tr '\\0' '\\n' </proc/$(prop ollama MainPID)/environ | grep -q '$SHIM_DIR'"
