"""The real-system guest of tests/vm/test_vm_system_packages.py: Debian 12 with systemd on an ext4
image (scripts/make-vm-rootfs), booted with the VM tests' kernel through a small initramfs that
loads the virtio-blk, ext4 and 9p modules and switch_roots into it (tests/vm/system). The image
is attached with snapshot=on, so every boot starts from the same system and the image stays
untouched; the host shares a folder (scenario scripts, .debs) read-only over virtio-9p, tag vgpuvm.
"""
import fcntl
import subprocess
import threading
import time
from pathlib import Path

import guest_image
import qemu_guest

SYSTEM_DIR = Path(__file__).resolve().parent.parent / "system"
MAKE_ROOTFS = Path(__file__).resolve().parents[3] / "scripts" / "make-vm-rootfs"
# Load order (each after what its `depends=` names; crc32c before ext4 and jbd2: their softdep).
MODULES = ["virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci",
           "virtio_blk", "crc32c_generic", "crc16", "mbcache", "jbd2", "ext4",
           "netfs", "fscache", "9pnet", "9pnet_virtio", "9p", "autofs4"]


def make_rootfs(kernel_dir: Path) -> tuple:
    """(image path, "") or (None, why not): scripts/make-vm-rootfs, cached in the kernel's folder."""
    result = subprocess.run([str(MAKE_ROOTFS), str(kernel_dir)], capture_output=True, text=True)
    if result.returncode != 0:
        return None, result.stderr.strip()[-2000:]
    return Path(result.stdout.strip().splitlines()[-1]), ""


def build_initramfs(output: Path, kernel_dir: Path) -> Path:
    """The switch_root initramfs at `output`, rebuilt when its inputs changed (as guest_image's)."""
    release = (kernel_dir / "kernel-release").read_text().strip()
    module_root = kernel_dir / "linux-image" / "lib" / "modules" / release / "kernel"
    files = {"/bin/busybox": Path("/bin/busybox"), "/init": SYSTEM_DIR / "initramfs-init.sh"}
    for module in MODULES:
        found = list(module_root.rglob(module + ".ko"))
        if len(found) != 1:
            raise RuntimeError(f"guest kernel {release}: module {module}.ko not found once under {module_root}")
        files[f"/modules/{module}.ko"] = found[0]
    generated = {"/modules/order": "\n".join(MODULES) + "\n"}
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(str(output) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        key = guest_image.stamp(files) + "\n".join(MODULES)
        stamp_file = Path(str(output) + ".stamp")
        if not output.exists() or not stamp_file.exists() or stamp_file.read_text() != key:
            guest_image.write_cpio(files, generated, output)
            stamp_file.write_text(key)
    return output


class SystemGuest(qemu_guest.Guest):
    """A guest booting the system image; its console is read as every guest's (qemu_guest.Guest)."""

    def __init__(self, name, kernel, initramfs, image, share, log_dir, memory="1G"):
        # Not Guest.__init__: no network, no stub device; the disk and the share instead.
        self.name = name
        self.lines = []
        self.index_of_last_match = 0
        self.condition = threading.Condition()
        self.log_path = Path(log_dir) / f"{name}.console.log"
        self.accel, cpu = qemu_guest.accelerator()
        append = ["console=ttyS0", "quiet", "panic=-1", "systemd.show_status=error"]
        self.argv = [qemu_guest.QEMU, "-nodefaults", "-no-user-config", "-M", "pc", "-accel", self.accel,
                     "-cpu", cpu, "-m", memory, "-smp", "1", "-display", "none", "-serial", "stdio",
                     "-no-reboot", "-kernel", str(kernel), "-initrd", str(initramfs),
                     "-drive", f"file={image},format=raw,if=virtio,snapshot=on",
                     "-virtfs", f"local,path={share},mount_tag=vgpuvm,security_model=none,readonly=on",
                     "-append", " ".join(append)]
        self.started = time.monotonic()
        self.process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def system_boot(self, timeout) -> dict:
        """Seconds from QEMU's start to the initramfs' switch_root and to the scenario runner's
        start; the guest's uptime at multi-user.target and at the runner's start."""
        self.wait_for(r"^VGPU-VM-SWITCH-ROOT", timeout)
        switched = time.monotonic() - self.started
        booted = self.wait_for(r"^VGPU-VM-BOOTED (\S+) (\d+)$", timeout)
        return {"switch_root": switched, "runner": time.monotonic() - self.started,
                "guest_multi_user": int(booted.group(2)) / 1e6, "guest_runner": float(booted.group(1))}
