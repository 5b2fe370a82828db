"""TURN through the appliance with coturn's own client, using credentials the REST API
minted: the one-secret promise (DESIGN.md, "Credentials") end to end."""
import re
import subprocess

import requests

from conftest import free_port_pair, uclient_totals

USER = {"username": "turn@example.com", "password": "TurnPass123", "confirmPassword": "TurnPass123"}


def credentials(appliance):
    token = requests.post(appliance.url + "/api/auth/register", json=USER, timeout=30).json()["token"]
    servers = requests.get(appliance.url + "/api/turn/credentials", headers={"Authorization": f"Bearer {token}"}).json()
    turn = servers["iceServers"][1]
    return turn["username"], turn["credential"]


def uclient(appliance, username, password, *extra):
    # -y: client-to-client through two allocations; -e/-r: the peer address; loopback
    # peers are allowed for this test only (NOTRACK_RELAY_ALLOW_LOOPBACK_PEERS).
    command = ["turnutils_uclient", "-p", str(appliance.relay_port), "-u", username, "-w", password,
               "-e", "127.0.0.1", "-r", str(free_port_pair()), "-n", "50", "-m", "2", "-l", "170", "-y",
               *extra, "127.0.0.1"]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_uclient_relays_with_api_credentials_over_udp_and_tcp(appliance_factory):
    appliance = appliance_factory(env={"NOTRACK_RELAY_ALLOW_LOOPBACK_PEERS": "true"}).start()
    username, password = credentials(appliance)
    for transport in ([], ["-t"]):
        result = uclient(appliance, username, password, *transport)
        output = result.stdout + result.stderr
        sent, received, lost = uclient_totals(output)
        print(transport or "udp", "sent", sent, "received", received, "lost", lost)
        assert sent == 200 and received == 200 and lost == 0, output[-3000:]
    appliance.stop()


def test_uclient_is_refused_with_a_wrong_password(appliance_factory):
    appliance = appliance_factory(env={"NOTRACK_RELAY_ALLOW_LOOPBACK_PEERS": "true"}).start()
    username, _ = credentials(appliance)
    result = uclient(appliance, username, "not-the-credential")
    output = result.stdout + result.stderr
    assert "tot_recv_msgs=200" not in output
    assert re.search(r"401|cannot|error", output, re.IGNORECASE), output[-2000:]
    appliance.stop()
