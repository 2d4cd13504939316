#!/usr/bin/env python3
"""VM test (b): the CUDA programs of test (a) in a guest whose shim moves bulk data through the
ivshmem device (1af4:1110, BAR2 mapped from sysfs) that shares a region file with vgpud
(--shared-region), the control path staying on TCP. Outputs must equal the host's over the Unix
socket (program_compare), and data must have gone through the region (bytes past its header).
managed_memory_checks runs here too: the guest's managed memory is a slice of the region that the
guest maps from its BAR at vgpud's address of the slice (RegionManagedAlloc).
Skipped (77) while vgpud does not take --shared-region.
"""
import sys

import host_vgpud
import program_compare
import qemu_guest
import shared_region
import vmtest


def main():
    ctx = vmtest.Context("test_vm_shared_memory", need_programs=program_compare.SHARED_MEMORY_PROGRAMS)
    region = shared_region.region_path("shared", 0)
    shared_region.remove([region])
    try:
        vgpud = host_vgpud.Vgpud(ctx.paths["vgpud"], ctx.work, regions=[region],
                                 region_bytes=shared_region.REGION_BYTES)
    except host_vgpud.Unsupported as reason:
        vmtest.skip(f"the shared-memory transport is not in this vgpud yet ({reason})")
    problems = []
    try:
        if not region.exists() or region.stat().st_size != shared_region.REGION_BYTES:
            problems.append(f"vgpud did not create {region} at {shared_region.REGION_BYTES} bytes")
        host = {p: program_compare.host_run(ctx, vgpud, p) for p in program_compare.SHARED_MEMORY_PROGRAMS}
        guest = ctx.guest("guest", "cuda-programs", program_compare.SHARED_MEMORY_PROGRAMS, vgpud, region=region,
                          region_bytes=shared_region.REGION_BYTES)
        for program in program_compare.SHARED_MEMORY_PROGRAMS:
            problems += program_compare.compare(program, guest.run_output(program, timeout=120), host[program])
        if guest.finish(timeout=60) != 0:
            problems.append("the guest's scenario failed")
        if not shared_region.used_beyond_header(region):
            problems.append("no data went through the shared region (all zero past its header)")
    except qemu_guest.GuestError as error:
        problems.append(str(error))
    finally:
        ctx.close()
        vgpud.stop()
        shared_region.remove([region])
    if problems:
        vmtest.fail("\n".join(problems))
    print("PASSED: the guest's runs over ivshmem and the host's over the Unix socket print the same")


if __name__ == "__main__":
    sys.exit(main())
