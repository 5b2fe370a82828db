#!/usr/bin/env bash
# Installs the Debian packages NoTrack needs to build (the SQLite headers), only when missing.
set -euo pipefail
exec "$(dirname "$0")/apt-install-missing.sh" libsqlite3-dev
