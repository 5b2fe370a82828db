"""STUN/TURN bytes for the relay fuzzer (RFC 8489, RFC 8656), written independently of
Sources/Relay: encoding with MESSAGE-INTEGRITY and FINGERPRINT, a tolerant attribute
walker, TURN REST credentials, and stream framing for TCP."""
import base64
import hashlib
import hmac
import ipaddress
import os
import struct
import time
import zlib

MAGIC = 0x2112A442
HEADER = 20

# Methods (RFC 8489 §18.2, RFC 8656 §17, RFC 6062's TCP methods which the relay does not offer).
BINDING, ALLOCATE, REFRESH, SEND, DATA = 0x001, 0x003, 0x004, 0x006, 0x007
CREATE_PERMISSION, CHANNEL_BIND = 0x008, 0x009
CONNECT, CONNECTION_BIND, CONNECTION_ATTEMPT = 0x00A, 0x00B, 0x00C
METHODS = (BINDING, ALLOCATE, REFRESH, SEND, DATA, CREATE_PERMISSION, CHANNEL_BIND,
           CONNECT, CONNECTION_BIND, CONNECTION_ATTEMPT)

# Classes.
REQUEST, INDICATION, SUCCESS, ERROR = 0b00, 0b01, 0b10, 0b11

# Attributes.
USERNAME = 0x0006
MESSAGE_INTEGRITY = 0x0008
ERROR_CODE = 0x0009
CHANNEL_NUMBER = 0x000C
LIFETIME = 0x000D
XOR_PEER_ADDRESS = 0x0012
DATA_ATTR = 0x0013
REALM = 0x0014
NONCE = 0x0015
REQUESTED_ADDRESS_FAMILY = 0x0017
EVEN_PORT = 0x0018
REQUESTED_TRANSPORT = 0x0019
DONT_FRAGMENT = 0x001A
MESSAGE_INTEGRITY_SHA256 = 0x001C
PASSWORD_ALGORITHM = 0x001D
USERHASH = 0x001E
RESERVATION_TOKEN = 0x0022
ADDITIONAL_ADDRESS_FAMILY = 0x8000
PASSWORD_ALGORITHMS = 0x8002
SOFTWARE = 0x8022
FINGERPRINT = 0x8028


def message_type(method, cls):
    """The 14-bit type: method bits M0-M11 with the class bits C0 (bit 4) and C1 (bit 8)."""
    return ((method & 0x00F) | ((method & 0x070) << 1) | ((method & 0xF80) << 2)
            | ((cls & 1) << 4) | ((cls & 2) << 7))


def split_type(kind):
    """(method, class) of a 14-bit message type."""
    method = (kind & 0x00F) | ((kind >> 1) & 0x070) | ((kind >> 2) & 0xF80)
    return method, ((kind >> 4) & 1) | ((kind >> 7) & 2)


def transaction_id():
    return os.urandom(12)


def padded(length):
    return length + (-length % 4)


def attribute(kind, value):
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * (-len(value) % 4)


def encode(method, cls, attributes=(), tid=None, key=None, fingerprint=False):
    """A message from (type, value) pairs; `key` adds MESSAGE-INTEGRITY (HMAC-SHA1), then
    FINGERPRINT if asked, each computed over a header whose length counts it (§14.5, §14.7)."""
    tid = tid or transaction_id()
    body = b"".join(attribute(kind, value) for kind, value in attributes)
    kind = message_type(method, cls)
    if key is not None:
        header = struct.pack("!HHI", kind, len(body) + 24, MAGIC) + tid
        body += attribute(MESSAGE_INTEGRITY, hmac.new(key, header + body, hashlib.sha1).digest())
    if fingerprint:
        header = struct.pack("!HHI", kind, len(body) + 8, MAGIC) + tid
        crc = zlib.crc32(header + body) ^ 0x5354554E
        body += attribute(FINGERPRINT, struct.pack("!I", crc))
    return struct.pack("!HHI", kind, len(body), MAGIC) + tid + body


def spans(message):
    """(offset, type, length) of each attribute whose header fits, following the declared
    lengths, whatever the header's length field says; stops at the first overrun."""
    found = []
    offset = HEADER
    while offset + 4 <= len(message):
        kind, length = struct.unpack_from("!HH", message, offset)
        if offset + 4 + length > len(message):
            break
        found.append((offset, kind, length))
        offset += 4 + padded(length)
    return found


