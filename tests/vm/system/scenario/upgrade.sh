# Step upgrade (sourced by run.sh): the packages installed, two conffiles edited, then the same
# packages rebuilt with a higher version (the host's debs-v2) installed over them: the new version
# is in place, vgpud.service was restarted (a new invocation, active again) and the edited
# conffiles are kept byte for byte. The packages stay installed for the steps after this one.
# shellcheck shell=sh disable=SC2086,SC2016 # word lists; dpkg-query formats
check "dpkg -i installs the packages" dpkg -i $DEBS/*.deb
sed -i 's/^backend = cuda$/backend = sim/' /etc/vgpu/vgpud.conf
echo "# edited by the VM test" >>/etc/vgpu/shim.conf
check "vgpud restarts on the simulated backend" timeout 60 systemctl restart vgpud
sums_before=$(sha256sum /etc/vgpu/vgpud.conf /etc/vgpu/shim.conf)
invocation_before=$(prop vgpud InvocationID)
pid_before=$(prop vgpud MainPID)
version_before=$(dpkg-query -W -f='${Version}' vgpud)

check "dpkg -i installs the rebuilt version" dpkg -i $DEBS_V2/*.deb
version_after=$(dpkg-query -W -f='${Version}' vgpud)
check_equal "the new version is installed" "$version_after" "$(cat /mnt/vgpuvm/version-v2)"
echo "    versions: $version_before -> $version_after; vgpud main pid $pid_before -> $(prop vgpud MainPID)"
check "vgpud.service was restarted by the upgrade" test "$(prop vgpud InvocationID)" != "$invocation_before"
check_equal "vgpud.service ActiveState after the upgrade" "$(prop vgpud ActiveState)" active
check_equal "vgpud.service SubState after the upgrade" "$(prop vgpud SubState)" running
check_equal "edited conffiles are kept" "$(sha256sum /etc/vgpu/vgpud.conf /etc/vgpu/shim.conf)" "$sums_before"
