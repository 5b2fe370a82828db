#!/usr/bin/env python3
"""Interop: python-socketio's client (PyPI: python-socketio[client]) against
sio-conformance-server. Usage: interop.py http://127.0.0.1:PORT

Covers WebSocket only, polling only, polling then upgrade; events and acks both ways;
binary arguments; a refused CONNECT. Prints 'N passed, M failed' last.
Tests/interop/test_socketio_client.py runs the same checks under pytest."""
import sys
import threading

import socketio

SESSIONS = ((["websocket"], "websocket-only"), (["polling"], "polling-only"),
            (["polling", "websocket"], "polling-then-upgrade"))


def session(url, transports, label):
    """One client on these transports; returns [(check, passed)]."""
    results = []

    def check(name, condition):
        results.append((f"{label}: {name}", bool(condition)))

    sio = socketio.Client(reconnection=False)
    got = {}
    events = {name: threading.Event() for name in ("auth", "message-back", "acked")}

    @sio.on("auth")
    def on_auth(data):
        got["auth"] = data
        events["auth"].set()

    @sio.on("message-back")
    def on_back(*args):
        got["message-back"] = list(args)
        events["message-back"].set()

    @sio.on("ask")
    def on_ask(*args):
        return "answer", *args  # acknowledges the server's question

    @sio.on("acked")
    def on_acked(*args):
        got["acked"] = list(args)
        events["acked"].set()

    try:
        sio.connect(url, transports=transports, auth={"token": label}, wait_timeout=5)
        check("auth payload echoed", events["auth"].wait(5) and got["auth"] == {"token": label})
        sio.emit("message", (1, "2", {"3": [True]}, b"\x01\x02\x03"))
        check("event and binary echoed", events["message-back"].wait(5)
              and got["message-back"] == [1, "2", {"3": [True]}, b"\x01\x02\x03"])
        reply = sio.call("message-with-ack", ("x", 4), timeout=5)
        check("client->server ack", list(reply) == ["x", 4] if isinstance(reply, tuple) else reply == ["x", 4])
        sio.emit("request-ack", ("q",))
        check("server->client ack", events["acked"].wait(5) and got["acked"] == ["answer", "q"])
        if transports == ["polling", "websocket"]:
            sio.sleep(1)
            check("upgraded to websocket", sio.transport() == "websocket")
    except Exception as error:  # a crash counts as a failure, not a stop
        check(f"ran without error ({error!r})", False)
    finally:
        sio.disconnect()
    return results


def refused(url):
    """CONNECT to a namespace the server does not have; returns [(check, passed)]."""
    sio = socketio.Client(reconnection=False)
    try:
        sio.connect(url, namespaces=["/random"], transports=["websocket"], wait_timeout=5)
        sio.disconnect()
        return [("refused CONNECT raises", False)]
    except socketio.exceptions.ConnectionError as error:
        return [(f"refused CONNECT raises ConnectionError: {error}", True)]


def main():
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000"
    results = [result for transports, label in SESSIONS for result in session(url, transports, label)]
    results += refused(url)
    for name, ok in results:
        print(("ok   " if ok else "FAIL ") + name, flush=True)
    passed = sum(1 for _, ok in results if ok)
    print(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
