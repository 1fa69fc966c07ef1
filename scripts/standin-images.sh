#!/usr/bin/env bash
# scripts/standin-images.sh — build and push the STAND-IN images the engine tests need.
#
# Why stand-ins: this machine (and CI here) cannot reach Docker Hub, so neither the real
# builder (muslrust-chef = clux/muslrust + cargo-chef) nor the real runtime (chainguard/static)
# can be pulled; crates.io is unreachable too, and a real arm64 Rust build under QEMU takes ~20
# minutes. Everything else in the engine tests is real: dockerd, BuildKit, buildx, QEMU, the
# registry, the action's generated Dockerfile, and the project's real helper scripts
# image/scripts/muslrust-chef-locate and image/scripts/muslrust-chef-check-static.
#
# Pushed to the local registry (scripts/engine-up.sh; dockerd uses it as its registry mirror):
#
#   127.0.0.1:5000/chainguard/static:latest       so `FROM chainguard/static:latest` resolves here.
#       Stand-in for Chainguard's static runtime, linux/amd64 + linux/arm64: like the real one it
#       has no shell and no libc; /etc/passwd has root, nobody and nonroot:x:65532:65532, /etc/group,
#       /etc/os-release (saying it is a stand-in), CA certificates, /tmp (1777),
#       /home/nonroot (owned by 65532), USER 65532. A dynamically linked binary cannot start in it.
#
#   127.0.0.1:5000/muslrust-chef-standin:test     linux/amd64 + linux/arm64.
#       Stand-in for the muslrust-chef builder image: busybox (from Debian's busybox-static), the
#       project's real muslrust-chef-locate and muslrust-chef-check-static in /usr/local/bin, a
#       stand-in `cargo` (POSIX sh, /usr/local/bin/cargo: cargo_script below; its header says
#       exactly what it does), CARGO_HOME=/opt/cargo, CARGO_BUILD_TARGET=<x86_64|aarch64>-unknown-linux-musl,
#       CARGO_NET_GIT_FETCH_WITH_CLI=true, WORKDIR /volume, as in the real image. There is no
#       `strip` in busybox: muslrust-chef-locate warns and keeps the (tiny) binary unstripped.
#
#   127.0.0.1:5000/clux/muslrust:<DEFAULT_MUSLRUST_TAG>   the builder stand-in again (same digest),
#       so `FROM clux/muslrust:<tag>` of the generated Dockerfile's inline chef stage resolves, e.g.
#       for `docker buildx build --check`. Building that stage needs the real image (cargo install).
#   127.0.0.1:5000/library/busybox:<tag of UTILITY_IMAGE>  engine-up.sh's real busybox again (same
#       digest): the utility image of the `cache-mounts: true` cache dance.
#   Both tags are read from the action's sources (`export const …` under src/) on every run.
#
# Idempotent: each image's build context (files, modes, base image digest) is hashed; when the
# registry already has the tag and a ctx-<hash> tag with the same digest, nothing is built.
# FORCE=1 rebuilds anyway. `--print-cargo` prints the stand-in cargo and exits (for shellcheck).
#
# Exit status: 0 = images present; 77 = no engine here (run scripts/engine-up.sh first, or the
# host cannot run it); anything else = a real failure.
set -euo pipefail

