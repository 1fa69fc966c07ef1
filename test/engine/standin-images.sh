#!/usr/bin/env bash
# test/engine/standin-images.sh — build and push the STAND-IN images the engine tests need.
#
# Why stand-ins: this machine (and CI here) cannot reach Docker Hub, so neither the real
# builder (muslrust-chef = clux/muslrust + cargo-chef) nor the real runtime (chainguard/static)
# can be pulled; crates.io is unreachable too, and a real arm64 Rust build under QEMU takes ~20
# minutes. Everything else in the engine tests is real: dockerd, BuildKit, buildx, QEMU, the
# registry, the action's generated Dockerfile, and the project's real helper scripts
# image/scripts/muslrust-chef-locate and image/scripts/muslrust-chef-check-static.
#
# Each image is a build context under test/engine/images/ whose Dockerfile header says what it
# stands in for and where it differs. This script copies the context, adds what git cannot or
# should not hold (the real helper scripts, Debian's dynamic tini, the host's CA bundle, empty
# folders), and pushes to the local registry (test/engine/engine-up.sh; dockerd uses it as its
# registry mirror):
#
#   127.0.0.1:5000/chainguard/static:latest        images/chainguard-static/
#   127.0.0.1:5000/muslrust-chef-standin:test      images/muslrust-chef-standin/ (its `cargo`)
#   127.0.0.1:5000/clux/muslrust:<DEFAULT_MUSLRUST_TAG>   the builder stand-in again (same digest),
#       so `FROM clux/muslrust:<tag>` of the generated Dockerfile's inline chef stage resolves, e.g.
#       for `docker buildx build --check`. Building that stage needs the real image (cargo install).
#   127.0.0.1:5000/library/busybox:<tag of UTILITY_IMAGE>  engine-up.sh's real busybox again (same
#       digest): the utility image of the `cache-mounts: true` cache dance.
#   Both tags are read from the action's sources (`export const …` under src/) on every run.
#
# Idempotent: each image's build context (files, modes, base image digest) is hashed; when the
# registry already has the tag and a ctx-<hash> tag with the same digest, nothing is built.
# FORCE=1 rebuilds anyway.
#
# Exit status: 0 = images present; 77 = no engine here (run test/engine/engine-up.sh first, or the
# host cannot run it); anything else = a real failure.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REG=127.0.0.1:5000
CACHE=${ENGINE_CACHE:-/var/cache/muslrust-chef-engine}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
PLATFORMS=linux/amd64,linux/arm64
SKIP=77
export PATH=/opt/docker-sid/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

T0=${EPOCHREALTIME/,/.}
ts() {
  local now=${EPOCHREALTIME/,/.}
  awk -v a="$T0" -v b="$now" -v m="$*" 'BEGIN { printf "[%6.2fs] %s\n", b - a, m }'
}
die() { echo "standin-images: ERROR: $*" >&2; exit 1; }
unsupported() { echo "standin-images: NO ENGINE: $*" >&2; exit "$SKIP"; }

command -v docker >/dev/null || unsupported "no docker CLI; run test/engine/engine-up.sh first"
docker info >/dev/null 2>&1 || unsupported "no docker engine answers; run test/engine/engine-up.sh first"
curl -sf --max-time 5 "http://$REG/v2/" >/dev/null || unsupported "no registry on $REG; run test/engine/engine-up.sh first"
docker buildx version >/dev/null 2>&1 || unsupported "no docker buildx plugin; run test/engine/engine-up.sh first"
for s in muslrust-chef-locate muslrust-chef-check-static; do
  [ -f "$ROOT/image/scripts/$s" ] || die "missing $ROOT/image/scripts/$s (the real helper scripts go into the stand-in builder)"
done

# digest REPO TAG: the registry's digest for REPO:TAG (index or manifest), empty when absent
digest() {
  curl -sf -o /dev/null -D - --max-time 10 \
    -H 'Accept: application/vnd.oci.image.index.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REG/v2/$1/manifests/$2" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: *//p' || true
}

