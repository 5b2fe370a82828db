"""A small STUN/TURN client for the end-to-end tests, written from the RFCs (RFC 8489
STUN, RFC 8656 TURN, RFC 6156 IPv6), not from the relay's Swift codec: messages and
attributes, XOR-encoded IPv4 and IPv6 addresses, long-term credentials (MD5 key,
MESSAGE-INTEGRITY, the nonce round trip), and a `Session` holding one allocation over
UDP or TCP.

It sends what a test tells it to, including what a well-behaved client never would
(attribute-less requests, peers the relay must refuse); every wait is bounded."""
import hashlib
import hmac
import ipaddress
import os
import select
import socket
import struct
import time
from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple

MAGIC_COOKIE = 0x2112A442
HEADER_SIZE = 20
UDP = 17


class Method(IntEnum):
    BINDING = 0x001
    ALLOCATE = 0x003
    REFRESH = 0x004
    SEND = 0x006
    DATA = 0x007
    CREATE_PERMISSION = 0x008
    CHANNEL_BIND = 0x009


class Class(IntEnum):
    REQUEST = 0b00
    INDICATION = 0b01
    SUCCESS = 0b10
    ERROR = 0b11


class Attribute(IntEnum):
    USERNAME = 0x0006
    MESSAGE_INTEGRITY = 0x0008
    ERROR_CODE = 0x0009
    CHANNEL_NUMBER = 0x000C
    LIFETIME = 0x000D
    XOR_PEER_ADDRESS = 0x0012
    DATA = 0x0013
    REALM = 0x0014
    NONCE = 0x0015
    XOR_RELAYED_ADDRESS = 0x0016
    REQUESTED_ADDRESS_FAMILY = 0x0017
    EVEN_PORT = 0x0018
    REQUESTED_TRANSPORT = 0x0019
    XOR_MAPPED_ADDRESS = 0x0020
    RESERVATION_TOKEN = 0x0022


class Family(IntEnum):
    IPV4 = 0x01
    IPV6 = 0x02


def message_type(method, message_class):
    """The 14-bit type: method bits M0-M11 with the class bits C0 and C1 between them."""
    return ((method & 0x000F) | (method & 0x0070) << 1 | (method & 0x0F80) << 2
            | (message_class & 1) << 4 | (message_class & 2) << 7)


def split_message_type(kind):
    method = (kind & 0x000F) | (kind & 0x00E0) >> 1 | (kind & 0x3E00) >> 2
    message_class = (kind & 0x0010) >> 4 | (kind & 0x0100) >> 7
    return method, message_class


def long_term_key(username, realm, password):
    """RFC 8489 §9.2.2 with MD5 (no SASLprep: the tests' credentials are ASCII)."""
    return hashlib.md5(f"{username}:{realm}:{password}".encode()).digest()


# Attribute values. Addresses are (host, port) tuples, the host as text.

def xor_address(address, transaction_id):
    host, port = address
    ip = ipaddress.ip_address(host)
    family = Family.IPV4 if ip.version == 4 else Family.IPV6
    mask = struct.pack("!I", MAGIC_COOKIE) + (transaction_id if ip.version == 6 else b"")
    xored = bytes(a ^ b for a, b in zip(ip.packed, mask))
    return struct.pack("!xBH", family, port ^ MAGIC_COOKIE >> 16) + xored


def parse_xor_address(value, transaction_id):
    family, port = struct.unpack_from("!xBH", value)
    mask = struct.pack("!I", MAGIC_COOKIE) + (transaction_id if family == Family.IPV6 else b"")
    packed = bytes(a ^ b for a, b in zip(value[4:], mask))
    return str(ipaddress.ip_address(packed)), port ^ MAGIC_COOKIE >> 16


def requested_transport(protocol=UDP):
    return struct.pack("!B3x", protocol)


def requested_address_family(family):
    return struct.pack("!B3x", family)


def lifetime(seconds):
    return struct.pack("!I", seconds)


def channel_number(number):
    return struct.pack("!H2x", number)


def even_port(reserve_next):
    return bytes([0x80 if reserve_next else 0x00])


