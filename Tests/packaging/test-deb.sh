#!/usr/bin/env bash
# The Debian package end to end (scripts/test.sh runs it; root, or it asks sudo):
#  1. packaging/build-deb.sh builds dist/notrack_<version>_<arch>.deb: a stripped release
#     binary with the Swift runtime linked statically, Depends from dpkg-shlibdeps;
#  2. lintian reports no error (its warnings are printed); systemd-analyze accepts the unit
#     and `security --offline=true` rates it 2.0 or lower;
#  3. packaging/apt-repo.sh publishes it in a signed flat repository, and apt installs it
#     from there (file://) into a fresh Debian bookworm root (Tests/packaging/debian-root.sh:
#     minbase with systemd and ufw) used as a chroot, where systemd does not run. There:
#     user, files, modes, conffiles, secret, ufw profile; `notrack version` and
#     `notrack check-config` as the notrack user; the privileged-ports generator (and the
#     exposure with its drop-in); `notrack serve` started as the unit starts it, in a network
#     namespace of this test with one private address: /health/live, /api-docs, a STUN
#     Binding, and a start-up log naming its files, URLs and advertised address;
#  4. the same root booted with systemd (systemd-nspawn, same network namespace): the
#     service was enabled and starts, runs as notrack with no capability under seccomp; an
#     upgrade through the repository restarts it and keeps the edited configuration, the
#     secret and the accounts; http.port 443 gets CAP_NET_BIND_SERVICE after daemon-reload
#     and loses it again; dpkg -r stops it; installing again starts it;
#  5. back in the chroot: dpkg -r keeps configuration, secret, data and user; dpkg -P removes
#     them but the user, who owns nothing; after autoremove the root holds exactly the paths
#     it held before the install.
# NOTRACK_DEB=path skips the build and tests that package.
set -euo pipefail

root_dir="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root_dir"
# debootstrap, chroot, systemd-nspawn and network namespaces need root.
[ "$(id -u)" -eq 0 ] || exec sudo --preserve-env=NOTRACK_DEB,PATH "$0" "$@"
scripts/apt-install-missing.sh lintian gnupg apt-utils debootstrap systemd systemd-container iproute2 curl python3 binutils
# shellcheck source=Tests/packaging/container.sh
. Tests/packaging/container.sh

started=$(date +%s)
phase() { echo "== test-deb [$(($(date +%s) - started)) s] $*"; }
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }

mkdir -p .build-deb
work="$(mktemp -d "$root_dir/.build-deb/test.XXXXXX")"
root="$work/root"
netns="notrack-pkg-$$"
appliance=""
cleanup() {
    if [ -n "$appliance" ] && kill -0 "$appliance" 2>/dev/null; then kill -9 "$appliance" || true; fi
    container_stop
    if mountpoint -q "$root/proc"; then umount -l "$root/proc"; fi
    ip netns del "$netns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# --- 1. build -----------------------------------------------------------------------------
if [ -n "${NOTRACK_DEB:-}" ]; then
    deb="$(realpath "$NOTRACK_DEB")"
else
    phase "building the package (packaging/build-deb.sh)"
    packaging/build-deb.sh >"$work/build.log" 2>&1 || { tail -n 60 "$work/build.log"; fail "packaging/build-deb.sh"; }
    grep '^build-deb: ' "$work/build.log" || true
    deb="$(tail -n 1 "$work/build.log")"
fi
version="$(dpkg-deb -f "$deb" Version)"
upstream="${version%-*}"
phase "testing $deb"
dpkg-deb -x "$deb" "$work/extract"
binary="$work/extract/usr/bin/notrack"
needed="$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
echo "NEEDED: $needed"
echo "Depends: $(dpkg-deb -f "$deb" Depends)"
case "$needed" in *swift* | *Foundation* | *dispatch* | *BlocksRuntime*) fail "the Swift runtime is linked dynamically: $needed" ;; esac
if readelf -S "$binary" | grep -Eq '\.symtab|\.debug_'; then fail "the binary is not stripped"; fi
grep -q 'libsqlite3-0' <<<"$(dpkg-deb -f "$deb" Depends)" || fail "Depends lacks libsqlite3-0 (dpkg-shlibdeps)"
echo "binary: $(stat -c %s "$binary") bytes; package: $(stat -c %s "$deb") bytes"

