#!/bin/busybox sh
# /init of the VM tests' busybox guest (tests/vm, docs/vm-tests.md): mounts the kernel's file
# systems, loads the virtio modules, brings up QEMU's user network (10.0.2.15, host at 10.0.2.2),
# writes the shim's configuration from the kernel command line (vgpu.* keys), runs the scenario
# /scenarios/<vgpu.scenario>.sh, prints its exit status as "VGPU-VM-EXIT <status>" and powers off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run

# Modules in dependency order (modules/order, written by the image builder).
# shellcheck disable=SC2013 # one module name a line, no blanks
for module in $(cat /modules/order); do
  insmod "/modules/$module.ko" || echo "VGPU-VM-WARN: insmod $module failed"
done
ip link set lo up
ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && ip route add default via 10.0.2.2 ||
  echo "VGPU-VM-WARN: no network"

# Memory decoding on for ivshmem devices (1af4:1110): no driver claims them and a PVH boot has no
# firmware that would; on a real guest a udev rule or vgpu's guest package does it (root only).
for device in /sys/bus/pci/devices/*; do
  if [ "$(cat "$device/vendor")" = 0x1af4 ] && [ "$(cat "$device/device")" = 0x1110 ]; then
    echo 1 >"$device/enable"
  fi
done

# vgpu.key=value from the command line; ',' in vgpu.args stands for a space.
# shellcheck disable=SC2013 # the command line is words
for word in $(cat /proc/cmdline); do
  case "$word" in
    vgpu.scenario=*) scenario=${word#vgpu.scenario=} ;;
    vgpu.port=*) port=${word#vgpu.port=} ;;
    vgpu.token=*) token=${word#vgpu.token=} ;;
    vgpu.timeout=*) export VGPU_REMOTE_TIMEOUT_MS="${word#vgpu.timeout=}" ;;
    vgpu.shared=*) export VGPU_SHARED_DEVICE="${word#vgpu.shared=}" ;;
    vgpu.cuda=*) cuda_share=${word#vgpu.cuda=} ;;
    vgpu.args=*) args=$(echo "${word#vgpu.args=}" | tr ',' ' ') ;;
  esac
done

# The stub the shim presents: QEMU's pci-testdev (1b36:0005) mapped to a device profile.
mkdir -p /etc/vgpu
cat >/etc/vgpu/shim.conf <<CONF
backend = remote
endpoint = tcp:10.0.2.2:$port
match = 1b36:0005
profile = 1b36:0005=h100-pcie
CONF
printf '%s' "$token" >/etc/vgpu/token
chmod 600 /etc/vgpu/token
# The simulated executor runs no kernels: the programs check what it does instead.
export VGPU_TOKEN_FILE=/etc/vgpu/token VGPU_LOG=warn VGPU_EXPECT_SIMULATED=1
LD_LIBRARY_PATH=$(cat /etc/vgpu/library-path)
export LD_LIBRARY_PATH

# The CUDA toolkit's libraries over virtio-9p, read-only, when the host shares them: mounted at
# the first folder vgpu.cuda names and bound at the others (the names ldd used for them).
if [ -n "$cuda_share" ]; then
  first=""
  for folder in $(echo "$cuda_share" | tr ',' ' '); do
    mkdir -p "$folder"
    if [ -z "$first" ]; then
      first=$folder
      mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose cuda "$folder" ||
        echo "VGPU-VM-WARN: cannot mount the CUDA share"
    else
      mount -o bind "$first" "$folder" || echo "VGPU-VM-WARN: cannot bind the CUDA share at $folder"
    fi
  done
fi

echo "VGPU-VM-BOOTED $(cut -d' ' -f1 /proc/uptime)"
# shellcheck disable=SC2086 # the arguments are words
sh "/scenarios/$scenario.sh" $args
echo "VGPU-VM-EXIT $?"
poweroff -f
