/**
 * An input the user gave us is wrong. The message always carries the input's name, the value
 * (unless it is secret) and what to do instead, so a user can fix the workflow without reading code.
 */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly value: string,
    problem: string,
    fix: string,
    opts: { secret?: boolean } = {},
  ) {
    const shown = opts.secret ? '***' : JSON.stringify(value);
    super(`Input '${input}' ${problem} (got ${shown}). ${fix}`);
    this.name = 'InputError';
  }
}

/** Something about the Rust workspace (not an input string) stops us before any docker command. */
export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

/** A docker/buildx process failed; `detail` is the last meaningful stderr line. */
export class DockerError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number,
    readonly detail: string,
    context?: string,
  ) {
    super(`${context ? context + ': ' : ''}'${argv.slice(0, 3).join(' ')}' failed (exit ${exitCode}): ${detail}`);
    this.name = 'DockerError';
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
