import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { Input, type Inputs } from '../inputs.js';
import { readWorkspace, type Workspace } from './workspace.js';

// Everything the plan needs from disk, read once before planning, so buildPlan itself is pure
// (a function of inputs, run context and these files) and can be table-tested in-process.

export interface PlanFiles {
  /** The build context: an existing directory inside the workspace. */
  context: string;
  /** The user's own Dockerfile (the `dockerfile` input), read in full. */
  userDockerfile?: { path: string; content: string };
  /** The Cargo workspace at `context`: always for the generated Dockerfile; for a user Dockerfile when it has a Cargo.toml. */
  workspace?: Workspace;
  /** The context's own .dockerignore, merged into the generated Dockerfile's. */
  dockerignore?: string;
}

function inside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function resolveContext(inputs: Inputs, workspace: string): string {
  const dir = path.resolve(workspace, inputs.context);
  if (!inside(path.resolve(workspace), dir)) {
    throw new InputError(Input.Context, inputs.context, 'points outside the workspace', 'Use a path inside the repository checkout, e.g. `.` or `services/api`.');
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new InputError(Input.Context, inputs.context, 'is not a directory', 'Check out the repository first (actions/checkout) and point `context` at the Cargo workspace directory.');
  }
  return dir;
}

const readIfFile = (p: string): string | undefined => (fs.existsSync(p) && fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : undefined);

/** Read the context, the Dockerfile and the Cargo workspace. `workspace` is the checkout (GITHUB_WORKSPACE). */
export function readPlanFiles(inputs: Inputs, workspace: string): PlanFiles {
  const context = resolveContext(inputs, workspace);
  if (inputs.dockerfile !== '') {
    const p = path.resolve(workspace, inputs.dockerfile);
    const content = readIfFile(p);
    if (content === undefined) {
      throw new InputError(Input.Dockerfile, inputs.dockerfile, 'does not exist', `Give a path relative to the workspace (${workspace}), or leave it empty to use the generated cargo-chef Dockerfile.`);
    }
    // Your own Dockerfile need not build a Cargo workspace (e.g. the builder image itself).
    const ws = fs.existsSync(path.join(context, 'Cargo.toml')) ? readWorkspace(context) : undefined;
    return { context, userDockerfile: { path: p, content }, workspace: ws };
  }
  if (inputs.mode !== 'build') return { context };
  return { context, workspace: readWorkspace(context), dockerignore: readIfFile(path.join(context, '.dockerignore')) };
}
