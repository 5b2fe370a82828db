#!/usr/bin/env bash
# Installs Swagger UI's browser files, which GET /api-docs serves, into a directory:
#   scripts/fetch-swagger-ui.sh [TARGET]    (default: .notrack-assets/swagger-ui)
# TARGET is <http.assetsDir>/swagger-ui: the development default needs no argument; the
# Debian package installs into /usr/share/notrack/swagger-ui.
#
# The files come from PyPI's swagger-ui-bundle wheel (Swagger UI's dist, Apache-2.0),
# pinned by version and SHA-256, so every box serves the same reviewed files and no browser
# ever reaches a CDN. Only the dist files the page needs are kept; our own index.html and
# swagger-initializer.js (scripts/swagger-ui/) replace Swagger UI's, which point at the
# petstore and use no CSP-friendly URLs. Nothing is downloaded when TARGET already holds
# this version. Set PYTHON to choose the interpreter whose pip downloads (default python3).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
target="${1:-$root/.notrack-assets/swagger-ui}"
python="${PYTHON:-python3}"

wheel_version=1.1.0
wheel_sha256=f7526f7bb99923e10594c54247265839bec97e96b0438561ac86faf40d40dd57
dist=swagger_ui_bundle/vendor/swagger-ui-4.15.5
files=(swagger-ui-bundle.js swagger-ui-standalone-preset.js swagger-ui.css index.css favicon-16x16.png favicon-32x32.png)
stamp="$target/.swagger-ui-bundle-$wheel_version"

fetch() {
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  "$python" -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" "swagger-ui-bundle==$wheel_version"
  local wheel="$work/swagger_ui_bundle-$wheel_version-py3-none-any.whl"
  echo "$wheel_sha256  $wheel" | sha256sum --check --quiet -

  "$python" - "$wheel" "$wheel_version" "$dist" "$work/dist" "${files[@]}" <<'PY'
import sys, zipfile
wheel, version, dist, out, *names = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive:
    for name in names:
        archive.extract(f"{dist}/{name}", out)
    archive.extract(f"swagger_ui_bundle-{version}.dist-info/LICENSE", out)
PY
  for file in "${files[@]}"; do
    install -m 0644 "$work/dist/$dist/$file" "$target/$file"
  done
  install -m 0644 "$work/dist/swagger_ui_bundle-$wheel_version.dist-info/LICENSE" "$target/LICENSE"
  rm -f "$target"/.swagger-ui-bundle-*
  touch "$stamp"
  echo "Swagger UI (swagger-ui-bundle $wheel_version) downloaded for $target"
}

mkdir -p "$target"
if [ ! -f "$stamp" ]; then
  fetch
fi
# Ours are copied every time (cheap, so an edit always lands) and last: index.html is the
# appliance's sign that Swagger UI is installed, so it must not appear before the rest.
install -m 0644 "$root/scripts/swagger-ui/swagger-initializer.js" "$root/scripts/swagger-ui/index.html" "$target/"
