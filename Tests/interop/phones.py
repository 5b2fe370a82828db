"""A test phone: one user with a token from the REST API and a python-socketio client
that records every server event, shared by the call tests."""
import itertools
import threading

import requests
import socketio

SDP_OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
SDP_ANSWER = SDP_OFFER.replace("o=- 1 2", "o=- 3 4")
OFFER = {"type": "offer", "sdp": SDP_OFFER}
ANSWER = {"type": "answer", "sdp": SDP_ANSWER}
CANDIDATE = {"candidate": "candidate:1 1 UDP 2130706431 192.0.2.10 54321 typ host", "sdpMLineIndex": 0, "sdpMid": "0"}
SERVER_EVENTS = ("ice-servers", "incoming-call", "call-made", "answer-made", "ice-candidate-received", "call-ended", "error")
_names = itertools.count()


def register(url, name):
    """Registers a fresh account; returns (token, extension)."""
    password = "CallPass123"
    user = {"username": f"{name}{next(_names)}@example.com", "password": password, "confirmPassword": password}
    response = requests.post(url + "/api/auth/register", json=user, timeout=30)
    assert response.status_code == 201, response.text
    body = response.json()
    return body["token"], body["extension"]


class Phone:
    """One user's Socket.IO session. `connect=False` leaves connecting to the test."""

    def __init__(self, url, name, transports=("websocket",), token=None, extension=None, connect=True):
        self.url, self.transports = url, list(transports)
        if token is None:
            token, extension = register(url, name)
        self.token, self.extension = token, extension
        self.events, self.arrived = [], threading.Condition()
        self.disconnected = threading.Event()
        self.client = socketio.Client(reconnection=False)
        for event in SERVER_EVENTS:
            self.client.on(event, self.recorder(event))
        self.client.on("disconnect", lambda *reason: self.disconnected.set())
        if connect:
            self.connect()

    def connect(self, **options):
        options.setdefault("auth", {"token": self.token})
        self.client.connect(self.url, transports=self.transports, wait_timeout=10, **options)
        return self

    def recorder(self, name):
        def record(data):
            with self.arrived:
                self.events.append((name, data))
                self.arrived.notify_all()
        return record

    def wait(self, name, timeout=10):
        """The oldest unread `name` event's body, waiting up to `timeout` seconds."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: any(event == name for event, _ in self.events), timeout=timeout):
                raise AssertionError(f"{self.extension} never got {name}; got {self.events}")
            index = next(i for i, (event, _) in enumerate(self.events) if event == name)
            return self.events.pop(index)[1]

    def received(self, name):
        with self.arrived:
            return [body for event, body in self.events if event == name]

    def call(self, other):
        self.client.emit("call-user", {"targetExtension": other.extension, "offer": OFFER})

    def close(self):
        if self.client.connected:
            self.client.disconnect()
