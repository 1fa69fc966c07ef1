// The builder image's sources: the helper scripts pass shellcheck as POSIX sh (real shellcheck,
// which CI installs with apt), and image/Dockerfile has the shape the action and the
// builder-image workflow rely on. The Dockerfile is not built here: clux/muslrust cannot be pulled
// on this machine; .github/workflows/builder-image.yml builds and smoke-tests it on GitHub.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUSLRUST_CROSS_RUSTFLAGS, PINNED_ZIG } from '../../src/plan/cross.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const scriptsDir = path.join(repo, 'image', 'scripts');
const scripts = ['muslrust-chef-locate', 'muslrust-chef-check-static', 'muslrust-chef-zig'];
/** Not copied into the image: the generated Dockerfile bind-mounts it from the action's own image/scripts/ (cache-mounts). */
const mountedScripts = ['muslrust-chef-mounts'];
const dockerfile = fs.readFileSync(path.join(repo, 'image', 'Dockerfile'), 'utf8');

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function instructions(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line) && current === '') continue;
    if (/^\s*$/.test(line) && current === '') continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
    } else {
      out.push(`${current}${line.trim()}`.trim());
      current = '';
    }
  }
  return out;
}
const steps = instructions(dockerfile);

describe('helper scripts', () => {
  it('pass shellcheck as POSIX sh', () => {
    const files = [...scripts, ...mountedScripts].map((s) => path.join(scriptsDir, s));
    const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', ...files], { encoding: 'utf8' });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('shellcheck is not installed: apt-get install -y shellcheck (CI installs it the same way)');
    }
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('the engine scripts and the stand-in cargo pass shellcheck (bash and POSIX sh)', () => {
    const engine = path.join(repo, 'test', 'engine');
    // real-rust/: the real-Rust builder's build script and its cargo-chef stand-in (bash).
    const bash = [...['engine-up.sh', 'engine-down.sh', 'standin-images.sh', 'cosign.sh', 'real-rust/build.sh', 'real-rust/cargo-chef'].map((f) => path.join(engine, f)), path.join(repo, 'test', 'fresh-machine.sh')];
    const sh = [path.join(engine, 'images', 'muslrust-chef-standin', 'cargo')];
    for (const [shell, files] of [['bash', bash], ['sh', sh]] as const) {
      const r = spawnSync('shellcheck', [`--shell=${shell}`, '--severity=style', ...files], { encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it.each(['build.sh', 'cargo-chef'])('test/engine/real-rust/%s is executable (the engine bring-up and the image run it)', (name) => {
    expect(fs.statSync(path.join(repo, 'test', 'engine', 'real-rust', name)).mode & 0o111).toBe(0o111);
  });

  it.each([...scripts, ...mountedScripts])('%s is an executable #!/bin/sh script', (name) => {
    const file = path.join(scriptsDir, name);
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe('#!/bin/sh');
    expect(fs.statSync(file).mode & 0o111).toBe(0o111);
  });
});

describe('image/Dockerfile', () => {
  it('has no # syntax= line (the built-in frontend is enough)', () => {
    expect(dockerfile).not.toMatch(/^#\s*syntax\s*=/im);
  });

  it('builds FROM clux/muslrust at a pinned <rustver>-stable tag given by ARG MUSLRUST_TAG', () => {
    expect(steps[0]).toMatch(/^ARG MUSLRUST_TAG=\d+\.\d+\.\d+-stable$/);
    expect(steps[1]).toBe('FROM clux/muslrust:${MUSLRUST_TAG} AS muslrust-chef');
    // the builder-image workflow reads the default with this exact pattern
    expect(/^ARG MUSLRUST_TAG=(.*)$/m.exec(dockerfile)?.[1]).toMatch(/^\d+\.\d+\.\d+-stable$/);
  });

  it('runs as root', () => {
    expect(steps).toContain('USER root');
  });

  it('installs a pinned cargo-chef with --locked, built for the gnu host triple', () => {
    expect(steps).toContainEqual(expect.stringMatching(/^ARG CARGO_CHEF_VERSION=\d+\.\d+\.\d+$/));
    const install = steps.find((s) => s.includes('cargo install'));
    expect(install).toBeDefined();
    expect(install).toContain('CARGO_BUILD_TARGET="$(uname -m)-unknown-linux-gnu"');
    expect(install).toContain('cargo install --locked cargo-chef --version "${CARGO_CHEF_VERSION}"');
  });

  it('copies both helper scripts to /usr/local/bin/ from the image/ context', () => {
    const copy = steps.find((s) => s.startsWith('COPY '));
    expect(copy).toBe(`COPY ${scripts.map((s) => `scripts/${s}`).join(' ')} /usr/local/bin/`);
    for (const s of scripts) expect(fs.existsSync(path.join(scriptsDir, s))).toBe(true);
  });

  it('sets CARGO_NET_GIT_FETCH_WITH_CLI=true and WORKDIR /volume', () => {
    expect(steps).toContain('ENV CARGO_NET_GIT_FETCH_WITH_CLI=true');
    expect(steps).toContain('WORKDIR /volume');
  });

  it('carries OCI labels', () => {
    const labels = steps.filter((s) => s.startsWith('LABEL ')).join(' ');
    for (const key of ['title', 'description', 'licenses', 'base.name', 'version']) {
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    }
  });

  it('cross-compiles: both musl targets, the pinned zig verified before unpacking, the foreign target\'s environment per image arch', () => {
    expect(steps).toContain('RUN rustup target add x86_64-unknown-linux-musl aarch64-unknown-linux-musl');
    const zig = steps.find((s) => s.includes('ziglang.org')) ?? '';
    expect(zig).toContain(`https://ziglang.org/download/${PINNED_ZIG.version}/zig-linux-$arch-${PINNED_ZIG.version}.tar.xz`);
    for (const [arch, sum] of Object.entries(PINNED_ZIG.sha256)) expect(zig).toContain(`${arch}) sum=${sum} ;;`);
    expect(zig.indexOf('sha256sum -c -')).toBeLessThan(zig.indexOf('tar -xJf'));
    // Each image arch sets up the OTHER target; the last stage picks by TARGETARCH.
    const amd = steps[steps.indexOf('FROM muslrust-chef AS cross-from-amd64') + 1] ?? '';
    const arm = steps[steps.indexOf('FROM muslrust-chef AS cross-from-arm64') + 1] ?? '';
    expect(amd).toContain(`CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="${MUSLRUST_CROSS_RUSTFLAGS}"`);
    expect(amd).toContain('CC_aarch64_unknown_linux_musl=/usr/local/bin/zigcc-aarch64-linux-musl');
    expect(amd).not.toContain('x86_64');
    expect(arm).toContain(`CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="${MUSLRUST_CROSS_RUSTFLAGS}"`);
    expect(arm).toContain('AR_x86_64_unknown_linux_musl=/usr/local/bin/zigar');
    expect(steps).toContain('FROM cross-from-${TARGETARCH}');
    for (const l of ['zigcc-aarch64-linux-musl', 'zigcc-x86_64-linux-musl', 'zigar']) expect(zig).toContain(l);
  });
});
