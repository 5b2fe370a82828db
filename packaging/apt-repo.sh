#!/usr/bin/env bash
# Turns built .deb files into a flat apt repository that an office serves from any web
# server (or a file share):
#
#   packaging/apt-repo.sh [--sign KEY-ID] REPO-DIR DEB...
#
# REPO-DIR receives the .debs, Packages(.gz) and Release; with --sign, also InRelease and
# Release.gpg, signed with that gpg key (its public half is exported as notrack-archive.gpg).
# Adding packages later: run it again with the new .debs; those already there stay.
#
# Clients (see docs/packaging.md):
#   signed:   deb [signed-by=/usr/share/keyrings/notrack-archive.gpg] http://mirror.example/notrack ./
#   unsigned: deb [trusted=yes] http://mirror.example/notrack ./
# then `apt update && apt install notrack`.
set -euo pipefail

key=""
if [ "${1:-}" = "--sign" ]; then
    key="${2:?--sign needs a gpg key id}"
    shift 2
fi
if [ $# -lt 2 ]; then
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
fi
repo="$1"
shift

"$(dirname "$0")/../scripts/apt-install-missing.sh" apt-utils
mkdir -p "$repo"
for deb in "$@"; do
    dpkg-deb --info "$deb" >/dev/null || { echo "apt-repo: $deb is not a Debian package" >&2; exit 1; }
    cp "$deb" "$repo/"
done

cd "$repo"
rm -f InRelease Release.gpg
apt-ftparchive packages . >Packages
gzip -9 -n -k -f Packages
apt-ftparchive \
    -o APT::FTPArchive::Release::Origin=NoTrack \
    -o APT::FTPArchive::Release::Label=NoTrack \
    -o APT::FTPArchive::Release::Description="NoTrack appliance packages" \
    release . >Release.new
mv Release.new Release
if [ -n "$key" ]; then
    gpg --batch --yes --local-user "$key" --clearsign --output InRelease Release
    gpg --batch --yes --local-user "$key" --armor --detach-sign --output Release.gpg Release
    gpg --batch --yes --export "$key" >notrack-archive.gpg
fi
echo "apt-repo: $(grep -c '^Package:' Packages) package(s) in $(pwd)"
