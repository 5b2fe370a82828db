"""The control experiment: can two office clients reach each other directly, without
the relay? Each learns its host and server-reflexive address (STUN Binding to the
appliance) and then both hole-punch at each other's addresses at the same time.

    punch.py observe --bind IP:PORT --seconds N
        answers every datagram with the address it came from (a second observer, so a
        client can see whether its NAT mapping depends on the destination)
    punch.py probe --bind IP --stun IP:PORT --observer IP:PORT
        ← {"host": [ip, port], "srflx": [ip, port], "observed": [ip, port]}
        → {"peer": {"host": [...], "srflx": [...]}, "seconds": S}
        ← {"sent": N, "received": M, "from": [...]}

All waits are bounded; nothing is sent outside the addresses given.
"""
import argparse
import json
import select
import socket
import sys
import time

from aioice import stun

INTERVAL = 0.02
PLAN_TIMEOUT = 30


def address(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def observe(arguments):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(address(arguments.bind))
        deadline = time.monotonic() + arguments.seconds
        while (left := deadline - time.monotonic()) > 0:
            if select.select([sock], [], [], left)[0]:
                _, sender = sock.recvfrom(2048)
                sock.sendto(json.dumps(list(sender)).encode(), sender)


def ask(sock, server, request, parse, attempts=10):
    """Sends `request` until `server` answers (bounded retransmissions)."""
    for _ in range(attempts):
        sock.sendto(request, server)
        if select.select([sock], [], [], 0.3)[0]:
            data, sender = sock.recvfrom(2048)
            if sender == server:
                return parse(data)
    raise TimeoutError(f"{server} did not answer")


def probe(arguments):
    stun_server, observer = address(arguments.stun), address(arguments.observer)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((arguments.bind, 0))
        binding = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
        srflx = ask(sock, stun_server, bytes(binding),
                    lambda data: stun.parse_message(data).attributes["XOR-MAPPED-ADDRESS"])
        observed = ask(sock, observer, b"where am I?", lambda data: tuple(json.loads(data)))
        print(json.dumps({"host": sock.getsockname(), "srflx": srflx, "observed": observed}), flush=True)

        if not select.select([sys.stdin], [], [], PLAN_TIMEOUT)[0]:
            raise TimeoutError(f"no plan on stdin within {PLAN_TIMEOUT}s")
        plan = json.loads(sys.stdin.readline())
        targets = [tuple(plan["peer"][kind]) for kind in ("host", "srflx")]
        sent, received, senders = 0, 0, set()
        deadline = time.monotonic() + plan["seconds"]
        next_send = time.monotonic()
        while (now := time.monotonic()) < deadline:
            if now >= next_send:
                for target in targets:
                    sock.sendto(b"punch", target)
                    sent += 1
                next_send = now + INTERVAL
            if select.select([sock], [], [], max(0.0, min(next_send, deadline) - now))[0]:
                try:
                    _, sender = sock.recvfrom(2048)
                except ConnectionRefusedError:  # an ICMP error for an earlier probe
                    continue
                if sender not in (stun_server, observer):
                    received += 1
                    senders.add(f"{sender[0]}:{sender[1]}")
        print(json.dumps({"sent": sent, "received": received, "from": sorted(senders)}), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    observer_mode = modes.add_parser("observe")
    observer_mode.add_argument("--bind", required=True)
    observer_mode.add_argument("--seconds", type=float, required=True)
    probe_mode = modes.add_parser("probe")
    probe_mode.add_argument("--bind", required=True)
    probe_mode.add_argument("--stun", required=True)
    probe_mode.add_argument("--observer", required=True)
    arguments = parser.parse_args()
    {"observe": observe, "probe": probe}[arguments.mode](arguments)
