/**
 * Engine tests: the bundled action (dist/index.js) against a REAL build engine (test/engine/engine-up.sh:
 * dockerd 28 + containerd image store + buildx 0.29 + QEMU binfmt + a registry on 127.0.0.1:5000
 * that dockerd uses as its registry mirror).
 *
 * Two images are STAND-INS, made by test/engine/standin-images.sh, because Docker Hub (and crates.io)
 * cannot be reached here: `chainguard/static:latest` resolves through the mirror to a shell-less,
 * libc-less stand-in, and the builder is `127.0.0.1:5000/muslrust-chef-standin:test`, whose `cargo`
 * writes tiny static ELFs instead of compiling Rust. Everything else is real.
 *
 * Bring-up happens when a test file is collected (jest decides test vs test.skip then, so a
 * beforeAll would be too late to report a skip): exit 77 from the scripts means "this host cannot
 * run the engine" and the tests are SKIPPED with a loud banner, unless REQUIRE_ENGINE=1, where they
 * fail. Any other bring-up failure always fails the tests.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers/action-runner.js';

export const REGISTRY = '127.0.0.1:5000';
/** Stand-in for the muslrust-chef builder (see test/engine/standin-images.sh): no compiler, tiny ELFs. */
export const STANDIN_BUILDER = `${REGISTRY}/muslrust-chef-standin:test`;
/** The real-Rust builder stand-in (test/engine/real-rust/build.sh): Debian's rustc/cargo, linux/amd64. */
export const RUST_BUILDER = `${REGISTRY}/muslrust-chef-rust:test`;
/** Its cross variant: also compiles for aarch64-unknown-linux-gnu from amd64, without QEMU. */
export const RUST_CROSS_BUILDER = `${REGISTRY}/muslrust-chef-rust:cross`;
/**
 * Inputs for 2-platform stand-in tests that prove the emulated path (every platform's stages on its
 * own platform, named per platform in the log; cross.test.ts covers the cross-compiled default). The
 * engine's own binfmt runs the stand-in: the pinned binfmt image the action would install is on
 * Docker Hub, which this machine cannot reach.
 */
export const STANDIN_EMULATED = { cross: 'false', qemu: 'false' } as const;
/**
 * Inputs for builds with STANDIN_BUILDER: its cargo compiles nothing and has no cargo-auditable, so
 * there is no dependency list to embed or read (the supply-chain test covers those with real Rust).
 */
export const STANDIN_SUPPLY = { auditable: 'false', sbom: 'false' } as const;
/** The bring-up scripts under test/engine/ exit with this when the host cannot run the engine. */
export const EXIT_UNSUPPORTED = 77;

export type EngineStatus =
  | { state: 'up'; seconds: number }
  | { state: 'unsupported'; reason: string }
  | { state: 'broken'; reason: string };

function runScript(script: string): { code: number; out: string } {
  const r = spawnSync('bash', [path.join(ROOT, 'test', 'engine', script)], {
    cwd: ROOT,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 20 * 60 * 1000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  return { code: r.status ?? -1, out };
}

const lastLine = (s: string): string => s.trim().split('\n').filter(Boolean).pop() ?? '';

/**
 * Idempotent: engine-up.sh (about 1 s when already up), then the stand-in images, each skipped when
 * the registry already holds its current build context (the real-Rust builder costs 2-3 min once on
 * a fresh machine: mmdebstrap of Debian sid).
 */
export function bringUpEngine(): EngineStatus {
  const t0 = Date.now();
  for (const script of ['engine-up.sh', 'standin-images.sh', 'real-rust/build.sh']) {
    const { code, out } = runScript(script);
    if (code === EXIT_UNSUPPORTED) return { state: 'unsupported', reason: `test/engine/${script}: ${lastLine(out)}` };
    if (code !== 0) return { state: 'broken', reason: `test/engine/${script} exited ${code}:\n${out.trim().split('\n').slice(-40).join('\n')}` };
  }
  return { state: 'up', seconds: (Date.now() - t0) / 1000 };
}

export const requireEngine = (): boolean => process.env.REQUIRE_ENGINE === '1';

export type EngineTest = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;

/**
 * `test` when the engine is up; `test.skip` (after a loud banner naming the reason) when the host
 * cannot run it; `test` with a failing beforeAll when REQUIRE_ENGINE=1 or the bring-up broke.
 */
export function engineTest(status: EngineStatus): EngineTest {
  if (status.state === 'up') return test;
  if (status.state === 'unsupported' && !requireEngine()) {
    const bar = '#'.repeat(100);
    const banner = [
      bar,
      '# ENGINE TESTS SKIPPED: this host cannot run the real build engine.',
      `# ${status.reason}`,
      '# They need Linux x86_64, root, binfmt_misc and Debian apt (see docs/engine.md).',
      '# Set REQUIRE_ENGINE=1 to make this a failure instead (CI does).',
      bar,
    ].join('\n');
    // Straight to stderr: jest shows no console.warn of a file whose tests all skip.
    process.stderr.write(`\n${banner}\n`);
    return (name, fn, timeout) => test.skip(`${name} [SKIPPED: ${status.reason}]`, fn, timeout);
  }
  beforeAll(() => {
    throw new Error(
      status.state === 'unsupported'
        ? `REQUIRE_ENGINE=1 but this host cannot run the engine: ${status.reason}`
        : `bringing up the engine failed (a real failure, not a skip): ${status.reason}`,
    );
  });
  return test;
}

// ------------------------------------------------------------------ docker and the registry

export function docker(args: string[], opts: { allowFailure?: boolean } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 10 * 60 * 1000, env: { ...process.env, DOCKER_CLI_HINTS: 'false' } });
  const res = { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  if (res.code !== 0 && !opts.allowFailure) throw new Error(`docker ${args.join(' ')} exited ${res.code}: ${res.stderr || res.stdout}`);
  return res;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The registry's digest for REPO:TAG (what a pull by tag resolves to), or undefined when absent. */
export async function registryDigest(repo: string, tag: string): Promise<string | undefined> {
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { Accept: MANIFEST_TYPES } });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`registry HEAD ${repo}:${tag}: HTTP ${res.status}`);
  return res.headers.get('docker-content-digest') ?? undefined;
}

/** Deletes REPO:TAG's manifest from the local registry (so a test sees only its own push). */
export async function deleteTag(repo: string, tag: string): Promise<void> {
  const digest = await registryDigest(repo, tag);
  if (!digest) return;
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${digest}`, { method: 'DELETE' });
  if (!res.ok && res.status !== 404) throw new Error(`registry DELETE ${repo}@${digest}: HTTP ${res.status}`);
}

/** Names of the buildx builders the daemon knows. */
export function builderNames(): string[] {
  return docker(['buildx', 'ls', '--format', '{{.Name}}'])
    .stdout.split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
