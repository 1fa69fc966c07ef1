// The builder image's sources: the helper scripts pass shellcheck as POSIX sh (real shellcheck,
// which CI installs with apt), and image/Dockerfile has the shape the action and the
// builder-image workflow rely on. The Dockerfile is not built here: clux/muslrust cannot be pulled
// on this machine; .github/workflows/builder-image.yml builds and smoke-tests it on GitHub.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const scriptsDir = path.join(repo, 'image', 'scripts');
const scripts = ['muslrust-chef-locate', 'muslrust-chef-check-static'];
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
    const files = scripts.map((s) => path.join(scriptsDir, s));
    const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', ...files], { encoding: 'utf8' });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('shellcheck is not installed: apt-get install -y shellcheck (CI installs it the same way)');
    }
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(scripts)('%s is an executable #!/bin/sh script', (name) => {
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
    expect(steps[1]).toBe('FROM clux/muslrust:${MUSLRUST_TAG}');
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
});
