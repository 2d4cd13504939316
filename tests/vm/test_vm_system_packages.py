"""The packages under a real systemd (docs/vm-tests.md, "The real-system test"):
a Debian 12 guest with systemd, udev, D-Bus, polkit and journald (scripts/make-vm-rootfs) installs
the .debs of build/debs with dpkg and runs tests/vm/system/scenario: install, start and stop of
the Type=notify vgpud.service, remove and purge back to the snapshot; an upgrade to a rebuilt
version; vgpuctl service and journal against the real systemd and journal; pkexec with the
installed policy; install → restart → verify → rollback byte-identical. The guest prints
"VGPU-CHECK ok|FAIL" lines; this side asserts them, the steps' completion and the file-list
difference after purge, which may hold only what dpkg leaves by design (BY_DESIGN).

Skipped (77, with the reason) where QEMU or the guest kernel is missing, build/debs holds no
packages (scripts/dev package), the image cannot be made (mmdebstrap missing, not root) or the
guest does not boot at all.
"""
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import qemu_guest
import system_guest
from vmtest import fail, skip

SCENARIO_DIR = system_guest.SYSTEM_DIR / "scenario"
STEPS = ["install-remove-purge", "upgrade", "service-journal", "polkit", "install-flow"]
PACKAGES = ["vgpu-guest", "vgpud", "vgpu-admin", "vgpu-console"]
# What differs after purge by design, with the reason (a path pattern of the file list's entries).
BY_DESIGN = {
    r"^/etc/(group|gshadow)-?$": "the group vgpu (sysusers.d of vgpu-guest) stays after purge, as "
                                 "Debian leaves system groups: files may still carry its gid",
    r"^/var/log/dpkg\.log$": "dpkg's log records the runs",
    r"^/var/lib/dpkg/": "dpkg's own database (its package state is compared separately)",
}
STEP_SECONDS = 600
BOOT_SECONDS = 300


def package_files(debs: Path) -> list:
    """The four packages' .debs (not their -dbgsym packages), or [] when one is missing."""
    found = []
    for package in PACKAGES:
        matches = sorted(debs.glob(f"{package}_*.deb"))
        if not matches:
            return []
        found.append(matches[-1])
    return found


def rebuild_with_version(deb: Path, version: str, output: Path) -> None:
    """`deb` with Version (and vgpu-console's exact Depends on vgpu-admin) set to `version`."""
    tree = output / (deb.stem + ".tree")
    subprocess.run(["dpkg-deb", "-R", str(deb), str(tree)], check=True)
    control = tree / "DEBIAN" / "control"
    old = re.search(r"^Version: (.*)$", control.read_text(), re.M).group(1)
    text = control.read_text().replace(f"Version: {old}\n", f"Version: {version}\n")
    control.write_text(text.replace(f"(= {old})", f"(= {version})"))
    subprocess.run(["dpkg-deb", "-Zgzip", "-b", str(tree), str(output / f"{deb.stem}+v2.deb")],
                   check=True, capture_output=True)
    shutil.rmtree(tree)


def make_share(share: Path, debs: list) -> str:
    """The guest's share: scenario scripts, the step list, debs/ and debs-v2/ (version + "+vmtest2")."""
    for script in SCENARIO_DIR.glob("*.sh"):
        shutil.copy(script, share / script.name)
    (share / "steps").write_text("\n".join(STEPS) + "\n")
    (share / "debs").mkdir()
    (share / "debs-v2").mkdir()
    version = subprocess.run(["dpkg-deb", "-f", str(debs[0]), "Version"], capture_output=True, text=True,
                             check=True).stdout.strip() + "+vmtest2"
    for deb in debs:
        shutil.copy(deb, share / "debs" / deb.name)
        rebuild_with_version(deb, version, share / "debs-v2")
    (share / "version-v2").write_text(version + "\n")
    return version


def unexpected_differences(lines: list) -> list:
    """The file-list and dpkg-state differences after purge that no BY_DESIGN entry explains."""
    unexplained = []
    for line in lines:
        kind, side, rest = line.split(" ", 2)
        path = rest.split(" ")[0] if kind == "files" else rest.split(" ")[-1]
        if kind == "dpkg" or not any(re.search(pattern, path) for pattern in BY_DESIGN):
            unexplained.append(line)
    return unexplained


