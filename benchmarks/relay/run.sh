#!/usr/bin/env bash
# The relay benchmark (docs/performance.md, "## Relay"): builds notrack in release mode,
# installs coturn from Debian if missing (its turnserver is the yardstick, its
# turnutils_uclient the load), then runs driver.py, which alternates notrack and coturn
# under the same load. Extra arguments go to driver.py (--rounds, --clients, --messages,
# --length, --interval, --threads, --tcp); see `driver.py --help`.
# Not part of CI: it takes minutes and wants a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

scripts/apt-install-missing.sh coturn python3
swift build -c release --product notrack
exec python3 benchmarks/relay/driver.py --notrack "$(swift build -c release --show-bin-path)/notrack" "$@"
