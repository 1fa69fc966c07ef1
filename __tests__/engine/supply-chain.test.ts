import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import elfy from 'elfy';
import { remapWrapper } from '../../src/plan/dockerfile.js';
import { ActionRunner, describeStep, ROOT } from '../helpers/action-runner.js';
import { bringUpEngine, docker, engineTest, REGISTRY, registryDigest, RUST_BUILDER, STANDIN_BUILDER, STANDIN_SUPPLY } from './helpers.js';

// Issue 14 on the real engine with REAL Rust (test/engine/real-rust: Debian sid rustc 1.9x,
// cargo-auditable, offline Debian crates; linux/amd64 only, so arm64 is not proven here: the
// cross builder is not part of this tree). The fixture test/fixtures/rust-app is a git checkout
// with a fixed commit date. cosign is Debian sid's 3.1.1 on PATH (test/engine/cosign.sh).
const engine = bringUpEngine();
const it = engineTest(engine);

const REPO = 'supply-chain-e2e';
const IMAGE = `${REGISTRY}/${REPO}`;
const COMMIT_DATE = '2024-05-06T07:08:09Z';
const run = (cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, env: { ...process.env, ...opts.env }, input: opts.input, timeout: 120_000 });

function gitCommit(dir: string, message: string): void {
  const env = { GIT_AUTHOR_DATE: COMMIT_DATE, GIT_COMMITTER_DATE: COMMIT_DATE, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', message]]) {
    if (args[0] === 'init' && fs.existsSync(path.join(dir, '.git'))) continue;
    const r = run('git', args, { cwd: dir, env });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  }
}

/** The binary inside the pushed image: its last layer's usr/local/bin/app, read from the registry. */
async function binaryOf(digest: string, dir: string): Promise<string> {
  const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  const man = (await (await fetch(`http://${REGISTRY}/v2/${REPO}/manifests/${digest}`, { headers: { Accept: accept } })).json()) as { layers: Array<{ digest: string }> };
  const layer = man.layers[man.layers.length - 1]?.digest ?? '';
  const blob = Buffer.from(await (await fetch(`http://${REGISTRY}/v2/${REPO}/blobs/${layer}`)).arrayBuffer());
  const tgz = path.join(dir, 'layer.tgz');
  fs.writeFileSync(tgz, blob);
  const r = run('tar', ['-xzf', tgz, '-C', dir, 'usr/local/bin/app']);
  if (r.status !== 0) throw new Error(`tar: ${r.stderr}`);
  return path.join(dir, 'usr/local/bin/app');
}

