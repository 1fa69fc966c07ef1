import * as core from '@actions/core';
import elfy from 'elfy';
import fs from 'node:fs';
import path from 'node:path';
import { Docker, type DockerRunner } from './docker.js';
import { errorMessage } from '../errors.js';
import type { Inputs } from '../inputs.js';
import type { PlannedCommand } from '../plan/commands.js';
import type { Plan } from '../plan/index.js';
import { COSIGN_KEY_ENV, fillDigests } from '../plan/supply.js';
import { DEP_SECTION, parseDepInfo, toCycloneDx } from '../report/sbom.js';
import { ensureCosign } from './cosign.js';

/** The `.dep-v0` section of an ELF binary; undefined when it was built without cargo-auditable. */
export function depSection(file: string): Uint8Array | undefined {
  if (!fs.existsSync(file)) throw new Error(`The SBOM export has no ${file}: the build's artifacts stage did not produce the binary`);
  return elfy.parse(fs.readFileSync(file)).body.sections.find((x) => x.name === DEP_SECTION)?.data;
}

export interface SbomResult {
  dir: string;
  /** Crates listed per platform. */
  crates: Record<string, number>;
}

/** Read each platform's exported binary and write its CycloneDX file. */
export function writeCrateSboms(plan: Plan, version: string): SbomResult | undefined {
  const sbom = plan.supply.sbom;
  if (!sbom || !plan.bin) return undefined;
  const bin = plan.bin.name;
  fs.mkdirSync(sbom.dir, { recursive: true });
  const crates: Record<string, number> = {};
  const timestamp = plan.supply.sourceDate ? new Date(plan.supply.sourceDate.seconds * 1000) : new Date();
  for (const { platform, file } of sbom.files) {
    // platform-split=true: <dest>/linux_amd64/<bin>
    const exported = path.join(sbom.exportDir, platform.replace(/\//g, '_'), bin);
    let section: Uint8Array | undefined;
    try {
      section = depSection(exported);
    } catch (e) {
      if (!fs.existsSync(exported)) throw e;
      // Not an ELF with section headers elfy can read: no SBOM, but the image itself is fine.
      core.warning(`No crate SBOM for ${platform}: ${bin} could not be read as an ELF file (${errorMessage(e)}).`);
      continue;
    }
    if (!section) {
      core.warning(`No crate SBOM for ${platform}: the binary has no ${DEP_SECTION} section, so the builder image has no cargo-auditable. Add it (docs/builder-image.md), or set auditable: false and sbom: false.`);
      continue;
    }
    const result = toCycloneDx(parseDepInfo(section), { platform, timestamp, tool: { name: 'muslrust-chef-action', version } });
    fs.writeFileSync(file, `${JSON.stringify(result.bom, null, 2)}\n`);
    crates[platform] = result.crates;
    core.info(`${platform}: ${result.crates} crates linked into ${result.root} → ${file}`);
  }
  fs.rmSync(sbom.exportDir, { recursive: true, force: true });
  return Object.keys(crates).length > 0 ? { dir: sbom.dir, crates } : undefined;
}

/**
 * Sign (and attest) with cosign. The key and its password reach cosign through its environment
 * only; registry credentials through the job's DOCKER_CONFIG, where login put them.
 */
export async function runSigning(cmds: readonly PlannedCommand[], o: { inputs: Inputs; dockerConfig: string; workDir: string; env: Readonly<Record<string, string | undefined>>; digest?: string; platformDigests: Record<string, string>; docker: DockerRunner }): Promise<void> {
  if (cmds.length === 0) return;
  const cosign = await ensureCosign(o.docker, { dir: path.join(o.workDir, 'bin'), env: o.env });
  const env: Record<string, string> = { DOCKER_CONFIG: o.dockerConfig, COSIGN_PASSWORD: o.inputs.cosignPassword };
  if (o.inputs.cosignKey !== '') env[COSIGN_KEY_ENV] = o.inputs.cosignKey;
  const runner = new Docker(env);
  for (const cmd of cmds) {
    const predicate = cmd.argv[cmd.argv.indexOf('--predicate') + 1];
    if (cmd.id === 'attest' && predicate && !fs.existsSync(predicate)) {
      core.info(`# skipped (no crate SBOM for it): ${cmd.note}`);
      continue;
    }
    const argv = fillDigests(cmd.argv, o.digest, o.platformDigests);
    argv[0] = cosign;
    core.info(`# ${cmd.note}\n${['cosign', ...argv.slice(1)].join(' ')}`);
    await runner.run(argv, { context: cmd.id === 'sign' ? 'signing' : 'attaching the SBOM attestation' });
  }
}
