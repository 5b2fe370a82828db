"""The call protocol's rules against the real binary, each with its limit shortened by
configuration: ring timeout, one session per extension, a token that expires while
connected, the per-connection event limit and the per-address connect limit."""
import time

import pytest
import requests
import socketio

from phones import ANSWER, OFFER, Phone, register


def start(appliance_factory, **env):
    settings = {"NOTRACK_RATE_LIMIT_SOCKET_CONNECTS_MAX": "100"}
    settings.update(env)
    return appliance_factory(env=settings).start()


def test_an_unanswered_call_ends_for_both_after_the_ring_timeout(appliance_factory):
    appliance = start(appliance_factory, NOTRACK_CALLS_RING_TIMEOUT="2s")
    alice, bob = Phone(appliance.url, "ringer"), Phone(appliance.url, "sleeper")
    alice.call(bob)
    bob.wait("incoming-call")
    started = time.monotonic()
    assert alice.wait("call-ended", timeout=10) == {"from": bob.extension, "reason": "timeout"}
    assert bob.wait("call-ended", timeout=10) == {"from": alice.extension, "reason": "timeout"}
    # The sweep runs once a second: the call ends between 2 s and about 3 s after ringing.
    assert 1.0 <= time.monotonic() - started <= 5.0
    # Both are free again: a new call rings and can be answered.
    bob.call(alice)
    alice.wait("incoming-call")
    alice.client.emit("answer-call", {"targetExtension": bob.extension, "answer": ANSWER})
    assert bob.wait("answer-made")["from"] == alice.extension
    metrics = requests.get(appliance.url + "/metrics", timeout=10).text
    assert 'calls_total{outcome="timeout"} 1' in metrics
    alice.close(), bob.close()


def test_a_callee_who_declines_ends_the_call_as_rejected(appliance_factory):
    appliance = start(appliance_factory)
    alice, bob = Phone(appliance.url, "caller"), Phone(appliance.url, "decliner")
    alice.call(bob)
    bob.wait("incoming-call")
    bob.client.emit("end-call", {"targetExtension": alice.extension})
    assert alice.wait("call-ended") == {"from": bob.extension, "reason": "rejected"}
    assert bob.wait("call-ended") == {"from": bob.extension, "reason": "rejected"}
    alice.close(), bob.close()


def test_a_second_session_replaces_the_first(appliance_factory):
    appliance = start(appliance_factory)
    alice, bob = Phone(appliance.url, "caller"), Phone(appliance.url, "roamer")
    alice.call(bob)
    bob.wait("incoming-call")
    # Bob opens the app on a second device with the same account.
    bob_again = Phone(appliance.url, "roamer", token=bob.token, extension=bob.extension)
    assert bob.wait("error")["code"] == "SESSION_REPLACED"
    assert bob.disconnected.wait(10), "the replaced session was not disconnected"
    # The ringing call belonged to the old session: the caller hears it end.
    assert alice.wait("call-ended") == {"from": bob.extension, "reason": "disconnect"}
    # Calls now reach the new session.
    alice.call(bob_again)
    assert bob_again.wait("incoming-call")["from"] == alice.extension
    assert bob_again.received("error") == []
    alice.close(), bob_again.close()


def test_a_token_that_expires_while_connected_ends_the_session(appliance_factory):
    appliance = start(appliance_factory, NOTRACK_AUTH_TOKEN_LIFETIME="6s")
    alice = Phone(appliance.url, "shortlived")
    time.sleep(3)  # Bob's token, minted later, outlives Alice's by three seconds.
    bob = Phone(appliance.url, "partner")
    alice.call(bob)
    bob.wait("incoming-call")
    bob.client.emit("answer-call", {"targetExtension": alice.extension, "answer": ANSWER})
    alice.wait("answer-made")
    error = alice.wait("error", timeout=10)
    assert error["code"] == "AUTHENTICATION_FAILED" and "expired" in error["message"]
    assert alice.disconnected.wait(10), "the expired session was not disconnected"
    assert bob.wait("call-ended") == {"from": alice.extension, "reason": "disconnect"}
    # The same token can no longer connect.
    late = Phone(appliance.url, "shortlived", token=alice.token, extension=alice.extension, connect=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        late.connect()


def test_a_bearer_header_authenticates_non_browser_clients(appliance_factory):
    appliance = start(appliance_factory)
    token, extension = register(appliance.url, "headless")
    phone = Phone(appliance.url, "headless", token=token, extension=extension, connect=False)
    phone.connect(auth=None, headers={"Authorization": f"Bearer {token}"})
    assert phone.wait("ice-servers")["ttl"] > 0
    phone.close()


def test_too_many_events_are_refused_and_the_connection_stays(appliance_factory):
    appliance = start(appliance_factory, NOTRACK_RATE_LIMIT_SOCKET_EVENTS_MAX="5", NOTRACK_RATE_LIMIT_SOCKET_EVENTS_WINDOW="3s")
    alice, bob = Phone(appliance.url, "chatty"), Phone(appliance.url, "quiet")
    for _ in range(5):
        alice.client.emit("end-call", {"targetExtension": bob.extension})
    for _ in range(5):
        assert alice.wait("error")["code"] == "NO_ACTIVE_CALL"
    alice.call(bob)
    assert alice.wait("error")["code"] == "RATE_LIMIT_EXCEEDED"
    assert bob.received("incoming-call") == [], "a refused event must be dropped"
    assert alice.client.connected
    # A new window admits events again on the same connection.
    time.sleep(3.5)
    alice.call(bob)
    assert bob.wait("incoming-call")["from"] == alice.extension
    alice.close(), bob.close()


def refused_connect(url, token, headers=None):
    """Connects once; returns the CONNECT_ERROR data, or None when admitted."""
    client, refusals = socketio.Client(reconnection=False), []
    client.on("connect_error", refusals.append)
    try:
        client.connect(url, auth={"token": token}, headers=headers or {}, transports=["websocket"], wait_timeout=10)
    except socketio.exceptions.ConnectionError:
        return refusals[0] if refusals else {"message": "no CONNECT_ERROR"}
    client.disconnect()
    return None


def test_too_many_connection_attempts_from_one_address_are_refused(appliance_factory):
    appliance = start(appliance_factory, NOTRACK_RATE_LIMIT_SOCKET_CONNECTS_MAX="3")
    token, _ = register(appliance.url, "reconnector")
    assert [refused_connect(appliance.url, token) for _ in range(3)] == [None, None, None]
    refusal = refused_connect(appliance.url, token)
    assert refusal["data"]["code"] == "RATE_LIMIT_EXCEEDED" and refusal["data"]["retryAfter"] > 0
    # A bad token also counts: the limit guards against guessing too.
    assert refused_connect(appliance.url, "not-a-jwt")["data"]["code"] == "RATE_LIMIT_EXCEEDED"


def test_the_connect_limit_counts_the_forwarded_address_behind_a_trusted_proxy(appliance_factory):
    appliance = start(appliance_factory, NOTRACK_RATE_LIMIT_SOCKET_CONNECTS_MAX="1", NOTRACK_HTTP_TRUSTED_PROXIES="127.0.0.1/32")
    token, _ = register(appliance.url, "office")
    first, second = {"X-Forwarded-For": "198.51.100.7"}, {"X-Forwarded-For": "198.51.100.8"}
    assert refused_connect(appliance.url, token, first) is None
    assert refused_connect(appliance.url, token, first)["data"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert refused_connect(appliance.url, token, second) is None
