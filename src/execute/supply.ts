import * as core from '@actions/core';
import elfy from 'elfy';
import fs from 'node:fs';
import path from 'node:path';
import { Docker, type DockerRunner } from './docker.js';
import type { Inputs } from '../inputs.js';
import type { PlannedCommand } from '../plan/commands.js';
import type { Plan } from '../plan/index.js';
import { COSIGN_KEY_ENV, fillDigests } from '../plan/supply.js';
import { DEP_SECTION, parseDepInfo, toCycloneDx } from '../report/sbom.js';
import { ensureCosign } from './cosign.js';

/** The `.dep-v0` section of an ELF binary. */
export function depSection(file: string): Uint8Array {
  const elf = elfy.parse(fs.readFileSync(file));
  const s = elf.body.sections.find((x) => x.name === DEP_SECTION);
  if (!s) throw new Error(`${file} has no ${DEP_SECTION} section: it was not built with cargo-auditable (auditable: true and a builder image with cargo-auditable)`);
  return s.data;
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
    const result = toCycloneDx(parseDepInfo(depSection(exported)), { platform, timestamp, tool: { name: 'muslrust-chef-action', version } });
    fs.writeFileSync(file, `${JSON.stringify(result.bom, null, 2)}\n`);
    crates[platform] = result.crates;
    core.info(`${platform}: ${result.crates} crates linked into ${result.root} → ${file}`);
  }
  fs.rmSync(sbom.exportDir, { recursive: true, force: true });
  return { dir: sbom.dir, crates };
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
    const argv = fillDigests(cmd.argv, o.digest, o.platformDigests);
    argv[0] = cosign;
    core.info(`# ${cmd.note}\n${['cosign', ...argv.slice(1)].join(' ')}`);
    await runner.run(argv, { context: cmd.id === 'sign' ? 'signing' : 'attaching the SBOM attestation' });
  }
}
