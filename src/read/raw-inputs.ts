import * as core from '@actions/core';
import { DEFAULTS, Input, type RawInputs } from '../inputs.js';

/** Read every input once (the only caller of core.getInput). Secrets are masked before anything else. */
export function readRawInputs(get: (name: string) => string = (n) => core.getInput(n)): RawInputs {
  const raw = {} as RawInputs;
  for (const name of Object.values(Input)) {
    const v = get(name);
    raw[name] = v.trim() === '' ? DEFAULTS[name] : v;
  }
  if (raw.password !== '') core.setSecret(raw.password);
  return raw;
}
