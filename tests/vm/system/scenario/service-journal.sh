# Step service-journal (sourced by run.sh): as root, `vgpuctl service restart` restarts the
# stand-in ollama.service through the real systemd over D-Bus (a new ActiveEnterTimestamp and
# invocation), `vgpuctl service status` reports it, and `vgpuctl journal` reads its lines from the
# real journal (text and --json).
# shellcheck shell=sh
check_equal "the stand-in ollama.service runs" "$(prop ollama ActiveState)" active
entered_before=$(prop ollama ActiveEnterTimestampMonotonic)
invocation_before=$(prop ollama InvocationID)
check "vgpuctl service restart" vgpuctl service restart
show cat "$WORK/check.out"
check "ollama.service entered active again (ActiveEnterTimestamp changed)" \
  test "$(prop ollama ActiveEnterTimestampMonotonic)" != "$entered_before"
check "ollama.service has a new invocation" test "$(prop ollama InvocationID)" != "$invocation_before"
check_equal "ollama.service ActiveState" "$(prop ollama ActiveState)" active
check "vgpuctl service status --json says active" sh -c 'vgpuctl service status --json | grep -Eq "\"active_state\": *\"active\""'
show vgpuctl service status
sleep 2
check "vgpuctl journal reads the stand-in's heartbeat lines" sh -c 'vgpuctl journal --boot | grep -q "stand-in ollama heartbeat"'
show sh -c 'vgpuctl journal --boot | tail -n 4'
check "vgpuctl journal --json has the restart's serving line" \
  sh -c 'vgpuctl journal --since -60s --json | grep -c "stand-in ollama serving" | grep -qv "^0$"'
show sh -c 'vgpuctl journal --since -60s --json | tail -n 1'