# The stand-in cargo (POSIX sh, /usr/local/bin/cargo in the stand-in builder).
# `scripts/standin-images.sh --print-cargo` prints it, e.g. for `| shellcheck -s sh -`.
cargo_script() {
  cat <<'CARGO'
#!/bin/sh
# cargo: a STAND-IN for cargo + cargo-chef, inside the muslrust-chef stand-in builder image that
# muslrust-chef-action's engine tests use (made by scripts/standin-images.sh).
#
# The real builder (clux/muslrust + cargo-chef) cannot be pulled on the test machine: Docker Hub
# and crates.io are unreachable, and compiling Rust for arm64 under QEMU would take ~20 minutes
# anyway. This script is NOT a compiler. It implements only what the action's generated
# Dockerfile runs, with the properties the tests check:
#
#   cargo chef prepare --recipe-path R [--bin B]
#       writes R from the Cargo.toml files and Cargo.lock ONLY (their paths and sha256), so a
#       source-only change leaves R byte-identical and the cook layer stays cached.
#   cargo chef cook (--release | --profile P) --recipe-path R [--target T] [--bin B]
#                   [--features F] [--no-default-features] [--locked]
#       "compiles the dependencies": sleeps $STANDIN_COOK_SECONDS (default 2) and writes
#       target/T/<profile dir>/deps/.cooked holding sha256(R), so a test can see that cook ran.
#   cargo build (--release | --profile P) --bin B [--target T] [--features F] [--locked] ...
#       "compiles" B to target/T/<profile dir>/B: a tiny hand-made static ELF for T's arch
#       (x86_64 or aarch64, no PT_INTERP, like a static-pie musl build) that prints
#         B: muslrust-chef stand-in binary for T (profile P, features F)
#       and exits 0. So `docker run IMAGE` shows that the right binary for the right platform
#       ran (an aarch64 ELF only runs on arm64, or under QEMU binfmt).
#       A DYNAMIC binary instead (Debian bookworm's dynamically linked tini for the arch, which
#       has a PT_INTERP for glibc's loader) when the workspace root has a file STANDIN_DYNAMIC,
#       or when T is a *-linux-gnu target, as a real build would be: the static check must
#       reject it.
#   cargo --version, cargo chef --version
#
# <profile dir> follows cargo: release/bench -> release, dev/test -> debug, other -> its name.
# T defaults to $CARGO_BUILD_TARGET (the image sets it per platform, as clux/muslrust does).
# Errors exit 101, as cargo's do. POSIX sh: runs in busybox.
set -eu

LIB=/usr/local/lib/muslrust-chef-standin

die() {
  printf 'error: %s\n' "$*" >&2
  printf 'note: this is the muslrust-chef STAND-IN cargo of the engine tests, not real cargo\n' >&2
  exit 101
}
say() { printf '%12s %s\n' "$1" "$2" >&2; } # cargo's right-aligned status lines, on stderr

profile=dev
target=${CARGO_BUILD_TARGET:-}
bin=''
features=''
recipe=''
locked=no

# parse_opts ARGS...: the flags the generated Dockerfile passes, as --flag VALUE or --flag=VALUE
parse_opts() {
  while [ "$#" -gt 0 ]; do
    opt=$1
    val=''
    case $opt in
      --*=*) val=${opt#*=}; opt=${opt%%=*}; has_val=yes ;;
      *) has_val=no ;;
    esac
    case $opt in
      --profile | --target | --bin | --features | -F | --recipe-path | --manifest-path | --jobs | -j)
        if [ "$has_val" = no ]; then
          [ "$#" -ge 2 ] || die "$opt needs a value"
          val=$2
          shift
        fi
        ;;
    esac
    case $opt in
      --release) profile=release ;;
      --profile) profile=$val ;;
      --target) target=$val ;;
      --bin) bin=$val ;;
      --features | -F) features="${features:+$features,}$val" ;;
      --recipe-path) recipe=$val ;;
      --locked | --frozen) locked=yes ;;
      --no-default-features | --all-features | --offline | --workspace | --quiet | -q | -v | --verbose) ;;
      --manifest-path | --jobs | -j) ;;
      --*) die "unexpected argument '$opt' (the stand-in only knows the flags of the generated Dockerfile)" ;;
      *) die "unexpected positional argument '$opt'" ;;
    esac
    shift
  done
}

profile_dir() {
  case $profile in
    release | bench) echo release ;;
    dev | test) echo debug ;;
    *) echo "$profile" ;;
  esac
}

arch_of() { # the CPU of a target triple, for the ELF to emit
  case $target in
    x86_64-*) echo x86_64 ;;
    aarch64-*) echo aarch64 ;;
    '') die "no --target and no CARGO_BUILD_TARGET" ;;
    *) die "target '$target' is not installed (the stand-in knows x86_64-* and aarch64-* only)" ;;
  esac
}

manifests() { find . -name Cargo.toml -not -path './target/*' -not -path './.git/*' | LC_ALL=C sort; }
sha() { sha256sum | cut -c1-64; }

