"""Runs the nvcc-built CUDA test programs on the host through vgpud's Unix socket, seeing the same
stub at the same PCI address with the same machine id as the guest, and compares a guest's output
with the host's after one documented normalisation: elapsed times ("<n>.<n> ms", printed by
memory_checks' event timing check) become "<ms> ms". Nothing else is masked.
"""
import os
import re
import subprocess
import time

from guest_image import MACHINE_ID

PROGRAMS = ["device_query", "memory_checks", "launch_checks", "cublas_smoke"]
# Programs that need memory shared with vgpud (managed memory): the host's Unix socket shares a
# memfd, a guest its ivshmem region; over TCP alone a guest has neither.
SHARED_MEMORY_PROGRAMS = PROGRAMS + ["managed_memory_checks"]


def normalise(lines):
    return [re.sub(r"\b\d+\.\d+ ms\b", "<ms> ms", line) for line in lines]


def host_run(ctx, vgpud, program):
    """(exit status, output lines) of `program` on this host through vgpud's Unix socket."""
    tree = subprocess.run([ctx.paths["make_sysfs_tree"], "vm-guest"], capture_output=True, text=True,
                          check=True).stdout.strip()
    machine_id = ctx.work / "machine-id"
    machine_id.write_text(MACHINE_ID + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VGPU_", "CUDA_"))}
    env.update({"LD_LIBRARY_PATH": ctx.paths["shim_dir"], "VGPU_CONFIG": "/nonexistent/vgpu-shim.conf",
                "VGPU_BACKEND": "remote", "VGPU_ENDPOINT": f"unix:{vgpud.socket_path}", "VGPU_SYSFS_ROOT": tree,
                "VGPU_MACHINE_ID_FILE": str(machine_id), "VGPU_MATCH": "1b36:0005",
                "VGPU_PROFILE": "1b36:0005=h100-pcie", "VGPU_LOG": "warn",
                "VGPU_EXPECT_SIMULATED": "1"})
    started = time.monotonic()
    result = subprocess.run([ctx.paths["programs"][program]], env=env, capture_output=True, text=True, timeout=120)
    print(f"host: {program} ran {time.monotonic() - started:.2f} s", flush=True)
    if result.stderr:
        print(f"host {program} stderr:\n{result.stderr}", end="", flush=True)
    return result.returncode, result.stdout.splitlines()


def compare(program, guest_result, host_result):
    """The problems found comparing a guest run with the host run (empty when they agree)."""
    (status, lines), (host_status, host_lines) = guest_result, host_result
    print(f"--- {program}: guest exit {status}, host exit {host_status}, {len(lines)} lines", flush=True)
    print("\n".join(lines), flush=True)
    problems = []
    if status != 0 or host_status != 0:
        problems.append(f"{program}: exit status guest {status}, host {host_status}")
    guest_text, host_text = normalise(lines), normalise(host_lines)
    if guest_text != host_text:
        width = max(len(guest_text), len(host_text))
        guest_text += ["<none>"] * (width - len(guest_text))
        host_text += ["<none>"] * (width - len(host_text))
        problems.append(f"{program}: the guest's output differs from the host's:\n" + "\n".join(
            f"  guest: {g}\n  host:  {h}" for g, h in zip(guest_text, host_text) if g != h))
    if not lines or not lines[-1].startswith("ok"):
        problems.append(f"{program}: the guest's run did not end with ok")
    return problems
