#!/usr/bin/env bash
# test/engine/engine-up.sh — bring up the real build engine the engine tests use (`npm run engine:up`).
#
# What runs (nothing is installed over the system's own docker; sid binaries live under $PREFIX):
#   - Debian sid dockerd 28 + containerd 2 with the containerd image store (needed for
#     multi-platform builds and cache export with buildx's `docker` driver), and sid docker-buildx
#     0.29. They come from a PRIVATE sid apt config (own sources.list and lists dir), are unpacked
#     with dpkg-deb -x into $PREFIX, and never touch the system's dpkg database.
#   - Debian bookworm runc, tini (tini-static as docker-init), qemu-user-static + binfmt-support, docker-registry
#     (distribution 2.8), iptables: installed with apt-get (they are host packages).
#     sid runc is NOT used: it needs glibc 2.38 and bookworm has 2.36.
#   - QEMU binfmt for arm64 (and arm) registered with the F (fix-binary) flag, so linux/arm64
#     build steps and `docker run --platform linux/arm64` work inside containers.
#   - A registry on 127.0.0.1:5000, which dockerd uses as its registry mirror: whatever is pushed
#     there as library/NAME or ORG/NAME is what `FROM NAME` / `FROM ORG/NAME` resolves to.
#     Docker Hub cannot be reached from this machine; the mirror is how Dockerfiles still resolve.
#   - A multi-arch (linux/amd64 + linux/arm64) busybox image made from Debian's busybox-static,
#     pushed as 127.0.0.1:5000/library/busybox:latest (so `FROM busybox` works).
#
# Idempotent: a re-run only starts what is not running and builds what is missing (about 1 s).
# Stop with test/engine/engine-down.sh.
#
# Exit status: 0 = engine up; 77 = this host cannot run the engine (not root, not Linux/amd64,
# no binfmt_misc, no Debian apt, another dockerd owns the socket, no Debian mirror reachable...):
# callers such as the engine tests treat 77 as "skip"; anything else = a real failure.
#
# Env knobs:
#   PREFIX=/opt/docker-sid                          binaries, config and logs
#   ENGINE_CACHE=/var/cache/muslrust-chef-engine     downloaded .debs and private apt lists
#   DOCKER_IPTABLES=true     false: --iptables=false --ip6tables=false (docker0 is kept: bridge
#                            "none" breaks every RUN with "network bridge not found")
#   STOP_OTHER_DOCKERD=0     1: stop a foreign dockerd that serves /var/run/docker.sock
#                            (by the PID in /var/run/docker.pid) instead of giving up
set -euo pipefail

P=${PREFIX:-/opt/docker-sid}
CACHE=${ENGINE_CACHE:-/var/cache/muslrust-chef-engine}
DOCKER_IPTABLES=${DOCKER_IPTABLES:-true}
STOP_OTHER_DOCKERD=${STOP_OTHER_DOCKERD:-0}
REG=127.0.0.1:5000
CRUN=/run/containerd-sid
DRUN=/run/docker-sid
RRUN=/run/registry-sid
CSOCK=$CRUN/containerd.sock
DSOCK=/var/run/docker.sock
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
SKIP=77

T0=${EPOCHREALTIME/,/.}
ts() { # elapsed-time log line
  local now=${EPOCHREALTIME/,/.}
  awk -v a="$T0" -v b="$now" -v m="$*" 'BEGIN { printf "[%6.2fs] %s\n", b - a, m }'
}
die() { echo "engine-up: ERROR: $*" >&2; exit 1; }
unsupported() { echo "engine-up: UNSUPPORTED HOST: $*" >&2; exit "$SKIP"; }
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
logtail() { echo "--- last lines of $1:" >&2; tail -n 20 "$1" >&2 || true; }

# ------------------------------------------------------------------ 0. can this host run it?
[ "$(uname -s)" = Linux ] || unsupported "needs Linux (this is $(uname -s))"
[ "$(id -u)" = 0 ] || unsupported "needs root (dockerd, binfmt_misc, iptables); run as root or skip the engine tests"
[ "$(uname -m)" = x86_64 ] || unsupported "needs an x86_64 host (arm64 runs under QEMU here); this is $(uname -m)"
if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then unsupported "needs Debian's apt-get and dpkg-deb"; fi
[ -r /etc/debian_version ] || unsupported "needs Debian (bookworm); no /etc/debian_version"
command -v flock >/dev/null || unsupported "needs flock (util-linux)"
export PATH=$P/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export DEBIAN_FRONTEND=noninteractive