# recipe_json: the recipe, from the manifests and the lockfile only (never from sources)
recipe_json() {
  [ -f Cargo.toml ] || die "could not find \`Cargo.toml\` in \`$(pwd)\`"
  lock=''
  if [ -f Cargo.lock ]; then lock=$(sha <Cargo.lock); fi
  printf '{"stand_in":"muslrust-chef stand-in cargo-chef recipe: paths and sha256 of Cargo.toml files and Cargo.lock","bin":"%s","manifests":[' "$bin"
  sep=''
  manifests | while IFS= read -r m; do
    printf '%s{"path":"%s","sha256":"%s"}' "$sep" "${m#./}" "$(sha <"$m")"
    sep=,
  done
  printf '],"lock_sha256":"%s"}\n' "$lock"
}

has_bin() { # has_bin NAME: a package or [[bin]] of that name with a main, or src/bin/NAME.rs
  manifests | while IFS= read -r m; do
    d=$(dirname "$m")
    if [ -f "$d/src/bin/$1.rs" ]; then echo yes; break; fi
    if grep -Eq "^[[:space:]]*name[[:space:]]*=[[:space:]]*\"$1\"" "$m" &&
      { [ -f "$d/src/main.rs" ] || grep -q '^\[\[bin\]\]' "$m"; }; then
      echo yes
      break
    fi
  done | grep -q yes
}

# le VALUE NBYTES: VALUE as NBYTES little-endian bytes
le() {
  _v=$1
  _n=$2
  _o=''
  while [ "$_n" -gt 0 ]; do
    _o="$_o\\$(printf '%03o' $((_v & 255)))"
    _v=$((_v >> 8))
    _n=$((_n - 1))
  done
  # shellcheck disable=SC2059 # the format is made of octal escapes on purpose
  printf "$_o"
}
hex() { for _b in "$@"; do le "0x$_b" 1; done; }

# static_elf ARCH MESSAGE: a minimal ELF64 executable, one PT_LOAD (R+X) at 0x400000 holding the
# ELF header (64 bytes), the program header (56), the code, then MESSAGE; the code is
# write(1, MESSAGE, len) then exit(0). No PT_INTERP, no PT_DYNAMIC: statically linked.
static_elf() {
  _len=${#2}
  case $1 in
    x86_64) _machine=62 _code=33 ;;
    aarch64) _machine=183 _code=32 ;;
  esac
  _size=$((64 + 56 + _code + _len))
  hex 7f 45 4c 46 02 01 01 00 00 00 00 00 00 00 00 00 # e_ident: ELF64, little-endian, SysV
  le 2 2                                               # e_type ET_EXEC
  le "$_machine" 2
  le 1 4                                               # e_version
  le $((0x400000 + 120)) 8                             # e_entry: the code after the headers
  le 64 8                                              # e_phoff
  le 0 8                                               # e_shoff: no sections
  le 0 4                                               # e_flags
  le 64 2                                              # e_ehsize
  le 56 2                                              # e_phentsize
  le 1 2                                               # e_phnum
  le 64 2                                              # e_shentsize
  le 0 2                                               # e_shnum
  le 0 2                                               # e_shstrndx
  le 1 4                                               # p_type PT_LOAD
  le 5 4                                               # p_flags R+X
  le 0 8                                               # p_offset
  le $((0x400000)) 8                                   # p_vaddr
  le $((0x400000)) 8                                   # p_paddr
  le "$_size" 8                                        # p_filesz
  le "$_size" 8                                        # p_memsz
  le $((0x1000)) 8                                     # p_align
  case $1 in
    x86_64)
      hex b8 01 00 00 00       # mov eax, 1 (write)
      hex bf 01 00 00 00       # mov edi, 1 (stdout)
      hex 48 8d 35 10 00 00 00 # lea rsi, [rip+16]: the message right after the code
      hex ba; le "$_len" 4     # mov edx, len
      hex 0f 05                # syscall
      hex b8 3c 00 00 00       # mov eax, 60 (exit)
      hex 31 ff                # xor edi, edi
      hex 0f 05                # syscall
      ;;
    aarch64)
      hex 20 00 80 d2                    # mov x0, #1 (stdout)
      hex e1 00 00 10                    # adr x1, .+28: the message right after the code
      le $((0xd2800002 | (_len << 5))) 4 # mov x2, #len
      hex 08 08 80 d2                    # mov x8, #64 (write)
      hex 01 00 00 d4                    # svc #0
      hex 00 00 80 d2                    # mov x0, #0
      hex a8 0b 80 d2                    # mov x8, #93 (exit)
      hex 01 00 00 d4                    # svc #0
      ;;
  esac
  printf '%s' "$2"
}