# --- 2. lintian, systemd-analyze ------------------------------------------------------------
phase "lintian"
lintian_status=0
lintian --fail-on error "$deb" >"$work/lintian.log" 2>&1 || lintian_status=$?
grep -v 'running with root privileges' "$work/lintian.log" || true
[ "$lintian_status" -eq 0 ] && ! grep -q '^E:' "$work/lintian.log" || fail "lintian reports errors"

phase "systemd-analyze verify, security --offline=true"
exposure() {
    local score
    score="$(systemd-analyze security --offline=true "$1" 2>&1 | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')"
    [ -n "$score" ] || fail "systemd-analyze gave no exposure level for $1"
    awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "$1: exposure $score is above 2.0"
    echo "$score"
}
unit="$work/extract/lib/systemd/system/notrack.service"
# verify knows neither the notrack binary nor the user on this host: those lines are expected.
{ systemd-analyze verify --man=no "$unit" 2>&1 || true; } | { grep -v '/usr/bin/notrack' || true; } >"$work/verify.log"
if [ -s "$work/verify.log" ]; then cat "$work/verify.log"; fail "systemd-analyze verify complains about notrack.service"; fi
score="$(exposure "$unit")"
echo "notrack.service exposure: $score"

# --- 3. chroot: install from the repository, run as the unit would -----------------------------
phase "fresh bookworm root"
Tests/packaging/debian-root.sh "$root" systemd ufw
# As on any running system: the Swift runtime reads its arguments from /proc/self/cmdline.
mount -t proc proc "$root/proc"
in_root() { timeout 300 chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
as_notrack() { in_root setpriv --reuid=notrack --regid=notrack --init-groups "$@"; }
# The root's paths, without what apt, dpkg and the logs keep for themselves and without this
# test's repository.
snapshot() {
    in_root find / -xdev \( -path /proc -o -path /dev -o -path /sys -o -path /run -o -path /tmp -o -path /srv/notrack \
        -o -path /var/lib/apt -o -path /var/cache -o -path /var/log -o -path /var/lib/dpkg \) -prune -o -print | sort
}
expect_stat() { # PATH "MODE OWNER GROUP"
    local got
    got="$(in_root stat -c '%a %U %G' "$1")" || fail "$1 is missing"
    [ "$got" = "$2" ] || fail "$1 is '$got', expected '$2'"
}

# The network the appliance sees: loopback and one private address with a default route, as
# on a small office's box. Nothing leaves this namespace.
ip netns add "$netns"
in_netns() { ip netns exec "$netns" "$@"; }
in_netns ip link set lo up
in_netns ip link add veth-box type veth peer name veth-gw
in_netns ip addr add 10.203.0.2/24 dev veth-box
in_netns ip link set veth-box up
in_netns ip link set veth-gw up
in_netns ip route add default via 10.203.0.1 dev veth-box
health() { in_netns curl -fsS --max-time 2 "http://127.0.0.1:${1:-3000}/health/live"; }
wait_health() { # PORT: /health/live answers within 30 s
    for _ in $(seq 1 150); do health "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
    return 1
}

phase "signed flat repository (packaging/apt-repo.sh), apt install notrack"
export GNUPGHOME="$work/gnupg"
mkdir -m 0700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "NoTrack test archive <archive@notrack.test>" ed25519 sign never
key="$(gpg --batch --with-colons --list-keys archive@notrack.test 2>/dev/null | awk -F: '/^fpr/ && !key { key = $10 } END { print key }')"
repo="$root/srv/notrack"
packaging/apt-repo.sh --sign "$key" "$repo" "$deb"
install -m 0644 "$repo/notrack-archive.gpg" "$root/usr/share/keyrings/notrack-archive.gpg"
echo "deb [signed-by=/usr/share/keyrings/notrack-archive.gpg] file:/srv/notrack ./" >"$root/etc/apt/sources.list.d/notrack.list"
snapshot >"$work/before"
in_root apt-get update -q >"$work/apt.log" 2>&1 \
    && in_root apt-get install -y -q --no-install-recommends notrack >>"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log"; fail "apt-get install notrack"; }
