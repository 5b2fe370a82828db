"""A black-box fuzzer of notrack's HTTP API and Socket.IO signaling.

It starts the built binary itself, twice, each time in a temporary working directory on
free loopback ports, in development mode, with a JWT secret of its own (so it can mint
tokens of every shape) and Swagger UI's files from `.notrack-assets` (a stand-in index.html
when there are none, so that /api-docs files answer 404 rather than the documented 503):
first with generous NOTRACK_RATE_LIMIT_* values, so that hostile input reaches the handlers
rather than a 429, for about three quarters of SECONDS; then with the default limits for
the rest (at least 10 s). Each run warms up (VOLLEYS rounds of the largest inputs from every
worker at once, then WARM_UP seconds of the mix below, so that the baseline already
includes the server's largest buffers), then fuzzes in batches of BATCH seconds until its
share is used.

In every batch WORKERS threads send, from source addresses 127.0.0.2 … 127.0.0.50:
  * raw HTTP junk: bad request lines (HTTP/0.9, 9.9, NUL bytes, 1 MB targets, TLS and
    HTTP/2 prefaces, random bytes), huge and numerous headers, folded, colon-less and
    duplicate headers, conflicting Content-Length / Transfer-Encoding, non-canonical paths
    (`//api/auth/login`, `/x/..`, `%2F`, `..;/`, traversal under /api-docs), odd methods,
    bad JSON (truncated, 100,000 levels deep, invalid UTF-8, lone surrogates, over 100 KiB)
    and wrong content types to the auth endpoints, bad bearer tokens (alg none, HS512,
    expired, bad claims, 100 KB) to /api/turn/credentials, pipelined bursts with junk
    in the middle, chunked bodies trickled a few bytes at a time or with bad chunk sizes;
  * Engine.IO: handshakes with bad EIO / transport / sid / paths and methods; real
    long-polling sessions given bad packet types, bad binary packets, 20,000 packets in one
    body, bodies over maxPayload, bodies whose Content-Length lies, duplicate concurrent
    GETs, POSTs after a close, abandoned polls, WebSocket upgrades of a polling session with
    wrong probes;
  * Socket.IO packets over WebSocket and polling: CONNECT with bad namespaces and bad or
    forged tokens, bad JSON, binary events whose attachment count is wrong, acks with absurd
    ids, unknown packet types;
  * call events from authenticated WebSocket sessions (tokens minted for throw-away
    extensions, never the check's users): call-user, answer-call, ice-candidate, end-call
    and names the server never expects, with missing fields, wrong types, 64 KiB+ SDPs, odd
    extensions, extra arguments and ack ids, mixed with valid call set-ups between two of
    them, connections reset mid-call and sessions replaced mid-call;
  * malformed WebSocket traffic: bad upgrade requests, unmasked frames, reserved bits and
    opcodes, oversized or fragmented control frames, lying 64-bit lengths, invalid UTF-8,
    bad close codes, messages over maxPayload, 20,000 fragments, floods of pings;
and, across batches, up to MAX_HELD held connections: slowloris clients (a header or body
byte a second, a WebSocket upgrade a byte a second), idle ones, and clients that never read
while the server writes (pipelined GET /swagger.json, WebSocket pings, events answered
with errors, an abandoned poll), each held for HOLD_FOR seconds at most.

After every batch two users registered through the REST API connect with python-socketio
over WebSocket (from fresh addresses, so the default connection limit never bites) and
complete a call within CALL_TIMEOUT seconds: call-user -> call-made and incoming-call ->
ice-candidate -> ice-candidate-received -> answer-call -> answer-made -> end-call ->
call-ended {from, reason: hangup} on both (the reference's names; `make-answer` is not one).

It fails when: any HTTP response it reads, or any request the server logs, has a 5xx status
(the request is printed, and written whole under --findings); the process dies (the last
inputs are printed and written); a call does not complete; or, after the fuzzer has closed
every socket and waited up to SETTLE seconds, the descriptors have not returned to the
baseline taken after the warm-up (+FD_SLACK) or RSS grew by more than 20 MB. It prints a
summary per run (inputs per kind, statuses per kind, what the server said on Socket.IO,
what became of the held connections, RSS and descriptors, calls) and exits non-zero with a
sentence per failure. A graceful stop (SIGTERM) that takes more than 15 s is a warning.

Run it with `scripts/fuzz-signal.sh [SECONDS]` (default 120), or
`.venv-test/bin/python Tests/blackbox/signal_fuzz.py SECONDS [--binary PATH] [--seed N]`.
The seed is printed first; the same seed makes the same choices (timing still differs).
"""
import argparse
import collections
import json
import os
import random
import secrets
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

import socketio

import signal_corpus as corpus
import signal_wire as wire
from common import DEFAULT_BINARY, ROOT, NotrackProcess, free_port_pair, mb, pick

sys.path.insert(0, str(ROOT / "Tests" / "interop"))
from phones import ANSWER, CANDIDATE, OFFER, SERVER_EVENTS  # noqa: E402  the payloads test_call_flow uses

BATCH = 5.0               # seconds of hostile traffic between two calls
WARM_UP = 8.0             # seconds of the full mix after the volleys, before the baseline
VOLLEYS = 3               # rounds of the largest inputs from every worker at once, in the warm-up
WORKERS = 16
CALL_TIMEOUT = 10.0
MAX_RSS_GROWTH = 20 * 1024 * 1024
FD_SLACK = 2
SETTLE = 30.0             # how long the server may take to drop what the fuzzer closed
BASELINE_SETTLE = 10.0
MAX_HELD = 40
HOLD_FOR = 30.0
READ_TIMEOUT = 2.0
STOP_TIMEOUT = 40.0        # a pending long-poll holds up a graceful stop until its ping (25 s)
RECENT = 60               # inputs kept for a crash report

SOURCES = [f"127.0.0.{n}" for n in range(2, 51)]
ASSETS = ROOT / ".notrack-assets"
GENEROUS = {"NOTRACK_RATE_LIMIT_AUTH_MAX": "100000", "NOTRACK_RATE_LIMIT_API_MAX": "100000",
            "NOTRACK_RATE_LIMIT_SOCKET_CONNECTS_MAX": "100000", "NOTRACK_RATE_LIMIT_SOCKET_EVENTS_MAX": "100000"}


