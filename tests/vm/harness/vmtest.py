"""What every VM test shares: the paths CMake wrote (vm_paths.json, given as the first argument),
skipping with a reason (exit 77, ctest's SKIP_RETURN_CODE), the guest image, a scratch folder, and
starting guests so that a guest that cannot boot at all (QEMU refuses, or no /init within 60 s)
skips rather than fails; a guest kernel that panics (a broken image) fails.
"""
import json
import sys
import tempfile
import time
from pathlib import Path

import guest_image
import qemu_guest

SKIP = 77


def skip(reason: str):
    print(f"SKIPPED: {reason}", flush=True)
    sys.exit(SKIP)


def fail(reason: str):
    print(f"FAILED: {reason}", flush=True)
    sys.exit(1)


class Context:
    """Paths, the guest image and a scratch folder (kept under the build's test-output on failure)."""

    def __init__(self, name: str, need_programs=()):
        if len(sys.argv) < 2:
            fail("usage: <test>.py VM_PATHS_JSON")
        self.paths = json.loads(Path(sys.argv[1]).read_text())
        self.name = name
        reason = qemu_guest.qemu_missing()
        if reason:
            skip(reason)
        self.kernel_dir = Path(self.paths["kernel_dir"])
        self.kernel = self.kernel_dir / "vmlinux"
        if not self.kernel.exists() or not (self.kernel_dir / "kernel-release").exists():
            skip(f"no guest kernel in {self.kernel_dir}: run `scripts/dev deps` "
                 f"(or scripts/fetch-vm-kernel {self.kernel_dir})")
        programs = dict(self.paths["programs"])
        for program in need_programs:
            if not Path(programs.get(program, "")).exists():
                skip(f"{program} is not built (nvcc missing, or its target was not built)")
        programs = {name: path for name, path in programs.items() if Path(path).exists()}
        output = Path(self.paths["test_output"]) / "vm"
        output.mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=output))
        started = time.monotonic()
        self.image = guest_image.build_image(Path(self.paths["image"]), programs,
                                             self.paths["shim_libraries"], self.kernel_dir)
        print(f"guest image {self.image} ({self.image.stat().st_size >> 20} MiB, "
              f"ready in {time.monotonic() - started:.1f} s); logs in {self.work}", flush=True)
        # cuBLAS and its like come from the host's toolkit over virtio-9p (guest_image.CUDA_SHARE).
        self.cuda_share = guest_image.share_mounts(programs)
        self.guests = []

    def guest(self, name, scenario, args, vgpud, **options) -> qemu_guest.Guest:
        """A guest reaching `vgpud` over TCP; skips the test when it does not boot at all."""
        guest = qemu_guest.Guest(name, self.kernel, self.image, self.work, scenario, args, vgpud.port,
                                 vgpud.token, cuda_share=self.cuda_share, **options)
        self.guests.append(guest)
        try:
            seconds = guest.boot_seconds()
        except qemu_guest.GuestError as error:
            self.close()
            if "Kernel panic" in guest.tail(200):
                fail(f"the guest kernel panicked (a broken image or /init?): {error}")
            skip(f"QEMU ({guest.accel}) cannot boot the guest here: {error}")
        print(f"{name}: booted in {seconds:.1f} s ({guest.accel})", flush=True)
        return guest

    def close(self):
        for guest in self.guests:
            guest.kill()
