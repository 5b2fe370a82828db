"""A throw-away internet in network namespaces: an appliance on a public segment and two
offices, each behind a router doing symmetric NAT (docs/nat-proof.md draws it).

Everything lives in namespaces named `ntnat-<pid>-<role>`; no interface is ever created
in the caller's namespace, so no packet can leave the lab. `NetLab` deletes what it made
on every exit (its context manager, atexit, SIGTERM/SIGHUP), and on start removes what a
killed earlier run left behind (namespaces whose owning pid is gone).
"""
import atexit
import ctypes
import os
import re
import signal
import subprocess
import threading
from dataclasses import dataclass

PREFIX = "ntnat"
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)

# The lab's public internet is made of the three RFC 5737 documentation networks: no
# real host has these addresses and nothing routes them, so even a mistake goes nowhere.
APPLIANCE_IP = "198.51.100.10"
OBSERVER_IP = "198.51.100.1"  # the internet router, where the NAT-behaviour observer listens


@dataclass(frozen=True)
class Office:
    """One office: a LAN with one client behind its router's symmetric NAT."""
    name: str
    wan_ip: str       # the router's public address (what STUN reports, the NAT's face)
    wan_gateway: str  # the internet router's address on that segment
    lan_prefix: str   # e.g. "192.168.1": router .1, client .10

    @property
    def client_ip(self):
        return f"{self.lan_prefix}.10"


OFFICES = (
    Office("a", wan_ip="203.0.113.2", wan_gateway="203.0.113.1", lan_prefix="192.168.1"),
    Office("b", wan_ip="192.0.2.2", wan_gateway="192.0.2.1", lan_prefix="192.168.2"),
)


