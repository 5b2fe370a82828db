#!/usr/bin/env bash
# Runs every NoTrack test: the Swift unit tests, the official Socket.IO conformance suites,
# then the end-to-end tests that drive the real `notrack` binary (Tests/nat builds a
# network of namespaces with NAT routers, so run as root). Installs what it needs first
# (Debian packages need root or sudo; Python packages go into .venv-test; Swagger UI's
# files into .notrack-assets).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh
PYTHON=.venv-test/bin/python scripts/fetch-swagger-ui.sh
scripts/check-layering.sh

swift build
timeout --kill-after=30 1800 swift test
# The official Engine.IO / Socket.IO suites against sio-conformance-server (skipped, saying
# why, where their code is not available on this machine).
timeout --kill-after=30 900 scripts/conformance.sh 3
.venv-test/bin/python -m pytest -q Tests/interop Tests/nat
timeout --kill-after=30 600 scripts/fuzz-relay.sh 120
timeout --kill-after=30 600 scripts/fuzz-signal.sh 120
# The Debian package: release build, lintian, systemd-analyze, install, upgrade, remove and
# purge in a fresh Debian root, the service under systemd-nspawn.
timeout --kill-after=30 2400 Tests/packaging/test-deb.sh