def check_source(n):
    """The check's n-th address: 127.1.x.y, apart from the fuzzing sources."""
    return f"127.1.{n // 250 % 250}.{n % 250 + 1}"


def describe(data, limit=300):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return repr(data)
    return f"{data[:limit * 2 // 3]!r} … {data[-limit // 5:]!r} ({len(data)} bytes)"


# The process under test.

class Appliance(NotrackProcess):
    def __init__(self, binary, workdir, secret, limits):
        self.port = free_port_pair()
        env = {"PORT": str(self.port), "NOTRACK_RELAY_PORT": str(free_port_pair()), "NOTRACK_LOG_FORMAT": "json",
               "NOTRACK_ENVIRONMENT": "development", "NOTRACK_AUTH_JWT_SECRET": secret, **limits}
        assets = ASSETS
        if not (ASSETS / "swagger-ui" / "index.html").is_file():
            # a stand-in, so that /api-docs files answer 404 rather than the documented 503
            assets = Path(workdir) / "assets"
            (assets / "swagger-ui").mkdir(parents=True)
            (assets / "swagger-ui" / "index.html").write_text("<!doctype html><title>stand-in</title>\n")
        env["NOTRACK_HTTP_ASSETS_DIR"] = str(assets)
        super().__init__(binary, workdir, env)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"notrack exited at start ({self.process.returncode}):\n{self.log_tail()}")
            if self.live():
                return
            time.sleep(0.1)
        raise RuntimeError(f"notrack did not answer /health/live within {timeout} s:\n{self.log_tail()}")

    def live(self, timeout=1.0):
        try:
            with wire.connect(self.port, "127.0.0.1", timeout) as sock:
                sock.sendall(wire.request("GET", "/health/live", [("Connection", "close")]))
                responses, _, _ = wire.read_responses(sock, 1, timeout)
            return bool(responses) and responses[0].status == 200
        except OSError:
            return False

    def logged_server_errors(self):
        """Request log lines with a 5xx status, and error/critical lines."""
        statuses, errors = [], []
        try:
            with open(self.log_path, errors="replace") as log:
                for line in log:
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue
                    if str(entry.get("status", "")).startswith("5"):
                        statuses.append(entry)
                    elif entry.get("level") in ("error", "critical"):
                        errors.append(entry)
        except FileNotFoundError:
            pass
        return statuses, errors


# What was sent and what came back.

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = collections.Counter()                          # kind -> inputs
        self.statuses = collections.defaultdict(collections.Counter)   # kind -> status -> responses
        self.notes = collections.Counter()
        self.server_errors = []      # (kind, label, request bytes, Response)
        self.recent = collections.deque(maxlen=RECENT)   # (time, kind, label, bytes, shown)
        self.examples = {}           # note -> the first input behind it

    def input(self, kind, label, data=b"", shown=None):
        """One input sent; `shown` is what to print for it (a WebSocket message's text
        rather than its masked frame)."""
        with self.lock:
            self.sent[kind] += 1
            if isinstance(data, str):
                data = data.encode("utf-8", "surrogatepass")
            self.recent.append((time.time(), kind, label, data[:1 << 18], shown))

    def responses(self, kind, label, requests, responses):
        with self.lock:
            for n, response in enumerate(responses):
                self.statuses[kind][response.status] += 1
                if response.status >= 500:
                    self.server_errors.append((kind, label, requests[min(n, len(requests) - 1)], response))

    def note(self, what, count=1, example=None):
        with self.lock:
            self.notes[what] += count
            if example is not None:
                self.examples.setdefault(what, example)


