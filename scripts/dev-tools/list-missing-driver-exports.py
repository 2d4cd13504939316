#!/usr/bin/env python3
"""Prints a driver_api_extra.inc row for every function NVIDIA's libcuda exports (the CUDA
toolkit's stub, lib64/stubs/libcuda.so, whose dynamic symbols are the driver's) that the shim's
catalog (shim/cuda/driver_api_catalog.inc + driver_api_extra.inc) lacks. The version of each
variant comes from cudaTypedefs.h (PFN_<name>_v<version>, one per variant, oldest first: a
symbol without a _vN suffix is the oldest, _v2 the second, ...). Per-thread variants (_ptds,
_ptsz) are rows of their own. test_shim_elf fails while this prints anything.
Run: scripts/dev-tools/list-missing-driver-exports.py [/usr/local/cuda]
"""
import pathlib, re, subprocess, sys

cuda = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/local/cuda")
root = pathlib.Path(__file__).resolve().parents[2]

symbols = set()
table = subprocess.run(["readelf", "--dyn-syms", "-W", str(cuda / "lib64/stubs/libcuda.so")],
                       capture_output=True, text=True, check=True).stdout
for line in table.splitlines():
    fields = line.split()
    if len(fields) >= 8 and fields[3] == "FUNC" and fields[6] != "UND":
        symbols.add(fields[7].split("@")[0])

known = set()
for source in ("driver_api_catalog.inc", "driver_api_extra.inc"):
    for match in re.finditer(r"^X\(\w+, \d+, \w+, (\w+)\)", (root / "shim/cuda" / source).read_text(), re.M):
        known.add(match.group(1))

versions = {}
for match in re.finditer(r"PFN_(cu\w+?)_v(\d+)\)", (cuda / "include/cudaTypedefs.h").read_text()):
    versions.setdefault(match.group(1), set()).add(int(match.group(2)))

for symbol in sorted(symbols - known):
    name, variant, ordinal = symbol, "Legacy", 1
    if m := re.fullmatch(r"(.*)_(ptds|ptsz)", name):
        name, variant = m.group(1), "PerThread"
    if (m := re.fullmatch(r"(.*)_v(\d)", name)) and m.group(1) in versions:
        name, ordinal = m.group(1), int(m.group(2))
    known_versions = sorted(versions.get(name, ()))
    if len(known_versions) < ordinal:
        print(f"// {symbol}: no version in cudaTypedefs.h", file=sys.stderr)
        continue
    version = known_versions[ordinal - 1]
    if variant == "PerThread":
        version = max(version, 7000)  # per-thread default streams arrived in CUDA 7.0
    print(f"X({name}, {version}, {variant}, {symbol})")