/** Versions of the fixture's registry crates, from its Cargo.lock. */
function lockVersions(lock: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of lock.matchAll(/name = "([^"]+)"\nversion = "([^"]+)"\nsource = "registry/g)) out[m[1] ?? ''] = m[2] ?? '';
  return out;
}

describe('engine: reproducible, auditable, SBOM and signed images (real Rust)', () => {
  let runner: ActionRunner | undefined;
  let cosignDir = '';
  let keyDir = '';
  afterAll(() => {
    runner?.cleanup();
    if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
  });

  const inputs = (): Record<string, string> => ({
    image: IMAGE,
    'builder-image': RUST_BUILDER,
    platforms: 'linux/amd64',
    driver: 'docker',
    push: 'true',
    cache: 'none',
    tags: 'type=raw,value=latest',
    sign: 'true',
    'cosign-key': fs.readFileSync(path.join(keyDir, 'cosign.key'), 'utf8'),
    'cosign-password': 'engine-test',
    'transparency-log': 'false',
  });
  const main = async () => {
    const r = await runner!.main(inputs(), { PATH: `${cosignDir}:${runner!.inputEnv({}).PATH}` });
    if (r.code !== 0) throw new Error(describeStep(r));
    const post = await runner!.post();
    if (post.code !== 0) throw new Error(describeStep(post));
    return r;
  };
  const prune = () => docker(['buildx', 'prune', '-af']);

  it('same commit twice on a pruned builder → same digest; a source change → a new one; auditable section, SBOM, signature', async () => {
    const c = run('bash', [path.join(ROOT, 'test/engine/cosign.sh')]);
    if (c.status !== 0) throw new Error(`test/engine/cosign.sh: ${c.stderr}`);
    cosignDir = c.stdout.trim();
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosign-keys-'));
    const gen = run(path.join(cosignDir, 'cosign'), ['generate-key-pair'], { cwd: keyDir, env: { COSIGN_PASSWORD: 'engine-test' } });
    if (gen.status !== 0) throw new Error(`cosign generate-key-pair: ${gen.stderr}`);

    runner = new ActionRunner({ fixture: 'test/fixtures/rust-app', docker: 'real' });
    gitCommit(runner.workspace, 'first');

    prune();
    const first = await main();
    const d1 = first.outputs.digest ?? '';
    expect(d1).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(first.outputs['source-date-epoch']).toBe(String(Date.parse(COMMIT_DATE) / 1000));
    prune();
    const second = await main();
    // Cold both times (build cache pruned): only SOURCE_DATE_EPOCH, clamped file times and fixed
    // paths make these equal.
    expect(second.outputs.digest).toBe(d1);
    expect(await registryDigest(REPO, 'latest')).toBe(d1);

    // The binary carries cargo-auditable's dependency list (after muslrust-chef-locate's strip).
    const bin = await binaryOf(d1, runner.dir);
    const sections = elfy.parse(fs.readFileSync(bin)).body.sections.map((s) => s.name);
    expect(sections).toContain('.dep-v0');

    // The SBOM lists the fixture's real crates with their Cargo.lock versions.
    const sbomFile = path.join(first.outputs.sbom ?? '', 'app_linux_amd64.cdx.json');
    const bom = JSON.parse(fs.readFileSync(sbomFile, 'utf8')) as { components: Array<{ name: string; version: string; purl?: string }>; metadata: { component: { name: string } } };
    const versions = lockVersions(fs.readFileSync(path.join(runner.workspace, 'Cargo.lock'), 'utf8'));
    for (const crate of ['clap', 'serde', 'serde_json', 'anyhow']) {
      const comp = bom.components.find((x) => x.name === crate);
      expect({ crate, version: comp?.version, purl: comp?.purl }).toEqual({ crate, version: versions[crate], purl: `pkg:cargo/${crate}@${versions[crate]}` });
    }
    expect(bom.metadata.component.name).toBe('app');
    expect(bom.components.map((x) => x.name)).toContain('model');
    // proc macros are build-time only: not linked, not listed
    expect(bom.components.map((x) => x.name)).not.toContain('serde_derive');
    expect(JSON.parse(first.outputs['sbom-crates'] ?? '{}')).toEqual({ 'linux/amd64': bom.components.length });

    // Signed with the key: cosign verify accepts the tag; a tampered tag (another image) fails.
    const verify = (ref: string) => run(path.join(cosignDir, 'cosign'), ['verify', '--key', path.join(keyDir, 'cosign.pub'), '--insecure-ignore-tlog=true', ref]);
    const ok = verify(`${IMAGE}:latest`);
    expect({ status: ok.status, err: ok.status === 0 ? '' : ok.stderr }).toEqual({ status: 0, err: '' });
    const att = run(path.join(cosignDir, 'cosign'), ['verify-attestation', '--key', path.join(keyDir, 'cosign.pub'), '--insecure-ignore-tlog=true', '--type', 'cyclonedx', `${IMAGE}@${d1}`]);
    expect({ status: att.status, err: att.status === 0 ? '' : att.stderr }).toEqual({ status: 0, err: '' });

    // A source change gives a new digest.
    const main_rs = path.join(runner.workspace, 'crates/app/src/main.rs');
    fs.writeFileSync(main_rs, fs.readFileSync(main_rs, 'utf8').replace(/"([^"]*)"/, '"$1 (changed)"'));
    gitCommit(runner.workspace, 'second');
    const third = await main();
    expect(third.outputs.digest).not.toBe(d1);
    // cargo-auditable wraps only the workspace's crates: the cooked dependency layer was reused.
    expect(third.stdout).toMatch(/#(\d+) \[[^\]]*builder[^\]]*\] RUN cargo chef cook[^\n]*\n(?:#\1 [^\n]*\n)*?#\1 CACHED/);

    docker(['buildx', 'imagetools', 'create', '--tag', `${IMAGE}:latest`, `${REGISTRY}/library/busybox:latest`]);
    const tampered = verify(`${IMAGE}:latest`);
    expect(tampered.status).not.toBe(0);
    expect(tampered.stderr).toMatch(/no signatures found|no matching signatures/i);
  });

  it('the generated RUSTC_WRAPPER remaps CARGO_HOME and the workspace in what rustc embeds (file!() of a crate under CARGO_HOME)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remap-'));
    try {
      const steps = [
        'mkdir -p "$CARGO_HOME/dep/src" app/src',
        `printf '[package]\\nname = "dep"\\nversion = "0.1.0"\\nedition = "2021"\\n' >"$CARGO_HOME/dep/Cargo.toml"`,
        `printf 'pub fn here() -> &%sstatic str { file!() }\\n' "'" >"$CARGO_HOME/dep/src/lib.rs"`,
        `printf '[package]\\nname = "app"\\nversion = "0.1.0"\\nedition = "2021"\\n[dependencies]\\ndep = { path = "%s/dep" }\\n' "$CARGO_HOME" >app/Cargo.toml`,
        `printf 'fn main() { println!("{}", dep::here()); }\\n' >app/src/main.rs`,
        'cd app && cargo run -q >/remapped.txt',
      ];
      fs.writeFileSync(path.join(dir, 'Dockerfile'), [`FROM ${RUST_BUILDER} AS b`, 'WORKDIR /volume', ...remapWrapper(), `RUN ${steps.join(' \\\n && ')}`, 'FROM scratch', 'COPY --from=b /remapped.txt /', ''].join('\n'));
      docker(['buildx', 'build', '--builder', 'default', '--no-cache', '--output', `type=local,dest=${path.join(dir, 'out')}`, dir]);
      expect(fs.readFileSync(path.join(dir, 'out', 'remapped.txt'), 'utf8').trim()).toBe('/cargo/dep/src/lib.rs');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('both platforms (stand-in builder, arm64 under QEMU): the manifest list and each platform digest are the same after a prune', async () => {
    const hello = new ActionRunner({ fixture: 'examples/hello', docker: 'real' });
    try {
      gitCommit(hello.workspace, 'hello');
      const inputs = { image: `${REGISTRY}/supply-chain-multi`, 'builder-image': STANDIN_BUILDER, ...STANDIN_SUPPLY, platforms: 'linux/amd64,linux/arm64', driver: 'docker', push: 'true', cache: 'none', tags: 'type=raw,value=latest' };
      const digests: string[] = [];
      for (let i = 0; i < 2; i++) {
        prune();
        const r = await hello.main(inputs);
        if (r.code !== 0) throw new Error(describeStep(r));
        if ((await hello.post()).code !== 0) throw new Error('post failed');
        const raw = docker(['buildx', 'imagetools', 'inspect', '--raw', `${REGISTRY}/supply-chain-multi@${r.outputs.digest}`]).stdout;
        const platforms = (JSON.parse(raw) as { manifests: Array<{ digest: string; platform: { architecture: string } }> }).manifests.map((m) => `${m.platform.architecture}=${m.digest}`);
        expect(platforms).toHaveLength(2);
        digests.push([r.outputs.digest, ...platforms].join(' '));
      }
      expect(digests[1]).toBe(digests[0]);
    } finally {
      hello.cleanup();
    }
  });
});