grep -E '^(Get:|Setting up)' "$work/apt.log" | sed 's/^/  /'

phase "installed files, user, secret, ufw profile"
[ "$(in_root dpkg-query -W -f='${Status} ${Version}' notrack)" = "install ok installed $version" ] || fail "notrack is not installed"
IFS=: read -r _ _ uid _ _ home shell <<<"$(in_root getent passwd notrack)"
[ "$uid" -lt 1000 ] && [ "$home" = /var/lib/notrack ] && [ "$shell" = /usr/sbin/nologin ] \
    || fail "notrack user: uid $uid, home $home, shell $shell"
expect_stat /etc/notrack/secret "640 root notrack"
[ "$(tr -d '\n' <"$root/etc/notrack/secret" | wc -c)" -ge 32 ] || fail "the secret is shorter than 32 bytes"
expect_stat /var/lib/notrack "750 notrack notrack"
expect_stat /etc/notrack/notrack.yaml "644 root root"
cmp -s "$root/etc/notrack/notrack.yaml" etc/notrack.yaml || fail "/etc/notrack/notrack.yaml differs from etc/notrack.yaml"
conffiles="$(in_root dpkg-query -W -f='${Conffiles}\n' notrack)"
for conffile in /etc/notrack/notrack.yaml /etc/ufw/applications.d/notrack; do
    grep -q "^ $conffile " <<<"$conffiles" || fail "$conffile is not a conffile"
done
for file in /usr/share/notrack/swagger-ui/index.html /usr/share/notrack/swagger-ui/swagger-ui-bundle.js \
    /usr/share/man/man1/notrack.1.gz /lib/systemd/system-generators/notrack-generator; do
    [ -f "$root$file" ] || fail "$file is missing"
done
[ "$(readlink "$root/etc/systemd/system/multi-user.target.wants/notrack.service")" = /lib/systemd/system/notrack.service ] \
    || fail "notrack.service is not enabled"
[ "$(in_root notrack version)" = "notrack $upstream" ] || fail "notrack version is not $upstream"
in_root ufw app info notrack >"$work/ufw.log" || { cat "$work/ufw.log"; fail "ufw app info notrack"; }
sed 's/^/  /' "$work/ufw.log"
grep -q '49152:65535/udp' "$work/ufw.log" || fail "ufw does not read the relay port range from the notrack profile"

phase "check-config as notrack, the privileged-ports generator"
in_netns chroot "$root" setpriv --reuid=notrack --regid=notrack --init-groups notrack check-config \
    >"$work/check.log" 2>&1 || { cat "$work/check.log"; fail "notrack check-config as the notrack user"; }
grep -E '^(http.port|relay.port|relay.publicAddress|warning|# configuration)' "$work/check.log" | sed 's/^/  /'
grep -q 'relay.publicAddress .*10.203.0.2 .*# detected' "$work/check.log" || fail "check-config does not show the detected relay address"
dropin="$root/run/generator/notrack.service.d/50-privileged-ports.conf"
generate() { rm -rf "$root/run/generator" && in_root /lib/systemd/system-generators/notrack-generator /run/generator /run/generator.early /run/generator.late; }
generate
[ ! -e "$dropin" ] || fail "the generator grants a capability for ports 3000 and 3478"
# A chroot cannot create user namespaces: there the generator turns PrivateUsers off.
no_userns() { # ROOT-RELATIVE GENERATOR DIRECTORY
    echo "$1/notrack.service.d/40-no-user-namespaces.conf"
}
if in_root unshare --user true 2>/dev/null; then
    [ ! -e "$root$(no_userns /run/generator)" ] || fail "the generator turns PrivateUsers off where user namespaces work"
