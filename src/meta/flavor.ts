import { InputError } from '../errors.js';
import { didYouMean, entryLines, splitFields } from './fields.js';

// The `flavor` input, metadata-action syntax: `latest=auto|true|false`, and a global
// `prefix=`/`suffix=` each optionally followed on the same line by `onlatest=true|false`, which
// says whether the `latest` tag gets that prefix/suffix too.

export interface Flavor {
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  prefixOnLatest: boolean;
  suffix: string;
  suffixOnLatest: boolean;
}

const KEYS = ['latest', 'prefix', 'suffix', 'onlatest'] as const;

export function parseFlavor(raw: string): Flavor {
  const flavor: Flavor = { latest: 'auto', prefix: '', prefixOnLatest: false, suffix: '', suffixOnLatest: false };
  for (const line of entryLines(raw)) {
    // onlatest= qualifies the prefix= or suffix= written before it on the same line.
    let qualifies: 'prefix' | 'suffix' | undefined;
    for (const { key, value } of splitFields('flavor', line)) {
      switch (key) {
        case undefined:
          throw new InputError('flavor', line, `has '${value}' without a key`, 'Write key=value, e.g. latest=false or suffix=-musl.');
        case 'latest':
          if (value !== 'auto' && value !== 'true' && value !== 'false') {
            throw new InputError('flavor', line, `has latest=${value}, which is not allowed`, 'Use latest=auto, latest=true or latest=false.');
          }
          flavor.latest = value;
          break;
        case 'prefix':
        case 'suffix':
          flavor[key] = value;
          qualifies = key;
          break;
        case 'onlatest': {
          if (value !== 'true' && value !== 'false') {
            throw new InputError('flavor', line, `has onlatest=${value}, which is not allowed`, 'Use onlatest=true or onlatest=false.');
          }
          // metadata-action ignores a stray onlatest; ours says so, since it was clearly meant for something.
          if (qualifies === undefined) {
            throw new InputError('flavor', line, 'has onlatest= without a prefix= or suffix= before it', 'Write it after the key it qualifies: suffix=-musl,onlatest=true.');
          }
          if (qualifies === 'prefix') flavor.prefixOnLatest = value === 'true';
          else flavor.suffixOnLatest = value === 'true';
          break;
        }
        default:
          throw new InputError('flavor', line, `has an unknown key '${key}'`, `Flavor keys: ${KEYS.join(', ')}.${didYouMean(key, KEYS)}`);
      }
    }
  }
  return flavor;
}
