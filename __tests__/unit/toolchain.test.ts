import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MUSLRUST_TAG } from '../../src/plan/dockerfile.js';
import { readToolchainPin, type ToolchainPin } from '../../src/read/toolchain-file.js';
import { resolveToolchain, toolchainLines } from '../../src/plan/toolchain.js';

function dir(files: Record<string, string>): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mca-tc-'));
  for (const [p, c] of Object.entries(files)) fs.writeFileSync(path.join(d, p), c);
  return d;
}

describe('readToolchainPin reads the file the way rustup does', () => {
  test.each<[string, Record<string, string>, Partial<ToolchainPin> | undefined]>([
    ['no file', {}, undefined],
    ['toml with every key', { 'rust-toolchain.toml': '[toolchain]\nchannel = "1.85"\ncomponents = ["rust-src", "clippy"]\ntargets = ["wasm32-unknown-unknown"]\nprofile = "default"\n' }, { file: 'rust-toolchain.toml', channel: '1.85', components: ['rust-src', 'clippy'], targets: ['wasm32-unknown-unknown'], profile: 'default' }],
    ['legacy one-line file is a bare channel', { 'rust-toolchain': 'nightly-2025-06-01\n' }, { file: 'rust-toolchain', channel: 'nightly-2025-06-01' }],
    ['legacy file with several lines is TOML', { 'rust-toolchain': '[toolchain]\nchannel = "1.90.0"\n' }, { file: 'rust-toolchain', channel: '1.90.0' }],
    // rustup: "both … exist; using contents of rust-toolchain"
    ['rust-toolchain wins over rust-toolchain.toml', { 'rust-toolchain': '1.80.0\n', 'rust-toolchain.toml': '[toolchain]\nchannel = "1.90.0"\n' }, { file: 'rust-toolchain', channel: '1.80.0' }],
    ['components only: no channel (the default toolchain)', { 'rust-toolchain.toml': '[toolchain]\ncomponents = ["rust-src"]\n' }, { channel: undefined, components: ['rust-src'] }],
  ])('%s', (_name, files, want) => {
    const pin = readToolchainPin(dir(files));
    if (want === undefined) expect(pin).toBeUndefined();
    else expect(pin).toMatchObject(want);
  });

  test.each<[string, Record<string, string>, RegExp]>([
    ['empty file', { 'rust-toolchain': '' }, /^rust-toolchain is empty.*Remove it/],
    ['one-line .toml is not a bare channel', { 'rust-toolchain.toml': '1.85.0\n' }, /^rust-toolchain.toml is not valid TOML/],
    ['broken TOML', { 'rust-toolchain.toml': '[toolchain\nchannel = "1.85"' }, /not valid TOML/],
    ['no [toolchain] table', { 'rust-toolchain.toml': 'channel = "1.85"\n' }, /has no \[toolchain\] table.*channel = "1.85.1"/],
    ['empty [toolchain]', { 'rust-toolchain.toml': '[toolchain]\nprofile = "minimal"\n' }, /without channel, components or targets/],
    ['host triple in the channel', { 'rust-toolchain.toml': '[toolchain]\nchannel = "1.85.0-x86_64-unknown-linux-gnu"\n' }, /names a host \(x86_64-unknown-linux-gnu\).*channel = "1.85.0"/],
    ['not a channel', { 'rust-toolchain': 'latest\n' }, /pins channel "latest", which rustup does not accept.*1.85.1/],
    ['shell in the channel never reaches the Dockerfile', { 'rust-toolchain.toml': '[toolchain]\nchannel = "1.85; curl x | sh"\n' }, /does not accept/],
    ['path toolchain', { 'rust-toolchain.toml': '[toolchain]\npath = "/opt/rust"\n' }, /sets path = "\/opt\/rust", a local toolchain/],
    ['absolute path in the legacy file', { 'rust-toolchain': '/opt/rust\n' }, /local toolchain directory/],
    ['bad profile', { 'rust-toolchain.toml': '[toolchain]\nchannel = "1.85"\nprofile = "tiny"\n' }, /profile = "tiny".*minimal, default, complete/],
    ['component with shell characters', { 'rust-toolchain.toml': '[toolchain]\nchannel = "1.85"\ncomponents = ["rust-src && id"]\n' }, /lists component "rust-src && id"/],
  ])('fails at plan time: %s', (_name, files, msg) => {
    expect(() => readToolchainPin(dir(files))).toThrow(msg);
  });
});

