#!/usr/bin/env bash
# test/fresh-machine.sh — prove the README's `npm test` on a fresh machine: a clean Debian bookworm
# (mmdebstrap minbase + git + ca-certificates), this host's Node 20 and npm copied in (bookworm's
# own nodejs is 18), a clone of HEAD, and `npm test` as root. Nothing else is installed
# beforehand: npm test must install shellcheck, busybox-static and zstd itself (script/ensure-tools.mjs).
#
# Needs root, mmdebstrap and a Debian mirror. Takes a few minutes (bootstrap ~2 min, npm test ~5-10).
# The host's CA certificates are copied in (a TLS-intercepting proxy here; not a project need).
# Usage: sudo bash test/fresh-machine.sh [ROOTFS_DIR]   (the rootfs is removed at the end)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
R=${1:-$(mktemp -d /tmp/muslrust-chef-fresh.XXXXXX)}
[ "$(id -u)" = 0 ] || { echo "fresh-machine: needs root (chroot, mounts)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "fresh-machine: apt-get install mmdebstrap" >&2; exit 1; }
node=$(command -v node)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")

cleanup() {
  for m in "$R/tmp" "$R/proc" "$R/dev"; do mountpoint -q "$m" && umount "$m"; done
  rm -rf "$R"
}
trap cleanup EXIT

rmdir "$R" 2>/dev/null || true
mmdebstrap --variant=minbase --include=git,ca-certificates,libstdc++6 bookworm "$R" http://deb.debian.org/debian
install -m 0755 "$node" "$R/usr/local/bin/node"
mkdir -p "$R/usr/local/lib/node_modules" && cp -a "$npm_dir" "$R/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
cp /etc/resolv.conf "$R/etc/resolv.conf"
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/"
  chroot "$R" update-ca-certificates >/dev/null
fi
[ -f "$HOME/.npmrc" ] && cp "$HOME/.npmrc" "$R/root/.npmrc"
git clone -q --bare "$ROOT" "$R/srv/repo.git"
mount --bind /dev "$R/dev" && mount -t proc proc "$R/proc" && mount -t tmpfs tmpfs "$R/tmp"

# shellcheck disable=SC2016 # expanded inside the chroot
chroot "$R" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin sh -euc '
  cd /root && git clone -q /srv/repo.git work && cd work
  for t in shellcheck zstd busybox; do command -v $t >/dev/null && echo "before: $t present" || echo "before: no $t"; done
  start=$(date +%s)
  npm test
  echo "npm test passed in $(( $(date +%s) - start )) s on a fresh bookworm"
'
