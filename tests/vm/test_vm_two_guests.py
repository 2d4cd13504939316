#!/usr/bin/env python3
"""VM test (c): two guests at once (two QEMUs, each with its own shared-region file where vgpud
offers the shared-memory transport, else plain TCP) each see only their own allocations. Each runs
vm_probe isolation: it allocates (16 and 48 MiB), swaps device pointers with the other guest
through the host's relay, and then:
  - its free memory moved by exactly its own allocation, and not when the other guest allocated;
  - reading, writing and freeing the other guest's pointer is refused (CUDA_ERROR_INVALID_VALUE);
  - its own memory is intact afterwards.
"""
import sys

import host_vgpud
import pointer_relay
import qemu_guest
import shared_region
import vmtest

SIZES_MIB = {"guest-a": 16, "guest-b": 48}


def values(lines):
    """`key value` lines as a dict (the first word of the value)."""
    return {line.split()[0]: line.split()[1] for line in lines if len(line.split()) >= 2}


def main():
    ctx = vmtest.Context("test_vm_two_guests", need_programs=["vm_probe"])
    regions = [shared_region.region_path("two", i) for i in range(2)]
    shared_region.remove(regions)
    try:
        vgpud = host_vgpud.Vgpud(ctx.paths["vgpud"], ctx.work, regions=regions,
                                 region_bytes=shared_region.REGION_BYTES)
        transport = "ivshmem (own region file each)"
    except host_vgpud.Unsupported as reason:
        print(f"note: {reason}; the guests use TCP alone", flush=True)
        regions = []
        vgpud = host_vgpud.Vgpud(ctx.paths["vgpud"], ctx.work)
        transport = "TCP"
    relay = pointer_relay.PointerRelay()
    problems = []
    try:
        guests = {}
        for index, (name, mib) in enumerate(SIZES_MIB.items()):
            options = {"region": regions[index], "region_bytes": shared_region.REGION_BYTES} if regions else \
                {"shared_device": "off"}
            guests[name] = ctx.guest(name, "run", ["vm_probe", "isolation", mib, "10.0.2.2", relay.port], vgpud,
                                     **options)
        seen = {}
        for name, guest in guests.items():
            status, lines = guest.run_output("vm_probe", timeout=120)
            print(f"--- {name} (exit {status}):\n" + "\n".join(lines), flush=True)
            seen[name] = values(lines)
            if status != 0:
                problems.append(f"{name}: vm_probe exited {status}")
            guest.finish(timeout=60)
        if relay.error:
            problems.append(f"relay: {relay.error}")
        a, b = seen["guest-a"], seen["guest-b"]
        if a.get("pointer") == b.get("pointer"):
            problems.append(f"both guests got the same device pointer {a.get('pointer')}")
        for name, mine in seen.items():
            other = b if mine is a else a
            expected = {"own-alloc-delta": str(SIZES_MIB[name] << 20), "free-change-after-other-alloc": "0",
                        "other-pointer": other.get("pointer"), "read-other": "CUDA_ERROR_INVALID_VALUE",
                        "write-other": "CUDA_ERROR_INVALID_VALUE", "free-other": "CUDA_ERROR_INVALID_VALUE",
                        "own-intact": "1"}
            for key, value in expected.items():
                if mine.get(key) != value:
                    problems.append(f"{name}: {key} is {mine.get(key)}, expected {value}")
    except qemu_guest.GuestError as error:
        problems.append(str(error))
    finally:
        ctx.close()
        vgpud.stop()
        shared_region.remove(regions)
    if problems:
        vmtest.fail("\n".join(problems))
    print(f"PASSED: two guests over {transport} see only their own allocations")


if __name__ == "__main__":
    sys.exit(main())
