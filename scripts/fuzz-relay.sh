#!/usr/bin/env bash
# Fuzzes the relay of the built notrack binary for SECONDS (default 120) with mutated
# STUN/TURN over UDP and TCP, checking amplification, liveness, RSS and descriptors
# (Tests/blackbox/relay_fuzz.py says what it sends and checks). Needs .venv-test
# (scripts/install-test-deps.sh) and .build/debug/notrack (swift build).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv-test/bin/python Tests/blackbox/relay_fuzz.py "${1:-120}"