# one engine-up/engine-down at a time (several test runs may call this concurrently); the daemons
# are started with fd 9 closed, or they would hold the lock for as long as they run
mkdir -p /run/lock
exec 9>/run/lock/muslrust-chef-engine.lock
flock -w 600 9 || die "timed out waiting for another engine-up/engine-down (lock /run/lock/muslrust-chef-engine.lock)"

if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
  grep -qw binfmt_misc /proc/filesystems || modprobe binfmt_misc 2>/dev/null || true
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
    unsupported "cannot mount binfmt_misc at /proc/sys/fs/binfmt_misc (kernel without it, or a container without privileges): arm64 cannot be emulated"
fi
[ -w /proc/sys/fs/binfmt_misc/register ] || unsupported "/proc/sys/fs/binfmt_misc/register is not writable"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
grep -qw overlay /proc/filesystems || unsupported "the kernel has no overlay filesystem (needed by containerd's snapshotter)"
ts "host ok: $(uname -r), $(nproc) CPUs"

# ------------------------------------------------------------------ 1. host packages (bookworm)
need=()
command -v runc >/dev/null || need+=(runc)
[ -x /usr/bin/tini-static ] || need+=(tini) # docker-init, as Debian's docker.io links it
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
command -v update-binfmts >/dev/null || need+=(binfmt-support)
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v iptables >/dev/null || need+=(iptables)
command -v curl >/dev/null || need+=(curl)
[ -r "$KEYRING" ] || need+=(debian-archive-keyring)
if [ ${#need[@]} -gt 0 ]; then
  # A fresh machine may have no package lists at all: update first when apt knows no candidate.
  if ! apt-cache policy "${need[0]}" 2>/dev/null | grep -q 'Candidate: [^(]'; then
    ts "apt-get update (no package lists yet)"
    apt-get update -q=2 </dev/null >/dev/null || unsupported "apt-get update failed: no Debian mirror reachable"
  fi
  ts "installing from bookworm: ${need[*]}"
  if ! apt-get install -y -q=2 --no-install-recommends "${need[@]}" </dev/null >/dev/null; then
    ts "apt-get install failed; retrying after apt-get update (stale package lists?)"
    apt-get update -q=2 </dev/null >/dev/null || unsupported "apt-get update failed: no Debian mirror reachable"
    apt-get install -y -q=2 --no-install-recommends "${need[@]}" </dev/null >/dev/null ||
      unsupported "apt-get install ${need[*]} failed"
  fi
fi
ts "host packages ok"

# ------------------------------------------------------------------ 2. sid .debs -> $PREFIX
SIDAPT=$CACHE/sid-apt
DEBS=$CACHE/sid-debs
sid_apt=(-o APT::Sandbox::User=root -o "Dir::Etc::sourcelist=$SIDAPT/sources.list" -o Dir::Etc::sourceparts=/dev/null
  -o "Dir::State::Lists=$SIDAPT/lists" -o "Dir::Cache=$SIDAPT/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
sid_pkgs=(docker.io containerd docker-buildx)
# the CLI: the machine's own docker (28.x) when present, else sid's docker-cli
if ! command -v docker >/dev/null || [ -x "$P/bin/docker" ]; then sid_pkgs+=(docker-cli); fi
have_debs() {
  local p
  for p in "${sid_pkgs[@]}"; do compgen -G "$DEBS/${p}_*.deb" >/dev/null || return 1; done
}
if ! have_debs; then
  mkdir -p "$SIDAPT/lists/partial" "$SIDAPT/cache" "$DEBS"
  echo "deb [signed-by=$KEYRING] http://deb.debian.org/debian sid main" >"$SIDAPT/sources.list"
  compgen -G "$SIDAPT/lists/*_Packages*" >/dev/null ||
    apt-get "${sid_apt[@]}" -q=2 update </dev/null >/dev/null || unsupported "apt-get update of Debian sid failed (private config in $SIDAPT)"
  (cd "$DEBS" && apt-get "${sid_apt[@]}" -q=2 download "${sid_pkgs[@]}" </dev/null >/dev/null) ||
    unsupported "downloading ${sid_pkgs[*]} from Debian sid failed"
  have_debs || die "sid .deb download did not produce ${sid_pkgs[*]} in $DEBS"
  ts "downloaded sid ${sid_pkgs[*]} into $DEBS"
fi
newest() { printf '%s\n' "$@" | sort -V | tail -n 1; } # newest of several downloaded versions
deb() { newest "$DEBS/${1}"_*.deb; }
ver() { dpkg-deb -f "$(deb "$1")" Version; }
dpkg --compare-versions "$(ver docker.io)" ge 28 || die "sid docker.io is $(ver docker.io); need >= 28"
dpkg --compare-versions "$(ver containerd)" ge 2 || die "sid containerd is $(ver containerd); need >= 2"
dpkg --compare-versions "$(ver docker-buildx)" ge 0.21 || die "sid docker-buildx is $(ver docker-buildx); need >= 0.21 (gha cache v2)"
stamp=$(for p in "${sid_pkgs[@]}"; do basename "$(deb "$p")"; done | md5sum | cut -c1-12)
if [ "$(cat "$P/.stamp" 2>/dev/null || true)" != "$stamp" ]; then
  if alive "$DRUN/dockerd.pid"; then die "dockerd from $P is running with other binaries; run test/engine/engine-down.sh first"; fi
  x=$(mktemp -d)
  for p in "${sid_pkgs[@]}"; do dpkg-deb -x "$(deb "$p")" "$x"; done
  mkdir -p "$P/bin" "$P/cli-plugins" "$P/etc" "$P/log"
  install -m755 "$x/usr/sbin/dockerd" "$x/usr/sbin/docker-proxy" \
    "$x/usr/bin/containerd" "$x/usr/bin/containerd-shim-runc-v2" "$x/usr/bin/ctr" "$P/bin/"
  install -m755 "$x/usr/libexec/docker/cli-plugins/docker-buildx" "$P/cli-plugins/"
  if [ -x "$x/usr/bin/docker" ]; then install -m755 "$x/usr/bin/docker" "$P/bin/"; fi
  rm -rf "$x"
  echo "$stamp" >"$P/.stamp"
  ts "installed sid binaries into $P"
fi
# sid builds against sid's glibc: fail clearly if a newer sid upload stops running on this host
for b in dockerd containerd; do
  "$P/bin/$b" --version >/dev/null 2>&1 || die "$P/bin/$b does not run on this host: $("$P/bin/$b" --version 2>&1 | head -n 2)"
done
"$P/cli-plugins/docker-buildx" version >/dev/null 2>&1 || die "$P/cli-plugins/docker-buildx does not run: $("$P/cli-plugins/docker-buildx" version 2>&1 | head -n 2)"
mkdir -p /usr/local/lib/docker/cli-plugins "$P/etc" "$P/log"
ln -sfn /usr/bin/tini-static "$P/bin/docker-init" # `docker run --init`; dockerd finds it on its PATH
ln -sfn "$P/cli-plugins/docker-buildx" /usr/local/lib/docker/cli-plugins/docker-buildx
if [ -x "$P/bin/docker" ] && { [ ! -e /usr/local/bin/docker ] || [ -L /usr/local/bin/docker ]; }; then
  ln -sfn "$P/bin/docker" /usr/local/bin/docker # sid's CLI, so `docker` is on every PATH (the action runs it)
fi

cat >"$P/etc/containerd.toml" <<EOF
version = 3
root = "/var/lib/containerd-sid"
state = "$CRUN"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images", "io.containerd.cri.v1.runtime"]
[grpc]
  address = "$CSOCK"
[ttrpc]
  address = "$CSOCK.ttrpc"
[debug]
  address = "$CRUN/debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$P/containerd-opt"
EOF
if [ "$DOCKER_IPTABLES" = true ]; then net='"iptables": true'; else net='"iptables": false, "ip6tables": false'; fi
cat >"$P/etc/daemon.json" <<EOF
{
  "data-root": "/var/lib/docker-sid",
  "exec-root": "$DRUN",
  "pidfile": "$DRUN/dockerd.pid",
  "hosts": ["unix://$DSOCK"],
  "containerd": "$CSOCK",
  "features": {"containerd-snapshotter": true},
  "insecure-registries": ["127.0.0.0/8"],
  "registry-mirrors": ["http://$REG"],
  $net
}
EOF
cat >"$P/etc/registry.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry-sid
  delete:
    enabled: true
http:
  addr: $REG
  headers:
    X-Content-Type-Options: [nosniff]
EOF

# ------------------------------------------------------------------ 3. QEMU binfmt with the F flag
# F (fix-binary) opens the interpreter at registration time, so it works inside containers.
for a in aarch64 arm; do
  e=/proc/sys/fs/binfmt_misc/qemu-$a
  if ! grep -q '^flags: .*F' "$e" 2>/dev/null || ! grep -qx enabled "$e" 2>/dev/null; then
    if [ -e "$e" ]; then echo -1 >"$e"; fi # drop an entry registered without F, then re-register
    update-binfmts --enable "qemu-$a" >/dev/null 2>&1 || update-binfmts --import "qemu-$a" >/dev/null 2>&1 || true
  fi
  grep -q '^flags: .*F' "$e" 2>/dev/null || unsupported "could not register binfmt qemu-$a with the F flag (see update-binfmts --display qemu-$a)"
done
ts "binfmt: qemu-aarch64, qemu-arm (flags $(sed -n 's/^flags: //p' /proc/sys/fs/binfmt_misc/qemu-aarch64))"

# ------------------------------------------------------------------ 4. containerd
mkdir -p "$CRUN" "$DRUN" "$RRUN"
if ! alive "$CRUN/containerd.pid"; then
  nohup "$P/bin/containerd" --config "$P/etc/containerd.toml" >>"$P/log/containerd.log" 2>&1 </dev/null 9>&- &
  echo $! >"$CRUN/containerd.pid"
  for _ in $(seq 1 150); do ctr -a "$CSOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
  ctr -a "$CSOCK" version >/dev/null 2>&1 || { logtail "$P/log/containerd.log"; die "containerd did not start"; }
  ts "containerd started (pid $(cat "$CRUN/containerd.pid"))"
fi

# ------------------------------------------------------------------ 5. dockerd (containerd image store)
if ! alive "$DRUN/dockerd.pid"; then
  if curl -s --max-time 2 --unix-socket "$DSOCK" http://d/_ping >/dev/null 2>&1; then
    other=$(cat /var/run/docker.pid 2>/dev/null || true)
    if [ "$STOP_OTHER_DOCKERD" != 1 ] || [ -z "$other" ]; then
      unsupported "another dockerd (pid ${other:-unknown}) serves $DSOCK; stop it or set STOP_OTHER_DOCKERD=1"
    fi
    kill "$other"
    for _ in $(seq 1 150); do kill -0 "$other" 2>/dev/null || break; sleep 0.2; done
    ts "stopped the other dockerd (pid $other)"
  fi
  nohup "$P/bin/dockerd" --config-file "$P/etc/daemon.json" >>"$P/log/dockerd.log" 2>&1 </dev/null 9>&- &
  for _ in $(seq 1 300); do docker version >/dev/null 2>&1 && break; sleep 0.1; done
  docker version >/dev/null 2>&1 || { logtail "$P/log/dockerd.log"; die "dockerd did not start"; }
  ts "dockerd started (pid $(cat "$DRUN/dockerd.pid"))"
fi
docker info --format '{{.DriverStatus}}' | grep -q 'io.containerd.snapshotter' ||
  die "dockerd is not using the containerd image store (multi-platform builds need it)"

# ------------------------------------------------------------------ 6. registry on 127.0.0.1:5000
if ! alive "$RRUN/registry.pid"; then
  if curl -s --max-time 2 "http://$REG/v2/" >/dev/null 2>&1; then
    die "something else already listens on $REG (not the registry started by this script)"
  fi
  mkdir -p /var/lib/registry-sid
  nohup docker-registry serve "$P/etc/registry.yml" >>"$P/log/registry.log" 2>&1 </dev/null 9>&- &
  echo $! >"$RRUN/registry.pid"
  for _ in $(seq 1 100); do curl -sf "http://$REG/v2/" >/dev/null && break; sleep 0.1; done
  curl -sf "http://$REG/v2/" >/dev/null || { logtail "$P/log/registry.log"; die "registry did not start"; }
  ts "registry started on $REG (pid $(cat "$RRUN/registry.pid"))"
fi

# ------------------------------------------------------------------ 7. multi-arch busybox base image
index_exists() { # repo tag -> 0 when the registry holds an image index (multi-arch) for it
  curl -sf -o /dev/null -H 'Accept: application/vnd.oci.image.index.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' "http://$REG/v2/$1/manifests/$2"
}
if ! index_exists library/busybox latest; then
  BWAPT=$CACHE/bookworm-multiarch-apt
  BWDEBS=$CACHE/bookworm-debs
  WORK=$CACHE/busybox-base
  bw_apt=(-o APT::Sandbox::User=root -o "Dir::Etc::sourcelist=$BWAPT/sources.list" -o Dir::Etc::sourceparts=/dev/null
    -o "Dir::State::Lists=$BWAPT/lists" -o "Dir::Cache=$BWAPT/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
    -o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
  mkdir -p "$BWAPT/lists/partial" "$BWAPT/cache" "$BWDEBS" "$WORK"
  echo "deb [arch=amd64,arm64 signed-by=$KEYRING] http://deb.debian.org/debian bookworm main" >"$BWAPT/sources.list"
  if ! compgen -G "$BWDEBS/busybox-static_*_amd64.deb" >/dev/null || ! compgen -G "$BWDEBS/busybox-static_*_arm64.deb" >/dev/null; then
    compgen -G "$BWAPT/lists/*arm64_Packages*" >/dev/null ||
      apt-get "${bw_apt[@]}" -q=2 update </dev/null >/dev/null || unsupported "apt-get update of bookworm amd64+arm64 failed"
    (cd "$BWDEBS" && apt-get "${bw_apt[@]}" -q=2 download busybox-static:amd64 busybox-static:arm64 </dev/null >/dev/null) ||
      unsupported "downloading busybox-static for amd64 and arm64 failed"
  fi
  for a in amd64 arm64; do
    r=$WORK/rootfs-$a x=$WORK/x-$a
    rm -rf "$r" "$x"
    mkdir -p "$r" "$x"
    dpkg-deb -x "$(newest "$BWDEBS"/busybox-static_*_"$a".deb)" "$x"
    mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,proc,sys,dev,var,home}
    chmod 1777 "$r/tmp"
    cp "$x/bin/busybox" "$r/bin/busybox"
    # applet list from the amd64 binary (same busybox version and config for both arches)
    for p in $("$WORK/x-amd64/bin/busybox" --list-full); do
      [ "$p" = bin/busybox ] || [ -e "$r/$p" ] || ln -s /bin/busybox "$r/$p"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
    tar --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -C "$r" -cf "$WORK/rootfs-$a.tar" .
    docker import --platform "linux/$a" -c 'CMD ["/bin/sh"]' "$WORK/rootfs-$a.tar" "$REG/base:$a" >/dev/null
    docker push -q "$REG/base:$a" >/dev/null
  done
  docker buildx imagetools create --progress=quiet -t "$REG/base:latest" -t "$REG/library/busybox:latest" "$REG/base:amd64" "$REG/base:arm64"
  index_exists library/busybox latest || die "pushing $REG/library/busybox:latest failed"
  ts "busybox base image pushed as $REG/library/busybox:latest (linux/amd64, linux/arm64)"
fi

# ------------------------------------------------------------------ 8. report
docker buildx use default >/dev/null 2>&1 || true
echo "---"
docker version --format 'engine {{.Server.Version}} (API {{.Server.APIVersion}}) | client {{.Client.Version}}'
docker buildx version
docker buildx inspect default | sed -n 's/^Platforms: */platforms: /p'
ts "engine up (registry mirror http://$REG)"