class StunError(Exception):
    def __init__(self, response):
        self.response = response
        super().__init__(f"{response.error_code} {response.reason!r} to {Method(response.method).name}")


@dataclass(repr=False)
class Message:
    method: int
    message_class: int = Class.REQUEST
    transaction_id: bytes = field(default_factory=lambda: os.urandom(12))
    # (type, value) in order, values unpadded; an address value, (host, port), is
    # XOR-encoded with the transaction id when the message is encoded.
    attributes: list = field(default_factory=list)
    raw: bytes = b""

    def __repr__(self):
        method = Method(self.method).name if self.method in Method._value2member_map_ else hex(self.method)
        error = f" {self.error_code} {self.reason!r}" if self.error_code is not None else ""
        names = [Attribute(kind).name if kind in Attribute._value2member_map_ else hex(kind) for kind, _ in self.attributes]
        return f"<{method} {Class(self.message_class).name}{error} {' '.join(names)}, {len(self.raw)} bytes>"

    def add(self, kind, value):
        self.attributes.append((kind, value))
        return self

    def get(self, kind):
        return next((value for found, value in self.attributes if found == kind), None)

    def get_address(self, kind):
        value = self.get(kind)
        return parse_xor_address(value, self.transaction_id) if value is not None else None

    @property
    def error_code(self):
        """The ERROR-CODE number of an error response, None otherwise."""
        value = self.get(Attribute.ERROR_CODE)
        return None if value is None else (value[2] & 0x7) * 100 + value[3]

    @property
    def reason(self):
        value = self.get(Attribute.ERROR_CODE)
        return None if value is None else value[4:].decode(errors="replace")

    def raise_for_error(self):
        if self.message_class != Class.SUCCESS:
            raise StunError(self)
        return self

    def encode(self, key=None):
        """The message's bytes, with MESSAGE-INTEGRITY last when `key` is given."""
        values = [(kind, xor_address(value, self.transaction_id) if isinstance(value, tuple) else value)
                  for kind, value in self.attributes]
        body = b"".join(struct.pack("!HH", kind, len(value)) + value + bytes(-len(value) % 4)
                        for kind, value in values)
        kind = message_type(self.method, self.message_class)
        if key is None:
            return struct.pack("!HHI", kind, len(body), MAGIC_COOKIE) + self.transaction_id + body
        # The length covers MESSAGE-INTEGRITY itself when the HMAC is computed (§14.5).
        header = struct.pack("!HHI", kind, len(body) + 24, MAGIC_COOKIE) + self.transaction_id
        digest = hmac.new(key, header + body, hashlib.sha1).digest()
        return header + body + struct.pack("!HH", Attribute.MESSAGE_INTEGRITY, 20) + digest

    @classmethod
    def decode(cls, data):
        kind, length, cookie = struct.unpack_from("!HHI", data)
        if cookie != MAGIC_COOKIE or kind & 0xC000 or HEADER_SIZE + length > len(data):
            raise ValueError(f"not a STUN message: {data[:20].hex()}")
        method, message_class = split_message_type(kind)
        message = cls(method, message_class, data[8:20], raw=data[:HEADER_SIZE + length])
        offset = HEADER_SIZE
        while offset + 4 <= HEADER_SIZE + length:
            attribute, size = struct.unpack_from("!HH", data, offset)
            message.attributes.append((attribute, data[offset + 4: offset + 4 + size]))
            offset += 4 + size + (-size % 4)
        return message

    def has_valid_integrity(self, key):
        """Whether the decoded message's MESSAGE-INTEGRITY is right for `key`."""
        offset = HEADER_SIZE
        while offset + 4 <= len(self.raw):
            attribute, size = struct.unpack_from("!HH", self.raw, offset)
            if attribute == Attribute.MESSAGE_INTEGRITY:
                header = self.raw[:2] + struct.pack("!H", offset + 24 - HEADER_SIZE) + self.raw[4:HEADER_SIZE]
                expected = hmac.new(key, header + self.raw[HEADER_SIZE:offset], hashlib.sha1).digest()
                return hmac.compare_digest(expected, self.raw[offset + 4: offset + 24])
            offset += 4 + size + (-size % 4)
        return False


