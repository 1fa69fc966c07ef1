import type { Case } from './case-kit.js';
import { CACHE_FAULT_CASES } from './cases-cache.js';
import { DOCKER_FAULT_CASES } from './cases-docker.js';
import { INPUT_CASES } from './cases-input.js';
import { SECRET_CASES } from './cases-secrets.js';

export { BASE, warningsOf, type Case, type Ctx } from './case-kit.js';

/** Every row, in the order of docs/reliability.md. */
export const CASES: Case[] = [...INPUT_CASES, ...DOCKER_FAULT_CASES, ...CACHE_FAULT_CASES, ...SECRET_CASES];

/** Every row must be unique by name: the doc is keyed by it. */
export function assertUniqueNames(cases: readonly Case[]): void {
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`duplicate case name: ${c.name}`);
    seen.add(c.name);
  }
}
