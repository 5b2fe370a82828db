#!/usr/bin/env bash
# Installs what the test suite uses, only when something is missing:
# - Debian packages (python3 and its venv module, plus the Debian pytest stack for quick
#   runs with /usr/bin/python3);
# - .venv-test, a virtual environment with Tests/interop/requirements.txt from PyPI
#   (schemathesis and openapi-spec-validator are not in Debian). scripts/test.sh runs the
#   end-to-end tests with it;
# - coturn, for its STUN/TURN clients turnutils_stunclient and turnutils_uclient (its server is
#   not started; benchmarks/relay uses it as a yardstick);
# - iptables and procps (sysctl), for the NAT routers of Tests/nat (ip netns comes with
#   iproute2).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/apt-install-missing.sh libsqlite3-dev python3 python3-venv python3-pytest python3-requests python3-prometheus-client coturn iproute2 iptables procps
# The venv records the requirements it was built from; it is rebuilt only when they change.
venv=.venv-test
requirements=Tests/interop/requirements.txt
if ! cmp -s "$requirements" "$venv/installed-requirements.txt"; then
  echo "preparing $venv from $requirements"
  [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/installed-requirements.txt"
fi
