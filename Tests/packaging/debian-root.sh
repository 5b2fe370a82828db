#!/usr/bin/env bash
# Makes a fresh Debian bookworm root for the package tests:
#   Tests/packaging/debian-root.sh TARGET [PACKAGE...]
# A minimal system (debootstrap minbase) plus the PACKAGEs, booted once with
# systemd-nspawn when systemd is among them, so that a later boot adds no files of its own.
# The first run builds it from deb.debian.org and keeps it, with apt's package lists, as
# .build-deb/bookworm-<packages>.tar; later runs only unpack it (seconds). The cache is
# rebuilt when it is a week old, so its lists stay current. Root only.
set -euo pipefail

target="${1:?usage: $0 TARGET [PACKAGE...]}"
shift
packages=("$@")
root_dir="$(cd "$(dirname "$0")/../.." && pwd)"
name="$(IFS=,; echo "minbase${packages[*]:+,${packages[*]}}" | sha256sum | cut -c1-12)"
cache="$root_dir/.build-deb/bookworm-$name.tar"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [ -z "$(find "$cache" -mtime -7 2>/dev/null)" ]; then
    "$root_dir/scripts/apt-install-missing.sh" debootstrap systemd-container
    mkdir -p "$root_dir/.build-deb"
    work="$(mktemp -d "$root_dir/.build-deb/debootstrap.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    echo "debian-root: debootstrap bookworm minbase ${packages[*]} (cached as $cache)"
    include=()
    [ ${#packages[@]} -eq 0 ] || include=("--include=$(IFS=,; echo "${packages[*]}")")
    debootstrap --variant=minbase "${include[@]}" bookworm "$work/root" "$mirror" >"$work/log" 2>&1 \
        || { tail -n 30 "$work/log"; exit 1; }
    chroot "$work/root" apt-get update -q >/dev/null
    if [ -x "$work/root/lib/systemd/systemd" ]; then
        # shellcheck source=Tests/packaging/container.sh
        . "$(dirname "$0")/container.sh"
        container_start "$work/root"
        container_stop
        rm -f "$work/root.console.log"
    fi
    tar -C "$work/root" -cf "$cache.new" .
    mv "$cache.new" "$cache"
fi

mkdir -p "$target"
tar -C "$target" -xf "$cache"
