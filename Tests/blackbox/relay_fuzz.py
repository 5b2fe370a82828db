"""A black-box fuzzer of notrack's STUN/TURN relay.

It starts the built binary itself (loopback ports, a temporary working directory, a TURN
REST secret of its own so it can mint credentials), then for SECONDS sends mutated STUN/TURN
traffic to the relay port from several UDP sockets and TCP connections: Binding requests,
Allocates without credentials, signed Allocate/Refresh/CreatePermission/ChannelBind, Send
indications, ChannelData, 20-byte requests of every method, CreatePermissions with
thousands of XOR-PEER-ADDRESS, random bytes, each bit-flipped, truncated, lying about
lengths, with attributes duplicated, dropped or reordered, or with another method and
class. Beside that noise, sessions hold real allocations over UDP and TCP (challenge, then
signed Allocate) and send them traffic for a peer, signed requests with odd attributes and
mutated follow-ups; a TCP client also opens more connections at once than the relay allows.

It checks: every UDP datagram sent without a valid MESSAGE-INTEGRITY gets at most 3x its size
back (replies matched by socket and transaction id); every 10 s and at the end the process
is alive and answers a fresh Binding; after all its sockets are closed and its UDP
allocations deleted, the relay's descriptors return to the baseline taken after a short
warm-up (+2) within 15 s and its RSS grew by at most 20 MB. It prints a summary and exits
non-zero, saying what failed, on any failure.

Run it with `scripts/fuzz-relay.sh [SECONDS]` (default 120), or
`.venv-test/bin/python Tests/blackbox/relay_fuzz.py SECONDS [--binary PATH]`.
"""
import argparse
import collections
import dataclasses
import random
import secrets
import select
import selectors
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

import corpus
import stun
from common import DEFAULT_BINARY, NotrackProcess, free_port_pair, mb

MAX_AMPLIFICATION = 3.0
MAX_RSS_GROWTH = 20 * 1024 * 1024
FD_SLACK = 2
CHECK_EVERY = 10.0
WARM_UP = 5.0
SETTLE = 15.0
REPLY_WINDOW = 5.0        # how long a reply still counts for its request

NOISE_SOURCE, FLOOD_SOURCE = "127.0.0.2", "127.0.0.3"   # TCP sources apart from the sessions'
FLOOD_CONNECTIONS = 80    # over the relay's default of 64 per source address
FLOOD_EVERY = 20.0


# The process under test.

def is_binding_success(reply, tid):
    return stun.header(reply) is not None and stun.header(reply)[0:2] == (stun.BINDING, stun.SUCCESS) \
        and reply[8:20] == tid


