"""Builds the VM tests' initramfs (a newc cpio, uncompressed: decompressing under TCG is slow).

It holds busybox-static, the guest kernel's virtio (and 9p) modules, /init and the scenarios from
tests/vm/guest, and the programs under test in /opt/vgpu/bin with the shim in /opt/vgpu/lib. Every
shared library a program or the shim needs (`ldd`) is copied to the path ldd printed, together with
the host's /etc/ld.so.cache and the dynamic loader, so the host's binaries run unchanged; except
the CUDA toolkit's large libraries (cuBLAS: libcublasLt.so.13 alone is 517 MB), which the guest
reads from the host's toolkit folder shared read-only over virtio-9p (CUDA_SHARE). The image
is cached next to a stamp of its inputs (paths, sizes, mtimes, the guest scripts) and rebuilt only
when one changes; a file lock keeps concurrent tests from building it twice.
"""
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

GUEST_DIR = Path(__file__).resolve().parent.parent / "guest"
# Load order of the modules the guest needs (each after what its `depends=` names).
MODULES = ["virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci",
           "failover", "net_failover", "virtio_net", "netfs", "fscache", "9pnet", "9pnet_virtio", "9p"]
# The guests' /etc/machine-id; host-side runs that must match a guest use the same one.
MACHINE_ID = "5f1d0c3a9b7e4c2d8a6f0e1b2c3d4e5f"
SCENARIOS = ["cuda-programs.sh", "run.sh", "bench.sh"]
# The host's CUDA toolkit; libraries in it above SHARED_LIBRARY_BYTES stay out of the image and reach
# the guest through a 9p share of the toolkit's real folder. ldd may name them through the
# /usr/local/cuda link or through the folder it points to (/usr/local/cuda-13.0), depending on how
# CMake found the toolkit, so the guest mounts the share at every such name (share_mounts).
CUDA_SHARE = "/usr/local/cuda"
SHARED_LIBRARY_BYTES = 32 << 20
# The guest has 1 GiB and unpacks the image into RAM: a bigger image fails to unpack (the kernel
# then panics with "Initramfs unpacking failed"), so it is refused here with the reason.
MAX_IMAGE_BYTES = 256 << 20


def share_root() -> Path:
    """The toolkit folder the 9p share exports (CUDA_SHARE with its links resolved)."""
    return Path(CUDA_SHARE).resolve()


def from_share(library: str) -> bool:
    """True for a library the guest reads from the CUDA share rather than from the image."""
    resolved = Path(library).resolve()
    return resolved.is_relative_to(share_root()) and resolved.stat().st_size > SHARED_LIBRARY_BYTES


def share_mount(library: str) -> str:
    """The folder under which ldd named a shared library: where the guest must mount the share."""
    for name in (CUDA_SHARE, str(share_root())):
        if library.startswith(name + "/"):
            return name
    raise RuntimeError(f"ldd names {library}, which is in the CUDA toolkit ({share_root()}) but under neither "
                       f"{CUDA_SHARE} nor {share_root()}: the guest cannot reach it through the share")


def library_closure(binary: Path) -> list:
    """The paths ldd prints for `binary` (what the loader would map), without the vDSO."""
    output = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout
    paths = []
    for line in output.splitlines():
        match = re.search(r"(?:=>\s*)?(/\S+)\s+\(0x", line)
        if match:
            paths.append(match.group(1))
    return paths


