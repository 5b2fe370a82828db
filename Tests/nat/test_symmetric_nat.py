"""The reason NoTrack exists, proven: two users, each behind a symmetric NAT, cannot reach
each other directly, yet call each other through the appliance (docs/nat-proof.md).

Runs as root: it builds its own network of namespaces (netlab.NetLab) and the real
binary runs inside it. Every step is bounded; what each step proved is printed.
"""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "interop"))  # the end-to-end suite's helpers
from conftest import uclient_totals  # noqa: E402

import netlab  # noqa: E402
from lab_processes import LabAppliance, LabProcess  # noqa: E402
from netlab import APPLIANCE_IP, OBSERVER_IP, OFFICES  # noqa: E402

PYTHON = sys.executable
PASSWORD = "OfficePhone123"
TONES = {"caller": 440, "callee": 660}


def require_the_lab():
    if os.geteuid() != 0:
        message = "the NAT lab needs root for ip netns and iptables (CI runs as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    missing = [tool for tool in ("ip", "iptables", "sysctl", "setpriv", "turnutils_uclient") if not shutil.which(tool)]
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


@pytest.fixture(scope="module")
def phones(lab, appliance, tmp_path_factory):
    logs = tmp_path_factory.mktemp("nat-phones")
    started = {}
    try:
        for office in OFFICES:
            started[office.name] = LabProcess(
                lab, f"client-{office.name}",
                [PYTHON, str(HERE / "phone.py"), "--api", appliance.url,
                 "--username", f"phone@office-{office.name}.example", "--password", PASSWORD],
                logs / f"phone-{office.name}.log")
        for phone in started.values():
            phone.ready = phone.expect("ready", timeout=120)
        yield started
    finally:
        for phone in started.values():
            phone.stop()


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


def test_each_phone_signs_in_and_takes_its_ice_servers_from_the_appliance(phones, capsys):
    for name, phone in phones.items():
        ready = phone.ready
        stun, turn = ready["iceServers"]["iceServers"]
        # The STUN and TURN URLs name relay.publicAddress, the box as the internet sees it.
        assert stun["urls"] == [f"stun:{APPLIANCE_IP}:3478"], stun
        assert f"turn:{APPLIANCE_IP}:3478?transport=udp" in turn["urls"], turn
        assert turn["username"].endswith(":" + ready["extension"]) and turn["credential"], turn
        assert ready["restTurn"]["urls"] == turn["urls"], (ready["restTurn"], turn)
        proclaim(capsys, f"phone {name}: registered ({ready['registered']}), logged in as {ready['extension']}, "
                         f"ICE servers from the `ice-servers` event: {stun['urls'] + turn['urls']}")


@pytest.mark.parametrize("policy", ["relay", "all"], ids=["relay-only", "all-candidates"])
def test_a_call_between_the_offices_relays_through_the_appliance(appliance, phones, policy, capsys):
    caller, callee = phones["a"], phones["b"]
    relayed_before = appliance.relayed_packets()

    callee.send({"do": "answer", "policy": policy, "tone": TONES["callee"], "expect": TONES["caller"]})
    callee.expect("armed", timeout=10)
    caller.send({"do": "call", "to": callee.ready["extension"], "policy": policy,
                 "tone": TONES["caller"], "expect": TONES["callee"]})
    heard = {"caller": caller.expect("measured", timeout=90), "callee": callee.expect("measured", timeout=90)}
    caller.send({"do": "hangup"})
    ended = {"caller": caller.expect("ended", timeout=30), "callee": callee.expect("ended", timeout=30)}

    received = sum(end["packetsReceived"] for end in ended.values())
    deadline = time.monotonic() + 5  # the relay publishes its counters once a second
    while (relayed := appliance.relayed_packets() - relayed_before) < received and time.monotonic() < deadline:
        time.sleep(0.25)

    assert all(report["selectedPair"] for report in heard.values()), heard
    proclaim(capsys, f"{policy} ICE:", *(
        f"{role}: sent {sorted(heard[role]['candidatesSent'])} candidates by trickle, received "
        f"{ended[role]['candidatesReceived']}; selected pair {heard[role]['selectedPair']['local']['type']} -> "
        f"{heard[role]['selectedPair']['remote']['type']} ({heard[role]['selectedPair']['local']['address']} -> "
        f"{heard[role]['selectedPair']['remote']['address']}); heard {heard[role]['frequency']} Hz "
        f"(expected {heard[role]['expected']}, {heard[role]['purity']:.1%} of the energy); "
        f"{ended[role]['framesReceived']} audio frames, {ended[role]['packetsReceived']} RTP packets received; "
        f"checks {heard[role]['checks']}" for role in ("caller", "callee")),
        f"the appliance relayed {relayed:.0f} packets during the call; call-ended reached the callee as "
        f"{ended['callee']['callEnded']}")

    extensions = {"caller": caller.ready["extension"], "callee": callee.ready["extension"]}
    for role, report in heard.items():
        pair = report["selectedPair"]
        if policy == "relay":
            assert pair["local"]["type"] == pair["remote"]["type"] == "relay", report
        else:
            assert "relay" in (pair["local"]["type"], pair["remote"]["type"]), report
            assert {"host", "srflx", "relay"} <= set(report["candidatesSent"]), report
        # No pair without the relay ever got an answer: the NATs let nothing through.
        succeeded = [pair for pair, count in report["checks"].items() if pair.endswith(":succeeded")]
        assert succeeded and all("relay" in pair for pair in succeeded), report["checks"]
        assert abs(report["frequency"] - report["expected"]) < 2, report
        assert report["purity"] > 0.8, report
        assert ended[role]["framesReceived"] >= 60 and ended[role]["packetsReceived"] >= 50, ended[role]
    assert ended["caller"]["candidatesReceived"] == sorted(heard["callee"]["candidatesSent"])
    assert ended["callee"]["candidatesReceived"] == sorted(heard["caller"]["candidatesSent"])
    assert ended["callee"]["callEnded"] == {"from": extensions["caller"], "reason": "hangup"}
    assert ended["caller"]["callEnded"] == {"from": extensions["caller"], "reason": "hangup"}
    # Every RTP packet either phone received crossed at least one allocation of the box.
    assert relayed >= received, (relayed, received)


def test_coturn_client_relays_from_behind_a_symmetric_nat(lab, appliance, phones, capsys):
    """coturn's turnutils_uclient in office A allocates through its NAT with the TURN
    credential the REST API gave phone A, and relays between two allocations."""
    turn = phones["a"].ready["restTurn"]
    for transport in ([], ["-t"]):
        command = lab.command("client-a", "turnutils_uclient", "-p", "3478", "-u", turn["username"],
                              "-w", turn["credential"], "-n", "50", "-m", "2", "-l", "170", "-y",
                              *transport, APPLIANCE_IP)
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        output = result.stdout + result.stderr
        sent, received, lost = uclient_totals(output)
        proclaim(capsys, f"turnutils_uclient over {'TCP' if transport else 'UDP'} from office A: "
                         f"sent {sent}, received {received}, lost {lost}")
        assert sent == 200 and received == 200 and lost == 0, output[-3000:]
