"""The reference's "Complete Call Flow Example" with two python-socketio clients against
the real binary, over WebSocket and over long-polling, plus the call protocol's errors."""
import threading

import pytest
import requests
import socketio

SDP_OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
SDP_ANSWER = SDP_OFFER.replace("o=- 1 2", "o=- 3 4")
CANDIDATE = {"candidate": "candidate:1 1 UDP 2130706431 192.0.2.10 54321 typ host", "sdpMLineIndex": 0, "sdpMid": "0"}


class Phone:
    """One user: a token from the REST API and a Socket.IO client that records events."""

    def __init__(self, url, name, transports):
        user = {"username": f"{name}@example.com", "password": "CallPass123", "confirmPassword": "CallPass123"}
        body = requests.post(url + "/api/auth/register", json=user, timeout=30).json()
        self.token, self.extension = body["token"], body["extension"]
        self.events, self.arrived = [], threading.Condition()
        self.client = socketio.Client(reconnection=False)
        for name in ("ice-servers", "incoming-call", "call-made", "answer-made", "ice-candidate-received", "call-ended", "error"):
            self.client.on(name, self.recorder(name))
        self.client.connect(url, auth={"token": self.token}, transports=transports, wait_timeout=10)

    def recorder(self, name):
        def record(data):
            with self.arrived:
                self.events.append((name, data))
                self.arrived.notify_all()
        return record

    def wait(self, name, timeout=10):
        with self.arrived:
            if not self.arrived.wait_for(lambda: any(event == name for event, _ in self.events), timeout=timeout):
                raise AssertionError(f"{self.extension} never got {name}; got {self.events}")
            index = next(i for i, (event, _) in enumerate(self.events) if event == name)
            return self.events.pop(index)[1]


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

    alice.client.emit("call-user", {"targetExtension": bob.extension, "offer": {"type": "offer", "sdp": SDP_OFFER}})
    assert alice.wait("call-made") == {"to": bob.extension}
    assert bob.wait("incoming-call") == {"from": alice.extension, "offer": {"type": "offer", "sdp": SDP_OFFER}}

    alice.client.emit("ice-candidate", {"targetExtension": bob.extension, "candidate": CANDIDATE})
    assert bob.wait("ice-candidate-received") == {"from": alice.extension, "candidate": CANDIDATE}
    bob.client.emit("answer-call", {"targetExtension": alice.extension, "answer": {"type": "answer", "sdp": SDP_ANSWER}})
    assert alice.wait("answer-made") == {"from": bob.extension, "answer": {"type": "answer", "sdp": SDP_ANSWER}}
    bob.client.emit("ice-candidate", {"targetExtension": alice.extension, "candidate": CANDIDATE})
    assert alice.wait("ice-candidate-received")["from"] == bob.extension

    bob.client.emit("end-call", {"targetExtension": alice.extension})
    assert alice.wait("call-ended") == {"from": bob.extension, "reason": "hangup"}
    assert bob.wait("call-ended") == {"from": bob.extension, "reason": "hangup"}
    alice.client.disconnect()
    bob.client.disconnect()


def test_errors_and_disconnect_mid_call(appliance):
    alice, bob = Phone(appliance.url, "carol", ["websocket"]), Phone(appliance.url, "dave", ["websocket"])
    alice.client.emit("call-user", {"targetExtension": "12-34", "offer": {"type": "offer", "sdp": SDP_OFFER}})
    assert alice.wait("error")["code"] == "INVALID_EXTENSION"
    alice.client.emit("call-user", {"targetExtension": "000-000", "offer": {"type": "offer", "sdp": SDP_OFFER}})
    assert alice.wait("error")["code"] in ("USER_NOT_FOUND", "CANNOT_CALL_SELF")
    alice.client.emit("call-user", {"targetExtension": bob.extension, "offer": {"type": "answer", "sdp": SDP_OFFER}})
    assert alice.wait("error")["code"] == "INVALID_PAYLOAD"
    alice.client.emit("end-call", {"targetExtension": bob.extension})
    assert alice.wait("error")["code"] == "NO_ACTIVE_CALL"
    alice.client.emit("call-user", {"targetExtension": alice.extension, "offer": {"type": "offer", "sdp": SDP_OFFER}})
    assert alice.wait("error")["code"] == "CANNOT_CALL_SELF"

    alice.client.emit("call-user", {"targetExtension": bob.extension, "offer": {"type": "offer", "sdp": SDP_OFFER}})
    bob.wait("incoming-call")
    bob.client.emit("call-user", {"targetExtension": alice.extension, "offer": {"type": "offer", "sdp": SDP_OFFER}})
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
