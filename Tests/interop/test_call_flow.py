"""The reference's "Complete Call Flow Example" with two python-socketio clients against
the real binary, over WebSocket and over long-polling, plus the call protocol's errors."""
import pytest
import requests
import socketio
from prometheus_client.parser import text_string_to_metric_families

from phones import ANSWER, CANDIDATE, OFFER, SDP_OFFER, Phone


@pytest.fixture
def appliance(appliance_factory):
    running = appliance_factory(env={"NOTRACK_RATE_LIMIT_SOCKET_CONNECTS_MAX": "100"}).start()
    yield running
    running.stop()


@pytest.mark.parametrize("transports", [["websocket"], ["polling"]])
def test_complete_call_flow(appliance, transports):
    alice, bob = Phone(appliance.url, "alice", transports), Phone(appliance.url, "bob", transports)
    ice = alice.wait("ice-servers")
    assert ice["ttl"] > 0 and any("username" in server for server in ice["iceServers"])

    alice.client.emit("call-user", {"targetExtension": bob.extension, "offer": OFFER})
    assert alice.wait("call-made") == {"to": bob.extension}
    assert bob.wait("incoming-call") == {"from": alice.extension, "offer": OFFER}

    alice.client.emit("ice-candidate", {"targetExtension": bob.extension, "candidate": CANDIDATE})
    assert bob.wait("ice-candidate-received") == {"from": alice.extension, "candidate": CANDIDATE}
    bob.client.emit("answer-call", {"targetExtension": alice.extension, "answer": ANSWER})
    assert alice.wait("answer-made") == {"from": bob.extension, "answer": ANSWER}
    bob.client.emit("ice-candidate", {"targetExtension": alice.extension, "candidate": CANDIDATE})
    assert alice.wait("ice-candidate-received")["from"] == bob.extension

    bob.client.emit("end-call", {"targetExtension": alice.extension})
    assert alice.wait("call-ended") == {"from": bob.extension, "reason": "hangup"}
    assert bob.wait("call-ended") == {"from": bob.extension, "reason": "hangup"}
    metrics = prometheus(appliance.url)
    assert metrics[("calls_total", (("outcome", "answered"),))] == 1
    assert metrics[("call_setup_seconds_count", ())] == 1 and metrics[("call_duration_seconds_count", ())] == 1
    assert metrics[("websocket_connections_active", ())] == 2
    assert metrics[("socketio_events_total", (("direction", "received"), ("event", "call-user")))] == 1
    assert metrics[("socketio_events_total", (("direction", "sent"), ("event", "call-ended")))] == 2
    # The server's share of each relay is timed over WebSocket only (a poll's wait is the client's).
    relays = metrics.get(("socketio_event_relay_seconds_count", ()), 0)
    if transports == ["websocket"]:
        # call-made, incoming-call, two candidates, answer-made and two call-ended, at least
        assert relays >= 7
        assert metrics[("socketio_event_relay_seconds_bucket", (("le", "+Inf"),))] == relays
    else:
        assert relays == 0
    alice.client.disconnect()
    bob.client.disconnect()


def prometheus(url):
    """The /metrics samples keyed by (name, sorted labels)."""
    text = requests.get(url + "/metrics", timeout=10).text
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def test_errors_and_disconnect_mid_call(appliance):
    alice, bob = Phone(appliance.url, "carol", ["websocket"]), Phone(appliance.url, "dave", ["websocket"])
    alice.client.emit("call-user", {"targetExtension": "12-34", "offer": OFFER})
    assert alice.wait("error")["code"] == "INVALID_EXTENSION"
    nobody = next(number for number in ("100-000", "100-001", "100-002") if number not in (alice.extension, bob.extension))
    alice.client.emit("call-user", {"targetExtension": nobody, "offer": OFFER})
    assert alice.wait("error")["code"] == "USER_NOT_FOUND"
    alice.client.emit("call-user", {"targetExtension": bob.extension, "offer": {"type": "answer", "sdp": SDP_OFFER}})
    assert alice.wait("error")["code"] == "INVALID_PAYLOAD"
    alice.client.emit("end-call", {"targetExtension": bob.extension})
    assert alice.wait("error")["code"] == "NO_ACTIVE_CALL"
    alice.client.emit("call-user", {"targetExtension": alice.extension, "offer": OFFER})
    assert alice.wait("error")["code"] == "CANNOT_CALL_SELF"

    alice.client.emit("call-user", {"targetExtension": bob.extension, "offer": OFFER})
    bob.wait("incoming-call")
    bob.client.emit("call-user", {"targetExtension": alice.extension, "offer": OFFER})
    assert bob.wait("error")["code"] == "ALREADY_IN_CALL"
    bob.client.disconnect()
    assert alice.wait("call-ended") == {"from": bob.extension, "reason": "disconnect"}
    alice.client.disconnect()


def test_refused_connect_without_a_valid_token(appliance):
    client = socketio.Client(reconnection=False)
    refusals = []
    client.on("connect_error", refusals.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(appliance.url, auth={"token": "not-a-jwt"}, transports=["websocket"], wait_timeout=10)
    assert refusals and refusals[0]["message"] == "Authentication failed"
    assert refusals[0]["data"]["code"] == "AUTHENTICATION_FAILED"