const pin = (channel: string | undefined, more: Partial<ToolchainPin> = {}): ToolchainPin => ({ file: 'rust-toolchain.toml', channel, components: [], targets: [], ...more });
const resolve = (p: ToolchainPin | undefined, o: { builderImage?: boolean; lock?: string } = {}) =>
  resolveToolchain(p, { builderImage: o.builderImage ?? false, defaultTag: DEFAULT_MUSLRUST_TAG, lock: o.lock ?? 'version = 3\n' });

describe('resolveToolchain: one toolchain for prepare, cook and build', () => {
  test.each<[string, ToolchainPin | undefined, { tag: string; toolchain: string; install: boolean }]>([
    ['no pin: the default image, its own toolchain', undefined, { tag: DEFAULT_MUSLRUST_TAG, toolchain: '', install: false }],
    ['exact version: that muslrust tag, whose stable is it', pin('1.90.0'), { tag: '1.90.0-stable', toolchain: 'stable', install: false }],
    // rustup resolves 1.85 to its newest patch: install it under that name rather than guess a tag
    ['major.minor: rustup resolves it, for cook and build alike', pin('1.90'), { tag: DEFAULT_MUSLRUST_TAG, toolchain: '1.90', install: true }],
    ['exact version older than cargo-chef needs', pin('1.85.0'), { tag: DEFAULT_MUSLRUST_TAG, toolchain: '1.85.0', install: true }],
    ['undated nightly: the nightly tag', pin('nightly'), { tag: 'nightly', toolchain: 'nightly', install: false }],
    ['dated nightly: installed exactly', pin('nightly-2025-06-01'), { tag: DEFAULT_MUSLRUST_TAG, toolchain: 'nightly-2025-06-01', install: true }],
    ['stable', pin('stable'), { tag: 'stable', toolchain: 'stable', install: false }],
    ['beta has no muslrust tag', pin('beta'), { tag: DEFAULT_MUSLRUST_TAG, toolchain: 'beta', install: true }],
    ['components only: the default image\'s toolchain', pin(undefined, { components: ['rust-src'] }), { tag: DEFAULT_MUSLRUST_TAG, toolchain: 'stable', install: false }],
  ])('%s', (_name, p, want) => {
    const t = resolve(p);
    expect({ tag: t.muslrustTag, toolchain: t.toolchain, install: t.install }).toEqual(want);
  });

  test('a prebuilt builder installs version pins but never updates its moving channels', () => {
    expect(resolve(pin('1.90.0'), { builderImage: true })).toMatchObject({ toolchain: '1.90.0', install: true });
    expect(resolve(pin('stable'), { builderImage: true })).toMatchObject({ toolchain: 'stable', install: false });
  });

  test('pins older than multi-platform muslrust warn, naming the pin', () => {
    const t = resolve(pin('1.70.0'));
    expect(t.warnings).toEqual([expect.stringMatching(/^rust-toolchain.toml pins 1.70.0, older than any multi-platform clux\/muslrust image \(1.76.0\)/)]);
    expect(resolve(pin('1.80.0')).warnings).toEqual([]);
  });

  test('a version-4 Cargo.lock with a pin older than 1.78 fails at plan time, naming both', () => {
    expect(() => resolve(pin('1.75'), { lock: '# generated\nversion = 4\n' })).toThrow(/rust-toolchain.toml pins 1.75, but Cargo.lock is version 4.*Pin 1.78.0 or newer/);
    expect(() => resolve(pin('1.75'), { lock: 'version = 3\n' })).not.toThrow();
  });
});

describe('toolchainLines', () => {
  test('an install pins the musl target, profile and components, then selects it by RUSTUP_TOOLCHAIN', () => {
    const lines = toolchainLines(resolve(pin('1.85', { components: ['rust-src', 'clippy'] })));
    expect(lines.filter((l) => !l.startsWith('#'))).toEqual([
      'RUN rustup toolchain install 1.85 --no-self-update --profile minimal --target "$(uname -m)-unknown-linux-musl" --component rust-src,clippy \\\n && rustup run 1.85 rustc --version',
      'ENV RUSTUP_TOOLCHAIN=1.85',
    ]);
  });

  test('a toolchain the image has only gets the listed components', () => {
    expect(toolchainLines(resolve(pin('1.90.0', { components: ['rust-src'], profile: 'default' }))).filter((l) => !l.startsWith('#'))).toEqual([
      'RUN rustup component add --toolchain stable rust-src',
      'ENV RUSTUP_TOOLCHAIN=stable',
    ]);
    expect(toolchainLines(resolve(pin('nightly'))).filter((l) => !l.startsWith('#'))).toEqual(['ENV RUSTUP_TOOLCHAIN=nightly']);
  });

  test('no pin, no lines', () => expect(toolchainLines(resolve(undefined))).toEqual([]));
});
