# Step install-remove-purge (sourced by run.sh): dpkg -i of the four .debs; vgpud.service, a
# Type=notify unit, starts on the simulated backend and stops cleanly under the real systemd;
# dpkg -r, then dpkg -P; the file list and dpkg's state are printed for the host to compare with
# the snapshot taken before (lines "VGPU-DIFF files|sums|dpkg <|> <entry>"; the host names what dpkg leaves
# by design). The only changes to /etc/group and /etc/gshadow must be the groups vgpu and vgpud-admin.
# shellcheck shell=sh disable=SC2086,SC2016 # word lists; dpkg-query formats
snapshot_files "$WORK/before"
dpkg_state "$WORK/dpkg-before"
cp /etc/group "$WORK/group-before"
cp /etc/gshadow "$WORK/gshadow-before"

check "dpkg -i installs the four packages" dpkg -i $DEBS/*.deb
for package in $PACKAGES; do
  check_equal "$package is installed" "$(dpkg-query -W -f='${db:Status-Abbrev}' "$package")" "ii "
done
# As installed: backend = cuda, and this guest has no NVIDIA driver.
show systemctl show -p ActiveState -p SubState -p Result -p NRestarts vgpud
show journalctl -u vgpud -b --no-pager -o cat -n 5

# The simulated backend, set as an administrator would (the conffile edited).
sed -i 's/^backend = cuda$/backend = sim/' /etc/vgpu/vgpud.conf
check "systemctl restart vgpud returns (Type=notify: after READY=1)" timeout 60 systemctl restart vgpud
check_equal "vgpud.service Type" "$(prop vgpud Type)" notify
check_equal "vgpud.service ActiveState" "$(prop vgpud ActiveState)" active
check_equal "vgpud.service SubState" "$(prop vgpud SubState)" running
check_equal "vgpud.service Result (no start timeout)" "$(prop vgpud Result)" success
check "vgpud listens on /run/vgpud.sock" test -S /run/vgpud.sock
check "vgpud serves its management socket /run/vgpud-admin.sock" test -S /run/vgpud-admin.sock
check_equal "the management socket: group vgpud-admin (the package's sysusers.d), mode 0660" \
  "$(stat -c '%G %a' /run/vgpud-admin.sock)" "vgpud-admin 660"
check "systemctl stop vgpud" timeout 60 systemctl stop vgpud
check_equal "vgpud.service ActiveState after stop" "$(prop vgpud ActiveState)" inactive
check_equal "vgpud.service Result after stop" "$(prop vgpud Result)" success
check_equal "vgpud's exit status" "$(prop vgpud ExecMainStatus)" 0
journalctl -u vgpud -b --no-pager -o cat >"$WORK/vgpud.journal"
sed 's/^/    journal: /' "$WORK/vgpud.journal" | tail -n 8
check "the journal has vgpud's READY line (listening)" grep -q "listening on unix:/run/vgpud.sock" "$WORK/vgpud.journal"
check "the journal has the management socket's line" grep -q "management socket on unix:/run/vgpud-admin.sock" "$WORK/vgpud.journal"
check "the journal has vgpud's stop line" grep -q "signal 15: stopped, 0 session(s) drained" "$WORK/vgpud.journal"

for package in $PACKAGES; do
  dpkg-query -W -f='${Conffiles}' "$package" >"$WORK/$package.conffiles"
done
check "dpkg -r removes the four packages" dpkg -r $PACKAGES
for package in $PACKAGES; do
  state=$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null)
  if [ -s "$WORK/$package.conffiles" ]; then
    check_equal "$package is removed, its conffiles kept" "$state" "rc "
  else
    check "$package (no conffiles) is removed" test "$state" != "ii "
  fi
done
check "dpkg -P purges them" dpkg -P $PACKAGES
for package in $PACKAGES; do
  check_fails "dpkg knows $package no more" dpkg-query -W -f='${db:Status-Abbrev}' "$package"
done

snapshot_files "$WORK/after"
check_equal "/etc/group after purge: the groups vgpu and vgpud-admin added, nothing else" \
  "$(diff "$WORK/group-before" /etc/group | grep '^[<>]' | cut -d: -f1 | sort | tr '\n' ' ')" "> vgpu > vgpud-admin "
check_equal "/etc/gshadow after purge: the groups vgpu and vgpud-admin added, nothing else" \
  "$(diff "$WORK/gshadow-before" /etc/gshadow | grep '^[<>]' | cut -d: -f1 | sort | tr '\n' ' ')" "> vgpu > vgpud-admin "
dpkg_state "$WORK/dpkg-after"
diff "$WORK/before.list" "$WORK/after.list" | grep '^[<>]' | sed 's/^/VGPU-DIFF files /'
diff "$WORK/before.sums" "$WORK/after.sums" | grep '^[<>]' | sed 's/^/VGPU-DIFF sums /'
diff "$WORK/dpkg-before" "$WORK/dpkg-after" | grep '^[<>]' | sed 's/^/VGPU-DIFF dpkg /'
echo "VGPU-DIFF-END"
