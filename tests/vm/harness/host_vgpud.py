"""vgpud on the host for the VM tests: started with the simulated backend on a Unix socket (for
host-side runs and Status) and a TCP port on 127.0.0.1 with a fresh token (what guests reach at
10.0.2.2:PORT), optionally with shared-memory region files for ivshmem; and its Status call
(sessions, device and host bytes held) over the Unix socket, the wire protocol's frame by hand.
"""
import os
import secrets
import signal
import socket
import struct
import subprocess
import time
from pathlib import Path

MAGIC = 0x55504756
VERSION = 2
CALL_STATUS = 3
HEADER = struct.Struct("<IHHIIQ")  # magic, version, call, payloadLength, flags, requestId


class Unsupported(RuntimeError):
    """vgpud refuses an option this test needs (an interface not built yet)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Vgpud:
    def __init__(self, binary, work_dir, regions=(), region_bytes=0, extra=()):
        self.work_dir = Path(work_dir)
        self.socket_path = self.work_dir / "vgpud.sock"
        self.log_path = self.work_dir / "vgpud.log"
        self.token = secrets.token_hex(32)
        token_file = self.work_dir / "token"
        token_file.write_text(self.token)
        os.chmod(token_file, 0o600)
        for attempt in range(5):
            self.port = free_port()
            argv = [str(binary), "--listen", f"unix:{self.socket_path}", "--listen", f"tcp:127.0.0.1:{self.port}",
                    "--token-file", str(token_file), "--backend", "sim", "--log-level", "info", *extra]
            for region in regions:
                argv += ["--shared-region", str(region)]
            if regions and region_bytes:
                argv += ["--shared-region-size", str(region_bytes)]
            with open(self.log_path, "w") as log:
                self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
            if self._wait_listening():
                return
            log_text = self.log_path.read_text()
            refusal = [line for line in log_text.splitlines() if "shared-region" in line and "argument" in line]
            if regions and refusal:
                raise Unsupported("vgpud refuses --shared-region: " + refusal[0])
        raise RuntimeError(f"vgpud did not start:\n{self.log_path.read_text()}")

    def _wait_listening(self) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if "listening on tcp:" in self.log_path.read_text():
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.01)
        self.process.kill()
        self.process.wait()
        return False

    def status(self) -> tuple:
        """(sessions, deviceBytes, hostBytes), daemon-wide, from vgpud's Status call."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(5)
            client.connect(str(self.socket_path))
            client.sendall(HEADER.pack(MAGIC, VERSION, CALL_STATUS, 0, 0, 1))
            reply = b""
            while len(reply) < HEADER.size:
                chunk = client.recv(4096)
                if not chunk:
                    raise RuntimeError("vgpud closed the Status connection")
                reply += chunk
            magic, _, call, length, _, _ = HEADER.unpack(reply[:HEADER.size])
            while len(reply) < HEADER.size + length:
                chunk = client.recv(4096)
                if not chunk:
                    raise RuntimeError("vgpud closed the Status connection")
                reply += chunk
        if magic != MAGIC or call != CALL_STATUS:
            raise RuntimeError(f"unexpected Status reply: call {call}")
        result, sessions, device_bytes, host_bytes = struct.unpack("<iIQQ", reply[HEADER.size:HEADER.size + 24])
        if result != 0:
            raise RuntimeError(f"Status answered {result}")
        return sessions, device_bytes, host_bytes

    def sessions_served(self) -> int:
        """How many sessions vgpud logged as connected."""
        return sum(1 for line in self.log_path.read_text().splitlines() if line.endswith("connected"))

    def signal(self, sig):
        self.process.send_signal(sig)

    def stop(self):
        """SIGCONT (it may be stopped), SIGTERM, then SIGKILL after 10 s; its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode
