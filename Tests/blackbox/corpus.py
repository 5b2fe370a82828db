"""What the relay fuzzer sends: well-formed seed messages and the mutations applied to them.

Peer addresses are always loopback (the relay runs with loopback peers allowed), or
addresses the relay must refuse and cannot reach anyway (0.0.0.0, IPv6 against an IPv4
relay), so nothing the relay relays can leave the machine."""
import ipaddress
import os
import struct
from dataclasses import dataclass, field

import stun
from common import pick

UDP_LIMIT = 8192          # beyond the relay's 2048-byte datagrams, to see truncation handled
TCP_LIMIT = 20 + 0xFFFF   # the largest STUN message a length field can announce


@dataclass
class Context:
    """Who a worker is to the relay: its credentials, peers and transport."""
    credentials: stun.Credentials
    username: str
    peers: list               # (ip, port) pairs the relay may relay to
    stream: bool = False      # TCP: ChannelData is padded, messages may be 64 KB
    channel: int = 0x4000     # the channel a session binds to its first peer
    refused_peers: list = field(default_factory=lambda: [("0.0.0.0", 9), ("::1", 9), ("fe80::1", 9)])

    @property
    def key(self):
        return self.credentials.key(self.username)

    @property
    def limit(self):
        return TCP_LIMIT if self.stream else UDP_LIMIT

    def sign(self, method, attributes, fingerprint=True, tid=None):
        """A request with USERNAME, REALM, NONCE, MESSAGE-INTEGRITY (and FINGERPRINT)."""
        return stun.encode(method, stun.REQUEST, list(attributes) + self.credentials.auth_attributes(self.username),
                           tid=tid, key=self.key, fingerprint=fingerprint)


def loopback_peer(rng):
    return f"127.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}", rng.randrange(1024, 65536)


def peer(rng, ctx):
    """Mostly a peer the relay may reach, sometimes one it must refuse."""
    choices = [(8, lambda: rng.choice(ctx.peers)), (2, lambda: loopback_peer(rng)),
               (1, lambda: rng.choice(ctx.refused_peers))]
    return pick(rng, choices)()


def peer_attribute(rng, ctx, tid, address=None):
    ip, port = address or peer(rng, ctx)
    return stun.XOR_PEER_ADDRESS, stun.xor_address(ip, port, tid)


def payload(rng):
    """Application data: random bytes, or a request for whoever receives it."""
    return pick(rng, [(4, lambda: os.urandom(rng.choice((0, 1, 4, 160, 1200)))),
                      (1, lambda: stun.encode(stun.BINDING, stun.REQUEST)),
                      (1, lambda: stun.encode(rng.choice(stun.METHODS), stun.REQUEST))])()


def method_attributes(rng, ctx, method, tid):
    """The attributes a well-behaved client puts in a request of this method."""
    if method == stun.ALLOCATE:
        attributes = [(stun.REQUESTED_TRANSPORT, stun.requested_transport())]
        if rng.random() < 0.3:
            attributes.append((stun.LIFETIME, stun.u32(rng.choice((600, 3600)))))
        if rng.random() < 0.2:
            attributes.append((stun.DONT_FRAGMENT, b""))
        return attributes
    if method == stun.REFRESH:
        return [(stun.LIFETIME, stun.u32(600))]
    if method == stun.CREATE_PERMISSION:
        return [peer_attribute(rng, ctx, tid) for _ in range(rng.randint(1, 3))]
    if method == stun.CHANNEL_BIND:
        channel = stun.channel_number(rng.randrange(0x4000, 0x8000))
        return [(stun.CHANNEL_NUMBER, channel), peer_attribute(rng, ctx, tid)]
    return []


# Seeds: each returns the bytes of one well-formed message.

def binding(rng, ctx):
    attributes = [(stun.SOFTWARE, b"relay-fuzz")] if rng.random() < 0.3 else []
    return stun.encode(stun.BINDING, stun.REQUEST, attributes, fingerprint=rng.random() < 0.5)


def bare_request(rng, ctx):
    """Twenty bytes: a request of any method without attributes."""
    return stun.encode(rng.choice(stun.METHODS), stun.REQUEST)


def first_allocate(rng, ctx):
    """The Allocate a client sends before it knows the realm and nonce."""
    tid = stun.transaction_id()
    return stun.encode(stun.ALLOCATE, stun.REQUEST, method_attributes(rng, ctx, stun.ALLOCATE, tid), tid=tid,
                       fingerprint=rng.random() < 0.5)


