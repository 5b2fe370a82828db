"""One office phone: a real WebRTC peer (aiortc) inside an office LAN of the NAT lab.

It does what a browser client of NoTrack does: registers and logs in over REST, connects
Socket.IO with its JWT, takes its ICE servers from the appliance's `ice-servers` event,
and makes or answers calls with trickle ICE, sending a sine tone and measuring the tone it
hears. The test drives it with JSON lines on stdin and reads JSON lines from stdout:

    → {"do": "answer", "policy": "relay", "tone": 660, "expect": 440}
    → {"do": "call", "to": "123-456", "policy": "all", "tone": 440, "expect": 660}
    ← {"event": "measured", ...}     then  → {"do": "hangup"}  (caller only)
    ← {"event": "ended", ...}
    → {"do": "quit"}

Every wait is bounded; any failure prints {"event": "error"} and exits non-zero.
"""
import argparse
import asyncio
import fractions
import json
import logging
import sys
import threading
import time

import numpy as np
import requests
import socketio
from aiortc import (MediaStreamTrack, RTCConfiguration, RTCIceServer, RTCPeerConnection,
                    RTCSessionDescription)
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcconfiguration import RTCIceTransportPolicy
from aiortc.sdp import candidate_from_sdp
from av import AudioFrame

SAMPLE_RATE = 48000
FRAME_SAMPLES = 960        # 20 ms, Opus's usual frame
WARM_UP_FRAMES = 10        # the decoder's first frames fade in
MEASURED_FRAMES = 50       # 1 s of audio: 1 Hz FFT resolution
STEP_TIMEOUT = 30          # seconds for any one signaling or media step