class Relay(NotrackProcess):
    """One `notrack` process with its own working directory and loopback ports."""

    def __init__(self, binary, workdir, secret):
        self.address = ("127.0.0.1", free_port_pair())
        super().__init__(binary, workdir, {
            "PORT": str(free_port_pair()),
            "NOTRACK_RELAY_PORT": str(self.address[1]),
            "NOTRACK_LOG_FORMAT": "json",
            "NOTRACK_RELAY_AUTH_SECRET": secret,
            "NOTRACK_RELAY_ALLOW_LOOPBACK_PEERS": "true",
        })

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"notrack exited at start ({self.process.returncode}):\n{self.log_tail()}")
            if self.answers_binding(attempts=1, timeout=0.2):
                return
        raise RuntimeError(f"notrack did not answer a Binding within {timeout} s:\n{self.log_tail()}")

    def answers_binding(self, attempts=3, timeout=1.0):
        """A fresh UDP socket's Binding request gets a Binding success with its id."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            s.settimeout(timeout)
            for _ in range(attempts):
                request = stun.encode(stun.BINDING, stun.REQUEST)
                s.sendto(request, self.address)
                try:
                    while not is_binding_success(s.recv(2048), request[8:20]):
                        pass
                    return True
                except OSError:
                    continue
        return False


# Measuring amplification.

@dataclasses.dataclass
class Transaction:
    request: bytes            # the first datagram with this transaction id
    size: int                 # bytes of every datagram sent with it (retransmissions count)
    replies: list = dataclasses.field(default_factory=list)

    @property
    def ratio(self):
        return sum(map(len, self.replies)) / self.size


class Amplification:
    """Replies to UDP datagrams sent without a valid MESSAGE-INTEGRITY, matched to their
    request by socket and transaction id; the worst reply/request byte ratio."""

    def __init__(self):
        self.lock = threading.Lock()
        self.transactions = {}             # (client, tid) -> Transaction
        self.order = collections.deque()   # (sent at, key), to forget old transactions
        self.measured = 0
        self.worst = Transaction(b"", 1)

    def sent(self, client, datagram):
        """Only what can start a STUN message: ChannelData has no transaction to answer."""
        if len(datagram) < stun.HEADER or datagram[0] >= 0x40:
            return
        now = time.monotonic()
        key = (client, datagram[8:20])
        with self.lock:
            self.measured += 1
            if key in self.transactions:
                self.transactions[key].size += len(datagram)
                return
            self.transactions[key] = Transaction(datagram, len(datagram))
            self.order.append((now, key))
            while self.order[0][0] < now - REPLY_WINDOW:
                self.transactions.pop(self.order.popleft()[1], None)

    def received(self, client, reply):
        with self.lock:
            transaction = self.transactions.get((client, reply[8:20]))
            if transaction:
                transaction.replies.append(reply)
                if transaction.ratio > self.worst.ratio:
                    self.worst = Transaction(transaction.request, transaction.size, list(transaction.replies))


# Links to the relay.

class UdpClient:
    """A UDP socket to the relay; what it sends without valid integrity is measured."""

    def __init__(self, fuzz, counts):
        self.fuzz, self.counts = fuzz, counts
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.open = True

    def send(self, datagram, key=None):
        if not stun.has_valid_integrity(datagram, key):
            self.fuzz.amplification.sent(self, datagram)
        try:
            self.sock.sendto(datagram, self.fuzz.relay.address)
            self.counts["udp sent"] += 1
        except OSError:
            self.counts["udp send errors"] += 1

    def receive(self, timeout=0.0):
        """The datagrams waiting (for up to `timeout` for the first)."""
        if timeout and not select.select([self.sock], [], [], timeout)[0]:
            return []
        replies = []
        while True:
            try:
                reply = self.sock.recv(65536)
            except (BlockingIOError, ConnectionRefusedError):
                break
            self.fuzz.amplification.received(self, reply)
            replies.append(reply)
        self.counts["udp replies"] += len(replies)
        return replies

    def close(self):
        self.sock.close()
        self.open = False


class TcpClient:
    """A TCP connection to the relay, with the frames it answers cut out of the stream."""

    def __init__(self, fuzz, counts, source="127.0.0.1"):
        self.counts = counts
        self.sock = socket.create_connection(fuzz.relay.address, timeout=1, source_address=(source, 0))
        self.buffer = b""
        self.open = True
        counts["tcp connections"] += 1

    def send(self, data, key=None, frames=1):
        """`key` is unused (TCP is not measured): the same call as UdpClient.send."""
        try:
            self.sock.sendall(data)
            self.counts["tcp frames"] += frames
        except OSError:   # reset, or the relay stopped reading (it pushes back fast senders)
            self.close()

    def receive(self, timeout=0.0):
        frames = []
        while self.open and select.select([self.sock], [], [], timeout)[0]:
            timeout = 0.0
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                self.close()
                break
            found, self.buffer = stun.stream_frames(self.buffer + data)
            frames += found
        self.counts["tcp replies"] += len(frames)
        return frames

    def close(self, reset=False):
        if self.open and reset:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
        self.sock.close()
        self.open = False


def wait_for(link, tid, timeout):
    """The reply with this transaction id within `timeout` (others are read and dropped)."""
    deadline = time.monotonic() + timeout
    while link.open and (left := deadline - time.monotonic()) > 0:
        for reply in link.receive(left):
            if reply[8:20] == tid:
                return reply
    return None


# Workers: threads that each send one kind of traffic until the phase ends.

class Worker(threading.Thread):
    """Calls `step` (which returns how many messages it sent) at about `rate` a second."""
    rate = 100

    def __init__(self, fuzz, name):
        super().__init__(name=name, daemon=True)
        self.fuzz = fuzz
        self.rng = random.Random()
        self.counts = collections.Counter()

    def run(self):
        next_at = time.monotonic()
        try:
            while not self.fuzz.stopping.is_set():
                next_at = max(next_at + self.step() / self.rate, time.monotonic() - 1)
                self.fuzz.stopping.wait(max(0.0, next_at - time.monotonic()))
        except Exception:
            self.fuzz.fail(f"the fuzzer's {self.name} worker crashed:\n{traceback.format_exc()}")

    def udp_allocations(self):
        """(UdpClient, Context) pairs that may hold an allocation to delete at the end."""
        return []

    def close(self):
        pass


class PeerSink(Worker):
    """The peer the sessions relay to: counts what arrives, echoes some of it back."""

    def __init__(self, fuzz):
        super().__init__(fuzz, "peer")
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.address = self.sock.getsockname()

    def step(self):
        select.select([self.sock], [], [], 0.2)
        while True:
            try:
                data, source = self.sock.recvfrom(65536)
            except BlockingIOError:
                return 0
            self.counts["relayed to peer"] += 1
            if self.rng.random() < 0.2:
                self.sock.sendto(data[::-1], source)

    def close(self):
        self.sock.close()


class UdpNoise(Worker):
    """Mutated seeds from a few UDP sockets that hold no allocation (unless a signed
    Allocate got through, which the end of the phase deletes)."""
    rate = 2000

    def __init__(self, fuzz, peers):
        super().__init__(fuzz, "udp-noise")
        self.ctx = corpus.Context(fuzz.credentials, fuzz.credentials.username("udp-noise"), peers)
        self.clients = [UdpClient(fuzz, self.counts) for _ in range(4)]
        self.selector = selectors.DefaultSelector()
        for client in self.clients:
            self.selector.register(client.sock, selectors.EVENT_READ, client)

    def step(self):
        client = self.rng.choice(self.clients)
        datagram = corpus.fuzz_message(self.rng, self.ctx)
        repeats = 2 if self.rng.random() < 0.03 else 1   # sometimes a retransmission
        for _ in range(repeats):
            client.send(datagram, self.ctx.key)
        for key, _ in self.selector.select(0):
            for reply in key.data.receive():
                self.fuzz.credentials.learn(reply)
        return repeats

    def udp_allocations(self):
        return [(client, self.ctx) for client in self.clients]

    def close(self):
        self.selector.close()
        for client in self.clients:
            client.close()


class TcpNoise(Worker):
    """Bursts of mutated frames on a handful of connections that it abandons, resets or
    leaves silent; now and then more connections at once than the relay allows."""
    rate = 400
    connections = 8

    def __init__(self, fuzz, peers):
        super().__init__(fuzz, "tcp-noise")
        self.ctx = corpus.Context(fuzz.credentials, fuzz.credentials.username("tcp-noise"), peers, stream=True)
        self.links = []
        self.silent = []   # (link, since): connections left without a word
        self.next_flood = time.monotonic() + FLOOD_EVERY / 2

    def step(self):
        if time.monotonic() >= self.next_flood:
            self.flood()
            self.next_flood = time.monotonic() + FLOOD_EVERY
        self.watch_silent()
        self.links = [link for link in self.links if link.open]
        if len(self.links) < self.connections:
            try:
                self.links.append(TcpClient(self.fuzz, self.counts, NOISE_SOURCE))
            except OSError:
                self.counts["tcp connections refused"] += 1
                return 1
        link = self.rng.choice(self.links)
        count = self.rng.randint(1, 8)
        link.send(b"".join(corpus.fuzz_message(self.rng, self.ctx, 0.8) for _ in range(count)), frames=count)
        for each in self.links:
            each.receive()
        self.retire(link)
        return count

    def retire(self, link):
        """Sometimes closes the connection (with a reset or not) or stops talking on it."""
        chance = self.rng.random()
        if chance < 0.03:
            link.close(reset=self.rng.random() < 0.5)
        elif chance < 0.04 and link.open:
            self.links.remove(link)
            self.silent.append((link, time.monotonic()))

    def watch_silent(self):
        """Counts the silent connections the relay closed (it should after about 5 s when
        they hold no allocation); closes its own side after 8 s."""
        still = []
        for link, since in self.silent:
            link.receive()
            if not link.open:
                self.counts["silent connections closed by the relay"] += 1
            elif time.monotonic() - since > 8:
                self.counts["silent connections still open after 8 s"] += 1
                link.close()
            else:
                still.append((link, since))
        self.silent = still

    def flood(self):
        """FLOOD_CONNECTIONS connections from one address, a Binding on each; counts those
        answered. Bounded to a few seconds whatever the relay does."""
        deadline = time.monotonic() + 3
        links = []
        try:
            while len(links) < FLOOD_CONNECTIONS and time.monotonic() < deadline:
                links.append(TcpClient(self.fuzz, self.counts, FLOOD_SOURCE))
        except OSError:
            self.counts["tcp connections refused"] += 1
        for link in links:
            link.send(stun.encode(stun.BINDING, stun.REQUEST))
        answered = sum(1 for link in links if link.receive(max(0.0, deadline - time.monotonic())))
        for link in links:
            link.close()
        self.counts["flood connections"] += len(links)
        self.counts["flood connections answered"] += answered

    def close(self):
        for link in self.links + [link for link, _ in self.silent]:
            link.close()


class Session(Worker):
    """A client with a real allocation: the challenge round trip, a signed Allocate, a
    permission and a channel for the peer, then traffic, requests and mutations on the
    same 5-tuple. It allocates again whenever the allocation is gone."""
    rate = 80
    probe_every = 5.0

    def __init__(self, fuzz, name, peers, stream):
        super().__init__(fuzz, name)
        self.ctx = corpus.Context(fuzz.credentials, fuzz.credentials.username(name), peers, stream=stream,
                                  channel=self.rng.randrange(0x4000, 0x8000))
        self.link = None
        self.allocated = False
        self.probe_tid = None
        self.next_probe = 0.0

    def connect(self):
        raise NotImplementedError

    def step(self):
        if self.link is None or not self.link.open:
            try:
                self.link = self.connect()
            except OSError:
                self.counts["tcp connections refused"] += 1
                self.fuzz.stopping.wait(0.5)
                return 0
            self.allocated = False
        if not self.allocated:
            return self.allocate()
        if time.monotonic() >= self.next_probe:
            self.probe()
        self.link.send(corpus.session_message(self.rng, self.ctx), self.ctx.key)
        if self.rng.random() < 0.002:
            self.release()
        for reply in self.link.receive():
            self.notice(reply)
        return 1

    def allocate(self):
        first = corpus.first_allocate(self.rng, self.ctx)
        self.link.send(first)
        challenge = wait_for(self.link, first[8:20], 1.0)
        if challenge is None or not self.fuzz.credentials.learn(challenge):
            return 1
        tid = stun.transaction_id()
        self.link.send(self.ctx.sign(stun.ALLOCATE, [(stun.REQUESTED_TRANSPORT, stun.requested_transport())], tid=tid),
                       self.ctx.key)
        reply = wait_for(self.link, tid, 1.0)
        if reply is None:
            return 2
        if stun.header(reply)[1] == stun.SUCCESS:
            self.allocated = True
            self.counts["allocations " + ("tcp" if self.ctx.stream else "udp")] += 1
            self.open_to_peer()
        elif stun.error_code(reply) == 437:   # this 5-tuple still has one we lost track of
            self.release()
        else:
            self.counts[f"allocate answered {stun.error_code(reply)}"] += 1
            if not self.fuzz.credentials.learn(reply):   # a stale nonce is retried at once
                self.fuzz.stopping.wait(0.5)
        return 2

    def open_to_peer(self):
        """A permission and a channel for the peer sink, which most traffic goes to."""
        sink = self.ctx.peers[0]
        tid = stun.transaction_id()
        self.link.send(self.ctx.sign(stun.CREATE_PERMISSION, [corpus.peer_attribute(self.rng, self.ctx, tid, sink)],
                                     tid=tid), self.ctx.key)
        tid = stun.transaction_id()
        channel = (stun.CHANNEL_NUMBER, stun.channel_number(self.ctx.channel))
        self.link.send(self.ctx.sign(stun.CHANNEL_BIND, [channel, corpus.peer_attribute(self.rng, self.ctx, tid, sink)],
                                     tid=tid), self.ctx.key)

    def probe(self):
        """A plain Refresh: a 437 says that a signed oddity (LIFETIME 0) deleted the allocation."""
        self.probe_tid = stun.transaction_id()
        self.link.send(self.ctx.sign(stun.REFRESH, [(stun.LIFETIME, stun.u32(600))], tid=self.probe_tid), self.ctx.key)
        self.next_probe = time.monotonic() + self.probe_every

    def release(self):
        self.link.send(self.ctx.sign(stun.REFRESH, [(stun.LIFETIME, stun.u32(0))]), self.ctx.key)
        self.allocated = False

    def notice(self, reply):
        self.fuzz.credentials.learn(reply)
        if reply[8:20] == self.probe_tid and stun.error_code(reply) == 437:
            self.allocated = False

    def close(self):
        if self.link:
            self.link.close()


class UdpSession(Session):
    def connect(self):
        return UdpClient(self.fuzz, self.counts)

    def udp_allocations(self):
        return [(self.link, self.ctx)] if self.link else []


class TcpSession(Session):
    def connect(self):
        return TcpClient(self.fuzz, self.counts)


# The run.

Snapshot = collections.namedtuple("Snapshot", "rss fds cpu at")


class Fuzz:
    def __init__(self, relay, secret):
        self.relay = relay
        self.credentials = stun.Credentials(secret)
        self.amplification = Amplification()
        self.stopping = threading.Event()
        self.failures = []
        self.totals = collections.Counter()
        self.samples = []   # (rss, fds) at each check
        self.workers = []   # the current phase's

    def fail(self, reason):
        self.failures.append(reason)

    def learn_realm(self):
        """The realm and a first nonce, from the relay's 401 to an Allocate."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(1)
            for _ in range(5):
                transport = (stun.REQUESTED_TRANSPORT, stun.requested_transport())
                s.sendto(stun.encode(stun.ALLOCATE, stun.REQUEST, [transport]), self.relay.address)
                try:
                    if self.credentials.learn(s.recv(2048)):
                        return
                except OSError:
                    continue
        raise RuntimeError("the relay did not challenge an Allocate with REALM and NONCE")

    def phase(self, seconds, checks):
        """Runs every worker for `seconds`, watching the process every second (and checking
        it fully every CHECK_EVERY seconds when `checks`); then deletes the UDP allocations
        and closes every socket."""
        self.stopping.clear()
        sink = PeerSink(self)
        peers = [sink.address, self.relay.address]
        workers = [sink, UdpNoise(self, peers), TcpNoise(self, peers)]
        workers += [UdpSession(self, f"udp-session{n}", peers, stream=False) for n in range(3)]
        workers += [TcpSession(self, f"tcp-session{n}", peers, stream=True) for n in range(2)]
        self.workers = workers
        for worker in workers:
            worker.start()
        started = time.monotonic()
        end, next_check = started + seconds, started + CHECK_EVERY
        while not self.failures and (now := time.monotonic()) < end:
            self.stopping.wait(min(1.0, end - now))
            if not self.relay.alive():
                self.check("during the run")
            elif checks and next_check <= time.monotonic() < end - 1:
                self.check(f"after {time.monotonic() - started:.0f} s")
                next_check += CHECK_EVERY
        self.stopping.set()
        for worker in workers:
            worker.join(10)
            self.totals += worker.counts
        if self.relay.alive():
            self.release_allocations([pair for worker in workers for pair in worker.udp_allocations()])
        for worker in workers:
            worker.close()

    def release_allocations(self, holders):
        """Refresh with LIFETIME 0 from every UDP socket that may hold an allocation, again
        while requests go unanswered (the relay drops requests over its rate limit)."""
        pending = holders
        for _ in range(12):
            if not pending:
                return
            sent = {}
            for client, ctx in pending:
                sent[client] = stun.transaction_id()
                client.send(ctx.sign(stun.REFRESH, [(stun.LIFETIME, stun.u32(0))], tid=sent[client]), ctx.key)
            time.sleep(0.5)
            still = []
            for client, ctx in pending:
                answer = next((r for r in client.receive() if r[8:20] == sent[client]), None)
                if answer is None or self.credentials.learn(answer):
                    still.append((client, ctx))
                elif stun.header(answer)[1] == stun.SUCCESS:
                    self.totals["udp allocations deleted at the end"] += 1
            pending = still
        self.totals["udp allocations left undeleted"] += len(pending)

    def check(self, when):
        """The relay is alive and answers a fresh Binding; records RSS and descriptors."""
        if not self.relay.alive():
            self.fail(f"the relay died {when} (exit code {self.relay.process.returncode}); its log ends:\n"
                      + self.relay.log_tail())
            return
        if not self.relay.answers_binding():
            self.fail(f"the relay did not answer a fresh Binding over UDP {when}")
        rss, fds = self.relay.rss(), self.relay.fds()
        self.samples.append((rss, fds))
        sent = sum(w.counts["udp sent"] + w.counts["tcp frames"] for w in self.workers)
        print(f"  {when}: {sent} messages sent, worst amplification {self.amplification.worst.ratio:.2f}x, "
              f"RSS {mb(rss)}, {fds} descriptors", flush=True)

    def settle(self, target):
        """RSS, descriptors and CPU time once the descriptor count came down to `target`,
        or SETTLE seconds passed; None if the relay is dead."""
        deadline = time.monotonic() + SETTLE
        while self.relay.alive() and self.relay.fds() > target and time.monotonic() < deadline:
            time.sleep(0.25)
        if not self.relay.alive():
            return None
        return Snapshot(self.relay.rss(), self.relay.fds(), self.relay.cpu_seconds(), time.monotonic())

    def run(self, seconds):
        self.learn_realm()
        start_fds = self.relay.fds()
        print(f"warming up for {WARM_UP:.0f} s", flush=True)
        self.phase(WARM_UP, checks=False)
        self.check("after the warm-up")
        baseline = self.settle(start_fds)
        if baseline is None or self.failures:
            return
        self.totals.clear()
        print(f"fuzzing for {seconds} s from RSS {mb(baseline.rss)}, {baseline.fds} descriptors", flush=True)
        self.phase(seconds, checks=True)
        self.check("at the end")
        end = self.settle(baseline.fds)
        self.summary(seconds, start_fds, baseline, end)
        self.judge(baseline, end)

    def judge(self, baseline, end):
        if end and end.fds > baseline.fds + FD_SLACK:
            self.fail(f"the relay still held {end.fds} descriptors {SETTLE:.0f} s after the fuzzer closed everything "
                      f"(baseline {baseline.fds}, +{FD_SLACK} allowed)")
        if end and end.rss - baseline.rss > MAX_RSS_GROWTH:
            self.fail(f"the relay's RSS grew by {mb(end.rss - baseline.rss)} (baseline {mb(baseline.rss)}, "
                      f"end {mb(end.rss)}; {mb(MAX_RSS_GROWTH)} allowed)")
        worst = self.amplification.worst
        if worst.ratio > MAX_AMPLIFICATION:
            self.fail(f"an unauthenticated UDP request of {worst.size} bytes got {sum(map(len, worst.replies))} bytes "
                      f"back ({worst.ratio:.2f}x, over {MAX_AMPLIFICATION}x); both are in the summary")

    def summary(self, seconds, start_fds, baseline, end):
        t = self.totals
        print(f"relay fuzz summary ({seconds} s against {self.relay.binary}):")
        print(f"  udp: {t['udp sent']} datagrams sent ({t['udp send errors']} refused by the kernel), "
              f"{t['udp replies']} received")
        print(f"  tcp: {t['tcp frames']} frames sent on {t['tcp connections']} connections "
              f"({t['tcp connections refused']} refused), {t['tcp replies']} frames received")
        print(f"  allocations: {t['allocations udp']} over udp, {t['allocations tcp']} over tcp; "
              f"{t['relayed to peer']} datagrams relayed to the peer; udp allocations at the end: "
              f"{t['udp allocations deleted at the end']} deleted, {t['udp allocations left undeleted']} left")
        refusals = {key: value for key, value in t.items() if key.startswith("allocate answered")}
        if refusals:
            print(f"  allocations refused: {refusals}")
        print(f"  connection floods: {t['flood connections']} connections, {t['flood connections answered']} answered; "
              f"silent connections: {t['silent connections closed by the relay']} closed by the relay, "
              f"{t['silent connections still open after 8 s']} still open after 8 s")
        worst = self.amplification.worst
        print(f"  amplification: {self.amplification.measured} unauthenticated datagrams measured, "
              f"worst {worst.ratio:.2f}x")
        if worst.request:
            sent = f", sent {worst.size // len(worst.request)} times" if worst.size > len(worst.request) else ""
            print(f"    request ({len(worst.request)} bytes{sent}): {worst.request.hex()}")
            for reply in worst.replies:
                print(f"    reply ({len(reply)} bytes): {reply.hex()}")
        peak_rss = max((sample[0] for sample in self.samples), default=None)
        peak_fds = max((sample[1] for sample in self.samples), default=None)
        print(f"  rss: baseline {mb(baseline.rss)}, end {mb(end and end.rss)}, peak {mb(peak_rss)}")
        print(f"  fds: at start {start_fds}, baseline {baseline.fds}, end {end and end.fds}, peak {peak_fds}")
        if end:
            cpu = end.cpu - baseline.cpu
            print(f"  relay cpu: {cpu:.1f} s in {end.at - baseline.at:.0f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seconds", type=int, nargs="?", default=120)
    parser.add_argument("--binary", type=Path, default=DEFAULT_BINARY)
    args = parser.parse_args()
    if not args.binary.is_file():
        sys.exit(f"relay fuzz: FAIL: no binary at {args.binary} (swift build first)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("relay fuzz: FAIL: terminated"))
    secret = secrets.token_hex(24)
    with tempfile.TemporaryDirectory(prefix="relay-fuzz-") as workdir:
        relay = Relay(args.binary, workdir, secret)
        fuzz = Fuzz(relay, secret)
        try:
            relay.start()
            fuzz.run(args.seconds)
        except RuntimeError as error:
            fuzz.fail(str(error))
        finally:
            stopped = relay.stop()
    if stopped:
        print(stopped)
    for failure in fuzz.failures:
        print(f"relay fuzz: FAIL: {failure}")
    if fuzz.failures:
        sys.exit(1)
    print("relay fuzz: OK")


if __name__ == "__main__":
    main()
