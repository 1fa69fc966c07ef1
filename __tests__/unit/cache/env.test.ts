import { ghaCacheEnvProblem, maskSignedUrls, signedUrlSecrets } from '../../../src/cache/env.js';

describe('ghaCacheEnvProblem', () => {
  const TOKEN = { ACTIONS_RUNTIME_TOKEN: 'tok' };
  test.each<[string, Record<string, string | undefined>, RegExp | undefined]>([
    ['v2 runner (token + results URL)', { ...TOKEN, ACTIONS_RESULTS_URL: 'https://results-receiver.actions.githubusercontent.com/', ACTIONS_CACHE_SERVICE_V2: 'True' }, undefined],
    ['v1 / GHES (token + cache URL)', { ...TOKEN, ACTIONS_CACHE_URL: 'https://ghes.example/_services/artifactcache/abc/' }, undefined],
    ['nothing set (local run)', {}, /ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL \(or ACTIONS_CACHE_URL\) are not set/],
    ['token only', { ...TOKEN }, /ACTIONS_RESULTS_URL \(or ACTIONS_CACHE_URL\) is not set/],
    ['URL only', { ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/' }, /ACTIONS_RUNTIME_TOKEN is not set/],
    ['blank values count as missing', { ACTIONS_RUNTIME_TOKEN: ' ', ACTIONS_RESULTS_URL: '' }, /ACTIONS_RUNTIME_TOKEN and/],
  ])('%s', (_name, env, problem) => {
    const r = ghaCacheEnvProblem(env);
    if (problem === undefined) expect(r).toBeUndefined();
    else expect(r).toMatch(problem);
  });

  test('says what happens and what to do', () => {
    const r = ghaCacheEnvProblem({}) ?? '';
    expect(r).toMatch(/silently skips the gha cache/);
    expect(r).toMatch(/'uses:' step/);
    expect(r).toMatch(/cache: registry/);
    expect(r).toMatch(/cache: local/);
    expect(r).toMatch(/cache: none/);
  });
});

describe('signed URL masking', () => {
  const url =
    'https://prod.blob.core.windows.net/actions-cache/11-abc?sv=2023-08-03&se=2026-11-21T10%3A00%3A00Z&sr=b&sp=cw&sig=AbC%2Bd%2Fe%3D&blockid=x';
  const stderr = `#15 ERROR: error writing layer blob: Put "${url}": dial tcp: lookup prod.blob.core.windows.net: no such host`;

  test.each([
    ['a URL in docker stderr', stderr, stderr.replace('sig=AbC%2Bd%2Fe%3D', 'sig=***')],
    ['sig as the last parameter', 'GET http://127.0.0.1:10000/devstoreaccount1/c/b?sv=1&sig=xyz', 'GET http://127.0.0.1:10000/devstoreaccount1/c/b?sv=1&sig=***'],
    ['sig first, upper case', 'u?SIG=Q1%3D&sp=r', 'u?SIG=***&sp=r'],
    ['JSON-escaped &', '{"url":"https://h/b?sv=1\\u0026sig=abc\\u0026sp=r"}', '{"url":"https://h/b?sv=1\\u0026sig=***\\u0026sp=r"}'],
    ['several URLs', 'a?sig=1 b?x=1&sig=2', 'a?sig=*** b?x=1&sig=***'],
    ['nothing to mask', 'signature=abc design=1 ?sigma=2', 'signature=abc design=1 ?sigma=2'],
  ])('maskSignedUrls: %s', (_name, input, out) => {
    expect(maskSignedUrls(input)).toBe(out);
  });

  test('signedUrlSecrets returns raw and decoded values for setSecret', () => {
    expect(signedUrlSecrets(stderr)).toEqual(['AbC%2Bd%2Fe%3D', 'AbC+d/e=']);
    expect(signedUrlSecrets('x?sig=plain&a=1')).toEqual(['plain']);
    expect(signedUrlSecrets('x?sig=%E0%A4%A&a=1')).toEqual(['%E0%A4%A']); // invalid encoding: raw only
    expect(signedUrlSecrets('no urls here')).toEqual([]);
  });
});
