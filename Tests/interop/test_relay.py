"""The relay through the real binary: STUN Binding on UDP and TCP, the TURN challenge,
and garbage that must not stop it but must show in /metrics. Raw STUN bytes built here (RFC 8489), not with our code."""
import os
import socket
import struct
import time

import requests
from prometheus_client.parser import text_string_to_metric_families

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


def malformed_drops(appliance):
    text = requests.get(appliance.url + "/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "turn_dropped_packets_total" and sample.labels.get("reason") == "malformed":
                return sample.value
    return 0


def wait_for_malformed_drops(appliance, at_least, timeout=10):
    # The relay reports its counters once a second.
    deadline = time.monotonic() + timeout
    while (seen := malformed_drops(appliance)) < at_least and time.monotonic() < deadline:
        time.sleep(0.2)
    return seen


def test_garbage_datagrams_are_dropped_counted_and_the_relay_keeps_answering(appliance_factory):
    appliance = appliance_factory().start()
    garbage = [os.urandom(size) for size in (1, 3, 19, 21, 100, 1500)]
    garbage += [
        b"",                                               # empty datagram
        b"\x40\x00\xff\xff",                              # ChannelData announcing more than it has
        b"\xc0" + os.urandom(40),                          # neither STUN nor ChannelData
        struct.pack("!HHI", 0x0001, 400, MAGIC) + os.urandom(12),  # header longer than the datagram
    ]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for datagram in garbage:
            s.sendto(datagram, ("127.0.0.1", appliance.relay_port))
    reply, _ = udp_exchange(appliance.relay_port, request(0x0001)[0])
    assert struct.unpack_from("!H", reply)[0] == 0x0101
    # Random bytes may by chance look like ChannelData for no channel: at least the four
    # crafted ones are malformed.
    assert wait_for_malformed_drops(appliance, 4) >= 4
    assert appliance.stop() == 0


def test_garbage_on_tcp_closes_that_connection_only_and_is_counted(appliance_factory):
    appliance = appliance_factory().start()
    with socket.create_connection(("127.0.0.1", appliance.relay_port), timeout=5) as s:
        s.sendall(b"\xff" * 8 + b"GET / HTTP/1.1\r\n\r\n")
        assert s.recv(2048) == b"", "a stream out of sync is closed"
    assert wait_for_malformed_drops(appliance, 1) >= 1
    with socket.create_connection(("127.0.0.1", appliance.relay_port), timeout=5) as s:
        s.sendall(request(0x0001)[0])
        reply = s.recv(2048)
        assert struct.unpack_from("!H", reply)[0] == 0x0101
    reply, _ = udp_exchange(appliance.relay_port, request(0x0001)[0])
    assert struct.unpack_from("!H", reply)[0] == 0x0101
    assert appliance.stop() == 0
