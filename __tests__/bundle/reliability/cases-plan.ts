import fs from 'node:fs';
import path from 'node:path';
import { bad, HELLO, workspace, type Case, type Ctx } from './case-kit.js';
import { TOKEN } from './observe.js';

// Bad-input rows about what the plan reads beyond the inputs: logins per registry, the workspace's
// rust-toolchain pin, Cargo.lock against what muslrust carries, and what dry-run must warn about.

/** examples/hello copied to ws/DIR with extra files (paths relative to DIR); `context` points at it. */
function helloIn(c: Ctx, dir: string, files: Record<string, string>): { env: Record<string, string>; inputs: Record<string, string> } {
  const env = workspace(c, {});
  const root = path.join(c.scratch, 'ws', dir);
  fs.cpSync(HELLO, root, { recursive: true, filter: (p) => !p.includes('/target') });
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(root, f), text);
  return { env, inputs: { context: dir } };
}

export const PLAN_CASES: Case[] = [
  bad('Bad input', 'image on a second registry without a login', { image: 'org/hello\nghcr.io/org/hello' }, 'image', 'ghcr.io/org/hello', /no credentials for ghcr\.io.*registry-auth/s, 'the registry that has no login and registry-auth'),
  bad('Bad input', 'registry-auth: not a list', { username: '', password: '', 'registry-auth': `registry: ghcr.io\nusername: u\npassword: ${TOKEN}` }, 'registry-auth', '***', /YAML list.*registry: ghcr.io/s, 'an example list (never the value: it holds passwords)'),
  bad('Bad input', 'registry-auth with username/password', { 'registry-auth': '- registry: ghcr.io\n  username: u\n  password: ghp_other-secret' }, 'registry-auth', '***', /one entry per registry/, 'to use one or the other'),
  {
    name: 'rust-toolchain.toml pins a host-specific toolchain',
    group: 'Bad input',
    expected: 'exit 1 before any docker command; the error names rust-toolchain.toml, the channel, and the channel without the host',
    prepare: (c) => helloIn(c, 'pin', { 'rust-toolchain.toml': '[toolchain]\nchannel = "1.85.0-x86_64-unknown-linux-gnu"\n' }),
    expect: { kind: 'fails', error: /^rust-toolchain\.toml pins channel "1\.85\.0-x86_64-unknown-linux-gnu", which names a host.*channel = "1\.85\.0"/ },
    check: (o) => expect(o.calls).toEqual([]),
  },
  {
    name: 'rust-toolchain.toml pins 1.85',
    group: 'Bad input',
    expected: 'builds; the chef stage installs 1.85 with the musl target and selects it (RUSTUP_TOOLCHAIN) for prepare, cook and build',
    prepare: (c) => {
      const { env, inputs } = helloIn(c, 'pin', { 'rust-toolchain.toml': '[toolchain]\nchannel = "1.85"\ncomponents = ["rust-src"]\n' });
      return {
        env,
        inputs: { ...inputs, 'dry-run': 'true' },
        check: (o) => {
          const df = fs.readFileSync(o.main.outputs.dockerfile ?? '', 'utf8');
          const lines = df.split('\n').filter((l) => /rustup|RUSTUP_TOOLCHAIN/.test(l) && !l.startsWith('#'));
          expect(lines).toEqual(['RUN rustup toolchain install 1.85 --no-self-update --profile minimal --target "$(uname -m)-unknown-linux-musl" --component rust-src \\', ' && rustup run 1.85 rustc --version', 'ENV RUSTUP_TOOLCHAIN=1.85', 'RUN rustup target add x86_64-unknown-linux-musl aarch64-unknown-linux-musl']);
          return lines.map((l) => `Dockerfile: ${l.trim()}`);
        },
      };
    },
    expect: { kind: 'ok' },
  },
  {
    name: 'Cargo.lock links the system OpenSSL',
    group: 'Bad input',
    expected: 'exit 1 before any docker command; the error names openssl-sys, who pulls it in, and the two fixes (rustls, vendored)',
    prepare: (c) => {
      const src = 'source = "registry+https://github.com/rust-lang/crates.io-index"';
      const extra = `\n[[package]]\nname = "native-tls"\nversion = "0.2.14"\n${src}\ndependencies = ["openssl-sys"]\n\n[[package]]\nname = "openssl-sys"\nversion = "0.9.109"\n${src}\n`;
      return helloIn(c, 'tls', { 'Cargo.lock': fs.readFileSync(path.join(HELLO, 'Cargo.lock'), 'utf8') + extra });
    },
    expect: { kind: 'fails', error: /^Cargo\.lock has openssl-sys \(native-tls → openssl-sys\) but not openssl-src.*rustls-tls.*"vendored"/ },
    check: (o) => expect(o.calls).toEqual([]),
  },
  {
    name: 'dry-run without the cache service variables',
    group: 'Bad input',
    expected: 'the plan warns, as the real run would, that buildx will skip the gha cache; no docker command',
    inputs: { cache: 'gha', 'dry-run': 'true' },
    warnings: [/^cache: gha needs the runner's cache service variables/],
    expect: { kind: 'ok' },
    check: (o) => expect(o.calls).toEqual([]),
  },
];
