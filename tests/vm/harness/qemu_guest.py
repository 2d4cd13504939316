"""One QEMU guest of the VM tests: its command line, its serial console (read line by line in a
thread, kept in memory and in a log file), markers to wait for, and its end (power-off, kill or a
timeout enforced here).

The accelerator: KVM with `-cpu host` only where the CPU has vmx/svm and /dev/kvm opens; otherwise
TCG with `-cpu max` (these machines: /dev/kvm is a PVM kvm that cannot run a stock kernel).
"""
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import guest_image

QEMU = "qemu-system-x86_64"
# Where the stub (pci-testdev, 1b36:0005) sits on the guest's bus; host-side runs mirror it.
STUB_ADDRESS = "0000:00:10.0"


class GuestError(RuntimeError):
    """The guest did not do what the test waited for (with the console's tail in the message)."""


def accelerator() -> tuple:
    """('kvm', 'host') where hardware virtualization works, else ('tcg', 'max')."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        flags = ""
    if re.search(r"^flags\s*:.*\b(vmx|svm)\b", flags, re.M) and os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "kvm", "host"
    return "tcg", "max"


def qemu_missing() -> str:
    """Why no guest can start here, or an empty string."""
    if shutil.which(QEMU) is None:
        return f"{QEMU} is not installed (Debian: qemu-system-x86, see scripts/debian-packages.txt)"
    return ""


class Guest:
    """A guest booted with the kernel and initramfs, running `scenario` with `args`."""

    def __init__(self, name, kernel, image, log_dir, scenario, args, port, token,
                 timeout_ms=None, shared_device=None, region=None, region_bytes=0, cuda_share=None):
        self.name = name
        self.lines = []
        self.index_of_last_match = 0
        self.condition = threading.Condition()
        self.log_path = Path(log_dir) / f"{name}.console.log"
        accel, cpu = accelerator()
        self.accel = accel
        append = ["console=ttyS0", "quiet", "panic=-1", f"vgpu.scenario={scenario}",
                  f"vgpu.port={port}", f"vgpu.token={token}", "vgpu.args=" + ",".join(str(a) for a in args)]
        if timeout_ms:
            append.append(f"vgpu.timeout={timeout_ms}")
        if shared_device:
            append.append(f"vgpu.shared={shared_device}")
        self.argv = [QEMU, "-nodefaults", "-no-user-config", "-M", "pc", "-accel", accel, "-cpu", cpu,
                     "-m", "1G", "-smp", "1", "-display", "none", "-serial", "stdio", "-no-reboot",
                     "-kernel", str(kernel), "-initrd", str(image),
                     "-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,romfile=,addr=0x3",
                     "-device", "pci-testdev,addr=0x" + STUB_ADDRESS.split(":")[2].split(".")[0]]
        if region:
            self.argv += ["-object", f"memory-backend-file,id=hm,share=on,mem-path={region},size={region_bytes}",
                          "-device", "ivshmem-plain,memdev=hm,addr=0x4"]
        if cuda_share:  # the folders where the guest mounts the host's CUDA toolkit (guest_image.share_mounts)
            append.append("vgpu.cuda=" + ",".join(cuda_share))
            self.argv += ["-virtfs", f"local,path={guest_image.share_root()},mount_tag=cuda,"
                          "security_model=none,readonly=on"]
        self.argv += ["-append", " ".join(append)]
        self.started = time.monotonic()
        self.process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        with open(self.log_path, "w", encoding="utf-8", errors="replace") as log:
            for raw in self.process.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                log.write(line + "\n")
                log.flush()
                with self.condition:
                    self.lines.append(line)
                    self.condition.notify_all()
        with self.condition:
            self.lines.append(None)  # end of the console: QEMU exited
            self.condition.notify_all()

    def tail(self, count=40) -> str:
        with self.condition:
            shown = [line for line in self.lines if line is not None][-count:]
        return f"--- {self.name} console ({self.log_path}), last lines:\n" + "\n".join(shown)

    def wait_for(self, pattern, timeout, start=0):
        """The first console line from index `start` on matching `pattern` (a regex), waiting up to
        `timeout` seconds; the match, its line's index in `index_of_last_match`."""
        expression = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = start
        with self.condition:
            while True:
                while seen < len(self.lines):
                    line = self.lines[seen]
                    seen += 1
                    if line is None:
                        raise GuestError(f"{self.name}: QEMU exited before '{pattern}'\n{self.tail()}")
                    match = expression.search(line)
                    if match:
                        self.index_of_last_match = seen - 1
                        return match
                left = deadline - time.monotonic()
                if left <= 0:
                    raise GuestError(f"{self.name}: no '{pattern}' within {timeout} s\n{self.tail()}")
                self.condition.wait(left)

    def boot_seconds(self) -> float:
        """Seconds from QEMU's start to the guest's /init reporting in (waits up to 60 s)."""
        self.wait_for(r"^VGPU-VM-BOOTED", 60)
        return time.monotonic() - self.started

    def run_output(self, label, timeout):
        """(exit status, output lines) of a program a scenario framed with VGPU-RUN-BEGIN/END (whose
        line ends with the guest's seconds for the run, printed here)."""
        self.wait_for(rf"^VGPU-RUN-BEGIN {re.escape(label)}$", timeout)
        begin = self.index_of_last_match
        end = self.wait_for(rf"^VGPU-RUN-END {re.escape(label)} (\d+) (.*)$", timeout, start=begin)
        print(f"{self.name}: {label} ran {end.group(2)} in the guest", flush=True)
        with self.condition:
            return int(end.group(1)), self.lines[begin + 1:self.index_of_last_match]

    def finish(self, timeout) -> int:
        """The scenario's exit status, after the guest powered off (killed past `timeout`)."""
        match = self.wait_for(r"^VGPU-VM-EXIT (\d+)", timeout)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()
        return int(match.group(1))

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            self.process.send_signal(sig)
        self.process.wait()
        self.reader.join(timeout=5)
