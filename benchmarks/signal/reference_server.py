#!/usr/bin/env python3
"""The comparison server for benchmarks/signal: python-socketio's AsyncServer on aiohttp
(PyPI; Debian packages no Node socket.io server), doing the part of NoTrack's signaling
the load client exercises and no more:

- POST /api/auth/guest hands out a unique extension and an HMAC-signed token;
- CONNECT on the main namespace checks the token (refused otherwise), records the
  extension's session and emits `ice-servers`;
- call-user / answer-call / end-call are relayed to the target extension as
  incoming-call (+ call-made to the caller) / answer-made / call-ended, with `from`.

Same heartbeat as NoTrack's production default (pingInterval 25 s, pingTimeout 20 s).

    reference_server.py PORT
"""
import hashlib
import hmac
import os
import random
import sys

import socketio
from aiohttp import web

SECRET = os.urandom(32)
sio = socketio.AsyncServer(async_mode="aiohttp", ping_interval=25, ping_timeout=20, cors_allowed_origins="*")
app = web.Application()
sio.attach(app)
issued = set()
online = {}  # extension -> sid


def signature(extension):
    return hmac.new(SECRET, extension.encode(), hashlib.sha256).hexdigest()


async def guest(request):
    while True:
        extension = f"{random.randrange(1000):03d}-{random.randrange(1000):03d}"
        if extension not in issued:
            break
    issued.add(extension)
    return web.json_response({"token": f"{extension}.{signature(extension)}", "extension": extension, "expiresIn": "24h"})


app.router.add_post("/api/auth/guest", guest)


@sio.event
async def connect(sid, environ, auth):
    extension, _, mac = str((auth or {}).get("token", "")).partition(".")
    if not hmac.compare_digest(mac, signature(extension)):
        raise socketio.exceptions.ConnectionRefusedError({"code": "AUTHENTICATION_FAILED"})
    await sio.save_session(sid, {"extension": extension})
    online[extension] = sid
    await sio.emit("ice-servers", {"iceServers": [{"urls": ["stun:127.0.0.1:3478"]}], "ttl": 86400}, to=sid)


@sio.event
async def disconnect(sid, reason=None):
    extension = (await sio.get_session(sid)).get("extension")
    if online.get(extension) == sid:
        del online[extension]


async def relay(sid, data, event, fields):
    sender = (await sio.get_session(sid))["extension"]
    target = online.get(data.get("targetExtension"))
    if target is None:
        await sio.emit("error", {"code": "USER_OFFLINE"}, to=sid)
        return False
    await sio.emit(event, {"from": sender, **{key: data[key] for key in fields}}, to=target)
    return True


@sio.on("call-user")
async def call_user(sid, data):
    if await relay(sid, data, "incoming-call", ["offer"]):
        await sio.emit("call-made", {"to": data["targetExtension"]}, to=sid)


@sio.on("answer-call")
async def answer_call(sid, data):
    await relay(sid, data, "answer-made", ["answer"])


@sio.on("end-call")
async def end_call(sid, data):
    await relay(sid, data, "call-ended", [])


if __name__ == "__main__":
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
