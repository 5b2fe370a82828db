#!/usr/bin/env bash
# Fuzzes the HTTP API and Socket.IO signaling of the built notrack binary for SECONDS
# (default 120) with hostile HTTP, Engine.IO, Socket.IO and WebSocket traffic from many
# loopback addresses, checking that a call still completes after every batch, that no
# response is a 5xx, and RSS and descriptors (Tests/blackbox/signal_fuzz.py says what it
# sends and checks). Needs .venv-test (scripts/install-test-deps.sh) and
# .build/debug/notrack (swift build).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv-test/bin/python Tests/blackbox/signal_fuzz.py "${1:-120}"
