#!/usr/bin/env python3
"""Load client for NoTrack's signaling: holds N authenticated Socket.IO connections and
drives call set-ups between them, with raw Engine.IO v4 over a minimal RFC 6455 client on
asyncio (python-socketio's client costs too much per connection for 10,000 of them).

    sioload.py --url http://127.0.0.1:3000 --connections 10000 --server-pid PID \
               --rate 500 --duration 20

1. Gets one guest token per connection (POST /api/auth/guest).
2. Opens the WebSockets (EIO=4&transport=websocket), sends CONNECT with auth {token},
   waits for the CONNECT reply; from then on every connection answers pings, nothing else.
3. Reads the server's RSS (/proc/PID/status) after the tokens, before the connections, and
   once they have been idle for --settle seconds: (after - before) / N is the memory per
   idle connection.
4. Runs call set-ups at --rate per second for --duration seconds between pairs of the held
   connections: call-user -> the callee gets incoming-call and answers with answer-call ->
   the caller gets answer-made and sends end-call -> the callee gets call-ended. Each of the
   three hops is an "event relay": the time from the client's send of one event to its
   receipt of the other party's event, measured in this process. The server's own share
   of each relay (its socketio_event_relay_seconds histogram on /metrics, read before and
   after the phase) and its threads' CPU and run-queue time (/proc/PID/task/*/schedstat)
   are reported next to it.

Prints one JSON object (and a human summary on stderr)."""
import argparse
import asyncio
import base64
import gc
import json
import os
import resource
import statistics
import sys
import time
import urllib.parse

SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"


# --- A minimal WebSocket client (RFC 6455) carrying Engine.IO v4 / Socket.IO v5 packets ---

