#!/usr/bin/env bash
# Builds the Debian package from this checkout:  packaging/build-deb.sh
# Result: dist/notrack_<version>_<arch>.deb (its path is the last line printed).
#
# Installs its Debian build dependencies when missing (root or sudo). The Swift toolchain
# is not a Debian package: `swift` must be on PATH or in /opt/swift/usr/bin.
#
# The package is built in .build-deb/notrack: a copy of the checkout without what
# .gitignore ignores, with packaging/debian as debian/. The copy keeps its .build between
# runs, so a rebuild compiles only what changed. Package.resolved, when present, is copied
# too, so the package is built from the dependency versions the tests ran with.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/apt-install-missing.sh" build-essential debhelper dpkg-dev rsync help2man libsqlite3-dev python3 python3-pip

if ! command -v swift >/dev/null; then
    if [ ! -x /opt/swift/usr/bin/swift ]; then
        echo "build-deb: no Swift toolchain; put swift on PATH or install it in /opt/swift (https://www.swift.org/install/linux/)" >&2
        exit 1
    fi
    export PATH="/opt/swift/usr/bin:$PATH"
fi

stage="$root/.build-deb/notrack"
mkdir -p "$stage"
# Ignored paths are excluded, which also keeps the copy's own .build from being deleted.
rsync -a --delete --exclude=/.git --exclude=/debian --filter=':- .gitignore' "$root/" "$stage/"
rsync -a --delete "$root/packaging/debian/" "$stage/debian/"
if [ -f "$root/Package.resolved" ]; then
    cp -p "$root/Package.resolved" "$stage/Package.resolved"
fi

started=$(date +%s)
(cd "$stage" && dpkg-buildpackage --build=binary --no-sign)
echo "build-deb: dpkg-buildpackage took $(($(date +%s) - started)) s"

version="$(dpkg-parsechangelog -l "$stage/debian/changelog" -S Version)"
deb="notrack_${version}_$(dpkg-architecture -q DEB_HOST_ARCH).deb"
mkdir -p "$root/dist"
mv "$root/.build-deb/$deb" "$root/dist/$deb"
rm -f "$root/.build-deb/notrack_${version}_"*.{buildinfo,changes}
echo "$root/dist/$deb"
