import { InputError } from '../errors.js';
import { Input, type Inputs } from '../inputs.js';
import { DIGEST_PLACEHOLDER, type PlannedCommand } from './commands.js';
import type { Platform } from './platforms.js';

// Supply-chain decisions of the plan (pure): which time the image claims, whether and how it is
// signed, and the exact cosign argv. Digests are only known after the push, so signing argv carry
// a placeholder the executor fills in (`{digest}`, `{digest:linux/amd64}`); the dry run shows them.

export const SOURCE_DATE_EPOCH = 'SOURCE_DATE_EPOCH';
/** cosign reads the key from this variable (`--key env://…`): the key never reaches argv. */
export const COSIGN_KEY_ENV = 'COSIGN_PRIVATE_KEY';
export const platformDigestPlaceholder = (p: string): string => `{digest:${p}}`;

export interface SourceDate {
  /** Seconds since the epoch, what SOURCE_DATE_EPOCH carries. */
  seconds: number;
  /** Where it came from, for the log and the summary. */
  from: string;
}

/**
 * The commit time, in the order a reproducible build trusts it: an explicit SOURCE_DATE_EPOCH
 * build arg (the user knows best), the checked-out commit (`git log -1 --format=%ct`), the event's
 * head commit timestamp (a push payload, when the checkout has no .git). Undefined when none exists.
 */
export function chooseSourceDate(o: { buildArg?: string; commitEpoch?: number; eventCommitDate?: Date }): SourceDate | undefined {
  if (o.buildArg !== undefined) {
    if (!/^\d{1,12}$/.test(o.buildArg.trim())) {
      throw new InputError(Input.BuildArgs, `${SOURCE_DATE_EPOCH}=${o.buildArg}`, 'sets SOURCE_DATE_EPOCH to something other than whole seconds', 'Give seconds since 1970, e.g. SOURCE_DATE_EPOCH=1700000000, or drop it to use the commit time.');
    }
    return { seconds: Number(o.buildArg.trim()), from: 'the SOURCE_DATE_EPOCH build arg' };
  }
  if (o.commitEpoch !== undefined) return { seconds: o.commitEpoch, from: 'the checked-out commit (git)' };
  if (o.eventCommitDate && !Number.isNaN(o.eventCommitDate.getTime())) {
    return { seconds: Math.floor(o.eventCommitDate.getTime() / 1000), from: "the event's head commit timestamp" };
  }
  return undefined;
}

export interface SignPlan {
  keyed: boolean;
  tlog: boolean;
}

/**
 * Whether to sign, checked before anything is built: keyless signing needs the job's OIDC token,
 * which the runner only offers (ACTIONS_ID_TOKEN_REQUEST_URL) with `permissions: id-token: write`.
 */
export function planSigning(inputs: Inputs, env: Readonly<Record<string, string | undefined>>, push: boolean, warnings: string[]): SignPlan | undefined {
  if (!inputs.sign) return undefined;
  if (!push) {
    warnings.push(`sign: true, but nothing is pushed on this run (push: ${inputs.push}), so nothing is signed.`);
    return undefined;
  }
  const keyed = inputs.cosignKey !== '';
  if (!keyed && !env.ACTIONS_ID_TOKEN_REQUEST_URL) {
    throw new InputError(
      Input.Sign,
      'true',
      "asks for keyless signing, but this job has no OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set)",
      'Add `permissions: id-token: write` to the job (keep `contents: read`), or sign with a key: `cosign-key: ${{ secrets.COSIGN_KEY }}`.',
    );
  }
  return { keyed, tlog: inputs.transparencyLog };
}

function cosignFlags(s: SignPlan): string[] {
  const flags = ['--yes'];
  if (s.keyed) flags.push('--key', `env://${COSIGN_KEY_ENV}`);
  // cosign 3 only turns the log off with the legacy (non signing-config) path.
  if (!s.tlog) flags.push('--use-signing-config=false', '--tlog-upload=false');
  return flags;
}

/** Sign every image name's digest; --recursive also signs each platform manifest of an index. */
export function signCommands(s: SignPlan, images: readonly string[]): PlannedCommand[] {
  return images.map((name) => ({
    id: 'sign',
    argv: ['cosign', 'sign', ...cosignFlags(s), '--recursive', `${name}@${DIGEST_PLACEHOLDER}`],
    note: `sign ${name}@<pushed digest> with cosign (${s.keyed ? 'key from cosign-key' : 'keyless, GitHub OIDC'}${s.tlog ? ', recorded in Rekor' : ', no transparency log'})`,
  }));
}

/** One signed CycloneDX attestation per platform manifest: each platform links its own crates. */
export function attestCommands(s: SignPlan, images: readonly string[], sboms: ReadonlyArray<{ platform: Platform; file: string }>): PlannedCommand[] {
  return images.flatMap((name) =>
    sboms.map(({ platform, file }) => ({
      id: 'attest' as const,
      argv: ['cosign', 'attest', ...cosignFlags(s), '--type', 'cyclonedx', '--predicate', file, `${name}@${platformDigestPlaceholder(platform)}`],
      note: `attach the ${platform} crate SBOM to ${name} as a signed in-toto attestation (cosign verify-attestation --type cyclonedx)`,
    })),
  );
}

/** Fill the digest placeholders of a planned argv; throws when a digest it needs is unknown. */
export function fillDigests(argv: readonly string[], digest: string | undefined, perPlatform: Readonly<Record<string, string>>): string[] {
  return argv.map((a) =>
    a.replace(/\{digest(?::([^}]+))?\}/g, (_, plat: string | undefined) => {
      const d = plat === undefined ? digest : perPlatform[plat];
      if (!d) throw new Error(`No pushed digest known for ${plat ?? 'the image'}: cannot run '${argv.slice(0, 2).join(' ')}' on it.`);
      return d;
    }),
  );
}
