#!/usr/bin/env python3
"""Extracts the uncompressed ELF vmlinux from a Debian bzImage (vmlinuz).

QEMU boots an ELF vmlinux through its PVH entry point in about 2 s under TCG; the compressed
bzImage spends 3 s more decompressing itself. The bzImage holds the kernel as an xz stream after
its setup header: find the xz magic, decompress, and keep the result if it is an ELF file.

    extract_vmlinux.py VMLINUZ OUTPUT
"""
import lzma
import os
import sys

XZ_MAGIC = b"\xfd7zXZ\x00"


def extract(image: bytes) -> bytes:
    """Returns the first xz stream in `image` that decompresses to an ELF file."""
    start = image.find(XZ_MAGIC)
    while start >= 0:
        try:
            data = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(image[start:])
        except lzma.LZMAError:
            data = b""
        if data.startswith(b"\x7fELF"):
            return data
        start = image.find(XZ_MAGIC, start + 1)
    raise SystemExit("extract_vmlinux: no xz-compressed ELF kernel found in the image")


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit("usage: extract_vmlinux.py VMLINUZ OUTPUT")
    with open(sys.argv[1], "rb") as source:
        kernel = extract(source.read())
    with open(sys.argv[2] + ".tmp", "wb") as out:
        out.write(kernel)
    os.replace(sys.argv[2] + ".tmp", sys.argv[2])


if __name__ == "__main__":
    main()