def image_contents(programs: dict, shim_libraries: list, kernel_dir: Path) -> dict:
    """Guest path -> host file for everything but generated files."""
    release = (kernel_dir / "kernel-release").read_text().strip()
    module_root = kernel_dir / "linux-image" / "lib" / "modules" / release / "kernel"
    files = {"/bin/busybox": Path("/bin/busybox"), "/init": GUEST_DIR / "init.sh",
             "/etc/ld.so.cache": Path("/etc/ld.so.cache"),
             "/lib64/ld-linux-x86-64.so.2": Path("/lib64/ld-linux-x86-64.so.2").resolve()}
    for scenario in SCENARIOS:
        files["/scenarios/" + scenario] = GUEST_DIR / scenario
    for module in MODULES:
        found = list(module_root.rglob(module + ".ko"))
        if len(found) != 1:
            raise RuntimeError(f"guest kernel {release}: module {module}.ko not found once under {module_root}")
        files[f"/modules/{module}.ko"] = found[0]
    binaries = {f"/opt/vgpu/bin/{name}": Path(path) for name, path in programs.items()}
    binaries.update({f"/opt/vgpu/lib/{Path(path).name}": Path(path).resolve() for path in shim_libraries})
    files.update(binaries)
    for binary in binaries.values():
        for library in library_closure(binary):
            if not from_share(library):
                files.setdefault(library, Path(library).resolve())
    return files


def library_path(files: dict) -> str:
    """The guest's LD_LIBRARY_PATH: the shim first, then every folder holding a CUDA library."""
    folders = ["/opt/vgpu/lib"]
    for guest_path in files:
        folder = os.path.dirname(guest_path)
        if "cuda" in guest_path and folder not in folders:
            folders.append(folder)
    return ":".join(folders)


def stamp(files: dict) -> str:
    digest = hashlib.sha256()
    for guest_path, host_path in sorted(files.items()):
        info = host_path.stat()
        digest.update(f"{guest_path}\0{host_path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def write_cpio(files: dict, generated: dict, output: Path) -> None:
    with tempfile.TemporaryDirectory(dir=output.parent) as staging:
        root = Path(staging)
        for guest_path, host_path in files.items():
            target = root / guest_path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(host_path, target)
        for guest_path, text in generated.items():
            target = root / guest_path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        for folder in ("proc", "sys", "dev", "tmp", "run"):
            (root / folder).mkdir(exist_ok=True)
        os.chmod(root / "init", 0o755)
        names = subprocess.run(["find", "."], cwd=root, capture_output=True, check=True).stdout
        with open(str(output) + ".tmp", "wb") as archive:
            subprocess.run(["cpio", "--quiet", "-o", "-H", "newc"], cwd=root, input=names, stdout=archive, check=True)
        os.replace(str(output) + ".tmp", output)


def share_mounts(programs: dict) -> list:
    """Where the guest mounts the CUDA share (the names ldd uses for shared libraries); empty when
    no program needs a library from it (see from_share)."""
    return sorted({share_mount(library) for path in programs.values()
                   for library in library_closure(Path(path)) if from_share(library)})


def check_size(files: dict) -> None:
    total = sum(path.stat().st_size for path in files.values())
    if total > MAX_IMAGE_BYTES:
        largest = sorted(files.items(), key=lambda item: item[1].stat().st_size, reverse=True)[:5]
        listing = ", ".join(f"{guest} ({host.stat().st_size >> 20} MiB)" for guest, host in largest)
        raise RuntimeError(f"the guest image would hold {total >> 20} MiB, more than the "
                           f"{MAX_IMAGE_BYTES >> 20} MiB the 1 GiB guest can unpack; largest: {listing}. "
                           f"Libraries from {share_root()} above {SHARED_LIBRARY_BYTES >> 20} MiB belong in the 9p share")


def build_image(output: Path, programs: dict, shim_libraries: list, kernel_dir: Path) -> Path:
    """The initramfs at `output`, rebuilt when its inputs changed since the last build."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(str(output) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        files = image_contents(programs, shim_libraries, kernel_dir)
        check_size(files)
        generated = {"/modules/order": "\n".join(MODULES) + "\n", "/etc/machine-id": MACHINE_ID + "\n",
                     "/etc/vgpu/library-path": library_path(files) + "\n"}
        key = stamp(files) + hashlib.sha256(json.dumps(generated, sort_keys=True).encode()).hexdigest()
        stamp_file = Path(str(output) + ".stamp")
        if not output.exists() or not stamp_file.exists() or stamp_file.read_text() != key:
            write_cpio(files, generated, output)
            stamp_file.write_text(key)
    return output
