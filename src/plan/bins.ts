import { WorkspaceError } from '../errors.js';
import type { BinTarget, Workspace } from '../read/workspace.js';

/** Pick the binary: the named one, else the only one; otherwise fail listing every candidate. */
export function pickBin(ws: Workspace, wanted: string): BinTarget {
  const list = ws.bins.map((b) => `${b.name} (package ${b.pkg} in ${b.member})`).join(', ');
  if (wanted !== '') {
    const hit = ws.bins.find((b) => b.name === wanted);
    if (hit) return hit;
    throw new WorkspaceError(
      `Input 'bin' names no binary of the workspace (got ${JSON.stringify(wanted)}). ` +
        (ws.bins.length ? `Use one of: ${list}.` : `The workspace has no binary target: add src/main.rs or a [[bin]] section.`),
    );
  }
  if (ws.bins.length === 1) return ws.bins[0] as BinTarget;
  if (ws.bins.length === 0) {
    throw new WorkspaceError(
      `The workspace at ${ws.root} (the 'context' directory) has no binary target (no src/main.rs, src/bin/*.rs or [[bin]]): ` +
        `an image needs one. Add a binary crate, or set 'context' to the workspace that has it.`,
    );
  }
  throw new WorkspaceError(`The workspace has ${ws.bins.length} binaries: ${list}. Set the 'bin' input to the one to put in the image.`);
}