else
    grep -q '^PrivateUsers=no$' "$root$(no_userns /run/generator)" \
        || fail "the generator does not turn PrivateUsers off in a chroot, where user namespaces cannot be made"
    echo "  no user namespaces in the chroot: the generator turns PrivateUsers off"
fi
cp -p "$root/etc/notrack/notrack.yaml" "$work/notrack.yaml"
sed -i 's/^  port: 3000$/  port: 443/' "$root/etc/notrack/notrack.yaml"
generate
cp -p "$work/notrack.yaml" "$root/etc/notrack/notrack.yaml"
grep -q '^AmbientCapabilities=CAP_NET_BIND_SERVICE$' "$dropin" && grep -q '^CapabilityBoundingSet=CAP_NET_BIND_SERVICE$' "$dropin" \
    && grep -q 'http.port=443' "$dropin" || fail "the generator does not grant CAP_NET_BIND_SERVICE for http.port 443"
mkdir -p "$work/analyze/notrack.service.d"
cp "$unit" "$work/analyze/"
cp "$dropin" "$work/analyze/notrack.service.d/"
privileged_score="$(exposure "$work/analyze/notrack.service")"
echo "notrack.service exposure with the CAP_NET_BIND_SERVICE drop-in: $privileged_score"

phase "notrack serve as the unit runs it (user notrack, packaged configuration)"
# Not through a shell function: $! must be notrack itself (each command here execs the next).
ip netns exec "$netns" chroot "$root" env -i PATH=/usr/bin:/bin sh -c \
    'cd /var/lib/notrack && exec setpriv --reuid=notrack --regid=notrack --init-groups --no-new-privs notrack serve' \
    2>"$work/serve.log" &
appliance=$!
wait_health 3000 || { cat "$work/serve.log"; fail "/health/live does not answer"; }
in_netns curl -fsS --max-time 2 http://10.203.0.2:3000/health/live >/dev/null || fail "/health/live does not answer on 10.203.0.2"
grep -q swagger-ui <<<"$(in_netns curl -fsS --max-time 2 http://127.0.0.1:3000/api-docs)" || fail "/api-docs does not serve Swagger UI"
in_netns python3 - <<'PY' || fail "no STUN Binding success response from 127.0.0.1:3478"
import os, socket
request = bytes.fromhex("000100002112a442") + os.urandom(12)
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.settimeout(3)
    s.sendto(request, ("127.0.0.1", 3478))
    response, _ = s.recvfrom(2048)
assert response[:2] == b"\x01\x01" and response[8:20] == request[8:20], response.hex()
print("  STUN Binding success from 127.0.0.1:3478/udp")
PY
python3 - "$work/serve.log" <<'PY' || { cat "$work/serve.log"; fail "the start-up log does not say where the files are and what is served"; }
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
start = next(l for l in lines if l["msg"] == "starting notrack")
http = next(l for l in lines if l["msg"] == "http listening")
warning = next(l for l in lines if l["msg"] == "configuration warning")
expected = {"config": "/etc/notrack/notrack.yaml", "data_dir": "/var/lib/notrack", "secret": "file /etc/notrack/secret",
            "http": "0.0.0.0:3000", "relay": "0.0.0.0:3478", "relay_advertised": "10.203.0.2", "relay_ports": "49152-65535/udp"}
for key, value in expected.items():
    assert start.get(key) == value, (key, start.get(key))
assert http["api_docs"] == "http://10.203.0.2:3000/api-docs", http
assert "http://127.0.0.1:3000" in http["reach"].split(), http
assert warning["key"] == "relay.publicAddress" and "10.203.0.2" in warning["problem"], warning
for line in (start, http, warning):
    print("  " + " ".join(f"{k}={v}" for k, v in line.items() if k not in ("time", "level")))
