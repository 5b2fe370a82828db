"""Wire-level pieces of the signaling fuzzer, written by hand so that they can be wrong on
purpose: raw HTTP/1.1 requests from a chosen loopback source address and a reader of the
responses, WebSocket frames (RFC 6455) with every field under the caller's control,
Engine.IO v4 / Socket.IO v5 packets and HS256 tokens."""
import base64
import hashlib
import hmac
import json
import os
import socket
import struct
import time

HOST = "127.0.0.1"


def connect(port, source, timeout=2.0, rcvbuf=None, sndbuf=None):
    """A TCP connection to the server from `source` (any 127/8 address)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if rcvbuf:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if sndbuf:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        sock.settimeout(timeout)
        sock.bind((source, 0))
        sock.connect((HOST, port))
        return sock
    except BaseException:
        sock.close()
        raise


def reset(sock):
    """Closes with an RST rather than a FIN (SO_LINGER 0)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


# HTTP/1.1

def request(method, target, headers=(), body=b"", version="HTTP/1.1", host="127.0.0.1", length=True):
    """Request bytes. `headers` is a list of (name, value) pairs sent as given (bytes or
    str); Host and, for a body, Content-Length are added unless present or `length` is False."""
    names = {(name.decode("latin-1") if isinstance(name, bytes) else name).lower() for name, _ in headers}
    lines = [f"{method} {target} {version}".encode("utf-8", "surrogatepass") if isinstance(target, str)
             else method.encode() + b" " + target + b" " + version.encode()]
    if "host" not in names and host is not None:
        lines.append(b"Host: " + host.encode())
    for name, value in headers:
        name = name if isinstance(name, bytes) else name.encode("latin-1")
        value = value if isinstance(value, bytes) else str(value).encode("utf-8")
        lines.append(name + b": " + value)
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    if length and body and "content-length" not in names and "transfer-encoding" not in names:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def chunked(body, sizes=(), last=b"0\r\n\r\n"):
    """`body` in chunked transfer coding (chunks of the given sizes, then the rest)."""
    out, rest = [], body
    for size in sizes:
        piece, rest = rest[:size], rest[size:]
        out.append(b"%x\r\n" % len(piece) + piece + b"\r\n")
    if rest:
        out.append(b"%x\r\n" % len(rest) + rest + b"\r\n")
    return b"".join(out) + last


class Response:
    def __init__(self, status, reason, headers, body):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return f"<{self.status} {self.reason} {self.body[:120]!r}>"


class ResponseReader:
    """HTTP/1.1 responses cut out of a byte stream. Knows Content-Length, chunked bodies,
    bodiless statuses and bodies delimited by the end of the connection; `heads` holds
    the indexes of the final responses that answer a HEAD (no body)."""

    def __init__(self, heads=()):
        self.buffer = b""
        self.responses = []
        self.heads = set(heads)
        self.broken = None          # why the stream could not be parsed any further

    def feed(self, data, closed=False):
        self.buffer += data
        while self.buffer and not self.broken:
            final = sum(1 for response in self.responses if response.status >= 200)
            response = self._one(closed, final in self.heads)
            if response is None:
                break
            self.responses.append(response)
        return self.responses

    def _one(self, closed, head):
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if closed or len(self.buffer) > 1 << 20:
                self.broken = "incomplete response head"
            return None
        lines = self.buffer[:end].split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
            self.broken = f"not a status line: {lines[0][:80]!r}"
            return None
        status = int(parts[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
        rest = self.buffer[end + 4:]
        if head or status < 200 and status != 101 or status in (204, 304):
            body, rest = b"", rest
        elif status == 101:
            body, rest = b"", rest   # the rest is the upgraded protocol's
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            parsed = _dechunk(rest)
            if parsed is None:
                if closed:
                    self.broken = "incomplete chunked body"
                return None
            body, rest = parsed
        elif "content-length" in headers:
            try:
                length = int(headers["content-length"])
            except ValueError:
                self.broken = f"bad Content-Length {headers['content-length']!r}"
                return None
            if len(rest) < length:
                if closed:
                    self.broken = "body shorter than Content-Length"
                return None
            body, rest = rest[:length], rest[length:]
        else:
            if not closed:
                return None
            body, rest = rest, b""
        self.buffer = rest
        return Response(status, parts[2].decode("latin-1") if len(parts) > 2 else "", headers, body)


def _dechunk(data):
    body, at = [], 0
    while True:
        line_end = data.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = int(data[at:line_end].split(b";")[0] or b"0", 16)
        at = line_end + 2
        if size == 0:
            trailer_end = data.find(b"\r\n\r\n", at - 2)
            if trailer_end < 0:
                return None
            return b"".join(body), data[trailer_end + 4:]
        if len(data) < at + size + 2:
            return None
        body.append(data[at:at + size])
        at += size + 2


def read_responses(sock, count, timeout, heads=()):
    """Up to `count` responses within `timeout` seconds; (responses, closed, reader).
    `heads` holds the indexes of the responses that answer a HEAD. Never raises on a
    broken connection."""
    reader = ResponseReader(heads)
    deadline = time.monotonic() + timeout
    closed = False
    while len(reader.responses) < count and not reader.broken:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            sock.settimeout(min(left, 1.0))
            data = sock.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            data = b""
        if not data:
            closed = True
            reader.feed(b"", closed=True)
            break
        reader.feed(data)
        if reader.responses and reader.responses[-1].status == 101:
            break
    return reader.responses, closed, reader


# WebSocket (RFC 6455)

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


def ws_key():
    return base64.b64encode(os.urandom(16)).decode()


def ws_accept(key):
    return base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()


def ws_frame(opcode, payload=b"", fin=True, rsv=0, mask=True, length=None, mask_key=None):
    """One frame. `length` overrides the announced payload length (a lie); `mask=False`
    sends a client frame unmasked (a protocol error)."""
    if isinstance(payload, str):
        payload = payload.encode("utf-8", "surrogatepass")
    announced = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | (rsv & 7) << 4 | opcode & 0xF])
    bit = 0x80 if mask else 0
    if announced < 126:
        head += bytes([bit | announced])
    elif announced < 1 << 16:
        head += bytes([bit | 126]) + struct.pack("!H", announced)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", announced & (1 << 64) - 1)
    if not mask:
        return head + payload
    key = mask_key if mask_key is not None else os.urandom(4)
    return head + key + _xor(payload, key)


