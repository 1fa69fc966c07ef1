#!/usr/bin/env bash
# test/engine/real-rust/build.sh — build and push the REAL-RUST muslrust-chef builder stand-in.
#
# The engine tests and `npm run bench` compile real Rust with the action's generated Dockerfile.
# clux/muslrust (Docker Hub) and crates.io are unreachable here, so this script makes the builder
# from Debian sid packages: mmdebstrap writes a rootfs (rustc, cargo, gcc, libc6-dev, binutils,
# file, the librust-*-dev crate sources the fixtures in test/fixtures/ need, cargo-auditable and
# cargo-cyclonedx), `docker import` turns it into the base image, and ./Dockerfile adds what makes
# it look like muslrust-chef (its header says how it differs), the cargo-chef stand-in (./cargo-chef,
# header lists where it differs from cargo-chef 0.1.77) and the project's REAL image/scripts/.
#
# Images (registry 127.0.0.1:5000 of test/engine/engine-up.sh, which dockerd uses as its mirror):
#   muslrust-chef-rust-base:<variant>-<hash>   the imported rootfs; <hash> = package list + suite
#   muslrust-chef-rust:<tag>                   the builder (VARIANT=native: tag `test`, linux/amd64)
#   muslrust-chef-rust:ctx-<variant>-<hash>    same digest; <hash> = this directory, image/scripts,
#                                              base digest. Present and equal = nothing to do (~1 s).
# Knobs: VARIANT (native; see variant() below to add one), FORCE=1 rebuilds the builder,
#        FORCE_BASE=1 the rootfs too, MIRROR (default deb.debian.org).
# Exit: 0 = image present; 77 = no engine (run test/engine/engine-up.sh first); other = failure.
# Cost (measured, 2 vCPU): rootfs + import + push ~1-2 min once per package list; builder layer ~5 s.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
REG=127.0.0.1:5000
VARIANT=${VARIANT:-native}
SUITE=sid
MIRROR=${MIRROR:-http://deb.debian.org/debian}
export PATH=/opt/docker-sid/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Packages, in one place. Crates: the rust-app fixture (serde, serde_derive, serde_json, anyhow,
# clap), hex (the "dependency added" scenario), mimalloc (links Debian's SHARED libmimalloc: the
# dynamically linked binary of the static-check test). cargo-auditable/cargo-cyclonedx: issue 14.
TOOLCHAIN=(rustc cargo gcc libc6-dev binutils file ca-certificates)
CRATES=(librust-serde-dev librust-serde-derive-dev librust-serde-json-dev librust-anyhow-dev
  librust-clap-dev librust-hex-dev librust-mimalloc-dev)
TOOLS=(cargo-auditable cargo-cyclonedx)

# variant: what differs per builder variant. Sets ARCHES (dpkg architectures of the rootfs, the
# first is the image's), EXTRA (more packages), TARGET (CARGO_BUILD_TARGET), PLATFORM, TAG.
variant() {
  case $VARIANT in
    native) ARCHES=amd64 EXTRA=() TARGET=x86_64-unknown-linux-gnu PLATFORM=linux/amd64 TAG=test ;;
    *) die "unknown VARIANT '$VARIANT' (known: native)" ;;
  esac
}

T0=${EPOCHREALTIME/,/.}
ts() { awk -v a="$T0" -v b="${EPOCHREALTIME/,/.}" -v m="$*" 'BEGIN { printf "[%6.2fs] real-rust: %s\n", b - a, m }'; }
die() { echo "real-rust: ERROR: $*" >&2; exit 1; }
unsupported() { echo "real-rust: NO ENGINE: $*" >&2; exit 77; }
variant

command -v docker >/dev/null || unsupported "no docker CLI; run test/engine/engine-up.sh first"
docker info >/dev/null 2>&1 || unsupported "no docker engine answers; run test/engine/engine-up.sh first"
curl -sf --max-time 5 "http://$REG/v2/" >/dev/null || unsupported "no registry on $REG; run test/engine/engine-up.sh first"

# digest REPO TAG: the registry's digest for REPO:TAG, empty when absent
digest() {
  curl -sf -o /dev/null -D - --max-time 10 \
    -H 'Accept: application/vnd.oci.image.index.v1+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REG/v2/$1/manifests/$2" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: *//p' || true
}
sha() { sha256sum | cut -c1-16; }

