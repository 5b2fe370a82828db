"""The relay through the real binary: STUN Binding on UDP and TCP, the TURN challenge,
and garbage that must not stop it. Raw STUN bytes built here (RFC 8489), not with our code."""
import os
import socket
import struct

MAGIC = 0x2112A442


def request(method, attributes=b""):
    transaction = os.urandom(12)
    header = struct.pack("!HHI", method, len(attributes), MAGIC) + transaction
    return header + attributes, transaction


def attributes(message):
    found = {}
    offset = 20
    while offset + 4 <= len(message):
        kind, length = struct.unpack_from("!HH", message, offset)
        found.setdefault(kind, message[offset + 4: offset + 4 + length])
        offset += 4 + length + (-length % 4)
    return found


def xor_mapped_address(value):
    family, port = struct.unpack_from("!xBH", value)
    assert family == 1
    ip = struct.unpack_from("!I", value, 4)[0] ^ MAGIC
    return socket.inet_ntoa(struct.pack("!I", ip)), port ^ (MAGIC >> 16)


def udp_exchange(port, data, timeout=5):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.bind(("127.0.0.1", 0))
        s.sendto(data, ("127.0.0.1", port))
        reply, _ = s.recvfrom(2048)
        return reply, s.getsockname()


def test_stun_binding_over_udp_reports_the_reflexive_address(appliance_factory):
    appliance = appliance_factory().start()
    message, transaction = request(0x0001)
    reply, local = udp_exchange(appliance.relay_port, message)
    kind, _, cookie = struct.unpack_from("!HHI", reply)
    assert (kind, cookie, reply[8:20]) == (0x0101, MAGIC, transaction)
    assert xor_mapped_address(attributes(reply)[0x0020]) == local
    assert appliance.stop() == 0


def test_stun_binding_over_tcp(appliance_factory):
    appliance = appliance_factory().start()
    message, transaction = request(0x0001)
    with socket.create_connection(("127.0.0.1", appliance.relay_port), timeout=5) as s:
        s.sendall(message)
        reply = b""
        while len(reply) < 20 or len(reply) < 20 + struct.unpack_from("!H", reply, 2)[0]:
            chunk = s.recv(2048)
            assert chunk, "connection closed before a full response"
            reply += chunk
        assert struct.unpack_from("!H", reply)[0] == 0x0101
        assert xor_mapped_address(attributes(reply)[0x0020]) == s.getsockname()
    assert appliance.stop() == 0


def test_allocate_without_credentials_is_challenged_with_realm_and_nonce(appliance_factory):
    appliance = appliance_factory().start()
    requested_transport = struct.pack("!HHB3x", 0x0019, 4, 17)
    reply, _ = udp_exchange(appliance.relay_port, request(0x0003, requested_transport)[0])
    assert struct.unpack_from("!H", reply)[0] == 0x0113
    found = attributes(reply)
    error = found[0x0009]
    assert error[2] * 100 + error[3] == 401
    assert 0x0014 in found and found[0x0015].startswith(b"obMatJos2")
    assert len(reply) < 160, "the unauthenticated answer must stay small"
    assert appliance.stop() == 0


def test_garbage_datagrams_are_dropped_and_the_relay_keeps_answering(appliance_factory):
    appliance = appliance_factory().start()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for size in (0, 1, 3, 19, 20, 21, 100, 1500):
            s.sendto(os.urandom(size), ("127.0.0.1", appliance.relay_port))
        s.sendto(b"\x40\x00\xff\xff", ("127.0.0.1", appliance.relay_port))
    reply, _ = udp_exchange(appliance.relay_port, request(0x0001)[0])
    assert struct.unpack_from("!H", reply)[0] == 0x0101
    assert appliance.stop() == 0