def header(message):
    """(method, class, length, tid) of a message at least 20 bytes long, else None."""
    if len(message) < HEADER:
        return None
    kind, length = struct.unpack_from("!HH", message)
    method, cls = split_type(kind & 0x3FFF)
    return method, cls, length, message[8:HEADER]


def attributes(message):
    """{type: first value} of a well-framed message."""
    found = {}
    for offset, kind, length in spans(message):
        found.setdefault(kind, message[offset + 4: offset + 4 + length])
    return found


def error_code(message):
    """The ERROR-CODE number of an error response, else None."""
    value = attributes(message).get(ERROR_CODE)
    return value[2] % 8 * 100 + value[3] if value and len(value) >= 4 else None


def has_valid_integrity(message, key):
    """Whether the message is well framed (header length = its size, cookie right) and its
    first MESSAGE-INTEGRITY verifies with `key`, as a server would check it."""
    if key is None or len(message) < HEADER or message[:1] >= b"\x40":
        return False
    kind, length, cookie = struct.unpack_from("!HHI", message)
    if cookie != MAGIC or HEADER + length != len(message):
        return False
    for offset, attr, size in spans(message):
        if attr == MESSAGE_INTEGRITY:
            if size != 20:
                return False
            covered = struct.pack("!HH", kind, offset + 24 - HEADER) + message[4:offset]
            expected = hmac.new(key, covered, hashlib.sha1).digest()
            return hmac.compare_digest(expected, message[offset + 4: offset + 24])
    return False


# Attribute values.

def xor_address(ip, port, tid):
    """XOR-PEER-ADDRESS / XOR-MAPPED-ADDRESS value for an IPv4 or IPv6 literal."""
    address = ipaddress.ip_address(ip)
    xport = port ^ (MAGIC >> 16)
    if address.version == 4:
        return struct.pack("!xBHI", 1, xport, int(address) ^ MAGIC)
    mask = int.from_bytes(struct.pack("!I", MAGIC) + tid, "big")
    return struct.pack("!xBH", 2, xport) + (int(address) ^ mask).to_bytes(16, "big")


def u32(value):
    return struct.pack("!I", value & 0xFFFFFFFF)


def requested_transport(protocol=17):
    return struct.pack("!B3x", protocol)


def channel_number(number):
    return struct.pack("!H2x", number & 0xFFFF)


# Credentials (TURN REST API, the long-term mechanism with MD5 keys).

class Credentials:
    """REST credentials minted from the shared secret, and what the server told us."""

    def __init__(self, secret, realm="", nonce=b"", ttl=86400):
        self.secret = secret.encode()
        self.realm = realm
        self.nonce = nonce
        self.ttl = ttl

    def username(self, user):
        return f"{int(time.time()) + self.ttl}:{user}"

    def password(self, username):
        return base64.b64encode(hmac.new(self.secret, username.encode(), hashlib.sha1).digest()).decode()

    def key(self, username):
        return hashlib.md5(f"{username}:{self.realm}:{self.password(username)}".encode()).digest()

    def learn(self, reply):
        """Takes REALM and NONCE from a 401 or 438; True if the reply was one."""
        if error_code(reply) not in (401, 438):
            return False
        found = attributes(reply)
        if REALM in found and NONCE in found:
            self.realm = found[REALM].decode(errors="replace")
            self.nonce = found[NONCE]
            return True
        return False

    def auth_attributes(self, username):
        return [(USERNAME, username.encode()), (REALM, self.realm.encode()), (NONCE, self.nonce)]


# TCP framing (RFC 8489 §6.2.2, RFC 8656 §12.5).

def stream_frames(buffer):
    """Splits a stream buffer into complete frames: (frames, rest). A buffer that cannot
    start a frame (first two bits 1x) is returned whole as rest, with no frames after it."""
    frames = []
    offset = 0
    while len(buffer) - offset >= 4:
        first = buffer[offset] >> 6
        if first == 0:
            if len(buffer) - offset < HEADER:
                break
            size = HEADER + struct.unpack_from("!H", buffer, offset + 2)[0]
        elif first == 1:
            size = 4 + padded(struct.unpack_from("!H", buffer, offset + 2)[0])
        else:
            break
        if len(buffer) - offset < size:
            break
        frames.append(buffer[offset: offset + size])
        offset += size
    return frames, buffer[offset:]
