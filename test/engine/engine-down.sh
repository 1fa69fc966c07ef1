#!/usr/bin/env bash
# test/engine/engine-down.sh — stop what test/engine/engine-up.sh started (`npm run engine:down`), by PID
# file only (dockerd, then containerd, then the registry). Never kills by process name.
# Idempotent: stopping an engine that is not running is a no-op.
#
# Data (images, the local registry's content, downloaded .debs) is kept unless PURGE=1, so the
# next engine-up is fast. Env knobs:
#   DISABLE_BINFMT=1   also disable the qemu-aarch64 / qemu-arm binfmt entries
#   CLEAN_NET=1        also delete the docker0 bridge and the DOCKER iptables chains dockerd left
#   PURGE=1            also delete /var/lib/{docker,containerd,registry}-sid, $PREFIX and
#                      $ENGINE_CACHE (the next engine-up is then a cold start)
set -uo pipefail

P=${PREFIX:-/opt/docker-sid}
CACHE=${ENGINE_CACHE:-/var/cache/muslrust-chef-engine}
export PATH=$P/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

[ "$(id -u)" = 0 ] || { echo "engine-down: ERROR: needs root" >&2; exit 1; }
mkdir -p /run/lock
exec 9>/run/lock/muslrust-chef-engine.lock
flock -w 600 9 || { echo "engine-down: ERROR: timed out waiting for the engine lock" >&2; exit 1; }

stop() { # name pidfile timeout_s
  local n=$1 f=$2 t=$3 pid
  [ -s "$f" ] || { echo "$n: not running (no pidfile)"; return 0; }
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 $((t * 5))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$n: pid $pid did not exit in ${t}s, sending KILL"
      kill -9 "$pid"
      sleep 0.5
    fi
    echo "$n: stopped pid $pid"
  else
    echo "$n: pid $pid not running"
  fi
  rm -f "$f"
}

# dockerd deletes its own pidfile when it exits: remember the pid first
if [ -s /run/docker-sid/dockerd.pid ]; then cp /run/docker-sid/dockerd.pid /run/docker-sid/dockerd.pid.down; fi
stop dockerd /run/docker-sid/dockerd.pid.down 60
stop containerd /run/containerd-sid/containerd.pid 30
stop registry /run/registry-sid/registry.pid 10

# shims outlive containerd only when it was killed hard: list them, never kill blindly
if pgrep -a -f 'containerd-shim-runc-v2 .*-address /run/containerd-sid/' 2>/dev/null; then
  echo "WARNING: containerd shims still running (above)"
fi
awk '$2 ~ "^/(run|var/lib)/(docker|containerd)-sid" {print $2}' /proc/self/mounts | sort -r |
  while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done

if [ "${DISABLE_BINFMT:-0}" = 1 ]; then
  for a in aarch64 arm; do
    if [ -e "/proc/sys/fs/binfmt_misc/qemu-$a" ]; then update-binfmts --disable "qemu-$a"; fi
  done
  echo "binfmt: qemu entries disabled"
fi

if [ "${CLEAN_NET:-0}" = 1 ]; then
  if ip link show docker0 >/dev/null 2>&1; then ip link del docker0 && echo "net: docker0 deleted"; fi
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null || continue
    for t in filter nat; do
      chains=$("$ipt" -t "$t" -S 2>/dev/null | awk '/^-N DOCKER/ {print $2}')
      [ -n "$chains" ] || continue
      "$ipt" -t "$t" -S 2>/dev/null | grep -E '^-A (INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING) .*-j DOCKER' | sed 's/^-A //' |
        while read -r rule; do
          read -r -a argv <<<"$rule"
          "$ipt" -t "$t" -D "${argv[@]}"
        done
      for c in $chains; do "$ipt" -t "$t" -F "$c"; done
      for c in $chains; do "$ipt" -t "$t" -X "$c"; done
    done
  done
  iptables -t nat -D POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE 2>/dev/null
  echo "net: Docker iptables chains removed"
fi

if [ "${PURGE:-0}" = 1 ]; then
  if [ "$(readlink /usr/local/bin/docker 2>/dev/null)" = "$P/bin/docker" ]; then rm -f /usr/local/bin/docker; fi
  if [ "$(readlink /usr/local/lib/docker/cli-plugins/docker-buildx 2>/dev/null)" = "$P/cli-plugins/docker-buildx" ]; then
    rm -f /usr/local/lib/docker/cli-plugins/docker-buildx
  fi
  rm -rf /var/lib/docker-sid /var/lib/containerd-sid /var/lib/registry-sid "$P" "$CACHE"
  echo "purged data, $P and $CACHE"
fi
echo "engine down"