def channel_data(number, data):
    return struct.pack("!HH", number, len(data)) + data


def is_channel_data(frame):
    return 0x40 <= frame[0] <= 0x7F


# Transports: one frame (a STUN message or a ChannelData message) in, one out.

def socket_family(host):
    return socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET


class UDPTransport:
    reliable = False

    def __init__(self, server, source=None):
        self.server = server
        self.sock = socket.socket(socket_family(server[0]), socket.SOCK_DGRAM)
        self.sock.bind((source or ("::1" if self.sock.family == socket.AF_INET6 else "127.0.0.1"), 0))

    def send(self, frame):
        self.sock.sendto(frame, self.server)

    def receive(self, timeout):
        """The next datagram from the server, or None when none came within `timeout`."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            if not select.select([self.sock], [], [], remaining)[0]:
                break
            datagram, source = self.sock.recvfrom(65535)
            if source[:2] == self.server:
                return datagram
        return None

    def close(self):
        self.sock.close()


class TCPTransport:
    """RFC 8656 §12.5: over a stream, ChannelData is padded to a multiple of four bytes."""
    reliable = True

    def __init__(self, server, source=None, timeout=5):
        self.sock = socket.socket(socket_family(server[0]), socket.SOCK_STREAM)
        if source:
            self.sock.bind((source, 0))
        self.sock.settimeout(timeout)
        self.sock.connect(server)
        self.buffer = b""

    def send(self, frame):
        padding = bytes(-len(frame) % 4) if is_channel_data(frame) else b""
        self.sock.sendall(frame + padding)

    def receive(self, timeout):
        """The next frame, or None when none came within `timeout`; EOFError when the
        server closed the connection."""
        deadline = time.monotonic() + timeout
        while (size := self._frame_size()) is None or len(self.buffer) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.sock], [], [], remaining)[0]:
                return None
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the server closed the connection")
            self.buffer += chunk
        unpadded = 4 + struct.unpack_from("!H", self.buffer, 2)[0] if is_channel_data(self.buffer) else size
        frame, self.buffer = self.buffer[:unpadded], self.buffer[size:]
        return frame

    def _frame_size(self):
        if len(self.buffer) < 4:
            return None
        length = struct.unpack_from("!H", self.buffer, 2)[0]
        if is_channel_data(self.buffer):
            return 4 + length + (-length % 4)
        return HEADER_SIZE + length

    def close(self):
        self.sock.close()


class Relayed(NamedTuple):
    """Data from a peer: from a Data indication (`peer` set) or ChannelData (`channel` set)."""
    data: bytes
    peer: tuple = None
    channel: int = None


class Session:
    """One client 5-tuple with long-term credentials, learnt from the first 401 (RFC 8489
    §9.2): `request` adds USERNAME, REALM, NONCE and MESSAGE-INTEGRITY and follows a
    438's fresh nonce once. Frames that are not the awaited response are kept for
    `receive`."""

    def __init__(self, server, username, password, transport="udp", source=None, timeout=5):
        self.username, self.password, self.timeout = username, password, timeout
        self.transport = (TCPTransport(server, source, timeout) if transport == "tcp"
                          else UDPTransport(server, source))
        self.realm = self.nonce = self.key = None
        self.relayed = None
        self.inbox = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.transport.close()

    @property
    def sock(self):
        return self.transport.sock

    # Requests.

    def challenge(self):
        """Learns REALM and NONCE from the 401 to an unauthenticated Allocate."""
        response = self.exchange(Message(Method.ALLOCATE).add(Attribute.REQUESTED_TRANSPORT, requested_transport()))
        if response.error_code != 401:
            raise StunError(response)
        self._learn(response)

    def signed(self, message):
        """`message` with the credentials; its bytes, ready to (re)send."""
        if self.nonce is None:
            self.challenge()
        message.attributes = [(kind, value) for kind, value in message.attributes
                              if kind not in (Attribute.USERNAME, Attribute.REALM, Attribute.NONCE)]
        message.add(Attribute.USERNAME, self.username.encode())
        message.add(Attribute.REALM, self.realm.encode())
        message.add(Attribute.NONCE, self.nonce)
        return message.encode(self.key)

    def request(self, method, *attributes):
        """An authenticated request and its response, success or error (never raises
        for an error response; see `Message.raise_for_error`)."""
        message = Message(method, attributes=list(attributes))
        response = self.exchange(self.signed(message))
        if response.error_code == 438:
            self._learn(response)
            message.transaction_id = os.urandom(12)
            response = self.exchange(self.signed(message))
        if response.message_class == Class.SUCCESS and not response.has_valid_integrity(self.key):
            raise ValueError(f"{response!r}: its MESSAGE-INTEGRITY is not the key's")
        return response

    def exchange(self, request, timeout=None):
        """Sends a request (a Message, or bytes already encoded) and returns its response,
        retransmitting over UDP (RFC 8489 §6.2.1, RTO 250 ms doubling)."""
        raw = request.encode() if isinstance(request, Message) else request
        transaction_id = raw[8:20]
        deadline = time.monotonic() + (timeout or self.timeout)
        interval = 0.25
        while time.monotonic() < deadline:
            self.transport.send(raw)
            wait_until = deadline if self.transport.reliable else min(deadline, time.monotonic() + interval)
            while (frame := self.transport.receive(max(wait_until - time.monotonic(), 0))) is not None:
                if not is_channel_data(frame):
                    message = Message.decode(frame)
                    if message.transaction_id == transaction_id and message.message_class in (Class.SUCCESS, Class.ERROR):
                        return message
                self.inbox.append(frame)
            interval *= 2
        raise TimeoutError(f"no response to transaction {transaction_id.hex()}")

    def _learn(self, response):
        self.realm = response.get(Attribute.REALM).decode()
        self.nonce = response.get(Attribute.NONCE)
        self.key = long_term_key(self.username, self.realm, self.password)

    # TURN.

    def allocate(self, *attributes, transport=UDP):
        """Allocate with REQUESTED-TRANSPORT (unless `transport` is None) and `attributes`;
        remembers the relayed address of a success."""
        extra = [(Attribute.REQUESTED_TRANSPORT, requested_transport(transport))] if transport else []
        response = self.request(Method.ALLOCATE, *extra, *attributes)
        if response.message_class == Class.SUCCESS:
            self.relayed = response.get_address(Attribute.XOR_RELAYED_ADDRESS)
        return response

    def refresh(self, seconds=None):
        return self.request(Method.REFRESH, *([(Attribute.LIFETIME, lifetime(seconds))] if seconds is not None else []))

    def create_permission(self, *peers):
        """One CreatePermission naming every peer (host, port)."""
        return self.request(Method.CREATE_PERMISSION, *[(Attribute.XOR_PEER_ADDRESS, peer) for peer in peers])

    def channel_bind(self, number, peer):
        return self.request(Method.CHANNEL_BIND, (Attribute.CHANNEL_NUMBER, channel_number(number)),
                            (Attribute.XOR_PEER_ADDRESS, peer))

    def send(self, peer, data):
        """A Send indication (no answer; RFC 8656 §10)."""
        message = Message(Method.SEND, Class.INDICATION).add(Attribute.XOR_PEER_ADDRESS, peer).add(Attribute.DATA, data)
        self.transport.send(message.encode())

    def channel_data(self, number, data):
        self.transport.send(channel_data(number, data))

    def receive(self, timeout=None):
        """The next data relayed from a peer, or None when none came within `timeout`."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            frame = self.inbox.pop(0) if self.inbox else self.transport.receive(max(deadline - time.monotonic(), 0))
            if frame is None:
                return None
            if is_channel_data(frame):
                number, length = struct.unpack_from("!HH", frame)
                return Relayed(frame[4:4 + length], channel=number)
            message = Message.decode(frame)
            if message.method == Method.DATA and message.message_class == Class.INDICATION:
                return Relayed(message.get(Attribute.DATA), peer=message.get_address(Attribute.XOR_PEER_ADDRESS))
