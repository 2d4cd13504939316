#!/usr/bin/env python3
"""VM test (e): vgpud stops (SIGTERM: it drains and closes its sessions) or stops answering
(SIGSTOP: the connection stays open, nothing replies); the guest's next synchronizing call
(cuMemcpyDtoH) must fail with CUDA_ERROR_DEVICE_UNAVAILABLE within the configured timeout
(VGPU_REMOTE_TIMEOUT_MS=2000, plus slack for TCG), and every later call too. The guest learns that
vgpud was stopped when the host opens a "go" port it polls (vm_probe outage); it prints how long the
call took. For SIGSTOP the call must also have waited for the timeout, not failed early.
"""
import signal
import socket
import sys

import host_vgpud
import qemu_guest
import vmtest

TIMEOUT_MS = 2000
SLACK_MS = 1000  # a TCG guest's clock and scheduling


def scenario(ctx, sig):
    """The problems of one outage by `sig`."""
    vgpud = host_vgpud.Vgpud(ctx.paths["vgpud"], ctx.work)
    go = socket.socket()
    go.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    go.bind(("127.0.0.1", 0))
    name = signal.Signals(sig).name
    problems = []
    try:
        guest = ctx.guest(f"guest-{name}", "run", ["vm_probe", "outage", "10.0.2.2", go.getsockname()[1]],
                          vgpud, timeout_ms=TIMEOUT_MS, shared_device="off")
        guest.wait_for(r"^ready$", 60)
        vgpud.signal(sig)
        if sig == signal.SIGTERM:
            vgpud.process.wait(timeout=10)
        go.listen(1)
        match = guest.wait_for(r"^outage-call (\S+) (\d+)$", 30)
        later = guest.wait_for(r"^later-call (\S+)$", 30)
        result, elapsed = match.group(1), int(match.group(2))
        print(f"{name}: the guest's call failed with {result} after {elapsed} ms; the next call: "
              f"{later.group(1)}", flush=True)
        if result != "CUDA_ERROR_DEVICE_UNAVAILABLE" or later.group(1) != "CUDA_ERROR_DEVICE_UNAVAILABLE":
            problems.append(f"{name}: expected CUDA_ERROR_DEVICE_UNAVAILABLE twice, got {result}, {later.group(1)}")
        if elapsed > TIMEOUT_MS + SLACK_MS:
            problems.append(f"{name}: the call took {elapsed} ms, past the {TIMEOUT_MS} ms timeout")
        if sig == signal.SIGSTOP and elapsed < TIMEOUT_MS * 0.9:
            problems.append(f"{name}: the call failed after {elapsed} ms, before the timeout, from a stopped vgpud")
        guest.finish(timeout=30)
    except qemu_guest.GuestError as error:
        problems.append(str(error))
    finally:
        go.close()
        vgpud.stop()
    return problems


def main():
    ctx = vmtest.Context("test_vm_vgpud_outage", need_programs=["vm_probe"])
    problems = []
    try:
        for sig in (signal.SIGTERM, signal.SIGSTOP):
            problems += scenario(ctx, sig)
    finally:
        ctx.close()
    if problems:
        vmtest.fail("\n".join(problems))
    print("PASSED: a stopped and a silent vgpud both fail the guest's call in time")


if __name__ == "__main__":
    sys.exit(main())