base=$(digest library/busybox latest)
[ -n "$base" ] || unsupported "no $REG/library/busybox:latest; run test/engine/engine-up.sh first"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# ------------------------------------------------------------------ dynamic ELFs for the static-check test
# Debian bookworm's tini (dynamically linked against glibc: it has a PT_INTERP) for amd64 and arm64.
BWAPT=$CACHE/bookworm-multiarch-apt
BWDEBS=$CACHE/bookworm-debs
bw_apt=(-o APT::Sandbox::User=root -o "Dir::Etc::sourcelist=$BWAPT/sources.list" -o Dir::Etc::sourceparts=/dev/null
  -o "Dir::State::Lists=$BWAPT/lists" -o "Dir::Cache=$BWAPT/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
  -o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
newest() { printf '%s\n' "$@" | sort -V | tail -n 1; }
if ! compgen -G "$BWDEBS/tini_*_amd64.deb" >/dev/null || ! compgen -G "$BWDEBS/tini_*_arm64.deb" >/dev/null; then
  mkdir -p "$BWAPT/lists/partial" "$BWAPT/cache" "$BWDEBS"
  echo "deb [arch=amd64,arm64 signed-by=$KEYRING] http://deb.debian.org/debian bookworm main" >"$BWAPT/sources.list"
  compgen -G "$BWAPT/lists/*arm64_Packages*" >/dev/null ||
    apt-get "${bw_apt[@]}" -q=2 update </dev/null >/dev/null || unsupported "apt-get update of bookworm amd64+arm64 failed"
  (cd "$BWDEBS" && apt-get "${bw_apt[@]}" -q=2 download tini:amd64 tini:arm64 </dev/null >/dev/null) ||
    unsupported "downloading Debian's tini for amd64 and arm64 failed"
fi

# ------------------------------------------------------------------ build contexts
cg=$WORK/chainguard-static
cp -a "$HERE/images/chainguard-static" "$cg"
mkdir -p "$cg/rootfs/etc/ssl/certs" "$cg/rootfs/tmp" "$cg/home/nonroot"
chmod 1777 "$cg/rootfs/tmp"
if [ -r /etc/ssl/certs/ca-certificates.crt ]; then cp /etc/ssl/certs/ca-certificates.crt "$cg/rootfs/etc/ssl/certs/"; fi

sb=$WORK/muslrust-chef-standin
cp -a "$HERE/images/muslrust-chef-standin" "$sb"
mkdir -p "$sb/lib"
cp "$ROOT/image/scripts/muslrust-chef-locate" "$ROOT/image/scripts/muslrust-chef-check-static" "$sb/"
for a in amd64:x86_64 arm64:aarch64; do
  x=$WORK/tini-${a%%:*}
  mkdir -p "$x"
  dpkg-deb -x "$(newest "$BWDEBS"/tini_*_"${a%%:*}".deb)" "$x"
  cp "$x/usr/bin/tini" "$sb/lib/dynamic-${a##*:}"
done

# ------------------------------------------------------------------ build + push unless up to date
# build_push DIR REPO TAG BASE: multi-platform build of DIR (FROM BASE, a digest or "scratch"),
# pushed as REPO:TAG and REPO:ctx-<hash>
build_push() {
  local dir=$1 repo=$2 tag=$3 from=$4 hash have ctx
  hash=$(
    {
      echo "base $from platforms $PLATFORMS"
      tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir" -cf - . | sha256sum
    } | sha256sum | cut -c1-16
  )
  have=$(digest "$repo" "$tag")
  ctx=$(digest "$repo" "ctx-$hash")
  if [ "${FORCE:-0}" != 1 ] && [ -n "$have" ] && [ "$have" = "$ctx" ]; then
    ts "$REG/$repo:$tag is up to date (ctx-$hash, $have)"
    return 0
  fi
  docker buildx build --builder default --platform "$PLATFORMS" --provenance=false --sbom=false \
    --progress=plain --push -t "$REG/$repo:$tag" -t "$REG/$repo:ctx-$hash" "$dir" >"$WORK/build-${repo//\//_}.log" 2>&1 ||
    { tail -n 30 "$WORK/build-${repo//\//_}.log" >&2; die "building $REG/$repo:$tag failed"; }
  have=$(digest "$repo" "$tag")
  [ -n "$have" ] || die "$REG/$repo:$tag is not in the registry after the push"
  ts "pushed $REG/$repo:$tag ($PLATFORMS, ctx-$hash, $have)"
}

build_push "$cg" chainguard/static latest scratch
build_push "$sb" muslrust-chef-standin test "$base"

# ------------------------------------------------------------------ extra tags of the stand-ins
# alias_tag SRC_REPO SRC_TAG DST_REPO DST_TAG: DST becomes a carbon copy of SRC (same digest, blobs
# copied across repositories by imagetools); nothing is pushed when DST already has SRC's digest.
alias_tag() {
  local src dst log=$WORK/alias-${3//\//_}.log
  src=$(digest "$1" "$2")
  [ -n "$src" ] || die "$REG/$1:$2 is missing, so $REG/$3:$4 cannot point at it"
  dst=$(digest "$3" "$4")
  if [ "$dst" = "$src" ]; then
    ts "$REG/$3:$4 is up to date (= $1:$2, $src)"
    return 0
  fi
  docker buildx imagetools create --progress=plain -t "$REG/$3:$4" "$REG/$1@$src" >"$log" 2>&1 ||
    { tail -n 20 "$log" >&2; die "tagging $REG/$1:$2 as $REG/$3:$4 failed"; }
  dst=$(digest "$3" "$4")
  [ "$dst" = "$src" ] || die "$REG/$3:$4 has digest '${dst:-none}' after the copy, not $src"
  ts "tagged $REG/$1:$2 as $REG/$3:$4 ($src)"
}

# src_const NAME: the string value of the one `export const NAME = '…';` under src/, so these tags
# follow the action's pins without being edited by hand (wherever the constant lives).
src_const() {
  local v
  v=$(grep -rhs --include='*.ts' "^export const $1 = '" "$ROOT/src" | sed -n "s/^export const $1 = '\([^']*\)';.*/\1/p" | sort -u)
  [ -n "$v" ] || die "no \`export const $1 = '…'\` under $ROOT/src"
  [ "$(printf '%s\n' "$v" | wc -l)" -eq 1 ] || die "several values of $1 under $ROOT/src: ${v//$'\n'/, }"
  printf '%s\n' "$v"
}
# The generated Dockerfile's inline chef stage (`builder-image` empty) starts FROM
# clux/muslrust:<DEFAULT_MUSLRUST_TAG>; BuildKit's lint (`buildx build --check`) resolves it. Here it
# is the builder stand-in (it cannot `cargo install cargo-chef`, so it only serves --check).
muslrust_tag=$(src_const DEFAULT_MUSLRUST_TAG)
alias_tag muslrust-chef-standin test clux/muslrust "$muslrust_tag"
# The cache-dance utility image of `cache-mounts: true` (UTILITY_IMAGE = busybox:<version>): the real
# busybox of engine-up.sh.
utility=$(src_const UTILITY_IMAGE)
case $utility in
  busybox:*) alias_tag library/busybox latest library/busybox "${utility#busybox:}" ;;
  *) die "UTILITY_IMAGE (src/) is '$utility'; this script only knows busybox:<tag>" ;;
esac

# smoke check: both platforms of the stand-in builder run the stand-in cargo
for p in linux/amd64 linux/arm64; do
  out=$(docker run --rm --pull always --platform "$p" "$REG/muslrust-chef-standin:test" sh -c 'cargo --version && echo "$CARGO_BUILD_TARGET"' 2>&1) ||
    die "the stand-in builder does not run on $p: $out"
  case $p in
    linux/amd64) want=x86_64-unknown-linux-musl ;;
    linux/arm64) want=aarch64-unknown-linux-musl ;;
  esac
  case $out in
    *"$want"*) ;;
    *) die "the stand-in builder on $p has the wrong CARGO_BUILD_TARGET: $out" ;;
  esac
done
ts "stand-in images ready: $REG/chainguard/static:latest, $REG/muslrust-chef-standin:test (also $REG/clux/muslrust:$muslrust_tag), $REG/library/busybox:${utility#busybox:}"
