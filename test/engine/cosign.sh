#!/usr/bin/env bash
# test/engine/cosign.sh — cosign for the signing engine test, from Debian sid (cosign 3.1.1).
#
# GitHub release downloads are unreachable here, so the test cannot let the action install its
# pinned upstream cosign; it puts Debian's build on PATH instead, which the action uses as any
# cosign found on PATH (src/execute/cosign.ts). Same private sid apt config as engine-up.sh (own
# sources.list and lists dir; the system's dpkg database is never touched); the binary is unpacked
# with dpkg-deb -x into $PREFIX/cosign/usr/bin. Prints that directory. Idempotent (~0.1 s when present).
# Exit: 0 = printed; 77 = not root / no apt / no sid mirror (the engine tests skip or fail on it).
set -euo pipefail
P=${PREFIX:-/opt/docker-sid}
CACHE=${ENGINE_CACHE:-/var/cache/muslrust-chef-engine}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
OUT=$P/cosign
unsupported() { echo "cosign.sh: UNSUPPORTED HOST: $*" >&2; exit 77; }

if [ -x "$OUT/usr/bin/cosign" ] && "$OUT/usr/bin/cosign" version >/dev/null 2>&1; then echo "$OUT/usr/bin"; exit 0; fi
[ "$(id -u)" = 0 ] || unsupported "needs root"
if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then unsupported "needs Debian's apt-get and dpkg-deb"; fi
[ -r "$KEYRING" ] || unsupported "no $KEYRING (apt-get install debian-archive-keyring)"
SIDAPT=$CACHE/sid-apt
DEBS=$CACHE/sid-debs
sid_apt=(-o APT::Sandbox::User=root -o "Dir::Etc::sourcelist=$SIDAPT/sources.list" -o Dir::Etc::sourceparts=/dev/null
  -o "Dir::State::Lists=$SIDAPT/lists" -o "Dir::Cache=$SIDAPT/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
mkdir -p "$SIDAPT/lists/partial" "$SIDAPT/cache" "$DEBS"
[ -s "$SIDAPT/sources.list" ] || echo "deb [signed-by=$KEYRING] http://deb.debian.org/debian sid main" >"$SIDAPT/sources.list"
if ! compgen -G "$DEBS/cosign_*.deb" >/dev/null; then
  compgen -G "$SIDAPT/lists/*_Packages*" >/dev/null ||
    apt-get "${sid_apt[@]}" -q=2 update </dev/null >/dev/null || unsupported "apt-get update of Debian sid failed"
  (cd "$DEBS" && apt-get "${sid_apt[@]}" -q=2 download cosign </dev/null >/dev/null) || unsupported "downloading cosign from Debian sid failed"
fi
deb=$(printf '%s\n' "$DEBS"/cosign_*.deb | sort -V | tail -n 1)
rm -rf "$OUT" && mkdir -p "$OUT"
dpkg-deb -x "$deb" "$OUT"
"$OUT/usr/bin/cosign" version >/dev/null 2>&1 || { echo "cosign.sh: $OUT/usr/bin/cosign does not run" >&2; exit 1; }
echo "$OUT/usr/bin"
