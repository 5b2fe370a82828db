#!/usr/bin/env python3
"""Relay benchmark: the same bounded turnutils_uclient load against notrack and against
coturn's turnserver (the yardstick), alternating A B A B, each server started fresh for
each run. Prints per run: delivered messages per second, loss (and how many datagrams
the kernel dropped at the server's own full sockets), the server's CPU seconds
(utime + stime from /proc) per million relayed packets and its resident memory; then
medians and notrack/coturn ratios. Loopback only; see docs/performance.md "## Relay".
"""
import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECRET = "benchmark-shared-secret-0123456789abcdef0123456789"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                    udp.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


def answers_binding(port):
    request = struct.pack("!HHI", 0x0001, 0, 0x2112A442) + os.urandom(12)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        try:
            s.sendto(request, ("127.0.0.1", port))
            reply, _ = s.recvfrom(2048)
            return reply[:2] == b"\x01\x01" and reply[8:20] == request[8:20]
        except OSError:
            return False


class Server:
    """One relay process under test, started fresh for a run."""

    name = "?"

    def __init__(self, threads, workdir):
        self.threads = threads
        self.workdir = workdir
        self.port = free_port()
        self.process = None

    def command(self):
        raise NotImplementedError

    def environment(self):
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    def start(self):
        self.log = open(self.workdir / f"{self.name}.log", "ab")
        self.process = subprocess.Popen(self.command(), cwd=self.workdir, env=self.environment(),
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; see {self.log.name}")
            if answers_binding(self.port):
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer a STUN Binding within 30 s")

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)

    def memory_kib(self):
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        value = lambda key: int(re.search(rf"^{key}:\s+(\d+) kB", status, re.M).group(1))
        return value("VmRSS"), value("VmHWM")

    def socket_drops(self):
        """Datagrams the kernel dropped because this server's sockets were full."""
        inodes = set()
        for fd in os.listdir(f"/proc/{self.process.pid}/fd"):
            try:
                link = os.readlink(f"/proc/{self.process.pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
        drops = 0
        for table in ("/proc/net/udp", "/proc/net/udp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[9] in inodes:
                    drops += int(fields[-1])
        return drops

    def threads_running(self):
        return len(os.listdir(f"/proc/{self.process.pid}/task"))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class NoTrack(Server):
    name = "notrack"

    def __init__(self, binary, threads, workdir):
        super().__init__(threads, workdir)
        self.binary = str(Path(binary).resolve())

    def command(self):
        return [self.binary, "serve"]

    def environment(self):
        environment = super().environment()
        environment.update({
            "PORT": str(free_port()),
            "NOTRACK_DATA_DIR": str(self.workdir / "notrack-data"),
            "NOTRACK_RELAY_PORT": str(self.port),
            "NOTRACK_RELAY_LISTEN_ADDRESSES": "127.0.0.1",
            "NOTRACK_RELAY_AUTH_SECRET": SECRET,
            "NOTRACK_RELAY_REALM": "bench",
            "NOTRACK_RELAY_ALLOW_LOOPBACK_PEERS": "true",
            "NOTRACK_RELAY_MAX_ALLOCATIONS_PER_USER": "100000",
            "NOTRACK_RELAY_MAX_ALLOCATIONS": "100000",
            "NOTRACK_LOG_LEVEL": "warning",
        })
        return environment


class Coturn(Server):
    name = "coturn"

    def command(self):
        return ["turnserver", "-n", "--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1",
                "--listening-port", str(self.port), "--use-auth-secret", "--static-auth-secret", SECRET,
                "--realm", "bench", "--relay-threads", str(self.threads), "--allow-loopback-peers",
                "--no-tls", "--no-dtls", "--no-cli", "--no-stdout-log", "--log-file", str(self.workdir / "turn.log"),
                "--simple-log", "--pidfile", str(self.workdir / "turnserver.pid"),
                "--min-port", "49152", "--max-port", "65535", "--total-quota", "100000", "--user-quota", "100000"]


def uclient_command(port, arguments):
    command = ["turnutils_uclient", "-y", "-c", "-m", str(arguments.clients), "-n", str(arguments.messages),
               "-l", str(arguments.length), "-z", str(arguments.interval), "-W", SECRET, "-u", "bench",
               "-e", "127.0.0.1", "-p", str(port)]
    if arguments.tcp:
        command.append("-t")
    return command + ["127.0.0.1"]


def parse_uclient(output):
    totals = re.findall(r"tot_send_msgs=(\d+), tot_recv_msgs=(\d+)", output)
    lost = re.search(r"Total lost packets (\d+)", output)
    transmit = re.search(r"Total transmit time is (\d+)", output)
    if not totals or not lost or not transmit:
        raise RuntimeError("uclient printed no totals:\n" + output[-3000:])
    sent, received = map(int, totals[-1])
    return sent, received, int(lost.group(1)), int(transmit.group(1))


def load(port, arguments):
    """Runs `--processes` uclient processes at once (one uclient paces itself to a few
    thousand messages per second) and adds up what they report."""
    command = uclient_command(port, arguments)
    started = time.monotonic()
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for _ in range(arguments.processes)]
    outputs = [process.communicate(timeout=900)[0] for process in processes]
    wall = time.monotonic() - started
    reports = [parse_uclient(output) for output in outputs]
    return {
        "sent": sum(r[0] for r in reports),
        "received": sum(r[1] for r in reports),
        "lost": sum(r[2] for r in reports),
        # uclient's own clock for the sending phase (whole seconds), without the
        # allocations before it and its final wait for stragglers.
        "transmit": max(max(r[3] for r in reports), 1),
        "wall": wall,
    }


def run_once(server, arguments):
    server.start()
    try:
        threads = server.threads_running()
        cpu_before = server.cpu_seconds()
        result = load(server.port, arguments)
        cpu = server.cpu_seconds() - cpu_before
        rss, peak = server.memory_kib()
        drops = server.socket_drops()
    finally:
        server.stop()
    # -y: every delivered message crossed the relay twice (client → relayed address of
    # the other client's allocation, then that allocation → its client).
    relayed = 2 * result["received"]
    return {
        "server": server.name,
        "rate": result["received"] / result["transmit"],
        "loss": 1 - result["received"] / max(result["sent"], 1),
        "server_drops": drops,
        "cpu_per_million": cpu / relayed * 1e6 if relayed else float("inf"),
        "cpu": cpu,
        "rss_mib": rss / 1024,
        "peak_mib": peak / 1024,
        "threads": threads,
        **result,
    }


def row(result):
    return (f"{result['server']:8} {result['rate']:12.0f} {100 * result['loss']:7.2f}% {result['server_drops']:8.0f} "
            f"{result['cpu_per_million']:14.2f} {result['cpu']:7.2f} {result['rss_mib']:8.1f} "
            f"{result['peak_mib']:8.1f} {result['threads']:7} {result['sent']:9} {result['received']:9} "
            f"{result['transmit']:7.0f}")


HEADER = (f"{'server':8} {'messages/s':>12} {'loss':>8} {'drops':>8} {'cpu s/M pkts':>14} {'cpu s':>7} {'rss MiB':>8} "
          f"{'peak MiB':>8} {'threads':>7} {'sent':>9} {'received':>9} {'send s':>7}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notrack", required=True, help="path of a release build of notrack")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server, alternating (default 3)")
    parser.add_argument("--processes", type=int, default=4, help="uclient processes at once (default 4)")
    parser.add_argument("--clients", type=int, default=100, help="uclient -m: clients per process (default 100)")
    parser.add_argument("--messages", type=int, default=500,
                        help="uclient -n: messages per client (default 500; at 1000 both servers lost about half here)")
    parser.add_argument("--length", type=int, default=160, help="uclient -l: payload bytes (default 160, 20 ms of G.711)")
    parser.add_argument("--interval", type=int, default=1, help="uclient -z: ms between a client's packets (default 1)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="coturn --relay-threads (default: CPUs, which is also notrack's relay thread count)")
    parser.add_argument("--tcp", action="store_true", help="clients reach the relay over TCP")
    arguments = parser.parse_args()
    for tool in ("turnserver", "turnutils_uclient"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install coturn")
    if not os.access(arguments.notrack, os.X_OK):
        sys.exit(f"{arguments.notrack} is not an executable; build it with: swift build -c release --product notrack")

    print(f"load: {arguments.processes} x turnutils_uclient -y -c -m {arguments.clients} -n {arguments.messages} -l {arguments.length} "
          f"-z {arguments.interval}{' -t' if arguments.tcp else ''}; coturn relay threads: {arguments.threads}, notrack relay threads: {os.cpu_count()}; "
          f"CPUs: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}")
    print(HEADER, flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="relay-bench-") as directory:
        workdir = Path(directory)
        for _ in range(arguments.rounds):
            for server in (NoTrack(arguments.notrack, arguments.threads, workdir),
                           Coturn(arguments.threads, workdir)):
                result = run_once(server, arguments)
                results.append(result)
                print(row(result), flush=True)

    print("\nmedians")
    print(HEADER)
    medians = {}
    for name in ("notrack", "coturn"):
        runs = [r for r in results if r["server"] == name]
        median = {key: statistics.median(r[key] for r in runs)
                  for key in ("rate", "loss", "server_drops", "cpu_per_million", "cpu", "rss_mib", "peak_mib", "threads",
                              "sent", "received", "transmit")}
        medians[name] = {"server": name, **median}
        print(row(medians[name]))
    notrack, coturn = medians["notrack"], medians["coturn"]
    print("\nnotrack / coturn: messages/s {:.2f}x, CPU per packet {:.2f}x, RSS {:.2f}x".format(
        notrack["rate"] / coturn["rate"], notrack["cpu_per_million"] / coturn["cpu_per_million"],
        notrack["rss_mib"] / coturn["rss_mib"]))


if __name__ == "__main__":
    main()
