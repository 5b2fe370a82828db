"""The API and Socket.IO server on a public IP, through the real binary (docs/api-notes.md
"Rate limits" and "Connections"): extra slashes do not escape the rate limits, a client
may upgrade a kept-alive connection to WebSocket on a later request (aiohttp, which does
so, against the appliance), slow and idle sockets are closed, connections are capped per
address, and Engine.IO handshakes that never speak are capped."""
import asyncio
import socket
import time

import aiohttp
import requests


def closed_within(sock, timeout):
    """Seconds until the server closed `sock`, None if it stayed open for `timeout`."""
    sock.settimeout(timeout)
    start = time.monotonic()
    try:
        while sock.recv(4096):
            pass
    except socket.timeout:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - start


def connect(appliance, source="127.0.0.1"):
    sock = socket.socket()
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", appliance.http_port))
    return sock


def test_extra_slashes_count_against_the_auth_limit(appliance_factory):
    appliance = appliance_factory(env={"NOTRACK_RATE_LIMIT_AUTH_MAX": "2"}).start()
    login = {"username": "nobody@example.com", "password": "Wrong-password-1"}
    statuses = [requests.post(appliance.url + path, json=login).status_code
                for path in ("/api/auth/login", "//api/auth/login", "/api//auth/login")]
    assert statuses == [401, 401, 429]
    assert appliance.stop() == 0


def test_aiohttp_upgrades_the_connection_it_registered_a_guest_on(appliance_factory):
    appliance = appliance_factory(env={"GUEST_ACCESS": "true"}).start()

    async def scenario():
        connector = aiohttp.TCPConnector(limit=1)  # one connection: the upgrade must reuse it
        async with aiohttp.ClientSession(connector=connector) as session:
            async with session.post(appliance.url + "/api/auth/guest") as response:
                assert response.status == 200, await response.text()
                token = (await response.json())["token"]
            url = appliance.url + "/socket.io/?EIO=4&transport=websocket"
            async with session.ws_connect(url) as ws:
                opened = await ws.receive_str(timeout=10)
                assert opened.startswith("0{")
                await ws.send_str('40{"token":"%s"}' % token)
                connected = await ws.receive_str(timeout=10)
                assert connected.startswith('40{"sid":'), connected
            assert len(connector._acquired) == 0

    asyncio.run(scenario())
    assert appliance.stop() == 0


def test_a_connection_that_trickles_its_headers_is_closed(appliance_factory):
    appliance = appliance_factory(env={"NOTRACK_HTTP_HEADER_TIMEOUT": "1s"}).start()
    silent = connect(appliance)
    trickling = connect(appliance)
    trickling.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\n")  # never the blank line
    assert closed_within(silent, 5) is not None
    assert closed_within(trickling, 5) is not None
    assert requests.get(appliance.url + "/health/live").status_code == 200
    assert appliance.stop() == 0


def test_connections_are_capped_per_address(appliance_factory):
    appliance = appliance_factory(env={"NOTRACK_HTTP_MAX_CONNECTIONS_PER_ADDRESS": "3"}).start()
    # Accepted connections are set up on several event loops: which one of the four is
    # refused is not fixed, only that one is.
    four = [connect(appliance, "127.0.0.9") for _ in range(4)]
    closed = [sock for sock in four if closed_within(sock, 1) is not None]
    assert len(closed) == 1
    other = connect(appliance, "127.0.0.10")
    other.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert other.recv(100).startswith(b"HTTP/1.1 200")
    for sock in four + [other]:
        sock.close()
    assert appliance.stop() == 0


def test_engine_io_handshakes_that_never_speak_are_capped(appliance_factory):
    appliance = appliance_factory().start()
    url = appliance.url + "/socket.io/?EIO=4&transport=polling"
    statuses = [requests.get(url).status_code for _ in range(40)]
    assert statuses[:32] == [200] * 32
    assert set(statuses[32:]) == {503}
    assert appliance.stop() == 0