# ------------------------------------------------------------------ 1. the rootfs (slow; rarely)
pkgs=("${TOOLCHAIN[@]}" "${CRATES[@]}" "${TOOLS[@]}" "${EXTRA[@]}")
base_tag="$VARIANT-$(printf '%s\n' "$SUITE" "${ARCHES[*]}" "${pkgs[@]}" | sha)"
base_repo=muslrust-chef-rust-base
if [ "${FORCE_BASE:-0}" = 1 ] || [ -z "$(digest "$base_repo" "$base_tag")" ]; then
  command -v mmdebstrap >/dev/null || {
    ts "installing mmdebstrap (bookworm)"
    apt-get install -y -q=2 --no-install-recommends mmdebstrap </dev/null >/dev/null ||
      { apt-get update -q=2 </dev/null >/dev/null && apt-get install -y -q=2 --no-install-recommends mmdebstrap </dev/null >/dev/null; } ||
      die "could not install mmdebstrap"
  }
  ts "mmdebstrap $SUITE (${ARCHES[*]}): ${pkgs[*]}"
  log=$(mktemp)
  archlist=$(IFS=,; echo "${ARCHES[*]}")
  # shellcheck disable=SC2016 # "$1" in the hook is the rootfs, expanded by mmdebstrap's shell
  # Streams the tar into docker import: no ~900 MB file on disk. Docs, man pages and locales are
  # left out (copyright files kept). Check-Valid-Until=false: a sid mirror snapshot may lag.
  if ! mmdebstrap --variant=apt --architectures="$archlist" --format=tar \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    --include="$(IFS=,; echo "${pkgs[*]}")" \
    "$SUITE" - "deb $MIRROR $SUITE main" 2>"$log" |
    docker import --platform "$PLATFORM" -c 'CMD ["/bin/bash"]' - "$REG/$base_repo:$base_tag" >/dev/null; then
    tail -n 30 "$log" >&2
    rm -f "$log"
    die "mmdebstrap of $SUITE or docker import failed (log above)"
  fi
  rm -f "$log"
  ts "imported $REG/$base_repo:$base_tag; pushing"
  docker push -q "$REG/$base_repo:$base_tag" >/dev/null
  ts "pushed the rootfs image"
fi
base_digest=$(digest "$base_repo" "$base_tag")
[ -n "$base_digest" ] || die "$REG/$base_repo:$base_tag is not in the registry after the push"

# ------------------------------------------------------------------ 2. the builder (fast)
ctx_hash=$(
  {
    echo "variant $VARIANT target $TARGET platform $PLATFORM base $base_digest"
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$HERE" -cf - . | sha256sum
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$ROOT/image/scripts" -cf - . | sha256sum
  } | sha
)
ctx_tag="ctx-$VARIANT-$ctx_hash"
have=$(digest muslrust-chef-rust "$TAG")
if [ "${FORCE:-0}" != 1 ] && [ -n "$have" ] && [ "$have" = "$(digest muslrust-chef-rust "$ctx_tag")" ]; then
  ts "$REG/muslrust-chef-rust:$TAG is current ($ctx_tag)"
  exit 0
fi
ts "building $REG/muslrust-chef-rust:$TAG ($ctx_tag)"
out=$(docker buildx build --builder default --progress=plain --platform "$PLATFORM" \
  --build-arg "BASE=$REG/$base_repo@$base_digest" --build-arg "CARGO_TARGET=$TARGET" \
  --build-context "scripts=$ROOT/image/scripts" --provenance=false --sbom=false \
  --label "org.opencontainers.image.title=muslrust-chef real-Rust STAND-IN ($VARIANT)" \
  --label "org.opencontainers.image.description=Debian sid rustc/cargo, $TARGET +crt-static, cargo-chef stand-in: see test/engine/real-rust/" \
  --label "muslrust-chef.test.context=$ctx_hash" \
  -t "$REG/muslrust-chef-rust:$TAG" -t "$REG/muslrust-chef-rust:$ctx_tag" --push "$HERE" 2>&1) ||
  { printf '%s\n' "$out" | tail -n 40 >&2; die "docker buildx build of the builder failed"; }
[ "$(digest muslrust-chef-rust "$TAG")" = "$(digest muslrust-chef-rust "$ctx_tag")" ] ||
  die "after the push, $TAG and $ctx_tag differ in the registry"
ts "pushed $REG/muslrust-chef-rust:$TAG ($(docker run --rm "$REG/muslrust-chef-rust:$TAG" rustc --version))"
