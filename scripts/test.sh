#!/usr/bin/env bash
# Runs every NoTrack test: the Swift unit tests, then the end-to-end tests that drive the
# real `notrack` binary (Tests/nat builds a network of namespaces with NAT routers, so
# run as root). Installs what it needs first (Debian packages need root or sudo;
# Python packages go into .venv-test; Swagger UI's files into .notrack-assets).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh
PYTHON=.venv-test/bin/python scripts/fetch-swagger-ui.sh
scripts/check-layering.sh

swift build
timeout --kill-after=30 1800 swift test
.venv-test/bin/python -m pytest -q Tests/interop Tests/nat
