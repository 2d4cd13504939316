#!/usr/bin/env python3
"""VM test (d): a guest whose QEMU is killed (SIGKILL, the VM gone at once) has its vgpud session
freed within 1 s: the guest holds a 64 MiB allocation (vm_probe hold); vgpud's Status (over its Unix
socket) shows one session more than before the guest and its device bytes; after the kill both must
be back to the figures before the guest within 1 s. (The connection asking for Status is a session
of vgpud's too, so the baseline is measured, not assumed to be zero.)
"""
import signal
import sys
import time

import host_vgpud
import qemu_guest
import vmtest

HOLD_MIB = 64
LIMIT_S = 1.0


def main():
    ctx = vmtest.Context("test_vm_guest_killed", need_programs=["vm_probe"])
    vgpud = host_vgpud.Vgpud(ctx.paths["vgpud"], ctx.work)
    problems = []
    elapsed = 0.0
    try:
        baseline = vgpud.status()[:2]
        print(f"before the guest: {baseline[0]} session(s), {baseline[1]} device bytes", flush=True)
        guest = ctx.guest("guest", "run", ["vm_probe", "hold", HOLD_MIB], vgpud, shared_device="off")
        guest.wait_for(r"^ready$", 60)
        sessions, device_bytes, _ = vgpud.status()
        print(f"before the kill: {sessions} session(s), {device_bytes} device bytes", flush=True)
        if sessions != baseline[0] + 1 or device_bytes < baseline[1] + (HOLD_MIB << 20):
            problems.append(f"vgpud shows {sessions} session(s) holding {device_bytes} bytes, expected "
                            f"{baseline[0] + 1} holding at least {HOLD_MIB} MiB more than {baseline[1]}")
        killed = time.monotonic()
        guest.process.send_signal(signal.SIGKILL)
        while True:
            elapsed = time.monotonic() - killed
            sessions, device_bytes, _ = vgpud.status()
            if (sessions, device_bytes) == baseline or elapsed > 5:
                break
            time.sleep(0.005)
        print(f"after the kill: {sessions} session(s), {device_bytes} device bytes, {elapsed * 1000:.0f} ms",
              flush=True)
        if (sessions, device_bytes) != baseline or elapsed > LIMIT_S:
            problems.append(f"vgpud still showed {sessions} session(s) and {device_bytes} device bytes "
                            f"{elapsed:.2f} s after the kill (limit {LIMIT_S} s)")
    except qemu_guest.GuestError as error:
        problems.append(str(error))
    finally:
        ctx.close()
        vgpud.stop()
    if problems:
        vmtest.fail("\n".join(problems))
    print(f"PASSED: the killed guest's session was freed in {elapsed * 1000:.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
