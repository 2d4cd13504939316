#!/usr/bin/env python3
"""VM test (a): our nvcc-built CUDA programs (device_query, memory_checks, launch_checks,
cublas_smoke: its cuBLAS libraries reach the guest over a read-only virtio-9p share) run in a
QEMU guest through the shim to vgpud (sim) on the host over TCP (slirp, 10.0.2.2), with the
shared-memory device off, and on the host through the same vgpud over its Unix socket; the outputs
must be identical after program_compare's normalisation, and every run must exit 0.
"""
import sys

import host_vgpud
import program_compare
import qemu_guest
import vmtest


def main():
    ctx = vmtest.Context("test_vm_cuda_programs", need_programs=program_compare.PROGRAMS)
    vgpud = host_vgpud.Vgpud(ctx.paths["vgpud"], ctx.work)
    problems = []
    try:
        host = {p: program_compare.host_run(ctx, vgpud, p) for p in program_compare.PROGRAMS}
        guest = ctx.guest("guest", "cuda-programs", program_compare.PROGRAMS, vgpud, shared_device="off")
        for program in program_compare.PROGRAMS:
            problems += program_compare.compare(program, guest.run_output(program, timeout=120), host[program])
        if guest.finish(timeout=60) != 0:
            problems.append("the guest's scenario failed")
        served = vgpud.sessions_served()
        if served < 2 * len(program_compare.PROGRAMS):
            problems.append(f"vgpud served {served} sessions, expected at least one per run on each side")
    except qemu_guest.GuestError as error:
        problems.append(str(error))
    finally:
        ctx.close()
        vgpud.stop()
    if problems:
        vmtest.fail("\n".join(problems))
    print("PASSED: the guest's runs (TCP) and the host's (Unix socket) print the same")


if __name__ == "__main__":
    sys.exit(main())
