"""Runs the real `notrack` binary for end-to-end tests (loopback only)."""
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("NOTRACK_BINARY", ROOT / ".build" / "debug" / "notrack"))


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_pair():
    """A port free for both TCP and UDP, so the relay can take it."""
    for _ in range(50):
        port = free_port()
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port pair")


class Appliance:
    """One `notrack` process with its own working directory and ports."""

    def __init__(self, workdir, args=(), env=None):
        self.workdir = Path(workdir)
        self.http_port = free_port()
        self.relay_port = free_port_pair()
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PORT": str(self.http_port),
            "NOTRACK_RELAY_PORT": str(self.relay_port),
            "NOTRACK_LOG_FORMAT": "json",
            # Generous limits so tests of other features never trip them; the rate-limit
            # tests set their own.
            "NOTRACK_RATE_LIMIT_AUTH_MAX": "1000",
            "NOTRACK_RATE_LIMIT_API_MAX": "1000",
        }
        self.env.update(env or {})
        self.args = list(args)
        self.process = None
        self.stderr_path = self.workdir / "stderr.log"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def command(self):
        """What runs: the binary and its arguments (the NAT lab prefixes `ip netns exec`)."""
        return [str(BINARY), *self.args]

    def start(self, wait=True):
        self.stderr_file = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(
            self.command(), cwd=self.workdir, env=self.env,
            stdout=subprocess.PIPE, stderr=self.stderr_file,
        )
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"notrack exited early ({self.process.returncode}): {self.stderr()}")
            try:
                if requests.get(self.url + "/health/live", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError("notrack did not answer /health/live in time: " + self.stderr())

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("notrack did not stop within %ss of %s" % (timeout, sig))
        return self.process.returncode

    def stderr(self):
        try:
            return self.stderr_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


@pytest.fixture
def appliance_factory(tmp_path):
    started = []

    def make(args=(), env=None, subdir="run"):
        workdir = tmp_path / f"{subdir}{len(started)}"
        workdir.mkdir()
        appliance = Appliance(workdir, args=args, env=env)
        started.append(appliance)
        return appliance

    yield make
    for appliance in started:
        if appliance.process and appliance.process.poll() is None:
            appliance.process.kill()
            appliance.process.wait()


def run_notrack(args, env=None, cwd=None, timeout=60, input=None):
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    environment.update(env or {})
    return subprocess.run([str(BINARY), *args], env=environment, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, input=input if input is not None else "")


def uclient_totals(output):
    """coturn turnutils_uclient's final counters: messages sent and received, packets lost."""
    sent, received = re.findall(r"tot_send_msgs=(\d+), tot_recv_msgs=(\d+)", output)[-1]
    lost = re.search(r"Total lost packets (\d+)", output).group(1)
    return int(sent), int(received), int(lost)