def report(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


class Tone(MediaStreamTrack):
    """A sine wave at `frequency`, paced in real time like a microphone."""
    kind = "audio"

    def __init__(self, frequency):
        super().__init__()
        self.frequency = frequency
        self.samples = 0
        self.started = None

    async def recv(self):
        if self.started is None:
            self.started = time.monotonic()
        else:
            await asyncio.sleep(max(0.0, self.started + self.samples / SAMPLE_RATE - time.monotonic()))
        t = (self.samples + np.arange(FRAME_SAMPLES)) / SAMPLE_RATE
        wave = (0.4 * 32767 * np.sin(2 * np.pi * self.frequency * t)).astype(np.int16)
        frame = AudioFrame.from_ndarray(wave.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self.samples
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self.samples += FRAME_SAMPLES
        return frame


def dominant_frequency(samples, rate):
    """The strongest frequency (Hann window, parabolic peak interpolation) and the share
    of the spectrum's energy within ±10 Hz of it: near 1 for a clean tone, low for noise."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    peak = int(np.argmax(spectrum[1:-1])) + 1
    left, centre, right = np.log(spectrum[peak - 1:peak + 2] + 1e-12)
    curvature = left - 2 * centre + right
    offset = 0.5 * (left - right) / curvature if curvature else 0.0
    bin_hz = rate / len(samples)
    near = slice(max(0, peak - int(10 / bin_hz)), peak + int(10 / bin_hz) + 1)
    energy = spectrum ** 2
    return (peak + offset) * bin_hz, float(energy[near].sum() / energy.sum())


class Listener:
    """Reads the remote track for the whole call: counts frames, keeps one second of
    audio after the warm-up for the frequency measurement."""

    def __init__(self):
        self.frames = 0
        self.samples = []
        self.rate = SAMPLE_RATE
        self.measured = asyncio.Event()
        self.reader = None  # held so the reading task is not garbage-collected

    def attach(self, track):
        self.reader = asyncio.ensure_future(self.read(track))

    async def read(self, track):
        try:
            while True:
                frame = await track.recv()
                self.frames += 1
                if WARM_UP_FRAMES < self.frames <= WARM_UP_FRAMES + MEASURED_FRAMES:
                    channels = len(frame.layout.channels)
                    self.samples.append(frame.to_ndarray().reshape(-1, channels)[:, 0].astype(np.float64))
                    self.rate = frame.sample_rate
                if self.frames == WARM_UP_FRAMES + MEASURED_FRAMES:
                    self.measured.set()
        except MediaStreamError:  # the call ended
            return


def split_candidates(sdp):
    """The SDP without candidates, and the candidates as RTCIceCandidateInit dicts.
    aiortc gathers before it returns a description; taking the candidates out and
    sending them as `ice-candidate` events is what makes the exchange trickle ICE."""
    kept, candidates, mid, index = [], [], None, -1
    lines = sdp.split("\r\n")
    mids = [line[len("a=mid:"):] for line in lines if line.startswith("a=mid:")]
    for line in lines:
        if line.startswith("m="):
            index += 1
            mid = mids[index] if index < len(mids) else None
        if line.startswith("a=candidate:"):
            candidates.append({"candidate": line[2:], "sdpMid": mid, "sdpMLineIndex": index})
        elif line != "a=end-of-candidates":
            kept.append(line)
    return "\r\n".join(kept), candidates


def candidate_type(candidate):
    words = candidate.split()
    return words[words.index("typ") + 1]


def selected_pair(pc):
    """The nominated pair of the call's ICE transport. aiortc has no public accessor
    (getStats carries no candidate-pair entry), so read aioice's nominated pair."""
    ice = pc.getTransceivers()[0].sender.transport.transport
    pair = ice._connection._nominated.get(1)
    checks = {}
    for check in ice._connection._check_list:
        key = f"{check.local_candidate.type}->{check.remote_candidate.type}:{check.state.name.lower()}"
        checks[key] = checks.get(key, 0) + 1
    if pair is None:
        return None, checks
    local, remote = pair.local_candidate, pair.remote_candidate
    return {"local": {"type": local.type, "address": f"{local.host}:{local.port}"},
            "remote": {"type": remote.type, "address": f"{remote.host}:{remote.port}"}}, checks


class Phone:
    def __init__(self, api, username, password):
        self.api = api
        self.username, self.password = username, password
        self.loop = asyncio.get_running_loop()
        self.events = {}
        self.commands = asyncio.Queue()

    # ---- plumbing: socket events and stdin commands become asyncio queue items ----------

    def queue(self, name):
        return self.events.setdefault(name, asyncio.Queue())

    def deliver(self, name, data):
        self.loop.call_soon_threadsafe(self.queue(name).put_nowait, data)

    async def expect(self, name, timeout=STEP_TIMEOUT):
        try:
            return await asyncio.wait_for(self.queue(name).get(), timeout)
        except asyncio.TimeoutError:
            errors = self.queue("error")
            received = [errors.get_nowait() for _ in range(errors.qsize())]
            raise AssertionError(f"no {name!r} within {timeout}s; error events: {received}") from None

    async def command(self, timeout=300):
        return await asyncio.wait_for(self.commands.get(), timeout)

    def read_stdin(self):
        for line in sys.stdin:
            self.loop.call_soon_threadsafe(self.commands.put_nowait, json.loads(line))
        self.loop.call_soon_threadsafe(self.commands.put_nowait, {"do": "quit"})

    def emit(self, name, data):
        self.socket.emit(name, data)

    # ---- signing in ---------------------------------------------------------------------

    def sign_in(self):
        """Register (201, or 409 when the account exists), then log in; the session uses
        the login token."""
        account = {"username": self.username, "password": self.password, "confirmPassword": self.password}
        registered = requests.post(self.api + "/api/auth/register", json=account, timeout=STEP_TIMEOUT)
        assert registered.status_code in (201, 409), f"register: {registered.status_code} {registered.text}"
        login = requests.post(self.api + "/api/auth/login", json={"username": self.username, "password": self.password},
                              timeout=STEP_TIMEOUT)
        assert login.status_code == 200, f"login: {login.status_code} {login.text}"
        body = login.json()
        self.token, self.extension = body["token"], body["extension"]
        rest = requests.get(self.api + "/api/turn/credentials", headers={"Authorization": f"Bearer {self.token}"},
                            timeout=STEP_TIMEOUT)
        assert rest.status_code == 200, f"turn credentials: {rest.status_code} {rest.text}"
        return registered.status_code, rest.json()

    async def start(self):
        registered, rest = await asyncio.to_thread(self.sign_in)
        self.socket = socketio.Client(reconnection=False)
        for name in ("ice-servers", "incoming-call", "call-made", "answer-made", "ice-candidate-received",
                     "call-ended", "error"):
            self.socket.on(name, lambda data, name=name: self.deliver(name, data))
        await asyncio.to_thread(self.socket.connect, self.api, auth={"token": self.token},
                                transports=["websocket"], wait_timeout=STEP_TIMEOUT)
        self.ice_servers = await self.expect("ice-servers")
        threading.Thread(target=self.read_stdin, daemon=True).start()
        turn = next(server for server in rest["iceServers"] if "username" in server)
        report("ready", extension=self.extension, registered=registered, iceServers=self.ice_servers,
               restTurn=turn)

    # ---- calls --------------------------------------------------------------------------

    def peer_connection(self, policy):
        servers = [RTCIceServer(urls=s["urls"], username=s.get("username"), credential=s.get("credential"))
                   for s in self.ice_servers["iceServers"]]
        return RTCPeerConnection(RTCConfiguration(iceServers=servers, iceTransportPolicy=RTCIceTransportPolicy(policy)))

    async def send_local_description(self, pc, event, target, key):
        """Sends the description without candidates, then trickles each candidate and
        end-of-candidates (an empty candidate)."""
        sdp, candidates = split_candidates(pc.localDescription.sdp)
        self.emit(event, {"targetExtension": target, key: {"type": pc.localDescription.type, "sdp": sdp}})
        if event == "call-user":
            await self.expect("call-made")
        for candidate in candidates:
            self.emit("ice-candidate", {"targetExtension": target, "candidate": candidate})
        self.emit("ice-candidate", {"targetExtension": target,
                                    "candidate": {"candidate": "", "sdpMid": candidates[0]["sdpMid"], "sdpMLineIndex": 0}})
        return sorted(candidate_type(c["candidate"]) for c in candidates)

    async def take_remote_candidates(self, pc, received):
        """Applies trickled candidates until end-of-candidates."""
        while True:
            init = (await self.expect("ice-candidate-received"))["candidate"]
            if not init["candidate"]:
                await pc.addIceCandidate(None)
                return
            candidate = candidate_from_sdp(init["candidate"].split(":", 1)[1])
            candidate.sdpMid, candidate.sdpMLineIndex = init.get("sdpMid"), init.get("sdpMLineIndex")
            received.append(candidate.type)
            await pc.addIceCandidate(candidate)

    async def until_connected(self, pc):
        deadline = time.monotonic() + STEP_TIMEOUT
        while pc.connectionState != "connected":
            if pc.connectionState in ("failed", "closed") or time.monotonic() > deadline:
                raise AssertionError(f"connection {pc.connectionState} after {STEP_TIMEOUT}s at most")
            await asyncio.sleep(0.05)

    async def counts(self, pc, listener):
        stats = (await pc.getStats()).values()
        inbound = next(s for s in stats if s.type == "inbound-rtp")
        outbound = next(s for s in stats if s.type == "outbound-rtp")
        return {"framesReceived": listener.frames, "packetsReceived": inbound.packetsReceived,
                "packetsSent": outbound.packetsSent}

    async def measurement(self, pc, listener, expect):
        await asyncio.wait_for(listener.measured.wait(), STEP_TIMEOUT)
        frequency, purity = dominant_frequency(np.concatenate(listener.samples), listener.rate)
        pair, checks = selected_pair(pc)
        return {"expected": expect, "frequency": round(frequency, 2), "purity": round(purity, 4),
                "selectedPair": pair, "checks": checks, **await self.counts(pc, listener)}

    async def run_call(self, pc, target, expect, role, make_description):
        listener = Listener()
        pc.on("track", listener.attach)
        received, incoming = [], None
        try:
            sent = await make_description()
            # Only now: aiortc drops candidates that arrive before the remote description
            # (they wait in the event queue meanwhile).
            incoming = asyncio.ensure_future(self.take_remote_candidates(pc, received))
            await self.until_connected(pc)
            report("measured", role=role, candidatesSent=sent, **await self.measurement(pc, listener, expect))
            if role == "caller":
                command = await self.command(timeout=STEP_TIMEOUT * 2)
                assert command["do"] == "hangup", command
                self.emit("end-call", {"targetExtension": target})
            ended = await self.expect("call-ended")
            report("ended", role=role, callEnded=ended, candidatesReceived=sorted(received),
                   **await self.counts(pc, listener))
        finally:
            if incoming:
                incoming.cancel()
            await pc.close()

    async def call(self, to, policy, tone, expect):
        pc = self.peer_connection(policy)
        pc.addTrack(Tone(tone))

        async def offer():
            await pc.setLocalDescription(await pc.createOffer())
            sent = await self.send_local_description(pc, "call-user", to, "offer")
            answer = await self.expect("answer-made")
            await pc.setRemoteDescription(RTCSessionDescription(**answer["answer"]))
            return sent

        await self.run_call(pc, to, expect, "caller", offer)

    async def answer(self, policy, tone, expect):
        incoming = await self.expect("incoming-call", timeout=STEP_TIMEOUT * 2)
        caller = incoming["from"]
        pc = self.peer_connection(policy)

        async def answer():
            await pc.setRemoteDescription(RTCSessionDescription(**incoming["offer"]))
            pc.addTrack(Tone(tone))
            await pc.setLocalDescription(await pc.createAnswer())
            return await self.send_local_description(pc, "answer-call", caller, "answer")

        await self.run_call(pc, caller, expect, "callee", answer)


async def main(arguments):
    phone = Phone(arguments.api, arguments.username, arguments.password)
    await phone.start()
    while True:
        command = await phone.command()
        if command["do"] == "call":
            await phone.call(command["to"], command["policy"], command["tone"], command["expect"])
        elif command["do"] == "answer":
            report("armed")
            await phone.answer(command["policy"], command["tone"], command["expect"])
        elif command["do"] == "quit":
            break
        else:
            raise AssertionError(f"unknown command {command}")
    phone.socket.disconnect()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--deadline", type=float, default=300, help="seconds before the phone gives up")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    try:
        asyncio.run(asyncio.wait_for(main(arguments), arguments.deadline))
    except BaseException as error:
        report("error", message=f"{type(error).__name__}: {error}")
        sys.exit(1)