class Findings:
    """Whole inputs behind failures, written to a directory so they can be replayed."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.count = 0

    def write(self, name, data):
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        path = self.folder / f"{self.count:03}-{name}.bin"
        path.write_bytes(data if isinstance(data, bytes) else str(data).encode("utf-8", "surrogatepass"))
        return path


# Raw sessions.

class WsSession:
    """A raw Engine.IO session over WebSocket, upgraded with `upgrade` (good by default)."""

    def __init__(self, fuzz, kind, source=None, good=True, target=None, rcvbuf=None, sndbuf=None):
        self.fuzz, self.kind = fuzz, kind
        self.sock = fuzz.connect(source, rcvbuf=rcvbuf, sndbuf=sndbuf)
        request, _ = corpus.ws_upgrade(fuzz.rng, target or wire.eio_target("websocket"), good=good)
        self.open = False
        self.closed = False
        self.frames = wire.FrameReader()
        self.history = [describe(request, 120)]   # what was sent, for the examples
        try:
            fuzz.stats.input(kind, "websocket upgrade" if good else "bad websocket upgrade", request)
            self.sock.sendall(request)
            responses, closed, reader = wire.read_responses(self.sock, 1, READ_TIMEOUT)
        except OSError:
            return
        fuzz.stats.responses(kind, "websocket upgrade", [request], responses)
        self.open = bool(responses) and responses[0].status == 101
        self.frames.buffer = reader.buffer

    def send(self, data, label=None, shown=None):
        if self.closed:
            return False
        if label:
            self.fuzz.stats.input(self.kind, label, data, shown)
        if len(self.history) < 12:
            self.history.append(f"{label or 'frame'}: {describe(shown or data, 120)}")
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.closed = True
            return False

    def text(self, text, label=None):
        return self.send(wire.ws_frame(wire.OP_TEXT, text), label, shown=f"text frame {describe(text)}")

    def drain(self, wait=0.0):
        """The text messages that arrive within `wait` seconds (at least what is waiting)."""
        texts = []
        deadline = time.monotonic() + wait
        while not self.closed:
            left = max(0.0, deadline - time.monotonic())
            try:
                self.sock.settimeout(left if left > 0 else 0.001)
                data = self.sock.recv(1 << 16)
            except (socket.timeout, BlockingIOError):
                break
            except OSError:
                data = b""
            if not data:
                self.closed = True
                break
            frames = self.frames.feed(data)
            if self.frames.http is not None:
                self.fuzz.stats.note("an HTTP response where a WebSocket frame should be",
                                     example=f"{self.frames.http[:200]!r} after: " + " | ".join(self.history))
                self.closed = True
            for _, opcode, payload in frames:
                if opcode == wire.OP_TEXT:
                    text = payload.decode("utf-8", "replace")
                    texts.append(text)
                    self.fuzz.notice(text)
                elif opcode == wire.OP_CLOSE:
                    code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                    self.fuzz.stats.note(f"websocket closed by the server with code {code}")
        return texts

    def join(self, auth, wait=2.0):
        """CONNECT to the main namespace; whether the server accepted."""
        if not self.open:
            return False
        self.drain(0.0)   # the open packet
        self.text("40" + json.dumps(auth), "socket.io connect")
        deadline = time.monotonic() + wait
        while not self.closed and time.monotonic() < deadline:
            for text in self.drain(0.2):
                if text.startswith("40"):
                    return True
                if text.startswith("44"):
                    return False
        return False

    def close(self, rng):
        how = rng.random()
        if how < 0.3:
            wire.reset(self.sock)
            return
        if how < 0.6 and not self.closed:
            try:
                self.sock.sendall(wire.ws_frame(wire.OP_CLOSE, (1000).to_bytes(2, "big")))
            except OSError:
                pass
        self.sock.close()


# The attacks: each runs for a second or two and returns.

class Attacker:
    def __init__(self, fuzz, rng):
        self.fuzz, self.rng, self.stats = fuzz, rng, fuzz.stats
        self.secret = fuzz.secret

    def http(self, kind, label, data, expect=1, timeout=READ_TIMEOUT, heads=(), requests=None, source=None,
             rcvbuf=None):
        """Sends `data` on a new connection and reads up to `expect` responses."""
        try:
            sock = self.fuzz.connect(source, rcvbuf=rcvbuf)
        except OSError:
            self.stats.note("connections refused or timed out")
            return []
        self.stats.input(kind, label, data)
        try:
            try:
                sock.sendall(data)
            except OSError:
                self.stats.note("sends cut short by the server")
            responses, _, reader = wire.read_responses(sock, expect, timeout, heads)
            self.stats.responses(kind, label, requests or [data], responses)
            if reader.broken:
                self.stats.note(f"responses that could not be parsed ({reader.broken[:60]})",
                                example=f"{label}: {describe(data)} -> {describe(reader.buffer)}")
            return responses
        finally:
            sock.close()

    def http_junk(self):
        rng = self.rng
        if rng.random() < 0.15:   # a pipeline with junk in the middle
            good = wire.request("GET", rng.choice(["/health/live", "/", "/api/health/redis"]))
            label, bad = corpus.junk_request(rng, self.secret)
            requests = [good] * rng.randint(1, 30) + [bad] + [good] * rng.randint(0, 30)
            self.http("http", "pipeline around " + label, b"".join(requests), expect=len(requests),
                      requests=requests, heads={n for n, one in enumerate(requests) if one.startswith(b"HEAD ")})
            return
        label, data = corpus.junk_request(rng, self.secret)
        self.http("http", label, data, heads={0} if data.startswith(b"HEAD ") else ())

    def trickle(self):
        """A body sent a few bytes at a time: chunked, or shorter than its Content-Length."""
        rng = self.rng
        sid = self.handshake("trickle") if rng.random() < 0.3 else None
        target = wire.eio_target("polling", sid) if sid else rng.choice(corpus.AUTH_ROUTES)
        body = corpus.bad_json_body(rng) if not sid else corpus.polling_body(rng)
        body = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
        body = body[:rng.choice((50, 5000, 200_000))]
        is_chunked = rng.random() < 0.6
        headers = [("Content-Type", "application/json" if not sid else "text/plain;charset=UTF-8")]
        if is_chunked:
            headers.append(("Transfer-Encoding", "chunked"))
            sizes = [rng.choice((1, 3, 100))] * rng.randint(3, 15)
            last = pick(rng, [(5, b"0\r\n\r\n"), (1, b""), (1, b"zz\r\n\r\n"), (1, b"-1\r\n\r\n"),
                              (1, b"ffffffffffffffffff\r\nx\r\n"), (1, b"1;" + b"e" * 10_000 + b"\r\nx\r\n0\r\n\r\n"),
                              (1, b"0\r\nX-Trailer: " + b"t" * 10_000 + b"\r\n\r\n")])
            payload = wire.chunked(body, sizes, last)
        else:
            lie = pick(rng, [(3, len(body)), (2, len(body) + rng.choice((1, 1000))), (1, 10 ** 12),
                             (1, corpus.MAX_BODY + 1)])
            headers.append(("Content-Length", str(lie)))
            payload = body
        head = wire.request("POST", target, headers, b"")
        label = f"trickled {'chunked' if is_chunked else 'sized'} body to {target.split('?')[0]}"
        try:
            sock = self.fuzz.connect()
        except OSError:
            self.stats.note("connections refused or timed out")
            return
        self.stats.input("trickle", label, head + payload)
        try:
            sock.sendall(head)
            pieces = [payload[n:n + 64] for n in range(0, min(len(payload), 64 * 12), 64)]
            for piece in pieces:
                if time.monotonic() > self.fuzz.batch_end:
                    break
                sock.sendall(piece)
                time.sleep(rng.choice((0.02, 0.1, 0.2)))
            if rng.random() < 0.7:
                sock.sendall(payload[64 * 12:])
            responses, _, _ = wire.read_responses(sock, 1, 1.0)
            self.stats.responses("trickle", label, [head + payload], responses)
        except OSError:
            self.stats.note("sends cut short by the server")
        finally:
            if rng.random() < 0.3:
                wire.reset(sock)
            else:
                sock.close()

    # Engine.IO over long-polling

    def handshake(self, kind, source=None):
        """A real polling handshake; the session id, or None."""
        responses = self.http(kind, "polling handshake", wire.request("GET", wire.eio_target("polling")),
                              source=source)
        if responses and responses[0].status == 200:
            opened = wire.open_packet(responses[0].body.decode("utf-8", "replace"))
            if opened:
                return opened.get("sid")
        return None

    def eio_handshake(self):
        rng = self.rng
        method = pick(rng, [(6, "GET"), (2, "POST"), (1, "OPTIONS"), (1, "HEAD"), (1, "PUT"), (1, "DELETE")])
        headers = []
        if rng.random() < 0.2:
            headers += corpus.header_abuse(rng)
        if rng.random() < 0.2:
            extension = f"9{rng.randrange(100):02}-{rng.randrange(1000):03}"
            headers.append(("Authorization", "Bearer " + corpus.token(rng, self.secret, extension)))
        body = corpus.polling_body(rng) if method == "POST" else b""
        self.http("eio-handshake", f"{method} handshake", wire.request(method, corpus.eio_query(rng), headers, body),
                  heads={0} if method == "HEAD" else ())

    def eio_session(self):
        rng = self.rng
        source = self.fuzz.source()
        sid = self.handshake("eio-polling", source)
        if sid is None:
            return
        for _ in range(rng.randint(1, 6)):
            if time.monotonic() > self.fuzz.batch_end:
                break
            action = pick(rng, [(5, "post"), (2, "poll"), (1, "double poll"), (1, "bad sid"), (1, "bad query"),
                                (1, "upgrade"), (1, "close then post"), (1, "lying length")])
            target = wire.eio_target("polling", sid)
            if action == "post" or action == "close then post":
                if action == "close then post":
                    self.post(target, "1", source)
                self.post(target, corpus.polling_body(rng), source)
            elif action == "poll":
                self.http("eio-polling", "poll", wire.request("GET", target), timeout=rng.choice((0.05, 0.5)),
                          source=source)
            elif action == "lying length":
                body = corpus.polling_body(rng)
                body = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
                length = rng.choice(["-1", "-99999999999", "99999999999999999999", str(corpus.MAX_PAYLOAD + 1), "0",
                                     str(len(body) + 1), "1e3", "0x10"])
                self.http("eio-polling", f"post with Content-Length {length}",
                          wire.request("POST", target, [("Content-Type", "text/plain;charset=UTF-8"),
                                                        ("Content-Length", length)], body), timeout=1.0, source=source)
            elif action == "double poll":
                self.double_poll(target, source)
            elif action == "bad sid":
                self.post(wire.eio_target("polling", corpus.bad_sid(rng, sid)), corpus.polling_body(rng), source)
            elif action == "bad query":
                method = rng.choice(["GET", "POST"])
                body = corpus.polling_body(rng) if method == "POST" else b""
                self.http("eio-polling", f"{method} with a bad query",
                          wire.request(method, corpus.eio_query(rng, sid), [("Content-Type", "text/plain")], body),
                          timeout=0.5, source=source)
            else:
                self.upgrade_polling(sid, source)

    def post(self, target, body, source):
        rng = self.rng
        content_type = rng.choice(["text/plain;charset=UTF-8", "text/plain;charset=UTF-8", "application/octet-stream",
                                   None, "application/json", "text/html"])
        headers = [("Content-Type", content_type)] if content_type else []
        self.http("eio-polling", "post", wire.request("POST", target, headers, body), source=source)

    def double_poll(self, target, source):
        """Two GETs on one session at once (the second is a protocol error)."""
        request = wire.request("GET", target)
        socks = []
        try:
            for _ in range(2):
                sock = self.fuzz.connect(source)
                socks.append(sock)
                self.stats.input("eio-polling", "concurrent poll", request)
                sock.sendall(request)
            for sock in socks:
                responses, _, _ = wire.read_responses(sock, 1, 1.0)
                self.stats.responses("eio-polling", "concurrent poll", [request], responses)
        except OSError:
            self.stats.note("connections refused or timed out")
        finally:
            for sock in socks:
                sock.close()

    def upgrade_polling(self, sid, source):
        """Upgrades a polling session to WebSocket with the right or a wrong probe sequence."""
        rng = self.rng
        ws = WsSession(self.fuzz, "eio-upgrade", source, good=rng.random() < 0.8,
                       target=wire.eio_target("websocket", sid if rng.random() < 0.85 else corpus.bad_sid(rng, sid)))
        try:
            if not ws.open:
                return
            for text in pick(rng, [(3, ["2probe", "5"]), (1, ["5"]), (1, ["2probe", "2probe", "5"]),
                                   (1, ["2junk", "5"]), (1, ["2probe", "40"]), (1, ["2probe", "5", "5"]),
                                   (1, ["3probe"]), (1, [])]):
                ws.text(text, "upgrade packet")
                ws.drain(0.1)
            if rng.random() < 0.5:   # the old transport after the upgrade
                self.post(wire.eio_target("polling", sid), "40", source)
            ws.drain(0.2)
        finally:
            ws.close(rng)

    # Socket.IO packets

    def sio_session(self):
        rng = self.rng
        extension = self.fuzz.fuzz_extension(rng)
        if rng.random() < 0.7:
            ws = WsSession(self.fuzz, "socket.io")
            try:
                if not ws.open:
                    return
                if rng.random() < 0.6:
                    ws.join({"token": wire.session_token(self.secret, extension)})
                for _ in range(rng.randint(1, 10)):
                    packet = corpus.sio_packet(rng, self.secret, extension)
                    ws.text("4" + packet, "socket.io packet")
                    if packet.startswith("5") or rng.random() < 0.05:
                        for _ in range(pick(rng, [(3, 1), (2, 0), (2, 2), (1, 50)])):
                            ws.send(wire.ws_frame(wire.OP_BINARY, os.urandom(rng.choice((0, 5, 3000)))),
                                    "binary attachment")
                    ws.drain(0.0)
                ws.drain(0.2)
            finally:
                ws.close(rng)
            return
        source = self.fuzz.source()
        sid = self.handshake("socket.io", source)
        if sid is None:
            return
        target = wire.eio_target("polling", sid)
        packets = []
        if rng.random() < 0.6:
            packets.append("40" + json.dumps({"token": wire.session_token(self.secret, extension)}))
        for _ in range(rng.randint(1, 6)):
            packet = corpus.sio_packet(rng, self.secret, extension)
            packets.append("4" + packet)
            if packet.startswith("5"):
                packets += ["b" + wire.b64url(os.urandom(rng.choice((1, 100))))] * pick(rng, [(3, 1), (2, 0), (2, 3)])
        self.post(target, wire.SEPARATOR.join(packets), source)
        self.http("socket.io", "poll", wire.request("GET", target), timeout=0.3, source=source)

    # Call events

    def call_session(self):
        rng = self.rng
        extensions = [self.fuzz.fuzz_extension(rng) for _ in range(2)]
        sessions = []
        try:
            for extension in extensions:
                ws = WsSession(self.fuzz, "call-events")
                sessions.append(ws)
                if not ws.join({"token": wire.session_token(self.secret, extension)}):
                    self.stats.note("call-event sessions refused")
                    return
            (a, b), (ea, eb) = sessions, extensions
            if rng.random() < 0.5:   # a real call to fuzz in the middle of
                a.text(wire.sio_event("call-user", {"targetExtension": eb, "offer": OFFER}), "valid call-user")
                if rng.random() < 0.5:
                    b.text(wire.sio_event("answer-call", {"targetExtension": ea, "answer": ANSWER}), "valid answer")
            for _ in range(rng.randint(5, 40)):
                if time.monotonic() > self.fuzz.batch_end + 1:
                    break
                sender, own, other = (a, ea, eb) if rng.random() < 0.5 else (b, eb, ea)
                name, args = corpus.call_event(rng, own, [other])
                ack = corpus.ack_id(rng)
                if rng.random() < 0.05 and args and isinstance(args[0], dict):   # as a binary event
                    field = rng.choice(sorted(args[0]) or ["x"])
                    args[0][field] = corpus.placeholder(0)
                    count = pick(rng, [(3, 1), (1, 0), (1, 2)])
                    text = f"45{count}-" + ("" if ack is None else str(ack)) + json.dumps([name, *args])
                    sender.text(text, f"binary {name}")
                    for _ in range(count):
                        sender.send(wire.ws_frame(wire.OP_BINARY, os.urandom(20)))
                else:
                    sender.text(wire.sio_event(name, *args, ack=ack), name)
                sender.drain(0.0)
                if rng.random() < 0.03:   # replaced mid-call by a newer session
                    newer = WsSession(self.fuzz, "call-events")
                    sessions.append(newer)
                    newer.join({"token": wire.session_token(self.secret, own)})
            for ws in sessions:
                ws.drain(0.1)
        finally:
            for ws in sessions:
                ws.close(rng)

    # WebSocket frames

    def ws_frames(self):
        rng = self.rng
        ws = WsSession(self.fuzz, "websocket", good=rng.random() < 0.8)
        try:
            if not ws.open:
                return
            if rng.random() < 0.5:
                ws.join({"token": wire.session_token(self.secret, self.fuzz.fuzz_extension(rng))})
            for _ in range(rng.randint(1, 3)):
                label, data = corpus.ws_abuse(rng)
                if not ws.send(data, label):
                    break
                ws.drain(0.05)
            ws.drain(0.3)
        finally:
            ws.close(rng)

    def volley(self):
        """The largest inputs, one after the other: a WebSocket message, a polling body, a
        header and a request line over the server's limits. Every worker at once takes the
        server through its largest buffers, so that the baseline includes them."""
        big = b"a" * (corpus.MAX_PAYLOAD + 50_000)
        ws = WsSession(self.fuzz, "volley")
        try:
            if ws.open:
                ws.send(wire.ws_frame(wire.OP_TEXT, b"4" + big), "websocket message over maxPayload")
                ws.drain(0.5)
        finally:
            ws.close(self.rng)
        sid = self.handshake("volley")
        if sid:
            self.http("volley", "polling body over maxPayload",
                      wire.request("POST", wire.eio_target("polling", sid), [("Content-Type", "text/plain")],
                                   b"4" + big))
        self.http("volley", "2 MB header", wire.request("GET", "/", [("X-Big", "b" * 2_000_000)]))
        self.http("volley", "1 MB request target", b"GET /" + big + b" HTTP/1.1\r\nHost: x\r\n\r\n")

    ATTACKS = [(6, "http_junk"), (1, "trickle"), (2, "eio_handshake"), (3, "eio_session"), (3, "sio_session"),
               (3, "call_session"), (3, "ws_frames")]

    def run(self):
        while not self.fuzz.stopping.is_set() and time.monotonic() < self.fuzz.batch_end:
            name = pick(self.rng, self.ATTACKS)
            try:
                getattr(self, name)()
            except OSError:
                self.stats.note("connections refused, reset or timed out")
            except Exception:
                self.fuzz.fail(f"the fuzzer's {name} crashed:\n{traceback.format_exc()}")
                return


# Held connections: slowloris and clients that never read.

class Held:
    """One held connection: `trickle` goes out a byte a tick; `refill` is sent again each
    tick by clients that never read (`reads` False); the others read what comes back."""

    def __init__(self, kind, sock, trickle=b"", reads=True):
        self.kind, self.sock, self.trickle, self.reads = kind, sock, trickle, reads
        self.since = time.monotonic()
        self.at = 0
        self.refill = None     # bytes sent again on each tick (never-reading clients)
        self.pending = b""
        self.sock.setblocking(False)


class Holders(threading.Thread):
    """Keeps up to MAX_HELD slow or never-reading connections open, a tick a second."""

    def __init__(self, fuzz):
        super().__init__(name="holders", daemon=True)
        self.fuzz, self.stats = fuzz, fuzz.stats
        self.rng = random.Random(fuzz.rng.random())
        self.held = []
        self.stop = threading.Event()

    def run(self):
        try:
            while not self.stop.wait(1.0):
                self.tick()
        except Exception:
            self.fuzz.fail(f"the fuzzer's holders crashed:\n{traceback.format_exc()}")

    def tick(self):
        for held in list(self.held):
            self.step(held)
        for held in [h for h in self.held if time.monotonic() - h.since > HOLD_FOR]:
            self.drop(held)
        for _ in range(min(4, MAX_HELD - len(self.held))):
            try:
                held = self.open_one()
            except OSError:
                self.stats.note("held connections refused")
                continue
            self.held.append(held)
            self.stats.input("held", held.kind)
            self.stats.note(f"held: {held.kind}")

    def open_one(self):
        rng, fuzz = self.rng, self.fuzz
        kind = pick(rng, [(3, "slowloris headers"), (2, "slow body"), (1, "slow websocket upgrade"), (1, "idle"),
                          (2, "never reads: pipelined swagger.json"), (2, "never reads: websocket pings"),
                          (2, "never reads: error events"), (1, "never reads: poll")])
        if kind == "slowloris headers":
            head = b"GET /health/live HTTP/1.1\r\nHost: x\r\n"
            sock = fuzz.connect()
            sock.sendall(head)
            return Held(kind, sock, b"".join(b"X-Slow-%d: %d\r\n" % (n, n) for n in range(200)))
        if kind == "slow body":
            sock = fuzz.connect()
            sock.sendall(wire.request("POST", "/api/auth/login", [("Content-Type", "application/json"),
                                                                   ("Content-Length", "5000")]))
            return Held(kind, sock, b'{"username":"' + b"s" * 4980)
        if kind == "slow websocket upgrade":
            sock = fuzz.connect()
            return Held(kind, sock, corpus.ws_upgrade(rng, wire.eio_target("websocket"))[0])
        if kind == "idle":
            return Held(kind, fuzz.connect())
        if kind == "never reads: pipelined swagger.json":
            sock = fuzz.connect(rcvbuf=4096, sndbuf=8192)
            held = Held(kind, sock, reads=False)
            held.refill = wire.request("GET", "/swagger.json") * 100
            return held
        if kind == "never reads: poll":
            sid = Attacker(fuzz, rng).handshake("held")
            sock = fuzz.connect(rcvbuf=4096)
            sock.sendall(wire.request("GET", wire.eio_target("polling", sid or "x")))
            return Held(kind, sock, reads=False)
        ws = WsSession(fuzz, "held", rcvbuf=4096, sndbuf=8192)
        if ws.open:
            ws.join({"token": wire.session_token(fuzz.secret, fuzz.fuzz_extension(rng))})
        held = Held(kind, ws.sock, reads=False)
        if kind == "never reads: websocket pings":
            held.refill = wire.ws_frame(wire.OP_PING, b"p" * 125) * 1000
        else:
            held.refill = wire.ws_frame(wire.OP_TEXT, wire.sio_event("call-user", 1)) * 200
        return held

    def step(self, held):
        try:
            if held.trickle and held.at < len(held.trickle):
                held.sock.send(held.trickle[held.at:held.at + 1])
                held.at += 1
            elif held.refill:   # whole frames and requests: what did not fit goes first next time
                sent = held.sock.send(held.pending or held.refill)
                held.pending = (held.pending or held.refill)[sent:]
                if held.pending:
                    self.stats.note(f"held: {held.kind}: writes blocked (the server stopped reading)")
            if held.reads:
                data = held.sock.recv(1 << 16)
                if not data:
                    self.closed_by_server(held)
                    return
                responses = wire.ResponseReader().feed(data)   # slow clients send no HEAD
                self.stats.responses("held", held.kind, [held.trickle[:held.at]], responses)
                if responses:
                    self.stats.note(f"held: {held.kind}: answered with {responses[0].status} after "
                                    f"{time.monotonic() - held.since:.0f} s")
        except BlockingIOError:
            if held.refill:
                self.stats.note(f"held: {held.kind}: writes blocked (the server stopped reading)")
        except OSError:
            self.closed_by_server(held)

    def closed_by_server(self, held):
        self.stats.note(f"held: {held.kind}: closed by the server after {time.monotonic() - held.since:.0f} s")
        held.sock.close()
        self.held.remove(held)

    def drop(self, held):
        if self.rng.random() < 0.5:
            wire.reset(held.sock)
        else:
            held.sock.close()
        self.held.remove(held)

    def close_all(self):
        self.stop.set()
        self.join(10)
        for held in list(self.held):
            self.drop(held)


# The call after every batch.

class Phone:
    """One checking user: a python-socketio client over WebSocket from a chosen address."""

    def __init__(self, app, user, source, timeout):
        self.extension = user["extension"]
        self.events, self.arrived = [], threading.Condition()
        sock = wire.connect(app.port, source, timeout=timeout)
        self.client = socketio.Client(reconnection=False, request_timeout=timeout,
                                      websocket_extra_options={"socket": sock})
        for event in SERVER_EVENTS:
            self.client.on(event, self.recorder(event))
        self.client.connect(app.url, auth={"token": user["token"]}, transports=["websocket"], wait_timeout=timeout)

    def recorder(self, name):
        def record(data=None):
            with self.arrived:
                self.events.append((name, data))
                self.arrived.notify_all()
        return record

    def wait(self, name, deadline):
        with self.arrived:
            if not self.arrived.wait_for(lambda: any(event == name for event, _ in self.events),
                                         timeout=max(0.0, deadline - time.monotonic())):
                raise AssertionError(f"{self.extension} got no {name} (events: {self.events})")
            index = next(n for n, (event, _) in enumerate(self.events) if event == name)
            return self.events.pop(index)[1]

    def close(self):
        try:
            self.client.disconnect()
        except Exception:
            pass


def expect(got, wanted, what):
    if got != wanted:
        raise AssertionError(f"{what} was {got!r}, not {wanted!r}")


# One run of the appliance.

Snapshot = collections.namedtuple("Snapshot", "rss fds cpu")


class Fuzz:
    def __init__(self, name, app, secret, rng, findings):
        self.name, self.app, self.secret, self.rng, self.findings = name, app, secret, rng, findings
        self.stats = Stats()
        self.failures = []
        self.stopping = threading.Event()
        self.batch_end = 0.0
        self.users = []
        self.calls = collections.Counter()
        self.samples = []
        self.next_check_source = 0
        self.dead = False
        self.batches = 0

    def fail(self, reason):
        self.failures.append(reason)
        self.stopping.set()

    # Helpers the attacks use

    def source(self):
        return self.rng.choice(SOURCES)

    def connect(self, source=None, rcvbuf=None, sndbuf=None):
        return wire.connect(self.app.port, source or self.source(), timeout=READ_TIMEOUT, rcvbuf=rcvbuf, sndbuf=sndbuf)

    def fuzz_extension(self, rng):
        """An extension for a fuzzing session: never one of the check's users."""
        while True:
            extension = f"9{rng.randrange(100):02}-{rng.randrange(1000):03}"
            if extension not in {user["extension"] for user in self.users}:
                return extension

    def notice(self, text):
        """Counts what the server says on Socket.IO: errors by code, refusals, acks."""
        if text.startswith('42["error"'):
            try:
                self.stats.note(f"socket.io error {json.loads(text[2:])[1].get('code')}")
            except (ValueError, IndexError, AttributeError):
                self.stats.note("socket.io error (unparsed)")
        elif text.startswith("44"):
            try:
                self.stats.note(f"socket.io connect refused: {json.loads(text[2:]).get('data', {}).get('code')}")
            except (ValueError, AttributeError):
                self.stats.note("socket.io connect refused")
        elif text.startswith("43"):
            self.stats.note("socket.io acks")

    # The run

    def register_users(self):
        """The two checking users, registered from an address of their own."""
        for n in range(2):
            body = json.dumps({"username": f"check{n}-{secrets.token_hex(4)}@example.com", "password": "CheckPass123",
                               "confirmPassword": "CheckPass123"})
            request = wire.request("POST", "/api/auth/register", [("Content-Type", "application/json")], body)
            responses = Attacker(self, self.rng).http("api", "register a check user", request, timeout=30,
                                                      source="127.1.255.250")
            if not responses or responses[0].status != 201:
                raise RuntimeError(f"could not register a user: {responses}")
            self.users.append(json.loads(responses[0].body))

    def call(self, after):
        """The two users complete a call; a failure says which step did not happen."""
        self.calls["attempted"] += 1
        deadline = time.monotonic() + CALL_TIMEOUT
        phones = []
        try:
            if not self.app.live(timeout=5):
                raise AssertionError("GET /health/live went unanswered for 5 s")
            for user in self.users:
                source = check_source(self.next_check_source)
                self.next_check_source += 1
                phones.append(Phone(self.app, user, source, max(1.0, deadline - time.monotonic())))
            alice, bob = phones
            alice.client.emit("call-user", {"targetExtension": bob.extension, "offer": OFFER})
            expect(alice.wait("call-made", deadline), {"to": bob.extension}, "call-made")
            expect(bob.wait("incoming-call", deadline), {"from": alice.extension, "offer": OFFER}, "incoming-call")
            alice.client.emit("ice-candidate", {"targetExtension": bob.extension, "candidate": CANDIDATE})
            expect(bob.wait("ice-candidate-received", deadline), {"from": alice.extension, "candidate": CANDIDATE},
                   "ice-candidate-received")
            bob.client.emit("answer-call", {"targetExtension": alice.extension, "answer": ANSWER})
            expect(alice.wait("answer-made", deadline), {"from": bob.extension, "answer": ANSWER}, "answer-made")
            alice.client.emit("end-call", {"targetExtension": bob.extension})
            ended = {"from": alice.extension, "reason": "hangup"}
            expect(bob.wait("call-ended", deadline), ended, "the callee's call-ended")
            expect(alice.wait("call-ended", deadline), ended, "the caller's call-ended")
            self.calls["completed"] += 1
        except (AssertionError, socketio.exceptions.ConnectionError, OSError) as error:
            self.fail(f"the call after {after} did not complete within {CALL_TIMEOUT:.0f} s: "
                      f"{type(error).__name__}: {error}")
        finally:
            for phone in phones:
                phone.close()

    def volley(self):
        attackers = [Attacker(self, random.Random(self.rng.random())) for _ in range(WORKERS)]
        threads = [threading.Thread(target=attacker.volley, daemon=True) for attacker in attackers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    def batch(self, seconds):
        self.batch_end = time.monotonic() + seconds
        attackers = [threading.Thread(target=Attacker(self, random.Random(self.rng.random())).run, daemon=True)
                     for _ in range(WORKERS)]
        for thread in attackers:
            thread.start()
        give_up = self.batch_end + 30
        while any(thread.is_alive() for thread in attackers) and time.monotonic() < give_up:
            time.sleep(0.2)
            if not self.app.alive() and not self.stopping.is_set():
                self.died("during a batch")
        if any(thread.is_alive() for thread in attackers):
            self.fail("an attack thread was still running 30 s after its batch ended (a read without a timeout?)")

    def watch(self, when):
        if not self.app.alive():
            self.died(when)
            return False
        rss, fds = self.app.rss(), self.app.fds()
        self.samples.append((rss, fds))
        return True

    def died(self, when):
        """Fails, with the last inputs sent before the death was seen (written whole to the
        findings folder)."""
        if self.dead:
            return
        self.dead = True
        seen = time.time()
        lines = [f"notrack died {when} (exit code {self.app.process.returncode}, seen at "
                 f"{time.strftime('%H:%M:%S', time.localtime(seen))}.{int(seen * 1000) % 1000:03}); "
                 "the last inputs sent on connections it accepted:"]
        for at, kind, label, data, shown in [entry for entry in self.stats.recent if entry[0] <= seen][-10:]:
            path = self.findings.write(f"{self.name}-crash-{kind}", data) if data else None
            lines.append(f"  {time.strftime('%H:%M:%S', time.localtime(at))}.{int(at * 1000) % 1000:03} {kind}: "
                         f"{label}: {shown or describe(data)}" + (f" (whole: {path})" if path else ""))
        lines.append("its log ends:\n" + self.app.log_tail())
        self.fail("\n".join(lines))

    def settle(self, target, seconds):
        deadline = time.monotonic() + seconds
        while self.app.alive() and self.app.fds() > target and time.monotonic() < deadline:
            time.sleep(0.25)
        if not self.app.alive():
            return None
        return Snapshot(self.app.rss(), self.app.fds(), self.app.cpu_seconds())

    def run(self, seconds):
        self.register_users()
        start_fds = self.app.fds()
        print(f"[{self.name}] warming up: {VOLLEYS} volleys of the largest inputs, then {WARM_UP:.0f} s", flush=True)
        for _ in range(VOLLEYS):
            self.volley()
        holders = Holders(self)
        holders.start()
        self.batch(WARM_UP)
        if self.watch("during the warm-up"):
            self.call("the warm-up")
        holders.close_all()
        baseline = self.settle(start_fds, BASELINE_SETTLE)
        if baseline is None:
            self.died("after the warm-up")
        if self.failures:
            return None, None
        self.samples.clear()
        print(f"[{self.name}] fuzzing for {seconds} s from RSS {mb(baseline.rss)}, {baseline.fds} descriptors",
              flush=True)
        holders = Holders(self)
        holders.start()
        started = time.monotonic()
        batches, fuzzed = 0, 0.0
        try:
            while not self.failures and fuzzed < seconds:
                batch = min(BATCH, max(1.0, seconds - fuzzed))
                self.batch(batch)
                batches, fuzzed = batches + 1, fuzzed + batch
                if self.failures or not self.watch(f"in batch {batches}"):
                    break
                self.call(f"batch {batches}")
                if batches % 4 == 0:
                    rss, fds = self.samples[-1]
                    print(f"  [{self.name}] {time.monotonic() - started:.0f} s: {sum(self.stats.sent.values())} "
                          f"inputs, {self.calls['completed']} calls, RSS {mb(rss)}, {fds} descriptors, "
                          f"{len(holders.held)} held", flush=True)
        finally:
            holders.close_all()
        self.batches = batches
        if not self.app.alive():
            self.died("at the end")
            return baseline, None
        return baseline, self.settle(baseline.fds + FD_SLACK, SETTLE)

    def judge(self, baseline, end):
        for kind, label, request, response in self.stats.server_errors:
            path = self.findings.write(f"{self.name}-{response.status}-{kind}", request)
            self.failures.append(f"{kind} ({label}) got {response.status} {response.reason}: "
                                 f"{describe(request)} (whole request: {path}); body {response.body[:300]!r}")
        logged, _ = self.app.logged_server_errors()
        if len(logged) > len(self.stats.server_errors):
            lines = [f"the server logged {len(logged)} requests with a 5xx status ({len(self.stats.server_errors)} "
                     "of them answered to the fuzzer as such):"]
            lines += [f"  {entry.get('status')} for {entry.get('method')} {entry.get('path')!r} from "
                      f"{entry.get('remote')} at {entry.get('time')} (request id {entry.get('request_id')})"
                      for entry in logged[:10]]
            self.failures.append("\n".join(lines))
        if baseline is None or end is None:
            return
        if end.fds > baseline.fds + FD_SLACK:
            self.failures.append(f"notrack still held {end.fds} descriptors {SETTLE:.0f} s after the fuzzer closed "
                                 f"everything (baseline {baseline.fds}, +{FD_SLACK} allowed)")
        if end.rss - baseline.rss > MAX_RSS_GROWTH:
            self.failures.append(f"notrack's RSS grew by {mb(end.rss - baseline.rss)} (baseline {mb(baseline.rss)}, "
                                 f"end {mb(end.rss)}; {mb(MAX_RSS_GROWTH)} allowed)")

    def summary(self, seconds, baseline, end):
        stats = self.stats
        print(f"[{self.name}] signal fuzz summary ({seconds} s, {self.batches} batches, "
              f"against {self.app.binary}):")
        print("  inputs by kind: " + ", ".join(f"{kind} {count}" for kind, count in sorted(stats.sent.items())))
        total = collections.Counter()
        for kind, statuses in sorted(stats.statuses.items()):
            total += statuses
            print(f"  statuses {kind}: "
                  + ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items())))
        print("  statuses, all: " + ", ".join(f"{status}: {count}" for status, count in sorted(total.items())))
        signaling = {what: count for what, count in stats.notes.items() if what.startswith(("socket.io", "websocket"))}
        held = {what[6:]: count for what, count in stats.notes.items() if what.startswith("held: ")}
        other = {what: count for what, count in stats.notes.items()
                 if what not in signaling and not what.startswith("held: ")}
        if signaling:
            print("  signaling answers: " + ", ".join(f"{what}: {count}" for what, count in sorted(signaling.items())))
        if held:
            print("  held connections: " + "; ".join(f"{what}: {count}" for what, count in sorted(held.items())))
        if other:
            print("  connections: " + ", ".join(f"{what}: {count}" for what, count in sorted(other.items())))
        for what, example in sorted(stats.examples.items()):
            print(f"  for example, {what}: {example[:600]}")
        logged, errors = self.app.logged_server_errors()
        print(f"  server log: {len(logged)} requests logged with a 5xx status, {len(errors)} error/critical lines")
        for entry in errors[:5]:
            print(f"    {json.dumps(entry)[:300]}")
        peak_rss = max((rss for rss, _ in self.samples), default=None)
        peak_fds = max((fds for _, fds in self.samples), default=None)
        print(f"  rss: baseline {mb(baseline and baseline.rss)}, end {mb(end and end.rss)}, peak {mb(peak_rss)}")
        print(f"  fds: baseline {baseline and baseline.fds}, end {end and end.fds}, peak {peak_fds}")
        if baseline and end:
            print(f"  notrack cpu: {end.cpu - baseline.cpu:.1f} s")
        print(f"  calls: {self.calls['completed']} of {self.calls['attempted']} completed")


