# Helpers of the real-system VM test's guest scenario (tests/vm/system/scenario, sourced by run.sh):
# checks that print "VGPU-CHECK ok|FAIL <what>" for the host to assert, commands shown with their
# output, and the snapshots the install/remove/purge and rollback steps compare.
# shellcheck shell=sh disable=SC2034 # the variables are for the steps that source this
WORK=/run/vgpu-vm
DEBS=/mnt/vgpuvm/debs
DEBS_V2=/mnt/vgpuvm/debs-v2
PACKAGES="vgpu-guest vgpud vgpu-admin vgpu-console"
failures=0
mkdir -p "$WORK"

# check WHAT COMMAND...: COMMAND's status decides; its output is shown when it fails.
check() {
  what=$1
  shift
  if "$@" >"$WORK/check.out" 2>&1; then
    echo "VGPU-CHECK ok $what"
  else
    echo "VGPU-CHECK FAIL $what (status $?; \$ $*)"
    sed 's/^/  | /' "$WORK/check.out" | tail -n 40
    failures=$((failures + 1))
  fi
}

# check_fails WHAT COMMAND...: COMMAND must fail; its output is shown either way and kept in
# $WORK/failed.out for the checks after it.
check_fails() {
  what=$1
  shift
  "$@" >"$WORK/check.out" 2>&1
  status=$?
  if [ "$status" -ne 0 ]; then
    echo "VGPU-CHECK ok $what (status $status)"
  else
    echo "VGPU-CHECK FAIL $what (it succeeded; \$ $*)"
    failures=$((failures + 1))
  fi
  cp "$WORK/check.out" "$WORK/failed.out"
  sed 's/^/  | /' "$WORK/failed.out" | tail -n 20
}

# check_equal WHAT ACTUAL EXPECTED
check_equal() {
  if [ "$2" = "$3" ]; then
    echo "VGPU-CHECK ok $1 ($2)"
  else
    echo "VGPU-CHECK FAIL $1: '$2', expected '$3'"
    failures=$((failures + 1))
  fi
}

# show COMMAND...: the command and its output, indented, for the log.
show() {
  echo "\$ $*"
  "$@" 2>&1 | sed 's/^/    /'
}

# prop UNIT PROPERTY: one property of a unit, its value only.
prop() {
  systemctl show -P "$2" "$1"
}

# snapshot_files FILE: every path of the root file system with type, mode, owner, group, size and
# link target; a checksum for regular files under /etc. Not: the kernel's and runtime file systems,
# the journal, apt's cache, this test's share.
snapshot_files() {
  find / -xdev \( -path /proc -o -path /sys -o -path /run -o -path /tmp -o -path /dev \
    -o -path /var/log/journal -o -path /var/cache/apt -o -path /mnt/vgpuvm \) -prune \
    -o -printf '%p %y %m %u %g %s %l\n' | LC_ALL=C sort >"$1.list"
  find /etc -xdev -type f -exec sha256sum {} + | LC_ALL=C sort -k2 >"$1.sums"
}

# dpkg_state FILE: every package dpkg knows, with its state and version.
dpkg_state() {
  dpkg-query -W -f='${db:Status-Abbrev} ${binary:Package} ${Version}\n' | LC_ALL=C sort >"$1"
}

# tree_state FILE PATH...: checksums, modes and owners of everything under PATHs ("absent" if none).
tree_state() {
  out=$1
  shift
  : >"$out"
  for path in "$@"; do
    if [ -e "$path" ]; then
      find "$path" -printf '%p %y %m %u %g %l\n' | LC_ALL=C sort >>"$out"
      find "$path" -type f -exec sha256sum {} + | LC_ALL=C sort -k2 >>"$out"
    else
      echo "absent $path" >>"$out"
    fi
  done
}
