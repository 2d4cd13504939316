#!/bin/busybox sh
# /init of the real-system VM guest's small initramfs (tests/vm/system, docs/vm-tests.md): Debian's
# kernel has virtio-blk, ext4 and 9p as modules, so this loads them (modules/order, written by
# tests/vm/harness/system_guest.py), mounts the root file system image (/dev/vda, ext4) and hands
# over to its systemd with switch_root. The modules stay loaded for the real system.
# shellcheck shell=dash
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# shellcheck disable=SC2013 # one module name a line, no blanks
for module in $(cat /modules/order); do
  insmod "/modules/$module.ko" || echo "VGPU-VM-WARN: insmod $module failed"
done
# The disk appears once virtio-pci probed it.
tries=0
while [ ! -b /dev/vda ] && [ "$tries" -lt 50 ]; do
  sleep 0.1
  tries=$((tries + 1))
done
mkdir -p /newroot
if ! mount -t ext4 -o rw /dev/vda /newroot; then
  echo "VGPU-VM-INITRAMFS-FAILED: cannot mount /dev/vda"
  poweroff -f
fi
echo "VGPU-VM-SWITCH-ROOT $(cut -d' ' -f1 /proc/uptime)"
umount /proc /sys /dev
exec switch_root /newroot /sbin/init
