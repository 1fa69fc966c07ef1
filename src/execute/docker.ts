import * as exec from '@actions/exec';
import { DockerError } from '../errors.js';

export interface RunOptions {
  /** Bytes for the process's stdin (how the registry token reaches `docker login`). */
  stdin?: string;
  /** Do not echo the command's output to the log (it is still captured). */
  silent?: boolean;
  /** Return the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /** Prefix for the error message, e.g. "push of linux/arm64 to org/app". */
  context?: string;
  /** Rewrite every output line before it is logged (e.g. hide signed cache URLs). */
  mask?: (line: string) => string;
  /** Print each output line yourself instead (e.g. render buildx's rawjson progress); output is still captured. */
  echo?: (line: string) => void;
  cwd?: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The one process seam: every docker/buildx invocation goes through here (tests swap the binary on PATH). */
export interface DockerRunner {
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

/** Last non-empty stderr line that is not progress noise: what a user needs to see first. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^#\d+ /.test(l) && !l.startsWith('------'));
  const err = [...lines].reverse().find((l) => /error|denied|unauthorized|failed|not found|cannot|no such/i.test(l));
  return err ?? lines[lines.length - 1] ?? '(no output)';
}

/**
 * docker's own words when the socket is missing say what broke, not what to do about it: a container
 * job without the socket, a self-hosted runner without Docker, a macOS/Windows runner.
 */
export function daemonHint(detail: string): string {
  if (!/Cannot connect to the Docker daemon|Is the docker daemon running/i.test(detail)) return '';
  return ' This action needs a runner with Docker (GitHub-hosted ubuntu runners have it): on a self-hosted runner start dockerd, in a container job mount /var/run/docker.sock.';
}

export class Docker implements DockerRunner {
  /** `env` is layered over process.env for every call (DOCKER_CONFIG, BUILDX_* knobs). */
  constructor(private readonly env: Record<string, string> = {}) {}

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const [cmd, ...args] = argv;
    if (cmd === undefined) throw new Error('empty argv');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, this.env);
    let res: exec.ExecOutput;
    try {
      const mask = opts.mask;
      const echo = opts.echo ?? (mask ? (l: string) => process.stdout.write(`${mask(l)}\n`) : undefined);
      res = await exec.getExecOutput(cmd, args, {
        ignoreReturnCode: true,
        // With a mask or an echo we print the lines ourselves, so nothing unmasked reaches the log.
        silent: echo ? true : (opts.silent ?? false),
        listeners: echo && !opts.silent ? { stdline: echo, errline: echo } : undefined,
        input: opts.stdin !== undefined ? Buffer.from(opts.stdin) : undefined,
        env,
        cwd: opts.cwd,
      });
    } catch (e) {
      // Spawning failed: docker is not installed or not on PATH.
      throw new DockerError(argv, 127, `${(e as Error).message.replace(/\.+$/, '')}. Is the docker CLI installed on this runner?`, opts.context);
    }
    if (res.exitCode !== 0 && !opts.allowFailure) {
      const detail = lastErrorLine(res.stderr || res.stdout);
      throw new DockerError(argv, res.exitCode, (opts.mask ? opts.mask(detail) : detail) + daemonHint(detail), opts.context);
    }
    return { exitCode: res.exitCode, stdout: res.stdout, stderr: res.stderr };
  }
}
