#!/usr/bin/env bash
# Installs what the test suite uses, only when something is missing:
# - Debian packages (python3 and its venv module, plus the Debian pytest stack for quick
#   runs with /usr/bin/python3);
# - .venv-test, a virtual environment with Tests/interop/requirements.txt from PyPI
#   (schemathesis and openapi-spec-validator are not in Debian). scripts/test.sh runs the
#   end-to-end tests with it.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(python3 python3-venv python3-pytest python3-requests python3-prometheus-client)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing test dependencies: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The venv records the requirements it was built from; it is rebuilt only when they change.
venv=.venv-test
requirements=Tests/interop/requirements.txt
if ! cmp -s "$requirements" "$venv/installed-requirements.txt"; then
  echo "preparing $venv from $requirements"
  [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/installed-requirements.txt"
fi