class Connection(asyncio.Protocol):
    """One WebSocket: the HTTP upgrade (section 4.1), masked client frames (5.3), text
    frames in; Engine.IO pings answered; Socket.IO events handed to `on_event`."""

    def __init__(self, request, on_event):
        self.request = request
        self.on_event = on_event
        self.transport = None
        self.buffer = bytearray()
        self.upgraded = False
        self.opened = asyncio.get_running_loop().create_future()    # Engine.IO open packet
        self.connected = asyncio.get_running_loop().create_future()  # Socket.IO CONNECT reply
        self.closed = asyncio.get_running_loop().create_future()
        self.extension = None

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc):
        for future in (self.opened, self.connected, self.closed):
            if not future.done():
                future.set_result(False)

    def data_received(self, data):
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = self.buffer[:end].split(b"\r\n", 1)[0]
            if b" 101 " not in status + b" ":
                raise ConnectionError(f"upgrade refused: {status!r}")
            self.upgraded = True
            del self.buffer[:end + 4]
        while len(self.buffer) >= 2:
            first, second = self.buffer[0], self.buffer[1]
            length, offset = second & 0x7F, 2
            if length == 126:
                if len(self.buffer) < 4:
                    return
                length, offset = int.from_bytes(self.buffer[2:4], "big"), 4
            elif length == 127:
                if len(self.buffer) < 10:
                    return
                length, offset = int.from_bytes(self.buffer[2:10], "big"), 10
            if len(self.buffer) < offset + length:
                return
            payload = bytes(self.buffer[offset:offset + length])
            del self.buffer[:offset + length]
            opcode = first & 0x0F
            if opcode == 1:
                self.packet(payload.decode())
            elif opcode == 8:
                self.transport.close()

    def packet(self, text):
        kind = text[:1]
        if kind == "2":
            self.send("3")
        elif kind == "0":
            self.opened.set_result(True)
        elif kind == "4":
            message = text[1:]
            if message.startswith("0") and not self.connected.done():
                self.connected.set_result(True)
            elif message.startswith("4") and not self.connected.done():
                self.connected.set_exception(ConnectionError("CONNECT refused: " + message[1:]))
            elif message.startswith("2"):
                event = json.loads(message[1:])
                self.on_event(self, event[0], event[1] if len(event) > 1 else None)

    def send(self, text):
        payload = text.encode()
        size = len(payload)
        if size < 126:
            header = bytes([0x81, 0x80 | size])
        elif size < 65536:
            header = bytes([0x81, 0x80 | 126]) + size.to_bytes(2, "big")
        else:
            header = bytes([0x81, 0x80 | 127]) + size.to_bytes(8, "big")
        mask = os.urandom(4)
        repeated = (mask * (size // 4 + 1))[:size]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(size, "big")
        self.transport.write(header + mask + masked)

    def emit(self, name, body):
        self.send("42" + json.dumps([name, body], separators=(",", ":")))


# --- REST ---

async def http_request(host, port, method, path):
    """A request with an empty body on a connection of its own; returns (status, body)."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
    response = await reader.read()
    writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head, body


async def http_post_json(host, port, path):
    """POST with an empty body; returns the decoded JSON answer."""
    status, head, body = await http_request(host, port, "POST", path)
    if status != 200:
        raise RuntimeError(f"POST {path}: {head.splitlines()[0].decode()} {body[:200]!r}")
    return json.loads(body)


RELAY_BUCKET = "socketio_event_relay_seconds_bucket{le=\""


async def server_relay_buckets(host, port):
    """The server's socketio_event_relay_seconds histogram from /metrics: {le: cumulative
    count}, or None when the server has none (the reference server, no relay yet)."""
    status, _, body = await http_request(host, port, "GET", "/metrics")
    if status != 200:
        return None
    buckets = {}
    for line in body.decode().splitlines():
        if line.startswith(RELAY_BUCKET):
            bound, _, count = line[len(RELAY_BUCKET):].partition("\"} ")
            buckets[bound] = int(float(count))
    return buckets or None


async def bounded(items, limit, work):
    """Runs work(item) for every item, at most `limit` at once; returns the results in order."""
    semaphore = asyncio.Semaphore(limit)

    async def one(item):
        async with semaphore:
            return await work(item)
    return await asyncio.gather(*(one(item) for item in items))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def schedstat_s(pid="self"):
    """(CPU, run-queue wait) seconds of a process's threads so far, from the first two
    fields of /proc/PID/task/TID/schedstat: the wait is time ready to run but waiting for a
    CPU, how much of a lag is the machine's run queue rather than the process's own work."""
    cpu = wait = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as stat:
                fields = stat.read().split()
                cpu, wait = cpu + int(fields[0]), wait + int(fields[1])
        except (OSError, IndexError, ValueError):
            pass
    return cpu / 1e9, wait / 1e9


def percentiles(samples_ms):
    if not samples_ms:
        return {"count": 0}
    ordered = sorted(samples_ms)

    def at(q):
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)
    return {"count": len(ordered), "p50": at(0.50), "p90": at(0.90), "p99": at(0.99),
            "max": round(ordered[-1], 3), "mean": round(statistics.fmean(ordered), 3)}


# --- The benchmark ---

class Calls:
    """Call set-ups between pairs; records each relay hop's latency."""

    def __init__(self):
        self.sent = {}       # (event, from extension, to extension) -> send time
        self.hops = {"call-user->incoming-call": [], "answer-call->answer-made": [], "end-call->call-ended": []}
        self.completed = 0
        self.errors = []
        self.by_extension = {}
        self.done = {}

    def on_event(self, connection, name, body):
        now = time.perf_counter()
        me = connection.extension
        if name == "incoming-call":
            self.hop("call-user->incoming-call", ("call-user", body["from"], me), now)
            self.send(connection, "answer-call", {"targetExtension": body["from"], "answer": {"type": "answer", "sdp": SDP}})
        elif name == "answer-made":
            self.hop("answer-call->answer-made", ("answer-call", body["from"], me), now)
            self.send(connection, "end-call", {"targetExtension": body["from"]})
        elif name == "call-ended":
            self.hop("end-call->call-ended", ("end-call", body["from"], me), now)
            self.completed += 1
            waiter = self.done.pop(me, None)
            if waiter and not waiter.done():
                waiter.set_result(True)
        elif name == "error":
            self.errors.append(body)

    def hop(self, label, key, now):
        started = self.sent.pop(key, None)
        if started is not None:
            self.hops[label].append((now - started) * 1000)

    def send(self, connection, name, body):
        self.sent[(name, connection.extension, body["targetExtension"])] = time.perf_counter()
        connection.emit(name, body)

    async def setup(self, caller, callee, timeout):
        done = asyncio.get_running_loop().create_future()
        self.done[callee.extension] = done
        self.send(caller, "call-user", {"targetExtension": callee.extension, "offer": {"type": "offer", "sdp": SDP}})
        try:
            await asyncio.wait_for(done, timeout)
            return True
        except asyncio.TimeoutError:
            self.done.pop(callee.extension, None)
            return False


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--path", default="/socket.io/")
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--settle", type=float, default=5.0, help="idle seconds before reading RSS")
    parser.add_argument("--rate", type=float, default=0, help="call set-ups per second (0: none)")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=200, help="handshakes in flight")
    options = parser.parse_args()
    if options.rate > 0 and options.connections < 2:
        parser.error("call set-ups need --connections 2 or more")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < options.connections + 100:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, options.connections * 2 + 100), hard))

    url = urllib.parse.urlsplit(options.url)
    host, port = url.hostname, url.port
    loop = asyncio.get_running_loop()
    calls = Calls()
    result = {"url": options.url, "connections": options.connections,
              "event_loop": type(loop).__module__.split(".")[0], "cpus": sorted(os.sched_getaffinity(0))}

    started = time.perf_counter()
    tokens = await bounded(range(options.connections), 50, lambda _: http_post_json(host, port, "/api/auth/guest"))
    result["guest_tokens_s"] = round(time.perf_counter() - started, 2)
    # After the REST calls, so that only the connections count (not the accounts database).
    await asyncio.sleep(1)
    rss_before = rss_kib(options.server_pid)

    async def open_one(token):
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {options.path}?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}:{port}\r\n"
                   f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                   f"Sec-WebSocket-Version: 13\r\n\r\n").encode()
        _, connection = await loop.create_connection(lambda: Connection(request, calls.on_event), host, port)
        connection.extension = token["extension"]
        if not await asyncio.wait_for(connection.opened, 30):
            raise ConnectionError("closed before the Engine.IO handshake")
        connection.send("40" + json.dumps({"token": token["token"]}))
        if not await asyncio.wait_for(connection.connected, 30):
            raise ConnectionError("closed before the CONNECT reply")
        return connection

    started = time.perf_counter()
    connections = await bounded(tokens, options.concurrency, open_one)
    result["connect_s"] = round(time.perf_counter() - started, 2)
    await asyncio.sleep(options.settle)
    alive = sum(1 for connection in connections if not connection.closed.done())
    rss_after = rss_kib(options.server_pid)
    result.update({
        "alive_after_settle": alive,
        "server_rss_before_kib": rss_before, "server_rss_after_kib": rss_after,
        "server_rss_per_connection_bytes": round((rss_after - rss_before) * 1024 / options.connections),
    })

    if options.rate > 0:
        # The 10,000 connections' objects are long-lived: a full garbage collection pass
        # over them stalls this client for milliseconds, which would show as relay latency.
        gc.collect()
        gc.freeze()
        gc.disable()
        pairs = [(connections[i], connections[i + 1]) for i in range(0, len(connections) - 1, 2)]
        total = int(options.rate * options.duration)
        outcomes, lags = [], []
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        _, wait_before = schedstat_s()
        server_before = schedstat_s(options.server_pid)
        relay_before = await server_relay_buckets(host, port)
        start = time.perf_counter()
        tasks = []
        for i in range(total):
            due = start + i / options.rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            lags.append((time.perf_counter() - due) * 1000)
            caller, callee = pairs[i % len(pairs)]
            tasks.append(loop.create_task(calls.setup(caller, callee, timeout=10)))
        outcomes = await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        _, wait_after = schedstat_s()
        server_after = schedstat_s(options.server_pid)
        relay_after = await server_relay_buckets(host, port)
        every_hop = [sample for samples in calls.hops.values() for sample in samples]
        result["calls"] = {
            "rate_target": options.rate, "setups": total, "completed": sum(outcomes),
            "achieved_rate": round(total / elapsed, 1), "pairs": len(pairs),
            "errors": calls.errors[:5], "error_count": len(calls.errors),
            "event_relay_ms": percentiles(every_hop),
            "hops_ms": {label: percentiles(samples) for label, samples in calls.hops.items()},
            "client_send_lag_ms": percentiles(lags),
            # this client's CPU time over the phase: what it takes from the cores it shares
            "client_cpu_s": round(cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime, 2),
            "client_run_queue_wait_s": round(wait_after - wait_before, 2),
            "server_cpu_s": round(server_after[0] - server_before[0], 2),
            "server_run_queue_wait_s": round(server_after[1] - server_before[1], 2),
            # the server's own timing of its relays in the phase, cumulative buckets
            "server_event_relay_buckets": relay_after and [
                {"le": bound, "count": count - (relay_before or {}).get(bound, 0)}
                for bound, count in sorted(relay_after.items(), key=lambda item: float(item[0]))],
        }
        result["alive_after_calls"] = sum(1 for connection in connections if not connection.closed.done())
        gc.enable()

    for connection in connections:
        connection.transport.close()
    print(json.dumps(result, indent=1))
    per = result["server_rss_per_connection_bytes"]
    print(f"{alive}/{options.connections} connections alive; server RSS {rss_before} -> {rss_after} KiB "
          f"= {per} bytes per idle connection", file=sys.stderr)
    if "calls" in result:
        relay = result["calls"]["event_relay_ms"]
        print(f"calls: {result['calls']['completed']}/{result['calls']['setups']} at {result['calls']['achieved_rate']}/s; "
              f"event relay p50 {relay.get('p50')} ms, p99 {relay.get('p99')} ms", file=sys.stderr)


if __name__ == "__main__":
    try:
        import uvloop  # benchmarks/signal/requirements.txt: a cheaper loop, less client lag
    except ImportError:
        uvloop = None
    (uvloop.run if uvloop else asyncio.run)(main())