def main():
    reason = qemu_guest.qemu_missing()
    if reason:
        skip(reason)
    paths = json.loads(Path(sys.argv[1]).read_text())
    kernel_dir = Path(paths["kernel_dir"])
    if not (kernel_dir / "vmlinux").exists():
        skip(f"no guest kernel in {kernel_dir}: run `scripts/dev deps`")
    debs = package_files(Path(paths["debs"]))
    if not debs:
        skip(f"{paths['debs']} lacks one of {', '.join(PACKAGES)}: run `scripts/dev package`")
    if shutil.which("mmdebstrap") is None:
        skip("mmdebstrap is not installed (scripts/debian-packages.txt): no guest system image")
    started = time.monotonic()
    image, why = system_guest.make_rootfs(kernel_dir)
    if image is None:
        if "needs root" in why:
            skip(f"the guest system image cannot be made here: {why}")
        fail(f"scripts/make-vm-rootfs failed:\n{why}")
    output = Path(paths["test_output"]) / "vm"
    output.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="test_vm_system_packages-", dir=output))
    initramfs = system_guest.build_initramfs(Path(paths["system_initramfs"]), kernel_dir)
    share = work / "share"
    share.mkdir()
    version = make_share(share, debs)
    print(f"image {image}; debs {', '.join(d.name for d in debs)}, rebuilt as {version}; "
          f"ready in {time.monotonic() - started:.1f} s; logs in {work}", flush=True)

    guest = system_guest.SystemGuest("system", kernel_dir / "vmlinux", initramfs, image, share, work)
    try:
        try:
            boot = guest.system_boot(BOOT_SECONDS)
        except qemu_guest.GuestError as error:
            if "Kernel panic" in guest.tail(200) or "VGPU-VM-SWITCH-ROOT" in guest.tail(10000):
                fail(f"the guest did not come up: {error}")
            skip(f"QEMU ({guest.accel}) cannot boot the guest here: {error}")
        print(f"booted ({guest.accel}): switch_root after {boot['switch_root']:.1f} s, multi-user.target at "
              f"{boot['guest_multi_user']:.1f} s guest uptime, scenario runner at {boot['runner']:.1f} s",
              flush=True)
        failures = []
        for step in STEPS:
            guest.wait_for(rf"^VGPU-STEP-BEGIN {step}$", STEP_SECONDS)
            first = guest.index_of_last_match
            end = guest.wait_for(rf"^VGPU-STEP-END {step} (\d+) (\S+)$", STEP_SECONDS, start=first)
            with guest.condition:
                lines = guest.lines[first + 1:guest.index_of_last_match]
            print(f"--- {step}: {end.group(2)} s in the guest", flush=True)
            for line in lines:
                if not line.startswith("VGPU-DIFF"):
                    print(line)
            failures += [f"{step}: {line}" for line in lines if line.startswith("VGPU-CHECK FAIL")]
            if step == "install-remove-purge":
                differences = [line[len("VGPU-DIFF "):] for line in lines
                               if line.startswith("VGPU-DIFF ") and line != "VGPU-DIFF-END"]
                if "VGPU-DIFF-END" not in lines:
                    failures.append(f"{step}: the snapshot comparison did not finish")
                for line in differences:
                    print(f"after purge: {line}")
                failures += [f"{step}: after purge, not as before: {line}"
                             for line in unexpected_differences(differences)]
        status = guest.finish(120)
        if status != 0:
            failures.append(f"the scenario's exit status is {status}")
    except qemu_guest.GuestError as error:
        fail(str(error))
    finally:
        guest.kill()
    print(f"{len(STEPS)} steps, {time.monotonic() - guest.started:.0f} s from QEMU's start to power-off", flush=True)
    if failures:
        fail("\n".join(failures))
    print("by design after purge: " + "; ".join(f"{p}: {r}" for p, r in BY_DESIGN.items()))


if __name__ == "__main__":
    main()
