import fs from 'node:fs';
import path from 'node:path';
import { postEnv } from '../../helpers/action-runner.js';
import { bad, DEBUG, BASE, type Case } from './case-kit.js';
import { TOKEN, USER } from './observe.js';

// Rows: the registry token under debug logging, dry runs and shell metacharacters.
export const SECRET_CASES: Case[] = [
  // ---- Secrets ----------------------------------------------------------------------------------------------
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