def run_appliance(name, limits, seconds, args, rng, findings, failures, warnings):
    secret = secrets.token_urlsafe(36)
    with tempfile.TemporaryDirectory(prefix=f"signal-fuzz-{name}-") as workdir:
        app = Appliance(args.binary, workdir, secret, limits)
        fuzz = Fuzz(name, app, secret, rng, findings)
        baseline = end = None
        try:
            app.start()
            baseline, end = fuzz.run(seconds)
            fuzz.judge(baseline, end)
            fuzz.summary(seconds, baseline, end)
        except RuntimeError as error:
            fuzz.failures.append(str(error))
        finally:
            stopping = time.monotonic()
            stopped = app.stop(timeout=STOP_TIMEOUT)
        if stopped:
            print(f"[{name}] {stopped}")
            if time.monotonic() - stopping > 15:
                warnings.append(f"[{name}] {stopped} (a graceful stop should take seconds)")
        failures += [f"[{name}] {failure}" for failure in fuzz.failures]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seconds", type=int, nargs="?", default=120)
    parser.add_argument("--binary", type=Path, default=DEFAULT_BINARY)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--findings", type=Path, default=Path(tempfile.gettempdir()) / f"signal-fuzz-{os.getpid()}",
                        help="where whole inputs behind failures are written")
    args = parser.parse_args()
    if not args.binary.is_file():
        sys.exit(f"signal fuzz: FAIL: no binary at {args.binary} (swift build first)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("signal fuzz: FAIL: terminated"))
    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    print(f"signal fuzz: seed {seed}", flush=True)
    rng = random.Random(seed)
    findings = Findings(args.findings)
    limited = max(10, round(args.seconds * 0.25))
    generous = max(10, args.seconds - limited)
    failures, warnings = [], []
    run_appliance("generous limits", GENEROUS, generous, args, rng, findings, failures, warnings)
    if not failures:
        run_appliance("default limits", {}, limited, args, rng, findings, failures, warnings)
    for warning in warnings:
        print(f"signal fuzz: warning: {warning}")
    for failure in failures:
        print(f"signal fuzz: FAIL: {failure}")
    if failures:
        sys.exit(1)
    print("signal fuzz: OK")


if __name__ == "__main__":
    main()
