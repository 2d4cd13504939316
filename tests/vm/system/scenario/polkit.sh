# Step polkit (sourced by run.sh): vgpuctl run by the unprivileged user alice starts vgpu-helper
# through pkexec with the installed policy (org.vgpu.helper.policy, 50-vgpu-group.rules). There is
# no authentication agent here, so what asks for a password is refused: alice outside the group
# vgpu (the policy's auth_admin) and inside it (the group rule's auth_admin_keep, never "yes"
# without a password; docs/security.md). Then an administrator's rule of the same name in
# /etc/polkit-1/rules.d replaces the package's (docs/packaging.md) and grants the group the helper:
# alice's install, rollback and restart go through.
# shellcheck shell=sh
SHIM_DIR=/usr/lib/x86_64-linux-gnu/vgpu
DROP_IN=/etc/systemd/system/ollama.service.d/50-vgpu.conf
as_alice() {
  runuser -u alice -- "$@"
}

check_fails "alice (not in vgpu): vgpuctl install is refused" as_alice vgpuctl install --scope service
check "  ... saying she is not authorized" grep -q "not authorized" "$WORK/failed.out"
check "  ... and nothing was installed" test ! -e "$DROP_IN"
entered=$(prop ollama ActiveEnterTimestampMonotonic)
check_fails "alice (not in vgpu): vgpuctl service restart is refused (systemd, then pkexec)" \
  as_alice vgpuctl service restart
check_equal "  ... and ollama.service was not restarted" "$(prop ollama ActiveEnterTimestampMonotonic)" "$entered"

usermod -aG vgpu alice
check_fails "alice (in vgpu, no agent for the password): vgpuctl install is refused" \
  as_alice vgpuctl install --scope service
check "  ... saying she is not authorized" grep -q "not authorized" "$WORK/failed.out"
check "  ... and nothing was installed" test ! -e "$DROP_IN"
show sh -c 'journalctl -b --no-pager -o cat -t pkexec -t polkitd | tail -n 4'

# The administrator's rule: members of vgpu may run the helper without a password.
cat >/etc/polkit-1/rules.d/50-vgpu-group.rules <<'RULE'
// vgpu VM test: an administrator's replacement of the package's 50-vgpu-group.rules.
polkit.addRule(function(action, subject) {
    if (subject.isInGroup("vgpu") && action.id.indexOf("org.vgpu.helper.") === 0) {
        return polkit.Result.YES;
    }
    return polkit.Result.NOT_HANDLED;
});
RULE
sleep 2 # polkitd rereads its rules when the folder changes
check "alice (in vgpu, granted by the rule): vgpuctl install" as_alice vgpuctl install --scope service
show cat "$WORK/check.out"
check "  ... the helper wrote the drop-in" grep -q "$SHIM_DIR" "$DROP_IN"
check "  ... and logged alice (uid 1000) as the caller" \
  sh -c 'journalctl -b --no-pager -t vgpu-helper VGPU_CALLER_UID=1000 -o cat | grep -q .'
entered=$(prop ollama ActiveEnterTimestampMonotonic)
check "alice (granted): vgpuctl service restart (systemd refuses her, the helper restarts)" \
  as_alice vgpuctl service restart
show cat "$WORK/check.out"
check "  ... ollama.service was restarted" test "$(prop ollama ActiveEnterTimestampMonotonic)" != "$entered"
check "alice (granted): vgpuctl rollback" as_alice vgpuctl rollback
check "  ... the drop-in is gone" test ! -e "$DROP_IN"

rm /etc/polkit-1/rules.d/50-vgpu-group.rules
gpasswd -d alice vgpu >/dev/null
systemctl daemon-reload
systemctl restart ollama
