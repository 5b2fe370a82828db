#!/usr/bin/env bash
# Signal benchmark (docs/performance.md, "Signal"): holds CONNECTIONS idle authenticated
# Socket.IO connections (server RSS per connection), then runs RATE call set-ups per second
# for DURATION seconds between them (event relay latency p50/p99 as the client sees it,
# and as the server times its own share on /metrics), against the release
# build of notrack and, alternating A B A B for ROUNDS rounds, against python-socketio's
# server doing the same work (reference_server.py).
#
# usage: benchmarks/signal/run.sh [CONNECTIONS] [RATE] [DURATION] [ROUNDS]
#        (defaults 10000 500 20 2; ONLY=notrack or ONLY=reference runs one side;
#        NOTRACK_BINARY=path measures another build than .build/release/notrack;
#        SERVER_CPUS=0 CLIENT_CPUS=1 pin the server and the load client to those cores
#        with taskset, so that the client's own work does not delay the server's;
#        CLIENT=swift uses the compiled load client in loadclient/ instead of sioload.py,
#        CLIENT="swift python" runs both in turn against each server, each round;
#        CLIENT_THREADS=N gives the compiled client N event-loop threads)
set -euo pipefail
cd "$(dirname "$0")/../.."
connections=${1:-10000}
rate=${2:-500}
duration=${3:-20}
rounds=${4:-2}
here=benchmarks/signal
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"

# Each side holds one descriptor per connection, the client as many again.
ulimit -Hn 1048576 2>/dev/null || true
ulimit -n "$(ulimit -Hn)"

clients=${CLIENT:-python}
for client in $clients; do
  case $client in
    python | swift) ;;
    *) echo "CLIENT must be python, swift or both (\"swift python\"), not $client" >&2; exit 2 ;;
  esac
done

binary=${NOTRACK_BINARY:-.build/release/notrack}
[ -x "$binary" ] || swift build -c release --product notrack
venv=$here/.venv
if ! cmp -s $here/requirements.txt $venv/installed-requirements.txt; then
  [ -x $venv/bin/python ] || python3 -m venv $venv
  $venv/bin/python -m pip install --quiet --disable-pip-version-check -r $here/requirements.txt
  cp $here/requirements.txt $venv/installed-requirements.txt
fi

# The compiled client is built once, in its own package (the project's build never compiles it).
if [[ " $clients " == *" swift "* ]]; then
  swift build -c release --package-path $here/loadclient >&2
fi

# taskset prefixes (empty when not pinned).
server_pin=() client_pin=()
[ -n "${SERVER_CPUS:-}" ] && server_pin=(taskset -c "$SERVER_CPUS")
[ -n "${CLIENT_CPUS:-}" ] && client_pin=(taskset -c "$CLIENT_CPUS")

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_http() {
  for _ in $(seq 1 200); do
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}

run_side() {  # run_side NAME ROUND CLIENT
  local name=$1 round=$2 client=$3 port pid load
  if [ "$client" = swift ]; then
    load=($here/loadclient/.build/release/sioload ${CLIENT_THREADS:+--threads "$CLIENT_THREADS"})
  else
    load=($venv/bin/python $here/sioload.py)
  fi
  port=$(free_port)
  if [ "$name" = notrack ]; then
    data=$(mktemp -d)
    env -i PATH="$PATH" NOTRACK_HTTP_PORT="$port" NOTRACK_DATA_DIR="$data" NOTRACK_RELAY_ENABLED=false \
      NOTRACK_LOG_LEVEL=warning NOTRACK_AUTH_GUEST_ACCESS=true \
      NOTRACK_RATE_LIMIT_AUTH_MAX=10000000 NOTRACK_RATE_LIMIT_API_MAX=10000000 \
      NOTRACK_RATE_LIMIT_SOCKET_CONNECTS_MAX=10000000 NOTRACK_RATE_LIMIT_SOCKET_EVENTS_MAX=10000000 \
      "${server_pin[@]}" "$binary" > "$out/$name-$round-$client.server.log" 2>&1 &
    pid=$!
    wait_http "http://127.0.0.1:$port/health/live"
  else
    "${server_pin[@]}" $venv/bin/python $here/reference_server.py "$port" > "$out/$name-$round-$client.server.log" 2>&1 &
    pid=$!
    wait_http "http://127.0.0.1:$port/socket.io/?EIO=4&transport=polling"
  fi
  echo "== $name, round $round, $client client (pid $pid, port $port; load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  "${client_pin[@]}" "${load[@]}" --url "http://127.0.0.1:$port" --connections "$connections" --server-pid "$pid" \
    --rate "$rate" --duration "$duration" > "$out/$name-$round-$client.json" || echo "load client failed" >&2
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  [ "$name" = notrack ] && rm -rf "$data"
  return 0
}

for round in $(seq 1 "$rounds"); do
  for client in $clients; do
    [ "${ONLY:-}" = reference ] || run_side notrack "$round" "$client"
    [ "${ONLY:-}" = notrack ] || run_side reference "$round" "$client"
  done
done
python3 - "$out" <<'PY'
import glob, json, os, sys


def bucket_bound_ms(buckets, quantile):
    """The upper bound (ms) of the bucket holding the quantile of the server's own relay
    timings: the true value is at most this (and above the bucket before)."""
    if not buckets or not buckets[-1]["count"]:
        return None
    rank = quantile * buckets[-1]["count"]
    bound = next(bucket["le"] for bucket in buckets if bucket["count"] >= rank)
    return "over 1000" if bound == "+Inf" else round(float(bound) * 1000, 2)


def share_within_ms(buckets, limit_ms):
    """The share (%) of the server's relays timed at or under a bucket bound."""
    within = next((bucket["count"] for bucket in buckets or [] if bucket["le"] != "+Inf" and float(bucket["le"]) * 1000 == limit_ms), None)
    return None if within is None or not buckets[-1]["count"] else round(100 * within / buckets[-1]["count"], 2)


rows = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    try:
        r = json.load(open(path))
    except ValueError:  # the load client failed (its error is above)
        rows.append((os.path.basename(path)[:-5], "no result"))
        continue
    calls = r.get("calls", {})
    relay = calls.get("event_relay_ms", {})
    server = calls.get("server_event_relay_buckets")
    rows.append((os.path.basename(path)[:-5], r["connections"], r["alive_after_settle"], r["server_rss_per_connection_bytes"],
                 calls.get("completed"), calls.get("setups"), calls.get("achieved_rate"), relay.get("p50"), relay.get("p99"),
                 calls.get("client_send_lag_ms", {}).get("p99"), relay.get("p90"), calls.get("client_cpu_s"), calls.get("client_run_queue_wait_s"),
                 bucket_bound_ms(server, 0.5), bucket_bound_ms(server, 0.99), share_within_ms(server, 5),
                 calls.get("server_cpu_s"), calls.get("server_run_queue_wait_s")))
print("run | connections | alive | RSS bytes/conn | calls done/set | calls/s | relay p50 ms | relay p99 ms | client lag p99 ms | relay p90 ms"
      " | client CPU s | client run-queue wait s | server relay p50 <= ms | server relay p99 <= ms | server relays <= 5 ms %"
      " | server CPU s | server run-queue wait s")
for row in rows:
    print(" | ".join(str(value) for value in row))
print("raw results:", sys.argv[1])
PY
