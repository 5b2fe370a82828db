#!/usr/bin/env bash
# Runs every NoTrack test: the Swift unit tests, then the end-to-end tests that drive the
# real `notrack` binary. Installs what it needs from Debian first (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh
scripts/check-layering.sh

swift build
swift test
/usr/bin/python3 -m pytest -q Tests/interop
