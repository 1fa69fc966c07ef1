import fs from 'node:fs';
import path from 'node:path';
import { postEnv } from '../../helpers/action-runner.js';
import { bad, DEBUG, BASE, sha256, type Case } from './case-kit.js';
import { TOKEN, USER } from './observe.js';

// Rows: the registry token under debug logging, dry runs and shell metacharacters.
const COSIGN_KEY_BODY = 'eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjo2NTUzNn19fQ';
const COSIGN_KEY = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${COSIGN_KEY_BODY}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
const COSIGN_PASSWORD = 'c0sign-Pa55word-for-the-key';

export const SECRET_CASES: Case[] = [
  // ---- Secrets ----------------------------------------------------------------------------------------------
  {
    name: 'sign with a cosign key and password (debug logging on)',
    group: 'Secrets',
    expected: 'key and password reach cosign through its environment only: never in argv, the log, the plan or the outputs',
    inputs: { sign: 'true', 'cosign-key': COSIGN_KEY, 'cosign-password': COSIGN_PASSWORD },
    env: DEBUG,
    prepare: (c) => {
      // A cosign on PATH (used as found) that records its argv and a digest of what it got in its environment.
      const dir = path.join(c.scratch, 'cosign-bin');
      const log = path.join(c.scratch, 'cosign.log');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'cosign'), `#!/bin/sh\nprintf '%s|%s|%s\\n' "$*" "$(printf %s "$COSIGN_PRIVATE_KEY" | sha256sum | cut -c1-64)" "$COSIGN_PASSWORD" >>"${log}"\n`, { mode: 0o755 });
      return {
        env: { PATH: `${dir}:${c.r.bin}:/usr/bin:/bin` },
        check: (o) => {
          const calls = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split('|'));
          const signing = calls.filter(([argv]) => !argv?.startsWith('version'));
          expect(signing.map(([argv]) => argv?.split(' ').slice(0, 2).join(' '))).toEqual(['sign --yes', 'attest --yes', 'attest --yes']);
          for (const [argv, keySum, password] of signing) {
            expect(argv).toContain('--key env://COSIGN_PRIVATE_KEY');
            expect(keySum).toBe(sha256(COSIGN_KEY.trim())); // the runner trims inputs
            expect(password).toBe(COSIGN_PASSWORD);
          }
          // The log (but the runner's ::add-mask:: commands, which hide them), the summary and the
          // outputs (the plan's argv included) never show either.
          const masks = o.main.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
          expect(masks.filter((l) => l.includes(COSIGN_KEY_BODY))).toEqual([`::add-mask::${COSIGN_KEY.trim().replace(/\n/g, '%0A')}`, `::add-mask::${COSIGN_KEY_BODY}`]);
          const logLines = o.main.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
          const shown = [...logLines, o.main.stderr, o.main.summary, JSON.stringify(o.main.outputs)].join('\n');
          for (const secret of [COSIGN_KEY_BODY, COSIGN_PASSWORD]) expect({ secret, shown: shown.includes(secret) }).toEqual({ secret, shown: false });
          return [`cosign calls: ${signing.map(([a]) => a?.split(' ')[0]).join(', ')}; each got the key (sha256 match) and password through its environment; argv: --key env://COSIGN_PRIVATE_KEY`];
        },
      };
    },
    expect: { kind: 'ok' },
  },
  {
    name: 'build and push with RUNNER_DEBUG=1 and ACTIONS_STEP_DEBUG=true',
    group: 'Secrets',
    expected: 'token masked first, on login\'s stdin only; the login config exists between main and post, and post deletes it',
    env: DEBUG,
    expect: { kind: 'ok' },
    check: async (o, c) => {
      // Main again, alone: the recorder's login wrote base64(user:token) into the job's DOCKER_CONFIG …
      const env = c.r.inputEnv(BASE, DEBUG);
      const main = await c.r.stepAsync(env);
      const login = c.r.calls().filter((k) => k.argv[1] === 'login').pop();
      const cfg = path.join(login?.dockerConfig ?? '', 'config.json');
      expect(fs.readFileSync(cfg, 'utf8')).toContain(Buffer.from(`${USER}:${TOKEN}`).toString('base64'));
      // … and post deletes the whole directory.
      const post = await c.r.stepAsync(postEnv(env, main));
      c.more.push({ main, post });
      expect(fs.existsSync(login?.dockerConfig ?? '')).toBe(false);
      return ['DOCKER_CONFIG held base64(user:token) between main and post; post deleted the directory'];
    },
  },
  {
    name: 'dry run with credentials (plan output and summary)',
    group: 'Secrets',
    expected: 'the plan lists `docker login … --password-stdin` without the token; no docker command runs',
    inputs: { 'dry-run': 'true' },
    env: DEBUG,
    expect: { kind: 'ok' },
    check: (o) => {
      expect(o.calls).toEqual([]);
      const plan = JSON.parse(o.main.outputs.plan ?? '[]') as Array<{ argv: string[] }>;
      const login = plan.find((p) => p.argv[1] === 'login');
      expect(login?.argv).toEqual(['docker', 'login', '--username', USER, '--password-stdin', 'docker.io']);
      return [`plan login argv: ${login?.argv.join(' ')}`];
    },
  },
  {
    name: 'token with shell metacharacters',
    group: 'Secrets',
    expected: 'reaches docker login\'s stdin byte for byte; nothing runs it; masked first',
    prepare: (c) => {
      const token = `p4ss'"$(touch ${c.canary});\`id\`|&<>\\`;
      return {
        inputs: { password: token },
        check: (o) => {
          const login = o.calls.find((k) => k.argv[1] === 'login');
          expect(login?.stdin).toBe(token);
          expect(o.main.stdout.split('\n')[0]).toBe(`::add-mask::${token}`);
          return ['login stdin equals the token byte for byte'];
        },
      };
    },
    expect: { kind: 'ok' },
  },
  bad('Secrets', 'password without username', { username: '' }, 'username', '', /Set both username and password/, 'to set both, without echoing the password'),
];