def run(*command, timeout=20):
    """Runs a setup command; a failure names the command and what it printed."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


class NetLab:
    """The namespaces, links, routes and NAT rules of one run."""

    def __init__(self):
        self.tag = f"{PREFIX}-{os.getpid()}"
        self.namespaces = []
        self.processes = []
        self._closed = False

    def ns(self, role):
        return f"{self.tag}-{role}"

    # ---- building -------------------------------------------------------------------

    def __enter__(self):
        remove_leftovers()
        atexit.register(self.close)
        self._previous_handlers = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGHUP)}
        try:
            self._build()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _on_signal(self, signum, frame):
        # Unwinds the stack, so every `finally` (and then this lab's close) runs.
        raise KeyboardInterrupt(f"signal {signum}")

    def _add_namespace(self, role):
        name = self.ns(role)
        run("ip", "netns", "add", name)
        self.namespaces.append(name)
        self.sh(role, "ip link set lo up")
        self.sh(role, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1")

    def _link(self, role_a, if_a, address_a, role_b, if_b, address_b):
        """A veth pair made directly between two lab namespaces, never in ours."""
        run("ip", "-n", self.ns(role_a), "link", "add", if_a, "type", "veth", "peer", "name", if_b, "netns", self.ns(role_b))
        for role, interface, address in ((role_a, if_a, address_a), (role_b, if_b, address_b)):
            self.sh(role, f"ip addr add {address} dev {interface} && ip link set {interface} up")

    def _build(self):
        for role in ("internet", "appliance", *(f"router-{o.name}" for o in OFFICES), *(f"client-{o.name}" for o in OFFICES)):
            self._add_namespace(role)
        # The internet: one router joining the appliance's segment and each office's uplink.
        # It knows only these public networks, so packets to private addresses die there.
        self.sh("internet", "sysctl -qw net.ipv4.ip_forward=1")
        self._link("internet", "to-box", f"{OBSERVER_IP}/24", "appliance", "eth0", f"{APPLIANCE_IP}/24")
        self.sh("appliance", f"ip route add default via {OBSERVER_IP}")
        for office in OFFICES:
            router, client = f"router-{office.name}", f"client-{office.name}"
            self._link("internet", f"to-{office.name}", f"{office.wan_gateway}/24", router, "wan", f"{office.wan_ip}/24")
            self._link(router, "lan", f"{office.lan_prefix}.1/24", client, "eth0", f"{office.client_ip}/24")
            self.sh(router, f"sysctl -qw net.ipv4.ip_forward=1 && ip route add default via {office.wan_gateway}")
            self.sh(client, f"ip route add default via {office.lan_prefix}.1")
            self._symmetric_nat(router)

    def _symmetric_nat(self, router):
        """An office firewall with symmetric NAT (RFC 4787 terms):
        - mapping is address-and-port dependent: --random-fully gives every new
          (source, destination) flow its own random public port, so the port a STUN
          server sees is useless to anyone else;
        - filtering is address-and-port dependent: only replies to a flow's own
          destination come back in (conntrack ESTABLISHED), nothing unsolicited."""
        rules = [
            "-t nat -A POSTROUTING -o wan -j MASQUERADE --random-fully",
            "-P FORWARD DROP",
            "-A FORWARD -i lan -o wan -j ACCEPT",
            "-A FORWARD -i wan -o lan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
            "-A INPUT -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
            "-A INPUT -i wan -j DROP",
        ]
        for rule in rules:
            self.sh(router, f"iptables {rule}")

    # ---- using ----------------------------------------------------------------------

    def sh(self, role, script, timeout=20):
        """Runs a shell line inside a lab namespace."""
        return run("ip", "netns", "exec", self.ns(role), "sh", "-c", script, timeout=timeout)

    def command(self, role, *argv):
        """`argv` run inside a lab namespace; it gets SIGKILL if the test process dies,
        even by SIGKILL (setpriv's parent-death signal survives the exec)."""
        return ["ip", "netns", "exec", self.ns(role), "setpriv", "--pdeathsig", "KILL", "--", *argv]

    def popen(self, role, argv, **kwargs):
        """Starts a process inside a lab namespace; close() kills it by pid."""
        process = subprocess.Popen(self.command(role, *argv), **kwargs)
        self.processes.append(process)
        return process

    def call_in(self, role, function, timeout=60):
        """Runs `function` on a thread that entered the namespace (setns is per thread),
        so the test process itself can speak HTTP inside the lab."""
        outcome = {}

        def enter_and_run():
            try:
                with open(f"/run/netns/{self.ns(role)}") as handle:
                    if _libc.setns(handle.fileno(), CLONE_NEWNET) != 0:
                        raise OSError(ctypes.get_errno(), f"setns into {self.ns(role)}")
                outcome["value"] = function()
            except BaseException as error:  # handed to the caller's thread
                outcome["error"] = error

        thread = threading.Thread(target=enter_and_run, daemon=True)
        thread.start()
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError(f"{function} inside {role} took more than {timeout}s")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    # ---- tearing down ---------------------------------------------------------------

    def close(self):
        if self._closed:
            return
        self._closed = True
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass  # delete_namespace below kills what is left inside
        for name in reversed(self.namespaces):
            delete_namespace(name)
        for sig, handler in getattr(self, "_previous_handlers", {}).items():
            signal.signal(sig, handler)
        atexit.unregister(self.close)


def lab_namespaces():
    listing = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, timeout=10).stdout
    return [line.split()[0] for line in listing.splitlines() if line.startswith(PREFIX + "-")]


def delete_namespace(name):
    """Kills what still runs inside (only lab processes can), then deletes it."""
    pids = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True, timeout=10).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass
    subprocess.run(["ip", "netns", "delete", name], capture_output=True, timeout=10)


def remove_leftovers():
    """Deletes namespaces of earlier runs whose test process no longer exists (a run
    killed with SIGKILL cannot clean up); a concurrent live run is left alone."""
    for name in lab_namespaces():
        match = re.match(rf"{PREFIX}-(\d+)-", name)
        if match and not _alive(int(match.group(1))):
            delete_namespace(name)


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