def _xor(data, key):
    if not data:
        return b""
    repeated = (key * (len(data) // 4 + 1))[:len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(data), "big")


class FrameReader:
    """Server frames (unmasked) cut out of a byte stream: (fin, opcode, payload)."""

    def __init__(self, data=b""):
        self.buffer = data
        self.http = None        # an HTTP response where a frame should start

    def feed(self, data):
        self.buffer += data
        frames = []
        while len(self.buffer) >= 2 and self.http is None:
            if self.buffer.startswith(b"HTTP/1."):
                self.http = self.buffer[:300]
                break
            first, second = self.buffer[0], self.buffer[1]
            length, at = second & 0x7F, 2
            if length == 126:
                if len(self.buffer) < 4:
                    break
                length, at = struct.unpack("!H", self.buffer[2:4])[0], 4
            elif length == 127:
                if len(self.buffer) < 10:
                    break
                length, at = struct.unpack("!Q", self.buffer[2:10])[0], 10
            if second & 0x80:
                at += 4
            if len(self.buffer) < at + length:
                break
            frames.append((bool(first & 0x80), first & 0xF, self.buffer[at:at + length]))
            self.buffer = self.buffer[at + length:]
        return frames


# Engine.IO v4 / Socket.IO v5

EIO_PATH = "/socket.io/"
SEPARATOR = "\x1e"


def eio_target(transport="polling", sid=None, eio="4", extra=""):
    target = f"{EIO_PATH}?EIO={eio}&transport={transport}"
    if sid is not None:
        target += f"&sid={sid}"
    return target + extra


def sio_event(name, *args, ack=None, nsp=None, kind="2"):
    """`42[name, ...args]` with an optional namespace and ack id."""
    prefix = "4" + kind + (f"{nsp}," if nsp else "") + ("" if ack is None else str(ack))
    return prefix + json.dumps([name, *args], separators=(",", ":"))


def open_packet(text):
    """The handshake's `0{...}` as a dict, or None."""
    if not text.startswith("0"):
        return None
    try:
        return json.loads(text[1:])
    except ValueError:
        return None


# Tokens

def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(secret, claims, alg="HS256", header=None, signature=None):
    """A JWT signed with HS256 under `secret` (whatever `alg` it names); `header` replaces
    the header object, `signature` the signature."""
    head = b64url(json.dumps(header if header is not None else {"alg": alg, "typ": "JWT"}))
    body = b64url(json.dumps(claims) if not isinstance(claims, (bytes, str)) else claims)
    signing_input = f"{head}.{body}".encode()
    if signature is None:
        signature = b64url(hmac.new(secret.encode(), signing_input, hashlib.sha256).digest())
    return f"{head}.{body}.{signature}"


def session_token(secret, extension, sub=None, lifetime=3600, now=None):
    now = int(time.time() if now is None else now)
    return jwt(secret, {"extension": extension, "sub": sub or f"guest:{extension}", "iat": now,
                        "exp": now + lifetime})
