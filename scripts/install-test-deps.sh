#!/usr/bin/env bash
# Installs the Debian packages the test suite uses, only when one is missing.
set -euo pipefail
exec "$(dirname "$0")/apt-install-missing.sh" libsqlite3-dev python3 python3-pytest python3-requests python3-prometheus-client
