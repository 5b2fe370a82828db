"""TURN through the appliance with aioice (PyPI), the ICE/TURN stack of aiortc: an
allocation over UDP and TCP and a data round trip to a peer through it, and the
refusals a client must get: a wrong password and an expired REST username (401), and a
peer in a denied range (403, RFC 8656 §9.1, docs/relay.md "Peer policy")."""
import asyncio
import base64
import hashlib
import hmac
import time

import pytest
from aioice import stun, turn

SECRET = "aioice-shared-secret-0123456789abcdef0123456789ab"


def rest_credentials(user, expiry):
    """The TURN REST API pair (DESIGN.md "Credentials"), computed here, not by notrack."""
    username = f"{int(expiry)}:{user}"
    password = base64.b64encode(hmac.new(SECRET.encode(), username.encode(), hashlib.sha1).digest()).decode()
    return username, password


class Inbox(asyncio.DatagramProtocol):
    """What the TURN transport delivers, and the errors it reports (failed channel binds)."""

    def __init__(self):
        self.datagrams = asyncio.Queue()
        self.errors = asyncio.Queue()

    def datagram_received(self, data, addr):
        self.datagrams.put_nowait((data, addr))

    def error_received(self, exc):
        self.errors.put_nowait(exc)


class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(b"echo:" + data, addr)


def appliance_with_secret(appliance_factory, **env):
    return appliance_factory(env={"NOTRACK_RELAY_AUTH_SECRET": SECRET, **env}).start()


async def allocate(appliance, username, password, transport="udp"):
    return await asyncio.wait_for(turn.create_turn_endpoint(
        Inbox, server_addr=("127.0.0.1", appliance.relay_port), username=username, password=password,
        transport=transport), timeout=20)


def error_code(failure):
    assert isinstance(failure, stun.TransactionFailed), repr(failure)
    return failure.response.attributes["ERROR-CODE"][0]


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_allocation_and_round_trip_to_a_peer(appliance_factory, transport):
    appliance = appliance_with_secret(appliance_factory, NOTRACK_RELAY_ALLOW_LOOPBACK_PEERS="true")

    async def scenario():
        loop = asyncio.get_running_loop()
        peer, _ = await loop.create_datagram_endpoint(Echo, local_addr=("127.0.0.1", 0))
        relay, inbox = await allocate(appliance, *rest_credentials("alice", time.time() + 600), transport=transport)
        try:
            relayed = relay.get_extra_info("sockname")
            assert relayed[0] == "127.0.0.1" and relayed[1] >= 49152
            peer_address = peer.get_extra_info("sockname")
            for index in range(5):
                relay.sendto(b"hello %d" % index, peer_address)
                data, source = await asyncio.wait_for(inbox.datagrams.get(), timeout=10)
                assert (data, source) == (b"echo:hello %d" % index, peer_address)
        finally:
            relay.close()
            peer.close()
            await asyncio.sleep(0.2)  # let the Refresh(0) that deletes the allocation go out

    asyncio.run(scenario())
    assert appliance.stop() == 0


def test_wrong_password_is_refused_with_401(appliance_factory):
    appliance = appliance_with_secret(appliance_factory)
    username, _ = rest_credentials("alice", time.time() + 600)
    with pytest.raises(stun.TransactionFailed) as failure:
        asyncio.run(allocate(appliance, username, "bm90IHRoZSBwYXNzd29yZA=="))
    assert error_code(failure.value) == 401
    assert appliance.stop() == 0


def test_expired_username_is_refused_with_401(appliance_factory):
    appliance = appliance_with_secret(appliance_factory)
    # Correctly signed, but its expiry passed a minute ago.
    with pytest.raises(stun.TransactionFailed) as failure:
        asyncio.run(allocate(appliance, *rest_credentials("alice", time.time() - 60)))
    assert error_code(failure.value) == 401
    assert appliance.stop() == 0


@pytest.mark.parametrize("peer", ["127.0.0.1", "127.0.0.2", "10.1.2.3", "169.254.169.254", "100.64.0.1", "224.0.0.251"])
def test_peer_in_a_denied_range_is_refused_with_403(appliance_factory, peer):
    # The default policy: no loopback switch, nothing allowed beyond public unicast except
    # the relay's own address (127.0.0.1 here) on relayed ports; port 9 is not one.
    appliance = appliance_with_secret(appliance_factory)

    async def scenario():
        relay, inbox = await allocate(appliance, *rest_credentials("alice", time.time() + 600))
        try:
            relay.sendto(b"probe", (peer, 9))  # aioice binds a channel first: ChannelBind → 403
            failure = await asyncio.wait_for(inbox.errors.get(), timeout=10)
            assert error_code(failure) == 403
            assert inbox.datagrams.empty()
        finally:
            relay.close()
            await asyncio.sleep(0.2)

    asyncio.run(scenario())
    assert appliance.stop() == 0