def unauthenticated_request(rng, ctx):
    """Refresh, CreatePermission or ChannelBind with their attributes and no integrity."""
    tid = stun.transaction_id()
    method = rng.choice((stun.REFRESH, stun.CREATE_PERMISSION, stun.CHANNEL_BIND))
    return stun.encode(method, stun.REQUEST, method_attributes(rng, ctx, method, tid), tid=tid,
                       fingerprint=rng.random() < 0.5)


def authenticated_request(rng, ctx):
    tid = stun.transaction_id()
    method = rng.choice((stun.ALLOCATE, stun.REFRESH, stun.CREATE_PERMISSION, stun.CHANNEL_BIND))
    return ctx.sign(method, method_attributes(rng, ctx, method, tid), tid=tid)


def send_indication(rng, ctx, address=None, data=None):
    tid = stun.transaction_id()
    attributes = [peer_attribute(rng, ctx, tid, address), (stun.DATA_ATTR, payload(rng) if data is None else data)]
    if rng.random() < 0.1:
        attributes.append((stun.DONT_FRAGMENT, b""))
    return stun.encode(stun.SEND, stun.INDICATION, attributes, tid=tid, fingerprint=rng.random() < 0.3)


def channel_data(rng, ctx, channel=None, data=None):
    data = payload(rng) if data is None else data
    frame = struct.pack("!HH", channel or rng.randrange(0x4000, 0x8000), len(data)) + data
    return frame + b"\0" * (-len(frame) % 4) if ctx.stream else frame


def random_bytes(rng, ctx):
    return os.urandom(rng.choice((0, 1, 3, 4, 19, 20, 21, 36, rng.randrange(ctx.limit))))


