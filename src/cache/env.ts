/**
 * The runner environment that `type=gha` needs, and hiding the signed URLs its errors can print.
 *
 * buildx copies ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL / ACTIONS_CACHE_URL into the gha cache
 * attributes itself, and when the token or both URLs are missing it DROPS the gha cache entry without
 * a word: the build runs, uncached, every time. The runner gives these variables to JavaScript and
 * container actions (so to this action), not to `run:` steps.
 */
type Env = Readonly<Record<string, string | undefined>>;

const set = (env: Env, name: string): boolean => (env[name] ?? '').trim() !== '';

/** A warning text for `cache: gha` when the cache service variables are missing; undefined when fine. */
export function ghaCacheEnvProblem(env: Env): string | undefined {
  const token = set(env, 'ACTIONS_RUNTIME_TOKEN');
  const url = set(env, 'ACTIONS_RESULTS_URL') || set(env, 'ACTIONS_CACHE_URL');
  if (token && url) return undefined;
  const missing = [...(token ? [] : ['ACTIONS_RUNTIME_TOKEN']), ...(url ? [] : ['ACTIONS_RESULTS_URL (or ACTIONS_CACHE_URL)'])];
  return (
    `cache: gha needs the runner's cache service variables, but ${missing.join(' and ')} ` +
    `${missing.length > 1 ? 'are' : 'is'} not set, and buildx then silently skips the gha cache: this build will neither read ` +
    `nor write its layer cache. The Actions runner sets them for actions started with 'uses:'; they are missing when the ` +
    `action runs outside a runner (a local or act run without a cache server) or from a 'run:' script. ` +
    `Run the action as a 'uses:' step on a GitHub-hosted or self-hosted runner, or pick another layer cache: ` +
    `'cache: registry' (a :buildcache tag next to your image), 'cache: local', or 'cache: none' to silence this warning.`
  );
}

// `sig=` in a query string (also JSON-escaped `\u0026sig=`), up to the next separator.
const SIG = /([?&]|\\u0026)(sig=)([^&\s"'<>\\]+)/gi;

function decode(v: string): string | undefined {
  try {
    return decodeURIComponent(v);
  } catch {
    return undefined; // not valid percent-encoding: masking the raw value is what matters
  }
}

/** The `sig` values of every signed (SAS) URL in `text`, decoded and raw, for core.setSecret. */
export function signedUrlSecrets(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(SIG)) {
    const raw = m[3] ?? '';
    if (raw === '') continue;
    out.add(raw);
    const decoded = decode(raw);
    if (decoded !== undefined) out.add(decoded);
  }
  return [...out];
}

/** `text` with every SAS signature replaced by `***` (docker stderr, error messages). */
export function maskSignedUrls(text: string): string {
  return text.replace(SIG, (_m, sep: string, key: string) => `${sep}${key}***`);
}
