"""TURN through the appliance with coturn's own clients (Debian's coturn package; its
server is never started here): `turnutils_stunclient` for Binding, `turnutils_uclient`
relaying over UDP and TCP with credentials the REST API minted (the one-secret promise,
DESIGN.md "Credentials") and with its own TURN REST shared-secret option (-W), through
channels and through Send/Data indications, many clients at once, and refused when the
credentials are wrong."""
import re
import subprocess

import pytest
import requests

from conftest import free_port_pair, uclient_totals

USER = {"username": "turn@example.com", "password": "TurnPass123", "confirmPassword": "TurnPass123"}
# What `-W` signs usernames with; the appliance takes it as relay.authSecret (coturn's
# static-auth-secret), the way an operator joins a coturn fleet.
SHARED_SECRET = "interop-shared-secret-0123456789abcdef0123456789"


def credentials(appliance):
    token = requests.post(appliance.url + "/api/auth/register", json=USER, timeout=30).json()["token"]
    servers = requests.get(appliance.url + "/api/turn/credentials", headers={"Authorization": f"Bearer {token}"}).json()
    turn = servers["iceServers"][1]
    return turn["username"], turn["credential"]


def uclient(appliance, *options, messages=50, clients=2):
    # -y: client-to-client through two allocations; -e/-r: the peer address; loopback
    # peers are allowed for these tests only (NOTRACK_RELAY_ALLOW_LOOPBACK_PEERS). Each
    # client sends `messages` packets 20 ms apart; -c leaves out the RTCP allocations.
    command = ["turnutils_uclient", "-p", str(appliance.relay_port), "-e", "127.0.0.1",
               "-r", str(free_port_pair()), "-n", str(messages), "-m", str(clients), "-l", "170", "-y",
               *options, "127.0.0.1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return result.stdout + result.stderr


def assert_all_relayed(output, expected):
    assert "tot_send_msgs" in output, "uclient printed no totals:\n" + output[-3000:]
    sent, received, lost = uclient_totals(output)
    assert (sent, received, lost) == (expected, expected, 0), output[-3000:]


@pytest.fixture
def shared_secret_appliance(appliance_factory):
    appliance = appliance_factory(env={
        "NOTRACK_RELAY_ALLOW_LOOPBACK_PEERS": "true",
        "NOTRACK_RELAY_AUTH_SECRET": SHARED_SECRET,
        "NOTRACK_RELAY_MAX_ALLOCATIONS_PER_USER": "500",
    }).start()
    yield appliance
    assert appliance.stop() == 0


def test_stunclient_learns_its_reflexive_address(appliance_factory):
    appliance = appliance_factory().start()
    result = subprocess.run(["turnutils_stunclient", "-p", str(appliance.relay_port), "127.0.0.1"],
                            capture_output=True, text=True, timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"UDP reflexive addr: 127\.0\.0\.1:\d+", output), output
    assert appliance.stop() == 0


def test_uclient_relays_with_api_credentials_over_udp_and_tcp(appliance_factory):
    appliance = appliance_factory(env={"NOTRACK_RELAY_ALLOW_LOOPBACK_PEERS": "true"}).start()
    username, password = credentials(appliance)
    for transport in ([], ["-t"]):
        # -g: DONT-FRAGMENT in every Allocate.
        output = uclient(appliance, "-u", username, "-w", password, "-g", *transport)
        # Two clients, each an RTP and an RTCP allocation sending 50 messages.
        assert_all_relayed(output, 200)
    assert appliance.stop() == 0


@pytest.mark.parametrize("transport", [[], ["-t"]], ids=["udp", "tcp"])
@pytest.mark.parametrize("method", [[], ["-s"]], ids=["channels", "indications"])
def test_uclient_relays_with_its_shared_secret_option(shared_secret_appliance, transport, method):
    # -W: uclient mints its own "<expiry>:<user>" username and HMAC password, as a web
    # app's backend would for coturn; -s sends Send indications and gets Data indications.
    output = uclient(shared_secret_appliance, "-W", SHARED_SECRET, "-u", "alice", "-c", *transport, *method)
    assert_all_relayed(output, 100)


def test_many_uclient_clients_at_once(shared_secret_appliance):
    # 50 clients, 100 allocations, interleaved on one listener.
    output = uclient(shared_secret_appliance, "-W", SHARED_SECRET, "-u", "crowd", "-c", clients=50, messages=20)
    assert_all_relayed(output, 50 * 20)


def test_uclient_is_refused_with_a_wrong_password(appliance_factory):
    appliance = appliance_factory(env={"NOTRACK_RELAY_ALLOW_LOOPBACK_PEERS": "true"}).start()
    username, _ = credentials(appliance)
    output = uclient(appliance, "-u", username, "-w", "not-the-credential")
    assert "tot_recv_msgs=200" not in output
    assert re.search(r"error 401|Unauthorized|cannot", output, re.IGNORECASE), output[-2000:]
    assert appliance.stop() == 0


def test_uclient_is_refused_with_another_shared_secret(shared_secret_appliance):
    output = uclient(shared_secret_appliance, "-W", "another-secret-of-sufficient-length-0123456789", "-u", "alice")
    assert not re.search(r"tot_recv_msgs=[1-9]", output), output[-2000:]
    assert re.search(r"error 401|Unauthorized|cannot", output, re.IGNORECASE), output[-2000:]