def many_peers(rng, ctx):
    """A signed CreatePermission with as many distinct XOR-PEER-ADDRESS as fit the limit."""
    tid = stun.transaction_id()
    count = (rng.randint(ctx.limit // 4, ctx.limit) - 200) // 12
    base = int(ipaddress.IPv4Address("127.1.0.1"))
    peers = [(stun.XOR_PEER_ADDRESS, stun.xor_address(str(ipaddress.IPv4Address(base + n)), 9, tid))
             for n in range(count)]
    return ctx.sign(stun.CREATE_PERMISSION, peers, tid=tid)


SEEDS = [
    (3, binding), (3, bare_request), (3, first_allocate), (3, unauthenticated_request),
    (3, authenticated_request), (2, send_indication), (2, channel_data), (1, random_bytes),
    (0.05, many_peers),
]


# Mutations of encoded bytes: each takes (rng, message, limit) and returns new bytes.

def with_length(message, length):
    """The message with its header length field set (when it has one)."""
    if len(message) < 4:
        return message
    return message[:2] + struct.pack("!H", max(0, min(length, 0xFFFF))) + message[4:]


def fix_length(message):
    return with_length(message, len(message) - stun.HEADER)


def flip_bits(rng, message, limit):
    data = bytearray(message)
    for _ in range(rng.randint(1, 8) if data else 0):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def flip_header_bits(rng, message, limit):
    data = bytearray(message)
    for _ in range(rng.randint(1, 3) if data else 0):
        data[rng.randrange(min(len(data), stun.HEADER))] ^= 1 << rng.randrange(8)
    return bytes(data)


def truncate(rng, message, limit):
    return message[:rng.randrange(len(message))] if message else message


def lie_about_length(rng, message, limit):
    actual = len(message) - stun.HEADER
    return with_length(message, rng.choice((0, 0xFFFF, actual + 4, actual - 4, actual + 1, rng.randrange(0x10000))))


def lie_about_attribute_length(rng, message, limit):
    found = stun.spans(message)
    if not found:
        return flip_bits(rng, message, limit)
    offset, _, length = rng.choice(found)
    lie = rng.choice((0, 0xFFFF, length + 4, max(0, length - 1), rng.randrange(0x10000)))
    return message[:offset + 2] + struct.pack("!H", lie) + message[offset + 4:]


def attribute_bytes(message, span):
    offset, _, length = span
    return message[offset: offset + 4 + stun.padded(length)]


def duplicate_attribute(rng, message, limit):
    found = stun.spans(message)
    if not found:
        return flip_bits(rng, message, limit)
    span = rng.choice(found)
    end = span[0] + 4 + stun.padded(span[2])
    return fix_length(message[:end] + attribute_bytes(message, span) * rng.randint(1, 16) + message[end:])


def flood_attribute(rng, message, limit):
    """One attribute repeated until the message is thousands of attributes long."""
    found = stun.spans(message)
    if not found:
        return random_bytes_of(rng, limit)
    copy = attribute_bytes(message, rng.choice(found))
    room = rng.randint(limit // 4, limit) - len(message)
    return fix_length(message + copy * max(1, room // len(copy)))


def drop_attribute(rng, message, limit):
    found = stun.spans(message)
    if not found:
        return truncate(rng, message, limit)
    span = rng.choice(found)
    return fix_length(message[:span[0]] + message[span[0] + len(attribute_bytes(message, span)):])


def move_last_attribute_first(rng, message, limit):
    """Puts FINGERPRINT (or whatever ends the message) before everything it should follow."""
    found = stun.spans(message)
    if len(found) < 2:
        return flip_bits(rng, message, limit)
    last = attribute_bytes(message, found[-1])
    return message[:stun.HEADER] + last + message[stun.HEADER:found[-1][0]]


def random_type(rng, message, limit):
    """Any method and class, sometimes with the two top bits set."""
    if len(message) < 2:
        return message
    kind = stun.message_type(rng.randrange(0x1000), rng.randrange(4))
    if rng.random() < 0.1:
        kind |= rng.randrange(4) << 14
    return struct.pack("!H", kind) + message[2:]


def corrupt_cookie(rng, message, limit):
    return message[:4] + os.urandom(4) + message[8:] if len(message) >= 8 else message


def append_junk(rng, message, limit):
    junk = os.urandom(rng.choice((1, 3, 4, 8, 100)))
    return fix_length(message + junk) if rng.random() < 0.5 else message + junk


def random_bytes_of(rng, limit):
    data = os.urandom(rng.randrange(1, limit))
    return bytes([data[0] & rng.choice((0x3F, 0x7F, 0xFF))]) + data[1:]


def replace_with_random_bytes(rng, message, limit):
    return random_bytes_of(rng, min(limit, 2 * len(message) + 64))


MUTATIONS = [
    (4, flip_bits), (3, flip_header_bits), (2, truncate), (2, lie_about_length), (2, lie_about_attribute_length),
    (2, duplicate_attribute), (0.2, flood_attribute), (1, drop_attribute), (1, move_last_attribute_first),
    (2, random_type), (1, corrupt_cookie), (1, append_junk), (1, replace_with_random_bytes),
]


def mutate(rng, message, limit):
    """One to three mutations in a row, capped at `limit` bytes."""
    for _ in range(rng.randint(1, 3)):
        message = pick(rng, MUTATIONS)(rng, message, limit)[:limit]
    return message


def reframe(message):
    """A mutated message made one well-delimited TCP frame again: a STUN message (first
    bits 00, the magic cookie, a length field that tells its size, a multiple of 4) or
    ChannelData (01) whose length field tells its size, padded."""
    if not message:
        return message
    message = bytes([message[0] & 0x7F]) + message[1:]
    if message[0] < 0x40:
        message = message[:TCP_LIMIT - 3].ljust(stun.HEADER, b"\0")
        message = message[:4] + struct.pack("!I", stun.MAGIC) + message[8:] + b"\0" * (-len(message) % 4)
        return fix_length(message)
    data = message[4:4 + 0xFFFF]
    return message[:2].ljust(2, b"\0") + struct.pack("!H", len(data)) + data + b"\0" * (-len(data) % 4)


def fuzz_message(rng, ctx, mutation_rate=0.7):
    """A seed, mutated most of the time."""
    message = pick(rng, SEEDS)(rng, ctx)
    return mutate(rng, message, ctx.limit) if rng.random() < mutation_rate else message


# Signed requests with odd attributes: they pass authentication and reach each method's code.

def odd_attribute(rng, ctx, tid):
    return pick(rng, [
        (2, lambda: (stun.LIFETIME, stun.u32(rng.choice((0, 1, 599, 3601, 0xFFFFFFFF))))),
        (2, lambda: (stun.CHANNEL_NUMBER, stun.channel_number(rng.choice((0, 0x3FFF, 0x4000, 0x7FFF, 0x8000))))),
        (2, lambda: (stun.XOR_PEER_ADDRESS, stun.xor_address(*rng.choice(ctx.refused_peers), tid))),
        (1, lambda: (stun.XOR_PEER_ADDRESS, bytes([0, rng.choice((0, 3, 255))]) + os.urandom(rng.choice((2, 6, 18))))),
        (1, lambda: (stun.REQUESTED_TRANSPORT, stun.requested_transport(rng.choice((0, 6, 255))))),
        (1, lambda: (stun.EVEN_PORT, rng.choice((b"\x80", b"\x00", b"")))),
        (1, lambda: (stun.RESERVATION_TOKEN, os.urandom(rng.choice((8, 4, 12))))),
        (1, lambda: (stun.REQUESTED_ADDRESS_FAMILY, bytes([rng.choice((1, 2, 3)), 0, 0, 0]))),
        (1, lambda: (stun.ADDITIONAL_ADDRESS_FAMILY, bytes([rng.choice((1, 2, 3)), 0, 0, 0]))),
        (1, lambda: (stun.DONT_FRAGMENT, rng.choice((b"", b"x")))),
        (1, lambda: (stun.PASSWORD_ALGORITHM, struct.pack("!HH", rng.choice((1, 2, 9)), 0))),
        (1, lambda: (stun.PASSWORD_ALGORITHMS, os.urandom(rng.choice((0, 4, 8))))),
        (1, lambda: (stun.USERHASH, os.urandom(32))),
        (1, lambda: (stun.MESSAGE_INTEGRITY_SHA256, os.urandom(32))),
        (1, lambda: (stun.DATA_ATTR, payload(rng))),
        (2, lambda: (rng.randrange(0x8000), os.urandom(rng.randrange(12)))),           # unknown, required
        (1, lambda: (rng.randrange(0x8000, 0x10000), os.urandom(rng.randrange(12)))),  # unknown, optional
    ])()


def odd_signed_request(rng, ctx):
    """A correctly signed request whose attributes are duplicated, missing or strange."""
    tid = stun.transaction_id()
    method = rng.choice((stun.ALLOCATE, stun.REFRESH, stun.CREATE_PERMISSION, stun.CHANNEL_BIND,
                         stun.BINDING, rng.randrange(0x1000)))
    attributes = method_attributes(rng, ctx, method, tid)
    for _ in range(rng.randint(1, 4)):
        if attributes and rng.random() < 0.3:
            attributes.pop(rng.randrange(len(attributes)))
        elif attributes and rng.random() < 0.3:
            attributes.append(rng.choice(attributes))
        else:
            attributes.append(odd_attribute(rng, ctx, tid))
    rng.shuffle(attributes)
    return ctx.sign(method, attributes, tid=tid, fingerprint=rng.random() < 0.5)


def keep_framing(rng, ctx, message):
    """On TCP nearly all mutated messages keep their framing, so that the allocation lives
    on; the few that do not end the connection and with it the allocation."""
    return reframe(message) if ctx.stream and rng.random() < 0.97 else message


def session_message(rng, ctx):
    """What a client holding an allocation sends: mostly traffic to its peer and
    well-formed requests, then signed oddities and mutations of all of it."""
    sink = ctx.peers[0]
    wellformed = [
        (7, lambda: send_indication(rng, ctx, address=sink)),
        (4, lambda: channel_data(rng, ctx, channel=ctx.channel)),
        (2, lambda: authenticated_request(rng, ctx)),
        (3, lambda: odd_signed_request(rng, ctx)),
    ]
    choices = wellformed + [
        (4, lambda: keep_framing(rng, ctx, mutate(rng, pick(rng, wellformed)(), ctx.limit))),
        (1, lambda: keep_framing(rng, ctx, fuzz_message(rng, ctx))),
    ]
    if ctx.stream:
        choices += [
            (0.1, lambda: many_peers(rng, ctx)),
            (0.1, lambda: send_indication(rng, ctx, address=sink, data=os.urandom(rng.randrange(60000, 65000)))),
            (0.1, lambda: channel_data(rng, ctx, channel=ctx.channel, data=os.urandom(rng.randrange(60000, 65500)))),
        ]
    return pick(rng, choices)()