cook() {
  [ -n "$recipe" ] || die "cargo chef cook needs --recipe-path"
  [ -f "$recipe" ] || die "recipe file '$recipe' not found"
  grep -q '"stand_in"' "$recipe" || die "'$recipe' was not written by the stand-in cargo chef prepare"
  if [ "$locked" = yes ] && grep -q '"lock_sha256":""' "$recipe"; then
    die "the lock file $(pwd)/Cargo.lock needs to be updated but --locked was passed to prevent this"
  fi
  arch_of >/dev/null
  dir="target/$target/$(profile_dir)/deps"
  secs=${STANDIN_COOK_SECONDS:-2}
  say Compiling "dependencies of recipe $(sha <"$recipe" | cut -c1-12) for $target (stand-in: ${secs}s)"
  sleep "$secs"
  mkdir -p "$dir"
  sha <"$recipe" >"$dir/.cooked"
  say Finished "\`$profile\` profile [stand-in] dependencies cooked into $dir"
}

build() {
  [ -f Cargo.toml ] || die "could not find \`Cargo.toml\` in \`$(pwd)\`"
  [ -n "$bin" ] || die "the stand-in cargo build needs --bin NAME (the generated Dockerfile always passes one)"
  has_bin "$bin" || die "no bin target named \`$bin\` in the workspace"
  if [ "$locked" = yes ] && [ ! -f Cargo.lock ]; then
    die "the lock file $(pwd)/Cargo.lock needs to be updated but --locked was passed to prevent this"
  fi
  arch=$(arch_of)
  pdir=$(profile_dir)
  out="target/$target/$pdir/$bin"
  want=$(recipe_json | sha)
  if [ "$(cat "target/$target/$pdir/deps/.cooked" 2>/dev/null || true)" = "$want" ]; then
    say Fresh "dependencies (cooked from recipe ${want%"${want#????????????}"})"
  else
    secs=${STANDIN_COOK_SECONDS:-2}
    say Compiling "dependencies: none cooked for this recipe (stand-in: ${secs}s)"
    sleep "$secs"
  fi
  mkdir -p "$(dirname "$out")"
  case $target in
    *-linux-gnu) dynamic="target $target links glibc dynamically" ;;
    *) if [ -e STANDIN_DYNAMIC ]; then dynamic="STANDIN_DYNAMIC is present"; else dynamic=''; fi ;;
  esac
  if [ -n "$dynamic" ]; then
    cp "$LIB/dynamic-$arch" "$out"
    say Compiling "$bin -> $out: a DYNAMIC $arch ELF ($dynamic)"
  else
    static_elf "$arch" "$bin: muslrust-chef stand-in binary for $target (profile $profile, features ${features:-default})
" >"$out"
    say Compiling "$bin -> $out: a static $arch ELF (stand-in)"
  fi
  chmod 0755 "$out"
  say Finished "\`$profile\` profile [stand-in] target(s)"
}

case "${1:-}" in
  --version | -V) echo 'cargo 0.0.0 (muslrust-chef stand-in)' ;;
  build)
    shift
    parse_opts "$@"
    build
    ;;
  chef)
    shift
    sub=${1:-}
    [ "$#" -gt 0 ] && shift
    case $sub in
      --version | -V) echo 'cargo-chef 0.0.0 (muslrust-chef stand-in)' ;;
      prepare)
        parse_opts "$@"
        [ -n "$recipe" ] || die "cargo chef prepare needs --recipe-path"
        recipe_json >"$recipe.tmp"
        mv "$recipe.tmp" "$recipe"
        say Prepared "$recipe from $(manifests | wc -l) Cargo.toml file(s) and $([ -f Cargo.lock ] && echo Cargo.lock || echo 'no Cargo.lock') (stand-in)"
        ;;
      cook)
        parse_opts "$@"
        cook
        ;;
      *) die "the stand-in cargo chef knows prepare and cook, not '$sub'" ;;
    esac
    ;;
  *) die "the stand-in cargo knows build, chef prepare and chef cook, not '$*'" ;;
