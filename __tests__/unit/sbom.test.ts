import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { depSection } from '../../src/execute/supply.js';
import { fillDigests } from '../../src/plan/supply.js';
import { maskSecret } from '../../src/read/raw-inputs.js';
import { parseDepInfo, toCycloneDx, type AuditablePackage } from '../../src/report/sbom.js';
import { sbomLine } from '../../src/report/summary.js';
import { depV0, makeElf } from '../helpers/elf.mjs';

// The `.dep-v0` payload cargo-auditable 0.7 embedded in the rust-app fixture's binary on the real
// engine (Debian sid rustc; __tests__/engine/supply-chain.test.ts), inflated and kept as JSON.
const FIXTURE = JSON.parse(fs.readFileSync(path.join(import.meta.dirname ?? '', '..', 'fixtures', 'rust-app.dep-v0.json'), 'utf8')) as { packages: AuditablePackage[] };
const section = zlib.deflateSync(Buffer.from(JSON.stringify(FIXTURE)));
const opts = { platform: 'linux/amd64', timestamp: new Date('2024-05-06T07:08:09Z'), tool: { name: 'muslrust-chef-action', version: 'v1' } };

type Bom = { components: Array<{ name: string; version: string; purl?: string }>; metadata: { timestamp: string; component: { name: string; purl?: string } }; dependencies: Array<{ ref: string; dependsOn: string[] }> };

describe('crate SBOM from cargo-auditable data', () => {
  test('lists exactly the linked crates: build-only ones (proc macros and their deps) are left out', () => {
    const r = toCycloneDx(parseDepInfo(section), opts);
    const bom = r.bom as unknown as Bom;
    const names = bom.components.map((c) => c.name);
    for (const linked of ['clap', 'clap_builder', 'serde', 'serde_core', 'serde_json', 'anyhow', 'model']) expect(names).toContain(linked);
    for (const buildOnly of ['serde_derive', 'clap_derive', 'syn', 'quote', 'proc-macro2', 'heck', 'unicode-ident']) expect(names).not.toContain(buildOnly);
    expect(r.crates).toBe(19); // 27 packages - 7 build-only - the app itself
    expect(r.root).toBe('app@0.1.0');
    expect(bom.metadata.component.name).toBe('app');
  });

  test('registry crates get a purl with their version; local crates none (they have no registry coordinates)', () => {
    const bom = toCycloneDx(parseDepInfo(section), opts).bom as unknown as Bom;
    expect(bom.components.find((c) => c.name === 'serde_json')).toMatchObject({ version: '1.0.154', purl: 'pkg:cargo/serde_json@1.0.154' });
    expect(bom.components.find((c) => c.name === 'model')?.purl).toBeUndefined();
  });

  test('the dependency graph keeps only linked edges (serde does not depend on serde_derive here)', () => {
    const bom = toCycloneDx(parseDepInfo(section), opts).bom as unknown as Bom;
    expect(bom.dependencies.find((d) => d.ref === 'serde@1.0.229')?.dependsOn).toEqual(['serde_core@1.0.229']);
    expect(bom.dependencies.find((d) => d.ref === 'app@0.1.0')?.dependsOn).toEqual(['anyhow@1.0.104', 'clap@4.6.7', 'model@0.1.0', 'serde_json@1.0.154']);
  });

  test('byte-identical for the same binary and time (no serial number, second-precision timestamp)', () => {
    const a = JSON.stringify(toCycloneDx(parseDepInfo(section), opts).bom);
    expect(JSON.stringify(toCycloneDx(parseDepInfo(section), opts).bom)).toBe(a);
    expect((toCycloneDx(parseDepInfo(section), opts).bom as unknown as Bom).metadata.timestamp).toBe('2024-05-06T07:08:09Z');
  });

  test('not cargo-auditable data: an error that says so', () => {
    expect(() => parseDepInfo(Buffer.from('plain text'))).toThrow(/\.dep-v0 is not zlib-compressed JSON.*cargo-auditable/);
    expect(() => parseDepInfo(zlib.deflateSync(Buffer.from('{"crates":[]}')))).toThrow(/no package list/);
  });

  test('the section is read from an ELF; a binary without it has none (the SBOM step then warns)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbom-'));
    try {
      const pkgs = [{ name: 'x', version: '1.0.0', source: 'local', root: true }];
      fs.writeFileSync(path.join(dir, 'with'), makeElf([{ name: '.text', data: Buffer.from('code') }, { name: '.dep-v0', data: depV0(pkgs) }]));
      fs.writeFileSync(path.join(dir, 'without'), makeElf([{ name: '.text', data: Buffer.from('code') }]));
      expect(parseDepInfo(depSection(path.join(dir, 'with')) ?? Buffer.alloc(0))).toEqual(pkgs);
      expect(depSection(path.join(dir, 'without'))).toBeUndefined();
      expect(() => depSection(path.join(dir, 'missing'))).toThrow(/The SBOM export has no .*missing/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('summary line groups platforms with the same count', () => {
    expect(sbomLine({ dir: '/s', crates: { 'linux/amd64': 19, 'linux/arm64': 19 } })).toBe('19 crates (linux/amd64, linux/arm64)');
    expect(sbomLine({ dir: '/s', crates: { 'linux/amd64': 19, 'linux/arm64': 1 } })).toBe('19 crates (linux/amd64); 1 crate (linux/arm64)');
  });
});

describe('signing helpers', () => {
  test('digest placeholders are filled, and a missing one is an error, not an unsigned image', () => {
    expect(fillDigests(['cosign', 'attest', 'r@{digest:linux/arm64}', 'r@{digest}'], 'sha256:i', { 'linux/arm64': 'sha256:a' })).toEqual(['cosign', 'attest', 'r@sha256:a', 'r@sha256:i']);
    expect(() => fillDigests(['cosign', 'sign', 'r@{digest}'], undefined, {})).toThrow(/No pushed digest known for the image/);
  });

  test('a PEM key is masked whole and line by line; armor lines are not secrets', () => {
    const masked: string[] = [];
    maskSecret('-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAABBBBCCCCDDDD\nEEEEFFFF\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----', (v) => masked.push(v));
    expect(masked.slice(1)).toEqual(['AAAABBBBCCCCDDDD', 'EEEEFFFF']);
    expect(masked[0]).toContain('AAAABBBBCCCCDDDD\nEEEEFFFF');
  });
});
