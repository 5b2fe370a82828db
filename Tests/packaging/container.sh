# Boots a Debian root with systemd as its init, for the package tests (source this file):
#   container_start ROOT [NETNS]   boot ROOT (in the named network namespace NETNS, else a
#                                  private one); returns once systemd has finished starting
#   container_run COMMAND...       run COMMAND inside, as root, with a clean environment
#   container_stop                 power it off and wait (bounded)
# systemd-nspawn runs it without machined or a host systemd (--register=no --keep-unit);
# nothing of the host is copied in (resolv.conf, timezone) so the root's files stay its own.

container_nspawn=""
container_leader=""

container_start() {
    local root="$1" netns="${2:-}" network=(--private-network) state=""
    [ -n "$netns" ] && network=(--network-namespace-path="/run/netns/$netns")
    systemd-nspawn --quiet --directory="$root" --boot --register=no --keep-unit "${network[@]}" \
        --resolv-conf=off --timezone=off --link-journal=no --console=pipe --machine=notrack-test \
        </dev/null >"$root.console.log" 2>&1 &
    container_nspawn=$!
    for _ in $(seq 1 150); do
        container_leader="$(ps --ppid "$container_nspawn" -o pid= | tr -d ' ' | head -n 1)"
        if [ -n "$container_leader" ]; then
            state="$(container_run systemctl is-system-running 2>/dev/null || true)"
            case "$state" in running | degraded) return 0 ;; esac
        fi
        kill -0 "$container_nspawn" 2>/dev/null || break
        sleep 0.2
    done
    cat "$root.console.log" >&2
    echo "container: systemd did not finish starting (state '$state')" >&2
    return 1
}

container_run() {
    timeout 300 nsenter --target "$container_leader" --mount --uts --ipc --net --pid --root --wd=/ \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

container_stop() {
    [ -n "$container_nspawn" ] || return 0
    if kill -0 "$container_nspawn" 2>/dev/null; then
        container_run systemctl --no-block poweroff >/dev/null 2>&1 || true
        for _ in $(seq 1 100); do kill -0 "$container_nspawn" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$container_nspawn" 2>/dev/null || true
    fi
    wait "$container_nspawn" 2>/dev/null || true
    container_nspawn=""
    container_leader=""
}