PY
echo 'Upgrade-Safe-Passw0rd' | as_notrack notrack users add admin@example.com --password-stdin | sed 's/^/  /'
kill -TERM "$appliance"
for _ in $(seq 1 75); do kill -0 "$appliance" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$appliance" 2>/dev/null; then fail "notrack did not stop within 15 s of SIGTERM"; fi
wait "$appliance" || fail "notrack exited with status $? after SIGTERM"
appliance=""
umount "$root/proc"

# --- 4. the same root under systemd ---------------------------------------------------------
phase "boot with systemd: the enabled service starts"
container_start "$root" "$netns"
service_pid() { container_run systemctl show -p MainPID --value notrack.service; }
status_of() { # PID FIELD: a line of /proc/PID/status inside the container
    container_run sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"
}
wait_active() {
    for _ in $(seq 1 150); do
        [ "$(container_run systemctl is-active notrack.service || true)" = active ] && wait_health "$1" && return 0
        sleep 0.2
    done
    container_run systemctl status --no-pager notrack.service || true
    container_run journalctl --no-pager -u notrack.service | tail -n 30
    return 1
}
wait_active 3000 || fail "notrack.service did not start at boot"
# The generator tried what the service needs, as a child of the container's systemd (a
# test from outside, through nsenter, could see another answer).
if container_run test -e "$(no_userns /run/systemd/generator)"; then
    echo "  this container cannot create user namespaces: notrack.service runs with PrivateUsers=no (notrack-generator)"
fi
pid="$(service_pid)"
[ "$(status_of "$pid" Uid | awk '{ print $1 }')" = "$uid" ] || fail "the service does not run as notrack"
[ "$(status_of "$pid" CapBnd)" = 0000000000000000 ] || fail "the service holds capabilities: CapBnd $(status_of "$pid" CapBnd)"
[ "$(status_of "$pid" NoNewPrivs)" = 1 ] && [ "$(status_of "$pid" Seccomp)" = 2 ] || fail "the service is not under NoNewPrivileges and a seccomp filter"
echo "  notrack.service: pid $pid, uid $uid, CapBnd 0, NoNewPrivs 1, Seccomp 2"
container_run journalctl --no-pager -o cat -u notrack.service >"$work/journal.log"
grep -E '"msg":"(starting notrack|http listening)"' "$work/journal.log" | cut -c1-240 | sed 's/^/  /'

phase "upgrade through the repository, under systemd"
secret_sum="$(sha256sum <"$root/etc/notrack/secret")"
echo "# edited by the administrator" >>"$root/etc/notrack/notrack.yaml"
dpkg-deb -R "$deb" "$work/next"
sed -i "s/^Version: .*/Version: $version+upgrade1/" "$work/next/DEBIAN/control"
dpkg-deb --root-owner-group -Znone -b "$work/next" "$work/notrack_${version}+upgrade1_$(dpkg-deb -f "$deb" Architecture).deb" >/dev/null
packaging/apt-repo.sh --sign "$key" "$repo" "$work/notrack_${version}+upgrade1_"*.deb
# Only the local repository: this network namespace reaches no mirror.
only_local=(-o Dir::Etc::sourcelist=sources.list.d/notrack.list -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0)
container_run apt-get "${only_local[@]}" update -q >"$work/apt.log" 2>&1 \
    && container_run apt-get "${only_local[@]}" install -y -q notrack >>"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log"; fail "apt upgrade"; }
[ "$(in_root dpkg-query -W -f='${Version}' notrack)" = "$version+upgrade1" ] || fail "the upgrade did not happen"
wait_active 3000 || fail "notrack.service is not running after the upgrade"
[ "$(service_pid)" != "$pid" ] || fail "the upgrade did not restart notrack.service"
[ "$(sha256sum <"$root/etc/notrack/secret")" = "$secret_sum" ] || fail "the upgrade changed the secret"
expect_stat /etc/notrack/secret "640 root notrack"
grep -q '^# edited by the administrator$' "$root/etc/notrack/notrack.yaml" || fail "the upgrade lost the configuration edit"
grep -q 'admin@example.com' <<<"$(container_run setpriv --reuid=notrack --regid=notrack --init-groups notrack users list)" \
    || fail "the upgrade lost the accounts"

