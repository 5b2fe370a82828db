"""The reason NoTrack exists, proven: two users, each behind a symmetric NAT, cannot reach
each other directly, yet call each other through the appliance (docs/nat-proof.md).

Runs as root: it builds its own network of namespaces (netlab.NetLab) and the real
binary runs inside it. Every step is bounded; what each step proved is printed.
"""
import os
import shutil
import sys
from pathlib import Path

import pytest

import netlab
from lab_processes import LabAppliance, LabProcess
from netlab import APPLIANCE_IP, OBSERVER_IP, OFFICES

HERE = Path(__file__).resolve().parent

PYTHON = sys.executable


def require_the_lab():
    if os.geteuid() != 0:
        message = "the NAT lab needs root for ip netns and iptables (CI runs as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    missing = [tool for tool in ("ip", "iptables", "setpriv", "turnutils_uclient") if not shutil.which(tool)]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run scripts/install-test-deps.sh")


def proclaim(capsys, *lines):
    """Prints what a step proved even under pytest -q."""
    with capsys.disabled():
        print("\n" + "\n".join(f"  nat-proof: {line}" for line in lines))


@pytest.fixture(scope="module")
def lab():
    require_the_lab()
    with netlab.NetLab() as running:
        yield running


@pytest.fixture(scope="module")
def appliance(lab, tmp_path_factory):
    box = LabAppliance(lab, tmp_path_factory.mktemp("nat-appliance"))
    try:
        box.start()
        yield box
    finally:
        box.stop()




def test_direct_udp_between_the_offices_never_arrives(lab, appliance, tmp_path, capsys):
    """The control: with host and server-reflexive addresses known to both sides, UDP hole
    punching in both directions at once gets nothing through."""
    observer = lab.popen("internet", [PYTHON, str(HERE / "punch.py"), "observe",
                                      "--bind", f"{OBSERVER_IP}:3479", "--seconds", "60"])
    try:
        probes = {office.name: LabProcess(
            lab, f"client-{office.name}",
            [PYTHON, str(HERE / "punch.py"), "probe", "--bind", office.client_ip,
             "--stun", f"{APPLIANCE_IP}:3478", "--observer", f"{OBSERVER_IP}:3479"],
            tmp_path / f"probe-{office.name}.log") for office in OFFICES}
        seen = {name: probe.expect(timeout=20) for name, probe in probes.items()}
        for office in OFFICES:
            addresses = seen[office.name]
            assert addresses["host"][0] == office.client_ip
            assert addresses["srflx"][0] == addresses["observed"][0] == office.wan_ip, addresses
            # One socket, two destinations, two public ports: the mapping depends on the
            # destination, so the appliance's STUN answer is useless to the other office.
            assert addresses["srflx"][1] != addresses["observed"][1], addresses

        probes["a"].send({"peer": seen["b"], "seconds": 3})
        probes["b"].send({"peer": seen["a"], "seconds": 3})
        results = {name: probe.expect(timeout=20) for name, probe in probes.items()}
        proclaim(capsys, *(
            f"office {name}: host {seen[name]['host']}, srflx {seen[name]['srflx']} via the appliance's STUN, "
            f"{seen[name]['observed']} seen by a second observer; hole punching sent {results[name]['sent']} "
            f"datagrams, received {results[name]['received']}" for name in results))
        for name, result in results.items():
            assert result["sent"] > 100, result
            assert result["received"] == 0, f"office {name} got direct traffic: {result}"
    finally:
        observer.kill()

