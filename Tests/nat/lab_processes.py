"""The processes of the NAT lab: the appliance inside its namespace, and the phones and
probes that the test speaks to in JSON lines."""
import base64
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "interop"))  # the end-to-end suite's helpers
from conftest import Appliance  # noqa: E402

from netlab import APPLIANCE_IP  # noqa: E402


class LabProcess:
    """A process inside the lab spoken to in JSON lines; reads are bounded and a failure
    shows the end of its stderr."""

    def __init__(self, lab, role, argv, log):
        self.log = log
        with open(log, "wb") as stderr:
            self.process = lab.popen(role, argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=stderr, text=True, bufsize=1)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def send(self, message):
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def expect(self, event=None, timeout=60):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"nothing from {self.log.name} within {timeout}s; stderr: {self.stderr()}") from None
        if line is None:
            raise AssertionError(f"{self.log.name} ended ({self.process.wait(5)}); stderr: {self.stderr()}")
        message = json.loads(line)
        if message.get("event") == "error" or (event and message.get("event") != event):
            raise AssertionError(f"{self.log.name}: wanted {event}, got {message}; stderr: {self.stderr()}")
        return message

    def stderr(self):
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self):
        if self.process.poll() is None:
            try:
                self.send({"do": "quit"})
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=10)


class LabAppliance(Appliance):
    """The real binary in the lab's appliance namespace, configured by notrack-lab.yaml as
    an operator configures an edge box (production mode, default limits)."""

    def __init__(self, lab, workdir):
        super().__init__(workdir, args=["serve", "--config", str(HERE / "notrack-lab.yaml")])
        self.lab = lab
        secret = workdir / "secret"
        secret.write_text(base64.b64encode(os.urandom(48)).decode())
        secret.chmod(0o600)
        self.env = {"PATH": self.env["PATH"], "NOTRACK_DATA_DIR": str(workdir / "data"),
                    "NOTRACK_AUTH_JWT_SECRET_FILE": str(secret)}
        self.http_port, self.relay_port = 3000, 3478

    @property
    def url(self):
        return f"http://{APPLIANCE_IP}:{self.http_port}"

    def command(self):
        return self.lab.command("appliance", *super().command())

    def wait_ready(self, timeout=30):
        self.lab.call_in("appliance", lambda: Appliance.wait_ready(self, timeout), timeout + 5)

    def relayed_packets(self):
        """turn_relayed_packets_total, both directions, read from the box itself (the
        metrics endpoint answers loopback)."""
        text = self.lab.call_in("appliance", lambda: requests.get(
            f"http://127.0.0.1:{self.http_port}/metrics", timeout=5).text)
        return sum(sample.value for family in text_string_to_metric_families(text)
                   for sample in family.samples if sample.name == "turn_relayed_packets_total")
