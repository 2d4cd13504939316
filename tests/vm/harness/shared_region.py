"""Shared-memory region files for the ivshmem transport: one per guest under /dev/shm, given to
vgpud (--shared-region, which creates it at --shared-region-size and writes its header) and to
QEMU as the ivshmem-plain device's memory (mem-path, the same size).
"""
import os
from pathlib import Path

REGION_BYTES = 256 << 20


def region_path(test: str, index: int) -> Path:
    return Path("/dev/shm") / f"vgpu-vmtest-{test}-{os.getpid()}-{index}"


def used_beyond_header(path: Path, header_bytes=4096) -> bool:
    """True when any byte after the first `header_bytes` is non-zero: data went through the region."""
    with open(path, "rb") as region:
        region.seek(header_bytes)
        while True:
            block = region.read(1 << 20)
            if not block:
                return False
            if block.count(0) != len(block):
                return True


def remove(paths):
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
