"""The relay's edge hardening through the real binary (docs/relay.md "Peer policy" and
"Security"): peers the box must not reach (loopback in every IPv4-in-IPv6 form, its own
services) refused with 403 while relay-to-relay calls still work; no answer to an
unauthenticated UDP request larger than three times the request; caps on permissions,
channels, EVEN-PORT reservations and TCP connections; large datagrams relayed whole; the
quota refusals in /metrics.

Clients: aioice (PyPI) and coturn's `turnutils_uclient` (Debian), which we did not write,
and `stunclient.py`, written here from the RFCs, for what those clients never send."""
import asyncio
import contextlib
import os
import select
import socket
import subprocess
import time

import pytest
import requests

from stunclient import (
    Attribute, Family, Message, Method, Relayed, Session, TCPTransport, UDPTransport, even_port,
    requested_address_family, requested_transport,
)
from test_aioice import allocate, appliance_with_secret, error_code, rest_credentials
from test_metrics import families

LOOPBACK_ALLOWED = {"NOTRACK_RELAY_ALLOW_LOOPBACK_PEERS": "true"}
# An IPv6 relay address (::1) next to the IPv4 one, for IPv6 allocations.
DUAL_STACK = {"NOTRACK_RELAY_LISTEN_ADDRESSES": "127.0.0.1,::1"}
# Above Linux's ephemeral ports (32768-60999), where the test's relay and HTTP ports and
# every socket bound to port 0 live: all of those are outside the relay range.
RELAY_PORT_RANGE = {"NOTRACK_RELAY_PORT_RANGE": "61000-61999"}
IN_RANGE_PORT = 61500
# The IPv6 forms of 127.0.0.1 a policy must see through, and ::1.
IPV6_LOOPBACK_FORMS = ["::1", "::ffff:127.0.0.1", "64:ff9b::7f00:1", "::ffff:0:127.0.0.1"]
# The discard port: outside every relay port range, so that 127.0.0.1 and ::1, also the
# relay's own addresses here, are refused there both as loopback and as the box's own.
DISCARD = 9


# Sessions of the raw client.

def session(appliance, user="alice", transport="udp"):
    username, password = rest_credentials(user, time.time() + 600)
    return Session(("127.0.0.1", appliance.relay_port), username, password, transport=transport)


@contextlib.contextmanager
def allocated(appliance, *attributes, user="alice", transport="udp"):
    with session(appliance, user, transport) as client:
        client.allocate(*attributes).raise_for_error()
        yield client


def family_of(host):
    return Family.IPV6 if ":" in host else Family.IPV4


def ask_for_peer(client, method, peer, channel=0x4000):
    """A CreatePermission or a ChannelBind for `peer`; the response."""
    if method == "create_permission":
        return client.create_permission(peer)
    return client.channel_bind(channel, peer)


def public_peers(count):
    """Addresses the policy allows (public unicast); nothing needs to answer there."""
    return [(f"8.8.{index // 250}.{index % 250 + 1}", 3478) for index in range(count)]


# Waiting, bounded.