phase "http.port 443: CAP_NET_BIND_SERVICE after daemon-reload, gone again after 3000"
sed -i 's/^  port: 3000$/  port: 443/' "$root/etc/notrack/notrack.yaml"
container_run systemctl daemon-reload
container_run systemctl restart notrack.service
wait_active 443 || fail "notrack.service does not serve on port 443"
pid="$(service_pid)"
[ "$(status_of "$pid" CapBnd)" = 0000000000000400 ] && [ "$(status_of "$pid" CapAmb)" = 0000000000000400 ] \
    || fail "on port 443 CapBnd is $(status_of "$pid" CapBnd), CapAmb $(status_of "$pid" CapAmb)"
echo "  port 443: CapBnd and CapAmb = CAP_NET_BIND_SERVICE only"
sed -i 's/^  port: 443$/  port: 3000/' "$root/etc/notrack/notrack.yaml"
container_run systemctl daemon-reload
container_run systemctl restart notrack.service
wait_active 3000 || fail "notrack.service does not serve on port 3000 again"
[ "$(status_of "$(service_pid)" CapBnd)" = 0000000000000000 ] || fail "back on port 3000 the service keeps its capability"

phase "dpkg -r stops the service; installing again starts it"
container_run dpkg -r notrack >/dev/null
[ "$(container_run systemctl is-active notrack.service || true)" != active ] || fail "dpkg -r left notrack.service running"
if health 3000 >/dev/null 2>&1; then fail "something still answers on port 3000 after dpkg -r"; fi
container_run apt-get "${only_local[@]}" install -y -q notrack >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt install again"; }
wait_active 3000 || fail "installing again did not start notrack.service"
container_stop

# --- 5. chroot: remove, purge ------------------------------------------------------------
phase "dpkg -r"
mount -t proc proc "$root/proc"
in_root dpkg -r notrack >/dev/null
[ "$(in_root dpkg-query -W -f='${Status}' notrack)" = "deinstall ok config-files" ] || fail "notrack is not in config-files state"
for gone in /usr/bin/notrack /lib/systemd/system/notrack.service /lib/systemd/system-generators/notrack-generator /usr/share/notrack; do
    [ ! -e "$root$gone" ] || fail "dpkg -r left $gone"
done
for kept in /etc/notrack/notrack.yaml /etc/notrack/secret /etc/ufw/applications.d/notrack; do
    [ -f "$root$kept" ] || fail "dpkg -r removed $kept"
done
[ -n "$(ls -A "$root/var/lib/notrack")" ] || fail "dpkg -r removed the data in /var/lib/notrack"
in_root getent passwd notrack >/dev/null || fail "dpkg -r removed the notrack user"

phase "dpkg -P, apt-get autoremove"
in_root dpkg -P notrack >/dev/null
status="$(in_root dpkg-query -W -f='${Status}' notrack 2>/dev/null || true)"
[ -z "$status" ] || [ "$status" = "unknown ok not-installed" ] || fail "dpkg -P left notrack as '$status'"
for gone in /etc/notrack /var/lib/notrack /etc/ufw/applications.d/notrack /etc/systemd/system/multi-user.target.wants/notrack.service; do
    [ ! -e "$root$gone" ] && [ ! -L "$root$gone" ] || fail "dpkg -P left $gone"
done
in_root getent passwd notrack >/dev/null || fail "dpkg -P removed the notrack user (Debian keeps system users)"
owned="$(in_root find / -xdev \( -path /proc -o -path /sys -o -path /dev \) -prune -o \( -user notrack -o -group notrack \) -print)"
[ -z "$owned" ] || fail "files owned by notrack remain: $owned"
in_root apt-get autoremove --purge -y -q >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get autoremove"; }
snapshot >"$work/after"
diff -u "$work/before" "$work/after" || fail "install, purge and autoremove changed the root's paths (above)"

phase "passed: $deb (exposure $score; $privileged_score with CAP_NET_BIND_SERVICE)"