esac
CARGO
}
if [ "${1:-}" = --print-cargo ]; then
  cargo_script
  exit 0
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
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

command -v docker >/dev/null || unsupported "no docker CLI; run scripts/engine-up.sh first"
docker info >/dev/null 2>&1 || unsupported "no docker engine answers; run scripts/engine-up.sh first"
curl -sf --max-time 5 "http://$REG/v2/" >/dev/null || unsupported "no registry on $REG; run scripts/engine-up.sh first"
docker buildx version >/dev/null 2>&1 || unsupported "no docker buildx plugin; run scripts/engine-up.sh first"
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
[ -n "$base" ] || unsupported "no $REG/library/busybox:latest; run scripts/engine-up.sh first"

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
mkdir -p "$cg/rootfs/etc/ssl/certs" "$cg/rootfs/tmp" "$cg/home/nonroot"
chmod 1777 "$cg/rootfs/tmp"
cat >"$cg/rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$cg/rootfs/etc/group"
cat >"$cg/rootfs/etc/os-release" <<'OSREL'
ID=muslrust-chef-standin
NAME="STAND-IN for chainguard/static (muslrust-chef-action engine tests)"
PRETTY_NAME="STAND-IN for chainguard/static: no shell, no libc, nonroot 65532"
OSREL
if [ -r /etc/ssl/certs/ca-certificates.crt ]; then cp /etc/ssl/certs/ca-certificates.crt "$cg/rootfs/etc/ssl/certs/"; fi
cat >"$cg/Dockerfile" <<'DOCKERFILE'
# STAND-IN for chainguard/static:latest (Docker Hub is unreachable here): no shell, no libc.
FROM scratch
COPY rootfs/ /
COPY --chown=65532:65532 home/ /home/
USER 65532
LABEL org.opencontainers.image.title="chainguard/static STAND-IN" \
      org.opencontainers.image.description="Stand-in for Chainguard's static runtime in muslrust-chef-action's engine tests: no shell, no libc, nonroot 65532"
DOCKERFILE

sb=$WORK/muslrust-chef-standin
mkdir -p "$sb/lib"
cp "$ROOT/image/scripts/muslrust-chef-locate" "$ROOT/image/scripts/muslrust-chef-check-static" "$sb/"
for a in amd64:x86_64 arm64:aarch64; do
  x=$WORK/tini-${a%%:*}
  mkdir -p "$x"
  dpkg-deb -x "$(newest "$BWDEBS"/tini_*_"${a%%:*}".deb)" "$x"
  cp "$x/usr/bin/tini" "$sb/lib/dynamic-${a##*:}"
done
cat >"$sb/Dockerfile" <<'DOCKERFILE'
# STAND-IN for the muslrust-chef builder image (clux/muslrust + cargo-chef cannot be pulled here).
# No RUN: nothing executes under QEMU while this is built.
FROM busybox AS base
COPY --chmod=0755 cargo muslrust-chef-locate muslrust-chef-check-static /usr/local/bin/
COPY --chmod=0755 lib/ /usr/local/lib/muslrust-chef-standin/
ENV CARGO_HOME=/opt/cargo CARGO_NET_GIT_FETCH_WITH_CLI=true
WORKDIR /opt/cargo
WORKDIR /volume
LABEL org.opencontainers.image.title="muslrust-chef STAND-IN" \
      org.opencontainers.image.description="Stand-in for muslrust-chef in muslrust-chef-action's engine tests: busybox, the real helper scripts and a stand-in cargo/cargo-chef that writes tiny static ELFs"

FROM base AS target-amd64
ENV CARGO_BUILD_TARGET=x86_64-unknown-linux-musl
FROM base AS target-arm64
ENV CARGO_BUILD_TARGET=aarch64-unknown-linux-musl

FROM target-${TARGETARCH}
DOCKERFILE
cargo_script >"$sb/cargo"

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
