import * as core from '@actions/core';
import { DEFAULTS, Input, type RawInputs } from '../inputs.js';
import { registryAuthSecrets } from '../plan/auth.js';

/** Read every input once (the only caller of core.getInput). Secrets are masked before anything else. */
export function readRawInputs(get: (name: string) => string = (n) => core.getInput(n)): RawInputs {
  const raw = {} as RawInputs;
  for (const name of Object.values(Input)) {
    const v = get(name);
    raw[name] = v.trim() === '' ? DEFAULTS[name] : v;
  }
  for (const secret of [raw.password, raw['cosign-key'], raw['cosign-password']]) maskSecret(secret);
  for (const p of registryAuthSecrets(raw['registry-auth'])) maskSecret(p);
  return raw;
}

/**
 * The runner masks a multi-line secret only as a whole: a PEM key echoed line by line (a tool's error
 * quoting one line) would show. Each line of the body is registered too; the armor lines are public.
 */
export function maskSecret(value: string, set: (v: string) => void = (v) => core.setSecret(v)): void {
  if (value === '') return;
  set(value);
  for (const line of value.split(/\r?\n/).map((l) => l.trim())) {
    if (line !== value.trim() && line.length >= 8 && !line.startsWith('-----')) set(line);
  }
}
