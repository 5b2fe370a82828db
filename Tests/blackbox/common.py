"""What the black-box fuzzers share: the `notrack` process under test (its own working
directory, loopback ports, dying with the fuzzer), its RSS, descriptors and CPU time, and
small helpers."""
import ctypes
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BINARY = Path(os.environ.get("NOTRACK_BINARY", ROOT / ".build" / "debug" / "notrack"))


def free_port_pair():
    """A loopback port free for both TCP and UDP."""
    for _ in range(50):
        with socket.socket() as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                udp.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port pair")


def die_with_parent():
    """In the child: SIGKILL when the fuzzer dies, so `timeout -k` leaves no notrack behind."""
    ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


def pick(rng, weighted):
    """One item of a [(weight, item)] list."""
    return rng.choices([item for _, item in weighted], [weight for weight, _ in weighted])[0]


def mb(size):
    return "?" if size is None else f"{size / 1048576:.1f} MB"


class NotrackProcess:
    """One `notrack` process with its own working directory; `env` is its whole environment
    (PATH is added). Subclasses say when it is ready (`wait_ready`)."""

    def __init__(self, binary, workdir, env):
        self.binary = Path(binary)
        self.workdir = Path(workdir)
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
        self.log_path = self.workdir / "stderr.log"
        self.process = None

    def start(self, timeout=30):
        """Starts the binary (retrying while a rebuild holds it busy) and waits until ready."""
        for attempt in range(20):
            try:
                with open(self.log_path, "wb") as log:
                    self.process = subprocess.Popen([str(self.binary)], cwd=self.workdir, env=self.env,
                                                    stdout=subprocess.DEVNULL, stderr=log,
                                                    preexec_fn=die_with_parent)
                break
            except OSError as error:   # ETXTBSY: the binary is being rewritten by a build
                if error.errno != 26 or attempt == 19:
                    raise
                time.sleep(0.5)
        self.wait_ready(timeout)

    def wait_ready(self, timeout):
        raise NotImplementedError

    def stop(self, timeout=15):
        """SIGTERM, then SIGKILL after `timeout` s; says how it went (None if it was not running)."""
        if self.process is None or self.process.poll() is not None:
            return None
        self.process.terminate()
        started = time.monotonic()
        try:
            code = self.process.wait(timeout=timeout)
            return f"notrack stopped on SIGTERM in {time.monotonic() - started:.1f} s with exit code {code}"
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return f"notrack did not stop within {timeout} s of SIGTERM and was killed"

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def rss(self):
        """VmRSS in bytes."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS in /proc/PID/status")

    def fds(self):
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def cpu_seconds(self):
        """User and system time so far (/proc/PID/stat fields 14 and 15)."""
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines=20):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""