def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while not (satisfied := condition()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return satisfied


def closed_within(sock, timeout):
    """Seconds until the server closed `sock` (EOF or reset), None if it stayed open."""
    start = time.monotonic()
    while (remaining := start + timeout - time.monotonic()) > 0:
        if not select.select([sock], [], [], remaining)[0]:
            break
        try:
            if not sock.recv(65536):
                return time.monotonic() - start
        except ConnectionResetError:
            return time.monotonic() - start
    return None


def udp_answer(appliance, request, wait=1.0):
    """The relay's answer to one datagram, or None when none came within `wait`."""
    transport = UDPTransport(("127.0.0.1", appliance.relay_port))
    try:
        transport.send(request)
        return transport.receive(wait)
    finally:
        transport.close()


# /metrics: the relay reports once a second, one gauge per shard.

def relay_samples(appliance, name):
    text = requests.get(appliance.url + "/metrics", timeout=5).text
    return [sample for family in families(text).values() for sample in family.samples if sample.name == name]


def allocations_active(appliance):
    return sum(sample.value for sample in relay_samples(appliance, "turn_allocations_active"))


def allocation_results(appliance):
    return {sample.labels["result"]: sample.value for sample in relay_samples(appliance, "turn_allocations_total")}


# 1. Peer policy.

async def aioice_channel_bind_error(appliance, peer):
    """What aioice's ChannelBind to `peer` gets from an IPv4 allocation: the error code,
    or None when it succeeded."""
    relay, inbox = await allocate(appliance, *rest_credentials("alice", time.time() + 600))
    try:
        relay.sendto(b"probe", (peer, DISCARD))  # aioice binds a channel first
        try:
            return error_code(await asyncio.wait_for(inbox.errors.get(), timeout=5))
        except TimeoutError:
            return None
    finally:
        relay.close()
        await asyncio.sleep(0.2)  # let the Refresh(0) that deletes the allocation go out


def test_aioice_channel_to_loopback_is_refused_with_403(appliance_factory):
    # 127.0.0.1 is also the relay's own address here: refused on a port outside the range.
    appliance = appliance_with_secret(appliance_factory)
    assert asyncio.run(aioice_channel_bind_error(appliance, "127.0.0.1")) == 403
    assert appliance.stop() == 0


@pytest.mark.parametrize("peer", IPV6_LOOPBACK_FORMS)
def test_aioice_ipv6_peer_on_an_ipv4_allocation_is_refused_with_443(appliance_factory, peer):
    # aioice asks for no address family: IPv4. The family check comes before the policy.
    appliance = appliance_with_secret(appliance_factory)
    assert asyncio.run(aioice_channel_bind_error(appliance, peer)) == 443
    assert appliance.stop() == 0


@pytest.mark.parametrize("method", ["create_permission", "channel_bind"])
@pytest.mark.parametrize("peer", ["127.0.0.1", *IPV6_LOOPBACK_FORMS])
def test_loopback_peer_in_any_form_is_refused_with_403(appliance_factory, peer, method):
    appliance = appliance_with_secret(appliance_factory, **DUAL_STACK)
    family = family_of(peer)
    with allocated(appliance, (Attribute.REQUESTED_ADDRESS_FAMILY, requested_address_family(family))) as client:
        assert client.relayed[0] == ("::1" if family == Family.IPV6 else "127.0.0.1")
        assert ask_for_peer(client, method, (peer, DISCARD)).error_code == 403
    assert appliance.stop() == 0


@pytest.mark.parametrize("method", ["create_permission", "channel_bind"])
@pytest.mark.parametrize("peer", IPV6_LOOPBACK_FORMS)
def test_ipv6_peer_on_an_ipv4_allocation_is_refused_with_443(appliance_factory, peer, method):
    appliance = appliance_with_secret(appliance_factory, **DUAL_STACK)
    with allocated(appliance) as client:
        assert ask_for_peer(client, method, (peer, DISCARD)).error_code == 443
    assert appliance.stop() == 0


def uclient_to_peer(appliance, peer, *options):
    """turnutils_uclient relaying to `peer` (-e) from one allocation (no -y); `-x` asks
    for an IPv6 relay. Returns its exit code and output."""
    username, password = rest_credentials("alice", time.time() + 600)
    command = ["turnutils_uclient", "-p", str(appliance.relay_port), "-u", username, "-w", password,
               "-e", peer, "-r", str(DISCARD), "-n", "5", "-m", "1", "-c", *options, "127.0.0.1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("method", [[], ["-s"]], ids=["channel", "permission"])
@pytest.mark.parametrize("peer, family", [("127.0.0.1", []), ("::1", ["-x"])], ids=["ipv4", "ipv6"])
def test_uclient_is_refused_a_loopback_peer(appliance_factory, peer, family, method):
    # -s: Send indications, after a CreatePermission; without it, a ChannelBind.
    appliance = appliance_with_secret(appliance_factory, **DUAL_STACK)
    returncode, output = uclient_to_peer(appliance, peer, *family, *method)
    assert returncode != 0, output[-3000:]
    assert "error 403" in output or "Forbidden" in output, output[-3000:]
    assert appliance.stop() == 0


# The box's own address as clients reach it: a public-looking address given as
# relay.publicAddress (the relay still listens on 127.0.0.1). It lies in a documentation
# range, refused as a peer, so only the own-address rule can allow it.
OWN_ADDRESS = "203.0.113.77"
OWN = {"NOTRACK_RELAY_PUBLIC_ADDRESS": OWN_ADDRESS, **RELAY_PORT_RANGE}


@pytest.mark.parametrize("method", ["create_permission", "channel_bind"])
def test_own_address_is_a_peer_on_relay_ports_only(appliance_factory, method):
    appliance = appliance_with_secret(appliance_factory, **OWN)
    with allocated(appliance) as client:
        # The box's own services: DNS, the relay's own listener, the HTTP API.
        for channel, port in enumerate((53, appliance.relay_port, appliance.http_port), start=0x4000):
            assert ask_for_peer(client, method, (OWN_ADDRESS, port), channel).error_code == 403, port
        # Another allocation's port: relay to relay.
        ask_for_peer(client, method, (OWN_ADDRESS, IN_RANGE_PORT), 0x4010).raise_for_error()
    assert appliance.stop() == 0


def test_send_indication_to_own_address_outside_the_relay_ports_is_dropped(appliance_factory):
    appliance = appliance_with_secret(appliance_factory, **OWN)
    with allocated(appliance) as client:
        # The permission is for the address, whatever the port it named.
        client.create_permission((OWN_ADDRESS, IN_RANGE_PORT)).raise_for_error()
        for _ in range(3):
            client.send((OWN_ADDRESS, 53), b"to the box's DNS")
        assert wait_for(lambda: dropped(appliance, "forbidden_peer") == 3, timeout=5), dropped(appliance, "forbidden_peer")
    assert appliance.stop() == 0


def dropped(appliance, reason):
    return sum(sample.value for sample in relay_samples(appliance, "turn_dropped_packets_total")
               if sample.labels["reason"] == reason)


@pytest.mark.parametrize("loopback", [{}, LOOPBACK_ALLOWED], ids=["loopback-denied", "loopback-allowed"])
def test_two_allocations_of_the_box_relay_to_each_other(appliance_factory, loopback):
    appliance = appliance_with_secret(appliance_factory, **loopback)
    with allocated(appliance, user="alice") as alice, allocated(appliance, user="bob") as bob:
        alice.channel_bind(0x4000, bob.relayed).raise_for_error()
        bob.create_permission(alice.relayed).raise_for_error()
        alice.channel_data(0x4000, b"from alice")
        assert bob.receive() == Relayed(b"from alice", peer=alice.relayed)
        bob.send(alice.relayed, b"from bob")
        assert alice.receive() == Relayed(b"from bob", channel=0x4000)
    assert appliance.stop() == 0


# 2. Amplification.

UNKNOWN_METHOD = 0x07F


@pytest.mark.parametrize("method", [Method.BINDING, Method.ALLOCATE, Method.REFRESH, Method.CREATE_PERMISSION,
                                    Method.CHANNEL_BIND, UNKNOWN_METHOD],
                         ids=["binding", "allocate", "refresh", "create_permission", "channel_bind", "unknown"])
def test_attribute_less_request_gets_no_answer_larger_than_three_times_its_size(appliance_factory, method):
    appliance = appliance_factory().start()
    request = Message(method).encode()
    assert len(request) == 20
    answer = udp_answer(appliance, request)
    assert answer is None or len(answer) <= 3 * len(request), Message.decode(answer)
    assert appliance.stop() == 0


def test_challenge_to_the_smallest_allocate_fits_three_times_its_size(appliance_factory):
    appliance = appliance_factory().start()
    request = Message(Method.ALLOCATE).add(Attribute.REQUESTED_TRANSPORT, requested_transport()).encode()
    assert len(request) == 28
    answer = udp_answer(appliance, request)
    assert answer is not None, "no challenge"
    challenge = Message.decode(answer)
    assert challenge.error_code == 401
    assert challenge.get(Attribute.REALM) and challenge.get(Attribute.NONCE)
    assert len(answer) <= 84, challenge
    assert appliance.stop() == 0


def test_default_realm_is_notrack_not_the_host_name(appliance_factory):
    appliance = appliance_factory().start()
    request = Message(Method.ALLOCATE).add(Attribute.REQUESTED_TRANSPORT, requested_transport()).encode()
    answer = udp_answer(appliance, request)
    assert answer is not None, "no challenge"
    assert Message.decode(answer).get(Attribute.REALM) == b"notrack"
    assert appliance.stop() == 0


def test_allocate_without_requested_transport_gets_400_not_a_challenge(appliance_factory):
    appliance = appliance_with_secret(appliance_factory)
    answer = udp_answer(appliance, Message(Method.ALLOCATE).encode())
    assert answer is not None, "no answer"
    assert Message.decode(answer).error_code == 400
    with session(appliance) as client:
        assert client.allocate(transport=None).error_code == 400
    assert appliance.stop() == 0


# TURNConfiguration.responseCacheCapacity: answers a shard keeps for retransmissions,
# oldest out first. One shard per CPU, and the kernel spreads client sockets over them.
RESPONSE_CACHE_CAPACITY = 10_000


def flood(appliance, count, clients=100, burst=20):
    """`count` unauthenticated Allocates from `clients` other sockets, `burst` from each
    at a time; each burst ends with a Binding, and the next waits for its answers (the
    shard read the burst before them) or 5 s, so the relay's socket buffer never
    overflows."""
    server = ("127.0.0.1", appliance.relay_port)
    sockets = [UDPTransport(server) for _ in range(clients)]
    junk = Message(Method.ALLOCATE).add(Attribute.REQUESTED_TRANSPORT, requested_transport())
    try:
        for _ in range(0, count, clients * burst):
            waiting = {}
            for transport in sockets:
                for _ in range(burst):
                    junk.transaction_id = os.urandom(12)
                    transport.send(junk.encode())
                binding = Message(Method.BINDING)
                transport.send(binding.encode())
                waiting[transport.sock] = binding.transaction_id
            deadline = time.monotonic() + 5
            while waiting and (remaining := deadline - time.monotonic()) > 0:
                for sock in select.select(list(waiting), [], [], remaining)[0]:
                    if sock.recv(2048)[8:20] == waiting[sock]:
                        del waiting[sock]
    finally:
        for transport in sockets:
            transport.close()


def test_retransmitted_allocate_gets_its_answer_again_after_a_flood_of_junk(appliance_factory):
    appliance = appliance_with_secret(appliance_factory)
    with session(appliance) as client:
        request = client.signed(Message(Method.ALLOCATE).add(Attribute.REQUESTED_TRANSPORT, requested_transport()))
        first = client.exchange(request).raise_for_error()
        # More junk than every shard's cache holds, so that none can keep it all.
        flood(appliance, count=RESPONSE_CACHE_CAPACITY * len(os.sched_getaffinity(0)) * 3 // 2)
        again = client.exchange(request)  # as if the first answer had been lost
        assert again.error_code != 437, "the retransmission was taken for a second Allocate"
        assert again.raw == first.raw
    assert appliance.stop() == 0


# 3. Permissions and channels per allocation.

def caps(variable, cap):
    return {} if cap == 64 else {variable: str(cap)}


@pytest.mark.parametrize("cap", [64, 4], ids=["default", "configured"])
def test_permissions_per_allocation_are_capped(appliance_factory, cap):
    appliance = appliance_with_secret(appliance_factory, **caps("NOTRACK_RELAY_MAX_PERMISSIONS_PER_ALLOCATION", cap))
    peers = public_peers(cap + 1)
    with allocated(appliance) as client:
        assert client.create_permission(*peers).error_code == 508
        client.create_permission(*peers[:cap]).raise_for_error()
        assert client.create_permission(peers[cap]).error_code == 508
        client.create_permission(peers[0]).raise_for_error()  # a refresh takes no new slot
    assert appliance.stop() == 0


@pytest.mark.parametrize("cap", [64, 4], ids=["default", "configured"])
def test_channels_per_allocation_are_capped(appliance_factory, cap):
    appliance = appliance_with_secret(appliance_factory, **caps("NOTRACK_RELAY_MAX_CHANNELS_PER_ALLOCATION", cap))
    peers = public_peers(cap + 1)
    with allocated(appliance) as client:
        for channel, peer in enumerate(peers[:cap], start=0x4000):
            client.channel_bind(channel, peer).raise_for_error()
        assert client.channel_bind(0x4000 + cap, peers[cap]).error_code == 508
        client.channel_bind(0x4000, peers[0]).raise_for_error()  # a refresh takes no new slot
    assert appliance.stop() == 0


# 4. EVEN-PORT reservations.

def test_even_port_reservation_counts_twice_against_the_user_quota(appliance_factory):
    appliance = appliance_with_secret(appliance_factory, NOTRACK_RELAY_MAX_ALLOCATIONS_PER_USER="2")
    with session(appliance) as rtp:
        response = rtp.allocate((Attribute.EVEN_PORT, even_port(reserve_next=True))).raise_for_error()
        token = response.get(Attribute.RESERVATION_TOKEN)
        assert token and rtp.relayed[1] % 2 == 0
        with session(appliance) as another:
            assert another.allocate().error_code == 486
        rtp.refresh(0).raise_for_error()
    with session(appliance) as redeemer:
        # The reserved port was freed with its allocation.
        assert redeemer.allocate((Attribute.RESERVATION_TOKEN, token)).error_code == 508
    # Both slots are back.
    with allocated(appliance), allocated(appliance):
        pass
    assert appliance.stop() == 0


# 5. TCP connections.

IDLE_TIMEOUT = 5  # seconds; allowed up to twice that


def test_silent_tcp_connection_is_closed_after_the_idle_timeout(appliance_factory):
    appliance = appliance_factory().start()
    with socket.create_connection(("127.0.0.1", appliance.relay_port), timeout=5) as silent:
        assert closed_within(silent, 2 * IDLE_TIMEOUT) is not None, "still open"
    assert appliance.stop() == 0


def test_tcp_connection_with_an_allocation_outlives_the_idle_timeout(appliance_factory):
    appliance = appliance_with_secret(appliance_factory)
    with allocated(appliance, transport="tcp") as client:
        assert closed_within(client.sock, IDLE_TIMEOUT + 2) is None, "closed although it holds an allocation"
        client.refresh().raise_for_error()
    assert appliance.stop() == 0


def binding_answered(transport):
    transport.send(Message(Method.BINDING).encode())
    answer = transport.receive(2)
    return answer is not None and Message.decode(answer).method == Method.BINDING


def test_tcp_connections_per_client_address_are_capped(appliance_factory):
    appliance = appliance_factory(env={"NOTRACK_RELAY_MAX_CONNECTIONS_PER_ADDRESS": "4"}).start()
    server = ("127.0.0.1", appliance.relay_port)
    with contextlib.ExitStack() as stack:
        admitted = [stack.enter_context(contextlib.closing(TCPTransport(server))) for _ in range(4)]
        assert all(binding_answered(connection) for connection in admitted)
        fifth = stack.enter_context(contextlib.closing(TCPTransport(server)))
        assert closed_within(fifth.sock, 2) is not None, "a fifth connection from 127.0.0.1 was kept"
        elsewhere = stack.enter_context(contextlib.closing(TCPTransport(server, source="127.0.0.2")))
        assert binding_answered(elsewhere)
        assert binding_answered(admitted[0])
    assert appliance.stop() == 0


def test_half_closed_tcp_client_is_closed_and_its_allocation_freed(appliance_factory):
    appliance = appliance_with_secret(appliance_factory)
    with allocated(appliance, transport="tcp") as client:
        assert wait_for(lambda: allocations_active(appliance) == 1, 5)
        client.sock.shutdown(socket.SHUT_WR)
        assert closed_within(client.sock, 2) is not None, "the relay kept a half-closed connection"
    assert wait_for(lambda: allocations_active(appliance) == 0, 5), "the allocation outlived its connection"
    assert appliance.stop() == 0


# 6. Large datagrams.

@pytest.mark.parametrize("transport", ["udp", "tcp"])
@pytest.mark.parametrize("way", ["channel", "indication"])
def test_large_payloads_are_relayed_whole_both_ways(appliance_factory, transport, way):
    appliance = appliance_with_secret(appliance_factory, **LOOPBACK_ALLOWED)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer, allocated(appliance, transport=transport) as client:
        peer.bind(("127.0.0.1", 0))
        peer.settimeout(5)
        address = peer.getsockname()
        if way == "channel":
            client.channel_bind(0x4000, address).raise_for_error()
        else:
            client.create_permission(address).raise_for_error()
        for size in (8000, 60000):
            payload = os.urandom(size)
            if way == "channel":
                client.channel_data(0x4000, payload)
            else:
                client.send(address, payload)
            try:
                data, source = peer.recvfrom(65535)
            except TimeoutError:
                pytest.fail(f"{size} bytes from the client never reached the peer")
            assert (len(data), source) == (size, client.relayed)
            assert data == payload
            peer.sendto(payload[::-1], client.relayed)
            relayed = client.receive()
            assert relayed is not None, f"{size} bytes from the peer never reached the client"
            assert len(relayed.data) == size
            assert relayed == (Relayed(payload[::-1], channel=0x4000) if way == "channel"
                               else Relayed(payload[::-1], peer=address))
    assert appliance.stop() == 0


# 7. Quota refusals in /metrics.

def test_quota_refusals_are_counted_from_zero(appliance_factory):
    appliance = appliance_with_secret(appliance_factory, NOTRACK_RELAY_MAX_ALLOCATIONS_PER_USER="1")
    assert wait_for(lambda: allocation_results(appliance).get("486") == 0, 2), allocation_results(appliance)
    with allocated(appliance), session(appliance) as second:
        assert second.allocate().error_code == 486
        assert wait_for(lambda: allocation_results(appliance).get("486") == 1, 5), allocation_results(appliance)
    assert appliance.stop() == 0
