#!/usr/bin/env bash
# Checks the architecture rules of DESIGN.md and STYLE.md with grep:
# - Signal and Relay never import each other;
# - pure protocol cores never import I/O frameworks (NIOPosix, Hummingbird, GRDB, Logging, Metrics).
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
fail() { echo "layering: $*" >&2; status=1; }

grep -rlE '^\s*(@testable\s+)?import\s+Relay\b' Sources/Signal && fail "Sources/Signal imports Relay"
grep -rlE '^\s*(@testable\s+)?import\s+Signal\b' Sources/Relay && fail "Sources/Relay imports Signal"

core_folders=(
  Sources/Relay/STUN Sources/Relay/TURN Sources/Relay/Credentials Sources/Relay/Allocations Sources/Relay/Policy
  Sources/Signal/EngineIO Sources/Signal/SocketIO Sources/Signal/Calls Sources/Signal/Presence
  Sources/Signal/RateLimiting Sources/Signal/Health
)
for folder in "${core_folders[@]}"; do
  [ -d "$folder" ] || continue
  offenders=$(grep -rlE '^\s*import\s+(NIOPosix|Hummingbird[A-Za-z]*|GRDB|Logging|Metrics)\b' "$folder" || true)
  [ -z "$offenders" ] || fail "core folder $folder imports an I/O framework: $offenders"
done

[ $status -eq 0 ] && echo "layering: ok"
exit $status
